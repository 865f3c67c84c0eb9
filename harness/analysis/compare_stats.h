/* Statistics for regression tracking: is NEW slower than BASE (two sets of
 * repetitions), and where does a history of medians step (change points). */
#ifndef SL_COMPARE_STATS_H
#define SL_COMPARE_STATS_H

#include "analysis/verdict.h"

#include <stdbool.h>
#include <stddef.h>

/* Mann-Whitney U, two-sided, H0: both samples from one distribution.  Exact
 * (the permutation distribution of U) when there are no ties and both samples
 * have at most CMP_EXACT_MAX values; otherwise the normal approximation with
 * tie and continuity correction.  NAN when a sample is empty. */
#define CMP_EXACT_MAX 50
/* Pairs of repetitions the Hodges-Lehmann interval sorts at most (8 MB). */
#define CMP_HL_MAX_PAIRS 1000000
double cmp_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, bool *exact);
/* The smallest two-sided p the exact test can reach with these sizes: with
 * fewer repetitions than that, no difference can be significant. */
double cmp_mann_whitney_min_p(size_t na, size_t nb);

/* Holm's step-down adjustment: adjusted[i] >= p[i], and rejecting where
 * adjusted < alpha keeps the chance of any false rejection among the n at most
 * alpha.  NAN entries stay NAN and do not count as tests. */
void cmp_holm(const double *p, size_t n, double *adjusted);

/* BASE against NEW, timings in seconds (smaller is better). */
struct cmp_pair {
    size_t n_base, n_new;
    double median_base, median_new;
    double ratio; /* median_new / median_base */
    /* 95 %: the Hodges-Lehmann interval of the shift of log times (the one
     * that goes with the Mann-Whitney test; 4 repetitions a side at least),
     * or beyond CMP_HL_MAX_PAIRS pairs both medians' distribution-free 97.5 %
     * intervals put together. */
    bool ratio_ci_available;
    double ratio_lo, ratio_hi;
    double p;     /* Mann-Whitney U; NAN when not computable */
    bool p_exact;
    double min_p; /* the smallest p these sample sizes allow */
};
int cmp_pair_compute(const double *base, size_t nb, const double *fresh, size_t nn,
                     struct cmp_pair *out);
/* The verdict on NEW/BASE (verdict.h, lower is better) against the band
 * [1 - threshold, 1 + threshold]: same when the ratio's interval lies inside
 * it; slower (worse) or faster (better) when the interval lies wholly beyond
 * an edge AND p < alpha (`p` possibly adjusted over many matches);
 * inconclusive otherwise: the interval crosses an edge, there is no
 * interval (fewer than 4 repetitions a side), or the test does not reject (the
 * sample sizes may not reach alpha at all: c->min_p). */
struct verdict cmp_pair_verdict(const struct cmp_pair *c, double p, double alpha,
                                double threshold);

/* Change points of a series (binary segmentation on medians): a split is a
 * step when the medians either side differ by more than `threshold` relative
 * to the earlier one AND by more than `min_t` times the standard error of
 * that difference, the noise being estimated robustly from the series itself
 * (MAD of successive differences).  Segments are at least `min_segment` long,
 * so a single outlier (or two) can never be a level of its own. */
struct cmp_cp_options {
    size_t min_segment; /* default CMP_CP_MIN_SEGMENT */
    double threshold;   /* relative, default CMP_CP_THRESHOLD_PERCENT / 100 */
    double min_t;       /* default 4 */
};
/* The defaults (also those of speedlab history's options). */
#define CMP_CP_MIN_SEGMENT 3
#define CMP_CP_THRESHOLD_PERCENT 5
struct cmp_step {
    size_t index;         /* first point of the new level */
    double before, after; /* medians of the segments either side */
    double t;             /* the step over its standard error */
};
void cmp_cp_defaults(struct cmp_cp_options *o);
/* Writes at most max_steps steps in increasing index order; returns how many
 * were found (possibly more than max_steps), or -1 on allocation failure. */
int cmp_change_points(const double *series, size_t n, const struct cmp_cp_options *o,
                      struct cmp_step *steps, size_t max_steps);

#endif
