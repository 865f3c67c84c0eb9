#include "measure/runner.h"

#include "kit/ranks.h"
#include "kit/util.h"
#include "kit/workload_kit.h"
#include "measure/describe.h"
#include "measure/measurement.h"
#include "measure/test_hooks.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* No measurement ran yet (for --output). */
#define NONE_RAN SIZE_MAX

/* The measurements of one size, in the record's order, and the teams they
 * share (one per thread count of the run). */
struct size_run {
    struct size_context sc;
    struct measurement *ms;
    size_t n, cap;
    size_t published;     /* measurements handed to the run so far */
    size_t last_executed; /* whose execution ran last (--output); NONE_RAN */
    struct shared_team *teams;
    bool estimated; /* the size's estimate was given */
};

/* A measurement of the plan, not yet run: its result's identity. */
static int plan_measurement(struct size_run *sz, const struct sl_variant *v, enum sl_schedule s,
                            int threads)
{
    struct sl_run *run = sz->sc.run;
    if (sz->n == sz->cap) {
        size_t cap = sz->cap ? 2 * sz->cap : 16;
        struct measurement *grown = realloc(sz->ms, cap * sizeof *grown);
        if (!grown)
            return sl_fail("out of memory");
        sz->ms = grown;
        sz->cap = cap;
    }
    struct measurement *ms = &sz->ms[sz->n++];
    memset(ms, 0, sizeof *ms);
    ms->v = v;
    ms->schedule = s;
    struct sl_result *r = &ms->r;
    r->imbalance = r->rank_imbalance = NAN;
    r->peak_rss_bytes = (struct sl_figure){NAN, "not measured"};
    if (!(r->size = sl_run_strdup(run, run->problems[run->n_problems - 1].size)))
        return -1;
    r->kernel = sz->sc.o->workload->name;
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
    return 0;
}

/* A skip: the CPU lacks an extension or the problem rules the variant out
 * (every schedule it supports and every thread count). */
static int skip(struct sl_run *run, struct measurement *ms, const char *missing, bool by_problem)
{
    struct sl_result *r = &ms->r;
    ms->done = true;
    r->status = SL_STATUS_SKIPPED;
    r->reason = by_problem ? missing : sl_run_text(run, "CPU lacks %s", missing);
    return r->reason ? 0 : -1;
}

/* Every schedule the variant supports and every thread count on the
 * problem, in the record's order; skips are done as soon as they are
 * planned.  A schedule the variant does not support is not planned at all. */
static int plan_variant(struct size_run *sz, int size_index, const struct sl_variant *v)
{
    const struct run_options *o = sz->sc.o;
    const char *missing = sl_isa_missing(v->requires);
    /* Beside the CPU, the problem may rule a variant out (its output mode):
     * said like a missing ISA extension. */
    const char *unsupported =
        o->workload->unsupported ? o->workload->unsupported(sz->sc.problem, v) : NULL;
    if (!missing)
        missing = unsupported;
    for (int sj = 0; sj < o->n_schedules; sj++) {
        enum sl_schedule s = o->schedules[sj];
        if (!schedule_applies(v, s))
            continue;
        for (int ti = 0; ti < o->n_threads; ti++) {
            if (o->wanted && !o->wanted(o->wanted_ctx, v, s, o->threads[ti], o->sizes[size_index]))
                continue;
            if (plan_measurement(sz, v, s, o->threads[ti]) != 0)
                return -1;
            if (missing &&
                skip(sz->sc.run, &sz->ms[sz->n - 1], missing, missing == unsupported) != 0)
                return -1;
        }
    }
    return 0;
}

/* The team of a thread count, made and bound on first use and kept for
 * the size, into *out.  0; 1 when this placement cannot be made (sl_error()
 * says why); -1 when the harness failed. */
static int team_for(struct size_run *sz, int threads, struct shared_team **out)
{
    const struct run_options *o = sz->sc.o;
    int t = 0;
    while (o->threads[t] != threads)
        t++;
    struct shared_team *st = &sz->teams[t];
    if (!st->team) {
        if (team_create(&st->team, sz->sc.m, &o->pin, threads) != 0) {
            st->team = NULL;
            return 1;
        }
        if (team_count(st->team, o->counters.n_countable ? &o->counters : NULL) != 0 ||
            !(st->cpus = hwloc_bitmap_alloc()))
            return sl_fail("out of memory");
        team_count_noise(st->team, &o->noise);
        team_cpus(st->team, st->cpus);
        st->n_cpus = hwloc_bitmap_weight(st->cpus);
        team_bind(st->team);
    }
    *out = st;
    return 0;
}

