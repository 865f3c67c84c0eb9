/* cdist: problem set-up, reference and validation.  The variants are in
 * variants.c. */
#include "cdist.h"
#include "kit/workload_kit.h"

#include "kit/blas.h"
#include "kit/util.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Y rows come from streams of their own, apart from X's. */
#define CDIST_Y_SALT 0xbb67ae8584caa73bull

static const struct sl_preset cdist_presets[] = {
    {"tiny", "64x48x10", "tests and smoke runs"},
    {"small", "400x400x100", "a quick look, well under a second"},
    {"tutorial", "1000x1000x100", "the parallel-computing notes' size (claim P1)"},
    {"large", "4000x4000x200", "output (128 MB) well beyond the caches"},
    {NULL, NULL, NULL},
};

static const char cdist_syntax[] = "MxNxP (rows of X x rows of Y x features, all >= 1)";

static int parse_dims(const char *text, size_t *m, size_t *n, size_t *p)
{
    size_t dims[3];
    if (sl_parse_dims("cdist", text, cdist_presets, cdist_syntax, dims, 3, SIZE_MAX / 2) != 0)
        return -1;
    *m = dims[0];
    *n = dims[1];
    *p = dims[2];
    /* BLAS takes int dimensions and leading dimensions (p, n). */
    if (*m >= (1ull << 31) || *n >= (1ull << 31) || *p >= (1ull << 31))
        return sl_fail("cdist: '%s' is beyond what this build supports (each dimension < 2^31)",
                       text);
    return 0;
}

static int cdist_check_size(const char *size)
{
    size_t m, n, p;
    return parse_dims(size, &m, &n, &p);
}

static void problem_free(struct cdist_problem *p)
{
    if (!p)
        return;
    free(p->x);
    free(p->y);
    free(p->out);
    free(p->ref_sq);
    free(p->x_norm2);
    free(p->y_norm2);
    free(p);
}

static void cdist_destroy(void *problem)
{
    problem_free(problem);
}

/* ---- deterministic data ------------------------------------------------ */

static void normal_row(double *row, size_t p, uint64_t *state, double scale)
{
    for (size_t k = 0; k < p; k += 2) {
        double z[2];
        sl_rng_normal_pair(state, z);
        row[k] += scale * z[0];
        if (k + 1 < p)
            row[k + 1] += scale * z[1];
    }
}

/* X row i: N(0,1) entries from stream i. */
static void generate_x_row(double *row, size_t p, uint64_t seed, size_t i)
{
    uint64_t state = sl_rng_stream(seed, i);
    memset(row, 0, p * sizeof *row);
    normal_row(row, p, &state, 1.0);
}

/* Y row j: N(0,1) entries, or a copy of an X row (regenerated from its
 * stream, so no row depends on another's generation order), perturbed by
 * CDIST_NEAR_NOISE N(0,1) for near-duplicates. */
static void generate_y_row(double *row, size_t p, size_t m, uint64_t seed, size_t j)
{
    uint64_t state = sl_rng_stream(seed ^ CDIST_Y_SALT, j);
    switch (j % 16) {
    case CDIST_NEAR_DUPLICATE_PHASE:
        generate_x_row(row, p, seed, cdist_source_row(j, m));
        normal_row(row, p, &state, CDIST_NEAR_NOISE);
        break;
    case CDIST_IDENTICAL_PHASE:
        generate_x_row(row, p, seed, cdist_source_row(j, m));
        break;
    default:
        memset(row, 0, p * sizeof *row);
        normal_row(row, p, &state, 1.0);
    }
}

static size_t rows_in_phase(size_t n, size_t phase)
{
    return n / 16 + (n % 16 > phase ? 1 : 0);
}

