/* A team of worker threads: where each one is placed (hwloc), where it
 * actually ran, and how long it was busy inside the kernel. */
#ifndef SL_TEAM_H
#define SL_TEAM_H

#include "measure/counters.h"
#include "measure/machine.h"
#include "measure/noise.h"
#include "kit/sl.h"

enum pin_policy { PIN_COMPACT, PIN_SCATTER, PIN_NONE, PIN_LIST };

struct pin_config {
    enum pin_policy policy;
    int cpus[1024]; /* PIN_LIST: OS indices */
    int n_cpus;
    bool oversubscribe; /* allow more threads than allowed CPUs */
};

/* "compact", "scatter", "none" or a CPU list such as "0,2,4-7". */
int pin_parse(const char *text, struct pin_config *out);
const char *pin_policy_name(enum pin_policy p);

/* One worker: its binding, and what it reported of the current execution
 * (team_reset forgets that before each one). */
struct team_worker {
    double start;      /* util_now() at sl_worker_begin */
    double busy_s;     /* NAN until the worker ends */
    int cpu_begin;     /* sched_getcpu() after binding; -1 until reported */
    int cpu_end;
    int bind_errno;    /* 0: bound as asked */
    bool stray;        /* began or ended outside its target */
    int counter_error; /* PAPI error code from this worker, 0 if none */
    struct noise_mark noise_mark;
    struct noise_counts noise; /* when counted */
} __attribute__((aligned(64))); /* whole cache lines each: no false sharing */

struct sl_team {
    int threads;
    const struct machine *machine;
    enum pin_policy policy;
    bool oversubscribed;
    unsigned generation;
    hwloc_cpuset_t *targets; /* per worker; the whole allowed set for PIN_NONE */
    struct team_worker *workers;
    int team_size_seen;      /* omp_get_num_threads() inside the region */
    /* Hardware counters, when some are countable: threads x n_countable
     * counts of the current execution. */
    const struct ctr_plan *counters;
    long long *counts;
    const struct noise_plan *noise; /* NULL: not counted */
};

/* -1 with sl_error() when the placement is impossible (CPU outside the
 * allowed set, more threads than CPUs without oversubscription). */
int team_create(struct sl_team **out, const struct machine *m, const struct pin_config *pin,
                int threads);
void team_destroy(struct sl_team *team);
/* Binds every worker in an untimed empty parallel region, so no timed
 * repetition pays for binding or the migration it causes (nor for the
 * counters' event sets, made there on first use). */
void team_bind(struct sl_team *team);
/* team_bind unless the OpenMP threads are bound for this team already:
 * before each execution of a run whose teams take turns. */
void team_ensure_bound(struct sl_team *team);
/* Before each execution: forget the previous one's busy times, CPUs and
 * counts. */
void team_reset(struct sl_team *team);
/* Counts hardware events in every worker from now on (plan with countable
 * events), or stops counting with plan == NULL; -1 when out of memory. */
int team_count(struct sl_team *team, const struct ctr_plan *plan);
/* Counts the noise of every worker from now on (a plan that is on), or not
 * with NULL. */
void team_count_noise(struct sl_team *team, const struct noise_plan *plan);
/* The CPUs the workers are bound to, together, into `cpus`. */
void team_cpus(const struct sl_team *team, hwloc_bitmap_t cpus);
/* Describes worker w's target CPU set ("3", "0-1"). */
void team_target_string(const struct sl_team *team, int w, char *buf, size_t len);

#endif
