/* speedlab compare BASE NEW: a regression check when both sides come from the
 * same hardware, a side-by-side hardware comparison when they do not.  Both
 * sides are loaded into the result model (results/run_set.h); every figure
 * shown is the model's. */
#include "cli/cli.h"
#include "analysis/compare_stats.h"
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
        snprintf(out, len, "inconclusive (%zu and %zu reps: a 95%% interval needs 7 each)",
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
    return regression ? EXIT_REGRESSION : EXIT_SUCCESS;
}

/* ---- hardware comparison ---- */

/* The first counter event any result of the side recorded, or its simulated
 * caches, or that none were asked for. */
static void counters_status(const struct run_set *s, char *buf, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->runs[i].n_results; k++) {
            const struct sl_result *r = &s->runs[i].results[k];
            if (r->n_counters > 0) {
                const struct sl_counter_event *e = &r->counters[0].event;
                snprintf(buf, len, "%s: %s%s%s%s", e->name, sl_counter_state_name(e->state),
                         e->reason[0] ? " (" : "", e->reason, e->reason[0] ? ")" : "");
                return;
            }
            if (r->simulated) {
                snprintf(buf, len, "simulated cache only (--counters sim)");
                return;
            }
        }
    snprintf(buf, len, "not recorded (run without --counters)");
}

/* The words of `isa` that `other` lacks. */
static void isa_only(const char *isa, const char *other, char *out, size_t len)
{
    out[0] = '\0';
    char *copy = strdup(isa);
    if (!copy)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        bool found = false;
        size_t tl = strlen(tok);
        for (const char *at = strstr(other, tok); at && !found; at = strstr(at + 1, tok))
            found = (at == other || at[-1] == ' ') && (at[tl] == ' ' || at[tl] == '\0');
        if (!found) {
            size_t used = strlen(out);
            snprintf(out + used, len - used, "%s%s", used ? " " : "", tok);
        }
    }
    free(copy);
    if (!out[0])
        snprintf(out, len, "-");
}

static void caches_text(const struct sl_machine_desc *m, char *out, size_t len)
{
    out[0] = '\0';
    for (int i = 0; i < m->n_caches; i++) {
        const struct sl_cache_desc *c = &m->caches[i];
        if (strcmp(c->type, "instruction") == 0)
            continue;
        size_t used = strlen(out);
        bool mib = c->size >= 1048576;
        snprintf(out + used, len - used, "%sL%d %.0f %s", used ? ", " : "", c->level,
                 (double)c->size / (mib ? 1048576 : 1024), mib ? "MiB" : "KiB");
    }
}

/* The text of a machine's cells in the order of machine_table's rows. */
struct machine_cells {
    char topology[96], allowed[32], isa[512], caches[256], memory[32], peak[64], counters[320];
};

static void machine_cells(const struct sl_machine_desc *m, const struct sl_machine_desc *other,
                          const struct run_set *s, struct machine_cells *c)
{
    snprintf(c->topology, sizeof c->topology, "%d packages, %d cores, %d CPUs", m->packages,
             m->cores_total, m->pus_total);
    snprintf(c->allowed, sizeof c->allowed, "%d", m->pus_allowed);
    isa_only(m->isa, other->isa, c->isa, sizeof c->isa);
    caches_text(m, c->caches, sizeof c->caches);
    snprintf(c->memory, sizeof c->memory, "%.1f GiB", m->memory_gib);
    if (isfinite(m->peak_gflops_fp64))
        snprintf(c->peak, sizeof c->peak, "%.1f GFLOP/s", m->peak_gflops_fp64);
    else
        snprintf(c->peak, sizeof c->peak, "unavailable");
    counters_status(s, c->counters, sizeof c->counters);
}

static void machine_table(const struct run_set *base, const struct run_set *fresh, bool md)
{
    const struct sl_machine_desc *a = &base->runs[0].machine, *b = &fresh->runs[0].machine;
    struct machine_cells ca, cb;
    machine_cells(a, b, base, &ca);
    machine_cells(b, a, fresh, &cb);
    static const char *const header[] = {"<", "<BASE", "<NEW"};
    const char *rows[][3] = {
        {"CPU", a->cpu_model, b->cpu_model},
        {"host", a->hostname, b->hostname},
        {"topology", ca.topology, cb.topology},
        {"allowed CPUs", ca.allowed, cb.allowed},
        {"ISA only here", ca.isa, cb.isa},
        {"caches", ca.caches, cb.caches},
        {"memory", ca.memory, cb.memory},
        {"peak fp64", ca.peak, cb.peak},
        {"counters", ca.counters, cb.counters},
    };
    struct text_table t;
    text_table_init(&t, 3, header);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        text_table_add(&t, rows[i]);
    text_table_print(&t, stdout, md);
    text_table_free(&t);
}

