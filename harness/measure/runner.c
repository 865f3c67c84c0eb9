#include "measure/runner.h"

#include "kit/memory.h"
#include "kit/progress.h"
#include "kit/ranks.h"
#include "results/record.h"
#include "kit/util.h"

#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t runner_interrupted;

const char *result_status_name(enum result_status s)
{
    switch (s) {
    case RESULT_OK: return "ok";
    case RESULT_SKIPPED: return "skipped";
    case RESULT_ERROR: return "error";
    case RESULT_INTERRUPTED: return "interrupted";
    }
    return "?";
}

static void utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct run_result *new_result(struct run_state *st, const struct sl_variant *v,
                                     enum sl_schedule s, int threads, const char *size)
{
    if (st->n_results == st->cap_results) {
        size_t cap = st->cap_results ? 2 * st->cap_results : 64;
        struct run_result *r = realloc(st->results, cap * sizeof *r);
        if (!r) {
            sl_fail("out of memory");
            return NULL;
        }
        st->results = r;
        st->cap_results = cap;
    }
    struct run_result *r = &st->results[st->n_results++];
    memset(r, 0, sizeof *r);
    r->variant = v;
    r->schedule = s;
    r->threads = threads;
    r->pin = st->opt->pin.policy;
    snprintf(r->size, sizeof r->size, "%s", size);
    r->imbalance = NAN;
    r->peak_rss = NAN;
    r->rank_imbalance = NAN;
    r->ranks = ranks_count();
    return r;
}

static void free_result(struct run_result *r)
{
    for (int e = 0; e < CTR_MAX_EVENTS; e++)
        free(r->counters[e].per_worker);
    free(r->times_s);
    free(r->busy_s);
    free(r->cpus);
    free(r->bound_to);
    free(r->bind_errno);
    free(r->rank_times_s);
    free(r->rank_peak_rss);
}

static double median_of_column(const double *rows, size_t reps, int threads, int w)
{
    double *col = malloc(reps * sizeof *col);
    if (!col)
        return NAN;
    for (size_t r = 0; r < reps; r++)
        col[r] = rows[r * (size_t)threads + (size_t)w];
    double m = stats_median(col, reps);
    free(col);
    return m;
}

/* Live progress of one execution on rank 0's stderr: on a terminal it is
 * redrawn every second, otherwise (when asked) a line every 10 s. */
static struct sl_progress *progress_start(const struct run_state *st, const struct run_result *r,
                                          const void *problem)
{
    const struct run_options *o = st->opt;
    if (o->quiet || ranks_rank() != 0 || o->progress == SL_PROGRESS_OFF)
        return NULL;
    struct sl_work work = {0};
    if (r->variant->work)
        r->variant->work(problem, &work);
    char label[200];
    snprintf(label, sizeof label, "%s/%s/%s/t%d", o->workload->name, r->variant->name,
             sl_schedule_name(r->schedule), r->threads);
    double delay = 2.0, interval = isatty(STDERR_FILENO) ? 1.0 : 10.0;
    /* Tests see lines from short runs by shortening both. */
    const char *test_interval = getenv("SPEEDLAB_TEST_PROGRESS_INTERVAL");
    if (test_interval)
        delay = interval = atof(test_interval);
    return sl_progress_start((enum sl_progress_mode)o->progress, label, work.units,
                             o->workload->unit, delay, interval);
}

/* What every rank must agree on after an execution, so that all of them
 * take the same next step (the collectives of the next one included). */
enum { AGREE_RAN, AGREE_TEAM, AGREE_GOING_ON, AGREE_COUNT };

/* One execution; with several ranks they start together and *seconds is
 * the slowest rank's time, *own_seconds this rank's.  Returns 0, or -1
 * when it failed on any rank. */
static int one_execution(const struct run_state *st, void *problem, const struct run_result *r,
                         const struct sl_exec *ex, double *seconds, double *own_seconds,
                         bool *team_ok)
{
    struct sl_exec run = *ex;
    team_reset(run.team);
    ranks_barrier();
    run.progress = progress_start(st, r, problem);
    ranks_wait_reset();
    double t0 = util_now();
    int rc = r->variant->run(problem, &run);
    /* This rank's busy time: without its waits for the others inside the
     * execution (the quantile's histogram sums). */
    *own_seconds = util_now() - t0 - ranks_wait_seconds();
    sl_progress_finish(run.progress);
    if (rc != 0 && ranks_count() > 1)
        fprintf(stderr, "speedlab: rank %d: error: %s\n", ranks_rank(), sl_error());
    int agree[AGREE_COUNT] = {rc == 0, run.team->team_size_seen == r->threads,
                              !runner_interrupted};
    ranks_min_int(agree, AGREE_COUNT);
    if (!agree[AGREE_GOING_ON])
        runner_interrupted = 1;
    *team_ok = agree[AGREE_TEAM];
    *seconds = *own_seconds + ranks_wait_seconds();
    ranks_max_double(seconds, 1);
    if (rc == 0 && !agree[AGREE_RAN])
        return sl_fail("failed on another rank (see its error above)");
    return rc;
}

