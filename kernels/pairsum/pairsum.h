/* pairsum — pairwise product sum (SPEC 1.2; the Cython/OpenMP tutorial's T1/T2).
 *
 * Reference loop, over the full n x n square (i and j both 0 .. n-1):
 *
 *     S = 0
 *     for i in 0 .. n-1:
 *         for j in 0 .. n-1:
 *             S += x[i] * x[j]
 *
 * Algebraically S = (sum x)^2; every variant but `algebraic` does the n^2
 * loop, and they differ in how the threads combine their terms into one sum
 * (a racy shared accumulator, atomics, a critical section, a reduction,
 * per-thread partials packed or padded).  Output: one double.  Figure of
 * merit: pairs (terms) per second.
 */
#ifndef SL_PAIRSUM_H
#define SL_PAIRSUM_H

#include "kit/sl.h"

#include <stdbool.h>
#include <stddef.h>

/* Validation: |S - reference| <= PAIRSUM_TOL_SCALE * (sum |x|)^2, relative
 * to the scale of the terms and not to S itself: S = (sum x)^2 is ~n/3 for
 * x uniform in (-1, 1], tiny next to the terms' scale ~n^2/4, and 0 for a
 * vector that sums to 0.  Summing the n^2 terms in any order has a rounding
 * error of a few eps times the scale (measured: at most 3e-16 of it at tiny,
 * small and large); one lost term of average size is scale / n^2, above this
 * tolerance for every n below 10^6. */
#define PAIRSUM_TOL_SCALE 1e-12

struct pairsum_problem {
    size_t n;
    double *x;         /* n values, 64-byte aligned */
    double sum;        /* the variant's result; NaN until written */
    double sum_x;      /* sum x, in long double then rounded */
    double scale;      /* (sum |x|)^2: the sum of |x_i x_j| over all pairs */
    double largest_term; /* max |x_i|^2, for the corrupt_output hook */
    double reference;  /* the double loop in long double; valid once computed */
    bool reference_ready;
    char size_name[48];
    char source[256];
};

/* Recomputes sum x, the scale and the largest term after x has changed
 * (create calls it; tests that set x by hand too), and forgets the cached
 * reference. */
void pairsum_refresh(struct pairsum_problem *p);

/* The straightforward double loop, accumulated in long double (at least a
 * 64-bit mantissa on x86-64) so its own error is far below the tolerance.  Rows
 * are summed in parallel, each in order, and the row sums added in order:
 * the value does not depend on the thread count.  Cached in the problem. */
double pairsum_reference(struct pairsum_problem *p);

/* Work models (per execution). */
void pairsum_work_pairs(const void *problem, struct sl_work *w);
void pairsum_work_algebraic(const void *problem, struct sl_work *w);

/* The variant table (variants.c), terminated by an entry without a name. */
extern const struct sl_variant pairsum_variants[];
extern const struct sl_workload pairsum_workload;

#endif
