/* The deterministic comparison: callgrind's counts per unit of work
 * (--counters sim) are the same run after run for the same binary and
 * input, whatever the machine's load, so a change beyond a small threshold
 * is the code's, with certainty; no statistics are needed. */
#ifndef SL_DETERMINISTIC_H
#define SL_DETERMINISTIC_H

#include "results/model.h"

#include <stddef.h>

enum det_verdict { DET_SAME, DET_WORSE, DET_BETTER, DET_UNAVAILABLE };

/* The counts compared, per unit of work. */
enum { DET_INSTRUCTIONS, DET_D1_MISSES, DET_LL_MISSES, DET_METRICS };

struct det_comparison {
    enum det_verdict verdict;
    /* DET_UNAVAILABLE: why ("not simulated in BASE", ...). */
    char reason[160];
    double base[DET_METRICS], fresh[DET_METRICS];
    /* fresh / base; 1 when both are 0, INFINITY when only base is 0. */
    double ratio[DET_METRICS];
    /* The metric that decided a worse or better verdict (the largest
     * change in that direction). */
    int decisive;
};

/* "instructions", "D1 misses", "LL misses". */
const char *det_metric_name(int metric);
/* BASE against NEW: worse when any count per unit grew by more than
 * `threshold` (a fraction), better when none grew that much and one fell
 * by more, else same; unavailable when either side was not simulated, or
 * simulated with differently shaped caches. */
void det_compare(const struct sl_result *base, const struct sl_result *fresh, double threshold,
                 struct det_comparison *out);

#endif
