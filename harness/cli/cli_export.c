/* speedlab export: records in another program's format. */
#include "cli/cli.h"
#include "reporters/gbench.h"
#include "results/record_set.h"
#include "kit/sl.h"
#include "kit/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values of export's options. */
struct export_args {
    const char *format, *output;
};

static const struct sl_option export_options[] = {
    {.name = "format", .arg = "FORMAT", .group = "options",
     .help = "the format: gbench (the only one so far; required)", .kind = SL_OPTION_TEXT,
     .offset = offsetof(struct export_args, format)},
    {.name = "output", .letter = 'o', .arg = "FILE", .group = "options",
     .help = "where to write, atomically ('-': stdout)", .def = "-", .kind = SL_OPTION_TEXT,
     .offset = offsetof(struct export_args, output)},
    {0},
};

static int cli_export(int argc, char **argv, const struct machine *machine);

const struct cli_command cli_export_command = {
    .name = "export",
    .operands = "RECORD...",
    .summary = "records as Google Benchmark JSON (--format gbench)",
    .about =
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
        "context.speedlab_note).\n",
    .notes = "exit status: 0 written, 2 bad command line or unusable record.\n",
    .options = export_options,
    .main = cli_export,
};

static int cli_export(int argc, char **argv, const struct machine *machine)
{
    (void)machine;
    struct export_args a = {0};
    struct cli_parsed p;
    int parsed = cli_parse(&cli_export_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_export_command, parsed);
    const char *format = a.format, *out = a.output;
    if (!format || strcmp(format, "gbench") != 0) {
        sl_fail(format ? "export: unknown --format '%s' (gbench is the one there is)"
                       : "export: which --format? (gbench)%s",
                format ? format : "");
        return cli_usage_error();
    }
    if (p.n_operands == 0) {
        sl_fail("export: which records?");
        return cli_usage_error();
    }
    struct record_set set = {0};
    int status = 0;
    for (int i = 0; i < p.n_operands && status == 0; i++)
        if (record_set_add(&set, p.operands[i]) != 0)
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
