/* gmm: hand-computed densities and responsibilities, every variant on them
 * and on generated mixtures (responsibilities sum to 1), the vector exp/log
 * against libm, the generator's determinism, and validation catching
 * wrong, unwritten and mis-summed results. */
#include "check.h"
#include "run_variant.h"
#include "gmm/gmm.h"
#include "gmm/vecmath.h"
#include "measure/machine.h"
#include "measure/team.h"
#include "kit/workload_kit.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct machine mach;

static struct gmm_problem *create(const char *size, uint64_t seed)
{
    struct sl_problem_args args = {.size = size, .seed = seed, .validate = "full"};
    void *problem = NULL;
    CHECK(gmm_workload.problem_create(&args, &problem) == 0, "create %s: %s", size, sl_error());
    return problem;
}

static void set_point(struct gmm_problem *p, size_t i, const double *x)
{
    for (size_t j = 0; j < p->d; j++) {
        p->x_aos[i * p->d + j] = x[j];
        p->x_soa[j * p->ld + i] = x[j];
    }
}

/* Runs one variant and checks it ran, left OpenMP's defaults alone and
 * validates. */
static bool run_one(struct gmm_problem *p, const struct sl_variant *v, int threads,
                    enum sl_schedule s, const char *label)
{
    int rc = run_variant_once(&mach, &gmm_workload, p, v, threads, s, label);
    if (rc != 0)
        return false;
    struct sl_validation val;
    CHECK(gmm_workload.validate(p, &val) == 0 && val.valid, "%s %s: %s", v->name, label,
          val.detail);
    return true;
}

/* Every variant that runs here, every declared schedule, 1-3 threads:
 * check(p, v) is called after each run. */
static void for_each_run(struct gmm_problem *p, const char *label,
                         void (*check)(const struct gmm_problem *, const struct sl_variant *,
                                       const char *))
{
    for (const struct sl_variant *v = gmm_variants; v->name; v++) {
        if (sl_isa_missing(v->requires))
            continue;
        for (int threads = 1; threads <= 3; threads++)
            for (int s = 0; s < SL_SCHED_COUNT; s++)
                if ((v->schedules & SL_SCHED_BIT(s)) &&
                    run_one(p, v, threads, (enum sl_schedule)s, label))
                    check(p, v, label);
    }
}

/* ---- hand-computed cases ----------------------------------------------- */

static const double half_log_2pi = 0.91893853320467274178; /* 0.5 log(2 pi) */

static void check_single_1d(const struct gmm_problem *p, const struct sl_variant *v,
                            const char *label)
{
    static const double xs[] = {0.0, 1.0, -2.0, 3.5, 10.0};
    double total = 0.0;
    for (size_t i = 0; i < 5; i++) {
        /* N(x | 0.5, 2^2): -0.5 log(2 pi) - log 2 - (x - 0.5)^2 / 8 */
        double expect = -half_log_2pi - M_LN2 - (xs[i] - 0.5) * (xs[i] - 0.5) / 8.0;
        CHECK(p->resp[i] == 1.0, "%s %s: one component, point %zu: resp %.17g", v->name, label,
              i, p->resp[i]);
        CHECK(fabs(p->loglik[i] - expect) <= 1e-14 * fabs(expect) + 1e-15,
              "%s %s: point %zu loglik %.17g, expected %.17g", v->name, label, i, p->loglik[i],
              expect);
        total += expect;
    }
    CHECK(fabs(p->total_loglik - total) <= 1e-13, "%s %s: total %.17g, expected %.17g", v->name,
          label, p->total_loglik, total);
}

static void test_single_component_1d(void)
{
    struct gmm_problem *p = create("1x1x5", 3);
    if (!p)
        return;
    static const double xs[] = {0.0, 1.0, -2.0, 3.5, 10.0};
    const double w = 1.0, mu = 0.5, var = 4.0;
    CHECK(gmm_set_mixture(p, &w, &mu, &var) == 0, "set mixture: %s", sl_error());
    for (size_t i = 0; i < 5; i++)
        set_point(p, i, &xs[i]);
    for_each_run(p, "1x1x5", check_single_1d);
    gmm_workload.problem_destroy(p);
}

