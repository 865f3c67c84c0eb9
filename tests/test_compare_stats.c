/* Regression statistics on deterministic synthetic timings: a real 20 %
 * slowdown is flagged, same-distribution pairs rarely are, a history's one
 * step is found where it is and nowhere else. */
#include "analysis/compare_stats.h"
#include "kit/workload_kit.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>

/* Timings as a shared machine produces them: log-normal around `median` with
 * coefficient of variation `cv`, and now and then (5 %) a slow outlier from an
 * interruption (+30..80 %). */
static void noisy_timings(uint64_t *rng, double median, double cv, double *out, size_t n)
{
    double sigma = sqrt(log(1 + cv * cv));
    for (size_t i = 0; i < n; i++) {
        double z[2];
        sl_rng_normal_pair(rng, z);
        out[i] = median * exp(sigma * z[0]);
        if (sl_rng_uniform01(rng) < 0.05)
            out[i] *= 1.3 + 0.5 * sl_rng_uniform01(rng);
    }
}

static void exact_values(void)
{
    const double a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
    bool exact;
    double p = cmp_mann_whitney_p(a, 3, b, 3, &exact);
    CHECK(exact && fabs(p - 0.1) < 1e-12, "3 vs 3 separated: p = 2/20, got %g", p);
    p = cmp_mann_whitney_p(a, 4, b, 4, &exact);
    CHECK(exact && fabs(p - 2.0 / 70) < 1e-12, "4 vs 4 separated: p = 2/70, got %g", p);
    CHECK(fabs(cmp_mann_whitney_min_p(4, 4) - 2.0 / 70) < 1e-12, "min p 4 vs 4");
    /* Interleaved: U = 8 of 16 in the middle, p = 1. */
    const double c[] = {1, 3, 5, 7}, d[] = {2, 4, 6, 8};
    p = cmp_mann_whitney_p(c, 4, d, 4, &exact);
    CHECK(p > 0.6, "interleaved samples: p %g", p);
    /* Ties switch to the normal approximation, which stays close to exact. */
    const double e[] = {1, 2, 2, 3, 4, 5, 6}, f[] = {4, 5, 7, 8, 8, 9, 10};
    p = cmp_mann_whitney_p(e, 7, f, 7, &exact);
    CHECK(!exact && p > 0.005 && p < 0.05, "tied samples: normal approximation p %g", p);
    /* Exact and normal agree for moderate samples without ties. */
    uint64_t rng = 7;
    double x[30], y[30];
    noisy_timings(&rng, 1.0, 0.05, x, 30);
    noisy_timings(&rng, 1.03, 0.05, y, 30);
    double pe = cmp_mann_whitney_p(x, 30, y, 30, &exact);
    CHECK(exact, "30 vs 30 without ties is exact");
    double px = cmp_mann_whitney_p(x, 30, y, 30, NULL);
    CHECK(px == pe, "same p twice");

    const double raw[] = {0.01, 0.04, 0.03, 0.005, NAN};
    double adj[5];
    cmp_holm(raw, 5, adj);
    CHECK(fabs(adj[3] - 0.02) < 1e-12 && fabs(adj[0] - 0.03) < 1e-12 &&
              fabs(adj[2] - 0.06) < 1e-12 && fabs(adj[1] - 0.06) < 1e-12 && isnan(adj[4]),
          "Holm: %g %g %g %g", adj[0], adj[1], adj[2], adj[3]);
}

static const size_t rep_counts[] = {7, 10, 15, 30};
static const double cvs[] = {0.03, 0.05, 0.10};

/* A 20 % slowdown is never "same" nor "faster": it is flagged slower, or
 * inconclusive while the ratio's interval still reaches into the 5 % band.
 * Where the repetitions make that interval narrow (10 or more at CV 5 %, 30
 * at CV 10 %) it is flagged in (nearly) every trial: 19 of 20; with 7 at CV
 * 5 % in most: 15 of 20.  Wider, the honest answer is often inconclusive. */
