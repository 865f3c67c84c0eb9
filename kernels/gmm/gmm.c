/* gmm: problem set-up (mixture, points in both layouts), reference and
 * validation.  The variants are in variants.c. */
#include "gmm.h"
#include "kit/workload_kit.h"

#include "kit/util.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tolerance of every responsibility and per-point log-likelihood against
 * the libm reference: |got - ref| <= 1e-12 + 1e-10 |ref|.  The variants
 * differ from the reference in rounding only: forward substitution by
 * reciprocal instead of division, exp(lp - max) / sum instead of
 * exp(lp - logsumexp), FMA, and (SIMD) an exp/log of a few ulp.  An error
 * of e in lp_k becomes a relative error e in r_k, and e ~ 1e-16 (|lognorm|
 * + ||z||^2), far inside the tolerance (measured at every preset, scalar
 * and SIMD alike: max absolute error 7e-15, max relative 5e-13, the latter
 * on responsibilities far below 1, whose lp - loglik is large).
 * The total log-likelihood is summed in a thread-dependent order, so it is
 * held to the sum of the per-point bounds plus the worst-case summation
 * error: N * 1e-12 + (1e-10 + N eps) sum |loglik_i|. */
#define GMM_TOL_ABS 1e-12
#define GMM_TOL_REL 1e-10

/* The mixture's parameters come from streams of their own, so they do not
 * depend on the number of points. */
#define GMM_PARAMETER_SALT 0x6a09e667f3bcc909ull

static const struct sl_preset gmm_presets[] = {
    {"tiny", "4x2x1000", "tests and smoke runs"},
    {"small", "4x2x200000", "the default suite: the tutorial's mixture, well under a second"},
    {"tutorial", "4x2x4000000",
     "the Cython tutorial's E-step (claim T3): 4 components, 2-D, 4M points"},
    {"wide", "16x8x100000", "more components and dimensions: arithmetic-heavy per point"},
    {NULL, NULL, NULL},
};

static const char gmm_syntax[] = "MxDxN (components x dimensions x points, all >= 1)";

static int parse_dims(const char *text, size_t *m, size_t *d, size_t *n)
{
    size_t dims[3];
    if (sl_parse_dims("gmm", text, gmm_presets, gmm_syntax, dims, 3, SIZE_MAX / 2) != 0)
        return -1;
    *m = dims[0];
    *d = dims[1];
    *n = dims[2];
    if (*m > GMM_MAX_COMPONENTS || *d > GMM_MAX_DIMS || *n >= (1ull << 40))
        return sl_fail("gmm: '%s' is beyond what this build supports (at most %d components, "
                       "%d dimensions, 2^40 points)",
                       text, GMM_MAX_COMPONENTS, GMM_MAX_DIMS);
    return 0;
}

static int gmm_check_size(const char *size)
{
    size_t m, d, n;
    return parse_dims(size, &m, &d, &n);
}

static void problem_free(struct gmm_problem *p)
{
    if (!p)
        return;
    free(p->weights);
    free(p->means);
    free(p->chol);
    free(p->rdiag);
    free(p->lognorm);
    free(p->x_aos);
    free(p->x_soa);
    free(p->resp);
    free(p->loglik);
    free(p->lp_scratch);
    free(p);
}

static void gmm_destroy(void *problem)
{
    problem_free(problem);
}

/* ---- the mixture ------------------------------------------------------- */

/* In-place lower Cholesky factor of the d x d matrix a (row-major); the
 * strict upper triangle is zeroed.  -1 if a is not positive definite. */
static int cholesky(double *a, size_t d)
{
    for (size_t j = 0; j < d; j++) {
        double diag = a[j * d + j];
        for (size_t l = 0; l < j; l++)
            diag -= a[j * d + l] * a[j * d + l];
        if (!(diag > 0))
            return -1;
        a[j * d + j] = sqrt(diag);
        for (size_t i = j + 1; i < d; i++) {
            double s = a[i * d + j];
            for (size_t l = 0; l < j; l++)
                s -= a[i * d + l] * a[j * d + l];
            a[i * d + j] = s / a[j * d + j];
        }
        for (size_t l = j + 1; l < d; l++)
            a[j * d + l] = 0.0;
    }
    return 0;
}