/* 2-D, Sigma = [[4, 2], [2, 3]], mean (1, -1), x = (2, 1): det Sigma = 8,
 * Sigma^-1 = [[3, -2], [-2, 4]] / 8, x - mu = (1, 2), so the quadratic form
 * is (3 - 8 + 16) / 8 = 11/8.  Two components with that Gaussian and
 * weights 1/4, 3/4: responsibilities 1/4 and 3/4 at every point, and the
 * log-likelihood is the single Gaussian's. */
static double log_density_2d(const double *x)
{
    double a = x[0] - 1.0, b = x[1] + 1.0;
    double q = (3.0 * a * a - 4.0 * a * b + 4.0 * b * b) / 8.0;
    return -2.0 * half_log_2pi - 0.5 * log(8.0) - 0.5 * q;
}

static const double points_2d[4][2] = {{2.0, 1.0}, {1.0, -1.0}, {-3.0, 4.0}, {0.25, -7.5}};

static void check_weighted_pair_2d(const struct gmm_problem *p, const struct sl_variant *v,
                                   const char *label)
{
    for (size_t i = 0; i < 4; i++) {
        double expect = log_density_2d(points_2d[i]);
        CHECK(fabs(p->resp[i * 2] - 0.25) <= 1e-15 && fabs(p->resp[i * 2 + 1] - 0.75) <= 1e-15,
              "%s %s: point %zu resp %.17g %.17g, expected 0.25 0.75", v->name, label, i,
              p->resp[i * 2], p->resp[i * 2 + 1]);
        CHECK(fabs(p->loglik[i] - expect) <= 1e-14 * fabs(expect),
              "%s %s: point %zu loglik %.17g, expected %.17g", v->name, label, i, p->loglik[i],
              expect);
    }
}

static void test_known_2d_density(void)
{
    /* The first point's value by hand: -log(2 pi) - 0.5 log 8 - 11/16. */
    double first = log_density_2d(points_2d[0]);
    CHECK(fabs(first - (-1.8378770664093454836 - 1.0397207708399179641 - 0.6875)) < 1e-15,
          "hand value %.17g", first);

    struct gmm_problem *p = create("2x2x4", 3);
    if (!p)
        return;
    const double weights[2] = {1.0, 3.0}; /* normalised to 1/4, 3/4 */
    const double means[4] = {1.0, -1.0, 1.0, -1.0};
    const double sigmas[8] = {4.0, 2.0, 2.0, 3.0, 4.0, 2.0, 2.0, 3.0};
    CHECK(gmm_set_mixture(p, weights, means, sigmas) == 0, "set mixture: %s", sl_error());
    for (size_t i = 0; i < 4; i++)
        set_point(p, i, points_2d[i]);
    /* The reference agrees with the hand value. */
    double lp[2], resp[2];
    CHECK(fabs(gmm_reference_point(p, 0, lp, resp) - first) <= 1e-15 * fabs(first),
          "reference %.17g vs hand %.17g", gmm_reference_point(p, 0, lp, resp), first);
    for_each_run(p, "2x2x4 weighted", check_weighted_pair_2d);

    /* Two identical components of equal weight: 0.5 each. */
    const double equal[2] = {1.0, 1.0};
    CHECK(gmm_set_mixture(p, equal, means, sigmas) == 0, "set mixture: %s", sl_error());
    const struct sl_variant *v = gmm_variants;
    for (; v->name; v++) {
        if (sl_isa_missing(v->requires) || !run_one(p, v, 2, SL_SCHED_STATIC, "2x2x4 equal"))
            continue;
        for (size_t e = 0; e < 8; e++)
            CHECK(fabs(p->resp[e] - 0.5) <= 1e-15, "%s: identical components, resp[%zu] = %.17g",
                  v->name, e, p->resp[e]);
    }
    gmm_workload.problem_destroy(p);
}

/* A point far from every component: log-probabilities near -1e4, where
 * exp(lp) underflows; logsumexp must still give finite, normalised output. */
