/* speedlab compare BASE NEW: a regression check when both sides come from the
 * same hardware, a side-by-side hardware comparison when they do not.  Both
 * sides are loaded into the result model (results/run_set.h); every figure
 * shown is the model's. */
#include "cli/cli.h"
#include "analysis/compare_stats.h"
#include "analysis/deterministic.h"
#include "analysis/hwcompare.h"
#include "cli/compare_machines.h"
#include "kit/sl.h"
#include "kit/util.h"
#include "reporters/text_table.h"
#include "results/run_set.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct compare_options {
    double threshold, alpha;
    double sim_threshold; /* the deterministic comparison's */
    bool holm, markdown;
    enum { MODE_AUTO, MODE_REGRESSION, MODE_HARDWARE } mode;
};

/* A pair of results with the same key, one from each side. */
struct match {
    const struct sl_result *base, *fresh;
    struct cmp_pair pair;
    bool comparable; /* both ok with repetitions */
};

static bool is_ok(const struct sl_result *r)
{
    return r->status == SL_STATUS_OK && r->reps > 0;
}

static bool is_invalid(const struct sl_result *r)
{
    return r->validated && !r->validation.valid;
}

static bool newly_invalid(const struct match *m)
{
    return is_invalid(m->fresh) && !m->fresh->d.invalid_expected && !is_invalid(m->base);
}

static size_t count_results(const struct run_set *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->runs[i].n_results;
    return n;
}

static int collect_matches(const struct run_set *base, const struct run_set *fresh,
                           struct match **out, size_t *n_out, size_t *only_base, size_t *only_new)
{
    size_t total = count_results(fresh);
    struct match *m = calloc(total ? total : 1, sizeof *m);
    if (!m)
        return sl_fail("out of memory");
    size_t n = 0;
    *only_new = 0;
    for (size_t i = 0; i < fresh->n; i++)
        for (size_t k = 0; k < fresh->runs[i].n_results; k++) {
            const struct sl_result *r = &fresh->runs[i].results[k];
            const struct sl_result *b =
                run_set_find(base, r->kernel, r->variant, r->schedule, r->threads, r->size, NULL);
            if (b)
                m[n++] = (struct match){.base = b, .fresh = r};
            else
                (*only_new)++;
        }
    *only_base = count_results(base) - n;
    *out = m;
    *n_out = n;
    return 0;
}

static void side_summary(const char *label, const char *spec, const struct run_set *s)
{
    const struct sl_run *r = &s->runs[0];
    size_t commits = 1;
    for (size_t i = 1; i < s->n; i++)
        commits += strcmp(s->runs[i].build.commit, r->build.commit) != 0;
    printf("%-5s %s: %zu record%s, commit %s%s, started %s, host %s\n", label, spec, s->n,
           s->n == 1 ? "" : "s", r->build.commit, commits > 1 ? " and others" : "", r->started,
           r->machine.hostname);
}

/* How the two sides' builds differ, one line naming each difference with
 * both values (nothing when they are the same build): an -O0 build against
 * an -O3 one is not a change of code. */
static void build_differences(const struct run_set *base, const struct run_set *fresh)
{
    const struct sl_build_desc *a = &base->runs[0].build, *b = &fresh->runs[0].build;
    const struct {
        const char *name, *base, *fresh;
    } texts[] = {{"commit", a->commit, b->commit},
                 {"compiler", a->compiler, b->compiler},
                 {"flags", a->flags, b->flags},
                 {"build type", a->build_type, b->build_type},
                 {"sanitizers", a->sanitizers, b->sanitizers}};
    bool any = false;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (strcmp(texts[i].base, texts[i].fresh) != 0) {
            printf("%s%s ('%s' in BASE, '%s' in NEW)", any ? "; " : "build: differs in ",
                   texts[i].name, texts[i].base, texts[i].fresh);
            any = true;
        }
    if (a->inject_slowdown_pct != b->inject_slowdown_pct) {
        printf("%sinjected slowdown (%d%% in BASE, %d%% in NEW: -DSPEEDLAB_INJECT_SLOWDOWN)",
               any ? "; " : "build: differs in ", a->inject_slowdown_pct, b->inject_slowdown_pct);
        any = true;
    }
    if (any)
        printf("\n");
}

/* The run-to-run part of the environment checks (load, noise probe) as each
 * record saw it: a busy machine explains a difference that code does not. */
