/* A claim's verdict from runs of the result model.  The rules (claims/README.md):
 * a ratio is judged by its 95 % interval against the published figure's
 * band or bound; a property by the recorded fact; a claim is reproduced
 * only when every check that decides it is. */
#include "analysis/claims.h"

#include "analysis/verdict.h"
#include "results/stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum outcome { OUT_YES, OUT_NO, OUT_INCONCLUSIVE, OUT_NA };

struct check_outcome {
    enum outcome outcome;
    double measured, lo, hi; /* NAN when not a number */
    char measured_why[160], ci_why[160];
    char text[300]; /* what was measured */
    char why[500];  /* why this outcome */
    /* The timed measurements judged that had disturbed repetitions. */
    const struct sl_result *disturbed[CLAIM_MAX_OTHERS + 2];
    int n_disturbed;
};

/* Appends to a fixed buffer, truncating. */
static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* The problem a run measured for a size as written: config.sizes[i] was
 * measured as problems[i]; NULL when the run has no such size. */
static const struct sl_problem_info *problem_at(const struct sl_run *run, const char *size)
{
    for (int i = 0; i < run->config.n_sizes && (size_t)i < run->n_problems; i++)
        if (strcmp(run->config.sizes[i], size) == 0)
            return &run->problems[i];
    return NULL;
}

/* The canonical size a run gives a size as written. */
static const char *canonical_size(const struct sl_run *run, const char *size)
{
    const struct sl_problem_info *problem = problem_at(run, size);
    return problem ? problem->size : size;
}

static double problem_param(const struct sl_problem_info *problem, const char *key)
{
    for (int i = 0; i < problem->n_params; i++)
        if (problem->params[i].key && strcmp(problem->params[i].key, key) == 0)
            return problem->params[i].value;
    return NAN;
}

/* The regime a claim is judged in: the size its measurements were taken
 * at (`measured`: any check found one; else the size they would have had),
 * with the rows and pairs of a row sample (NxD@rows=R: the problem's
 * sampled_rows, samples, pairs and triangle_pairs), against the size of the
 * published figure. */
static void describe_regime(const struct claims_context *ctx, const struct claim *c,
                            bool measured_any, char *out, size_t len)
{
    const char *published = c->published_size;
    out[0] = '\0';
    if (c->not_applicable) {
        snprintf(out, len, "not measured; %s%s", published ? "published at " : "",
                 published ? published : "the published figure states no size");
        return;
    }
    const char *size = claim_size(c, ctx->quick);
    const struct sl_problem_info *problem = NULL;
    for (size_t i = 0; i < ctx->n_runs && !problem; i++)
        if (strcmp(ctx->runs[i].config.kernel, c->workload->name) == 0)
            problem = problem_at(&ctx->runs[i], size);
    const char *measured = problem ? problem->size : size;
    append(out, len, "%s%s %s", ctx->quick ? "quick: " : "",
           measured_any ? "measured at" : "nothing measured; its size is", measured);
    if (ctx->quick)
        append(out, len, ", the workload's %s preset instead of the claim's %s", size, c->size);
    double rows = problem ? problem_param(problem, "sampled_rows") : NAN;
    if (!problem)
        append(out, len, " (no record of that size)");
    else if (!isnan(rows))
        append(out, len, ": %.0f of its %.0f rows, %.0f of %.0f pairs (%.2g %%)", rows,
               problem_param(problem, "samples"), problem_param(problem, "pairs"),
               problem_param(problem, "triangle_pairs"),
               100 * problem_param(problem, "pairs") / problem_param(problem, "triangle_pairs"));
    size_t dims = strcspn(measured, "@");
    if (!published)
        append(out, len, "; the published figure states no size");
    else if (strlen(published) == dims && strncmp(measured, published, dims) == 0)
        append(out, len, "; %s", isnan(rows) ? "the published size" : "the published n and d");
    else
        append(out, len, "; published at %s", published);
    if (ctx->quick)
        append(out, len, ": tests the machinery, not the claim");
}

