#include "measure/runner.h"

#include "kit/memory.h"
#include "kit/progress.h"
#include "kit/ranks.h"
#include "kit/util.h"
#include "measure/describe.h"
#include "measure/simcache.h"
#include "measure/test_hooks.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t runner_interrupted;

/* One measurement in the making: the model's result and what the runner
 * needs beside it. */
struct job {
    const struct run_options *o;
    const struct machine *m;
    struct sl_run *run;
    const struct sl_variant *v;
    enum sl_schedule schedule;
    struct sl_result *r;
};

/* ---- one measurement ------------------------------------------------------------ */

static double median_of_column(const double *rows, size_t reps, int columns, int c)
{
    double *col = malloc((reps ? reps : 1) * sizeof *col);
    if (!col)
        return NAN;
    for (size_t r = 0; r < reps; r++)
        col[r] = rows[r * (size_t)columns + (size_t)c];
    double m = stats_median(col, reps);
    free(col);
    return m;
}

/* Live progress of one execution on rank 0's stderr: on a terminal it is
 * redrawn every second, otherwise (when asked) a line every 10 s. */
static struct sl_progress *progress_start(const struct job *j, const void *problem)
{
    const struct run_options *o = j->o;
    if (o->quiet || ranks_rank() != 0 || o->progress == SL_PROGRESS_OFF)
        return NULL;
    struct sl_work work = {0};
    if (j->v->work)
        j->v->work(problem, &work);
    char label[200];
    sl_result_name(j->r, label, sizeof label);
    double delay = 2.0, interval = isatty(STDERR_FILENO) ? 1.0 : 10.0;
    /* Tests see lines from short runs by shortening both. */
    if (sl_test_hooks()->progress_interval_set)
        delay = interval = sl_test_hooks()->progress_interval_s;
    return sl_progress_start((enum sl_progress_mode)o->progress, label, work.units,
                             o->workload->unit, delay, interval);
}

/* What every rank must agree on after an execution, so that all of them
 * take the same next step (the collectives of the next one included). */
enum { AGREE_RAN, AGREE_TEAM, AGREE_GOING_ON, AGREE_FIRST_FAILED, AGREE_COUNT };

/* One execution; with several ranks they start together and *seconds is
 * the slowest rank's time, *own_seconds this rank's.  Returns 0, or -1
 * when it failed on any rank (the error of the first rank that failed). */