static void check_far_point(const struct gmm_problem *p, const struct sl_variant *v,
                            const char *label)
{
    for (size_t i = 0; i < p->n; i++) {
        double sum = 0.0;
        for (size_t k = 0; k < p->m; k++)
            sum += p->resp[i * p->m + k];
        CHECK(isfinite(p->loglik[i]) && fabs(sum - 1.0) <= 1e-14,
              "%s %s: point %zu loglik %g, resp sum %.17g", v->name, label, i, p->loglik[i], sum);
    }
}

static void test_far_points(void)
{
    struct gmm_problem *p = create("3x2x11", 5);
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        double x[2] = {150.0 * (double)i - 700.0, -90.0 * (double)i};
        set_point(p, i, x);
    }
    for_each_run(p, "3x2x11 far", check_far_point);
    gmm_workload.problem_destroy(p);
}

/* ---- generated mixtures ------------------------------------------------- */

static void check_sums_to_one(const struct gmm_problem *p, const struct sl_variant *v,
                              const char *label)
{
    double worst = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double sum = 0.0;
        for (size_t k = 0; k < p->m; k++) {
            double r = p->resp[i * p->m + k];
            CHECK(r >= 0.0 && r <= 1.0 + 4 * DBL_EPSILON, "%s %s: resp (%zu, %zu) = %g",
                  v->name, label, i, k, r);
            sum += r;
        }
        worst = fmax(worst, fabs(sum - 1.0));
    }
    CHECK(worst <= 1e-14 * (double)p->m, "%s %s: responsibilities sum to 1 within %g", v->name,
          label, worst);
}

static void test_generated(void)
{
    static const char *const sizes[] = {"1x1x1", "2x1x3", "4x2x37", "3x5x517", "7x3x1031",
                                        "16x8x203", "2x64x9"};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct gmm_problem *p = create(sizes[s], 42 + s);
        if (!p)
            continue;
        for_each_run(p, sizes[s], check_sums_to_one);
        gmm_workload.problem_destroy(p);
    }
}

/* ---- vector exp and log against libm ----------------------------------- */

typedef void (*array_fn)(const double *, double *, size_t);

/* Relative error against libm; for results below DBL_MIN (subnormal, fewer
 * digits) the absolute error in units of the smallest subnormal. */
static void compare_with_libm(const char *name, array_fn fn, double (*libm)(double),
                              const double *x, size_t n, double max_rel)
{
    double *y = malloc(n * sizeof *y);
    if (!y)
        return;
    fn(x, y, n);
    double worst = 0.0;
    size_t worst_at = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        double ref = libm(x[i]);
        double err;
        if (isnan(ref) || isinf(ref))
            err = (isnan(ref) ? isnan(y[i]) : y[i] == ref) ? 0.0 : INFINITY;
        else if (fabs(ref) < DBL_MIN)
            err = fabs(y[i] - ref) <= 2 * 0x1p-1074 ? 0.0 : INFINITY;
        else
            err = ref == 0.0 ? fabs(y[i]) : fabs(y[i] - ref) / fabs(ref);
        if (!(err <= max_rel))
            bad++;
        if (!(err <= worst)) {
            worst = err;
            worst_at = i;
        }
    }
    CHECK(bad == 0, "%s: %zu of %zu values off; worst at x = %.17g: %.17g vs libm %.17g (%g)",
          name, bad, n, x[worst_at], y[worst_at], libm(x[worst_at]), worst);
    printf("%s: %zu values, max relative error vs libm %.3g\n", name, n, worst);
    free(y);
}