/* One verdict from every rank's check of its own share. */
static int reduce_validation(struct sl_validation *v, int local_rc)
{
    int ok = local_rc == 0;
    ranks_min_int(&ok, 1);
    if (!ok)
        return local_rc != 0 ? -1 : sl_fail("validation failed on another rank");
    if (ranks_count() == 1)
        return 0;
    double sums[3] = {v->checked, v->total, v->failures};
    double maxes[2] = {v->max_abs_error, v->max_rel_error};
    ranks_sum_double(sums, 3);
    ranks_max_double(maxes, 2);
    int first_failing = v->failures > 0 ? ranks_rank() : INT_MAX;
    ranks_min_int(&first_failing, 1);
    if (first_failing != INT_MAX)
        ranks_broadcast(v->detail, sizeof v->detail, first_failing);
    v->checked = sums[0];
    v->total = sums[1];
    v->failures = sums[2];
    v->max_abs_error = maxes[0];
    v->max_rel_error = maxes[1];
    v->valid = v->failures == 0;
    if (v->valid)
        snprintf(v->detail, sizeof v->detail, "%d ranks, each its own share: %.0f of %.0f checked",
                 ranks_count(), v->checked, v->total);
    return 0;
}

/* Peak resident set since the reset at the start of the measurement; the
 * largest over ranks, each rank's kept on rank 0. */
static void collect_peak_rss(struct run_result *r, bool reset_ok)
{
    size_t peak = 0;
    double own = NAN;
    /* Without a reset the reason is already set. */
    if (reset_ok && mem_rss_peak(&peak) == 0)
        own = (double)peak;
    else if (reset_ok)
        snprintf(r->peak_rss_reason, sizeof r->peak_rss_reason, "%s", sl_error());
    double largest = isnan(own) ? -1 : own;
    ranks_max_double(&largest, 1);
    r->peak_rss = largest < 0 ? NAN : largest;
    if (r->ranks > 1) {
        /* Rank 0 receives every rank's: it cannot go on without room. */
        if (ranks_rank() == 0 &&
            !(r->rank_peak_rss = util_alloc((size_t)r->ranks, sizeof *r->rank_peak_rss,
                                            "rank peaks")))
            ranks_abort(1);
        ranks_gather_double(own, r->rank_peak_rss);
    }
}

/* Turns the team's accumulated counts into per-execution figures. */
static void collect_counters(const struct run_options *o, const struct sl_team *team,
                             struct run_result *r)
{
    const struct ctr_plan *plan = &o->counters;
    int first_error = 0, failed_worker = -1;
    for (int w = 0; w < r->threads; w++)
        if (team->workers[w].counter_error && failed_worker < 0) {
            failed_worker = w;
            first_error = team->workers[w].counter_error;
        }
    for (int e = 0, c = 0; e < plan->n_events; e++) {
        struct result_counter *rc = &r->counters[e];
        rc->state = plan->events[e].state;
        rc->total = NAN;
        if (rc->state == CTR_UNAVAILABLE) {
            snprintf(rc->reason, sizeof rc->reason, "%s", plan->events[e].reason);
            continue;
        }
        int column = c++;
        if (r->reps == 0 || failed_worker >= 0) {
            rc->state = CTR_UNAVAILABLE;
            if (failed_worker >= 0)
                snprintf(rc->reason, sizeof rc->reason, "worker %d could not count (%s)",
                         failed_worker, ctr_error_string(first_error));
            else
                snprintf(rc->reason, sizeof rc->reason, "no timed repetition");
            continue;
        }
        rc->per_worker = malloc((size_t)r->threads * sizeof *rc->per_worker);
        if (!rc->per_worker) {
            rc->state = CTR_UNAVAILABLE;
            snprintf(rc->reason, sizeof rc->reason, "out of memory");
            continue;
        }
        rc->total = 0;
        for (int w = 0; w < r->threads; w++) {
            long long v = team->counts[(size_t)w * (size_t)plan->n_countable + (size_t)column];
            rc->per_worker[w] = (double)v / (double)r->reps;
            rc->total += rc->per_worker[w];
        }
    }
}

