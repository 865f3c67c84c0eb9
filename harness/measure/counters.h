/* Hardware counters through PAPI, counted per worker thread around the kernel
 * only, and an honest account of every event that cannot be counted. */
#ifndef SL_COUNTERS_H
#define SL_COUNTERS_H

#include "results/model.h"

#include <stdbool.h>
#include <stddef.h>

#define CTR_MAX_EVENTS SL_MAX_COUNTERS

/* What `--counters` asked for and what this machine can count. */
struct ctr_plan {
    struct sl_counter_event events[CTR_MAX_EVENTS];
    int codes[CTR_MAX_EVENTS]; /* PAPI's, per event */
    int n_events;
    int n_countable; /* events in state OK or MULTIPLEXED */
    bool multiplex;
    /* Counted in user and kernel mode: the list holds an event the kernel
     * counts in itself (context switches, migrations), which would read 0
     * in user mode alone. */
    bool kernel_mode;
    bool sim;    /* the simulated-cache backend was asked for */
    unsigned id; /* set by ctr_plan_probe: a worker's event set is built once per plan */
};

/* Expands the groups "cache", "ipc", "os" (the kernel's software events:
 * context switches, migrations, page faults, task clock) and "sim", and
 * event names (comma-separated) into a plan; -1 with sl_error() for a
 * malformed list. */
int ctr_plan_parse(const char *list, struct ctr_plan *plan);
/* Decides what can be counted here: events PAPI cannot count are marked
 * unavailable with the reason.  -1 with sl_error() only for a name that is
 * no event (a misspelt name is a usage error, not an unavailable counter):
 * unknown to PAPI where PAPI can tell (any name where its perf_event
 * component is on, a PAPI_ preset wherever the library starts), otherwise
 * neither a preset (PAPI_*) nor a native name (pmu::EVENT). */
int ctr_plan_probe(struct ctr_plan *plan);

/* One line on PAPI here, for `speedlab info`. */
void ctr_describe(char *buf, size_t len);
/* Tries to count `event` (kernel_mode: in user and kernel mode) around a
 * little work in this thread and says what happened: "counted N" or "not
 * counted (reason)", for `speedlab info`. */
void ctr_trial(const char *event, bool kernel_mode, char *buf, size_t len);

/* Per worker thread, from sl_worker_begin/end.  start creates the thread's
 * event set for the plan on first use and starts it; returns 0 or a PAPI
 * error code.  stop adds the counts to values[0..n_countable). */
int ctr_thread_start(const struct ctr_plan *plan);
int ctr_thread_stop(const struct ctr_plan *plan, long long *values);
const char *ctr_error_string(int code);

/* CPU migrations for the noise count (measure/noise.h): 0 when PAPI can count
 * perf::CPU-MIGRATIONS here (in kernel mode, where the kernel counts them),
 * else -1 with why[] saying why not.  PAPI runs one event set per thread,
 * so not beside a plan with countable events. */
int ctr_migrations_probe(const struct ctr_plan *plan, char *why, size_t len);
/* Per worker thread: 0 or a PAPI error code; stop sets *count. */
int ctr_migrations_start(void);
int ctr_migrations_stop(long long *count);

#endif
