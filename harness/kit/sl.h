/* The contract between the harness and the kernels.
 *
 * A workload (kernels/<name>/) owns its data: it generates or loads a problem,
 * knows the reference answer and validates a variant's output against it.
 * A variant is a plain function plus a descriptor: its axes, the schedules it
 * can run under, the ISA features it needs and its work model.  The harness
 * owns everything else: threads, placement, timing, statistics, records.
 */
#ifndef SL_H
#define SL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sl_schedule {
    SL_SCHED_STATIC,     /* OpenMP schedule(static) over the outer loop */
    SL_SCHED_DYNAMIC,    /* schedule(dynamic, 1) */
    SL_SCHED_GUIDED,     /* schedule(guided) */
    SL_SCHED_FUSEDINDEX, /* one loop over the flattened triangular index */
    SL_SCHED_COUNT
};
#define SL_SCHED_BIT(s) (1u << (s))
#define SL_SCHEDS_OUTER                                                        \
    (SL_SCHED_BIT(SL_SCHED_STATIC) | SL_SCHED_BIT(SL_SCHED_DYNAMIC) |          \
     SL_SCHED_BIT(SL_SCHED_GUIDED))
#define SL_SCHEDS_ALL (SL_SCHEDS_OUTER | SL_SCHED_BIT(SL_SCHED_FUSEDINDEX))

const char *sl_schedule_name(enum sl_schedule s);
int sl_schedule_parse(const char *name, enum sl_schedule *out);

/* ISA features a variant may require; checked at run time, never assumed. */
enum sl_isa_feature {
    SL_ISA_POPCNT = 1u << 0,
    SL_ISA_AVX2 = 1u << 1,
    SL_ISA_FMA = 1u << 2,
    SL_ISA_AVX512F = 1u << 3,
    SL_ISA_AVX512BW = 1u << 4,
    SL_ISA_AVX512VL = 1u << 5,
    SL_ISA_AVX512VPOPCNTDQ = 1u << 6,
};
/* Returns NULL when this CPU has every feature in `required`, else the name of
 * the first missing one ("avx512f"). */
const char *sl_isa_missing(unsigned required);
/* Space-separated names of the features this CPU has, from the list above. */
void sl_isa_describe(char *buf, size_t len);

/* The axes a variant differs on; NULL where an axis does not apply to the
 * workload (printed and recorded as "-"). */
struct sl_axes {
    const char *layout;    /* colmajor | rowmajor | aos | soa | pointers | contiguous */
    const char *loops;     /* naive | fused | blocked */
    const char *isa;       /* scalar | avx2 | avx512 | blas */
    const char *algorithm; /* dense | bitmask | invindex | blas3 | atomic | ... */
};
/* An axis value for printing: "-" where it does not apply. */
const char *sl_axis(const char *value);

/* Work model for one execution of a variant on a problem.  The harness turns
 * it into units/s, GFLOP/s and GB/s. */
struct sl_work {
    double units; /* figure-of-merit units, e.g. pairs */
    double flops; /* floating-point operations, FMA counted as 2 */
    double bytes; /* bytes the algorithm must move from memory, nominal */
};

struct sl_team;     /* harness/team.h: threads, their placement and busy times */
struct sl_option;   /* kit/options.h: one command-line option, a row of a table */
struct sl_progress; /* harness/progress.h: live progress on stderr */

/* What a variant's parallel region is told. */
struct sl_exec {
    int threads;
    enum sl_schedule schedule;
    struct sl_team *team;
    struct sl_progress *progress; /* units done, for long runs; NULL: none */
};

/* Every worker of a variant's parallel region calls begin first and end when
 * its share is done (before any barrier), so the harness can bind it to its
 * CPU and measure its busy time; see team.c. */
void sl_worker_begin(const struct sl_exec *ex);
void sl_worker_end(const struct sl_exec *ex);
/* Sets the OpenMP runtime schedule for `schedule(runtime)` loops over an
 * outer index; fusedindex loops partition explicitly instead. */