/* Warm up, repeat until the budget and the minimum are met, validate the
 * last repetition.  Fills r; returns -1 only on a harness failure. */
static int measure(struct run_state *st, void *problem, struct run_result *r)
{
    const struct run_options *o = st->opt;
    const struct sl_workload *w = o->workload;
    struct sl_team *team;
    if (team_create(&team, st->machine, &o->pin, r->threads) != 0) {
        r->status = RESULT_ERROR;
        snprintf(r->reason, sizeof r->reason, "%s", sl_error());
        return 0;
    }
    r->oversubscribed = team->oversubscribed;
    struct sl_exec ex = {.threads = r->threads, .schedule = r->schedule, .team = team};
    size_t cap = (size_t)o->max_reps;
    int threads = r->threads;
    double *busy = util_alloc(cap * (size_t)threads, sizeof *busy, "busy times");
    double *imbalance = util_alloc(cap, sizeof *imbalance, "imbalance");
    r->times_s = util_alloc(cap, sizeof *r->times_s, "times");
    r->busy_s = util_alloc((size_t)threads, sizeof *r->busy_s, "busy");
    r->cpus = util_alloc((size_t)threads, sizeof *r->cpus, "cpus");
    r->bound_to = util_alloc((size_t)threads, sizeof *r->bound_to, "placement");
    r->bind_errno = util_alloc((size_t)threads, sizeof *r->bind_errno, "placement");
    if (!busy || !imbalance || !r->times_s || !r->busy_s || !r->cpus || !r->bound_to ||
        !r->bind_errno) {
        free(busy);
        free(imbalance);
        team_destroy(team);
        return -1;
    }

    int ranks = r->ranks;
    double *rank_times = ranks > 1 ? util_alloc(cap * (size_t)ranks, sizeof *rank_times,
                                                "rank times")
                                   : NULL;
    if (team_count(team, &o->counters) != 0 || (ranks > 1 && !rank_times)) {
        free(busy);
        free(imbalance);
        free(rank_times);
        team_destroy(team);
        return -1;
    }
    team_bind(team);
    bool peak_reset = mem_rss_peak_reset() == 0;
    if (!peak_reset)
        snprintf(r->peak_rss_reason, sizeof r->peak_rss_reason, "%s", sl_error());
    double seconds, own_seconds;
    bool team_ok;
    for (int i = 0; i < o->warmup && !runner_interrupted; i++) {
        if (w->prepare_validation)
            w->prepare_validation(problem);
        if (one_execution(st, problem, r, &ex, &seconds, &own_seconds, &team_ok) != 0)
            goto failed;
    }
    r->warmup = o->warmup;
    team_reset_counts(team); /* count the timed repetitions only */

    double measured = 0.0;
    while (!runner_interrupted && r->reps < cap &&
           (r->reps < (size_t)o->min_reps || measured < o->budget_s)) {
        /* Every execution starts from the same state (output poisoned), so
         * all repetitions are alike and whichever is last can be validated. */
        if (w->prepare_validation)
            w->prepare_validation(problem);
        if (one_execution(st, problem, r, &ex, &seconds, &own_seconds, &team_ok) != 0)
            goto failed;
        if (!team_ok) {
            r->status = RESULT_ERROR;
            snprintf(r->reason, sizeof r->reason,
                     "OpenMP ran %d threads where %d were asked for (OMP_THREAD_LIMIT?)",
                     team->team_size_seen, threads);
            break;
        }
        double max_busy = 0, sum_busy = 0;
        for (int t = 0; t < threads; t++) {
            double b = team->workers[t].busy_s;
            busy[r->reps * (size_t)threads + (size_t)t] = b;
            max_busy = fmax(max_busy, b);
            sum_busy += b;
        }
        imbalance[r->reps] = sum_busy > 0 ? max_busy / (sum_busy / threads) : NAN;
        if (ranks > 1)
            ranks_gather_double(own_seconds, rank_times + r->reps * (size_t)ranks);
        r->times_s[r->reps++] = seconds;
        measured += seconds;
    }
    if (runner_interrupted && r->status == RESULT_OK) {
        r->status = RESULT_INTERRUPTED;
        snprintf(r->reason, sizeof r->reason, "interrupted after %zu repetitions", r->reps);
    }

    stats_summarize(r->times_s, r->reps, &r->stats);
    r->imbalance = stats_median(imbalance, r->reps);
    r->team_size_seen = team->team_size_seen;
    /* Verified: every worker began and ended every execution inside its
     * target set (checked in sl_worker_end) and its binding succeeded. */
    r->placement_verified = r->reps > 0;
    for (int t = 0; t < threads; t++) {
        r->busy_s[t] = median_of_column(busy, r->reps, threads, t);
        r->cpus[t] = team->workers[t].cpu_end;
        r->bind_errno[t] = team->workers[t].bind_errno;
        team_target_string(team, t, r->bound_to[t], sizeof r->bound_to[t]);
        if (team->workers[t].strays || r->bind_errno[t] || r->cpus[t] < 0)
            r->placement_verified = false;
    }
    if (ranks > 1 && ranks_rank() == 0 && r->reps > 0) {
        double *rank_imbalance = util_alloc(r->reps, sizeof *rank_imbalance, "rank imbalance");
        r->rank_times_s = util_alloc((size_t)ranks, sizeof *r->rank_times_s, "rank times");
        if (rank_imbalance && r->rank_times_s) {
            for (size_t rep = 0; rep < r->reps; rep++) {
                double max = 0, sum = 0;
                for (int k = 0; k < ranks; k++) {
                    max = fmax(max, rank_times[rep * (size_t)ranks + (size_t)k]);
                    sum += rank_times[rep * (size_t)ranks + (size_t)k];
                }
                rank_imbalance[rep] = sum > 0 ? max / (sum / ranks) : NAN;
            }
            r->rank_imbalance = stats_median(rank_imbalance, r->reps);
            for (int k = 0; k < ranks; k++)
                r->rank_times_s[k] = median_of_column(rank_times, r->reps, ranks, k);
        }
        free(rank_imbalance);
    }
    collect_counters(o, team, r);
    if (r->variant->work)
        r->variant->work(problem, &r->work);
    if (r->status == RESULT_OK && r->reps > 0) {
        if (w->corrupt_output && getenv("SPEEDLAB_TEST_CORRUPT_OUTPUT"))
            w->corrupt_output(problem);
        int rc = w->validate(problem, &r->validation);
        if (reduce_validation(&r->validation, rc) != 0)
            goto failed;
        r->validated = true;
        if (w->facts)
            w->facts(problem, &r->facts);
    }
    collect_peak_rss(r, peak_reset);
    if (o->counters.sim && r->status == RESULT_OK && !runner_interrupted) {
        struct sl_problem_args args = {.size = o->input_path ? NULL : r->size,
                                       .seed = o->seed,
                                       .input_path = o->input_path,
                                       .validate = o->validate};
        r->simulated = true;
        sim_measure(st->machine, w, r->variant, r->schedule, r->threads, &args, &r->sim);
    }
    free(busy);
    free(imbalance);
    free(rank_times);
    team_destroy(team);
    return 0;

failed:
    r->status = RESULT_ERROR;
    snprintf(r->reason, sizeof r->reason, "%s", sl_error());
    free(busy);
    free(imbalance);
    free(rank_times);
    team_destroy(team);
    return 0;
}