static void slowdown_is_flagged(void)
{
    uint64_t rng = 2026;
    for (size_t r = 0; r < 4; r++)
        for (size_t c = 0; c < 3; c++) {
            int slower = 0, faster = 0, wrong = 0, trials = 20;
            size_t n = rep_counts[r];
            for (int trial = 0; trial < trials; trial++) {
                double base[30], slow[30];
                noisy_timings(&rng, 0.02, cvs[c], base, n);
                noisy_timings(&rng, 0.02 * 1.2, cvs[c], slow, n);
                struct cmp_pair cp;
                CHECK(cmp_pair_compute(base, n, slow, n, &cp) == 0, "compute");
                enum verdict_outcome v = cmp_pair_verdict(&cp, cp.p, 0.05, 0.05).outcome;
                slower += v == OUTCOME_WORSE;
                wrong += v == OUTCOME_SAME || v == OUTCOME_BETTER;
                CHECK(!cp.ratio_ci_available ||
                          (cp.ratio_lo <= cp.ratio && cp.ratio <= cp.ratio_hi),
                      "ratio inside its interval");
                /* The same in reverse is faster. */
                CHECK(cmp_pair_compute(slow, n, base, n, &cp) == 0, "compute");
                v = cmp_pair_verdict(&cp, cp.p, 0.05, 0.05).outcome;
                faster += v == OUTCOME_BETTER;
                wrong += v == OUTCOME_SAME || v == OUTCOME_WORSE;
            }
            bool narrow = (n >= 10 && cvs[c] <= 0.05) || n >= 30;
            int need = narrow ? trials - 1 : cvs[c] <= 0.05 ? 15 : 0;
            printf("20%% slowdown, n %2zu, cv %4.2f: %2d/%d flagged slower, %2d/%d faster in "
                   "reverse, the rest inconclusive\n",
                   n, cvs[c], slower, trials, faster, trials);
            CHECK(wrong == 0, "n %zu, cv %g: %d verdicts same or the wrong way", n, cvs[c], wrong);
            CHECK(slower >= need && faster >= need, "n %zu, cv %g: %d and %d of %d flagged", n,
                  cvs[c], slower, faster, trials);
        }
}

static void same_distribution_is_rarely_flagged(void)
{
    uint64_t rng = 99;
    for (size_t r = 0; r < 4; r++)
        for (size_t c = 0; c < 3; c++) {
            int slower = 0, faster = 0;
            for (int pair = 0; pair < 100; pair++) {
                double a[30], b[30];
                size_t n = rep_counts[r];
                noisy_timings(&rng, 0.01, cvs[c], a, n);
                noisy_timings(&rng, 0.01, cvs[c], b, n);
                struct cmp_pair cp;
                cmp_pair_compute(a, n, b, n, &cp);
                enum verdict_outcome v = cmp_pair_verdict(&cp, cp.p, 0.05, 0.05).outcome;
                slower += v == OUTCOME_WORSE;
                faster += v == OUTCOME_BETTER;
            }
            printf("same distribution, n %2zu, cv %4.2f: %d/100 slower, %d/100 faster\n",
                   rep_counts[r], cvs[c], slower, faster);
            CHECK(slower <= 5 && faster <= 5,
                  "100 same-distribution pairs, n %zu, cv %g: %d slower, %d faster",
                  rep_counts[r], cvs[c], slower, faster);
        }
}

static void too_few_repetitions_is_inconclusive(void)
{
    const double a[] = {1.0, 1.01, 0.99}, b[] = {2.0, 2.02, 1.98};
    struct cmp_pair cp;
    cmp_pair_compute(a, 3, b, 3, &cp);
    struct verdict v = cmp_pair_verdict(&cp, cp.p, 0.05, 0.05);
    CHECK(v.outcome == OUTCOME_INCONCLUSIVE && v.position == POSITION_UNKNOWN,
          "3 vs 3: no interval, p cannot reach 0.05: inconclusive, not same");
    CHECK(!cp.ratio_ci_available, "no ratio interval below 7 repetitions");
}

/* The verdict is the interval's against 1 +- threshold, with p deciding
 * only whether a change beyond the band is established. */
