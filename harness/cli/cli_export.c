/* speedlab export: records in another program's format, one record in
 * memory at a time, each result written as it comes. */
#include "cli/cli.h"
#include "kit/files.h"
#include "kit/sl.h"
#include "kit/util.h"
#include "reporters/reporters.h"
#include "results/record.h"
#include "results/run_set.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values of export's options. */
struct export_args {
    const char *format, *output;
};

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

/* The record files a side names, as inputs that -o must not be. */
struct inputs {
    struct util_file_role *items;
    size_t n;
};

static int add_input(const char *path, bool in_folder, void *ctx)
{
    (void)in_folder;
    struct inputs *in = ctx;
    struct util_file_role *grown = realloc(in->items, (in->n + 1) * sizeof *grown);
    char *copy = strdup(path);
    if (grown)
        in->items = grown;
    if (!grown || !copy) {
        free(copy);
        return sl_fail("out of memory");
    }
    in->items[in->n++] = (struct util_file_role){"record", copy};
    return 0;
}

/* -o is none of the records exported (issue 15: export replaced its input). */
static int check_output(const char *out, char **specs, int n_specs)
{
    if (strcmp(out, "-") == 0)
        return 0;
    struct inputs in = {0};
    int rc = 0;
    for (int i = 0; i < n_specs && rc == 0; i++)
        rc = run_set_each(specs[i], add_input, &in);
    const struct util_file_role output = {"-o", out};
    if (rc == 0)
        rc = util_check_distinct(in.items, in.n, &output, 1);
    if (rc == 0)
        rc = util_check_writable(out);
    for (size_t i = 0; i < in.n; i++)
        free((char *)in.items[i].path);
    free(in.items);
    return rc;
}

/* " NAME: what it is." for each row of the format table. */
#define FORMAT_HELP(name, description) " " #name ": " description "."

static const struct sl_option export_options[] = {
    {.name = "format", .arg = "FORMAT", .group = "options",
     .help = "the format (required), one of the export formats:" SL_EXPORT_FORMATS(FORMAT_HELP),
     .kind = SL_OPTION_TEXT,
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
    .summary = "records in another program's format (--format FORMAT)",
    .about =
        "Writes records (files or folders of them) in another program's format, one\n"
        "document for all of them, for dashboards and tools made for it.  The figures\n"
        "are computed from each record's raw times, as speedlab computes them.\n",
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
    const char *out = a.output;
    const struct sl_export_format *format = a.format ? sl_export_format_find(a.format) : NULL;
    if (!format) {
        char names[256] = "";
        for (int f = 0; f < SL_N_EXPORT_FORMATS; f++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", f ? ", " : "",
                     sl_export_formats[f].name);
        sl_fail(a.format ? "export: unknown --format '%s' (there are %s)"
                         : "export: which --format?%s (%s)",
                a.format ? a.format : "", names);
        return cli_usage_error();
    }
    if (p.n_operands == 0) {
        sl_fail("export: which records?");
        return cli_usage_error();
    }
    if (check_output(out, p.operands, p.n_operands) != 0)
        return cli_usage_error();
    struct sl_reporters reps = {0};
    int rc = sl_reporters_add(&reps, format->create(out));
    for (int i = 0; i < p.n_operands && rc == 0; i++)
        rc = run_set_each(p.operands[i], export_file, reps.items[0]);
    if (rc == 0)
        rc = sl_reporters_finish(&reps);
    sl_reporters_destroy(&reps);
    return rc == 0 ? EXIT_SUCCESS : cli_usage_error();
}
