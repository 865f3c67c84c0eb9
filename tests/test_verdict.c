/* The verdict rule on synthetic intervals: every edge of the band, from
 * either side, inside, outside, across one edge or both, degenerate, and
 * without an interval. */
#include "analysis/verdict.h"
#include "check.h"

#include <math.h>

static const struct verdict_band band = {0.95, 1.05};

static const char *name(enum verdict_outcome o)
{
    static const char *const names[] = {"same", "better", "worse", "inconclusive"};
    return names[o];
}

static void expect(double lo, double hi, struct verdict_band b, enum verdict_direction d,
                   enum verdict_outcome outcome, enum verdict_position position, double edge)
{
    struct verdict v = verdict_judge(lo, hi, b, d);
    CHECK(v.outcome == outcome, "[%g, %g] in [%g, %g]: %s, expected %s", lo, hi, b.lo, b.hi,
          name(v.outcome), name(outcome));
    CHECK(v.position == position, "[%g, %g] in [%g, %g]: position %d, expected %d", lo, hi, b.lo,
          b.hi, (int)v.position, (int)position);
    CHECK(isnan(edge) ? isnan(v.edge) : v.edge == edge, "[%g, %g]: edge %g, expected %g", lo, hi,
          v.edge, edge);
}

static void inside_is_same(void)
{
    expect(0.97, 1.03, band, LOWER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    /* The band is closed: the interval equal to it, or on one edge, is inside. */
    expect(0.95, 1.05, band, LOWER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    expect(0.95, 1.00, band, HIGHER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    expect(1.00, 1.05, band, HIGHER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    /* Degenerate intervals: a point inside, a point on an edge. */
    expect(1.0, 1.0, band, LOWER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    expect(1.05, 1.05, band, LOWER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    expect(0.95, 0.95, band, LOWER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
}

static void outside_is_decided_by_direction(void)
{
    expect(1.06, 1.20, band, LOWER_IS_BETTER, OUTCOME_WORSE, POSITION_ABOVE, NAN);
    expect(1.06, 1.20, band, HIGHER_IS_BETTER, OUTCOME_BETTER, POSITION_ABOVE, NAN);
    expect(0.50, 0.94, band, LOWER_IS_BETTER, OUTCOME_BETTER, POSITION_BELOW, NAN);
    expect(0.50, 0.94, band, HIGHER_IS_BETTER, OUTCOME_WORSE, POSITION_BELOW, NAN);
    /* Just beyond an edge, and a degenerate interval beyond it. */
    expect(nextafter(1.05, 2), 1.3, band, LOWER_IS_BETTER, OUTCOME_WORSE, POSITION_ABOVE, NAN);
    expect(0.8, nextafter(0.95, 0), band, LOWER_IS_BETTER, OUTCOME_BETTER, POSITION_BELOW, NAN);
    expect(2.0, 2.0, band, LOWER_IS_BETTER, OUTCOME_WORSE, POSITION_ABOVE, NAN);
    /* An interval reaching infinity beyond the band is still beyond it. */
    expect(1.5, INFINITY, band, HIGHER_IS_BETTER, OUTCOME_BETTER, POSITION_ABOVE, NAN);
}

static void across_an_edge_is_inconclusive(void)
{
    /* The case: "same" was printed for [0.575, 1.474]. */
    struct verdict v = verdict_judge(0.575, 1.474, band, LOWER_IS_BETTER);
    CHECK(v.outcome == OUTCOME_INCONCLUSIVE && v.position == POSITION_STRADDLES && v.both_edges &&
              v.edge == 0.95,
          "[0.575, 1.474] crosses both edges: inconclusive");
    expect(1.00, 1.10, band, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 1.05);
    expect(0.90, 1.00, band, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 0.95);
    /* Touching an edge from outside: one point of it is in the band. */
    expect(1.05, 1.20, band, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 1.05);
    expect(0.80, 0.95, band, HIGHER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 0.95);
    CHECK(!verdict_judge(1.0, 1.1, band, LOWER_IS_BETTER).both_edges, "one edge only");
    expect(-INFINITY, INFINITY, band, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES,
           0.95);
}

static void no_interval_is_inconclusive(void)
{
    expect(NAN, NAN, band, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_UNKNOWN, NAN);
    expect(NAN, 1.0, band, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_UNKNOWN, NAN);
    expect(1.0, NAN, band, HIGHER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_UNKNOWN, NAN);
    /* Reversed bounds are no interval. */
    expect(1.2, 1.1, band, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_UNKNOWN, NAN);
    /* Nor does a band with a NAN edge decide anything. */
    struct verdict_band broken = {NAN, 1.05};
    expect(1.2, 1.3, broken, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_UNKNOWN, NAN);
}

static void point_and_one_sided_bands(void)
{
    /* Which side of 1 (a time ratio): a point band. */
    struct verdict_band one = {1, 1};
    expect(1.1, 1.4, one, HIGHER_IS_BETTER, OUTCOME_BETTER, POSITION_ABOVE, NAN);
    expect(0.7, 0.9, one, HIGHER_IS_BETTER, OUTCOME_WORSE, POSITION_BELOW, NAN);
    expect(0.643, 1.49, one, HIGHER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 1);
    expect(1, 1.2, one, HIGHER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 1);
    expect(1, 1, one, HIGHER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    /* At least 3: [3, inf) is the band. */
    struct verdict_band at_least = {3, INFINITY};
    expect(3.2, 4.0, at_least, HIGHER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    expect(3.0, 4.0, at_least, HIGHER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    expect(2.5, 3.5, at_least, HIGHER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 3);
    expect(2.0, 2.9, at_least, HIGHER_IS_BETTER, OUTCOME_WORSE, POSITION_BELOW, NAN);
    /* At most 0.5: (-inf, 0.5]. */
    struct verdict_band at_most = {-INFINITY, 0.5};
    expect(0.2, 0.5, at_most, LOWER_IS_BETTER, OUTCOME_SAME, POSITION_INSIDE, NAN);
    expect(0.4, 0.6, at_most, LOWER_IS_BETTER, OUTCOME_INCONCLUSIVE, POSITION_STRADDLES, 0.5);
    expect(0.6, 0.7, at_most, LOWER_IS_BETTER, OUTCOME_WORSE, POSITION_ABOVE, NAN);
}

int main(void)
{
    inside_is_same();
    outside_is_decided_by_direction();
    across_an_edge_is_inconclusive();
    no_interval_is_inconclusive();
    point_and_one_sided_bands();
    return check_report("verdict");
}