static bool is_invalid(const struct sl_result *r)
{
    return r->validated && !r->validation.valid;
}

static bool is_probe(const struct sl_result *r, const struct claim_probe *p, int threads,
                     const char *size, const char *canonical)
{
    return strcmp(r->variant, p->variant->name) == 0 &&
           strcmp(r->schedule, sl_schedule_name(p->schedule)) == 0 && r->threads == threads &&
           (strcmp(r->size, canonical) == 0 || strcmp(r->size, size) == 0) &&
           (!p->sim || r->simulated);
}

/* The measurement of a probe, or NULL with why. */
static const struct sl_result *find(const struct claims_context *ctx, const struct claim *c,
                                    const struct claim_probe *p, int threads, char *why,
                                    size_t len)
{
    const char *size = claim_probe_size(c, p, ctx->quick);
    const struct sl_result *not_ok = NULL;
    bool any_record = false;
    for (size_t i = 0; i < ctx->n_runs; i++) {
        const struct sl_run *run = &ctx->runs[i];
        if (strcmp(run->config.kernel, c->workload->name) != 0)
            continue;
        any_record = true;
        const char *canonical = canonical_size(run, size);
        for (size_t j = 0; j < run->n_results; j++) {
            const struct sl_result *r = &run->results[j];
            if (!is_probe(r, p, threads, size, canonical))
                continue;
            if (r->status == SL_STATUS_OK && (!is_invalid(r) || p->may_be_invalid))
                return r;
            not_ok = r;
        }
    }
    char name[256] = "";
    if (not_ok)
        sl_result_name(not_ok, name, sizeof name);
    if (not_ok && not_ok->status == SL_STATUS_OK)
        snprintf(why, len, "%s at %s is invalid: its time is no evidence", name, size);
    else if (not_ok)
        snprintf(why, len, "%s at %s was %s (%s)", name, size, sl_status_name(not_ok->status),
                 not_ok->reason ? not_ok->reason : "no reason recorded");
    else if (!any_record)
        snprintf(why, len, "no record of %s", c->workload->name);
    else
        snprintf(why, len, "the record lacks %s/%s/%s/t%d at %s%s", c->workload->name,
                 p->variant->name, sl_schedule_name(p->schedule), threads, size,
                 p->sim ? " with simulated caches" : "");
    return NULL;
}

/* A timed measurement judged by a check, noted when other work disturbed
 * some of its repetitions (its noise verdict): the claim's reason says so. */
static void note_noise(struct check_outcome *out, const struct sl_result *r)
{
    if (r->d.noise.disturbed_reps > 0 && out->n_disturbed < CLAIM_MAX_OTHERS + 2)
        out->disturbed[out->n_disturbed++] = r;
}

/* Both probes' measurements; false with the outcome set not applicable. */
static bool find_pair(const struct claims_context *ctx, const struct claim *c,
                      const struct claim_check *k, const struct sl_result **base,
                      const struct sl_result **cand, struct check_outcome *out)
{
    int tb = claim_probe_threads(c, &k->baseline, ctx->allowed_cpus);
    int tc = claim_probe_threads(c, &k->candidate, ctx->allowed_cpus);
    int missing = !tb ? k->baseline.threads_value : !tc ? k->candidate.threads_value : 0;
    if (missing) {
        out->outcome = OUT_NA;
        snprintf(out->why, sizeof out->why,
                 "needs %d threads and this process may use %d CPUs: not measured (never faked)",
                 missing, ctx->allowed_cpus);
        return false;
    }
    *base = find(ctx, c, &k->baseline, tb, out->why, sizeof out->why);
    if (*base)
        *cand = find(ctx, c, &k->candidate, tc, out->why, sizeof out->why);
    if (!*base || !*cand) {
        out->outcome = OUT_NA;
        return false;
    }
    return true;
}

/* T(a)/T(b) of two medians, with the interval built from both medians'
 * 97.5 % intervals (jointly >= 95 %). */