static bool same_group(const struct sl_result *a, const struct sl_result *b)
{
    return strcmp(a->kernel, b->kernel) == 0 && strcmp(a->variant, b->variant) == 0 &&
           strcmp(a->schedule, b->schedule) == 0 && strcmp(a->size, b->size) == 0;
}

/* A result with the run that holds it (for the run's figure of merit). */
struct located {
    const struct sl_result *r;
    const struct sl_run *run;
};

static struct located locate(const struct run_set *s, const struct sl_result *key, int threads)
{
    size_t where = 0;
    const struct sl_result *r =
        run_set_find(s, key->kernel, key->variant, key->schedule, threads, key->size, &where);
    return (struct located){r, r ? &s->runs[where] : NULL};
}

/* The marks of a speedup physics does not allow without a cause, said
 * under the table when used. */
struct implausible_marks {
    bool superlinear, disturbed;
};

/* "speedup (efficiency)", marked "!" when superlinear and "~" when its
 * inputs had disturbed repetitions. */
static void speedup_text(const struct sl_result *r, struct implausible_marks *marks, char *out,
                         size_t len)
{
    if (!r || !is_ok(r) || !isfinite(r->d.speedup.value)) {
        snprintf(out, len, "-");
        return;
    }
    /* At one thread the speedup is 1 by definition: nothing to doubt. */
    bool disturbed = r->threads > 1 && r->d.noise.speedup_disturbed;
    snprintf(out, len, "%.2f (%.2f)%s%s", r->d.speedup.value, r->d.efficiency.value,
             r->d.superlinear ? " !" : "", disturbed ? " ~" : "");
    marks->superlinear |= r->d.superlinear;
    marks->disturbed |= disturbed;
}

static void merit_text(struct located l, char *out, size_t len)
{
    char unit[64];
    if (!l.r || !is_ok(l.r) || !isfinite(l.r->d.merit.value))
        snprintf(out, len, "-");
    else
        snprintf(out, len, "%.4g %s", l.r->d.merit.value,
                 sl_merit_label(l.run->merit, l.run->unit, unit, sizeof unit));
}

/* "status (reason)" of a result that is not ok, or "not run". */
static void state_text(const struct sl_result *r, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s%s", r ? sl_status_name(r->status) : "not run",
             r && r->reason ? " (" : "", r && r->reason ? r->reason : "",
             r && r->reason ? ")" : "");
}

/* Every result of both sides, BASE's first, with as much room again after
 * them; NULL when out of memory. */
static const struct sl_result **both_sides(const struct run_set *base,
                                           const struct run_set *fresh, size_t *n_out)
{
    const struct sl_result **all =
        calloc(2 * (count_results(base) + count_results(fresh)) + 1, sizeof *all);
    size_t n = 0;
    const struct run_set *sides[2] = {base, fresh};
    for (int s = 0; s < 2 && all; s++)
        for (size_t i = 0; i < sides[s]->n; i++)
            for (size_t k = 0; k < sides[s]->runs[i].n_results; k++)
                all[n++] = &sides[s]->runs[i].results[k];
    *n_out = n;
    return all;
}

/* The groups (kernel, variant, schedule, size) of `all`, once each, in
 * order (BASE's, then NEW's that BASE lacks), moved to its front. */
static size_t collect_groups(const struct sl_result **all, size_t n_all)
{
    size_t n = 0;
    for (size_t k = 0; k < n_all; k++) {
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = same_group(all[j], all[k]);
        if (!known)
            all[n++] = all[k];
    }
    return n;
}

/* The thread counts either side measured a group at, ascending. */
static size_t group_threads(const struct sl_result *const *all, size_t n_all,
                            const struct sl_result *key, int *threads, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < n_all; k++) {
        const struct sl_result *r = all[k];
        size_t at = 0;
        if (!same_group(r, key))
            continue;
        while (at < n && threads[at] < r->threads)
            at++;
        if ((at < n && threads[at] == r->threads) || n == max)
            continue;
        memmove(threads + at + 1, threads + at, (n - at) * sizeof *threads);
        threads[at] = r->threads;
        n++;
    }
    return n;
}

/* The tables a hardware comparison fills. */
struct hardware_tables {
    struct text_table curves, skipped;
    size_t matched;
    struct implausible_marks marks;
};

/* A group's rows: its speedup curve on both machines, and the thread counts
 * one of them did not measure (with the status of each side). */