static void environment_warnings(const char *label, const struct run_set *s)
{
    static const char *const varying[] = {"load_average", "noise_probe"};
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < sizeof varying / sizeof varying[0]; k++) {
            const struct sl_environment *env = &s->runs[i].environment;
            for (int c = 0; c < env->n_checks; c++)
                if (strcmp(env->checks[c].name, varying[k]) == 0 && env->checks[c].warning[0])
                    printf("warning: %s%s%s was measured with: %s\n", label, s->n > 1 ? " " : "",
                           s->n > 1 ? s->paths[i] : "", env->checks[c].warning);
        }
}

/* ---- regression check ---- */

struct verdict_counts {
    size_t slower, faster, same, inconclusive, invalid, not_comparable;
};

/* Each match's test; p adjusted over all of them with --correction holm. */
static int test_matches(struct match *m, size_t n, const struct compare_options *o,
                        double *adjusted)
{
    double *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    for (size_t i = 0; i < n; i++) {
        m[i].comparable = is_ok(m[i].base) && is_ok(m[i].fresh) &&
                          cmp_pair_compute(m[i].base->times_s, m[i].base->reps,
                                           m[i].fresh->times_s, m[i].fresh->reps,
                                           &m[i].pair) == 0;
        p[i] = m[i].comparable ? m[i].pair.p : NAN;
    }
    if (o->holm)
        cmp_holm(p, n, adjusted);
    else
        memcpy(adjusted, p, n * sizeof *p);
    free(p);
    return 0;
}

/* Why a comparable match is inconclusive, in a few words. */
static void inconclusive_text(const struct match *m, const struct verdict *v, double p,
                              const struct compare_options *o, char *out, size_t len)
{
    if (v->position == POSITION_UNKNOWN)
        snprintf(out, len, "inconclusive (%zu and %zu reps: too few for a 95%% interval)",
                 m->pair.n_base, m->pair.n_new);
    else if (v->position == POSITION_STRADDLES && v->both_edges)
        snprintf(out, len, "inconclusive (interval wider than %.3f-%.3f)", 1 - o->threshold,
                 1 + o->threshold);
    else if (v->position == POSITION_STRADDLES)
        snprintf(out, len, "inconclusive (interval crosses %.3f)", v->edge);
    else if (!(m->pair.min_p < o->alpha))
        snprintf(out, len, "inconclusive (%zu and %zu reps cannot reach p < %g)", m->pair.n_base,
                 m->pair.n_new, o->alpha);
    else
        snprintf(out, len, "inconclusive (%+.1f%%, but p %.2g >= %g)", 100 * (m->pair.ratio - 1),
                 p, o->alpha);
}

/* The verdict cell of a comparable match, counted. */
static void verdict_text(const struct match *m, double p, const struct compare_options *o,
                         struct verdict_counts *c, char *out, size_t len)
{
    struct verdict v = cmp_pair_verdict(&m->pair, p, o->alpha, o->threshold);
    double change = 100 * (m->pair.ratio - 1);
    switch (v.outcome) {
    case OUTCOME_WORSE:
        c->slower++;
        snprintf(out, len, o->markdown ? "**SLOWER** %+.1f%%" : "SLOWER %+.1f%%", change);
        break;
    case OUTCOME_BETTER:
        c->faster++;
        snprintf(out, len, "faster %+.1f%%", change);
        break;
    case OUTCOME_INCONCLUSIVE:
        c->inconclusive++;
        inconclusive_text(m, &v, p, o, out, len);
        break;
    case OUTCOME_SAME:
        c->same++;
        snprintf(out, len, "same");
        break;
    }
}

/* "status in SIDE (reason)" of the side that was not ok, or "not run". */
static void not_compared_text(const struct match *m, char *out, size_t len)
{
    const struct sl_result *bad = is_ok(m->base) ? m->fresh : m->base;
    snprintf(out, len, "not compared: %s in %s%s%s%s", sl_status_name(bad->status),
             bad == m->base ? "BASE" : "NEW", bad->reason ? " (" : "",
             bad->reason ? bad->reason : "", bad->reason ? ")" : "");
}

