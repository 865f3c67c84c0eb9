#include "ceilings/plateaus.h"

#include "kit/sl.h"

#include <math.h>

/* The k-th smallest of x[0..n) (k from 0), by counting: sweeps are tens of
 * points, and this needs no scratch memory. */
static double kth_smallest(const double *x, size_t n, size_t k)
{
    for (size_t i = 0; i < n; i++) {
        size_t below = 0, equal = 0;
        for (size_t j = 0; j < n; j++) {
            below += x[j] < x[i];
            equal += x[j] == x[i];
        }
        if (below <= k && k < below + equal)
            return x[i];
    }
    return NAN; /* unreachable for finite x */
}

static double median(const double *x, size_t n)
{
    double upper = kth_smallest(x, n, n / 2);
    return n % 2 ? upper : 0.5 * (kth_smallest(x, n, n / 2 - 1) + upper);
}

static bool within(double a, double b, double tolerance)
{
    return fmax(a, b) <= (1 + tolerance) * fmin(a, b);
}

static int check_points(const double *bytes, const double *rate, size_t n, double tolerance,
                        size_t min_points)
{
    if (!(tolerance > 0 && tolerance <= 1))
        return sl_fail("plateaus: tolerance must be in (0, 1], got %g", tolerance);
    if (min_points < 2)
        return sl_fail("plateaus: a plateau needs at least 2 points, got %zu", min_points);
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(bytes[i]) && bytes[i] > 0 && isfinite(rate[i]) && rate[i] > 0))
            return sl_fail("plateaus: point %zu (%g bytes, %g) is not positive and finite", i,
                           bytes[i], rate[i]);
        if (i > 0 && !(bytes[i] > bytes[i - 1]))
            return sl_fail("plateaus: working sets must increase (point %zu: %g after %g)", i,
                           bytes[i], bytes[i - 1]);
    }
    return 0;
}

int ceilings_find_plateaus(const double *bytes, const double *rate, size_t n, double tolerance,
                           size_t min_points, struct ceilings_plateau *out, size_t capacity,
                           size_t *found)
{
    *found = 0;
    if (check_points(bytes, rate, n, tolerance, min_points) != 0)
        return -1;
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        double lo = rate[i], hi = rate[i];
        size_t j = i;
        while (j + 1 < n && within(fmin(lo, rate[j + 1]), fmax(hi, rate[j + 1]), tolerance)) {
            j++;
            lo = fmin(lo, rate[j]);
            hi = fmax(hi, rate[j]);
        }
        if (j - i + 1 < min_points) {
            i++; /* a transition point */
            continue;
        }
        double level = median(rate + i, j - i + 1);
        if (count > 0 && within(out[count - 1].level, level, tolerance)) {
            /* The same level after an outlier: one plateau. */
            struct ceilings_plateau *p = &out[count - 1];
            p->last = j;
            p->bytes_hi = bytes[j];
            p->level = median(rate + p->first, j - p->first + 1);
        } else {
            if (count == capacity)
                return sl_fail("plateaus: more than %zu plateaus", capacity);
            out[count++] = (struct ceilings_plateau){
                .first = i, .last = j, .bytes_lo = bytes[i], .bytes_hi = bytes[j], .level = level};
        }
        i = j + 1;
    }
    *found = count;
    return 0;
}