void sl_exec_apply_outer_schedule(const struct sl_exec *ex);

struct sl_variant {
    const char *name;
    struct sl_axes axes;
    unsigned schedules; /* SL_SCHED_BIT()s it can run under */
    unsigned requires;  /* SL_ISA_* features */
    const char *summary;
    /* Returns 0, or -1 with sl_error() set (e.g. out of memory). */
    int (*run)(void *problem, const struct sl_exec *ex);
    void (*work)(const void *problem, struct sl_work *out);
    /* Non-NULL for a variant that is wrong on purpose, to show a bug (the
     * unsynchronised accumulator of pairsum): why.  Its results are still
     * validated and shown invalid everywhere; they do not fail the run. */
    const char *known_defect;
};

struct sl_validation {
    bool valid;
    const char *method;   /* "all pairs", "sampled pairs", ... */
    double checked;       /* elements compared */
    double total;         /* elements the variant produced */
    double failures;      /* elements outside tolerance */
    double max_abs_error; /* against the reference */
    double max_rel_error;
    double tolerance_abs, tolerance_rel; /* |got-ref| <= abs + rel*|ref| */
    char detail[200];     /* first failure, or what was checked */
};

/* What a created problem is, for records and the console. */
#define SL_MAX_PARAMS 20
struct sl_problem_info {
    char size[48];    /* canonical, e.g. "5800x1000" */
    char source[256]; /* "generated: ..., seed 42" or the input path */
    struct {
        const char *key; /* "samples" */
        double value;
    } params[SL_MAX_PARAMS]; /* by convention "working_set_bytes": the bytes one execution
                                touches (inputs and outputs), placed against cache sizes */
    int n_params;
};

/* A workload's own options as the record keeps them: config.<section> holds
 * one member per fact, a number, a string, or null (neither given). */
#define SL_MAX_OPTION_FACTS 12
struct sl_option_facts {
    const char *section; /* NULL: no block (the options were not used) */
    struct {
        const char *key;
        const char *text; /* non-NULL: a string */
        double number;    /* text NULL and finite: a number; else null */
    } facts[SL_MAX_OPTION_FACTS];
    int n;
};
/* The fact of a workload that bounds the process's memory: the bound in
 * bytes.  The harness shows each result's peak resident set against it. */
#define SL_FACT_MEMORY_BUDGET "memory_budget_bytes"
/* The number under `key`, or NAN when there is none (or it is null). */
double sl_option_facts_number(const struct sl_option_facts *f, const char *key);

/* What a workload's own options may depend on, known when the run is planned. */
struct sl_run_context {
    const char *output_path; /* --output, or NULL */
    const char *run_id;      /* unique per run; names the run's files */
    int ranks;               /* MPI ranks sharing the run (1: one process) */
};

/* The variants and schedules measured where the command line names none
 * (a list in --variants/--schedules syntax): "all" unless the workload's
 * options ask for others. */
struct sl_selection {
    const char *variants, *schedules;
};

struct sl_problem_args {
    const char *size;       /* preset name or workload-specific dims */
    uint64_t seed;
    const char *input_path; /* optional real data */
    const char *validate;   /* "auto", "full" or "sample" */
    int max_threads;        /* the largest team the problem will run under */
    const void *options;    /* the workload's own options object (NULL: its defaults) */
};

struct sl_preset {
    const char *name;
    const char *size;
    const char *purpose;
};

/* The figure of merit a workload is judged by: units per second of its own
 * unit (pairs/s, samples/s), or the GB/s or GFLOP/s of its work model. */
enum sl_merit { SL_MERIT_UNITS, SL_MERIT_GBYTES, SL_MERIT_GFLOPS };