static void match_row(struct text_table *t, const struct match *m, double p,
                      const struct compare_options *o, struct verdict_counts *c)
{
    char name[256], bm[32] = "-", nm[32] = "-", ratio[32] = "-", ci[48] = "-", pv[32] = "-",
                    verdict[400];
    sl_result_name(m->fresh, name, sizeof name);
    if (m->comparable) {
        text_seconds(m->pair.median_base, bm, sizeof bm);
        text_seconds(m->pair.median_new, nm, sizeof nm);
        snprintf(ratio, sizeof ratio, "%.3f", m->pair.ratio);
        if (m->pair.ratio_ci_available)
            snprintf(ci, sizeof ci, "[%.3f, %.3f]", m->pair.ratio_lo, m->pair.ratio_hi);
        else
            snprintf(ci, sizeof ci, "n/a (<7 reps)");
        snprintf(pv, sizeof pv, "%.2g%s", p, m->pair.p_exact ? "" : "*");
        verdict_text(m, p, o, c, verdict, sizeof verdict);
    } else {
        not_compared_text(m, verdict, sizeof verdict);
        c->not_comparable++;
    }
    /* Other work took CPU time from some repetitions: the verdict says so. */
    size_t db = m->base->d.noise.disturbed_reps, dn = m->fresh->d.noise.disturbed_reps;
    if (m->comparable && (db || dn)) {
        size_t used = strlen(verdict);
        snprintf(verdict + used, sizeof verdict - used,
                 "; disturbed repetitions: %zu of %zu in BASE, %zu of %zu in NEW", db,
                 m->base->reps, dn, m->fresh->reps);
    }
    if (newly_invalid(m)) {
        c->invalid++;
        size_t used = strlen(verdict);
        snprintf(verdict + used, sizeof verdict - used, "%s",
                 o->markdown ? "; **INVALID in NEW**" : "; INVALID in NEW");
    }
    const char *cells[] = {name, m->fresh->size, bm, nm, ratio, ci, pv, verdict};
    text_table_add(t, cells);
}

/* ---- deterministic check (--counters sim on both sides) ---- */

/* "1.100" or "-" for a ratio cell. */
static void ratio_cell(double ratio, char *out, size_t len)
{
    if (isfinite(ratio))
        snprintf(out, len, "%.4f", ratio);
    else
        snprintf(out, len, isinf(ratio) ? "from 0" : "-");
}

static void det_verdict_text(const struct det_comparison *d, const struct compare_options *o,
                             char *out, size_t len)
{
    double change = 100 * (d->decisive >= 0 ? d->ratio[d->decisive] - 1 : 0);
    const char *metric = det_metric_name(d->decisive);
    switch (d->verdict) {
    case DET_WORSE:
        snprintf(out, len, o->markdown ? "**WORSE** %s %+.2f%%" : "WORSE %s %+.2f%%", metric,
                 change);
        break;
    case DET_BETTER:
        snprintf(out, len, "better %s %+.2f%%", metric, change);
        break;
    case DET_SAME:
        snprintf(out, len, "same");
        break;
    case DET_UNAVAILABLE:
        snprintf(out, len, "unavailable (%s)", d->reason);
        break;
    }
}

/* The simulated counts of every match, beside its timing ratio, when
 * either side was simulated (else nothing is printed).  Returns
 * whether a count grew beyond --sim-threshold: a regression with
 * certainty. */
static bool deterministic_report(const struct match *m, size_t n, const struct compare_options *o)
{
    bool any = false;
    for (size_t i = 0; i < n && !any; i++)
        any = m[i].base->simulated || m[i].fresh->simulated;
    if (!any)
        return false;
    printf("\ndeterministic: callgrind's counts per unit of work (--counters sim), the same "
           "run after run for one binary and input; a change beyond %g%% is the code's, with "
           "certainty\n\n",
           100 * o->sim_threshold);
    static const char *const header[] = {"<result", "<size", "time new/base", "instructions",
                                         "D1 misses", "LL misses", "<deterministic verdict"};
    struct text_table t;
    text_table_init(&t, 7, header);
    size_t count[DET_UNAVAILABLE + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        struct det_comparison d;
        det_compare(m[i].base, m[i].fresh, o->sim_threshold, &d);
        count[d.verdict]++;
        char name[256], timing[32], cells[DET_METRICS][32], verdict[256];
        sl_result_name(m[i].fresh, name, sizeof name);
        ratio_cell(m[i].comparable ? m[i].pair.ratio : NAN, timing, sizeof timing);
        for (int k = 0; k < DET_METRICS; k++)
            ratio_cell(d.verdict == DET_UNAVAILABLE ? NAN : d.ratio[k], cells[k], sizeof cells[k]);
        det_verdict_text(&d, o, verdict, sizeof verdict);
        const char *row[] = {name, m[i].fresh->size, timing, cells[0], cells[1], cells[2], verdict};
        text_table_add(&t, row);
    }
    text_table_print(&t, stdout, o->markdown);
    text_table_free(&t);
    bool worse = count[DET_WORSE] > 0;
    printf("\n%s (deterministic): %zu worse, %zu better, %zu same, %zu unavailable\n",
           worse ? (o->markdown ? "**regression**" : "regression") : "no regression",
           count[DET_WORSE], count[DET_BETTER], count[DET_SAME], count[DET_UNAVAILABLE]);
    return worse;
}

