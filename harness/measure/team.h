/* A team of worker threads: where each one is placed (hwloc), where it
 * actually ran, and how long it was busy inside the kernel. */
#ifndef SL_TEAM_H
#define SL_TEAM_H

#include "measure/counters.h"
#include "measure/machine.h"
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

struct team_worker {
    double start;      /* util_now() at sl_worker_begin */
    double busy_s;     /* NAN until the worker ends */
    int cpu_begin;     /* sched_getcpu() after binding; -1 until reported */
    int cpu_end;
    int bind_errno;    /* 0: bound as asked */
    int strays;        /* executions that began or ended outside the target */
    int counter_error; /* PAPI error code from this worker, 0 if none */
} __attribute__((aligned(64))); /* one cache line each: no false sharing */

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
     * counts, accumulated until team_reset_counts(). */
    const struct ctr_plan *counters;
    long long *counts;
};

/* -1 with sl_error() when the placement is impossible (CPU outside the
 * allowed set, more threads than CPUs without oversubscription). */
int team_create(struct sl_team **out, const struct machine *m, const struct pin_config *pin,
                int threads);
void team_destroy(struct sl_team *team);
/* Binds every worker in an untimed empty parallel region, so no timed
 * repetition pays for binding or the migration it causes. */
void team_bind(struct sl_team *team);
/* Before each repetition: forget the previous busy times and CPUs. */
void team_reset(struct sl_team *team);
/* Counts hardware events in every worker from now on (plan must have
 * countable events), or stops counting with plan == NULL. */
int team_count(struct sl_team *team, const struct ctr_plan *plan);
void team_reset_counts(struct sl_team *team);
/* Describes worker w's target CPU set ("3", "0-1"). */
void team_target_string(const struct sl_team *team, int w, char *buf, size_t len);

#endif