static void compute_speedup(struct run_state *st, struct run_result *r)
{
    r->speedup = r->speedup_lo = r->speedup_hi = NAN;
    if (r->status != RESULT_OK) {
        snprintf(r->speedup_reason, sizeof r->speedup_reason, "unavailable (not measured)");
        return;
    }
    for (size_t i = 0; i < st->n_results; i++) {
        struct run_result *base = &st->results[i];
        if (base->threads != 1 || base->variant != r->variant || base->schedule != r->schedule ||
            strcmp(base->size, r->size) != 0 || base->status != RESULT_OK)
            continue;
        r->speedup_available = true;
        r->speedup = base->stats.median / r->stats.median;
        /* Both medians inside their 97.5 % intervals with probability
         * >= 95 %, so the ratio interval is a 95 % one. */
        if (base->stats.ci975_available && r->stats.ci975_available)
            stats_ratio_interval(base->stats.ci975_lo, base->stats.ci975_hi, r->stats.ci975_lo,
                                 r->stats.ci975_hi, &r->speedup_lo, &r->speedup_hi);
        return;
    }
    snprintf(r->speedup_reason, sizeof r->speedup_reason,
             "unavailable (no 1-thread run of this variant and schedule in this record)");
}

static void print_header(const struct sl_workload *w)
{
    char merit[32];
    printf("%-46s %4s %11s %23s %6s %14s %6s %6s %10s  %s\n", "result", "reps", "median",
           "95% CI of median", "cv", "speedup", "eff", "imbal", sl_merit_label(w, merit, sizeof merit),
           "valid");
}