static int one_execution(const struct job *j, void *problem, const struct sl_exec *ex,
                         double *seconds, double *own_seconds, bool *team_ok)
{
    struct sl_exec run = *ex;
    team_reset(run.team);
    ranks_barrier();
    run.progress = progress_start(j, problem);
    ranks_wait_reset();
    double t0 = util_now();
    int rc = j->v->run(problem, &run);
    /* This rank's busy time: without its waits for the others inside the
     * execution (the quantile's histogram sums). */
    *own_seconds = util_now() - t0 - ranks_wait_seconds();
    sl_progress_finish(run.progress);
    int agree[AGREE_COUNT] = {rc == 0, run.team->team_size_seen == j->r->threads,
                              !runner_interrupted, rc == 0 ? INT_MAX : ranks_rank()};
    ranks_min_int(agree, AGREE_COUNT);
    if (!agree[AGREE_GOING_ON])
        runner_interrupted = 1;
    *team_ok = agree[AGREE_TEAM];
    *seconds = *own_seconds + ranks_wait_seconds();
    ranks_max_double(seconds, 1);
    if (agree[AGREE_RAN])
        return 0;
    /* Every rank learns the first failing rank's error. */
    char why[256];
    snprintf(why, sizeof why, "%s", rc != 0 ? sl_error() : "");
    ranks_broadcast(why, sizeof why, agree[AGREE_FIRST_FAILED]);
    return ranks_count() > 1 ? sl_fail("rank %d: %s", agree[AGREE_FIRST_FAILED], why)
                             : sl_fail("%s", why);
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
static int collect_peak_rss(const struct job *j, bool reset_ok)
{
    struct sl_result *r = j->r;
    size_t peak = 0;
    double own = NAN;
    /* Without a reset the reason is already set. */
    if (reset_ok && mem_rss_peak(&peak) == 0)
        own = (double)peak;
    else if (reset_ok && !(r->peak_rss_bytes.why = sl_run_strdup(j->run, sl_error())))
        return -1;
    double largest = isnan(own) ? -1 : own;
    ranks_max_double(&largest, 1);
    r->peak_rss_bytes.value = largest < 0 ? NAN : largest;
    if (largest >= 0)
        r->peak_rss_bytes.why = NULL;
    if (r->ranks > 1) {
        /* Rank 0 receives every rank's: it cannot go on without room. */
        if (ranks_rank() == 0 &&
            !(r->rank_peak_rss_bytes = sl_run_alloc(j->run, (size_t)r->ranks, sizeof(double))))
            ranks_abort(1);
        ranks_gather_double(own, r->rank_peak_rss_bytes);
    }
    return 0;
}

/* Turns the team's accumulated counts into per-execution figures; `why`
 * names what stopped the measurement, or NULL when it finished. */
static int collect_counters(const struct job *j, const struct sl_team *team, const char *why)
{
    const struct ctr_plan *plan = &j->o->counters;
    struct sl_result *r = j->r;
    if (plan->n_events == 0)
        return 0;
    int first_error = 0, failed_worker = -1;
    for (int w = 0; w < r->threads; w++)
        if (team->workers[w].counter_error && failed_worker < 0) {
            failed_worker = w;
            first_error = team->workers[w].counter_error;
        }
    r->counters = sl_run_alloc(j->run, (size_t)plan->n_events, sizeof *r->counters);
    if (!r->counters)
        return -1;
    r->n_counters = plan->n_events;
    for (int e = 0, column = 0; e < plan->n_events; e++) {
        struct sl_counter_result *c = &r->counters[e];
        c->event = plan->events[e];
        c->per_execution = NAN;
        if (c->event.state == SL_COUNTER_UNAVAILABLE)
            continue;
        int at = column++;
        if (why || r->reps == 0 || failed_worker >= 0) {
            c->event.state = SL_COUNTER_UNAVAILABLE;
            if (failed_worker >= 0)
                snprintf(c->event.reason, sizeof c->event.reason,
                         "worker %d could not count (%s)", failed_worker,
                         ctr_error_string(first_error));
            else
                snprintf(c->event.reason, sizeof c->event.reason, "%s",
                         why ? why : "no timed repetition");
            continue;
        }
        if (!(c->per_worker = sl_run_alloc(j->run, (size_t)r->threads, sizeof *c->per_worker)))
            return -1;
        c->per_execution = 0;
        for (int w = 0; w < r->threads; w++) {
            long long v = team->counts[(size_t)w * (size_t)plan->n_countable + (size_t)at];
            c->per_worker[w] = (double)v / (double)r->reps;
            c->per_execution += c->per_worker[w];
        }
    }
    return 0;
}

/* Where each worker ran and how busy it was: the medians over the
 * repetitions of the busy times in `busy` (reps x threads). */
static int collect_workers(const struct job *j, const struct sl_team *team, const double *busy,
                           const double *imbalance)
{
    struct sl_result *r = j->r;
    r->imbalance = stats_median(imbalance, r->reps);
    r->pin = pin_policy_name(team->policy);
    /* Verified: every worker began and ended every execution inside its
     * target set (checked in sl_worker_end) and its binding succeeded. */
    r->placement_verified = r->reps > 0;
    for (int t = 0; t < r->threads; t++) {
        const struct team_worker *tw = &team->workers[t];
        struct sl_worker *w = &r->workers[t];
        char target[64];
        team_target_string(team, t, target, sizeof target);
        w->busy_s = median_of_column(busy, r->reps, r->threads, t);
        w->cpu = tw->cpu_end;
        w->target = sl_run_strdup(j->run, target);
        w->pinned = tw->bind_errno               ? sl_run_text(j->run, "no (%s)", strerror(tw->bind_errno))
                    : team->policy == PIN_NONE ? "no (--pin none)"
                                               : "yes";
        if (!w->target || !w->pinned)
            return -1;
        if (tw->strays || tw->bind_errno || w->cpu < 0)
            r->placement_verified = false;
    }
    return 0;
}

/* Per rank: the median of its own times; and the median over repetitions
 * of the slowest rank's time over the mean (rank_times: reps x ranks). */
static int collect_ranks(const struct job *j, const double *rank_times)
{
    struct sl_result *r = j->r;
    int ranks = r->ranks;
    if (ranks == 1 || ranks_rank() != 0 || r->reps == 0)
        return 0;
    double *per_rep = util_alloc(r->reps, sizeof *per_rep, "rank imbalance");
    r->rank_median_s = sl_run_alloc(j->run, (size_t)ranks, sizeof *r->rank_median_s);
    if (!per_rep || !r->rank_median_s) {
        free(per_rep);
        return -1;
    }
    for (size_t rep = 0; rep < r->reps; rep++) {
        double max = 0, sum = 0;
        for (int k = 0; k < ranks; k++) {
            max = fmax(max, rank_times[rep * (size_t)ranks + (size_t)k]);
            sum += rank_times[rep * (size_t)ranks + (size_t)k];
        }
        per_rep[rep] = sum > 0 ? max / (sum / ranks) : NAN;
    }
    r->rank_imbalance = stats_median(per_rep, r->reps);
    for (int k = 0; k < ranks; k++)
        r->rank_median_s[k] = median_of_column(rank_times, r->reps, ranks, k);
    free(per_rep);
    return 0;
}

/* Room for the repetitions: per repetition its busy times (threads each),
 * imbalance and, across ranks, every rank's time. */
struct repetitions {
    double *busy, *imbalance, *rank_times;
};

/* Warm up, then repeat until the budget and the minimum are met.  Returns
 * 0, or -1 when an execution failed (sl_error() says why). */
static int repeat(const struct job *j, void *problem, struct sl_team *team,
                  struct repetitions *reps)
{
    const struct run_options *o = j->o;
    const struct sl_workload *w = o->workload;
    struct sl_result *r = j->r;
    struct sl_exec ex = {.threads = r->threads, .schedule = j->schedule, .team = team};
    double seconds, own_seconds;
    bool team_ok;
    for (int i = 0; i < o->warmup && !runner_interrupted; i++) {
        if (w->prepare_validation)
            w->prepare_validation(problem);
        if (one_execution(j, problem, &ex, &seconds, &own_seconds, &team_ok) != 0)
            return -1;
    }
    r->warmup = o->warmup;
    team_reset_counts(team); /* count the timed repetitions only */
    double measured = 0.0;
    while (!runner_interrupted && r->reps < (size_t)o->max_reps &&
           (r->reps < (size_t)o->min_reps || measured < o->budget_s)) {
        /* Every execution starts from the same state (output poisoned), so
         * all repetitions are alike and whichever is last can be validated. */
        if (w->prepare_validation)
            w->prepare_validation(problem);
        if (one_execution(j, problem, &ex, &seconds, &own_seconds, &team_ok) != 0)
            return -1;
        if (!team_ok) {
            r->status = SL_STATUS_ERROR;
            r->reason = sl_run_text(j->run,
                                    "OpenMP ran %d threads where %d were asked for "
                                    "(OMP_THREAD_LIMIT?)",
                                    team->team_size_seen, r->threads);
            return r->reason ? 0 : -1;
        }
        double max_busy = 0, sum_busy = 0;
        for (int t = 0; t < r->threads; t++) {
            double b = team->workers[t].busy_s;
            reps->busy[r->reps * (size_t)r->threads + (size_t)t] = b;
            max_busy = fmax(max_busy, b);
            sum_busy += b;
        }
        reps->imbalance[r->reps] = sum_busy > 0 ? max_busy / (sum_busy / r->threads) : NAN;
        if (r->ranks > 1)
            ranks_gather_double(own_seconds, reps->rank_times + r->reps * (size_t)r->ranks);
        r->times_s[r->reps++] = seconds;
        measured += seconds;
    }
    if (runner_interrupted && r->status == SL_STATUS_OK) {
        r->status = SL_STATUS_INTERRUPTED;
        r->reason = sl_run_text(j->run, "interrupted after %zu repetitions", r->reps);
        if (!r->reason)
            return -1;
    }
    return 0;
}

/* Validates the last repetition's output and keeps what it produced. */
static int validate(const struct job *j, void *problem)
{
    const struct sl_workload *w = j->o->workload;
    struct sl_result *r = j->r;
    if (r->status != SL_STATUS_OK || r->reps == 0)
        return 0;
    if (w->corrupt_output && sl_test_hooks()->corrupt_output)
        w->corrupt_output(problem);
    int rc = w->validate(problem, &r->validation);
    if (reduce_validation(&r->validation, rc) != 0)
        return -1;
    r->validated = true;
    if (w->facts)
        w->facts(problem, &r->output);
    return 0;
}

/* The kernel once more under valgrind's cache simulation (--counters sim). */
static void simulate(const struct job *j)
{
    const struct run_options *o = j->o;
    struct sl_result *r = j->r;
    if (!o->counters.sim || r->status != SL_STATUS_OK || runner_interrupted)
        return;
    struct sl_problem_args args = {.size = o->input_path ? NULL : r->size,
                                   .seed = o->seed,
                                   .input_path = o->input_path,
                                   .validate = o->validate};
    r->simulated = true;
    sim_measure(j->m, o->workload, j->v, j->schedule, r->threads, &args, &r->sim);
}

/* Times, validates and describes one configuration into j->r.  A failure of
 * the measurement is the result's (status error, with the reason); -1 only
 * when the harness itself failed. */
static int measure(const struct job *j, void *problem)
{
    const struct run_options *o = j->o;
    struct sl_result *r = j->r;
    struct sl_team *team;
    if (team_create(&team, j->m, &o->pin, r->threads) != 0) {
        r->status = SL_STATUS_ERROR;
        r->reason = sl_run_strdup(j->run, sl_error());
        return r->reason ? 0 : -1;
    }
    r->oversubscribed = team->oversubscribed;
    double budget = sl_option_facts_number(&o->option_facts, SL_FACT_MEMORY_BUDGET);
    r->memory_budget_bytes = isfinite(budget) ? budget : 0;
    size_t cap = (size_t)o->max_reps;
    struct repetitions reps = {
        .busy = util_alloc(cap * (size_t)r->threads, sizeof(double), "busy times"),
        .imbalance = util_alloc(cap, sizeof(double), "imbalance"),
        .rank_times = r->ranks > 1 ? util_alloc(cap * (size_t)r->ranks, sizeof(double),
                                                "rank times")
                                   : NULL};
    r->times_s = sl_run_alloc(j->run, cap, sizeof *r->times_s);
    r->workers = sl_run_alloc(j->run, (size_t)r->threads, sizeof *r->workers);
    int rc = -1;
    if (!reps.busy || !reps.imbalance || (r->ranks > 1 && !reps.rank_times) || !r->times_s ||
        !r->workers || team_count(team, &o->counters) != 0)
        goto done;
    team_bind(team);
    bool peak_reset = mem_rss_peak_reset() == 0;
    if (!peak_reset && !(r->peak_rss_bytes.why = sl_run_strdup(j->run, sl_error())))
        goto done;
    const char *failed = NULL;
    if (repeat(j, problem, team, &reps) != 0 || validate(j, problem) != 0) {
        r->status = SL_STATUS_ERROR;
        if (!(failed = r->reason = sl_run_strdup(j->run, sl_error())))
            goto done;
    }
    if (collect_workers(j, team, reps.busy, reps.imbalance) != 0 ||
        collect_ranks(j, reps.rank_times) != 0 ||
        collect_counters(j, team, failed ? "the measurement failed" : NULL) != 0 ||
        collect_peak_rss(j, peak_reset) != 0)
        goto done;
    if (j->v->work)
        j->v->work(problem, &r->work);
    simulate(j);
    rc = 0;
done:
    free(reps.busy);
    free(reps.imbalance);
    free(reps.rank_times);
    team_destroy(team);
    return rc;
}

/* ---- the loop -------------------------------------------------------------------- */

/* Rank 0 reports for every rank; all of them learn whether it could. */
static int agreed(int rc)
{
    ranks_broadcast(&rc, sizeof rc, 0);
    if (rc != 0 && ranks_rank() != 0)
        sl_fail("rank 0 could not write its reports");
    return rc;
}

static bool schedule_applies(const struct sl_variant *v, enum sl_schedule s)
{
    return (v->schedules & SL_SCHED_BIT(s)) != 0;
}

static struct sl_result *new_result(struct sl_run *run, const char *kernel,
                                    const struct sl_variant *v, enum sl_schedule s, int threads,
                                    const char *size)
{
    struct sl_result *r = sl_run_add_result(run);
    if (!r || !(r->size = sl_run_strdup(run, size)))
        return NULL;
    r->kernel = kernel;
    r->variant = v->name;
    r->layout = sl_axis(v->axes.layout);
    r->loops = sl_axis(v->axes.loops);
    r->isa = sl_axis(v->axes.isa);
    r->algorithm = sl_axis(v->axes.algorithm);
    r->schedule = sl_schedule_name(s);
    r->threads = threads;
    r->known_defect = v->known_defect;
    r->status = SL_STATUS_OK;
    r->ranks = ranks_count();
    return r;
}

/* No result ran yet (for --output). */
#define NONE_RAN SIZE_MAX

/* A skip: the CPU lacks an extension or the problem rules the variant out
 * (`missing`: every schedule and thread count), or the schedule does not
 * apply to it. */
static int skip(struct sl_run *run, struct sl_result *r, const char *missing, bool by_problem)
{
    r->status = SL_STATUS_SKIPPED;
    r->skip_covers_variant = missing != NULL;
    r->reason = !missing  ? sl_run_text(run, "schedule %s does not apply to this variant",
                                        r->schedule)
                : by_problem ? missing
                             : sl_run_text(run, "CPU lacks %s", missing);
    return r->reason ? 0 : -1;
}

/* Every schedule and thread count of one variant on one problem; *last is
 * the index of the last result that ran (what --output would write). */
static int run_variant(const struct run_options *o, const struct machine *m, struct sl_run *run,
                       struct sl_reporters *reporters, void *problem, int size_index,
                       const struct sl_variant *v, size_t *last)
{
    const struct sl_workload *w = o->workload;
    const char *size = run->problems[run->n_problems - 1].size;
    const char *missing = sl_isa_missing(v->requires);
    /* Beside the CPU, the problem may rule a variant out (its output mode):
     * said like a missing ISA extension. */
    const char *unsupported = w->unsupported ? w->unsupported(problem, v) : NULL;
    if (!missing)
        missing = unsupported;
    for (int sj = 0; sj < o->n_schedules && !runner_interrupted; sj++) {
        enum sl_schedule s = o->schedules[sj];
        if (o->schedules_all && !missing && !schedule_applies(v, s))
            continue;
        for (int ti = 0; ti < o->n_threads && !runner_interrupted; ti++) {
            if (o->wanted && !o->wanted(o->wanted_ctx, v, s, o->threads[ti], o->sizes[size_index]))
                continue;
            struct job j = {.o = o, .m = m, .run = run, .v = v, .schedule = s,
                            .r = new_result(run, w->name, v, s, o->threads[ti], size)};
            struct sl_result *r = j.r;
            if (!r)
                return -1;
            if (missing || !schedule_applies(v, s)) {
                if (skip(run, r, missing, missing == unsupported) != 0)
                    return -1;
            } else if (measure(&j, problem) != 0) {
                return -1;
            } else {
                *last = run->n_results - 1;
            }
            sl_run_derive_result(run, r);
            /* A BLAS variant may have started OpenBLAS since the last report. */
            int rc = run_describe_update(run);
            if (rc == 0 && ranks_rank() == 0)
                rc = sl_reporters_result(reporters, run, r);
            if (agreed(rc) != 0)
                return -1;
        }
    }
    return 0;
}

/* --output from the last measurement, after it validated; rank 0 writes the
 * one merged output from every rank's shards. */
static int write_output(const struct run_options *o, struct sl_run *run,
                        struct sl_reporters *reporters, void *problem, size_t last_ran)
{
    if (!o->output_path || runner_interrupted || ranks_rank() != 0)
        return 0;
    const struct sl_result *last = last_ran == NONE_RAN ? NULL : &run->results[last_ran];
    double start = util_now();
    const char *why = NULL;
    run->output_state = SL_OUTPUT_FAILED;
    if (!last)
        why = "--output not written: the variant did not run";
    else if (last->status != SL_STATUS_OK || !last->validated)
        why = sl_run_text(run, "--output not written: the last measurement did not finish (%s)",
                          last->reason ? last->reason : "");
    else if (!last->validation.valid) {
        why = "--output not written: the result is invalid";
        run->output_state = SL_OUTPUT_INVALID;
    } else if (o->workload->save_output(problem, o->output_path) != 0)
        why = sl_run_strdup(run, sl_error());
    else
        run->output_state = SL_OUTPUT_WRITTEN;
    if (run->output_state != SL_OUTPUT_WRITTEN && !(run->output_message = why))
        return -1;
    run->output_seconds = util_now() - start;
    return sl_reporters_output(reporters, run);
}

/* Sets up one size and measures everything on it.  -1 with run->end saying
 * why the loop must stop. */
static int run_size(const struct run_options *o, const struct machine *m, struct sl_run *run,
                    struct sl_reporters *reporters, int si)
{
    const struct sl_workload *w = o->workload;
    struct sl_problem_args args = {.size = o->sizes[si],
                                   .seed = o->seed,
                                   .input_path = o->input_path,
                                   .validate = o->validate,
                                   .max_threads = o->threads[o->n_threads - 1],
                                   .options = o->workload_options};
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
         * size is reported; earlier sizes stay in the record. */
        run->end = SL_RUN_BAD_INPUT;
        return -1;
    }
    struct sl_problem_info *info = sl_run_add_problem(run);
    int rc = info ? 0 : -1;
    if (info) {
        w->describe(problem, info);
        rc = agreed(ranks_rank() == 0 ? sl_reporters_problem(reporters, run, info) : 0);
    }
    size_t last = NONE_RAN;
    for (int vi = 0; vi < o->n_variants && !runner_interrupted && rc == 0; vi++)
        rc = run_variant(o, m, run, reporters, problem, si, o->variants[vi], &last);
    if (rc == 0)
        rc = agreed(write_output(o, run, reporters, problem, last));
    /* Every rank's shards stay until rank 0 has merged them. */
    ranks_barrier();
    w->problem_destroy(problem);
    if (rc != 0)
        run->end = SL_RUN_FAILED;
    return rc;
}

