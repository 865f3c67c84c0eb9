/* Reading records back (plot, compare, history, claims): a speedlab record
 * (results/SCHEMA.md) loaded and checked once, its results unpacked into C
 * values.  Anything that is not a complete record of a schema this program
 * understands is refused with one line naming the file and the problem. */
#ifndef SL_RECORD_READ_H
#define SL_RECORD_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* One entry of results[].  Strings point into the loaded JSON; a number the
 * record marks "unavailable (...)" (or that is absent) is NAN. */
struct loaded_result {
    const char *name; /* kernel/variant/schedule/tN */
    const char *kernel, *variant, *schedule, *size;
    const char *isa, *layout, *loops, *algorithm;
    int threads;
    const char *status;       /* ok, skipped, error, interrupted */
    const char *reason;       /* why not ok, or NULL */
    const double *times;      /* every timed repetition, seconds */
    size_t n_times;
    double median_s, min_s, cv;
    double ci_lo, ci_hi;      /* CI of the median */
    double speedup, speedup_lo, speedup_hi;
    double efficiency, efficiency_lo, efficiency_hi;
    double imbalance;
    const double *busy_s;     /* per worker */
    size_t n_busy;
    double units, flops, bytes; /* work per execution */
    double gflops, gbytes_per_s;
    double merit;
    const char *merit_unit;
    int valid;                /* 1, 0, or -1 when not validated */
    bool invalid_expected;    /* invalid on purpose (known defect) */
    bool oversubscribed;
    json_t *json;             /* the entry itself: counters, simulated_cache, ... */
};

struct loaded_record {
    char *path;
    json_t *root;
    int schema_version;
    const char *run_id, *kernel, *started, *command;
    const char *hostname, *cpu_model, *isa, *commit;
    int allowed_cpus;
    bool complete;
    struct loaded_result *results;
    size_t n_results;
    /* Storage behind times/busy_s. */
    double *numbers;
};

/* 0, or -1 with sl_error() = "PATH: what is wrong" (one line); -2 for
 * another speedlab document (e.g. a claims summary), which a folder of
 * records may hold beside them. */
int record_load(const char *path, struct loaded_record *rec);
void record_unload(struct loaded_record *rec);

/* A number field that may hold "unavailable (...)": NAN then. */
double record_number(const json_t *obj, const char *key);
/* The problems[] entry of a size, or NULL. */
const json_t *record_problem(const struct loaded_record *rec, const char *size);
/* problems[size].parameters.<key>, NAN if absent. */
double record_problem_parameter(const struct loaded_record *rec, const char *size,
                                const char *key);

#endif