static void verdict_follows_the_interval(void)
{
    struct cmp_pair cp = {.n_base = 15, .n_new = 15, .ratio_ci_available = true, .min_p = 1e-8};
    struct {
        double ratio, lo, hi, p;
        enum verdict_outcome outcome;
    } cases[] = {
        {1.0, 0.575, 1.474, 0.9, OUTCOME_INCONCLUSIVE}, /* was printed "same" */
        {1.0, 0.98, 1.03, 0.6, OUTCOME_SAME},
        {1.04, 1.02, 1.05, 0.001, OUTCOME_SAME},         /* real, but below the threshold */
        {1.2, 1.1, 1.3, 0.001, OUTCOME_WORSE},
        {1.2, 1.1, 1.3, 0.2, OUTCOME_INCONCLUSIVE},      /* beyond, not significant */
        {1.2, 1.04, 1.3, 0.001, OUTCOME_INCONCLUSIVE},   /* crosses 1.05 */
        {1.2, 1.05, 1.3, 0.001, OUTCOME_INCONCLUSIVE},   /* touches 1.05 */
        {0.8, 0.7, 0.9, 0.001, OUTCOME_BETTER},
        {0.8, 0.7, 0.95, 0.001, OUTCOME_INCONCLUSIVE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cp.ratio = cases[i].ratio;
        cp.ratio_lo = cases[i].lo;
        cp.ratio_hi = cases[i].hi;
        enum verdict_outcome got = cmp_pair_verdict(&cp, cases[i].p, 0.05, 0.05).outcome;
        CHECK(got == cases[i].outcome, "[%g, %g], p %g: outcome %d, expected %d", cases[i].lo,
              cases[i].hi, cases[i].p, (int)got, (int)cases[i].outcome);
    }
    cp.ratio_ci_available = false;
    cp.ratio_lo = cp.ratio_hi = NAN;
    CHECK(cmp_pair_verdict(&cp, 0.001, 0.05, 0.05).outcome == OUTCOME_INCONCLUSIVE,
          "no interval: inconclusive whatever p says");
}

/* Medians of successive runs: log-normal, CV 3 %; wild points are placed by
 * each test. */
static void history(uint64_t *rng, double *x, size_t n, size_t step_at, double step)
{
    double sigma = sqrt(log(1 + 0.03 * 0.03));
    for (size_t i = 0; i < n; i++) {
        double z[2];
        sl_rng_normal_pair(rng, z);
        x[i] = exp(sigma * z[0]);
    }
    for (size_t i = step_at; i < n; i++)
        x[i] *= 1 + step;
}

static void change_points(void)
{
    struct cmp_cp_options o;
    cmp_cp_defaults(&o);
    struct cmp_step steps[8];
    uint64_t rng = 5;
    const size_t ks[] = {3, 10, 17, 27};
    const double sizes[] = {0.2, -0.12, 0.3, 0.2}; /* 4-7 noise sigmas; 3 points at an end */
    for (int seed_round = 0; seed_round < 10; seed_round++)
        for (size_t i = 0; i < 4; i++) {
            double x[30];
            history(&rng, x, 30, ks[i], sizes[i]);
            x[(ks[i] + 7) % 30] *= 1.6; /* one wild point, which is no step */
            int found = cmp_change_points(x, 30, &o, steps, 8);
            CHECK(found == 1 && steps[0].index == ks[i],
                  "step of %+.0f%% at %zu: found %d, first at %zu", 100 * sizes[i], ks[i], found,
                  found > 0 ? steps[0].index : 0);
        }
    /* Outliers alone, anywhere (also at the ends), are not change points. */
    for (int round = 0; round < 50; round++) {
        double x[25];
        history(&rng, x, 25, 25, 0);
        x[0] *= 1.5;
        x[12] *= 2.0;
        x[24] *= 1.7;
        int found = cmp_change_points(x, 25, &o, steps, 8);
        CHECK(found == 0, "outliers only: %d change points, first at %zu", found,
              found > 0 ? steps[0].index : 0);
    }
    /* Two steps, both found in order. */
    double x[40];
    history(&rng, x, 40, 12, 0.2);
    for (size_t i = 28; i < 40; i++)
        x[i] *= 0.7;
    int found = cmp_change_points(x, 40, &o, steps, 8);
    CHECK(found == 2 && steps[0].index == 12 && steps[1].index == 28, "two steps: %d at %zu, %zu",
          found, steps[0].index, steps[1].index);
    /* A constant series has no step (zero noise must not divide by zero). */
    double flat[10] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    CHECK(cmp_change_points(flat, 10, &o, steps, 8) == 0, "flat series");
}

int main(void)
{
    exact_values();
    slowdown_is_flagged();
    same_distribution_is_rarely_flagged();
    too_few_repetitions_is_inconclusive();
    verdict_follows_the_interval();
    change_points();
    return check_report("compare_stats");
}