static void test_vector_math(void)
{
    enum { N = 400000 };
    double *x = malloc(N * sizeof *x);
    if (!x)
        return;
    uint64_t state = 99;
    struct {
        const char *name;
        unsigned isa;
        array_fn exp_fn, log_fn;
    } isas[] = {
        {"avx2", SL_ISA_AVX2 | SL_ISA_FMA, gmm_exp_array_avx2, gmm_log_array_avx2},
        {"avx512", SL_ISA_AVX512F, gmm_exp_array_avx512, gmm_log_array_avx512},
    };
    for (size_t a = 0; a < 2; a++) {
        const char *missing = sl_isa_missing(isas[a].isa);
        if (missing) {
            printf("skipped vector math %s: CPU lacks %s\n", isas[a].name, missing);
            continue;
        }
        char name[64];
        /* exp: uniform over its whole range (subnormal results included),
         * dense near 0, the edges and the special values. */
        size_t n = 0;
        for (; n < N / 2; n++)
            x[n] = -750.0 + 1462.0 * ((double)(n * 7919 % (N / 2)) / (N / 2));
        for (; n < N - 16; n++)
            x[n] = ldexp((double)(n % 1000) / 1000.0 - 0.5, -(int)(n % 60));
        static const double edges[16] = {0.0, -0.0, 709.78, 709.79, -708.39, -745.13, -745.2,
                                         1e-300, -1e-300, 0.5 * M_LN2, -0.5 * M_LN2, 1e6, -1e6,
                                         INFINITY, -INFINITY, NAN};
        memcpy(x + n, edges, sizeof edges);
        snprintf(name, sizeof name, "exp %s", isas[a].name);
        compare_with_libm(name, isas[a].exp_fn, exp, x, N, 1e-15);

        /* log: 2^u for u uniform over the whole double range (subnormals
         * included), values near 1, and the special values. */
        for (n = 0; n < N / 2; n++) {
            double u = (double)(sl_rng_next(&state) >> 11) * 0x1p-53;
            x[n] = ldexp(1.0 + u, (int)(n % 2098) - 1074);
        }
        for (; n < N - 16; n++)
            x[n] = 1.0 + ldexp((double)(n % 1000) / 500.0 - 1.0, -(int)(n % 50));
        static const double log_edges[16] = {1.0, 2.0, 0.5, M_SQRT2, M_SQRT1_2, 0x1p-1074,
                                             0x1p-1022, DBL_MAX, 0.0, -0.0, -1.0, INFINITY,
                                             -INFINITY, NAN, M_E, 10.0};
        memcpy(x + n, log_edges, sizeof log_edges);
        snprintf(name, sizeof name, "log %s", isas[a].name);
        compare_with_libm(name, isas[a].log_fn, log, x, N, 1e-15);

        /* Lengths that leave every tail size. */
        for (size_t len = 1; len <= 9; len++) {
            double in[9], out[9];
            for (size_t i = 0; i < len; i++)
                in[i] = 0.3 * (double)i - 1.0;
            isas[a].exp_fn(in, out, len);
            for (size_t i = 0; i < len; i++)
                CHECK(fabs(out[i] - exp(in[i])) <= 1e-15 * exp(in[i]), "%s exp tail %zu/%zu",
                      isas[a].name, i, len);
        }
    }
    free(x);
}

/* ---- generator ---------------------------------------------------------- */

static bool same_problem(const struct gmm_problem *a, const struct gmm_problem *b)
{
    const size_t m = a->m, d = a->d, n = a->n;
    return memcmp(a->weights, b->weights, m * sizeof(double)) == 0 &&
           memcmp(a->means, b->means, m * d * sizeof(double)) == 0 &&
           memcmp(a->chol, b->chol, m * d * d * sizeof(double)) == 0 &&
           memcmp(a->x_aos, b->x_aos, n * d * sizeof(double)) == 0;
}

