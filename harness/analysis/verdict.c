#include "analysis/verdict.h"

#include <math.h>

static enum verdict_position position_of(double lo, double hi, struct verdict_band b)
{
    /* NAN compares false everywhere, so it is caught here and nowhere else. */
    if (!(lo <= hi) || !(b.lo <= b.hi))
        return POSITION_UNKNOWN;
    if (hi < b.lo)
        return POSITION_BELOW;
    if (lo > b.hi)
        return POSITION_ABOVE;
    if (lo >= b.lo && hi <= b.hi)
        return POSITION_INSIDE;
    return POSITION_STRADDLES;
}

struct verdict verdict_judge(double lo, double hi, struct verdict_band band,
                             enum verdict_direction direction)
{
    struct verdict v = {.outcome = OUTCOME_INCONCLUSIVE,
                        .position = position_of(lo, hi, band),
                        .edge = NAN};
    bool higher = direction == HIGHER_IS_BETTER;
    switch (v.position) {
    case POSITION_INSIDE: v.outcome = OUTCOME_SAME; break;
    case POSITION_BELOW: v.outcome = higher ? OUTCOME_WORSE : OUTCOME_BETTER; break;
    case POSITION_ABOVE: v.outcome = higher ? OUTCOME_BETTER : OUTCOME_WORSE; break;
    case POSITION_STRADDLES:
        v.both_edges = lo < band.lo && hi > band.hi;
        v.edge = lo < band.lo ? band.lo : band.hi;
        break;
    case POSITION_UNKNOWN: break;
    }
    return v;
}
