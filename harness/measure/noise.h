/* What disturbs a repetition, counted per worker thread around the kernel
 * only (sl_worker_begin/end): context switches, voluntary and involuntary,
 * and page faults from getrusage(RUSAGE_THREAD), on-CPU time from
 * CLOCK_THREAD_CPUTIME_ID, CPU migrations from PAPI's perf::CPU-MIGRATIONS
 * where it can count them; and the steal time of the CPUs a team runs on,
 * from /proc/stat.
 *
 * getrusage is the source of the switches even where PAPI counts
 * perf::CONTEXT-SWITCHES: it tells a worker that gave its CPU up (waiting)
 * from one that was switched out, needs no permission, and counts kernel
 * side events that a user-mode perf count reads as 0. */
#ifndef SL_NOISE_H
#define SL_NOISE_H

#include "measure/counters.h"
#include "results/model.h"

#include <hwloc.h>
#include <stdbool.h>

struct noise_plan {
    bool on;                  /* --noise on */
    bool migrations;          /* PAPI counts them */
    char source[512];         /* what counts what, for the record */
    char migrations_why[240]; /* why they are not counted */
};

/* The plan of a run: `on` as asked, migrations where PAPI can count them
 * beside the --counters plan. */
void noise_plan_make(struct noise_plan *p, bool on, const struct ctr_plan *counters);

/* A worker's readings at the start of its region. */
struct noise_mark {
    double cpu_s;
    long voluntary, involuntary, faults;
};
/* One worker's counts in one execution; error: a PAPI code when its
 * migrations could not be counted (0: none). */
struct noise_counts {
    double task_clock_s, context_switches, involuntary_switches, migrations, page_faults;
    int error;
};
void noise_thread_begin(const struct noise_plan *p, struct noise_mark *mark);
void noise_thread_end(const struct noise_plan *p, const struct noise_mark *mark,
                      struct noise_counts *out);

/* The steal time of `cpus` so far, in seconds; -1 with why[] when the
 * kernel does not report it. */
int noise_steal_seconds(hwloc_const_bitmap_t cpus, double *seconds, char *why, size_t len);

#endif