static int cdist_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("cdist: --input is not supported (X and Y are generated)");
    struct cdist_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    if (parse_dims(args->size, &p->m, &p->n, &p->p) != 0)
        goto fail;
    const size_t m = p->m, n = p->n, dim = p->p;
    snprintf(p->size_name, sizeof p->size_name, "%zux%zux%zu", m, n, dim);
    /* Inputs, output and the cached reference. */
    double need = 8.0 * ((double)(m + n) * (double)dim + 2.0 * (double)m * (double)n +
                         (double)(m + n));
    if (sl_check_memory("cdist", p->size_name, need, "X, Y, distances and reference") != 0)
        goto fail;
    p->near_duplicates = rows_in_phase(n, CDIST_NEAR_DUPLICATE_PHASE);
    p->identical = rows_in_phase(n, CDIST_IDENTICAL_PHASE);
    snprintf(p->source, sizeof p->source,
             "generated: N(0,1) entries; Y rows %d mod 16 copy an X row plus %g N(0,1) noise, "
             "rows %d mod 16 copy one exactly; seed %" PRIu64,
             CDIST_NEAR_DUPLICATE_PHASE, CDIST_NEAR_NOISE, CDIST_IDENTICAL_PHASE, args->seed);
    p->x = util_alloc_aligned(m, dim * sizeof(double), "cdist X");
    p->y = util_alloc_aligned(n, dim * sizeof(double), "cdist Y");
    p->out = util_alloc_aligned(m, n * sizeof(double), "cdist distances");
    if (!p->x || !p->y || !p->out)
        goto fail;
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (size_t i = 0; i < m; i++)
            generate_x_row(p->x + i * dim, dim, args->seed, i);
#pragma omp for schedule(static) nowait
        for (size_t j = 0; j < n; j++)
            generate_y_row(p->y + j * dim, dim, m, args->seed, j);
    }
    /* First touch here, so no variant pays the page faults. */
    memset(p->out, 0, m * n * sizeof *p->out);
    *out = p;
    return 0;
fail:
    problem_free(p);
    return -1;
}

/* ---- reference and validation ----------------------------------------- */

double cdist_reference_sq(const struct cdist_problem *p, size_t i, size_t j)
{
    const double *x = p->x + i * p->p, *y = p->y + j * p->p;
    long double s = 0.0L;
    for (size_t k = 0; k < p->p; k++) {
        long double t = (long double)x[k] - (long double)y[k];
        s += t * t;
    }
    return (double)s;
}

/* Tolerance, on squared distances: |got^2 - ref^2| <= (2p + 16) eps
 * (||x||^2 + ||y||^2).  This is the worst-case rounding error of the GEMM
 * identity ||x||^2 + ||y||^2 - 2 x.y, with eps = 2^-52 twice the unit
 * roundoff as margin: each of the three length-p sums is off by at most
 * p u times the sum of its terms' magnitudes (<= ||x||^2 + ||y||^2 in
 * total for the two norms, and for 2|x.y|), the two additions, the sqrt,
 * squaring the result and rounding the reference add a few u times
 * ||x||^2 + ||y||^2.  The direct methods are within it too: their squared
 * distance is off by at most (p + 3) u d^2 <= 2 (p + 3) u (||x||^2 + ||y||^2).
 * An error measured relative to the distance itself cannot serve: for
 * identical rows the identity gives sqrt(~eps ||x||^2) instead of 0 (about
 * 1e-7 here), which is its honest accuracy, not a bug.  The measured errors
 * (max abs and relative error of the distances, the largest squared-error
 * fraction of the norms) are in every validation's detail. */
double cdist_tolerance(size_t p)
{
    return (2.0 * (double)p + 16.0) * DBL_EPSILON;
}

