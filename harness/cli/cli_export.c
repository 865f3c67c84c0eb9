/* speedlab export: records in another program's format, one record in
 * memory at a time, each result written as it comes. */
#include "cli/cli.h"
#include "kit/sl.h"
#include "kit/util.h"
#include "reporters/reporters.h"
#include "results/record.h"
#include "results/record_set.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_COLUMN = 22, LINE_WIDTH = 80 };

void cli_print_formats(FILE *fp, const char *name_fmt, const char *lead_fmt)
{
    for (int f = 0; f < SL_N_EXPORT_FORMATS; f++) {
        char name[64], text[800];
        snprintf(name, sizeof name, name_fmt, sl_export_formats[f].name);
        int lead = snprintf(text, sizeof text, lead_fmt, sl_export_formats[f].name);
        snprintf(text + lead, sizeof text - (size_t)lead, "%s", sl_export_formats[f].description);
        int column = fprintf(fp, "%-*s", NAME_COLUMN - 1, name);
        /* The description in words, wrapped under the name's column. */
        for (char *word = strtok(text, " "); word; word = strtok(NULL, " ")) {
            if (column + 1 + (int)strlen(word) > LINE_WIDTH && column > NAME_COLUMN) {
                fprintf(fp, "\n%*s", NAME_COLUMN - 1, "");
                column = NAME_COLUMN - 1;
            }
            column += fprintf(fp, " %s", word);
        }
        fputc('\n', fp);
    }
}

static void export_usage(FILE *fp)
{
    fprintf(fp, "usage: speedlab export --format FORMAT RECORD... [-o FILE]\n"
                "\n"
                "Writes records (files or folders of them) in another program's format, one\n"
                "document for all of them, for dashboards and tools made for it.  The figures\n"
                "are computed from each record's raw times, as speedlab computes them.\n"
                "\n"
                "formats:\n");
    cli_print_formats(fp, "  %s", "");
    fprintf(fp, "\n"
                "options:\n"
                "  --format FORMAT     one of the formats above (required)\n"
                "  -o, --output FILE   where to write (default: stdout); written atomically\n"
                "\n"
                "exit status: 0 written, 2 bad command line or unusable record.\n");
}

/* One record through the reporter: begin, every result, end. */
static int export_record(const char *path, struct sl_reporter *reporter)
{
    struct sl_run run;
    int rc = record_load_run(path, &run);
    struct sl_reporters one = {.items = {reporter}, .n = 1};
    if (rc == 0)
        rc = sl_reporters_begin(&one, &run);
    for (size_t i = 0; rc == 0 && i < run.n_results; i++)
        rc = sl_reporters_result(&one, &run, &run.results[i]);
    if (rc == 0)
        rc = sl_reporters_end(&one, &run);
    sl_run_free(&run);
    return rc;
}

/* A record named on the command line, or each record of a folder (where a
 * claims summary beside them is no record and is passed over). */
static int export_file(const char *path, bool in_folder, void *reporter)
{
    int rc = export_record(path, reporter);
    return rc == -2 && in_folder ? 1 : rc;
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
    const char *format_name = NULL, *out = "-";
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", options, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT: format_name = optarg; break;
        case 'o': out = optarg; break;
        case 'h': export_usage(stdout); return 0;
        default:
            sl_fail("export: unknown or incomplete option '%s' (see 'speedlab export --help')",
                    argv[optind - 1]);
            return cli_usage_error();
        }
    }
    const struct sl_export_format *format = format_name ? sl_export_format_find(format_name) : NULL;
    if (!format) {
        char names[256] = "";
        for (int f = 0; f < SL_N_EXPORT_FORMATS; f++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", f ? ", " : "",
                     sl_export_formats[f].name);
        sl_fail(format_name ? "export: unknown --format '%s' (there are %s)"
                            : "export: which --format?%s (%s)",
                format_name ? format_name : "", names);
        return cli_usage_error();
    }
    if (optind >= argc) {
        sl_fail("export: which records?");
        return cli_usage_error();
    }
    if (strcmp(out, "-") != 0 && util_check_writable(out) != 0)
        return cli_usage_error();
    struct sl_reporters reps = {0};
    int rc = sl_reporters_add(&reps, format->create(out));
    for (int i = optind; i < argc && rc == 0; i++)
        rc = record_set_each(argv[i], export_file, reps.items[0]);
    if (rc == 0)
        rc = sl_reporters_finish(&reps);
    sl_reporters_destroy(&reps);
    return rc == 0 ? 0 : cli_usage_error();
}
