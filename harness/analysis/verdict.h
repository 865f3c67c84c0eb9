/* The one rule by which every comparison with an interval is judged
 * (compare's regressions, the claims' ratios and rankings): where the
 * interval of the measured figure lies against a threshold band.
 *
 *   inside the band (edges included)            same
 *   wholly beyond one edge                      better or worse (by direction)
 *   across an edge (touching it from outside,   inconclusive: the data allow
 *   or wider than the band)                     both answers
 *   no interval (too few samples, NAN bounds,   inconclusive: nothing decides
 *   lo > hi)
 *
 * A band of one point ([1, 1]) asks "which side of 1", and a one-sided band
 * ([v, INFINITY]) asks "at least v".  Pure functions: no I/O, no state. */
#ifndef SL_VERDICT_H
#define SL_VERDICT_H

#include <stdbool.h>

enum verdict_outcome { OUTCOME_SAME, OUTCOME_BETTER, OUTCOME_WORSE, OUTCOME_INCONCLUSIVE };

/* Where the interval lies against the band. */
enum verdict_position {
    POSITION_INSIDE,
    POSITION_BELOW,     /* hi < band.lo */
    POSITION_ABOVE,     /* lo > band.hi */
    POSITION_STRADDLES, /* across one edge or both */
    POSITION_UNKNOWN,   /* no interval, or no band */
};

/* Closed; an edge may be -INFINITY or INFINITY. */
struct verdict_band {
    double lo, hi;
};

/* Which side of the band is better: above (a speedup) or below (a time). */
enum verdict_direction { HIGHER_IS_BETTER, LOWER_IS_BETTER };

struct verdict {
    enum verdict_outcome outcome;
    enum verdict_position position;
    double edge;      /* straddles: an edge the interval crosses (the lower); else NAN */
    bool both_edges;  /* straddles: it crosses both */
};

struct verdict verdict_judge(double lo, double hi, struct verdict_band band,
                             enum verdict_direction direction);

#endif