static int regression_report(struct match *m, size_t n, const struct compare_options *o,
                             size_t only_base, size_t only_new)
{
    double *adjusted = malloc((n ? n : 1) * sizeof *adjusted);
    if (!adjusted || test_matches(m, n, o, adjusted) != 0) {
        free(adjusted);
        fprintf(stderr, "speedlab: error: out of memory\n");
        return EXIT_FAILURE;
    }
    printf("verdict: same when the 95%% interval of new/base lies within %.3f-%.3f (--threshold "
           "%g%%); slower or faster when it lies wholly beyond and p < %g (two-sided Mann-Whitney "
           "U on the repetitions, %s); inconclusive otherwise, which is no regression\n\n",
           1 - o->threshold, 1 + o->threshold, 100 * o->threshold, o->alpha,
           o->holm ? "Holm-adjusted over the matches" : "per match, no adjustment");
    static const char *const header[] = {"<result",  "<size",   "base median", "new median",
                                         "new/base", "<95% CI", "p",           "<verdict"};
    struct text_table t;
    text_table_init(&t, 8, header);
    struct verdict_counts c = {0};
    bool any_approx = false;
    for (size_t i = 0; i < n; i++) {
        match_row(&t, &m[i], adjusted[i], o, &c);
        any_approx |= m[i].comparable && !m[i].pair.p_exact;
    }
    text_table_print(&t, stdout, o->markdown);
    text_table_free(&t);
    free(adjusted);
    if (any_approx)
        printf("%s* p from the normal approximation (tied or more than %d repetitions)\n",
               o->markdown ? "\n" : "", CMP_EXACT_MAX);
    bool regression = c.slower > 0 || c.invalid > 0;
    printf("\n%s: %zu slower, %zu faster, %zu same, %zu inconclusive, %zu newly invalid; %zu not "
           "compared; %zu only in BASE, %zu only in NEW\n",
           regression ? (o->markdown ? "**regression**" : "regression") : "no regression",
           c.slower, c.faster, c.same, c.inconclusive, c.invalid, c.not_comparable, only_base,
           only_new);
    bool certain = deterministic_report(m, n, o);
    return regression || certain ? EXIT_REGRESSION : EXIT_SUCCESS;
}

/* ---- the command ---- */

/* The values of compare's options. */
struct compare_args {
    double threshold, alpha, sim_threshold;
    int correction, mode, format; /* indices into their choices */
};
static const char *const corrections[] = {"holm", "none", NULL};
static const char *const modes[] = {"auto", "regression", "hardware", NULL}; /* MODE_* order */
static const char *const formats[] = {"table", "md", NULL};

#define COMPARE_OPTION(member) .offset = offsetof(struct compare_args, member)

static const struct sl_option compare_options_rows[] = {
    {.name = "threshold", .arg = "PCT", .group = "options",
     .help = "smallest change that counts, percent", .def = "5", .kind = SL_OPTION_PERCENT,
     COMPARE_OPTION(threshold), .reals = {0, 1000}},
    {.name = "alpha", .arg = "A", .group = "options", .help = "significance level",
     .def = "0.05", .kind = SL_OPTION_REAL, COMPARE_OPTION(alpha), .reals = {1e-12, 0.5}},
    {.name = "correction", .arg = "C", .group = "options",
     .help = "holm: p-values adjusted over all matches, so the chance of any false verdict in "
             "the whole comparison stays below alpha; none: each match on its own",
     .def = "holm", .kind = SL_OPTION_CHOICE, COMPARE_OPTION(correction),
     .choices = corrections},
    {.name = "mode", .arg = "M", .group = "options",
     .help = "auto, regression (force the check across hardware), hardware (side by side even "
             "on one machine)",
     .def = "auto", .kind = SL_OPTION_CHOICE, COMPARE_OPTION(mode), .choices = modes},
    {.name = "format", .arg = "F", .group = "options",
     .help = "table, or md (GitHub markdown, for CI comments)", .def = "table",
     .kind = SL_OPTION_CHOICE, COMPARE_OPTION(format), .choices = formats},
    {.name = "sim-threshold", .arg = "PCT", .group = "options",
     .help = "smallest change of a simulated count per unit (--counters sim on both sides) "
             "that counts, percent",
     .def = "1", .kind = SL_OPTION_PERCENT, COMPARE_OPTION(sim_threshold), .reals = {0, 1000}},
    {0},
};

