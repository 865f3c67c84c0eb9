/* ragged: problem set-up in both layouts, reference and validation.
 * The variants are in variants.c. */
#include "ragged.h"
#include "kit/workload_kit.h"

#include "kit/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest N accepted: the memory check refuses far smaller sizes on any
 * real machine; this only keeps N * N and the byte counts from overflowing. */
#define RAGGED_MAX_N (1u << 24)
/* Written by prepare_validation: a variant that never stores its total is
 * caught (no sum of non-negative entries can be negative). */
#define RAGGED_POISON INT64_MIN

static const struct sl_preset ragged_presets[] = {
    {"tiny", "300", "90 thousand entries: smoke test"},
    {"small", "2000", "4 million entries: the default suite"},
    {"p3", "10000", "10^8 entries: the size of claim P3"},
    {NULL, NULL, NULL},
};

static int parse_n(const char *text, size_t *n)
{
    return sl_parse_dims("ragged", text, ragged_presets, "N (N rows of N entries, N >= 1)", n, 1,
                         RAGGED_MAX_N);
}

static int ragged_check_size(const char *size)
{
    size_t n;
    return parse_n(size, &n);
}

void ragged_generate_row(int32_t *row, size_t length, uint64_t seed, size_t i)
{
    uint64_t state = sl_rng_stream(seed, i);
    for (size_t k = 0; k < length; k++)
        row[k] = (int32_t)(sl_rng_next(&state) % RAGGED_VALUE_RANGE);
}

static void problem_free(struct ragged_problem *p)
{
    if (!p)
        return;
    if (p->rows)
        for (size_t i = 0; i < p->n; i++)
            free(p->rows[i]);
    free(p->rows);
    free(p->row_length);
    free(p->flat);
    free(p->offsets);
    free(p);
}

static void ragged_destroy(void *problem)
{
    problem_free(problem);
}

/* Allocates row i of the pointer layout in a seeded random order of i, so
 * rows that one thread sums one after another do not sit one after another
 * in memory: a Python list of lists, built over a program's life, is not
 * laid out in row order either.  Allocated in order, glibc would place the
 * rows back to back and the two layouts would differ only by the pointer
 * table. */
static int allocate_rows_shuffled(struct ragged_problem *p)
{
    size_t *order = util_alloc(p->n, sizeof *order, "ragged row order");
    if (!order)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        order[i] = i;
    uint64_t state = sl_rng_stream(p->seed, p->n); /* rows use streams 0 .. n-1 */
    for (size_t i = p->n - 1; i > 0; i--) {
        size_t j = (size_t)(sl_rng_next(&state) % (i + 1));
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int rc = 0;
    for (size_t k = 0; k < p->n && rc == 0; k++) {
        size_t i = order[k];
        p->row_length[i] = p->n;
        p->rows[i] = util_alloc(p->n, sizeof(int32_t), "ragged row");
        if (!p->rows[i])
            rc = -1;
    }
    free(order);
    return rc;
}

static int ragged_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("ragged: --input is not supported; the rows are generated (--size, --seed)");
    size_t n;
    if (parse_n(args->size, &n) != 0)
        return -1;
    char size[32];
    snprintf(size, sizeof size, "%zu", n);
    /* Both layouts, the pointer table and glibc's 16-byte chunk headers. */
    double need = 2.0 * 4.0 * (double)n * (double)n + 48.0 * (double)n;
    if (sl_check_memory("ragged", size, need, "both layouts of the rows") != 0)
        return -1;

    struct ragged_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    p->n = n;
    p->seed = args->seed;
    p->rows = calloc(n, sizeof *p->rows);
    p->row_length = util_alloc(n, sizeof *p->row_length, "ragged row lengths");
    p->offsets = util_alloc(n + 1, sizeof *p->offsets, "ragged row offsets");
    p->flat = util_alloc_aligned(n, n * sizeof(int32_t), "ragged contiguous rows");
    if (!p->rows || !p->row_length || !p->offsets || !p->flat ||
        allocate_rows_shuffled(p) != 0) {
        if (!p->rows)
            sl_fail("out of memory");
        problem_free(p);
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        p->offsets[i] = i * n;

    /* Rows are independent streams, so the data does not depend on the
     * number of threads; generating in parallel keeps a size sweep quick. */
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        ragged_generate_row(p->rows[i], p->row_length[i], p->seed, i);
        memcpy(p->flat + p->offsets[i], p->rows[i], p->row_length[i] * sizeof(int32_t));
    }
    p->result = RAGGED_POISON;
    *out = p;
    return 0;
}

