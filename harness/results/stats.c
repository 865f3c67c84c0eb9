#include "results/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted_copy(const double *values, size_t n)
{
    double *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return NULL;
    memcpy(s, values, n * sizeof *s);
    qsort(s, n, sizeof *s, compare_doubles);
    return s;
}

static double median_of_sorted(const double *s, size_t n)
{
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

double stats_median(const double *values, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = sorted_copy(values, n);
    if (!s)
        return NAN;
    double m = median_of_sorted(s, n);
    free(s);
    return m;
}

static double binomial_half_pmf(size_t n, size_t k)
{
    /* In log space so large n cannot underflow. */
    return exp(lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) -
               (double)n * M_LN2);
}

bool stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi, double *coverage)
{
    /* [X_(l), X_(n+1-l)] covers the median with probability 1 - 2 P(B <= l-1),
     * B ~ Binomial(n, 1/2); take the largest l (narrowest interval) that still
     * reaches `level`, accumulating the CDF as l grows. */
    size_t best = 0;
    double best_cov = 0.0, cdf = 0.0;
    for (size_t l = 1; 2 * l <= n; l++) {
        cdf += binomial_half_pmf(n, l - 1);
        double cov = 1.0 - 2.0 * cdf;
        if (cov < level)
            break;
        best = l;
        best_cov = cov;
    }
    if (best == 0)
        return false;
    *lo = best;
    *hi = n + 1 - best;
    *coverage = best_cov;
    return true;
}

void stats_summarize(const double *values, size_t n, struct stats_summary *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->min = out->max = out->median = out->mean = out->stddev = out->cv = NAN;
    out->ci_lo = out->ci_hi = out->ci_level = NAN;
    out->ci975_lo = out->ci975_hi = NAN;
    if (n == 0)
        return;
    double *s = sorted_copy(values, n);
    if (!s)
        return;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = median_of_sorted(s, n);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += s[i];
    out->mean = sum / (double)n;
    if (n > 1) {
        double ss = 0.0;
        for (size_t i = 0; i < n; i++)
            ss += (s[i] - out->mean) * (s[i] - out->mean);
        out->stddev = sqrt(ss / (double)(n - 1));
        out->cv = out->mean > 0 ? out->stddev / out->mean : NAN;
    }
    size_t lo, hi;
    double cov;
    if (stats_median_ci_ranks(n, 0.95, &lo, &hi, &cov)) {
        out->ci_available = true;
        out->ci_lo = s[lo - 1];
        out->ci_hi = s[hi - 1];
        out->ci_level = cov;
    }
    if (stats_median_ci_ranks(n, 0.975, &lo, &hi, &cov)) {
        out->ci975_available = true;
        out->ci975_lo = s[lo - 1];
        out->ci975_hi = s[hi - 1];
    }
    free(s);
}

void stats_ratio_interval(double a_lo, double a_hi, double b_lo, double b_hi, double *lo,
                          double *hi)
{
    *lo = b_hi > 0 ? a_lo / b_hi : NAN;
    *hi = b_lo > 0 ? a_hi / b_lo : NAN;
}
