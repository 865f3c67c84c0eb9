/* speedlab export: records in another program's format. */
#include "cli/cli.h"
#include "reporters/gbench.h"
#include "results/record_set.h"
#include "kit/sl.h"
#include "kit/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void export_usage(FILE *fp)
{
    fprintf(fp,
            "usage: speedlab export --format gbench RECORD... [-o FILE]\n"
            "\n"
            "Writes records (files or folders of them) as Google Benchmark JSON, the layout\n"
            "of --benchmark_format=json, for dashboards and tools made for it: a context\n"
            "(date, host_name, executable, num_cpus, mhz_per_cpu where the record names a\n"
            "clock, caches, library_build_type) and benchmarks[]: per result one\n"
            "'iteration' entry per repetition (iterations 1, real_time in ns) and the\n"
            "aggregates mean, median, stddev and cv, named\n"
            "kernel/variant/schedule/size:SIZE/threads:N[_aggregate], with items_per_second\n"
            "(the workload's units), bytes_per_second and flops_per_second where the work\n"
            "model has them.  Skipped and failed results carry error_occurred and the reason.\n"
            "speedlab measures wall-clock time only: cpu_time repeats real_time (said in\n"
            "context.speedlab_note).\n"
            "\n"
            "options:\n"
            "  --format gbench     the format (the only one so far; required)\n"
            "  -o, --output FILE   where to write (default: stdout); written atomically\n"
            "\n"
            "exit status: 0 written, 2 bad command line or unusable record.\n");
}

int cli_export(int argc, char **argv, const struct machine *machine)
{
    (void)machine;
    enum { OPT_FORMAT = 256 };
    static const struct option options[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *format = NULL, *out = "-";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", options, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT: format = optarg; break;
        case 'o': out = optarg; break;
        case 'h': export_usage(stdout); return 0;
        default:
            sl_fail("export: unknown or incomplete option '%s' (see 'speedlab export --help')",
                    argv[optind - 1]);
            return cli_usage_error();
        }
    }
    if (!format || strcmp(format, "gbench") != 0) {
        sl_fail(format ? "export: unknown --format '%s' (gbench is the one there is)"
                       : "export: which --format? (gbench)%s",
                format ? format : "");
        return cli_usage_error();
    }
    if (optind >= argc) {
        sl_fail("export: which records?");
        return cli_usage_error();
    }
    struct record_set set = {0};
    int status = 0;
    for (int i = optind; i < argc && status == 0; i++)
        if (record_set_add(&set, argv[i]) != 0)
            status = cli_usage_error();
    if (status == 0 && strcmp(out, "-") != 0 && util_check_writable(out) != 0)
        status = cli_usage_error();
    if (status == 0) {
        const char **paths = malloc(set.n * sizeof *paths);
        if (!paths) {
            sl_fail("out of memory");
            status = cli_usage_error();
        } else {
            for (size_t i = 0; i < set.n; i++)
                paths[i] = set.recs[i].path;
            if (gbench_export_files(paths, set.n, out) != 0)
                status = cli_usage_error();
            free(paths);
        }
    }
    record_set_free(&set);
    return status;
}
