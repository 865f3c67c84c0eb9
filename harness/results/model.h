/* The result model: one run and its results as plain data.  The runner fills
 * it while it measures, the reporters turn it into the console lines and the
 * output files, and the record codec (results/record.h) reads a record back
 * into the same shape.  Every derived figure (statistics, intervals, speedup,
 * efficiency, rates, figure of merit) is computed by sl_run_derive_result()
 * and nowhere else, for a fresh measurement and for a loaded record alike.
 *
 * Strings are static (the workload tables, literals) or owned by the run
 * (sl_run_text() and friends); arrays of a result live in the run too, and
 * all of it goes with sl_run_free(). */
#ifndef SL_MODEL_H
#define SL_MODEL_H

#include "kit/sl.h"
#include "results/stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A figure that may be unavailable: a finite value, or NAN and why. */
struct sl_figure {
    double value;
    const char *why; /* NULL when value is finite */
};
/* An interval [lo, hi], or NAN bounds and why. */
struct sl_interval {
    double lo, hi;
    const char *why;
};

/* ---- the machine, the build, the environment ---------------------------- */

struct sl_cache_desc {
    int level;
    char type[12];           /* "data", "unified", "instruction" */
    unsigned long long size; /* bytes, per instance */
    unsigned line, ways;     /* ways: 0 unknown (or fully associative) */
    int instances;
    int pus_per_instance;
};

#define SL_MAX_CACHES 8
struct sl_machine_desc {
    char hostname[128];
    char cpu_model[128];
    char cpu_vendor[64];
    char isa[256]; /* space-separated features the variants may need */
    char os[160];
    int packages, numa_nodes, cores_total, pus_total;
    char allowed_list[256]; /* CPUs this process may use, "0-1" */
    int pus_allowed, cores_allowed;
    struct sl_cache_desc caches[SL_MAX_CACHES];
    int n_caches;
    double memory_gib;
    /* Nominal FMA peak of the allowed cores; NAN when the clock is unknown.
     * peak_basis says where each factor came from (the fp32 one). */
    double peak_gflops_fp32, peak_gflops_fp64;
    char peak_basis[300];
    /* The CPU's identity and the memory's devices (measure/platform.h);
     * records older than them lack the block (identity_recorded false). */
    bool identity_recorded;
    int cpu_family, cpu_model_number, cpu_stepping; /* -1: unknown */
    char microarchitecture[96]; /* "Emerald Rapids", or "unknown (family F, model M)" */
    char microcode[64];         /* "0x1", or "unavailable (reason)" */
    char memory_devices[256];   /* "4 x 16 GiB DDR4 at 3200 MT/s ...", or "unavailable (reason)" */
};

struct sl_build_desc {
    const char *compiler, *flags, *build_type, *sanitizers, *commit, *blas;
    int openmp; /* the _OPENMP version macro */
    /* -DSPEEDLAB_INJECT_SLOWDOWN's PCT (measure/inject.h); 0: none. */
    int inject_slowdown_pct;
};

/* One check of what the system does to timings (measure/envcheck.h). */
struct sl_env_check {
    const char *name; /* key in environment.checks */
    bool available;
    char value[160];   /* what was read, or "unavailable (reason)" */
    char warning[320]; /* empty when nothing to warn about */
    /* The noise probe's own figures (its check alone has probe set). */
    bool probe;
    double cv, loop_s, limit;
    int loops;
    bool forced; /* a test hook replaced the measurement */
};

#define SL_MAX_ENV_VARIABLES 16
#define SL_MAX_ENV_CHECKS 12
struct sl_environment {
    struct {
        const char *name;
        const char *value; /* NULL: not set */
    } variables[SL_MAX_ENV_VARIABLES];
    int n_variables;
    const char *timer;
    double timer_resolution_s;
    bool checked; /* the checks ran (records older than them lack the block) */
    struct sl_env_check checks[SL_MAX_ENV_CHECKS];
    int n_checks;
};

/* ---- what was asked for --------------------------------------------------- */