int runner_execute(const struct run_options *o, const struct machine *m, struct sl_run *run,
                   struct sl_reporters *reporters)
{
    if (run_describe(o, m, run) != 0 ||
        agreed(ranks_rank() == 0 ? sl_reporters_begin(reporters, run) : 0) != 0) {
        run->end = SL_RUN_FAILED;
        return -1;
    }
    int rc = 0;
    for (int si = 0; si < o->n_sizes && !runner_interrupted && rc == 0; si++)
        rc = run_size(o, m, run, reporters, si);
    if (rc != 0 && run->end == SL_RUN_FAILED)
        return -1;
    /* Stopped by bad input: what finished is reported to the end, then the
     * error is said. */
    char why[256];
    snprintf(why, sizeof why, "%s", rc != 0 ? sl_error() : "");
    if (runner_interrupted)
        run->end = SL_RUN_INTERRUPTED;
    /* Every rank leaves with rank 0's verdict on --output. */
    ranks_broadcast(&run->output_state, sizeof run->output_state, 0);
    /* A run whose --output was not written did not do all it was asked. */
    run->complete = run->end == SL_RUN_FINISHED && run->output_state != SL_OUTPUT_FAILED &&
                    run->output_state != SL_OUTPUT_INVALID;
    run_describe_time(run->finished, sizeof run->finished);
    if (run->n_results > 0 && ranks_rank() == 0 && sl_reporters_end(reporters, run) != 0) {
        run->end = SL_RUN_FAILED;
        return -1;
    }
    return rc != 0 ? sl_fail("%s", why) : 0;
}
