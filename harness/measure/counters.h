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
    bool sim;                     /* the simulated-cache backend was asked for */
    bool unknown[CTR_MAX_EVENTS]; /* a name PAPI could check and does not know */
};

/* Expands "cache", "ipc", "sim" and PAPI event names (comma-separated) into
 * a plan; -1 with sl_error() for a malformed list.  Availability is decided
 * by ctr_plan_probe(), which never fails: it marks events unavailable. */
int ctr_plan_parse(const char *list, struct ctr_plan *plan);
void ctr_plan_probe(struct ctr_plan *plan);
/* After the probe: -1 with sl_error() naming the first event PAPI does not
 * know (a misspelt name is a usage error, not an unavailable counter).
 * Names are checked where PAPI can: a PAPI_ preset wherever the library
 * starts, a native name only where the PMU is exposed. */
int ctr_plan_check_names(const struct ctr_plan *plan);

/* One line on what PAPI can do here, for `speedlab info`. */
void ctr_describe(char *buf, size_t len);

/* Per worker thread, from sl_worker_begin/end.  start creates the thread's
 * event set on first use for `generation` (a team) and starts it; returns 0
 * or a PAPI error code.  stop adds the counts to values[0..n_countable). */
int ctr_thread_start(const struct ctr_plan *plan, unsigned generation);
int ctr_thread_stop(const struct ctr_plan *plan, long long *values);
const char *ctr_error_string(int code);

#endif
