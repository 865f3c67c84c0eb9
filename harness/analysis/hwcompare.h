/* A hardware comparison of N machines, as data: the records of each
 * operand grouped per machine (a folder holding records of several machines
 * never mixes them in one side), each result's problem as the question it
 * asks (a size rule such as stream's "4 x last-level cache" rather than the
 * array size it came to on one machine), and the summary a person reads
 * first: per workload the best valid variant on each machine, its figure of
 * merit and ratio to the first machine, like-for-like ratios at 1 thread and
 * at all cores, geometric means over workloads, and the skips collapsed.
 * `speedlab compare` prints it; `speedlab plot` draws and tabulates it. */
#ifndef SL_HWCOMPARE_H
#define SL_HWCOMPARE_H

#include "results/run_set.h"

#include <stdbool.h>
#include <stddef.h>

/* More machines would not be readable side by side. */
#define HW_MAX_MACHINES 6

struct hw_machine {
    char label[8];    /* "M1" */
    char *spec;       /* the operand its records came from (a copy) */
    size_t operand;   /* its index among the operands */
    struct run_set set;
};

struct hw_set {
    struct hw_machine machines[HW_MAX_MACHINES];
    size_t n;
};

/* Loads every operand and groups its records per machine (the same
 * hardware as results/run_set.h says it); records of different operands
 * stay on different machines, so one machine under two labels (two suites)
 * can be compared.  0, or -1 with sl_error() (unreadable record, a result
 * held twice by one machine, more than HW_MAX_MACHINES machines). */
int hw_set_load(struct hw_set *s, const char *const *specs, size_t n_specs);
void hw_set_free(struct hw_set *s);

/* The question a result answers: its size rule when the workload derived
 * the size from the machine (a problem source naming "auto: RULE of ..."),
 * else its size. */
void hw_problem_class(const struct sl_run *run, const struct sl_result *r, char *buf,
                      size_t len);

/* A result with the run that holds it. */
struct hw_result {
    const struct sl_result *r;
    const struct sl_run *run;
};

/* A geometric mean of speed ratios (machine / first machine; above 1: faster). */
struct hw_ratio {
    double geomean; /* NAN when n == 0 */
    size_t n;
    int threads, base_threads; /* the thread counts compared (all cores) */
};

struct hw_workload_row {
    const char *kernel;
    char problem[96];
    /* Per machine: the best valid result at `problem` (r NULL: none), its
     * figure of merit's ratio to the first machine's best, the like-for-like
     * ratios (same variant, schedule, problem; 1 thread, and each machine at
     * its largest thread count). */
    struct hw_result best[HW_MAX_MACHINES];
    double best_ratio[HW_MAX_MACHINES];
    struct hw_ratio t1[HW_MAX_MACHINES], all[HW_MAX_MACHINES];
};

/* Results not measured on a machine while another measured them (a missing
 * ISA, a failure), one line per (workload, variant, status, reason). */
struct hw_skip {
    const char *kernel, *variant, *status, *reason;
    bool on[HW_MAX_MACHINES];
    size_t count; /* results it covers, all machines */
};

struct hw_summary {
    struct hw_workload_row *rows;
    size_t n_rows;
    /* Per machine, over the workloads: geometric means of best_ratio, t1, all. */
    struct hw_ratio gm_best[HW_MAX_MACHINES], gm_t1[HW_MAX_MACHINES],
        gm_all[HW_MAX_MACHINES];
    struct hw_skip *skips;
    size_t n_skips;
    /* Results not measured on any machine (a schedule that does not apply to
     * a variant): no difference between the machines; one reason of them. */
    size_t n_common_skips;
    const char *common_skip_example;
};

/* 0, or -1 with sl_error() (out of memory). */
int hw_summary_compute(const struct hw_set *s, struct hw_summary *out);
void hw_summary_free(struct hw_summary *sum);

/* A result that counts: ok, timed, not failing its validation. */
bool hw_result_valid(const struct sl_result *r);
/* Speed of b relative to a (above 1: b faster) for the same question: the
 * ratio of figures of merit, or of median times when the sizes are equal;
 * NAN when neither applies. */
double hw_speed_ratio(struct hw_result a, struct hw_result b);

/* The result of machine m answering (kernel, variant, schedule, threads,
 * problem class), or {NULL, NULL}. */
struct hw_result hw_find(const struct hw_machine *m, const char *kernel, const char *variant,
                         const char *schedule, int threads, const char *problem);

/* What differs between the machines' descriptions ("CPU model, allowed
 * CPUs"); empty when nothing does. */
void hw_differences(const struct hw_set *s, char *out, size_t len);

#endif