struct sl_config {
    const char *kernel;
    const char **variants;
    int n_variants;
    const char **schedules;
    int n_schedules;
    int *threads; /* ascending */
    int n_threads;
    const char **sizes; /* as given, or the --input path per size */
    int n_sizes;
    uint64_t seed;
    const char *input;           /* NULL: generated data */
    const char *output;          /* --output as given; NULL: none */
    const char *output_absolute; /* the same from the run's working folder */
    const char *validate;
    int warmup, min_reps, max_reps;
    double budget_s;
    const char *pin;
    bool oversubscribe;
    /* Records older than these two settings lack them. */
    bool interleave_recorded, noise_recorded;
    bool interleave;     /* repetitions of a size's measurements taken in rounds */
    bool noise_counting; /* --noise on */
    struct sl_option_facts options; /* the workload's own: config.<section> */
    bool mpi_recorded;              /* records older than the MPI block lack it */
    int mpi_ranks;
    const char *mpi_library, *mpi_rank0_host;
};

/* ---- hardware counters and simulated caches ------------------------------- */

enum sl_counter_state {
    SL_COUNTER_OK,          /* counted by a hardware counter of its own */
    SL_COUNTER_MULTIPLEXED, /* counted, sharing counters by time slices (scaled) */
    SL_COUNTER_UNAVAILABLE, /* not counted; `reason` says why */
};
const char *sl_counter_state_name(enum sl_counter_state s);
int sl_counter_state_parse(const char *name, enum sl_counter_state *out);

#define SL_MAX_COUNTERS 16
struct sl_counter_event {
    char name[64];
    enum sl_counter_state state;
    char reason[200];
};

/* One event of one result: counted (per_worker set) or not, with why. */
struct sl_counter_result {
    struct sl_counter_event event;
    double per_execution; /* all workers, mean per timed execution; NAN: not counted */
    double *per_worker;   /* NULL: not counted */
    double per_unit;      /* derived: per_execution per unit of work */
};
/* Why a counter has no figures ("not counted" when it names nothing else). */
const char *sl_counter_why(const struct sl_counter_result *c);

struct sl_sim_cache {
    unsigned long long size;
    unsigned ways, line;
    char note[160]; /* how and why it differs from hwloc's description */
};

struct sl_sim_result {
    bool available;
    char reason[240];
    struct sl_sim_cache i1, d1, ll;
    /* One whole kernel execution, all threads. */
    double instructions, data_refs, d1_misses, ll_misses;
};

/* ---- noise: what disturbed each repetition ----------------------------------- */

/* A repetition is disturbed when a worker was switched out involuntarily or
 * migrated inside the kernel, or the workers were on their CPUs less than
 * SL_ON_CPU_QUIET of their busy time (time taken by the hypervisor, steal,
 * is missing from the on-CPU time too), or a worker began its share late:
 * more than SL_LATE_START_S and SL_LATE_START_SHARE of the repetition after
 * the first one (it was woken, then kept waiting for a CPU; a quiet machine
 * wakes a thread in tens of microseconds). */
#define SL_ON_CPU_QUIET 0.95
#define SL_LATE_START_S 1e-4
#define SL_LATE_START_SHARE 0.05

/* One worker in one repetition, counted around the kernel only. */
struct sl_noise_sample {
    double busy_s;        /* wall time in the kernel region */
    double start_delay_s; /* when it began its region, after the first worker */
    double task_clock_s;  /* on-CPU time in it */
    double context_switches, involuntary_switches;
    double migrations; /* NAN: not counted (sl_noise.migrations_why) */
    double page_faults;
};

/* One repetition: its wall time on this process (raw), then its figures
 * over the workers (derived by sl_run_derive_result). */
struct sl_noise_rep {
    double wall_s;
    double on_cpu;       /* sum of task clocks / sum of busy times */
    double late_start_s; /* the largest start delay */
    double context_switches, involuntary_switches, migrations, page_faults;
    bool disturbed;
};

struct sl_noise {
    bool counted;               /* else `why` says why not; both unset: not in the record */
    const char *why;
    const char *source;         /* what counted what */
    const char *migrations_why; /* NULL when migrations were counted */
    struct sl_noise_rep *per_rep;    /* one per repetition */
    struct sl_noise_sample *samples; /* reps x threads, repetition by repetition */
    /* Steal time of the team's CPUs over the repetitions (/proc/stat), and
     * the CPU time they had over them (wall time x CPUs). */
    struct sl_figure steal_s;
    double steal_cpu_s;
};