/* Counted events and simulated caches per unit of work, under the result;
 * unavailable events are said once, at the start of the run. */
static void print_counters(const struct run_result *r, const struct ctr_plan *plan,
                           const char *unit)
{
    char line[1024];
    size_t used = 0;
    for (int e = 0; e < plan->n_events && used < sizeof line; e++) {
        const struct result_counter *c = &r->counters[e];
        if (c->state == CTR_UNAVAILABLE || !c->per_worker)
            continue;
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s%s %.4g", used ? ", " : "",
                                 c->state == CTR_MULTIPLEXED ? "~" : "", plan->events[e].name,
                                 c->total / r->work.units);
    }
    if (used)
        printf("    counters per %s: %s\n", unit, line);
    if (!r->simulated)
        return;
    if (!r->sim.available)
        printf("    simulated cache: unavailable (%s)\n", r->sim.reason);
    else
        printf("    simulated per %s: %.4g instructions, %.4g D1 misses, %.4g LL misses "
               "(%.4g data refs)\n",
               unit, r->sim.instructions / r->work.units, r->sim.d1_misses / r->work.units,
               r->sim.ll_misses / r->work.units, r->sim.data_refs / r->work.units);
}

/* "yes", "INVALID", "INVALID (known defect)", or `unchecked`. */
static const char *validity_label(const struct run_result *r, const char *unchecked)
{
    if (!r->validated)
        return unchecked;
    if (r->validation.valid)
        return "yes";
    return r->variant->known_defect ? "INVALID (known defect)" : "INVALID";
}

/* What the execution produced, its peak memory and, across MPI ranks, each
 * rank's time: one line each, under the result. */
static void print_output_and_memory(const struct run_result *r, const struct run_options *o)
{
    char line[768];
    size_t used = 0;
    for (int k = 0; k < r->facts.n_params && used < sizeof line; k++) {
        double v = r->facts.params[k].value;
        /* Counts in full (51601110 kept pairs, not 5.16011e+07). */
        used += (size_t)snprintf(line + used, sizeof line - used,
                                 v == floor(v) && fabs(v) < 1e15 ? "%s%s=%.0f" : "%s%s=%.6g",
                                 k ? ", " : "", r->facts.params[k].key, v);
    }
    if (used)
        printf("    output: %s\n", line);
    char peak[32], budget[32];
    double bound = sl_option_facts_number(&o->option_facts, SL_FACT_MEMORY_BUDGET);
    if (isnan(r->peak_rss)) {
        if (isfinite(bound) || r->facts.n_params)
            printf("    peak resident memory: unavailable (%s)\n", r->peak_rss_reason);
    } else if (isfinite(bound)) {
        mem_format_bytes(r->peak_rss, peak, sizeof peak);
        mem_format_bytes(bound, budget, sizeof budget);
        printf("    peak resident memory: %s%s of the memory budget %s%s\n", peak,
               r->ranks > 1 ? " (largest rank)" : "", budget,
               r->peak_rss > bound ? " (OVER BUDGET)" : "");
    } else if (r->facts.n_params) {
        mem_format_bytes(r->peak_rss, peak, sizeof peak);
        printf("    peak resident memory: %s%s\n", peak, r->ranks > 1 ? " (largest rank)" : "");
    }
    if (r->ranks > 1 && r->rank_times_s) {
        used = 0;
        for (int k = 0; k < r->ranks && used < sizeof line; k++)
            used += (size_t)snprintf(line + used, sizeof line - used, "%s%.4g s", k ? ", " : "",
                                     r->rank_times_s[k]);
        printf("    ranks: %d, median busy time per rank %s; rank imbalance %.3f\n", r->ranks, line,
               r->rank_imbalance);
    }
}

