/* pairsum: problem set-up, reference, validation.  The variants are in
 * variants.c. */
#include "pairsum.h"
#include "kit/workload_kit.h"

#include "kit/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values per generator stream: the vector does not depend on thread count. */
#define PAIRSUM_GEN_BLOCK 4096
/* n^2 terms must stay countable exactly in a double and an index. */
#define PAIRSUM_MAX_N (1ull << 31)

static const struct sl_preset pairsum_presets[] = {
    {"tiny", "500", "smoke test, milliseconds even for atomic and critical"},
    {"small", "5000", "the tutorial's T2 small size; critical takes seconds per execution"},
    {"large", "100000", "the tutorial's T2 large size, 10^10 terms: seconds for reduction, "
                        "far longer for atomic and critical (use --variants)"},
    {NULL, NULL, NULL},
};

static int parse_n(const char *text, size_t *n)
{
    return sl_parse_dims("pairsum", text, pairsum_presets, "N (vector length, >= 1)", n, 1,
                         PAIRSUM_MAX_N);
}

static int pairsum_check_size(const char *size)
{
    size_t n;
    return parse_n(size, &n);
}

static void pairsum_destroy(void *problem)
{
    struct pairsum_problem *p = problem;
    if (!p)
        return;
    free(p->x);
    free(p);
}

static int pairsum_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("pairsum: --input is not supported (the vector is generated from the "
                       "seed; give --size N)");
    if (args->validate && strcmp(args->validate, "auto") != 0 &&
        strcmp(args->validate, "full") != 0 && strcmp(args->validate, "sample") != 0)
        return sl_fail("--validate must be auto, full or sample; got '%s'", args->validate);
    size_t n;
    if (parse_n(args->size, &n) != 0)
        return -1;
    char size[48];
    snprintf(size, sizeof size, "%zu", n);
    /* The vector, and the reference's long double row sums later. */
    if (sl_check_memory("pairsum", size, (8.0 + sizeof(long double)) * (double)n,
                        "the vector and the reference's row sums") != 0)
        return -1;
    struct pairsum_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    p->n = n;
    p->x = util_alloc_aligned(n, sizeof *p->x, "pairsum vector");
    if (!p->x) {
        free(p);
        return -1;
    }
    snprintf(p->size_name, sizeof p->size_name, "%s", size);
    snprintf(p->source, sizeof p->source, "generated: x uniform in (-1, 1], seed %" PRIu64,
             args->seed);

    size_t blocks = (n + PAIRSUM_GEN_BLOCK - 1) / PAIRSUM_GEN_BLOCK;
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < blocks; b++) {
        uint64_t state = sl_rng_stream(args->seed, b);
        size_t end = (b + 1) * PAIRSUM_GEN_BLOCK < n ? (b + 1) * PAIRSUM_GEN_BLOCK : n;
        for (size_t i = b * PAIRSUM_GEN_BLOCK; i < end; i++)
            p->x[i] = 2.0 * sl_rng_uniform01(&state) - 1.0;
    }
    pairsum_refresh(p);
    p->sum = NAN;
    *out = p;
    return 0;
}

void pairsum_refresh(struct pairsum_problem *p)
{
    long double sum = 0, sum_abs = 0;
    double max_abs = 0;
    for (size_t i = 0; i < p->n; i++) {
        sum += p->x[i];
        sum_abs += fabs(p->x[i]);
        max_abs = fmax(max_abs, fabs(p->x[i]));
    }
    p->sum_x = (double)sum;
    p->scale = (double)(sum_abs * sum_abs);
    p->largest_term = max_abs * max_abs;
    p->reference_ready = false;
}

/* ---- reference and validation ----------------------------------------- */

double pairsum_reference(struct pairsum_problem *p)
{
    if (p->reference_ready)
        return p->reference;
    size_t n = p->n;
    const double *x = p->x;
    long double *row = malloc(n * sizeof *row);
    long double total = 0;
    if (row) {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++) {
            long double s = 0;
            for (size_t j = 0; j < n; j++)
                s += (long double)x[i] * x[j];
            row[i] = s;
        }
        for (size_t i = 0; i < n; i++)
            total += row[i];
        free(row);
    } else {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                total += (long double)x[i] * x[j];
    }
    p->reference = (double)total;
    p->reference_ready = true;
    return p->reference;
}

static void pairsum_prepare_validation(void *problem)
{
    struct pairsum_problem *p = problem;
    p->sum = NAN;
}

