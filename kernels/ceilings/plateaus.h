/* ceilings: the plateaus of a working-set sweep.
 *
 * A sweep (`speedlab run ceilings --sizes ws=4K,ws=8K,...`) gives points
 * (working set, GB/s).  Where the working set fits a cache level the rate is
 * flat; between levels it falls.  A plateau is a run of at least
 * `min_points` consecutive points (ordered by working set) whose rates lie
 * within a factor 1 + tolerance of each other (max <= (1 + tolerance) x min);
 * its level is the median rate of its points.
 *
 * Found greedily from the smallest working set: each plateau is extended as
 * far as the rule allows, a point that starts no plateau is a transition.
 * Then neighbouring plateaus whose levels are within the same tolerance are
 * one plateau split by an outlier, and are merged (the merged level is the
 * median of all their points).  Deterministic: the same points give the same
 * plateaus.  Pure C, no I/O.
 */
#ifndef SL_CEILINGS_PLATEAUS_H
#define SL_CEILINGS_PLATEAUS_H

#include <stddef.h>

struct ceilings_plateau {
    size_t first, last;   /* indices of its first and last point */
    double bytes_lo;      /* working set of its first point */
    double bytes_hi;      /* and of its last */
    double level;         /* median rate of its points */
};

/* Finds the plateaus of n points (bytes[i], rate[i]): bytes strictly
 * increasing and positive, rates positive and finite, tolerance in (0, 1],
 * min_points >= 2.  Writes at most `capacity` plateaus, in order of working
 * set, and their number to *found.  -1 with sl_fail() on input that breaks
 * these rules, or more plateaus than capacity. */
int ceilings_find_plateaus(const double *bytes, const double *rate, size_t n, double tolerance,
                           size_t min_points, struct ceilings_plateau *out, size_t capacity,
                           size_t *found);

#endif