static void time_ratio(const struct sl_result *a, const struct sl_result *b, double *ratio,
                       double *lo, double *hi)
{
    const struct sl_interval *ia = &a->d.ci975_s, *ib = &b->d.ci975_s;
    *ratio = a->d.median_s.value / b->d.median_s.value;
    *lo = *hi = NAN;
    if (!ia->why && !ib->why)
        stats_ratio_interval(ia->lo, ia->hi, ib->lo, ib->hi, lo, hi);
}

/* Which side of 1 a time ratio lies: faster, slower, or a tie. */
static const struct verdict_band unity = {1, 1};

/* The published figure's band or bound as a band of verdict.h. */
static struct verdict_band expected_band(const struct claim_check *k)
{
    switch (k->expect) {
    case EXPECT_BAND:
        return (struct verdict_band){k->value / (1 + k->tolerance), k->value * (1 + k->tolerance)};
    case EXPECT_AT_LEAST: return (struct verdict_band){k->value, INFINITY};
    case EXPECT_AT_MOST: break;
    }
    return (struct verdict_band){-INFINITY, k->value};
}

/* The ratio's interval against the published figure: inside its band or
 * bound, yes; wholly outside, no; across an edge (or no interval),
 * inconclusive. */
static void judge_interval(const struct claim_check *k, struct check_outcome *out)
{
    double lo = out->lo, hi = out->hi;
    struct verdict_band band = expected_band(k);
    struct verdict v = verdict_judge(lo, hi, band, HIGHER_IS_BETTER);
    bool is_band = k->expect == EXPECT_BAND;
    const char *bound = k->expect == EXPECT_AT_LEAST ? "at least" : "at most";
    char band_text[96];
    snprintf(band_text, sizeof band_text, "the band %.3g-%.3g around %.3g", band.lo, band.hi,
             k->value);
    out->outcome = OUT_INCONCLUSIVE;
    const char *side = v.position == POSITION_BELOW ? "below" : "above";
    switch (v.position) {
    case POSITION_INSIDE:
        out->outcome = OUT_YES;
        if (is_band)
            snprintf(out->why, sizeof out->why, "CI %.3g-%.3g within %s", lo, hi, band_text);
        else
            snprintf(out->why, sizeof out->why, "CI %.3g-%.3g %s %.3g, as published", lo, hi,
                     bound, k->value);
        break;
    case POSITION_BELOW:
    case POSITION_ABOVE:
        out->outcome = OUT_NO;
        if (is_band)
            snprintf(out->why, sizeof out->why, "CI %.3g-%.3g %s %s", lo, hi, side, band_text);
        else
            snprintf(out->why, sizeof out->why, "CI %.3g-%.3g %s %.3g, expected %s %.3g", lo, hi,
                     side, k->value, bound, k->value);
        break;
    case POSITION_STRADDLES:
        if (!is_band)
            snprintf(out->why, sizeof out->why, "CI %.3g-%.3g contains %.3g (expected %s)", lo, hi,
                     k->value, bound);
        else if (v.both_edges)
            snprintf(out->why, sizeof out->why, "CI %.3g-%.3g straddles both edges of %s", lo, hi,
                     band_text);
        else
            snprintf(out->why, sizeof out->why, "CI %.3g-%.3g straddles the edge %.3g of %s", lo,
                     hi, v.edge, band_text);
        break;
    case POSITION_UNKNOWN:
        snprintf(out->why, sizeof out->why,
                 "no 95%% interval (each measurement needs 7 repetitions)");
        break;
    }
}

static void no_number(struct check_outcome *out, const char *why)
{
    out->measured = out->lo = out->hi = NAN;
    snprintf(out->measured_why, sizeof out->measured_why, "%s", why);
    snprintf(out->ci_why, sizeof out->ci_why, "%s", why);
}