static void group_rows(const struct run_set *base, const struct run_set *fresh,
                       const struct sl_result *const *all, size_t n_all,
                       const struct sl_result *key, struct hardware_tables *t)
{
    char label[256];
    snprintf(label, sizeof label, "%s/%s/%s [%s]", key->kernel, key->variant, key->schedule,
             key->size);
    int threads[256];
    size_t n = group_threads(all, n_all, key, threads, sizeof threads / sizeof threads[0]);
    bool label_shown = false;
    for (size_t i = 0; i < n; i++) {
        struct located a = locate(base, key, threads[i]), b = locate(fresh, key, threads[i]);
        if ((a.r && !is_ok(a.r)) || (b.r && !is_ok(b.r))) {
            char wa[200], wb[200], name[300];
            state_text(a.r, wa, sizeof wa);
            state_text(b.r, wb, sizeof wb);
            snprintf(name, sizeof name, "%s t%d", label, threads[i]);
            const char *cells[] = {name, wa, wb};
            if (!(a.r && b.r && strcmp(wa, wb) == 0))
                text_table_add(&t->skipped, cells);
            continue;
        }
        char th[16], ma[32] = "-", mb[32] = "-", ratio[32] = "-", sa[56], sb[56], fa[96], fb[96];
        snprintf(th, sizeof th, "%d", threads[i]);
        if (a.r)
            text_seconds(a.r->d.median_s.value, ma, sizeof ma);
        if (b.r)
            text_seconds(b.r->d.median_s.value, mb, sizeof mb);
        if (a.r && b.r) {
            snprintf(ratio, sizeof ratio, "%.3f", b.r->d.median_s.value / a.r->d.median_s.value);
            t->matched++;
        }
        speedup_text(a.r, &t->marks, sa, sizeof sa);
        speedup_text(b.r, &t->marks, sb, sizeof sb);
        merit_text(a, fa, sizeof fa);
        merit_text(b, fb, sizeof fb);
        const char *cells[] = {label_shown ? "" : label, th, ma, mb, ratio, sa, sb, fa, fb};
        label_shown = true;
        text_table_add(&t->curves, cells);
    }
}

static int hardware_report(const struct run_set *base, const struct run_set *fresh,
                           const struct compare_options *o)
{
    size_t n_all;
    const struct sl_result **all = both_sides(base, fresh, &n_all);
    if (!all) {
        sl_fail("out of memory");
        return cli_error(EXIT_FAILURE);
    }
    /* The groups go to the front of a copy: every result stays in `all`. */
    const struct sl_result **groups = all + n_all;
    memcpy(groups, all, n_all * sizeof *groups);
    size_t n_groups = collect_groups(groups, n_all);
    static const char *const header[] = {"<result [size]", "threads", "BASE median",
                                         "NEW median", "NEW/BASE", "BASE speedup (eff)",
                                         "NEW speedup (eff)", "BASE merit", "NEW merit"};
    static const char *const skip_header[] = {"<result [size]", "<BASE", "<NEW"};
    struct hardware_tables t = {0};
    text_table_init(&t.curves, 9, header);
    text_table_init(&t.skipped, 3, skip_header);
    for (size_t i = 0; i < n_groups; i++)
        group_rows(base, fresh, all, n_all, groups[i], &t);
    free(all);
    int status = EXIT_SUCCESS;
    if (t.matched == 0) {
        sl_fail("no matching results: BASE and NEW share no (kernel, variant, schedule, "
                "threads, size) measured on both");
        status = cli_usage_error();
    } else {
        machine_table(base, fresh, o->markdown);
        printf("\n");
        text_table_print(&t.curves, stdout, o->markdown);
        printf("\nNEW/BASE is a ratio of median times (below 1: NEW is faster); merit at the "
               "median time; '-' where one machine did not run that thread count.\n");
        if (t.marks.superlinear)
            printf("! superlinear: efficiency above 1 beyond its interval: cache effect or noise, "
                   "see noise verdict\n");
        if (t.marks.disturbed)
            printf("~ speedup from disturbed repetitions (this result's or its 1-thread run's): "
                   "other work took CPU time, see noise verdict\n");
        if (t.skipped.n_rows > 1) {
            printf("\nnot measured on both (skipped for a missing ISA, or not run):\n\n");
            text_table_print(&t.skipped, stdout, o->markdown);
        }
    }
    text_table_free(&t.curves);
    text_table_free(&t.skipped);
    return status;
}

/* ---- the command ---- */

/* The values of compare's options. */
struct compare_args {
    double threshold, alpha;
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
    {0},
};

static int cli_compare(int argc, char **argv, const struct machine *machine);