static void test_generator(void)
{
    int threads_before = omp_get_max_threads();
    omp_set_num_threads(1);
    struct gmm_problem *a = create("5x3x20000", 7);
    omp_set_num_threads(3);
    struct gmm_problem *b = create("5x3x20000", 7);
    omp_set_num_threads(threads_before);
    struct gmm_problem *c = create("5x3x20000", 8);
    struct gmm_problem *prefix = create("5x3x1000", 7);
    if (!a || !b || !c || !prefix)
        return;
    CHECK(same_problem(a, b), "same seed, 1 and 3 generating threads: same mixture and points");
    CHECK(!same_problem(a, c), "another seed, other data");
    CHECK(memcmp(a->x_aos, prefix->x_aos, 1000 * 3 * sizeof(double)) == 0 &&
              memcmp(a->means, prefix->means, 5 * 3 * sizeof(double)) == 0,
          "point i and the mixture do not depend on the number of points");

    bool layouts_agree = true;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < a->d; j++)
            layouts_agree &= a->x_aos[i * a->d + j] == a->x_soa[j * a->ld + i];
    for (size_t j = 0; j < a->d; j++)
        for (size_t i = a->n; i < a->ld; i++)
            layouts_agree &= a->x_soa[j * a->ld + i] == 0.0;
    CHECK(layouts_agree, "the SoA copy is the AoS points transposed, padded with zeros");

    double wsum = 0.0;
    for (size_t k = 0; k < a->m; k++)
        wsum += a->weights[k];
    CHECK(fabs(wsum - 1.0) < 1e-15, "weights sum to %.17g", wsum);
    /* Covariance reconstructed from L is symmetric positive definite by
     * construction; its factor must have a positive diagonal. */
    for (size_t k = 0; k < a->m; k++)
        for (size_t j = 0; j < a->d; j++)
            CHECK(a->chol[k * 9 + j * 3 + j] > 0, "L[%zu][%zu][%zu] > 0", k, j, j);

    /* Points come from the mixture: their mean is sum_k w_k mu_k, within
     * 6 standard errors (component spread up to ~4 per coordinate). */
    for (size_t j = 0; j < a->d; j++) {
        double mean = 0.0, expect = 0.0;
        for (size_t i = 0; i < a->n; i++)
            mean += a->x_aos[i * a->d + j];
        mean /= (double)a->n;
        for (size_t k = 0; k < a->m; k++)
            expect += a->weights[k] * a->means[k * a->d + j];
        CHECK(fabs(mean - expect) < 6.0 * 4.0 / sqrt((double)a->n),
              "coordinate %zu: sample mean %g, mixture mean %g", j, mean, expect);
    }
    gmm_workload.problem_destroy(a);
    gmm_workload.problem_destroy(b);
    gmm_workload.problem_destroy(c);
    gmm_workload.problem_destroy(prefix);
}

/* ---- validation catches errors ------------------------------------------ */

static void test_validation_catches_errors(void)
{
    struct gmm_problem *p = create("3x2x500", 9);
    if (!p)
        return;
    const struct sl_variant *v = sl_variant_find(&gmm_workload, "data_parallel_aos_scalar");
    struct sl_validation val;

    run_one(p, v, 1, SL_SCHED_STATIC, "wrong value");
    p->resp[123 * 3 + 1] += 1e-6;
    gmm_workload.validate(p, &val);
    CHECK(!val.valid && val.failures == 1 && strstr(val.detail, "(123, 1)"),
          "a wrong responsibility: %s", val.detail);

    run_one(p, v, 1, SL_SCHED_STATIC, "unwritten");
    p->loglik[499] = NAN;
    gmm_workload.validate(p, &val);
    CHECK(!val.valid && strstr(val.detail, "point 499") && isinf(val.max_abs_error),
          "an unwritten log-likelihood: %s", val.detail);

    run_one(p, v, 1, SL_SCHED_STATIC, "total");
    p->total_loglik += 1e-3;
    gmm_workload.validate(p, &val);
    CHECK(!val.valid && strstr(val.detail, "total"), "a wrong total: %s", val.detail);

    gmm_workload.prepare_validation(p);
    gmm_workload.validate(p, &val);
    CHECK(!val.valid && val.failures == val.total, "nothing written: %g of %g fail",
          val.failures, val.total);
    gmm_workload.problem_destroy(p);
}

int main(void)
{
    if (machine_load(&mach) != 0)
        return 1;
    test_single_component_1d();
    test_known_2d_density();
    test_far_points();
    test_generated();
    test_vector_math();
    test_generator();
    test_validation_catches_errors();
    machine_free(&mach);
    return check_report("test_gmm");
}