/* Component k: weight 0.5 + U(0,1] (normalised later), mean U(-4, 4]^d,
 * covariance s (B B^T / d + 0.2 I) with B ~ N(0,1)^{d x d} and s in
 * (0.3, 1.5]: random SPD with eigenvalues from 0.06 to about 6. */
static void generate_component(size_t d, uint64_t seed, size_t k, double *weight, double *mean,
                               double *sigma, double *b)
{
    uint64_t state = sl_rng_stream(seed ^ GMM_PARAMETER_SALT, k);
    *weight = 0.5 + sl_rng_uniform01(&state);
    for (size_t j = 0; j < d; j++)
        mean[j] = 8.0 * sl_rng_uniform01(&state) - 4.0;
    double scale = 0.3 + 1.2 * sl_rng_uniform01(&state);
    for (size_t e = 0; e < d * d; e += 2) {
        double z[2];
        sl_rng_normal_pair(&state, z);
        b[e] = z[0];
        if (e + 1 < d * d)
            b[e + 1] = z[1];
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double s = 0.0;
            for (size_t l = 0; l < d; l++)
                s += b[i * d + l] * b[j * d + l];
            sigma[i * d + j] = scale * (s / (double)d + (i == j ? 0.2 : 0.0));
        }
}

int gmm_set_mixture(struct gmm_problem *p, const double *weights, const double *means,
                    const double *covariances)
{
    const size_t m = p->m, d = p->d;
    double weight_sum = 0.0;
    for (size_t k = 0; k < m; k++) {
        if (!(weights[k] > 0))
            return sl_fail("gmm: weight of component %zu is not positive", k);
        weight_sum += weights[k];
    }
    memcpy(p->means, means, m * d * sizeof *means);
    memcpy(p->chol, covariances, m * d * d * sizeof *covariances);
    for (size_t k = 0; k < m; k++) {
        if (cholesky(p->chol + k * d * d, d) != 0)
            return sl_fail("gmm: covariance of component %zu is not positive definite", k);
        p->weights[k] = weights[k] / weight_sum;
        double log_det = 0.0;
        for (size_t j = 0; j < d; j++) {
            double ljj = p->chol[k * d * d + j * d + j];
            log_det += 2.0 * log(ljj);
            p->rdiag[k * d + j] = 1.0 / ljj;
        }
        p->lognorm[k] = log(p->weights[k]) - 0.5 * ((double)d * log(2.0 * M_PI) + log_det);
    }
    return 0;
}

static int generate_mixture(struct gmm_problem *p, uint64_t seed)
{
    const size_t m = p->m, d = p->d;
    double *weights = util_alloc(m, sizeof *weights, "gmm weights");
    double *means = util_alloc(m * d, sizeof *means, "gmm means");
    double *sigmas = util_alloc(m * d, d * sizeof *sigmas, "gmm covariances");
    double *b = util_alloc(d * d, sizeof *b, "gmm covariance factor");
    int rc = -1;
    if (weights && means && sigmas && b) {
        for (size_t k = 0; k < m; k++)
            generate_component(d, seed, k, weights + k, means + k * d, sigmas + k * d * d, b);
        rc = gmm_set_mixture(p, weights, means, sigmas);
    }
    free(weights);
    free(means);
    free(sigmas);
    free(b);
    return rc;
}

/* Point i from its own stream: a component drawn by weight, then
 * mu + L z with z ~ N(0, I). */
static void generate_point(const struct gmm_problem *p, uint64_t seed, size_t i, double *x)
{
    const size_t m = p->m, d = p->d;
    uint64_t state = sl_rng_stream(seed, i);
    double u = sl_rng_uniform01(&state), cumulative = 0.0;
    size_t c = m - 1;
    for (size_t k = 0; k + 1 < m; k++) {
        cumulative += p->weights[k];
        if (u <= cumulative) {
            c = k;
            break;
        }
    }
    double z[GMM_MAX_DIMS + 1];
    for (size_t j = 0; j < d; j += 2)
        sl_rng_normal_pair(&state, z + j);
    const double *l = p->chol + c * d * d;
    for (size_t j = 0; j < d; j++) {
        double s = p->means[c * d + j];
        for (size_t t = 0; t <= j; t++)
            s += l[j * d + t] * z[t];
        x[j] = s;
    }
}