static void print_result(const struct run_result *r, const struct sl_workload *w,
                         const struct run_options *o)
{
    const struct ctr_plan *plan = &o->counters;
    const char *kernel = w->name, *unit = w->unit;
    char name[160];
    snprintf(name, sizeof name, "%s/%s/%s/t%d%s", kernel, r->variant->name,
             sl_schedule_name(r->schedule), r->threads, r->oversubscribed ? "!over" : "");
    if (r->status == RESULT_ERROR) {
        printf("%-46s error: %s\n", name, r->reason);
        return;
    }
    char ci[40] = "n/a (<6 reps)", speedup[40] = "n/a (no t1)", eff[16] = "n/a", cv[16] = "n/a";
    if (!isnan(r->stats.cv))
        snprintf(cv, sizeof cv, "%.1f%%", 100.0 * r->stats.cv);
    if (r->stats.ci_available)
        snprintf(ci, sizeof ci, "[%.4g, %.4g] s", r->stats.ci_lo, r->stats.ci_hi);
    if (r->speedup_available) {
        snprintf(speedup, sizeof speedup, "%.2f", r->speedup);
        if (!isnan(r->speedup_lo))
            snprintf(speedup, sizeof speedup, "%.2f [%.2f,%.2f]", r->speedup, r->speedup_lo,
                     r->speedup_hi);
        snprintf(eff, sizeof eff, "%.2f", r->speedup / r->threads);
    }
    if (r->reps == 0) {
        printf("%-46s %s: %s\n", name, result_status_name(r->status), r->reason);
        return;
    }
    const char *valid = validity_label(r, "not checked");
    char imbalance[16] = "n/a";
    if (!isnan(r->imbalance))
        snprintf(imbalance, sizeof imbalance, "%.3f", r->imbalance);
    printf("%-46s %4zu %9.4g s %23s %6s %14s %6s %6s %10.4g  %s%s%s\n", name, r->reps,
           r->stats.median, ci, cv, speedup, eff, imbalance,
           sl_merit_value(w, &r->work, r->stats.median), valid,
           r->status == RESULT_INTERRUPTED ? " (interrupted)" : "",
           r->placement_verified || r->pin == PIN_NONE ? "" : " (placement not verified)");
    if (r->validated && !r->validation.valid)
        printf("    invalid: %s\n", r->validation.detail);
    if (r->validated && !r->validation.valid && r->variant->known_defect)
        printf("    known defect, shown on purpose: %s\n", r->variant->known_defect);
    print_counters(r, plan, unit);
    print_output_and_memory(r, o);
    fflush(stdout);
}

static void print_problem(const struct sl_workload *w, const struct sl_problem_info *info)
{
    printf("\n%s %s (%s):", w->name, info->size, info->source);
    for (int i = 0; i < info->n_params; i++)
        printf("%s %s=%.6g", i ? "," : "", info->params[i].key, info->params[i].value);
    printf("\n");
}

static void print_counter_plan(const struct ctr_plan *plan, const struct machine *m)
{
    for (int e = 0; e < plan->n_events; e++)
        printf("counter %-14s %s%s%s%s\n", plan->events[e].name,
               ctr_state_name(plan->events[e].state),
               plan->events[e].state == CTR_UNAVAILABLE ? " (" : "", plan->events[e].reason,
               plan->events[e].state == CTR_UNAVAILABLE ? ")" : "");
    if (plan->sim) {
        struct sim_cache i1, d1, ll;
        sim_geometry(m, &i1, &d1, &ll);
        printf("simulated caches (callgrind, kernel only): I1 %llu B %u-way, D1 %llu B %u-way, "
               "LL %llu B %u-way, %u-byte lines%s%s\n",
               i1.size, i1.ways, d1.size, d1.ways, ll.size, ll.ways, d1.line,
               ll.note[0] ? "; " : "", ll.note);
    }
}

/* Simulated misses per unit of work for every variant at each size: the
 * deterministic cache picture, one line per variant (its first result). */
static void print_sim_summary(const struct run_state *st)
{
    const struct run_options *o = st->opt;
    if (!o->counters.sim)
        return;
    printf("\nsimulated caches per %s (valgrind callgrind, kernel only; deterministic):\n",
           o->workload->unit);
    printf("  %-26s %-10s %-11s %3s %14s %12s %12s\n", "variant", "size", "schedule", "t",
           "instructions", "D1 misses", "LL misses");
    for (size_t p = 0; p < st->n_problems; p++)
        for (int v = 0; v < o->n_variants; v++)
            for (size_t i = 0; i < st->n_results; i++) {
                const struct run_result *r = &st->results[i];
                if (r->variant != o->variants[v] || !r->simulated ||
                    strcmp(r->size, st->problems[p].size) != 0)
                    continue;
                if (r->sim.available)
                    printf("  %-26s %-10s %-11s %3d %14.5g %12.5g %12.5g\n", r->variant->name,
                           r->size, sl_schedule_name(r->schedule), r->threads,
                           r->sim.instructions / r->work.units, r->sim.d1_misses / r->work.units,
                           r->sim.ll_misses / r->work.units);
                else
                    printf("  %-26s %-10s unavailable (%s)\n", r->variant->name, r->size,
                           r->sim.reason);
                break;
            }
}