static void check_ratio(const struct claims_context *ctx, const struct claim *c,
                        const struct claim_check *k, struct check_outcome *out)
{
    const struct sl_result *base, *cand;
    if (!find_pair(ctx, c, k, &base, &cand, out))
        return;
    note_noise(out, base);
    note_noise(out, cand);
    time_ratio(base, cand, &out->measured, &out->lo, &out->hi);
    const char *what = "x";
    if (k->kind == CHECK_EFFICIENCY) {
        double scale = (double)base->threads / cand->threads;
        out->measured *= scale;
        out->lo *= scale;
        out->hi *= scale;
        what = "";
    }
    if (isnan(out->lo)) {
        snprintf(out->ci_why, sizeof out->ci_why, "each measurement needs 7 repetitions");
        snprintf(out->text, sizeof out->text, "%.3g%s (no CI)", out->measured, what);
    } else {
        snprintf(out->text, sizeof out->text, "%.3g%s (%.3g-%.3g)", out->measured, what, out->lo,
                 out->hi);
    }
    append(out->text, sizeof out->text, " = T(%s/%s/t%d%s) / T(%s/%s/t%d%s)", base->variant,
           base->schedule, base->threads, base->oversubscribed ? " oversubscribed" : "",
           cand->variant, cand->schedule, cand->threads,
           cand->oversubscribed ? " oversubscribed" : "");
    if (k->kind == CHECK_EFFICIENCY)
        append(out->text, sizeof out->text, " x %d/%d", base->threads, cand->threads);
    if (k->baseline.size || k->candidate.size) /* not the claim's size */
        append(out->text, sizeof out->text, " at %s", cand->size);
    judge_interval(k, out);
}

static void check_imbalance(const struct claims_context *ctx, const struct claim *c,
                            const struct claim_check *k, struct check_outcome *out)
{
    const struct sl_result *base, *cand;
    if (!find_pair(ctx, c, k, &base, &cand, out))
        return;
    note_noise(out, base);
    note_noise(out, cand);
    time_ratio(base, cand, &out->measured, &out->lo, &out->hi);
    if (isnan(base->imbalance) || isnan(cand->imbalance)) {
        out->outcome = OUT_NA;
        snprintf(out->why, sizeof out->why, "imbalance unavailable (no busy times recorded)");
        return;
    }
    snprintf(out->text, sizeof out->text, "imbalance %.3f (%s) vs %.3f (%s) at t%d; %.3gx faster",
             cand->imbalance, cand->schedule, base->imbalance, base->schedule, cand->threads,
             out->measured);
    if (!isnan(out->lo))
        append(out->text, sizeof out->text, " (%.3g-%.3g)", out->lo, out->hi);
    else
        snprintf(out->ci_why, sizeof out->ci_why, "each measurement needs 7 repetitions");
    bool lower = cand->imbalance < base->imbalance;
    struct verdict faster = verdict_judge(out->lo, out->hi, unity, HIGHER_IS_BETTER);
    if (!lower) {
        out->outcome = OUT_NO;
        snprintf(out->why, sizeof out->why, "imbalance of %s not lower than %s's", cand->schedule,
                 base->schedule);
    } else if (faster.outcome == OUTCOME_BETTER) {
        out->outcome = OUT_YES;
        snprintf(out->why, sizeof out->why, "imbalance lower and time ratio CI above 1");
    } else if (faster.outcome == OUTCOME_WORSE) {
        out->outcome = OUT_NO;
        snprintf(out->why, sizeof out->why, "imbalance lower but %s slower (CI below 1)",
                 cand->schedule);
    } else if (faster.position == POSITION_UNKNOWN) {
        out->outcome = OUT_INCONCLUSIVE;
        snprintf(out->why, sizeof out->why, "imbalance lower, but no CI of the time ratio");
    } else {
        out->outcome = OUT_INCONCLUSIVE;
        snprintf(out->why, sizeof out->why, "imbalance lower, time ratio CI %.3g-%.3g contains 1",
                 out->lo, out->hi);
    }
}