static int cli_compare(int argc, char **argv, const struct machine *machine);

const struct cli_command cli_compare_command = {
    .name = "compare",
    .operands = "BASE NEW [MORE...]",
    .summary = "regression check of two runs, or hardware comparison of machines",
    .about =
        "BASE, NEW and MORE are records, folders of records (scripts/bench writes one\n"
        "per kernel) or comma-separated lists of either; one folder holding several\n"
        "machines' records is enough.  Each operand's records are\n"
        "grouped per machine (CPU model, ISA, topology, allowed CPUs; the hostname may\n"
        "differ): a folder holding records of several machines is several machines,\n"
        "never one side mixing them.\n"
        "\n"
        "Two operands on the same hardware: a regression check, results matched by\n"
        "(kernel, variant, schedule, threads, size).  Per match: both medians, NEW/BASE\n"
        "with its 95% interval (Hodges-Lehmann, of the shift of log times; 4+\n"
        "repetitions each), a two-sided Mann-Whitney U test on the repetitions\n"
        "(exact without ties), and a verdict: slower or faster needs p < alpha AND a\n"
        "change beyond --threshold; unknown when the repetitions are too few for the\n"
        "test ever to reach alpha.  A result valid in BASE and invalid in NEW is a\n"
        "regression too.\n"
        "\n"
        "When both sides ran with --counters sim, a second table compares callgrind's\n"
        "instructions, D1 and LL misses per unit of work, beside the timing ratio:\n"
        "they are the same run after run, so a count grown beyond --sim-threshold is\n"
        "a regression with certainty (WORSE), whatever the timings say.\n"
        "\n"
        "A line names what differs between the sides' builds (commit, compiler,\n"
        "flags, build type, sanitizers, an injected slowdown), both values each.\n"
        "\n"
        "Different machines (two operands that differ, a side that mixes machines,\n"
        "three operands or more, or --mode hardware): a hardware comparison, no\n"
        "verdicts.  First a summary: per workload the best valid variant on each\n"
        "machine, its figure of merit and ratio to the first machine (M1), and the\n"
        "like-for-like ratios (the same variant and schedule on both, geometric mean)\n"
        "at 1 thread and at each machine's largest thread count; then geometric means\n"
        "over the workloads.  Results are matched by the question they answer: a size\n"
        "the workload derived from the machine (stream's auto, '4 x last-level cache')\n"
        "matches that rule on every machine whatever array size it came to.  Then the\n"
        "warnings per machine, the skips collapsed (one line per variant and reason),\n"
        "the machines side by side and every result on each.\n",
    .notes =
        "exit status: 0 no regression (and always in hardware mode), 1 a regression\n"
        "(slower, a simulated count worse, or newly invalid), 2 unusable input (unreadable, foreign, truncated or\n"
        "old-schema record, a number of the wrong type or out of range, a regression\n"
        "side mixing machines, or no matching results).\n",
    .options = compare_options_rows,
    .main = cli_compare,
};

/* Whether BASE and NEW are compared as hardware (else a regression check). */
static bool compare_hardware(const struct run_set *base, const struct run_set *fresh,
                             const struct compare_options *o)
{
    char differs[128];
    bool same_hw = run_same_hardware(&base->runs[0], &fresh->runs[0], differs, sizeof differs);
    return o->mode == MODE_HARDWARE || (o->mode == MODE_AUTO && !same_hw);
}

