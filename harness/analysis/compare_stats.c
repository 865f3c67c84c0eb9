#include "analysis/compare_stats.h"

#include "kit/sl.h"
#include "results/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Number of orderings of m values of A and n of B with U_A = u, for u in
 * 0..m*n, as doubles (exact below 2^53; beyond, relative error ~1e-16, which
 * a p-value does not notice).  Built up one B value at a time:
 * f(u; m, n) = f(u - n; m - 1, n) + f(u; m, n - 1). */
static double *u_distribution(size_t m, size_t n)
{
    size_t width = m * n + 1;
    double *table = calloc((m + 1) * width, sizeof *table);
    if (!table)
        return NULL;
    for (size_t i = 0; i <= m; i++)
        table[i * width] = 1.0; /* n = 0: only U = 0 */
    for (size_t nn = 1; nn <= n; nn++)
        for (size_t i = 1; i <= m; i++) {
            double *row = table + i * width;
            const double *prev = table + (i - 1) * width;
            for (size_t u = m * n + 1; u-- > nn;)
                row[u] += prev[u - nn];
        }
    double *last = malloc(width * sizeof *last);
    if (last)
        memcpy(last, table + m * width, width * sizeof *last);
    free(table);
    return last;
}

static double exact_p(size_t na, size_t nb, double u)
{
    double *f = u_distribution(na, nb);
    if (!f)
        return NAN;
    size_t top = na * nb;
    double total = 0, below = 0, above = 0;
    for (size_t k = 0; k <= top; k++) {
        total += f[k];
        if ((double)k <= u)
            below += f[k];
        if ((double)k >= u)
            above += f[k];
    }
    free(f);
    double p = 2.0 * fmin(below, above) / total;
    return p > 1.0 ? 1.0 : p;
}

double cmp_mann_whitney_min_p(size_t na, size_t nb)
{
    if (na == 0 || nb == 0)
        return NAN;
    /* 2 / C(na + nb, na): U at either extreme has one ordering each. */
    double log_c = lgamma((double)(na + nb) + 1) - lgamma((double)na + 1) - lgamma((double)nb + 1);
    double p = 2.0 * exp(-log_c);
    return p > 1.0 ? 1.0 : p;
}

double cmp_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, bool *exact)
{
    if (exact)
        *exact = false;
    if (na == 0 || nb == 0)
        return NAN;
    size_t n = na + nb;
    struct tagged {
        double v;
        int from_a;
    } *all = malloc(n * sizeof *all);
    if (!all)
        return NAN;
    for (size_t i = 0; i < na; i++)
        all[i] = (struct tagged){a[i], 1};
    for (size_t j = 0; j < nb; j++)
        all[na + j] = (struct tagged){b[j], 0};
    qsort(all, n, sizeof *all, compare_doubles); /* v is the first member */

    /* Midranks; the sum of A's ranks gives U_A; tie groups feed the variance. */
    double rank_sum_a = 0, tie_term = 0;
    bool ties = false;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && all[j].v == all[i].v)
            j++;
        double t = (double)(j - i), midrank = 0.5 * ((double)i + 1 + (double)j);
        if (j - i > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        for (size_t k = i; k < j; k++)
            if (all[k].from_a)
                rank_sum_a += midrank;
        i = j;
    }
    free(all);
    double u = rank_sum_a - (double)na * ((double)na + 1) / 2;

    if (!ties && na <= CMP_EXACT_MAX && nb <= CMP_EXACT_MAX) {
        if (exact)
            *exact = true;
        return exact_p(na, nb, u);
    }
    double dn = (double)n, mean = (double)na * (double)nb / 2;
    double var = (double)na * (double)nb / 12 * ((dn + 1) - tie_term / (dn * (dn - 1)));
    if (!(var > 0))
        return 1.0; /* every value equal */
    double z = (fabs(u - mean) - 0.5) / sqrt(var);
    if (z < 0)
        z = 0;
    return erfc(z / M_SQRT2);
}