/* A simulated count per unit of work by its name in claims.json. */
static double simulated_per_unit(const struct sl_result *r, const char *counter)
{
    if (strcmp(counter, "d1_misses") == 0)
        return r->d.sim_d1_misses_per_unit;
    if (strcmp(counter, "ll_misses") == 0)
        return r->d.sim_ll_misses_per_unit;
    return r->d.sim_instructions_per_unit;
}

static void check_misses(const struct claims_context *ctx, const struct claim *c,
                         const struct claim_check *k, struct check_outcome *out)
{
    const struct sl_result *base, *cand;
    no_number(out, "not measured");
    if (!find_pair(ctx, c, k, &base, &cand, out))
        return;
    double mb = simulated_per_unit(base, k->counter), mc = simulated_per_unit(cand, k->counter);
    if (isnan(mb) || isnan(mc)) {
        const struct sl_result *missing = isnan(mb) ? base : cand;
        out->outcome = OUT_NA;
        snprintf(out->why, sizeof out->why, "simulated cache unavailable (%s)",
                 missing->sim.reason[0] ? missing->sim.reason : "no count recorded");
        return;
    }
    out->measured = mb / mc;
    snprintf(out->ci_why, sizeof out->ci_why, "a deterministic simulation: one count each");
    snprintf(out->text, sizeof out->text, "simulated %s per %s: %.4g (%s) vs %.4g (%s) at %s",
             k->counter, c->workload->unit, mc, cand->variant, mb, base->variant, cand->size);
    out->outcome = mc < mb ? OUT_YES : OUT_NO;
    snprintf(out->why, sizeof out->why, "%s has %s %s (%.3gx)", cand->variant,
             mc < mb ? "fewer" : "no fewer", k->counter, mb / mc);
}

static void check_invalid(const struct claims_context *ctx, const struct claim *c,
                          const struct claim_check *k, struct check_outcome *out)
{
    no_number(out, "a property: see measured_text");
    int threads = claim_probe_threads(c, &k->candidate, ctx->allowed_cpus);
    if (!threads) {
        out->outcome = OUT_NA;
        snprintf(out->why, sizeof out->why, "needs %d threads and this process may use %d CPUs",
                 k->candidate.threads_value, ctx->allowed_cpus);
        return;
    }
    const struct sl_result *r = find(ctx, c, &k->candidate, threads, out->why, sizeof out->why);
    if (!r) {
        out->outcome = OUT_NA;
        return;
    }
    char name[256];
    sl_result_name(r, name, sizeof name);
    if (!r->validated) {
        out->outcome = OUT_NA;
        snprintf(out->why, sizeof out->why, "%s was not validated", name);
        return;
    }
    bool valid = r->validation.valid;
    double err = r->validation.max_abs_error;
    snprintf(out->text, sizeof out->text, "%s: %s", name, valid ? "valid" : "invalid");
    if (!isnan(err))
        append(out->text, sizeof out->text, " (max error %.4g)", err);
    out->outcome = valid ? OUT_NO : OUT_YES;
    snprintf(out->why, sizeof out->why, valid ? "the validated repetition came out right"
                                              : "the result fails validation, as claimed");
}

