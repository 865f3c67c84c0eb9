/* stream: arrays, sizes, validation and the work models.
 * The kernels are in variants.c. */
#include "stream.h"
#include "kit/workload_kit.h"

#include "kit/util.h"

#include <emmintrin.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2^40 elements: 8 TiB per array; only keeps the byte counts in range. */
#define STREAM_MAX_ELEMENTS ((size_t)1 << 40)

static const struct sl_preset stream_presets[] = {
    {"auto", "auto", "each array 4 x the last-level cache (hwloc): the bandwidth of memory"},
    {"small", "auto", "the default suite (scripts/bench): auto, since STREAM must exceed the caches"},
    {"tiny", "1000000", "8 MB per array: a quick check (cache-resident on large caches)"},
    {NULL, NULL, NULL},
};

size_t stream_auto_elements(size_t llc_bytes)
{
    if (llc_bytes == 0)
        return STREAM_FALLBACK_ELEMENTS;
    return (4 * llc_bytes + sizeof(double) - 1) / sizeof(double);
}

void stream_inputs(uint64_t seed, size_t i, double *a, double *b)
{
    uint64_t state = sl_rng_stream(seed, i);
    uint64_t bits = sl_rng_next(&state);
    *a = (double)(bits & 0xFFFFF);
    *b = (double)((bits >> 20) & 0xFFFFF) * 0.5;
}

void stream_partition(size_t n, int part, int parts, size_t *begin, size_t *end)
{
    size_t blocks = (n + STREAM_BLOCK - 1) / STREAM_BLOCK;
    size_t b0 = blocks * (size_t)part / (size_t)parts;
    size_t b1 = blocks * ((size_t)part + 1) / (size_t)parts;
    *begin = b0 * STREAM_BLOCK < n ? b0 * STREAM_BLOCK : n;
    *end = b1 * STREAM_BLOCK < n ? b1 * STREAM_BLOCK : n;
}

double stream_bytes_per_element(enum stream_kernel k)
{
    switch (k) {
    case STREAM_COPY:
    case STREAM_SCALE:
        return 2 * sizeof(double);
    case STREAM_ADD:
    case STREAM_TRIAD:
        return 3 * sizeof(double);
    case STREAM_NONE:
        break;
    }
    return 0;
}

/* "auto", a preset, or N elements; *is_auto tells which. */
static int parse_size(const char *text, size_t *n, int *is_auto)
{
    /* The default suite's "small" is memory bandwidth too: auto. */
    *is_auto = strcmp(text, "auto") == 0 || strcmp(text, "small") == 0;
    if (*is_auto) {
        *n = stream_auto_elements(sl_last_level_cache_bytes());
        return 0;
    }
    return sl_parse_dims("stream", text, stream_presets, "N (elements per array, N >= 1)", n, 1,
                         STREAM_MAX_ELEMENTS);
}

static int stream_check_size(const char *size)
{
    size_t n;
    int is_auto;
    return parse_size(size, &n, &is_auto);
}

static void problem_free(struct stream_problem *p)
{
    if (!p)
        return;
    free(p->a);
    free(p->b);
    free(p->c);
    free(p);
}

static void stream_destroy(void *problem)
{
    problem_free(problem);
}

static int stream_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("stream: --input is not supported; the arrays are generated (--size)");
    size_t n;
    int is_auto;
    if (parse_size(args->size, &n, &is_auto) != 0)
        return -1;
    char size[32];
    snprintf(size, sizeof size, "%zu", n);
    if (sl_check_memory("stream", size, 3.0 * sizeof(double) * (double)n, "three arrays") != 0)
        return -1;
    struct stream_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    p->n = n;
    p->seed = args->seed;
    p->llc_bytes = sl_last_level_cache_bytes();
    p->auto_size = is_auto;
    p->a = util_alloc_aligned(n, sizeof(double), "stream array a");
    p->b = util_alloc_aligned(n, sizeof(double), "stream array b");
    p->c = util_alloc_aligned(n, sizeof(double), "stream array c");
    if (!p->a || !p->b || !p->c) {
        problem_free(p);
        return -1;
    }
    /* First touch: each page is written first by the thread whose share of
     * the kernels it holds (same partition, default team size). */
#pragma omp parallel
    {
        size_t begin, end;
        stream_partition(n, omp_get_thread_num(), omp_get_num_threads(), &begin, &end);
        for (size_t i = begin; i < end; i++) {
            stream_inputs(p->seed, i, &p->a[i], &p->b[i]);
            p->c[i] = 0.0;
        }
    }
    p->last = STREAM_NONE;
    *out = p;
    return 0;
}

/* NaN in every element of c, with streaming stores: an ordinary pass
 * would leave the end of c dirty in the cache, and its write-back would
 * then be counted in the next timed kernel. */
static void stream_prepare_validation(void *problem)
{
    struct stream_problem *p = problem;
    p->last = STREAM_NONE;
#pragma omp parallel
    {
        size_t begin, end;
        stream_partition(p->n, omp_get_thread_num(), omp_get_num_threads(), &begin, &end);
        const __m128d poison = _mm_set1_pd(NAN);
        size_t i = begin;
        for (; i + 2 <= end; i += 2)
            _mm_stream_pd(p->c + i, poison); /* begin is a multiple of 8: aligned */
        for (; i < end; i++)
            p->c[i] = NAN;
        _mm_sfence();
    }
}

static double expected_output(enum stream_kernel k, double a, double b)
{
    switch (k) {
    case STREAM_COPY:
        return a;
    case STREAM_SCALE:
        return STREAM_SCALAR * a;
    case STREAM_ADD:
        return a + b;
    case STREAM_TRIAD:
        return a + STREAM_SCALAR * b;
    case STREAM_NONE:
        break;
    }
    return NAN;
}

