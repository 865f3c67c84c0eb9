/* The measurement loop: sizes x variants x schedules x threads, each one
 * warmed up, repeated and validated into one result of the result model,
 * which goes to the reporters the runner is given.  A size's measurements
 * run one after another, or interleaved: one repetition of each per round,
 * in a seeded random order per round.  It prints and writes nothing
 * itself. */
#ifndef SL_RUNNER_H
#define SL_RUNNER_H

#include "measure/counters.h"
#include "measure/interrupt.h"
#include "measure/machine.h"
#include "measure/noise.h"
#include "measure/team.h"
#include "kit/sl.h"
#include "results/model.h"
#include "results/reporter.h"

#include <signal.h>
#include <stdbool.h>

struct run_options {
    const struct sl_workload *workload;
    const struct sl_variant **variants;
    int n_variants;
    enum sl_schedule schedules[SL_SCHED_COUNT];
    int n_schedules;
    int threads[256]; /* ascending, distinct */
    int n_threads;
    char **sizes;
    int n_sizes;
    uint64_t seed;
    const char *input_path;
    const char *output_path;
    const char *validate;
    int warmup;
    int min_reps, max_reps;
    double budget_s; /* measured time per configuration before stopping */
    struct pin_config pin;
    struct ctr_plan counters; /* --counters: events (probed) and/or sim */
    struct noise_plan noise;  /* --noise: what disturbs each repetition, counted */
    bool interleave;          /* repetitions of a size's measurements taken in rounds */
    bool quiet;
    int progress; /* enum sl_progress_mode: live progress of long executions */
    /* The workload's own options object (NULL: it has none) and what the
     * record keeps of them. */
    void *workload_options;
    struct sl_option_facts option_facts;
    char command[2048]; /* the command line, for the record */
    /* Optional (speedlab claims): measure only the combinations this accepts;
     * the others are left out of the record, not reported skipped. */
    bool (*wanted)(const void *ctx, const struct sl_variant *v, enum sl_schedule s,
                   int threads, const char *size);
    const void *wanted_ctx;
};

/* Describes the run into `run` (the caller has set run_id and, when it ran
 * them, the environment checks), measures everything the options ask for
 * and hands the run, each problem and each result to the reporters, on rank
 * 0 for every rank.  Returns 0 when the loop came to its end (run->end:
 * finished or interrupted), or -1 with sl_error() when it stopped early:
 * a size could not be set up (run->end SL_RUN_BAD_INPUT; what finished
 * before is reported to the end), or the harness failed (SL_RUN_FAILED). */
int runner_execute(const struct run_options *o, const struct machine *m, struct sl_run *run,
                   struct sl_reporters *reporters);

#endif