void cmp_holm(const double *p, size_t n, double *adjusted)
{
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        adjusted[i] = p[i];
        if (order && !isnan(p[i]))
            order[m++] = i;
    }
    if (!order) {
        /* No memory for the ordering: Bonferroni is valid, only less powerful. */
        for (size_t i = 0; i < n; i++)
            adjusted[i] = isnan(p[i]) ? p[i] : fmin(1.0, p[i] * (double)n);
        return;
    }
    /* Insertion sort by p: a few hundred comparisons at most. */
    for (size_t i = 1; i < m; i++)
        for (size_t k = i; k > 0 && p[order[k]] < p[order[k - 1]]; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    double running = 0;
    for (size_t k = 0; k < m; k++) {
        double a = fmin(1.0, (double)(m - k) * p[order[k]]);
        running = fmax(running, a); /* monotone: never below a smaller p's */
        adjusted[order[k]] = running;
    }
    free(order);
}

/* The rank of the 95 % Hodges-Lehmann interval's lower end among the sorted
 * pairwise differences: the largest k with P(U <= k - 1) <= 0.025 under no
 * difference (exact up to CMP_EXACT_MAX repetitions a side, normal beyond);
 * 0 when the sizes cannot reach that level. */
static size_t hl_rank(size_t na, size_t nb)
{
    const double tail = 0.025;
    double mn = (double)na * (double)nb;
    if (na > CMP_EXACT_MAX || nb > CMP_EXACT_MAX) {
        double z = 1.959963984540054; /* the normal's 97.5 % point */
        double k = floor(mn / 2 - z * sqrt(mn * (double)(na + nb + 1) / 12));
        return k >= 1 ? (size_t)k : 0;
    }
    double *f = u_distribution(na, nb);
    if (!f)
        return 0;
    double total = 0, below = 0;
    for (size_t u = 0; u <= na * nb; u++)
        total += f[u];
    size_t k = 0;
    for (size_t u = 0; u <= na * nb; u++) {
        below += f[u];
        if (below / total > tail)
            break;
        k = u + 1;
    }
    free(f);
    return k;
}

/* The 95 % interval of NEW/BASE that goes with the Mann-Whitney test: the
 * Hodges-Lehmann interval of the shift of log times, from the sorted
 * differences log(new_j) - log(base_i).  Far tighter than the two medians'
 * intervals put together, at the same coverage for a shift.  0, or -1 when
 * too few repetitions or too many pairs (out of memory). */
static int hl_ratio_interval(const double *base, size_t nb, const double *fresh, size_t nn,
                             double *lo, double *hi)
{
    size_t k = hl_rank(nb, nn), pairs = nb * nn;
    if (k == 0 || pairs > CMP_HL_MAX_PAIRS)
        return -1;
    double *d = malloc(pairs * sizeof *d);
    if (!d)
        return -1;
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < nn; j++)
            d[i * nn + j] = log(fresh[j]) - log(base[i]);
    for (size_t i = 0; i < pairs; i++)
        if (!isfinite(d[i])) { /* a time of 0: no ratio */
            free(d);
            return -1;
        }
    qsort(d, pairs, sizeof *d, compare_doubles);
    *lo = exp(d[k - 1]);
    *hi = exp(d[pairs - k]);
    free(d);
    return 0;
}

int cmp_pair_compute(const double *base, size_t nb, const double *fresh, size_t nn,
                     struct cmp_pair *out)
{
    memset(out, 0, sizeof *out);
    out->n_base = nb;
    out->n_new = nn;
    if (nb == 0 || nn == 0)
        return sl_fail("no repetitions to compare");
    struct stats_summary sb, sn;
    stats_summarize(base, nb, &sb);
    stats_summarize(fresh, nn, &sn);
    out->median_base = sb.median;
    out->median_new = sn.median;
    out->ratio = sn.median / sb.median;
    out->ratio_lo = out->ratio_hi = NAN;
    /* Past CMP_HL_MAX_PAIRS pairs, the two medians' 97.5 % intervals (wider,
     * at least 95 % together). */
    out->ratio_ci_available =
        hl_ratio_interval(base, nb, fresh, nn, &out->ratio_lo, &out->ratio_hi) == 0;
    if (!out->ratio_ci_available && sb.ci975_available && sn.ci975_available) {
        out->ratio_ci_available = true;
        stats_ratio_interval(sn.ci975_lo, sn.ci975_hi, sb.ci975_lo, sb.ci975_hi, &out->ratio_lo,
                             &out->ratio_hi);
    }
    out->p = cmp_mann_whitney_p(base, nb, fresh, nn, &out->p_exact);
    out->min_p = cmp_mann_whitney_min_p(nb, nn);
    return isnan(out->p) ? sl_fail("out of memory in the Mann-Whitney test") : 0;
}

