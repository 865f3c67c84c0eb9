/* One measurement (a variant, schedule and thread count on one problem) in
 * the making, one turn at a time: its warm-up before its first timed
 * repetition, then a repetition per turn until it has --min-reps and its
 * --budget (or --max-reps), then its validation, right after its last
 * repetition while the problem's output is still its own, and the figures
 * of its result.  The runner (measure/runner.c) decides whose turn it is:
 * each measurement to its end in turn, or one repetition of each per round
 * (interleaved). */
#ifndef SL_MEASUREMENT_H
#define SL_MEASUREMENT_H

#include "measure/runner.h"

/* What the measurements of one size share. */
struct size_context {
    const struct run_options *o;
    const struct machine *m;
    struct sl_run *run;
    void *problem;
};

/* A team of one thread count, created and bound outside any timed region,
 * shared by the measurements with that many threads. */
struct shared_team {
    struct sl_team *team;
    hwloc_bitmap_t cpus; /* the CPUs its workers are bound to (their steal time) */
    int n_cpus;
};

/* Per repetition, growing as repetitions are taken: copied into the run
 * when the measurement is done. */
struct repetition_columns {
    size_t cap;
    double *times, *imbalance, *wall, *rank_times;
    int *positions;
    struct sl_noise_sample *samples; /* cap x threads */
};

struct measurement {
    struct sl_result r; /* published into the run in the record's order */
    const struct sl_variant *v;
    enum sl_schedule schedule;
    struct shared_team *team; /* NULL until started, and for a skip */
    bool started, done;
    size_t published_at; /* its index in the run's results once published */
    double measured;     /* seconds of timed repetitions, as every rank agrees */
    double last_seconds; /* of the last execution, for the interrupt message */
    struct repetition_columns columns;
    /* Over every execution (warm-up included): placement and peak memory
     * (NAN before the first; peak_why: why it cannot be read).  Over the
     * timed ones: counter sums (threads x countable events), the first
     * worker that could not count its counters or its migrations (-1: none)
     * with PAPI's code, steal time. */
    bool *strayed;
    double peak_rss;
    const char *peak_why;
    long long *counts;
    int counter_worker, counter_error, noise_worker, noise_error;
    double steal_s, steal_cpu_s;
    const char *steal_why;
};

/* Starts `ms` (its team set) when it has not started, warming it up, then
 * takes one timed repetition (its place in the round: `position`, or -1
 * when not interleaved), and when that was its last, validates it and makes
 * its result (ms->done).  A failed execution is the result's (status
 * error, done).  0, or -1 when the harness itself failed. */
int measurement_turn(const struct size_context *sc, struct measurement *ms, int position);
/* An interrupted run: a started measurement that is not done keeps the
 * repetitions it has (status interrupted, done). */
int measurement_interrupted(const struct size_context *sc, struct measurement *ms);
/* A measurement that cannot start (its team could not be made): status
 * error with sl_error() as its reason, done. */
int measurement_failed(const struct size_context *sc, struct measurement *ms);
void measurement_free(struct measurement *ms);

#endif
