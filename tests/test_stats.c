#include "check.h"
#include "results/stats.h"

#include <math.h>

static void test_basic_summary(void)
{
    const double v[] = {5, 1, 4, 2, 3};
    struct stats_summary s;
    stats_summarize(v, 5, &s);
    CHECK(s.n == 5, "n=%zu", s.n);
    CHECK(s.min == 1 && s.max == 5, "min %g max %g", s.min, s.max);
    CHECK(s.median == 3, "median %g", s.median);
    CHECK(fabs(s.mean - 3) < 1e-12, "mean %g", s.mean);
    CHECK(fabs(s.stddev - sqrt(2.5)) < 1e-12, "stddev %g", s.stddev);
    CHECK(fabs(s.cv - sqrt(2.5) / 3) < 1e-12, "cv %g", s.cv);
    /* 5 samples cannot give 95 %: [min, max] covers only 1 - 2/32. */
    CHECK(!s.ci_available, "ci with n=5");
    const double even[] = {4, 1, 3, 2};
    CHECK(stats_median(even, 4) == 2.5, "even median %g", stats_median(even, 4));
}

static void test_median_ci(void)
{
    size_t lo, hi;
    double cov;
    /* n = 6: [x1, x6] covers 1 - 2/64 = 0.96875. */
    CHECK(stats_median_ci_ranks(6, 0.95, &lo, &hi, &cov), "n=6 has a CI");
    CHECK(lo == 1 && hi == 6 && fabs(cov - 0.96875) < 1e-12, "n=6: %zu %zu %g", lo, hi, cov);
    /* Textbook values: n = 10 -> ranks 2 and 9 (0.9785); n = 20 -> 6 and 15 (0.9586). */
    CHECK(stats_median_ci_ranks(10, 0.95, &lo, &hi, &cov) && lo == 2 && hi == 9,
          "n=10: %zu %zu", lo, hi);
    CHECK(fabs(cov - 0.978515625) < 1e-9, "n=10 coverage %g", cov);
    CHECK(stats_median_ci_ranks(20, 0.95, &lo, &hi, &cov) && lo == 6 && hi == 15,
          "n=20: %zu %zu", lo, hi);
    CHECK(stats_median_ci_ranks(100, 0.95, &lo, &hi, &cov) && lo == 40 && hi == 61,
          "n=100: %zu %zu cov %g", lo, hi, cov);
    CHECK(cov >= 0.95, "coverage %g", cov);
    /* Large n must not underflow to nonsense. */
    CHECK(stats_median_ci_ranks(5000, 0.95, &lo, &hi, &cov) && lo > 2400 && hi < 2600,
          "n=5000: %zu %zu", lo, hi);
    /* 97.5 % intervals (two of them make a 95 % interval of a ratio). */
    CHECK(!stats_median_ci_ranks(6, 0.975, &lo, &hi, &cov), "n=6 has no 97.5 %% CI");
    CHECK(stats_median_ci_ranks(7, 0.975, &lo, &hi, &cov) && lo == 1 && hi == 7,
          "n=7 at 97.5 %%: %zu %zu", lo, hi);
    CHECK(stats_median_ci_ranks(10, 0.975, &lo, &hi, &cov) && lo == 2 && hi == 9 && cov >= 0.975,
          "n=10 at 97.5 %%: %zu %zu %g", lo, hi, cov);
    double v[20];
    for (int i = 0; i < 20; i++)
        v[i] = 20 - i; /* 20..1 */
    struct stats_summary s;
    stats_summarize(v, 20, &s);
    CHECK(s.ci_available && s.ci_lo == 6 && s.ci_hi == 15, "ci [%g, %g]", s.ci_lo, s.ci_hi);
    size_t lo975, hi975;
    CHECK(stats_median_ci_ranks(20, 0.975, &lo975, &hi975, &cov), "n=20 at 97.5 %%");
    CHECK(s.ci975_available && s.ci975_lo == (double)lo975 && s.ci975_hi == (double)hi975 &&
              s.ci975_lo <= s.ci_lo,
          "ci975 [%g, %g] from ranks %zu %zu", s.ci975_lo, s.ci975_hi, lo975, hi975);
}

static void test_degenerate(void)
{
    struct stats_summary s;
    stats_summarize(NULL, 0, &s);
    CHECK(isnan(s.median) && isnan(s.mean) && !s.ci_available, "empty");
    const double one[] = {2.0};
    stats_summarize(one, 1, &s);
    CHECK(s.median == 2.0 && isnan(s.stddev) && isnan(s.cv), "single: sd %g", s.stddev);
    double lo, hi;
    stats_ratio_interval(10, 12, 4, 5, &lo, &hi);
    CHECK(lo == 2.0 && hi == 3.0, "ratio [%g, %g]", lo, hi);
}

int main(void)
{
    test_basic_summary();
    test_median_ci();
    test_degenerate();
    return check_report("test_stats");
}
