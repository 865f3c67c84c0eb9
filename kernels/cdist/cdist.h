/* cdist — pairwise Euclidean distances, float64 (SPEC 1.4).
 *
 * X (m x p) and Y (n x p), row-major.  Reference loop:
 *
 *     for i in 0 .. m-1:
 *         for j in 0 .. n-1:
 *             s = 0
 *             for k in 0 .. p-1:
 *                 s += (X[i][k] - Y[j][k])^2
 *             D[i][j] = sqrt(s)
 *
 * Output: D (m x n, row-major, double).  Figure of merit: GFLOP/s of the
 * direct computation, 3 m n p (subtract, multiply, add per element; the
 * sqrt not counted), the same nominal count for every variant so their
 * rates compare like their times (the GEMM identity does 2 m n p).
 */
#ifndef SL_CDIST_H
#define SL_CDIST_H

#include "kit/sl.h"

#include <stddef.h>

struct cdist_problem {
    size_t m, n, p;
    double *x;   /* m x p */
    double *y;   /* n x p */
    double *out; /* m x n */
    /* The reference, computed at the first validation and kept: squared
     * distances and squared row norms, each a long double sum rounded. */
    double *ref_sq, *x_norm2, *y_norm2;
    size_t near_duplicates, identical; /* Y rows made from X rows */
    char size_name[48];
    char source[200];
};

/* A Y row that copies X row (near-duplicate: plus noise of this scale), so
 * the GEMM identity's cancellation shows: every 16th Y row from 5 on is a
 * near-duplicate, every 16th from 11 on an exact copy. */
#define CDIST_NEAR_NOISE 1e-6
#define CDIST_NEAR_DUPLICATE_PHASE 5
#define CDIST_IDENTICAL_PHASE 11
/* The X row that Y row j copies, for rows of the two phases above. */
static inline size_t cdist_source_row(size_t j, size_t m)
{
    return (j / 16 * 7 + 3) % m;
}

/* Reference squared distance of (i, j): a long double sum. */
double cdist_reference_sq(const struct cdist_problem *p, size_t i, size_t j);
/* The validation tolerance on squared distances: |got^2 - ref^2| <= this
 * times (||x_i||^2 + ||y_j||^2). */
double cdist_tolerance(size_t p);

void cdist_work(const void *problem, struct sl_work *w);

extern const struct sl_variant cdist_variants[];
extern const struct sl_workload cdist_workload;

#endif