static void print_summary(const struct run_state *st)
{
    /* Best time per variant at the largest thread count measured. */
    const struct run_options *o = st->opt;
    int tmax = o->threads[o->n_threads - 1];
    printf("\nsummary at %d thread%s (best schedule per variant; speedup vs its own 1-thread run):\n",
           tmax, tmax == 1 ? "" : "s");
    printf("  %-26s %-10s %-11s %11s %8s %7s %7s  %s\n", "variant", "size", "schedule", "median",
           "speedup", "imbal", "valid", "");
    for (size_t p = 0; p < st->n_problems; p++)
        for (int v = 0; v < o->n_variants; v++) {
            const struct run_result *best = NULL, *skipped = NULL;
            for (size_t i = 0; i < st->n_results; i++) {
                const struct run_result *r = &st->results[i];
                if (r->variant != o->variants[v] || r->threads != tmax ||
                    strcmp(r->size, st->problems[p].size) != 0)
                    continue;
                if (r->status == RESULT_OK &&
                    (!best || r->stats.median < best->stats.median))
                    best = r;
                else if (r->status != RESULT_OK)
                    skipped = r;
            }
            if (best) {
                char sp[16] = "n/a";
                if (best->speedup_available)
                    snprintf(sp, sizeof sp, "%.2f", best->speedup);
                printf("  %-26s %-10s %-11s %9.4g s %8s %7.3f %7s\n", o->variants[v]->name,
                       best->size, sl_schedule_name(best->schedule), best->stats.median, sp,
                       best->imbalance,
                       validity_label(best, "n/a"));
            } else if (skipped) {
                printf("  %-26s %-10s %s: %s\n", o->variants[v]->name, skipped->size,
                       result_status_name(skipped->status), skipped->reason);
            }
        }
}

static bool schedule_applies(const struct sl_variant *v, enum sl_schedule s)
{
    return (v->schedules & SL_SCHED_BIT(s)) != 0;
}