const struct cli_command cli_compare_command = {
    .name = "compare",
    .operands = "BASE NEW",
    .summary = "regression check of two runs (or hardware comparison)",
    .about =
        "BASE and NEW are records, folders of records (scripts/bench writes one per\n"
        "kernel) or comma-separated lists of either.  Results are matched by (kernel,\n"
        "variant, schedule, threads, size).\n"
        "\n"
        "Same hardware (CPU model, ISA, topology, allowed CPUs; the hostname may differ):\n"
        "a regression check.  Per match: both medians, NEW/BASE with its 95% interval\n"
        "(from both medians' distribution-free 97.5% intervals; 7+ repetitions each),\n"
        "a two-sided Mann-Whitney U test on the repetitions (exact without ties), and a\n"
        "verdict: same when the interval lies within 1 +- --threshold; slower or faster\n"
        "when it lies wholly beyond that band AND p < alpha; inconclusive when it\n"
        "crosses an edge of the band, when p does not reach alpha, or when the\n"
        "repetitions are too few for an interval.\n"
        "A result valid in BASE and invalid in NEW is a regression too.\n"
        "\n"
        "Different hardware: a hardware comparison instead (no verdicts): the machines\n"
        "side by side, then per result the medians, NEW/BASE, speedup and efficiency at\n"
        "every thread count on each, the figure of merit (GB/s, GFLOP/s, ...), variants\n"
        "skipped on one machine only (missing ISA) and counter availability.\n",
    .notes =
        "exit status: 0 no regression (and always in hardware mode; inconclusive is no\n"
        "regression), 1 a regression (slower, or newly invalid), 2 unusable input (unreadable, foreign, truncated or\n"
        "old-schema record, a number of the wrong type or out of range, a side mixing\n"
        "machines, or no matching results).\n",
    .options = compare_options_rows,
    .main = cli_compare,
};

/* Both sides loaded and checked: one machine and each key once per side. */
static int load_sides(const char *base_spec, const char *new_spec, struct run_set *base,
                      struct run_set *fresh)
{
    if (run_set_add(base, base_spec) != 0 || run_set_add(fresh, new_spec) != 0 ||
        run_set_check_one_machine(base, "BASE") != 0 ||
        run_set_check_one_machine(fresh, "NEW") != 0 || run_set_check_unique(base, "BASE") != 0 ||
        run_set_check_unique(fresh, "NEW") != 0)
        return -1;
    return 0;
}

/* What both sides are and on what they ran; whether to compare hardware. */
static bool print_sides(const char *base_spec, const char *new_spec, const struct run_set *base,
                        const struct run_set *fresh, const struct compare_options *o)
{
    const struct sl_machine_desc *a = &base->runs[0].machine, *b = &fresh->runs[0].machine;
    char differs[128];
    bool same_hw = run_same_hardware(&base->runs[0], &fresh->runs[0], differs, sizeof differs);
    bool hardware = o->mode == MODE_HARDWARE || (o->mode == MODE_AUTO && !same_hw);
    bool hosts_differ = strcmp(a->hostname, b->hostname) != 0;
    if (o->markdown)
        printf("### speedlab compare\n\n```\n");
    side_summary("BASE", base_spec, base);
    side_summary("NEW", new_spec, fresh);
    environment_warnings("BASE", base);
    environment_warnings("NEW", fresh);
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
    printf(o->markdown ? "```\n\n" : "\n");
    return hardware;
}

static int compare_sides(const char *base_spec, const char *new_spec,
                         const struct compare_options *o)
{
    struct run_set base = {0}, fresh = {0};
    struct match *m = NULL;
    size_t n = 0, only_base = 0, only_new = 0;
    int status;
    if (load_sides(base_spec, new_spec, &base, &fresh) != 0 ||
        collect_matches(&base, &fresh, &m, &n, &only_base, &only_new) != 0) {
        status = cli_usage_error();
    } else if (n == 0) {
        sl_fail("no matching results: BASE (%s) and NEW (%s) share no (kernel, variant, "
                "schedule, threads, size)",
                base.runs[0].config.kernel, fresh.runs[0].config.kernel);
        status = cli_usage_error();
    } else if (print_sides(base_spec, new_spec, &base, &fresh, o)) {
        status = hardware_report(&base, &fresh, o);
    } else {
        status = regression_report(m, n, o, only_base, only_new);
    }
    free(m);
    run_set_free(&base);
    run_set_free(&fresh);
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
    if (p.n_operands != 2) {
        sl_fail("compare: expected BASE and NEW (records or folders), got %d argument%s",
                p.n_operands, p.n_operands == 1 ? "" : "s");
        return cli_usage_error();
    }
    struct compare_options o = {.threshold = a.threshold, .alpha = a.alpha,
                                .holm = a.correction == 0, .markdown = a.format == 1,
                                .mode = a.mode};
    return compare_sides(p.operands[0], p.operands[1], &o);
}