struct sl_workload {
    const char *name;
    const char *summary;
    const char *unit;        /* "pair" */
    enum sl_merit merit;
    const char *size_syntax; /* "NxD (samples x variables)" */
    const struct sl_preset *presets; /* NULL-terminated */
    const char *default_size;
    /* Small and odd sizes every variant is tested on (tests/test_workloads.c);
     * NULL-terminated. */
    const char *const *test_sizes;
    const struct sl_variant *variants; /* terminated by an entry with name NULL */

    /* Checks a size string without building anything, so bad input is
     * rejected before any work is done. 0 or -1 with sl_error(). */
    int (*check_size)(const char *size);
    /* Optional: checks an --input file the same way (its format and every
     * value, in bounded memory), so bad data are refused before any work.
     * NULL: the workload generates its data and takes no --input. */
    int (*check_input)(const char *path);
    /* Returns 0 or -1 with sl_error() set; bad input is an error, not a crash. */
    int (*problem_create)(const struct sl_problem_args *args, void **problem);
    void (*problem_destroy)(void *problem);
    /* Untimed, before the repetition whose output will be validated. */
    void (*prepare_validation)(void *problem);
    int (*validate)(void *problem, struct sl_validation *out);
    void (*describe)(const void *problem, struct sl_problem_info *info);
    /* Optional: writes the last computed output (--output). */
    int (*save_output)(void *problem, const char *path);
    /* Optional: refuses an --output this workload cannot write (a wrong
     * extension, or one that does not suit its `options` or the run's one
     * `size`, NULL with --input) before any work is done; 0 or -1 with
     * sl_error(). */
    int (*check_output_path)(const char *path, const char *size, const void *options);
    /* Optional: why variant v cannot run on this problem (its output mode,
     * its memory budget), or NULL when it can; such a result is skipped. */
    const char *(*unsupported)(const void *problem, const struct sl_variant *v);
    /* Optional: what the last execution produced besides its time (kept
     * pairs, the threshold it used), recorded with each result. */
    void (*facts)(const void *problem, struct sl_problem_info *facts);
    /* Optional: the workload's own command-line options ('speedlab run
     * <name> --OPTION'), rows as in kit/options.h ending with a row without a
     * name, parsed into an options object of options_size bytes that the
     * harness allocates, zeroes, fills with the rows' defaults, and hands to
     * problem_create as args->options; options_about is a paragraph shown
     * with them in --help. */
    const struct sl_option *options;
    size_t options_size;
    const char *options_about;
    /* Optional: checks the options together (exclusive options, one that
     * needs another) before any work and without side effects, and may
     * replace the default selection when the options ask for other variants
     * or schedules.  0 or -1 with sl_error(). */
    int (*options_check)(const void *options, const struct sl_run_context *ctx,
                         struct sl_selection *defaults);
    /* Optional: once every check has passed, prepares what the options need
     * for this run (a folder for its files).  0 or -1 with sl_error(). */
    int (*options_prepare)(void *options, const struct sl_run_context *ctx);
    /* Optional: the options as the record keeps them (config.<section>). */
    void (*option_facts)(const void *options, struct sl_option_facts *facts);
    /* Splits one problem across MPI ranks (each computes its share). */
    bool splits_across_ranks;
    /* Optional test hook: spoils the last computed output the way a lost
     * update would, so tests can drive the invalid-result path
     * deterministically (SPEEDLAB_TEST_CORRUPT_OUTPUT=1, or a result's name
     * "kernel/variant/schedule/tN" for that result alone). */
    void (*corrupt_output)(void *problem);
};

/* Size in bytes of the largest cache of this machine (hwloc), 0 if unknown;
 * for workloads such as stream whose size must exceed it. */
size_t sl_last_level_cache_bytes(void);

const struct sl_workload *const *sl_workloads(size_t *count);
const struct sl_workload *sl_workload_find(const char *name);
const struct sl_variant *sl_variant_find(const struct sl_workload *w, const char *name);

/* Error reporting: functions return -1 and leave one line here for main();
 * control characters in it (a newline quoted from a file) become '?'. */
int sl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *sl_error(void);

#endif