int64_t ragged_reference_sum(const struct ragged_problem *p)
{
    int64_t total = 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < p->row_length[i]; k++)
            total += p->rows[i][k];
    return total;
}

static void ragged_prepare_validation(void *problem)
{
    struct ragged_problem *p = problem;
    p->result = RAGGED_POISON;
}

/* Integer sums are exact: the variant's total must equal the reference
 * exactly (tolerance 0). */
static int ragged_validate(void *problem, struct sl_validation *v)
{
    struct ragged_problem *p = problem;
    if (!p->reference_known) {
        p->reference = ragged_reference_sum(p);
        p->reference_known = true;
    }
    memset(v, 0, sizeof *v);
    v->method = "the int64 total against the serial reference sum, exactly";
    v->checked = 1;
    v->total = 1;
    v->tolerance_abs = 0;
    v->tolerance_rel = 0;
    if (p->result == RAGGED_POISON) {
        v->failures = 1;
        v->max_abs_error = v->max_rel_error = INFINITY;
        snprintf(v->detail, sizeof v->detail, "total never written (reference %" PRId64 ")",
                 p->reference);
        return 0;
    }
    double err = (double)p->result - (double)p->reference;
    v->max_abs_error = err < 0 ? -err : err;
    v->max_rel_error = p->reference ? v->max_abs_error / (double)p->reference : v->max_abs_error;
    v->failures = p->result != p->reference;
    v->valid = v->failures == 0;
    if (v->valid)
        snprintf(v->detail, sizeof v->detail, "total %" PRId64 " of %zu x %zu entries is exact",
                 p->result, p->n, p->n);
    else
        snprintf(v->detail, sizeof v->detail, "total %" PRId64 ", reference %" PRId64,
                 p->result, p->reference);
    return 0;
}

static void ragged_describe(const void *problem, struct sl_problem_info *info)
{
    const struct ragged_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%zu", p->n);
    snprintf(info->source, sizeof info->source,
             "generated: int32 uniform in 0..%d, rows allocated in shuffled order, seed %" PRIu64,
             RAGGED_VALUE_RANGE - 1, p->seed);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("rows", (double)p->n);
    PARAM("row_entries", (double)p->n);
    PARAM("entries", (double)p->n * (double)p->n);
    PARAM("row_bytes", 4.0 * (double)p->n);
    PARAM("layout_bytes", 4.0 * (double)p->n * (double)p->n);
    PARAM("working_set_bytes", 4.0 * (double)p->n * (double)p->n + 8.0 * (double)p->n);
#undef PARAM
    info->n_params = n;
}

/* A lost update: one entry's worth missing from the total. */
static void ragged_corrupt_output(void *problem)
{
    struct ragged_problem *p = problem;
    p->result -= 1;
}

static const char *const ragged_test_sizes[] = {"1", "2", "3", "17", "33", "100", NULL};

const struct sl_workload ragged_workload = {
    .name = "ragged",
    .summary = "sum of a list of N lists of N int32 entries (pointer per row vs contiguous)",
    .unit = "element",
    .merit = SL_MERIT_UNITS,
    .size_syntax = "N (N rows of N entries) or a preset",
    .presets = ragged_presets,
    .default_size = "small",
    .test_sizes = ragged_test_sizes,
    .variants = ragged_variants,
    .check_size = ragged_check_size,
    .problem_create = ragged_create,
    .problem_destroy = ragged_destroy,
    .prepare_validation = ragged_prepare_validation,
    .validate = ragged_validate,
    .describe = ragged_describe,
    .corrupt_output = ragged_corrupt_output,
};
