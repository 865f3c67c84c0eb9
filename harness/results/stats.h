/* Summary statistics of repeated timings. */
#ifndef SL_STATS_H
#define SL_STATS_H

#include <stdbool.h>
#include <stddef.h>

struct stats_summary {
    size_t n;
    double min, max, median, mean, stddev, cv;
    /* Distribution-free confidence interval of the median from order
     * statistics.  Needs n >= 6 for 95 %; ci_available says whether it exists
     * and ci_level is the exact coverage achieved (>= 0.95). */
    bool ci_available;
    double ci_lo, ci_hi, ci_level;
    /* The same at 97.5 % (needs n >= 7): two such intervals hold jointly with
     * probability >= 95 % (Bonferroni), which a ratio of medians needs. */
    bool ci975_available;
    double ci975_lo, ci975_hi;
};

/* `values` is not modified.  n == 0 gives an all-NaN summary. */
void stats_summarize(const double *values, size_t n, struct stats_summary *out);
double stats_median(const double *values, size_t n);
/* 1-based ranks (lo, hi) of the order statistics bounding the median with
 * coverage >= level; returns false when n is too small for that level. */
bool stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi, double *coverage);

/* Ratio a/b of two positive quantities known within intervals: the interval
 * of the ratio is [a_lo/b_hi, a_hi/b_lo] (conservative). */
void stats_ratio_interval(double a_lo, double a_hi, double b_lo, double b_hi, double *lo,
                          double *hi);

#endif