static void check_fastest(const struct claims_context *ctx, const struct claim *c,
                          const struct claim_check *k, struct check_outcome *out)
{
    int threads = claim_probe_threads(c, &k->candidate, ctx->allowed_cpus);
    const struct sl_result *cand =
        threads ? find(ctx, c, &k->candidate, threads, out->why, sizeof out->why) : NULL;
    if (!cand) {
        out->outcome = OUT_NA;
        if (!threads)
            snprintf(out->why, sizeof out->why, "needs %d threads and this process may use %d CPUs",
                     k->candidate.threads_value, ctx->allowed_cpus);
        return;
    }
    note_noise(out, cand);
    /* Every other, against the candidate: it is the fastest only when it is
     * confidently faster than each; a tie with any is no proof. */
    const struct sl_result *best = NULL, *faster = NULL, *tied = NULL;
    struct verdict tie = {0};
    for (int i = 0; i < k->n_others; i++) {
        int t = claim_probe_threads(c, &k->others[i], ctx->allowed_cpus);
        const struct sl_result *o =
            t ? find(ctx, c, &k->others[i], t, out->why, sizeof out->why) : NULL;
        if (!o) {
            out->outcome = OUT_NA;
            return;
        }
        note_noise(out, o);
        if (!best || o->d.median_s.value < best->d.median_s.value)
            best = o;
        double ratio, lo, hi;
        time_ratio(o, cand, &ratio, &lo, &hi);
        struct verdict v = verdict_judge(lo, hi, unity, HIGHER_IS_BETTER);
        if (v.outcome == OUTCOME_WORSE && !faster) {
            faster = o;
        } else if (v.outcome != OUTCOME_BETTER && !tied) {
            tied = o;
            tie = v;
        }
    }
    time_ratio(best, cand, &out->measured, &out->lo, &out->hi);
    snprintf(out->text, sizeof out->text, "%s/%s %.4g s vs fastest other (%s) %.4g s at t%d: %.3gx",
             cand->variant, cand->schedule, cand->d.median_s.value, best->schedule,
             best->d.median_s.value, cand->threads, out->measured);
    if (isnan(out->lo))
        snprintf(out->ci_why, sizeof out->ci_why, "each measurement needs 7 repetitions");
    else
        append(out->text, sizeof out->text, " (%.3g-%.3g)", out->lo, out->hi);
    if (faster) {
        out->outcome = OUT_NO;
        snprintf(out->why, sizeof out->why, "%s is confidently faster than %s", faster->schedule,
                 cand->schedule);
    } else if (tied) {
        out->outcome = OUT_INCONCLUSIVE;
        if (tie.position == POSITION_UNKNOWN)
            snprintf(out->why, sizeof out->why, "no CI of the time ratio against %s",
                     tied->schedule);
        else
            snprintf(out->why, sizeof out->why,
                     "%s ties with %s within the CI: not confidently the fastest",
                     tied->schedule, cand->schedule);
    } else {
        out->outcome = OUT_YES;
        snprintf(out->why, sizeof out->why, "%s is confidently the fastest", cand->schedule);
    }
}

/* The affinity child's record: a plain 'speedlab run' of the workload with
 * default threads, made under a mask of k CPUs. */
static void check_affinity(const struct claims_context *ctx, const struct claim *c,
                           const struct claim_check *k, struct check_outcome *out)
{
    no_number(out, "a property: see measured_text");
    out->outcome = OUT_NA;
    if (ctx->affinity_unavailable) {
        snprintf(out->why, sizeof out->why, "%s", ctx->affinity_unavailable);
        return;
    }
    if (k->affinity_cpus > ctx->allowed_cpus) {
        snprintf(out->why, sizeof out->why, "a mask of %d CPUs needs %d allowed; this process may use %d",
                 k->affinity_cpus, k->affinity_cpus, ctx->allowed_cpus);
        return;
    }
    for (size_t i = 0; i < ctx->n_runs; i++) {
        const struct sl_run *run = &ctx->runs[i];
        int allowed = run->machine.pus_allowed;
        if (strcmp(run->config.kernel, c->workload->name) != 0 ||
            strncmp(run->command, "speedlab run ", 13) != 0 || strstr(run->command, "--threads") ||
            strstr(run->command, "--oversubscribe") || allowed != k->affinity_cpus)
            continue;
        /* A variant skipped for what this CPU lacks (avx512 without AVX-512)
         * was never going to run: the run finished.  An error or an
         * interruption did not, and one measurement at least must exist. */
        int most = 0;
        bool over = false, measured = false, finished = true;
        for (size_t j = 0; j < run->n_results; j++) {
            const struct sl_result *r = &run->results[j];
            most = r->threads > most ? r->threads : most;
            over |= r->oversubscribed;
            measured |= r->status == SL_STATUS_OK;
            finished &= r->status == SL_STATUS_OK || r->status == SL_STATUS_SKIPPED;
        }
        bool ok = measured && finished;
        snprintf(out->text, sizeof out->text,
                 "under a %d-CPU mask: saw %d CPU%s, ran at most %d thread%s by default",
                 k->affinity_cpus, allowed, allowed == 1 ? "" : "s", most, most == 1 ? "" : "s");
        if (!ok) {
            snprintf(out->why, sizeof out->why, "the masked run did not finish every measurement");
            return;
        }
        out->outcome = most == k->affinity_cpus && !over ? OUT_YES : OUT_NO;
        snprintf(out->why, sizeof out->why, out->outcome == OUT_YES
                                                ? "detected the mask and used exactly its CPUs"
                                                : "did not use exactly the masked CPUs");
        return;
    }
    snprintf(out->why, sizeof out->why,
             "no record of a default-threads 'speedlab run %s' under a %d-CPU mask",
             c->workload->name, k->affinity_cpus);
}

