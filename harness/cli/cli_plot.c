/* speedlab plot RECORD|FOLDER...: figures and the report (figures/plot.c). */
#include "cli/cli.h"
#include "figures/plot.h"

#include <stddef.h>
#include <string.h>

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
    return (int)plot_records(p.operands, p.n_operands, a.out, a.name);
}