struct verdict cmp_pair_verdict(const struct cmp_pair *c, double p, double alpha,
                                double threshold)
{
    double lo = c->ratio_ci_available ? c->ratio_lo : NAN;
    double hi = c->ratio_ci_available ? c->ratio_hi : NAN;
    struct verdict v = verdict_judge(lo, hi, (struct verdict_band){1 - threshold, 1 + threshold},
                                     LOWER_IS_BETTER);
    /* Beyond the band but not significant (after adjustment, or with too few
     * repetitions to reach alpha at all): undecided. */
    if ((v.outcome == OUTCOME_BETTER || v.outcome == OUTCOME_WORSE) && !(p < alpha))
        v.outcome = OUTCOME_INCONCLUSIVE;
    return v;
}

void cmp_cp_defaults(struct cmp_cp_options *o)
{
    o->min_segment = CMP_CP_MIN_SEGMENT;
    o->threshold = CMP_CP_THRESHOLD_PERCENT / 100.0;
    o->min_t = 4.0;
}

static double median_of(const double *x, size_t n, double *scratch)
{
    memcpy(scratch, x, n * sizeof *scratch);
    qsort(scratch, n, sizeof *scratch, compare_doubles);
    return n % 2 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]);
}

struct cp_search {
    const double *x;
    const struct cmp_cp_options *o;
    double sigma; /* noise of one point */
    double *scratch;
    struct cmp_step *steps;
    size_t max_steps;
    int found;
};

static void segment(struct cp_search *s, size_t lo, size_t hi)
{
    size_t L = s->o->min_segment;
    if (hi - lo < 2 * L)
        return;
    /* Where: the split with the least absolute deviation from each side's
     * median (the likelihood under Laplace noise): a wild point costs its
     * distance wherever the split is, so it cannot attract it, and unlike a
     * standardised statistic this does not favour splits in the middle. */
    double best_cost = INFINITY;
    size_t best_k = 0;
    for (size_t k = lo + L; k + L <= hi; k++) {
        double cost = 0;
        double m = median_of(s->x + lo, k - lo, s->scratch);
        for (size_t i = lo; i < k; i++)
            cost += fabs(s->x[i] - m);
        m = median_of(s->x + k, hi - k, s->scratch);
        for (size_t i = k; i < hi; i++)
            cost += fabs(s->x[i] - m);
        if (cost < best_cost) {
            best_cost = cost;
            best_k = k;
        }
    }
    /* Whether: the medians either side, against the noise. */
    double before = median_of(s->x + lo, best_k - lo, s->scratch);
    double after = median_of(s->x + best_k, hi - best_k, s->scratch);
    /* The standard error of a median is about 1.2533 sigma / sqrt(n). */
    double se = 1.2533 * s->sigma * sqrt(1.0 / (double)(best_k - lo) + 1.0 / (double)(hi - best_k));
    double diff = fabs(after - before);
    double t = diff == 0 ? 0 : se > 0 ? diff / se : INFINITY;
    if (t < s->o->min_t || !(diff > s->o->threshold * fabs(before)))
        return;
    segment(s, lo, best_k);
    if ((size_t)s->found < s->max_steps)
        s->steps[s->found] = (struct cmp_step){best_k, before, after, t};
    s->found++;
    segment(s, best_k, hi);
}

int cmp_change_points(const double *series, size_t n, const struct cmp_cp_options *o,
                      struct cmp_step *steps, size_t max_steps)
{
    if (n < 2)
        return 0;
    double *scratch = malloc(n * sizeof *scratch);
    double *diffs = malloc(n * sizeof *diffs);
    if (!scratch || !diffs) {
        free(scratch);
        free(diffs);
        return -1;
    }
    /* Successive differences see a step only once and an outlier twice, so
     * their MAD is the point-to-point noise whatever the levels do. */
    for (size_t i = 0; i + 1 < n; i++)
        diffs[i] = fabs(series[i + 1] - series[i]);
    double sigma = 1.4826 * median_of(diffs, n - 1, scratch) / M_SQRT2;
    free(diffs);
    struct cp_search s = {series, o, sigma, scratch, steps, max_steps, 0};
    segment(&s, 0, n);
    free(scratch);
    return s.found;
}