static void judge_check(const struct claims_context *ctx, const struct claim *c,
                        const struct claim_check *k, struct check_outcome *out)
{
    memset(out, 0, sizeof *out);
    no_number(out, "not measured");
    switch (k->kind) {
    case CHECK_SPEEDUP:
    case CHECK_EFFICIENCY: check_ratio(ctx, c, k, out); break;
    case CHECK_IMBALANCE_LOWER: check_imbalance(ctx, c, k, out); break;
    case CHECK_FEWER_MISSES: check_misses(ctx, c, k, out); break;
    case CHECK_INVALID: check_invalid(ctx, c, k, out); break;
    case CHECK_FASTEST: check_fastest(ctx, c, k, out); break;
    case CHECK_AFFINITY: check_affinity(ctx, c, k, out); break;
    }
    if (out->outcome == OUT_NA)
        no_number(out, out->why);
}

/* Each disturbed measurement the checks judged, once, with its noise
 * verdict. */
static void disturbed_reason(const struct check_outcome *outs, int n, struct claim_verdict *out)
{
    const struct sl_result *said[CLAIM_MAX_CHECKS * (CLAIM_MAX_OTHERS + 2)];
    int n_said = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < outs[i].n_disturbed; k++) {
            const struct sl_result *r = outs[i].disturbed[k];
            bool seen = false;
            for (int j = 0; j < n_said; j++)
                seen |= said[j] == r;
            if (seen)
                continue;
            char name[256];
            sl_result_name(r, name, sizeof name);
            append(out->reason, sizeof out->reason, "%s%s %s",
                   n_said ? "; " : "; measured on disturbed repetitions (other work took CPU "
                                   "time; the intervals carry it): ",
                   name, r->d.noise.verdict);
            said[n_said++] = r;
        }
}

static const char *outcome_word(enum outcome o)
{
    switch (o) {
    case OUT_YES: return "reproduced";
    case OUT_NO: return "not reproduced";
    case OUT_INCONCLUSIVE: return "inconclusive";
    case OUT_NA: return "not applicable";
    }
    return "?";
}