static int gmm_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("gmm: --input is not supported (the mixture and its points are generated)");
    struct gmm_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    if (parse_dims(args->size, &p->m, &p->d, &p->n) != 0)
        goto fail;
    const size_t m = p->m, d = p->d, n = p->n;
    p->ld = (n + 7) / 8 * 8;
    snprintf(p->size_name, sizeof p->size_name, "%zux%zux%zu", m, d, n);
    /* Both layouts, responsibilities, log-likelihoods, model-parallel scratch. */
    double need = 8.0 * ((double)n * (double)(d + m + m + 1) + (double)p->ld * (double)d);
    if (sl_check_memory("gmm", p->size_name, need, "points in two layouts and the outputs") != 0)
        goto fail;
    snprintf(p->source, sizeof p->source,
             "generated: %zu random SPD components, points drawn from the mixture, seed %" PRIu64,
             m, args->seed);
    p->weights = util_alloc(m, sizeof(double), "gmm weights");
    p->means = util_alloc(m * d, sizeof(double), "gmm means");
    p->chol = util_alloc(m * d, d * sizeof(double), "gmm Cholesky factors");
    p->rdiag = util_alloc(m * d, sizeof(double), "gmm Cholesky diagonals");
    p->lognorm = util_alloc(m, sizeof(double), "gmm normalisers");
    p->x_aos = util_alloc_aligned(n, d * sizeof(double), "gmm points (AoS)");
    p->x_soa = util_alloc_aligned(d, p->ld * sizeof(double), "gmm points (SoA)");
    p->resp = util_alloc_aligned(n, m * sizeof(double), "gmm responsibilities");
    p->loglik = util_alloc_aligned(n, sizeof(double), "gmm log-likelihoods");
    p->lp_scratch = util_alloc_aligned(m, n * sizeof(double), "gmm model-parallel scratch");
    if (!p->weights || !p->means || !p->chol || !p->rdiag || !p->lognorm || !p->x_aos ||
        !p->x_soa || !p->resp || !p->loglik || !p->lp_scratch)
        goto fail;
    if (generate_mixture(p, args->seed) != 0)
        goto fail;

#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        double *x = p->x_aos + i * d;
        generate_point(p, args->seed, i, x);
        for (size_t j = 0; j < d; j++)
            p->x_soa[j * p->ld + i] = x[j];
    }
    for (size_t j = 0; j < d; j++)
        for (size_t i = n; i < p->ld; i++)
            p->x_soa[j * p->ld + i] = 0.0;
    /* First touch here, so no variant pays the page faults. */
    memset(p->resp, 0, n * m * sizeof *p->resp);
    memset(p->loglik, 0, n * sizeof *p->loglik);
    memset(p->lp_scratch, 0, n * m * sizeof *p->lp_scratch);
    *out = p;
    return 0;
fail:
    problem_free(p);
    return -1;
}

/* ---- reference and validation ----------------------------------------- */

double gmm_reference_point(const struct gmm_problem *p, size_t i, double *lp, double *resp_out)
{
    const size_t m = p->m, d = p->d;
    const double *x = p->x_aos + i * d;
    double z[GMM_MAX_DIMS];
    double best = -INFINITY;
    for (size_t k = 0; k < m; k++) {
        const double *l = p->chol + k * d * d, *mu = p->means + k * d;
        double q = 0.0;
        for (size_t j = 0; j < d; j++) {
            double s = x[j] - mu[j];
            for (size_t t = 0; t < j; t++)
                s -= l[j * d + t] * z[t];
            z[j] = s / l[j * d + j];
            q += z[j] * z[j];
        }
        lp[k] = p->lognorm[k] - 0.5 * q;
        best = fmax(best, lp[k]);
    }
    double sum = 0.0;
    for (size_t k = 0; k < m; k++)
        sum += exp(lp[k] - best);
    double loglik = best + log(sum);
    for (size_t k = 0; k < m; k++)
        resp_out[k] = exp(lp[k] - loglik);
    return loglik;
}