static int ensure_reference(struct cdist_problem *p)
{
    if (p->ref_sq)
        return 0;
    const size_t m = p->m, n = p->n, dim = p->p;
    double *ref = util_alloc_aligned(m, n * sizeof(double), "cdist reference");
    p->x_norm2 = util_alloc(m, sizeof(double), "cdist norms");
    p->y_norm2 = util_alloc(n, sizeof(double), "cdist norms");
    if (!ref || !p->x_norm2 || !p->y_norm2) {
        free(ref);
        free(p->x_norm2);
        free(p->y_norm2);
        p->x_norm2 = p->y_norm2 = NULL;
        return -1;
    }
#pragma omp parallel
    {
#pragma omp for schedule(static)
        for (size_t i = 0; i < m; i++) {
            long double s = 0.0L;
            for (size_t k = 0; k < dim; k++)
                s += (long double)p->x[i * dim + k] * p->x[i * dim + k];
            p->x_norm2[i] = (double)s;
        }
#pragma omp for schedule(static)
        for (size_t j = 0; j < n; j++) {
            long double s = 0.0L;
            for (size_t k = 0; k < dim; k++)
                s += (long double)p->y[j * dim + k] * p->y[j * dim + k];
            p->y_norm2[j] = (double)s;
        }
#pragma omp for schedule(dynamic, 8)
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++)
                ref[i * n + j] = cdist_reference_sq(p, i, j);
    }
    p->ref_sq = ref;
    return 0;
}

static void cdist_prepare_validation(void *problem)
{
    struct cdist_problem *p = problem;
    for (size_t e = 0; e < p->m * p->n; e++)
        p->out[e] = NAN;
}

struct check {
    double failures, max_abs, max_rel, max_fraction; /* fraction: err^2 / (|x|^2 + |y|^2) */
    double zeros, nonzero_zeros, max_at_zero;        /* pairs whose reference is 0 */
    size_t fail_i, fail_j;
    double fail_got, fail_ref;
};

static void check_row(const struct cdist_problem *p, size_t i, double tol, struct check *c)
{
    const size_t n = p->n;
    for (size_t j = 0; j < n; j++) {
        double got = p->out[i * n + j];
        double ref2 = p->ref_sq[i * n + j];
        double ref = sqrt(ref2);
        double scale = p->x_norm2[i] + p->y_norm2[j];
        double err2 = (double)fabsl((long double)got * got - ref2);
        double err = fabs(got - ref);
        double fraction = scale > 0 ? err2 / scale : (err2 > 0 ? INFINITY : 0.0);
        if (!(fraction <= c->max_fraction))
            c->max_fraction = isnan(fraction) ? INFINITY : fraction;
        if (!(err <= c->max_abs))
            c->max_abs = isnan(err) ? INFINITY : err;
        if (ref > 0 && !(err / ref <= c->max_rel))
            c->max_rel = isnan(err) ? INFINITY : err / ref;
        if (ref2 == 0) {
            c->zeros += 1;
            if (got != 0) {
                c->nonzero_zeros += 1;
                c->max_at_zero = fmax(c->max_at_zero, fabs(got));
            }
        }
        if (!(got >= 0 && err2 <= tol * scale)) {
            if (c->failures == 0) {
                c->fail_i = i;
                c->fail_j = j;
                c->fail_got = got;
                c->fail_ref = ref;
            }
            c->failures += 1;
        }
    }
}

static void merge(struct check *into, const struct check *c)
{
    if (c->failures > 0 &&
        (into->failures == 0 || c->fail_i < into->fail_i ||
         (c->fail_i == into->fail_i && c->fail_j < into->fail_j))) {
        into->fail_i = c->fail_i;
        into->fail_j = c->fail_j;
        into->fail_got = c->fail_got;
        into->fail_ref = c->fail_ref;
    }
    into->failures += c->failures;
    into->max_abs = fmax(into->max_abs, c->max_abs);
    into->max_rel = fmax(into->max_rel, c->max_rel);
    into->max_fraction = fmax(into->max_fraction, c->max_fraction);
    into->zeros += c->zeros;
    into->nonzero_zeros += c->nonzero_zeros;
    into->max_at_zero = fmax(into->max_at_zero, c->max_at_zero);
}