/* The figures over the repetitions, derived from sl_noise. */
struct sl_noise_derived {
    size_t disturbed_reps;
    char verdict[200]; /* "quiet", "disturbed: 9 of 15 repetitions, ...", or why none */
    /* The statistics over the undisturbed repetitions. */
    size_t quiet_reps;
    struct sl_figure quiet_median_s, quiet_cv;
    struct sl_interval quiet_ci95_s;
    /* Median over repetitions of the largest worker's on-CPU time over the
     * mean: the schedule's imbalance, without the time workers lost. */
    struct sl_figure on_cpu_imbalance;
    /* The worker that was on its CPU the smallest share of its busy time. */
    struct sl_figure lowest_on_cpu_share;
    int lowest_share_worker;
    struct sl_figure steal_fraction; /* steal_s / steal_cpu_s */
    /* The speedup's inputs (this result or its 1-thread partner) had
     * disturbed repetitions. */
    bool speedup_disturbed;
};

/* ---- one result ------------------------------------------------------------ */

enum sl_status { SL_STATUS_OK, SL_STATUS_SKIPPED, SL_STATUS_ERROR, SL_STATUS_INTERRUPTED };
const char *sl_status_name(enum sl_status s);
int sl_status_parse(const char *name, enum sl_status *out);

struct sl_worker {
    int cpu;            /* where it ran at the end of the last repetition; -1 unknown */
    const char *target; /* the CPU set it was bound to ("3", "0-1") */
    const char *pinned; /* "yes", or "no (why)" */
    double busy_s;      /* median busy time; NAN: the worker did not report */
};

/* Figures computed from a result's raw measurements (and its 1-thread
 * partner) by sl_run_derive_result(); never read from a record. */
struct sl_derived {
    struct stats_summary stats;
    struct sl_figure min_s, median_s, mean_s, stddev_s, cv;
    struct sl_interval ci95_s; /* distribution-free CI of the median */
    struct sl_figure ci95_coverage;
    struct sl_interval ci975_s; /* the same at 97.5 %: two hold jointly at 95 % (ratios) */
    struct sl_figure speedup; /* T(1)/T(p) of the medians */
    struct sl_interval speedup_ci95;
    struct sl_figure efficiency; /* speedup / threads */
    struct sl_interval efficiency_ci95;
    /* Physically implausible without a cause (cache effect or noise): the
     * efficiency above 1 beyond its interval, or above 1 without one.
     * Flagged wherever the speedup is printed. */
    bool superlinear;
    struct sl_figure units_per_s, gflops, gbytes_per_s;
    struct sl_interval units_per_s_ci95; /* at the ends of ci95_s */
    struct sl_figure merit;              /* the workload's figure of merit at the median */
    struct sl_interval merit_ci95;
    bool invalid_expected;  /* invalid, and the variant is wrong on purpose */
    /* Simulated events per unit of work (NAN when not simulated). */
    double sim_instructions_per_unit, sim_data_refs_per_unit, sim_d1_misses_per_unit,
        sim_ll_misses_per_unit;
    struct sl_noise_derived noise;
};

struct sl_result {
    /* What was measured. */
    const char *kernel, *variant;
    const char *layout, *loops, *isa, *algorithm; /* the variant's axes; "-": not applicable */
    const char *schedule;
    int threads;
    const char *size;
    enum sl_status status;
    const char *reason;       /* why not ok; NULL */
    const char *known_defect; /* why the variant is wrong on purpose; NULL */

    /* The measurement; reps == 0: none (skipped, or failed before timing). */
    int warmup;
    size_t reps;
    double *times_s;
    struct sl_worker *workers; /* `threads` of them, when reps > 0 */
    bool placement_verified;   /* every worker ran inside its target set */
    const char *pin;           /* the placement policy */
    bool oversubscribed;
    /* Median over repetitions of max/mean worker busy time (the per-
     * repetition busy times are not kept, so this is measured, not derived). */
    double imbalance;
    struct sl_noise noise;
    /* Interleaved: per repetition its place in its round (repetition i is
     * in round i); NULL when the measurement was not interleaved. */
    int *round_positions;
    struct sl_work work; /* per execution, from the variant's work model */
    bool validated;
    struct sl_validation validation;
    struct sl_counter_result *counters; /* one per event of the run's plan; NULL: none */
    int n_counters;
    bool simulated; /* --counters sim was asked for */
    struct sl_sim_result sim;
    struct sl_problem_info output; /* what the last execution produced (n_params 0: nothing) */
    struct sl_figure peak_rss_bytes; /* the largest over ranks */
    double memory_budget_bytes;      /* 0: none */
    /* More than one MPI rank: per rank its median busy time and peak
     * resident set, and the median over repetitions of slowest/mean. */
    int ranks;
    double *rank_median_s, *rank_peak_rss_bytes;
    double rank_imbalance;