static const char *kernel_name(enum stream_kernel k)
{
    static const char *const names[] = {"none", "copy", "scale", "add", "triad"};
    return names[k];
}

/* Every element of c must equal the exact expected value (tolerance 0;
 * the inputs make every result exactly representable), and a and b must
 * still hold their generated values. */
static int stream_validate(void *problem, struct sl_validation *v)
{
    struct stream_problem *p = problem;
    memset(v, 0, sizeof *v);
    v->method = "every element of c exactly against the expected value; a and b unchanged";
    v->total = (double)p->n;
    v->tolerance_abs = 0;
    v->tolerance_rel = 0;
    if (p->last == STREAM_NONE) {
        v->checked = 1;
        v->failures = (double)p->n;
        v->max_abs_error = v->max_rel_error = INFINITY;
        snprintf(v->detail, sizeof v->detail, "no kernel recorded what it computed");
        return 0;
    }
    double failures = 0, inputs_changed = 0, max_abs = 0, max_rel = 0;
    size_t first = p->n;
#pragma omp parallel for schedule(static) reduction(+ : failures, inputs_changed) \
    reduction(max : max_abs, max_rel) reduction(min : first)
    for (size_t i = 0; i < p->n; i++) {
        double a, b;
        stream_inputs(p->seed, i, &a, &b);
        double want = expected_output(p->last, a, b), got = p->c[i];
        bool changed = p->a[i] != a || p->b[i] != b;
        inputs_changed += changed;
        if (got == want && !changed)
            continue;
        failures += 1;
        if (i < first)
            first = i;
        double err = isnan(got) ? INFINITY : fabs(got - want);
        max_abs = fmax(max_abs, err);
        max_rel = fmax(max_rel, want != 0 ? err / fabs(want) : err);
    }
    v->checked = (double)p->n;
    v->failures = failures;
    v->max_abs_error = max_abs;
    v->max_rel_error = max_rel;
    v->valid = failures == 0;
    if (v->valid) {
        snprintf(v->detail, sizeof v->detail, "%s: all %zu elements exact", kernel_name(p->last),
                 p->n);
    } else {
        double a, b;
        stream_inputs(p->seed, first, &a, &b);
        snprintf(v->detail, sizeof v->detail,
                 "%s: %.0f of %zu elements wrong (%.0f with changed inputs); first at %zu: "
                 "got %.17g, expected %.17g",
                 kernel_name(p->last), failures, p->n, inputs_changed, first, p->c[first],
                 expected_output(p->last, a, b));
    }
    return 0;
}

static void stream_describe(const void *problem, struct sl_problem_info *info)
{
    const struct stream_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%zu", p->n);
    char how[96];
    if (!p->auto_size)
        snprintf(how, sizeof how, "explicit size");
    else if (p->llc_bytes)
        snprintf(how, sizeof how, "auto: 4 x last-level cache of %.0f MiB",
                 (double)p->llc_bytes / 1048576.0);
    else
        snprintf(how, sizeof how, "auto: cache size unknown, fallback of %zu elements",
                 (size_t)STREAM_FALLBACK_ELEMENTS);
    snprintf(info->source, sizeof info->source,
             "generated: a integers < 2^20, b halves < 2^19, hashed from (seed %" PRIu64
             ", index); %s",
             p->seed, how);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("elements", (double)p->n);
    PARAM("array_bytes", 8.0 * (double)p->n);
    PARAM("working_set_bytes", 24.0 * (double)p->n);
    PARAM("llc_bytes", (double)p->llc_bytes);
    PARAM("array_over_llc", p->llc_bytes ? 8.0 * (double)p->n / (double)p->llc_bytes : 0.0);
    PARAM("scalar", STREAM_SCALAR);
#undef PARAM
    info->n_params = n;
}

/* One element off by one. */
static void stream_corrupt_output(void *problem)
{
    struct stream_problem *p = problem;
    p->c[p->n / 2] += 1.0;
}

static void work_of(const void *problem, enum stream_kernel k, double flops_per_element,
                    struct sl_work *w)
{
    const struct stream_problem *p = problem;
    w->units = (double)p->n;
    w->flops = flops_per_element * (double)p->n;
    w->bytes = stream_bytes_per_element(k) * (double)p->n;
}

void stream_work_copy(const void *problem, struct sl_work *w)
{
    work_of(problem, STREAM_COPY, 0, w);
}

void stream_work_scale(const void *problem, struct sl_work *w)
{
    work_of(problem, STREAM_SCALE, 1, w);
}

void stream_work_add(const void *problem, struct sl_work *w)
{
    work_of(problem, STREAM_ADD, 1, w);
}

void stream_work_triad(const void *problem, struct sl_work *w)
{
    work_of(problem, STREAM_TRIAD, 2, w);
}

static const char *const stream_test_sizes[] = {"1", "7", "9", "15", "17", "33", "1003", NULL};

const struct sl_workload stream_workload = {
    .name = "stream",
    .summary = "STREAM copy, scale, add, triad on arrays beyond the last-level cache",
    .unit = "element",
    .merit = SL_MERIT_GBYTES,
    .size_syntax = "N (elements per array), auto (4 x last-level cache) or a preset",
    .presets = stream_presets,
    .default_size = "auto",
    .test_sizes = stream_test_sizes,
    .variants = stream_variants,
    .check_size = stream_check_size,
    .problem_create = stream_create,
    .problem_destroy = stream_destroy,
    .prepare_validation = stream_prepare_validation,
    .validate = stream_validate,
    .describe = stream_describe,
    .corrupt_output = stream_corrupt_output,
};