/* One turn of a measurement: it starts with its team, which may not exist. */
static int take_turn(struct size_run *sz, size_t i, int position)
{
    struct measurement *ms = &sz->ms[i];
    int rc = ms->team ? 0 : team_for(sz, ms->r.threads, &ms->team);
    if (rc != 0)
        return rc < 0 ? -1 : measurement_failed(&sz->sc, ms);
    sz->last_executed = i;
    return measurement_turn(&sz->sc, ms, position);
}

/* Hands each done measurement to the run and the reporters, in the
 * record's order: the ones before it first (a speedup needs its 1-thread
 * run).  `dropping`: the run was interrupted, and a measurement that never
 * started is left out. */
static int publish(struct size_run *sz, struct sl_reporters *reporters, bool dropping)
{
    struct sl_run *run = sz->sc.run;
    for (; sz->published < sz->n; sz->published++) {
        struct measurement *ms = &sz->ms[sz->published];
        if (dropping && !ms->done && !ms->started) {
            ms->published_at = SIZE_MAX;
            continue;
        }
        if (!ms->done)
            return 0;
        struct sl_result *r = sl_run_add_result(run);
        if (!r)
            return -1;
        *r = ms->r;
        ms->published_at = run->n_results - 1;
        sl_run_derive_result(run, r);
        /* A BLAS variant may have started OpenBLAS since the last report. */
        int rc = run_describe_update(run);
        if (rc == 0 && ranks_rank() == 0)
            rc = sl_reporters_result(reporters, run, r);
        if (agreed(rc) != 0)
            return -1;
    }
    return 0;
}

/* ---- the estimate ------------------------------------------------------------------ */

/* A size longer than this is announced, with what makes it shorter. */
static double estimate_above_s(void)
{
    const struct sl_test_hooks *hooks = sl_test_hooks();
    return hooks->estimate_above_set ? hooks->estimate_above_s : 60.0;
}

/* The timed repetitions a measurement whose executions take `seconds` will
 * take: --min-reps, more until --budget is measured, at most --max-reps. */
static size_t reps_needed(const struct run_options *o, double seconds, bool *by_min_reps)
{
    double by_budget = seconds > 0 ? ceil(o->budget_s / seconds) : (double)o->max_reps;
    size_t n = by_budget > (double)o->min_reps ? (size_t)fmin(by_budget, o->max_reps)
                                               : (size_t)o->min_reps;
    *by_min_reps = n == (size_t)o->min_reps;
    return n;
}

/* Once per size, when the measurements started so far (their last
 * execution: the warm-up at first) need more than a minute more:
 * the reporters say so while it can still be stopped. */
static int estimate(struct size_run *sz, struct sl_reporters *reporters)
{
    const struct run_options *o = sz->sc.o;
    struct sl_run *run = sz->sc.run;
    if (sz->estimated || o->quiet)
        return 0;
    struct sl_estimate e = {.size = run->problems[run->n_problems - 1].size, .total = sz->n};
    char longest[512] = "";
    /* Measurements not started yet (one by one, not interleaved) cost, as
     * a guess, what the started ones cost on average. */
    size_t timed = 0;
    double per_measurement = 0;
    for (size_t i = 0; i < sz->n; i++) {
        const struct measurement *ms = &sz->ms[i];
        e.started += ms->started || ms->done;
        if (!ms->started || !isfinite(ms->last_seconds))
            continue;
        bool by_min_reps;
        size_t n = reps_needed(o, ms->last_seconds, &by_min_reps);
        per_measurement += (double)((size_t)o->warmup + n) * ms->last_seconds;
        timed++;
        if (ms->last_seconds > e.longest_s) {
            e.longest_s = ms->last_seconds;
            e.longest_reps = n;
            e.by_min_reps = by_min_reps;
            sl_result_name(&ms->r, longest, sizeof longest);
        }
        if (!ms->done)
            e.remaining_s += (double)(n > ms->r.reps ? n - ms->r.reps : 0) * ms->last_seconds;
    }
    if (timed > 0)
        e.remaining_s += (double)(e.total - e.started) * per_measurement / (double)timed;
    if (e.remaining_s <= estimate_above_s())
        return 0;
    sz->estimated = true;
    e.longest = longest;
    return agreed(ranks_rank() == 0 ? sl_reporters_estimate(reporters, run, &e) : 0);
}