static int pairsum_validate(void *problem, struct sl_validation *v)
{
    struct pairsum_problem *p = problem;
    double ref = pairsum_reference(p);
    double tol = PAIRSUM_TOL_SCALE * p->scale;
    double got = p->sum;
    double err = fabs(got - ref);

    memset(v, 0, sizeof *v);
    v->method = "the sum against the n^2 loop in long double; |S - ref| <= 1e-12 (sum |x|)^2 "
                "(tolerance_abs), scaled by the terms since S may be near 0";
    v->checked = 1;
    v->total = 1;
    v->tolerance_abs = tol;
    v->tolerance_rel = 0;
    v->valid = err <= tol; /* false for NaN: never written */
    v->failures = v->valid ? 0 : 1;
    v->max_abs_error = isnan(got) ? INFINITY : err;
    v->max_rel_error = isnan(got) ? INFINITY : ref != 0 ? err / fabs(ref) : 0;
    if (isnan(got))
        snprintf(v->detail, sizeof v->detail, "sum never written (still NaN); reference %.17g",
                 ref);
    else if (!v->valid)
        /* An average term is scale / n^2: how many lost updates the error is worth. */
        snprintf(v->detail, sizeof v->detail,
                 "sum %.17g, reference %.17g, error %.3g > tolerance %.3g: about %.3g average "
                 "terms (lost updates?)",
                 got, ref, err, tol, err / (p->scale / ((double)p->n * (double)p->n)));
    else
        snprintf(v->detail, sizeof v->detail,
                 "sum %.17g, reference %.17g, error %.3g = %.2g of (sum |x|)^2, tolerance %.3g",
                 got, ref, err, p->scale > 0 ? err / p->scale : 0, tol);
    return 0;
}

/* A lost update of the largest term: always beyond the tolerance while
 * n < 10^6 (the largest term is at least scale / n^2). */
static void pairsum_corrupt_output(void *problem)
{
    struct pairsum_problem *p = problem;
    p->sum -= p->largest_term > 0 ? p->largest_term : -1.0;
}

/* ---- description and work models -------------------------------------- */

static void pairsum_describe(const void *problem, struct sl_problem_info *info)
{
    const struct pairsum_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%s", p->size_name);
    snprintf(info->source, sizeof info->source, "%s", p->source);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("elements", (double)p->n);
    PARAM("working_set_bytes", 8.0 * (double)p->n);
    PARAM("pairs", (double)p->n * (double)p->n);
    PARAM("sum_x", p->sum_x);
    PARAM("sum_x_squared", p->sum_x * p->sum_x);
    PARAM("scale_sum_abs_squared", p->scale);
    PARAM("tolerance_abs", PAIRSUM_TOL_SCALE * p->scale);
#undef PARAM
    info->n_params = n;
}

void pairsum_work_pairs(const void *problem, struct sl_work *w)
{
    const struct pairsum_problem *p = problem;
    double n = (double)p->n;
    w->units = n * n;
    /* One multiply and one add per term. */
    w->flops = 2.0 * n * n;
    /* x_j is re-read for every i, plus x_i once per row; nominal, since the
     * vector fits in cache up to n ~ 10^5.  The accumulator's traffic is
     * cache-to-cache and not counted. */
    w->bytes = 8.0 * n * (n + 1.0);
}

void pairsum_work_algebraic(const void *problem, struct sl_work *w)
{
    const struct pairsum_problem *p = problem;
    double n = (double)p->n;
    /* Units stay the n^2 pairs answered, so pairs/s compares with the loop
     * variants; flops and bytes are the O(n) work really done. */
    w->units = n * n;
    w->flops = n + 1.0;
    w->bytes = 8.0 * n;
}

static const char *const pairsum_test_sizes[] = {"1", "2", "3", "7", "64", "tiny", NULL};

const struct sl_workload pairsum_workload = {
    .name = "pairsum",
    .summary = "pairwise product sum S = sum_i sum_j x_i x_j (Cython/OpenMP tutorial)",
    .unit = "pair",
    .merit = SL_MERIT_UNITS,
    .size_syntax = "N (vector length) or a preset",
    .presets = pairsum_presets,
    .default_size = "small",
    .test_sizes = pairsum_test_sizes,
    .variants = pairsum_variants,
    .check_size = pairsum_check_size,
    .problem_create = pairsum_create,
    .problem_destroy = pairsum_destroy,
    .prepare_validation = pairsum_prepare_validation,
    .validate = pairsum_validate,
    .describe = pairsum_describe,
    .corrupt_output = pairsum_corrupt_output,
};