/* What both sides are and on what they ran. */
static void print_sides(const char *base_spec, const char *new_spec, const struct run_set *base,
                        const struct run_set *fresh, const struct compare_options *o)
{
    const struct sl_machine_desc *a = &base->runs[0].machine, *b = &fresh->runs[0].machine;
    char differs[128];
    bool same_hw = run_same_hardware(&base->runs[0], &fresh->runs[0], differs, sizeof differs);
    bool hardware = compare_hardware(base, fresh, o);
    bool hosts_differ = strcmp(a->hostname, b->hostname) != 0;
    if (o->markdown)
        printf("### speedlab compare\n\n```\n");
    side_summary("BASE", base_spec, base);
    side_summary("NEW", new_spec, fresh);
    build_differences(base, fresh);
    if (same_hw)
        printf("machine: same hardware (%s, %d allowed CPUs)%s%s%s\n", a->cpu_model,
               a->pus_allowed, hosts_differ ? "; hosts differ: " : "",
               hosts_differ ? b->hostname : "",
               hardware ? "; hardware comparison as asked (--mode hardware)" : "");
    else
        printf("machine: DIFFERENT machines (%s differ): %s\n", differs,
               hardware ? "hardware comparison, no regression verdicts"
                        : "regression check forced (--mode regression): verdicts mix code and "
                          "hardware");
    if (!hardware) {
        environment_warnings("BASE", base);
        environment_warnings("NEW", fresh);
    }
    printf(o->markdown ? "```\n\n" : "\n");
}

/* BASE against NEW, one machine each: a regression check, or a hardware
 * comparison when the machines differ (or as asked; it matches results by
 * their question, not their size, so it finds its own matches). */
static int compare_two(const char *base_spec, const char *new_spec, const struct hw_set *s,
                       const struct compare_options *o)
{
    const struct run_set *base = &s->machines[0].set, *fresh = &s->machines[1].set;
    if (compare_hardware(base, fresh, o)) {
        print_sides(base_spec, new_spec, base, fresh, o);
        return compare_machines_report(s, o->markdown);
    }
    struct match *m = NULL;
    size_t n = 0, only_base = 0, only_new = 0;
    int status;
    if (collect_matches(base, fresh, &m, &n, &only_base, &only_new) != 0) {
        status = cli_usage_error();
    } else if (n == 0) {
        sl_fail("no matching results: BASE (%s) and NEW (%s) share no (kernel, variant, "
                "schedule, threads, size)",
                base->runs[0].config.kernel, fresh->runs[0].config.kernel);
        status = cli_usage_error();
    } else {
        print_sides(base_spec, new_spec, base, fresh, o);
        status = regression_report(m, n, o, only_base, only_new);
    }
    free(m);
    return status;
}

/* The operands' records grouped per machine; two operands of one machine
 * each are BASE and NEW, anything else (one folder of several machines, a
 * side that mixes machines, three operands or more) is a hardware
 * comparison. */
static int compare_operands(const char *const *specs, size_t n_specs,
                            const struct compare_options *o)
{
    struct hw_set s;
    int status;
    if (hw_set_load(&s, specs, n_specs) != 0) {
        status = cli_usage_error();
    } else if (n_specs == 2 && s.n == 2 && s.machines[1].operand == 1) {
        status = compare_two(specs[0], specs[1], &s, o);
    } else if (o->mode == MODE_REGRESSION) {
        bool base_mixes = s.machines[1].operand == 0;
        size_t machines = 0;
        for (size_t m = 0; m < s.n; m++)
            machines += s.machines[m].operand == (base_mixes ? 0u : 1u);
        sl_fail("%s mixes machines (%s holds records of %zu): a regression check needs one "
                "machine a side; compare them with --mode hardware",
                base_mixes ? "BASE" : "NEW", specs[base_mixes ? 0 : 1], machines);
        status = cli_usage_error();
    } else if (s.n < 2) {
        sl_fail("compare: expected BASE and NEW (records or folders), or a folder of several "
                "machines; %s holds records of one machine",
                specs[0]);
        status = cli_usage_error();
    } else {
        if (o->markdown)
            printf("### speedlab compare\n\n");
        status = compare_machines_report(&s, o->markdown);
    }
    hw_set_free(&s);
    return status;
}

static int cli_compare(int argc, char **argv, const struct machine *machine)
{
    (void)machine;
    struct compare_args a = {0};
    struct cli_parsed p;
    int parsed = cli_parse(&cli_compare_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_compare_command, parsed);
    if (p.n_operands < 1) {
        sl_fail("compare: expected BASE and NEW (records or folders), or more machines, got "
                "no argument");
        return cli_usage_error();
    }
    struct compare_options o = {.threshold = a.threshold, .alpha = a.alpha,
                                .sim_threshold = a.sim_threshold,
                                .holm = a.correction == 0, .markdown = a.format == 1,
                                .mode = a.mode};
    if (p.n_operands > 2 && o.mode == MODE_REGRESSION) {
        sl_fail("--mode regression compares two operands (BASE and NEW), got %d",
                p.n_operands);
        return cli_usage_error();
    }
    return compare_operands((const char *const *)p.operands, (size_t)p.n_operands, &o);
}