    struct sl_derived d;
};

/* "kernel/variant/schedule/tN". */
void sl_result_name(const struct sl_result *r, char *buf, size_t len);

/* ---- claims ------------------------------------------------------------------ */

/* A claim's verdict as a record keeps it (analysis/claims.h judges). */
struct sl_claim_entry {
    const char *id, *source_figure;
    struct sl_figure measured;
    struct sl_interval measured_ci95;
    const char *measured_text, *verdict, *reason, *explanation, *workload;
    const char *regime; /* the size measured against the published one; NULL in older records */
};

/* ---- the run ------------------------------------------------------------------- */

/* How the measurement loop ended (in memory only; `complete` is what the
 * record keeps). */
enum sl_run_end {
    SL_RUN_FINISHED,      /* every planned measurement was tried */
    SL_RUN_BAD_INPUT,     /* a size could not be set up (its problem, its input) */
    SL_RUN_FAILED,        /* the harness failed (memory, a report it could not write) */
    SL_RUN_INTERRUPTED,   /* SIGINT or SIGTERM */
};

/* What became of --output (in memory only). */
enum sl_output_state { SL_OUTPUT_NONE, SL_OUTPUT_WRITTEN, SL_OUTPUT_FAILED, SL_OUTPUT_INVALID };

struct sl_arena_block;

struct sl_run {
    char run_id[96];
    char started[32], finished[32]; /* ISO 8601 UTC; finished empty while running */
    bool complete;
    const char *command;
    struct sl_machine_desc machine;
    struct sl_build_desc build;
    struct sl_environment environment;
    struct sl_config config;
    /* The workload's unit of work and figure of merit. */
    const char *unit;
    enum sl_merit merit;
    bool merit_recorded; /* records older than the figure of merit lack it */

    struct sl_problem_info *problems; /* one per size set up */
    size_t n_problems, cap_problems;
    struct sl_result *results;
    size_t n_results, cap_results;
    bool has_claims; /* written by speedlab claims */
    struct sl_claim_entry *claims;
    size_t n_claims;

    /* In memory only: the counter plan (its events as probed) and the
     * simulated cache geometry, said once before the results. */
    struct sl_counter_event counter_plan[SL_MAX_COUNTERS];
    int n_counter_plan;
    bool sim;
    struct sl_sim_cache sim_i1, sim_d1, sim_ll;
    enum sl_run_end end;
    enum sl_output_state output_state;
    const char *output_message; /* why not written; or NULL */
    double output_seconds;      /* time taken to write it */

    struct sl_arena_block *arena;
};

void sl_run_init(struct sl_run *run);
void sl_run_free(struct sl_run *run);

/* Room owned by the run, zeroed; NULL with sl_error() when out of memory. */
void *sl_run_alloc(struct sl_run *run, size_t count, size_t size);
/* A copy owned by the run (NULL stays NULL); NULL with sl_error() on failure. */
const char *sl_run_strdup(struct sl_run *run, const char *s);
const char *sl_run_text(struct sl_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A new result at the end (its figures unavailable until derived), or a new
 * problem; NULL with sl_error() when out of memory. */
struct sl_result *sl_run_add_result(struct sl_run *run);
struct sl_problem_info *sl_run_add_problem(struct sl_run *run);

/* The 1-thread run of the same variant, schedule and size with status ok
 * (the base of r's speedup), or NULL; r is one of the run's results. */
const struct sl_result *sl_run_t1_partner(const struct sl_run *run, const struct sl_result *r);
/* Room for r's noise over `reps` repetitions of r->threads workers, owned
 * by the run (r->noise.counted set); -1 with sl_error() when out of memory. */
int sl_noise_alloc(struct sl_run *run, struct sl_result *r, size_t reps);

/* Computes every derived figure of r from its raw measurements, its
 * 1-thread partner and the run's figure of merit. */
void sl_run_derive_result(const struct sl_run *run, struct sl_result *r);
/* The same for every result (a loaded record). */
void sl_run_derive(struct sl_run *run);

/* The figure of merit of one execution taking `seconds`, and its label
 * ("Mpair/s", "GB/s", "GFLOP/s"). */
double sl_merit_value(enum sl_merit merit, const struct sl_work *work, double seconds);
const char *sl_merit_label(enum sl_merit merit, const char *unit, char *buf, size_t len);

#endif
