/* The plan builder shared by `run` and `claims`: from run's option values
 * to the runner's struct run_options, every choice checked against the
 * workload and this machine, and every output path, before any work. */
#ifndef SL_CLI_PLAN_H
#define SL_CLI_PLAN_H

#include "kit/files.h"
#include "measure/machine.h"
#include "measure/runner.h"
#include "reporters/reporters.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The values of `speedlab run`'s options; its table (cli_run.c) stores them
 * and gives their defaults. */
struct run_args {
    const char *variants, *schedules; /* lists; NULL: the default selection */
    const char *threads;              /* list, 'max' allowed */
    const char *sizes;                /* --size or --sizes; NULL: the kernel's default */
    const char *input, *output;
    uint64_t seed;
    int reps; /* 0: not given */
    int min_reps, max_reps, warmup;
    double budget;
    int validate; /* index into plan_validate_modes */
    bool interleave, no_interleave;
    int noise; /* index into plan_noise_modes */
    const char *pin;
    bool oversubscribe;
    const char *counters; /* NULL: none */
    const char *record, *csv;
    bool quiet, progress;
    const char *formats[SL_N_EXPORT_FORMATS]; /* --FORMAT FILE per export format; NULL: none */
    bool strict_env;
    double noise_limit; /* a fraction */
};

/* --validate's and --noise's words, NULL-terminated. */
extern const char *const plan_validate_modes[], *const plan_noise_modes[];

/* run's option values at their defaults (what claims starts from). */
int plan_run_defaults(struct run_args *a);

/* The command line as the record keeps it: "speedlab" and argv, UTF-8. */
void plan_command_line(int argc, char **argv, char *out, size_t len);

/* w's options object with its rows' defaults in *out (NULL when w has no
 * options of its own).  0 or -1 with sl_error(). */
int plan_workload_options(const struct sl_workload *w, void **out);

/* A run as planned: what the runner measures, and where its reporters write. */
struct run_plan {
    struct run_options *options;
    char *record_path, *csv_path;
    const char *format_paths[SL_N_EXPORT_FORMATS]; /* --FORMAT FILE; NULL: not asked for */
};

/* Builds the plan of a run of `w` from `a`: the selection (w's options may
 * change its defaults), sizes, placements, counters, settings, the record
 * and table paths, --output and the --FORMAT files, w's options checked and
 * prepared.  Takes `options` (w's options object, or NULL for its
 * defaults).  The run id (UTC time, kernel, process; rank 0's under MPI)
 * goes to run_id.  0, or -1 with sl_error() for bad input, with nothing
 * built. */
int plan_build(const struct run_args *a, const struct sl_workload *w, void *options,
               const char *command, const struct machine *m, struct run_plan *out,
               char *run_id, size_t run_id_len);
void plan_free(struct run_plan *p);

/* Locks on the files a run rewrites, the record and its table
 * (util_lock_acquire), held from before the measurement until the files are
 * final: a second command writing the same record is refused with one line
 * naming this one's pid.  Only rank 0 writes and locks; every rank returns
 * its outcome.  0, or -1 with sl_error() and nothing held. */
struct plan_locks {
    struct util_lock record, csv;
};
int plan_lock(const struct run_plan *p, struct plan_locks *l);
/* Harmless on a struct plan_lock filled, and twice. */
void plan_unlock(struct plan_locks *l);

#endif