static void gmm_prepare_validation(void *problem)
{
    struct gmm_problem *p = problem;
    for (size_t e = 0; e < p->n * p->m; e++)
        p->resp[e] = NAN;
    for (size_t i = 0; i < p->n; i++)
        p->loglik[i] = NAN;
    p->total_loglik = NAN;
}

struct check {
    double max_abs, max_rel, checked, failures;
    long double ref_total; /* long double: the error shown is the variant's sum's */
    double abs_loglik_sum;
    size_t fail_i, fail_k; /* the failure at the lowest point; fail_k == m: loglik */
    double fail_got, fail_ref;
};

static void compare(struct check *c, size_t i, size_t k, double got, double ref)
{
    double err = fabs(got - ref);
    c->checked += 1;
    if (!(err <= c->max_abs))
        c->max_abs = isnan(err) ? INFINITY : err;
    if (ref != 0 && !(err / fabs(ref) <= c->max_rel))
        c->max_rel = isnan(err) ? INFINITY : err / fabs(ref);
    if (!(err <= GMM_TOL_ABS + GMM_TOL_REL * fabs(ref))) {
        if (c->failures == 0 || i < c->fail_i) {
            c->fail_i = i;
            c->fail_k = k;
            c->fail_got = got;
            c->fail_ref = ref;
        }
        c->failures += 1;
    }
}

static void merge(struct check *into, const struct check *c)
{
    if (c->failures > 0 && (into->failures == 0 || c->fail_i < into->fail_i)) {
        into->fail_i = c->fail_i;
        into->fail_k = c->fail_k;
        into->fail_got = c->fail_got;
        into->fail_ref = c->fail_ref;
    }
    into->max_abs = fmax(into->max_abs, c->max_abs);
    into->max_rel = fmax(into->max_rel, c->max_rel);
    into->checked += c->checked;
    into->failures += c->failures;
    into->ref_total += c->ref_total;
    into->abs_loglik_sum += c->abs_loglik_sum;
}

static int gmm_validate(void *problem, struct sl_validation *v)
{
    struct gmm_problem *p = problem;
    const size_t m = p->m, n = p->n;
    struct check total = {0};
    int failed = 0;
#pragma omp parallel
    {
        struct check mine = {0};
        double *scratch = malloc(2 * m * sizeof *scratch);
        if (!scratch) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static) nowait
        for (size_t i = 0; i < n; i++) {
            if (!scratch)
                continue;
            double *ref = scratch + m;
            double ref_loglik = gmm_reference_point(p, i, scratch, ref);
            for (size_t k = 0; k < m; k++)
                compare(&mine, i, k, p->resp[i * m + k], ref[k]);
            compare(&mine, i, m, p->loglik[i], ref_loglik);
            mine.ref_total += ref_loglik;
            mine.abs_loglik_sum += fabs(ref_loglik);
        }
        free(scratch);
#pragma omp critical
        merge(&total, &mine);
    }
    if (failed)
        return sl_fail("gmm: out of memory for validation");

    double total_err = (double)fabsl((long double)p->total_loglik - total.ref_total);
    double total_tol =
        (double)n * GMM_TOL_ABS + (GMM_TOL_REL + (double)n * DBL_EPSILON) * total.abs_loglik_sum;
    bool total_ok = total_err <= total_tol;

    memset(v, 0, sizeof *v);
    v->method = "every responsibility and per-point log-likelihood against the libm reference; "
                "the total log-likelihood within N*abs + (rel + N eps) sum|loglik_i|";
    v->checked = total.checked + 1;
    v->total = (double)n * (double)(m + 1) + 1;
    v->failures = total.failures + (total_ok ? 0 : 1);
    v->max_abs_error = total.max_abs;
    v->max_rel_error = total.max_rel;
    v->tolerance_abs = GMM_TOL_ABS;
    v->tolerance_rel = GMM_TOL_REL;
    v->valid = v->failures == 0;
    if (total.failures) {
        char where[48];
        if (total.fail_k == m)
            snprintf(where, sizeof where, "log-likelihood of point %zu", total.fail_i);
        else
            snprintf(where, sizeof where, "responsibility (%zu, %zu)", total.fail_i, total.fail_k);
        snprintf(v->detail, sizeof v->detail,
                 "%.0f values outside tolerance; first at %s: got %.17g, reference %.17g",
                 total.failures, where, total.fail_got, total.fail_ref);
    } else if (!total_ok) {
        snprintf(v->detail, sizeof v->detail,
                 "total log-likelihood %.17g, reference %.17g (tolerance %.3g)", p->total_loglik,
                 (double)total.ref_total, total_tol);
    } else {
        snprintf(v->detail, sizeof v->detail,
                 "%.0f values within %g + %g |ref|; total log-likelihood %.12g (error %.2g)",
                 total.checked, GMM_TOL_ABS, GMM_TOL_REL, p->total_loglik, total_err);
    }
    return 0;
}

