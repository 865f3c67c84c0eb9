#include "measure/measurement.h"

#include "kit/memory.h"
#include "kit/progress.h"
#include "kit/ranks.h"
#include "kit/util.h"
#include "measure/inject.h"
#include "measure/simcache.h"
#include "measure/test_hooks.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- one execution ----------------------------------------------------------------- */

/* Live progress of one execution on rank 0's stderr: on a terminal it is
 * redrawn every second, otherwise (when asked) a line every 10 s. */
static struct sl_progress *progress_start(const struct size_context *sc,
                                          const struct measurement *ms)
{
    const struct run_options *o = sc->o;
    if (o->quiet || ranks_rank() != 0 || o->progress == SL_PROGRESS_OFF)
        return NULL;
    struct sl_work work = {0};
    if (ms->v->work)
        ms->v->work(sc->problem, &work);
    char label[200];
    sl_result_name(&ms->r, label, sizeof label);
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

/* An execution's times: the slowest rank's (all ranks start together), this
 * rank's busy time (without its waits for the others) and wall time. */
struct execution_times {
    double seconds, own_seconds, wall_s;
};

/* One execution on every rank.  Returns 0, or -1 when it failed on any rank
 * (the error of the first rank that failed); *team_ok: OpenMP ran the team
 * asked for. */
static int one_execution(const struct size_context *sc, struct measurement *ms,
                         struct execution_times *t, bool *team_ok)
{
    struct sl_team *team = ms->team->team;
    struct sl_exec ex = {.threads = ms->r.threads, .schedule = ms->schedule, .team = team};
    team_reset(team);
    ranks_barrier();
    ex.progress = progress_start(sc, ms);
    ranks_wait_reset();
    interrupt_expect(ms->last_seconds);
    double t0 = util_now();
    int rc = ms->v->run(sc->problem, &ex);
#ifdef SPEEDLAB_INJECT_SLOWDOWN
    inject_pad_seconds(util_now() - t0);
#endif
    t->wall_s = util_now() - t0;
    interrupt_expect(NAN);
    t->own_seconds = t->wall_s - ranks_wait_seconds();
    sl_progress_finish(ex.progress);
    int agree[AGREE_COUNT] = {rc == 0, team->team_size_seen == ms->r.threads,
                              !runner_interrupted, rc == 0 ? INT_MAX : ranks_rank()};
    ranks_min_int(agree, AGREE_COUNT);
    if (!agree[AGREE_GOING_ON])
        runner_interrupted = 1;
    *team_ok = agree[AGREE_TEAM];
    t->seconds = t->wall_s;
    ranks_max_double(&t->seconds, 1);
    ms->last_seconds = t->seconds;
    if (agree[AGREE_RAN])
        return 0;
    /* Every rank learns the first failing rank's error. */
    char why[256];
    snprintf(why, sizeof why, "%s", rc != 0 ? sl_error() : "");
    ranks_broadcast(why, sizeof why, agree[AGREE_FIRST_FAILED]);
    return ranks_count() > 1 ? sl_fail("rank %d: %s", agree[AGREE_FIRST_FAILED], why)
                             : sl_fail("%s", why);
}

/* Peak resident set of one execution (reset before it, read after it),
 * kept as the largest of the measurement's; why it cannot be, once. */
static int peak_rss_mark(const struct size_context *sc, struct measurement *ms, bool after)
{
    size_t peak;
    if (ms->peak_why)
        return 0;
    if (!after && mem_rss_peak_reset() == 0)
        return 0;
    if (after && mem_rss_peak(&peak) == 0) {
        ms->peak_rss = fmax(ms->peak_rss, (double)peak);
        return 0;
    }
    return (ms->peak_why = sl_run_strdup(sc->run, sl_error())) ? 0 : -1;
}

/* Steal time of the team's CPUs around a timed execution. */
static int steal_mark(const struct size_context *sc, struct measurement *ms, double *mark)
{
    char why[160];
    if (!sc->o->noise.on || ms->steal_why)
        return 0;
    if (noise_steal_seconds(ms->team->cpus, mark, why, sizeof why) == 0)
        return 0;
    return (ms->steal_why = sl_run_strdup(sc->run, why)) ? 0 : -1;
}

/* An execution, warm-up or timed: the problem poisoned first, so every one
 * starts from the same state and whichever is last can be validated. */
static int execute(const struct size_context *sc, struct measurement *ms,
                   struct execution_times *t, bool *team_ok)
{
    const struct sl_workload *w = sc->o->workload;
    team_ensure_bound(ms->team->team);
    if (w->prepare_validation)
        w->prepare_validation(sc->problem);
    if (peak_rss_mark(sc, ms, false) != 0)
        return -1;
    int rc = one_execution(sc, ms, t, team_ok);
    const struct sl_team *team = ms->team->team;
    for (int k = 0; k < ms->r.threads; k++) {
        ms->strayed[k] |= team->workers[k].stray;
        ms->r.workers[k].cpu = team->workers[k].cpu_end;
    }
    return rc != 0 || peak_rss_mark(sc, ms, true) != 0 ? -1 : 0;
}

/* ---- the repetitions ------------------------------------------------------------------ */

static int columns_reserve(struct repetition_columns *c, size_t reps, int threads, int ranks)
{
    if (reps <= c->cap)
        return 0;
    size_t cap = c->cap ? 2 * c->cap : 16;
    double *times = realloc(c->times, cap * sizeof *times);
    if (times)
        c->times = times;
    double *imbalance = times ? realloc(c->imbalance, cap * sizeof *imbalance) : NULL;
    if (imbalance)
        c->imbalance = imbalance;
    double *wall = imbalance ? realloc(c->wall, cap * sizeof *wall) : NULL;
    if (wall)
        c->wall = wall;
    int *positions = wall ? realloc(c->positions, cap * sizeof *positions) : NULL;
    if (positions)
        c->positions = positions;
    struct sl_noise_sample *samples =
        positions ? realloc(c->samples, cap * (size_t)threads * sizeof *samples) : NULL;
    if (samples)
        c->samples = samples;
    double *rank_times = samples && ranks > 1
                             ? realloc(c->rank_times, cap * (size_t)ranks * sizeof *rank_times)
                             : NULL;
    if (rank_times)
        c->rank_times = rank_times;
    if (!samples || (ranks > 1 && !rank_times))
        return sl_fail("out of memory");
    c->cap = cap;
    return 0;
}

static void columns_free(struct repetition_columns *c)
{
    free(c->times);
    free(c->imbalance);
    free(c->wall);
    free(c->positions);
    free(c->samples);
    free(c->rank_times);
    memset(c, 0, sizeof *c);
}

/* What one timed execution leaves besides its time: each worker's busy time
 * and noise, the imbalance, the counters, each rank's time. */
static void keep_repetition(struct measurement *ms, const struct execution_times *t, int position)
{
    const struct sl_team *team = ms->team->team;
    struct sl_result *r = &ms->r;
    struct repetition_columns *c = &ms->columns;
    size_t rep = r->reps;
    double max_busy = 0, sum_busy = 0, first_start = INFINITY;
    for (int k = 0; k < r->threads; k++)
        first_start = fmin(first_start, team->workers[k].start);
    for (int k = 0; k < r->threads; k++) {
        const struct team_worker *tw = &team->workers[k];
        const struct noise_counts *n = &tw->noise;
        c->samples[rep * (size_t)r->threads + (size_t)k] = (struct sl_noise_sample){
            tw->busy_s,           tw->start - first_start, n->task_clock_s, n->context_switches,
            n->involuntary_switches, n->migrations,         n->page_faults};
        max_busy = fmax(max_busy, tw->busy_s);
        sum_busy += tw->busy_s;
        if (tw->noise.error && ms->noise_worker < 0) {
            ms->noise_worker = k;
            ms->noise_error = tw->noise.error;
        }
        if (tw->counter_error && ms->counter_worker < 0) {
            ms->counter_worker = k;
            ms->counter_error = tw->counter_error;
        }
    }
    c->imbalance[rep] = sum_busy > 0 ? max_busy / (sum_busy / r->threads) : NAN;
    c->times[rep] = t->seconds;
    c->wall[rep] = t->wall_s;
    c->positions[rep] = position;
    const struct ctr_plan *plan = team->counters;
    for (int k = 0; plan && k < r->threads; k++)
        for (int e = 0; e < plan->n_countable; e++)
            ms->counts[(size_t)k * (size_t)plan->n_countable + (size_t)e] +=
                team->counts[(size_t)k * (size_t)plan->n_countable + (size_t)e];
    if (r->ranks > 1)
        ranks_gather_double(t->own_seconds, c->rank_times + rep * (size_t)r->ranks);
    r->reps++;
    ms->measured += t->seconds;
}

/* One timed execution; a failure is the result's (status error). */
static int timed_repetition(const struct size_context *sc, struct measurement *ms, int position)
{
    struct sl_result *r = &ms->r;
    struct execution_times t;
    bool team_ok;
    double steal_before = 0, steal_after = 0;
    if (columns_reserve(&ms->columns, r->reps + 1, r->threads, r->ranks) != 0 ||
        steal_mark(sc, ms, &steal_before) != 0)
        return -1;
    if (execute(sc, ms, &t, &team_ok) != 0) {
        r->status = SL_STATUS_ERROR;
        return (r->reason = sl_run_strdup(sc->run, sl_error())) ? 0 : -1;
    }
    if (steal_mark(sc, ms, &steal_after) != 0)
        return -1;
    if (!team_ok) {
        r->status = SL_STATUS_ERROR;
        r->reason = sl_run_text(sc->run,
                                "OpenMP ran %d threads where %d were asked for "
                                "(OMP_THREAD_LIMIT?)",
                                ms->team->team->team_size_seen, r->threads);
        return r->reason ? 0 : -1;
    }
    ms->steal_s += steal_after - steal_before;
    ms->steal_cpu_s += t.wall_s * ms->team->n_cpus;
    keep_repetition(ms, &t, position);
    return 0;
}

/* ---- the result --------------------------------------------------------------------------- */

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

/* Validates the last repetition's output and keeps what it produced; a
 * failure is the result's. */
static int validate(const struct size_context *sc, struct measurement *ms)
{
    const struct sl_workload *w = sc->o->workload;
    struct sl_result *r = &ms->r;
    if (r->status != SL_STATUS_OK || r->reps == 0)
        return 0;
    char name[160];
    sl_result_name(r, name, sizeof name);
    if (w->corrupt_output && sl_test_corrupts(name))
        w->corrupt_output(sc->problem);
    int rc = w->validate(sc->problem, &r->validation);
    if (reduce_validation(&r->validation, rc) != 0) {
        r->status = SL_STATUS_ERROR;
        return (r->reason = sl_run_strdup(sc->run, sl_error())) ? 0 : -1;
    }
    r->validated = true;
    if (w->facts)
        w->facts(sc->problem, &r->output);
    return 0;
}

/* Peak resident set of the measurement's executions: the largest over
 * ranks, each rank's kept on rank 0. */
static int collect_peak_rss(const struct size_context *sc, struct measurement *ms)
{
    struct sl_result *r = &ms->r;
    double own = ms->peak_why ? NAN : ms->peak_rss;
    double largest = isnan(own) ? -1 : own;
    ranks_max_double(&largest, 1);
    r->peak_rss_bytes = largest >= 0 ? (struct sl_figure){largest, NULL}
                                     : (struct sl_figure){NAN, ms->peak_why ? ms->peak_why
                                                                            : "no execution"};
    if (r->ranks > 1) {
        /* Rank 0 receives every rank's: it cannot go on without room. */
        if (ranks_rank() == 0 &&
            !(r->rank_peak_rss_bytes = sl_run_alloc(sc->run, (size_t)r->ranks, sizeof(double))))
            ranks_abort(1);
        ranks_gather_double(own, r->rank_peak_rss_bytes);
    }
    return 0;
}

/* Turns the measurement's counter sums into per-execution figures; `why`
 * names what stopped the measurement, or NULL when it finished. */
static int collect_counters(const struct size_context *sc, struct measurement *ms,
                            const char *why)
{
    const struct ctr_plan *plan = &sc->o->counters;
    struct sl_result *r = &ms->r;
    if (plan->n_events == 0)
        return 0;
    if (!(r->counters = sl_run_alloc(sc->run, (size_t)plan->n_events, sizeof *r->counters)))
        return -1;
    r->n_counters = plan->n_events;
    bool failed = ms->counter_worker >= 0;
    for (int e = 0, column = 0; e < plan->n_events; e++) {
        struct sl_counter_result *c = &r->counters[e];
        c->event = plan->events[e];
        c->per_execution = NAN;
        if (c->event.state == SL_COUNTER_UNAVAILABLE)
            continue;
        int at = column++;
        if (why || r->reps == 0 || failed) {
            c->event.state = SL_COUNTER_UNAVAILABLE;
            if (failed)
                snprintf(c->event.reason, sizeof c->event.reason,
                         "worker %d could not count (%s)", ms->counter_worker,
                         ctr_error_string(ms->counter_error));
            else
                snprintf(c->event.reason, sizeof c->event.reason, "%s",
                         why ? why : "no timed repetition");
            continue;
        }
        if (!(c->per_worker = sl_run_alloc(sc->run, (size_t)r->threads, sizeof *c->per_worker)))
            return -1;
        c->per_execution = 0;
        for (int k = 0; k < r->threads; k++) {
            long long v = ms->counts[(size_t)k * (size_t)plan->n_countable + (size_t)at];
            c->per_worker[k] = (double)v / (double)r->reps;
            c->per_execution += c->per_worker[k];
        }
    }
    return 0;
}

/* The noise of the repetitions, into the run's room. */
static int collect_noise(const struct size_context *sc, struct measurement *ms)
{
    struct sl_result *r = &ms->r;
    struct sl_noise *n = &r->noise;
    const struct noise_plan *plan = &sc->o->noise;
    if (r->reps == 0)
        return 0;
    if (!plan->on) {
        n->why = "--noise off";
        return 0;
    }
    if (ms->noise_worker >= 0) {
        n->why = sl_run_text(sc->run, "worker %d could not count its migrations (%s)",
                             ms->noise_worker, ctr_error_string(ms->noise_error));
        return n->why ? 0 : -1;
    }
    if (sl_noise_alloc(sc->run, r, r->reps) != 0)
        return -1;
    /* Copies in the run's room: the run outlives the plan (claims write
     * their records again after their plans are freed). */
    n->source = sl_run_strdup(sc->run, plan->source);
    n->migrations_why = plan->migrations ? NULL : sl_run_strdup(sc->run, plan->migrations_why);
    if (!n->source || (!plan->migrations && !n->migrations_why))
        return -1;
    for (size_t i = 0; i < r->reps; i++)
        n->per_rep[i].wall_s = ms->columns.wall[i];
    memcpy(n->samples, ms->columns.samples, r->reps * (size_t)r->threads * sizeof *n->samples);
    n->steal_s = ms->steal_why ? (struct sl_figure){NAN, ms->steal_why}
                               : (struct sl_figure){ms->steal_s, NULL};
    n->steal_cpu_s = ms->steal_cpu_s;
    return 0;
}

/* Where each worker ran and how busy it was (the medians over the
 * repetitions of its busy times); each rank's times. */
static int collect_workers_and_ranks(const struct size_context *sc, struct measurement *ms)
{
    struct sl_result *r = &ms->r;
    const struct sl_team *team = ms->team->team;
    const struct repetition_columns *c = &ms->columns;
    double *column = malloc((r->reps ? r->reps : 1) * sizeof *column);
    if (!column)
        return sl_fail("out of memory");
    r->imbalance = stats_median(c->imbalance, r->reps);
    r->pin = pin_policy_name(team->policy);
    /* Verified: every worker began and ended every execution inside its
     * target set (checked in sl_worker_end) and its binding succeeded. */
    r->placement_verified = r->reps > 0;
    for (int k = 0; k < r->threads; k++) {
        const struct team_worker *tw = &team->workers[k];
        struct sl_worker *w = &r->workers[k];
        char target[64];
        team_target_string(team, k, target, sizeof target);
        for (size_t i = 0; i < r->reps; i++)
            column[i] = c->samples[i * (size_t)r->threads + (size_t)k].busy_s;
        w->busy_s = stats_median(column, r->reps);
        w->target = sl_run_strdup(sc->run, target);
        w->pinned = tw->bind_errno ? sl_run_text(sc->run, "no (%s)", strerror(tw->bind_errno))
                    : team->policy == PIN_NONE ? "no (--pin none)"
                                               : "yes";
        if (!w->target || !w->pinned) {
            free(column);
            return -1;
        }
        if (ms->strayed[k] || tw->bind_errno || w->cpu < 0)
            r->placement_verified = false;
    }
    free(column);
    if (r->ranks == 1 || ranks_rank() != 0 || r->reps == 0)
        return 0;
    /* The median over repetitions of the slowest rank's time over the mean,
     * and each rank's own median. */
    int ranks = r->ranks;
    double *per_rep = util_alloc(r->reps + (size_t)ranks, sizeof *per_rep, "rank imbalance");
    r->rank_median_s = sl_run_alloc(sc->run, (size_t)ranks, sizeof *r->rank_median_s);
    if (!per_rep || !r->rank_median_s) {
        free(per_rep);
        return -1;
    }
    for (size_t rep = 0; rep < r->reps; rep++) {
        double max = 0, sum = 0;
        for (int k = 0; k < ranks; k++) {
            max = fmax(max, c->rank_times[rep * (size_t)ranks + (size_t)k]);
            sum += c->rank_times[rep * (size_t)ranks + (size_t)k];
        }
        per_rep[rep] = sum > 0 ? max / (sum / ranks) : NAN;
    }
    r->rank_imbalance = stats_median(per_rep, r->reps);
    for (int k = 0; k < ranks; k++) {
        for (size_t rep = 0; rep < r->reps; rep++)
            per_rep[rep] = c->rank_times[rep * (size_t)ranks + (size_t)k];
        r->rank_median_s[k] = stats_median(per_rep, r->reps);
    }
    free(per_rep);
    return 0;
}

/* The kernel once more under valgrind's cache simulation (--counters sim). */
static void simulate(const struct size_context *sc, struct measurement *ms)
{
    const struct run_options *o = sc->o;
    struct sl_result *r = &ms->r;
    if (!o->counters.sim || r->status != SL_STATUS_OK || runner_interrupted)
        return;
    struct sl_problem_args args = {.size = o->input_path ? NULL : r->size,
                                   .seed = o->seed,
                                   .input_path = o->input_path,
                                   .validate = o->validate};
    r->simulated = true;
    sim_measure(sc->m, o->workload, ms->v, ms->schedule, r->threads, &args, &r->sim);
}

/* The repetitions' times and the figures of the result, after its last
 * repetition (validated first, while the output is its own). */
static int finish(const struct size_context *sc, struct measurement *ms)
{
    struct sl_result *r = &ms->r;
    ms->done = true;
    if (validate(sc, ms) != 0)
        return -1;
    if (r->reps > 0) {
        r->times_s = sl_run_alloc(sc->run, r->reps, sizeof *r->times_s);
        if (!r->times_s)
            return -1;
        memcpy(r->times_s, ms->columns.times, r->reps * sizeof *r->times_s);
        if (sc->o->interleave) {
            if (!(r->round_positions = sl_run_alloc(sc->run, r->reps, sizeof(int))))
                return -1;
            memcpy(r->round_positions, ms->columns.positions, r->reps * sizeof(int));
        }
    }
    const char *failed = r->status == SL_STATUS_ERROR ? "the measurement failed" : NULL;
    if (collect_workers_and_ranks(sc, ms) != 0 || collect_counters(sc, ms, failed) != 0 ||
        collect_noise(sc, ms) != 0 || collect_peak_rss(sc, ms) != 0)
        return -1;
    if (ms->v->work)
        ms->v->work(sc->problem, &r->work);
    simulate(sc, ms);
    columns_free(&ms->columns);
    return 0;
}

/* ---- turns ---------------------------------------------------------------------------------- */

/* Room for what the measurement keeps over its executions, then its
 * warm-up runs. */
static int start(const struct size_context *sc, struct measurement *ms)
{
    const struct run_options *o = sc->o;
    struct sl_result *r = &ms->r;
    ms->started = true;
    r->oversubscribed = ms->team->team->oversubscribed;
    double budget = sl_option_facts_number(&o->option_facts, SL_FACT_MEMORY_BUDGET);
    r->memory_budget_bytes = isfinite(budget) ? budget : 0;
    r->workers = sl_run_alloc(sc->run, (size_t)r->threads, sizeof *r->workers);
    ms->strayed = calloc((size_t)r->threads, sizeof *ms->strayed);
    ms->counts = calloc((size_t)r->threads * (size_t)(o->counters.n_countable + 1),
                        sizeof *ms->counts);
    ms->last_seconds = ms->peak_rss = NAN;
    ms->counter_worker = ms->noise_worker = -1;
    if (!r->workers || !ms->strayed || !ms->counts)
        return sl_fail("out of memory");
    for (int k = 0; k < r->threads; k++)
        r->workers[k].cpu = -1;
    r->warmup = o->warmup;
    for (int i = 0; i < o->warmup && !runner_interrupted && r->status == SL_STATUS_OK; i++) {
        struct execution_times t;
        bool team_ok;
        if (execute(sc, ms, &t, &team_ok) != 0) {
            r->status = SL_STATUS_ERROR;
            if (!(r->reason = sl_run_strdup(sc->run, sl_error())))
                return -1;
        }
    }
    return 0;
}

static bool enough(const struct run_options *o, const struct measurement *ms)
{
    size_t reps = ms->r.reps;
    return reps >= (size_t)o->max_reps || (reps >= (size_t)o->min_reps && ms->measured >= o->budget_s);
}

int measurement_turn(const struct size_context *sc, struct measurement *ms, int position)
{
    struct sl_result *r = &ms->r;
    if (!ms->started && start(sc, ms) != 0)
        return -1;
    if (r->status == SL_STATUS_OK && !runner_interrupted &&
        timed_repetition(sc, ms, position) != 0)
        return -1;
    if (runner_interrupted)
        return measurement_interrupted(sc, ms);
    return r->status != SL_STATUS_OK || enough(sc->o, ms) ? finish(sc, ms) : 0;
}

int measurement_interrupted(const struct size_context *sc, struct measurement *ms)
{
    struct sl_result *r = &ms->r;
    if (!ms->started || ms->done)
        return 0;
    if (r->status == SL_STATUS_OK) {
        r->status = SL_STATUS_INTERRUPTED;
        if (!(r->reason = sl_run_text(sc->run, "interrupted after %zu repetitions", r->reps)))
            return -1;
    }
    return finish(sc, ms);
}

int measurement_failed(const struct size_context *sc, struct measurement *ms)
{
    ms->r.status = SL_STATUS_ERROR;
    ms->done = true;
    return (ms->r.reason = sl_run_strdup(sc->run, sl_error())) ? 0 : -1;
}

void measurement_free(struct measurement *ms)
{
    columns_free(&ms->columns);
    free(ms->strayed);
    free(ms->counts);
    ms->strayed = NULL;
    ms->counts = NULL;
}
