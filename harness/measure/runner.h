/* The measurement loop: sizes x variants x schedules x threads, each one
 * warmed up, repeated, validated, summarised and written to the record. */
#ifndef SL_RUNNER_H
#define SL_RUNNER_H

#include "measure/counters.h"
#include "measure/machine.h"
#include "measure/simcache.h"
#include "kit/sl.h"
#include "results/stats.h"
#include "measure/team.h"

#include <signal.h>
#include <stdbool.h>

struct run_options {
    const struct sl_workload *workload;
    const struct sl_variant **variants;
    int n_variants;
    enum sl_schedule schedules[SL_SCHED_COUNT];
    int n_schedules;
    bool schedules_all; /* 'all': each variant under the schedules it supports, no skips */
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
    char *record_path;
    char *csv_path;
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

enum result_status { RESULT_OK, RESULT_SKIPPED, RESULT_ERROR, RESULT_INTERRUPTED };
const char *result_status_name(enum result_status s);

struct run_result {
    const struct sl_variant *variant;
    enum sl_schedule schedule;
    int threads;
    char size[48];
    enum result_status status;
    char reason[256];
    bool oversubscribed;
    enum pin_policy pin;

    double *times_s;
    size_t reps;
    int warmup;
    struct stats_summary stats;

    bool speedup_available;
    char speedup_reason[96];
    double speedup, speedup_lo, speedup_hi; /* lo/hi NAN when the CIs are unavailable */

    double imbalance; /* median over repetitions of max/mean busy time */
    double *busy_s;   /* per worker, median over repetitions */
    int *cpus;        /* per worker, CPU observed at the end of the last repetition */
    char (*bound_to)[64];
    int *bind_errno;
    bool placement_verified; /* every worker ran inside its target set */
    int team_size_seen;

    struct sl_work work;
    bool validated;
    struct sl_validation validation;

    /* Per event of the run's counter plan: mean per execution over all
     * workers, and per worker; state and reason when not counted. */
    struct result_counter {
        enum ctr_state state;
        char reason[200];
        double total;
        double *per_worker;
    } counters[CTR_MAX_EVENTS];
    bool simulated; /* --counters sim was asked for */
    struct sim_result sim;

    struct sl_problem_info facts; /* what the last execution produced (kept pairs ...) */
    /* Peak resident set of the process during this measurement (the
     * largest over ranks), NAN with the reason when it cannot be read. */
    double peak_rss;
    char peak_rss_reason[160];
    /* More than one MPI rank: per rank, the median of its own execution
     * times and its peak resident set; the median over repetitions of the
     * slowest rank's time over the mean. */
    int ranks;
    double *rank_times_s, *rank_peak_rss;
    double rank_imbalance;
};

struct env_report;

struct run_state {
    const struct run_options *opt;
    const struct env_report *env; /* environment checks, recorded (NULL: none) */
    const struct machine *machine;
    char run_id[96];
    char started[32], finished[32]; /* ISO 8601 UTC */
    bool complete;
    struct run_result *results;
    size_t n_results, cap_results;
    struct sl_problem_info *problems; /* one per size measured */
    size_t n_problems;
};

extern volatile sig_atomic_t runner_interrupted;

/* Runs everything, printing as it goes and rewriting the record after each
 * measurement; prints its own errors.  Returns the process exit status: 0 all
 * valid, 1 an error (a failed measurement too), 2 bad input, 3 some result
 * invalid, 130 interrupted. */
int runner_execute(struct run_state *st);
void runner_free(struct run_state *st);

#endif