/* Fisher-Yates over the first n entries. */
static void shuffle(size_t *order, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(sl_rng_next(rng) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

/* Rounds: each measurement not yet done takes one repetition per round, in
 * an order drawn afresh for every round from the seed (the same on every
 * rank), so a slow minute of the machine spreads over all of them. */
static int interleaved(struct size_run *sz, struct sl_reporters *reporters, int size_index)
{
    uint64_t rng = sl_rng_stream(sz->sc.o->seed, 0x5eed0000u + (uint64_t)size_index);
    size_t *order = util_alloc(sz->n ? sz->n : 1, sizeof *order, "the round's order");
    if (!order)
        return -1;
    int rc = 0;
    while (rc == 0 && !runner_interrupted) {
        size_t k = 0;
        for (size_t i = 0; i < sz->n; i++)
            if (!sz->ms[i].done)
                order[k++] = i;
        if (k == 0)
            break;
        shuffle(order, k, &rng);
        for (size_t p = 0; p < k && rc == 0 && !runner_interrupted; p++)
            if ((rc = take_turn(sz, order[p], (int)p)) == 0 &&
                (rc = estimate(sz, reporters)) == 0)
                rc = publish(sz, reporters, false);
    }
    free(order);
    return rc;
}

/* Each measurement to its end, one after another. */
static int one_by_one(struct size_run *sz, struct sl_reporters *reporters)
{
    for (size_t i = 0; i < sz->n && !runner_interrupted; i++)
        while (!sz->ms[i].done && !runner_interrupted)
            if (take_turn(sz, i, -1) != 0 || estimate(sz, reporters) != 0 ||
                publish(sz, reporters, false) != 0)
                return -1;
    return 0;
}

/* Plans the size's measurements, takes them (interleaved or one by one),
 * and reports each as its turn in the record's order comes. */
static int measure_size(struct size_run *sz, struct sl_reporters *reporters, int size_index)
{
    const struct run_options *o = sz->sc.o;
    for (int vi = 0; vi < o->n_variants; vi++)
        if (plan_variant(sz, size_index, o->variants[vi]) != 0)
            return -1;
    if (!(sz->teams = calloc((size_t)o->n_threads, sizeof *sz->teams)))
        return sl_fail("out of memory");
    int rc = publish(sz, reporters, false);
    if (rc == 0)
        rc = o->interleave ? interleaved(sz, reporters, size_index) : one_by_one(sz, reporters);
    for (size_t i = 0; rc == 0 && i < sz->n; i++)
        rc = measurement_interrupted(&sz->sc, &sz->ms[i]);
    return rc == 0 ? publish(sz, reporters, true) : rc;
}

static void size_run_free(struct size_run *sz, int n_threads)
{
    for (size_t i = 0; i < sz->n; i++)
        measurement_free(&sz->ms[i]);
    free(sz->ms);
    for (int t = 0; sz->teams && t < n_threads; t++) {
        team_destroy(sz->teams[t].team);
        if (sz->teams[t].cpus)
            hwloc_bitmap_free(sz->teams[t].cpus);
    }
    free(sz->teams);
}

/* --output from the measurement that ran last, after it validated; rank 0
 * writes the one merged output from every rank's shards. */
static int write_output(const struct run_options *o, struct sl_run *run,
                        struct sl_reporters *reporters, const struct size_run *sz)
{
    if (!o->output_path || runner_interrupted || ranks_rank() != 0)
        return 0;
    const struct sl_result *last =
        sz->last_executed == NONE_RAN ? NULL
                                      : &run->results[sz->ms[sz->last_executed].published_at];
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
    } else if (o->workload->save_output(sz->sc.problem, o->output_path) != 0)
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
    struct size_run sz = {.sc = {.o = o, .m = m, .run = run, .problem = problem},
                          .last_executed = NONE_RAN};
    struct sl_problem_info *info = sl_run_add_problem(run);
    int rc = info ? 0 : -1;
    if (info) {
        w->describe(problem, info);
        rc = agreed(ranks_rank() == 0 ? sl_reporters_problem(reporters, run, info) : 0);
    }
    if (rc == 0)
        rc = measure_size(&sz, reporters, si);
    if (rc == 0)
        rc = agreed(write_output(o, run, reporters, &sz));
    size_run_free(&sz, o->n_threads);
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