static int cdist_validate(void *problem, struct sl_validation *v)
{
    struct cdist_problem *p = problem;
    if (ensure_reference(p) != 0)
        return -1;
    const double tol = cdist_tolerance(p->p);
    const double pairs = (double)p->m * (double)p->n;
    struct check total = {0};
#pragma omp parallel
    {
        struct check mine = {0};
#pragma omp for schedule(static) nowait
        for (size_t i = 0; i < p->m; i++)
            check_row(p, i, tol, &mine);
#pragma omp critical
        merge(&total, &mine);
    }

    memset(v, 0, sizeof *v);
    v->method = "every distance against a long double reference, on squares: "
                "|got^2 - ref^2| <= rel (|x|^2 + |y|^2), got >= 0; abs = 0";
    v->checked = pairs;
    v->total = pairs;
    v->failures = total.failures;
    v->max_abs_error = total.max_abs;
    v->max_rel_error = total.max_rel;
    v->tolerance_abs = 0.0;
    v->tolerance_rel = tol;
    v->valid = total.failures == 0;
    if (total.failures)
        snprintf(v->detail, sizeof v->detail,
                 "%.0f distances outside tolerance; first (%zu, %zu): got %.17g, reference %.17g",
                 total.failures, total.fail_i, total.fail_j, total.fail_got, total.fail_ref);
    else
        snprintf(v->detail, sizeof v->detail,
                 "%.0f distances; max |got^2-ref^2|/(|x|^2+|y|^2) %.2g (tolerance %.2g); max abs "
                 "error %.2g, rel %.2g; %.0f of %.0f zero distances nonzero (max %.2g)",
                 pairs, total.max_fraction, tol, total.max_abs, total.max_rel,
                 total.nonzero_zeros, total.zeros, total.max_at_zero);
    return 0;
}

static void cdist_corrupt_output(void *problem)
{
    struct cdist_problem *p = problem;
    p->out[(p->m / 2) * p->n + p->n / 2] += 1.0;
}

/* ---- description and work model ---------------------------------------- */

static void cdist_describe(const void *problem, struct sl_problem_info *info)
{
    const struct cdist_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%s", p->size_name);
    snprintf(info->source, sizeof info->source, "%s", p->source);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("rows_x", (double)p->m);
    PARAM("rows_y", (double)p->n);
    PARAM("features", (double)p->p);
    PARAM("distances", (double)p->m * (double)p->n);
    PARAM("near_duplicate_pairs", (double)p->near_duplicates);
    PARAM("identical_pairs", (double)p->identical);
    PARAM("output_bytes", 8.0 * (double)p->m * (double)p->n);
    PARAM("working_set_bytes", 8.0 * ((double)p->m * (double)p->p + (double)p->n * (double)p->p +
                                      (double)p->m * (double)p->n));
#undef PARAM
    info->n_params = n;
}

void cdist_work(const void *problem, struct sl_work *w)
{
    const struct cdist_problem *p = problem;
    double pairs = (double)p->m * (double)p->n;
    w->units = pairs;
    w->flops = 3.0 * pairs * (double)p->p;
    /* X and Y once, D written once: what blocking makes achievable. */
    w->bytes = 8.0 * ((double)(p->m + p->n) * (double)p->p + pairs);
}

static const char *const cdist_test_sizes[] = {"1x1x1",   "3x2x5",  "2x13x3", "7x9x17",
                                               "13x5x7",  "33x17x9", "5x40x1", "17x70x33",
                                               "tiny",    NULL};

/* The GEMM variant needs OpenBLAS, which may not start (an address-space
 * limit): then it is skipped with the reason. */
static const char *cdist_unsupported(const void *problem, const struct sl_variant *v)
{
    (void)problem;
    return blas_variant_unavailable(v);
}

const struct sl_workload cdist_workload = {
    .name = "cdist",
    .summary = "pairwise Euclidean distances between the rows of X and Y, float64 "
               "(parallel-computing notes)",
    .unit = "distance",
    .merit = SL_MERIT_GFLOPS,
    .size_syntax = cdist_syntax,
    .presets = cdist_presets,
    .default_size = "tutorial",
    .test_sizes = cdist_test_sizes,
    .variants = cdist_variants,
    .check_size = cdist_check_size,
    .problem_create = cdist_create,
    .problem_destroy = cdist_destroy,
    .prepare_validation = cdist_prepare_validation,
    .validate = cdist_validate,
    .describe = cdist_describe,
    .corrupt_output = cdist_corrupt_output,
    .unsupported = cdist_unsupported,
};