void claims_judge(const struct claim *c, const struct claims_context *ctx, struct claim_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->measured = out->measured_lo = out->measured_hi = NAN;
    if (c->not_applicable) {
        describe_regime(ctx, c, false, out->regime, sizeof out->regime);
        out->verdict = VERDICT_NOT_APPLICABLE;
        snprintf(out->reason, sizeof out->reason, "%s", c->not_applicable);
        snprintf(out->measured_why, sizeof out->measured_why, "not measured: not applicable");
        snprintf(out->ci_why, sizeof out->ci_why, "not measured: not applicable");
        snprintf(out->measured_text, sizeof out->measured_text, "not measured");
        return;
    }
    struct check_outcome outs[CLAIM_MAX_CHECKS];
    bool any_no = false, any_inconclusive = false, any_na = false, measured_any = false;
    int primary = -1;
    for (int i = 0; i < c->n_checks; i++) {
        const struct claim_check *k = &c->checks[i];
        judge_check(ctx, c, k, &outs[i]);
        measured_any |= outs[i].text[0] != '\0'; /* a check says what it measured */
        enum outcome o = outs[i].outcome;
        if (o == OUT_NA && !k->required)
            continue;
        any_no |= o == OUT_NO;
        any_inconclusive |= o == OUT_INCONCLUSIVE;
        any_na |= o == OUT_NA;
        if (primary < 0 && !isnan(outs[i].measured))
            primary = i;
    }
    if (primary < 0)
        primary = 0;
    describe_regime(ctx, c, measured_any, out->regime, sizeof out->regime);
    out->measured = outs[primary].measured;
    out->measured_lo = outs[primary].lo;
    out->measured_hi = outs[primary].hi;
    snprintf(out->measured_why, sizeof out->measured_why, "%s", outs[primary].measured_why);
    snprintf(out->ci_why, sizeof out->ci_why, "%s",
             outs[primary].ci_why[0] ? outs[primary].ci_why : "no interval");

    int allowed = ctx->allowed_cpus;
    bool too_few = allowed < c->threads_minimum;
    out->verdict = c->python_only || too_few ? VERDICT_NOT_APPLICABLE
                   : any_no                     ? VERDICT_NOT_REPRODUCED
                   : any_inconclusive           ? VERDICT_INCONCLUSIVE
                   : any_na                     ? VERDICT_NOT_APPLICABLE
                                                : VERDICT_REPRODUCED;
    if (too_few)
        append(out->reason, sizeof out->reason,
               "needs %d threads and this process may use %d CPUs: measured at %d, not judged "
               "against the %d-thread figure; ",
               c->threads_minimum, allowed, allowed, c->threads_needed);
    else if (allowed < c->threads_needed)
        append(out->reason, sizeof out->reason,
               "published with %d threads; judged at %d (this process may use %d CPUs); ",
               c->threads_needed, allowed, allowed);
    if (c->python_only)
        append(out->reason, sizeof out->reason, "Python-only effect; C analogue measured instead: %s; ",
               c->python_only);
    for (int i = 0; i < c->n_checks; i++) {
        const struct claim_check *k = &c->checks[i];
        if (outs[i].text[0])
            append(out->measured_text, sizeof out->measured_text, "%s%s",
                   out->measured_text[0] ? "; " : "", outs[i].text);
        /* A check that cannot decide the claim here says what it would give. */
        const char *as = c->python_only ? "C analogue " : too_few ? "at these threads " : "";
        append(out->reason, sizeof out->reason, "%s%s: %s%s%s (%s)", i ? "; " : "",
               claim_check_kind_name(k->kind), as, outcome_word(outs[i].outcome),
               k->required ? "" : " [does not decide]", outs[i].why);
    }
    for (int i = 0; i < c->n_analogues; i++)
        append(out->reason, sizeof out->reason, "%s%s stands for %s (%s)",
               i ? "; " : "; analogues: ", c->analogues[i]->variant->name,
               c->analogues[i]->stands_for, c->analogues[i]->versus_peer);
    disturbed_reason(outs, c->n_checks, out);
    if (!out->measured_text[0])
        snprintf(out->measured_text, sizeof out->measured_text, "not measured");
}

void claims_verdict_entry(const struct claim *c, const struct claim_verdict *v,
                          struct sl_claim_entry *out)
{
    bool ci = isfinite(v->measured_lo) && isfinite(v->measured_hi);
    *out = (struct sl_claim_entry){
        .id = c->id,
        .source_figure = c->source_figure,
        .measured = {v->measured, isfinite(v->measured) ? NULL : v->measured_why},
        .measured_ci95 = {ci ? v->measured_lo : NAN, ci ? v->measured_hi : NAN,
                          ci ? NULL : v->ci_why},
        .measured_text = v->measured_text,
        .verdict = claim_verdict_name(v->verdict),
        .reason = v->reason,
        .regime = v->regime,
        .explanation = c->explanation,
        .workload = c->workload->name};
}