int runner_execute(struct run_state *st)
{
    const struct run_options *o = st->opt;
    const struct sl_workload *w = o->workload;
    int status = 0;
    bool aborted = false; /* stopped before every planned measurement was tried */
    utc_now(st->started, sizeof st->started);
    st->problems = calloc((size_t)o->n_sizes, sizeof *st->problems);
    if (!st->problems)
        return sl_fail("out of memory"), 1;

    for (int si = 0; si < o->n_sizes && !runner_interrupted; si++) {
        struct sl_problem_args args = {.size = o->sizes[si],
                                       .seed = o->seed,
                                       .input_path = o->input_path,
                                       .validate = o->validate};
        args.max_threads = o->threads[o->n_threads - 1];
        args.options = o->workload_options;
        void *problem = NULL;
        int created = w->problem_create(&args, &problem) == 0, everywhere = created;
        ranks_min_int(&everywhere, 1);
        if (created && !everywhere) {
            w->problem_destroy(problem);
            created = 0;
            sl_fail("the problem could not be set up on another rank");
        }
        if (!created) {
            /* Bad input (unreadable .npy, impossible size): nothing of this
             * size has been written; earlier sizes stay in the record. */
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            status = 2;
            aborted = true;
            break;
        }
        struct sl_problem_info *info = &st->problems[st->n_problems++];
        w->describe(problem, info);
        print_problem(w, info);
        if (si == 0)
            print_counter_plan(&o->counters, st->machine);
        print_header(w);
        /* --output writes the shared output buffer, which holds whatever
         * the last executed measurement left there. */
        const struct run_result *last_executed = NULL;

        for (int vi = 0; vi < o->n_variants && !runner_interrupted; vi++) {
            const struct sl_variant *v = o->variants[vi];
            const char *missing = sl_isa_missing(v->requires);
            /* Beside the CPU, the problem may rule a variant out (its output
             * mode): said like a missing ISA extension, once. */
            const char *unsupported = w->unsupported ? w->unsupported(problem, v) : NULL;
            if (!missing)
                missing = unsupported;
            for (int sj = 0; sj < o->n_schedules && !runner_interrupted; sj++) {
                enum sl_schedule s = o->schedules[sj];
                if (o->schedules_all && !missing && !schedule_applies(v, s))
                    continue;
                for (int ti = 0; ti < o->n_threads && !runner_interrupted; ti++) {
                    if (o->wanted && !o->wanted(o->wanted_ctx, v, s, o->threads[ti], o->sizes[si]))
                        continue;
                    struct run_result *r = new_result(st, v, s, o->threads[ti], info->size);
                    if (!r) {
                        fprintf(stderr, "speedlab: error: %s\n", sl_error());
                        w->problem_destroy(problem);
                        return 1;
                    }
                    if (missing) {
                        r->status = RESULT_SKIPPED;
                        snprintf(r->reason, sizeof r->reason, "%s%s",
                                 missing == unsupported ? "" : "CPU lacks ", missing);
                    } else if (!schedule_applies(v, s)) {
                        r->status = RESULT_SKIPPED;
                        snprintf(r->reason, sizeof r->reason,
                                 "schedule %s does not apply to this variant", sl_schedule_name(s));
                    } else {
                        last_executed = r;
                        if (measure(st, problem, r) != 0) {
                            fprintf(stderr, "speedlab: error: %s\n", sl_error());
                            w->problem_destroy(problem);
                            return 1;
                        }
                    }
                    compute_speedup(st, r);
                    if (r->status == RESULT_ERROR)
                        status = 1;
                    else if (r->status == RESULT_OK && r->validated && !r->validation.valid &&
                             !v->known_defect && status == 0)
                        status = 3;
                    /* A skip is said once, for everything it covers. */
                    if (r->status != RESULT_SKIPPED)
                        print_result(r, w, o);
                    else if (missing && sj == 0 && ti == 0)
                        printf("%s/%-39s skipped: %s (every schedule and thread count)\n",
                               w->name, v->name, r->reason);
                    else if (!missing && ti == 0)
                        printf("%s/%s/%-*s skipped: %s\n", w->name, v->name,
                               (int)(44 - strlen(w->name) - strlen(v->name)),
                               sl_schedule_name(s), r->reason);
                    if (ranks_rank() == 0 && record_write(st) != 0) {
                        fprintf(stderr, "speedlab: error: %s\n", sl_error());
                        ranks_abort(1);
                    }
                }
            }
        }
        if (o->output_path && !runner_interrupted && ranks_rank() != 0) {
            /* Rank 0 writes the one merged output from every rank's shards. */
        } else if (o->output_path && !runner_interrupted) {
            double write_start = util_now();
            if (!last_executed) {
                fprintf(stderr, "speedlab: error: --output not written: the variant did not run\n");
                status = 1;
            } else if (last_executed->status != RESULT_OK || !last_executed->validated) {
                fprintf(stderr, "speedlab: error: --output not written: the last measurement "
                                "did not finish (%s)\n",
                        last_executed->reason);
                status = 1;
            } else if (!last_executed->validation.valid) {
                fprintf(stderr, "speedlab: error: --output not written: the result is invalid\n");
                status = 3;
            } else if (w->save_output(problem, o->output_path) != 0) {
                fprintf(stderr, "speedlab: error: %s\n", sl_error());
                status = 1;
            } else if (!o->quiet) {
                printf("output: %s (written in %.3g s)\n", o->output_path,
                       util_now() - write_start);
            }
        }
        /* Every rank's shards stay until rank 0 has merged them. */
        ranks_barrier();
        w->problem_destroy(problem);
    }
    if (runner_interrupted)
        status = 130;
    /* Every rank leaves with rank 0's verdict. */
    ranks_broadcast(&status, sizeof status, 0);
    st->complete = !runner_interrupted && !aborted;
    utc_now(st->finished, sizeof st->finished);
    if (st->n_results == 0)
        return status ? status : 1;
    if (ranks_rank() != 0)
        return status;
    if (record_write(st) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
        return 1;
    }
    print_summary(st);
    print_sim_summary(st);
    printf("\nrecord: %s\ntable:  %s\n", o->record_path, o->csv_path);
    return status;
}

void runner_free(struct run_state *st)
{
    for (size_t i = 0; i < st->n_results; i++)
        free_result(&st->results[i]);
    free(st->results);
    free(st->problems);
}