static void gmm_corrupt_output(void *problem)
{
    struct gmm_problem *p = problem;
    p->resp[(p->n / 2) * p->m] += 0.5;
}

/* ---- description and work models -------------------------------------- */

static void gmm_describe(const void *problem, struct sl_problem_info *info)
{
    const struct gmm_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%s", p->size_name);
    snprintf(info->source, sizeof info->source, "%s", p->source);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("components", (double)p->m);
    PARAM("dimensions", (double)p->d);
    PARAM("points", (double)p->n);
    PARAM("responsibilities", (double)p->n * (double)p->m);
    PARAM("input_bytes_per_layout", 8.0 * (double)p->n * (double)p->d);
    PARAM("output_bytes", 8.0 * (double)p->n * (double)(p->m + 1));
    PARAM("working_set_bytes", 8.0 * (double)p->n * ((double)p->d + (double)p->m + 1.0));
#undef PARAM
    info->n_params = n;
}

/* Arithmetic per point and component: d subtractions, d(d-1)/2 FMAs of the
 * substitution, d scalings, d FMAs of ||z||^2, one FMA for lp, then the
 * subtraction, sum and scaling of the normalisation: d^2 + 3d + 5.  The m
 * exp and one log per point are not counted as flops. */
static double flops(const struct gmm_problem *p)
{
    double d = (double)p->d;
    return (double)p->n * (double)p->m * (d * d + 3.0 * d + 5.0);
}

void gmm_work_data_parallel(const void *problem, struct sl_work *w)
{
    const struct gmm_problem *p = problem;
    w->units = (double)p->n;
    w->flops = flops(p);
    /* Points in, responsibilities and log-likelihoods out. */
    w->bytes = 8.0 * (double)p->n * (double)(p->d + p->m + 1);
}

void gmm_work_model_parallel(const void *problem, struct sl_work *w)
{
    const struct gmm_problem *p = problem;
    gmm_work_data_parallel(problem, w);
    /* The m x N log-probabilities written in phase one, read in phase two. */
    w->bytes += 16.0 * (double)p->n * (double)p->m;
}

static const char *const gmm_test_sizes[] = {"1x1x1", "1x2x7", "3x1x13", "2x3x9",
                                             "4x2x37", "5x3x101", "3x7x1029", "tiny", NULL};

const struct sl_workload gmm_workload = {
    .name = "gmm",
    .summary = "Gaussian-mixture E-step: full-covariance log-densities, responsibilities, "
               "log-likelihood (Cython/OpenMP tutorial)",
    .unit = "point",
    .merit = SL_MERIT_UNITS,
    .size_syntax = gmm_syntax,
    .presets = gmm_presets,
    .default_size = "small",
    .test_sizes = gmm_test_sizes,
    .variants = gmm_variants,
    .check_size = gmm_check_size,
    .problem_create = gmm_create,
    .problem_destroy = gmm_destroy,
    .prepare_validation = gmm_prepare_validation,
    .validate = gmm_validate,
    .describe = gmm_describe,
    .corrupt_output = gmm_corrupt_output,
};
