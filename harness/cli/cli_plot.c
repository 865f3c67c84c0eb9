/* speedlab plot RECORD|FOLDER...: the records loaded into the result model,
 * the run's name and output folder; figures/plot.c draws. */
#include "cli/cli.h"
#include "analysis/hwcompare.h"
#include "figures/plot.h"
#include "kit/sl.h"
#include "results/run_set.h"

#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct plot_args {
    const char *out, *name;
};

static const struct sl_option plot_options[] = {
    {.name = "out", .letter = 'o', .arg = "DIR", .group = "options", .help = "output folder",
     .def_text = "plots/NAME", .kind = SL_OPTION_TEXT, .offset = offsetof(struct plot_args, out)},
    {.name = "name", .letter = 'n', .arg = "NAME", .group = "options",
     .help = "run name, a plain file name",
     .def_text = "the folder's name when a folder or several records from one folder are given, "
                 "else the record's run_id",
     .kind = SL_OPTION_TEXT, .offset = offsetof(struct plot_args, name)},
    {0},
};

static int cli_plot(int argc, char **argv, const struct machine *m);

const struct cli_command cli_plot_command = {
    .name = "plot",
    .operands = "RECORD...",
    .summary = "figures (PNG, SVG) and an offline HTML report of records",
    .about =
        "Draws the figures the records support, as PNG and SVG, with gnuplot scripts from\n"
        "plots/ (or $SPEEDLAB_PLOTS_DIR), and writes report.html beside them:\n"
        "  speedup-K, efficiency-K  vs threads, per variant, one panel per schedule\n"
        "  sizes-K                  throughput vs working set, L1/L2/L3 marked (--sizes)\n"
        "  family-K                 speedup and efficiency over sizes x threads\n"
        "  misses-K                 cache misses per unit (--counters cache or sim)\n"
        "  roofline                 GFLOP/s vs intensity under the FMA and stream roofs\n"
        "  busy-K                   per-worker busy time (load imbalance)\n"
        "  image-gaussmap           the bifurcation diagram (gaussmap --output X.png)\n"
        "A figure the records cannot support is skipped with the reason.  RECORD...:\n"
        "speedlab records (JSON); a folder means every record in it (other files, such\n"
        "as a claims summary, are passed over).\n",
    .notes = "Each figure's data is kept as TSV under DIR/data/.\n"
             "exit status: 0 done, 1 gnuplot or writing failed, 2 bad arguments or records\n",
    .options = plot_options,
    .main = cli_plot,
};

/* The folder's name when a folder, or several records from one folder, are
 * given; else the first record's run_id.  Either is made a plain file name:
 * a run_id such as "../../x" must not lead the output out of plots/. */
static void default_name(const struct run_set *set, char *const *args, int n_args, char *out,
                         size_t len)
{
    char first[4096];
    snprintf(first, sizeof first, "%s", set->paths[0]);
    const char *dir = dirname(first);
    bool one_folder = true;
    for (size_t i = 1; i < set->n; i++) {
        char other[4096];
        snprintf(other, sizeof other, "%s", set->paths[i]);
        one_folder &= strcmp(dirname(other), dir) == 0;
    }
    struct stat st;
    bool folder_arg = n_args == 1 && stat(args[0], &st) == 0 && S_ISDIR(st.st_mode);
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", dir);
    if ((folder_arg || (set->n > 1 && one_folder)) && strcmp(dir, ".") != 0 &&
        strcmp(dir, "/") != 0)
        plot_safe_name(basename(copy), out, len);
    else
        plot_safe_name(set->runs[0].run_id, out, len);
}

/* The records grouped per machine for the comparison figures: each folder
 * operand on its own (two suites of one machine are two machines, as in
 * compare), the record operands together (records of one suite given one by
 * one are one machine); s->n 0 when there is nothing to compare, with why
 * on the console. */
static void group_machines(const struct cli_parsed *p, struct hw_set *s)
{
    const char *specs[HW_MAX_MACHINES + 1];
    size_t n = 0, files_len = 0;
    bool too_many = false;
    for (int i = 0; i < p->n_operands; i++) {
        struct stat st;
        if (stat(p->operands[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            too_many |= n == HW_MAX_MACHINES;
            if (!too_many)
                specs[n++] = p->operands[i];
        } else {
            files_len += strlen(p->operands[i]) + 1;
        }
    }
    char *files = files_len ? calloc(1, files_len) : NULL;
    for (int i = 0; files && i < p->n_operands; i++) {
        struct stat st;
        if (!(stat(p->operands[i], &st) == 0 && S_ISDIR(st.st_mode)))
            snprintf(files + strlen(files), files_len - strlen(files), "%s%s",
                     files[0] ? "," : "", p->operands[i]);
    }
    if (files && !too_many)
        specs[n++] = files;
    memset(s, 0, sizeof *s);
    if (too_many || (files_len && !files) || hw_set_load(s, specs, n) != 0) {
        if (too_many)
            printf("machines: not compared: more than %d folders\n", HW_MAX_MACHINES);
        else
            printf("machines: not compared: %s\n", sl_error());
        hw_set_free(s);
    }
    free(files);
}

static int plot_loaded(const struct run_set *set, const struct plot_args *a,
                       const struct cli_parsed *p)
{
    char given_name[128], default_out[160];
    const char *name = a->name, *out = a->out;
    if (!name) {
        default_name(set, p->operands, p->n_operands, given_name, sizeof given_name);
        name = given_name;
    }
    if (!out) {
        snprintf(default_out, sizeof default_out, "plots/%s", name);
        out = default_out;
    }
    /* A file grown past `ulimit -f` is then a write error, reported with the
     * file's name, not a signal that kills the command mid-figure. */
    signal(SIGXFSZ, SIG_IGN);
    struct hw_set machines;
    group_machines(p, &machines);
    int status = (int)plot_runs(set, &machines, out, name);
    hw_set_free(&machines);
    return status;
}

static int cli_plot(int argc, char **argv, const struct machine *m)
{
    (void)m;
    struct plot_args a = {0};
    struct cli_parsed p;
    int parsed = cli_parse(&cli_plot_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_plot_command, parsed);
    if (p.n_operands == 0) {
        sl_fail("plot: give at least one record or folder");
        return cli_usage_error();
    }
    if (a.name && (!a.name[0] || strchr(a.name, '/') || strcmp(a.name, ".") == 0 ||
                   strcmp(a.name, "..") == 0)) {
        sl_fail("plot: --name must be a plain file name");
        return cli_usage_error();
    }
    struct run_set set = {0};
    int loaded = 0;
    for (int i = 0; i < p.n_operands && loaded == 0; i++)
        loaded = run_set_add(&set, p.operands[i]);
    int status = loaded != 0 ? cli_usage_error() : plot_loaded(&set, &a, &p);
    run_set_free(&set);
    return status;
}
