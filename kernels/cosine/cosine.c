/* cosine: problem set-up, reference, validation and the pair-loop schedules.
 * The variants themselves are in variants.c. */
#include "cosine.h"
#include "kit/workload_kit.h"

#include "kit/blas.h"
#include "kit/memory.h"
#include "kit/npy.h"
#include "kit/npz.h"
#include "kit/progress.h"
#include "kit/ranks.h"
#include "kit/triangle.h"
#include "kit/util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Entries with |x| below this are set to zero: about 4.55 % of N(0,1) stay. */
#define COSINE_ZERO_BELOW 2.0

static const struct sl_preset cosine_presets[] = {
    {"tiny", "64x100", "seconds-scale smoke test"},
    {"small", "600x1000", "the default suite (scripts/bench), minutes on 2 cores"},
    {"forum", "5800x1000", "the numba forum thread's data set"},
    {"large", "20000x1000", "200 M pairs; dense output 1.6 GB"},
    {NULL, NULL, NULL},
};

/* ---- deterministic data ------------------------------------------------ */

/* Row i depends only on (seed, i), so data does not depend on thread count
 * or generation order. Box-Muller, both outputs used. */
static void generate_row(float *row, size_t d, uint64_t seed, size_t i)
{
    uint64_t state = sl_rng_stream(seed, i);
    for (size_t k = 0; k < d; k += 2) {
        double z[2];
        sl_rng_normal_pair(&state, z);
        for (size_t h = 0; h < 2 && k + h < d; h++)
            row[k + h] = fabs(z[h]) < COSINE_ZERO_BELOW ? 0.0f : (float)z[h];
    }
}

static int parse_dims(const char *text, size_t *n, size_t *d)
{
    size_t dims[2];
    if (sl_parse_dims("cosine", text, cosine_presets, "NxD (samples x variables, both >= 1)",
                      dims, 2, SIZE_MAX / 2) != 0)
        return -1;
    *n = dims[0];
    *d = dims[1];
    return 0;
}

/* Limits of the index types the variants use (BLAS int dimensions, float
 * overlap counts exact to 2^24, 32-bit posting lists), for generated and
 * loaded data alike. */
static int check_limits(size_t n, size_t d)
{
    if (n >= (1ull << 31) || d > (1ull << 24))
        return sl_fail("cosine: %zu x %zu is beyond what this build supports (samples < 2^31, "
                       "variables <= 2^24)",
                       n, d);
    return 0;
}

static int check_memory(size_t n, size_t d, bool sparse)
{
    if (sparse)
        return 0; /* planned against --memory-budget by cosine_sparse_create() */
    /* Dense output, both layouts of the input, and the largest per-variant
     * scratch (blas3: mask and squares, another two copies). */
    double need = 4.0 * (double)n * (double)n + 16.0 * (double)n * (double)(d + 16);
    char size[64];
    snprintf(size, sizeof size, "%zux%zu", n, d);
    return sl_check_memory("cosine", size, need, "dense n x n output");
}

static int cosine_check_size(const char *size)
{
    size_t n, d;
    return parse_dims(size, &n, &d) != 0 ? -1 : check_limits(n, d);
}

static void problem_free(struct cosine_problem *p)
{
    if (!p)
        return;
    cosine_sparse_destroy(p);
    free(p->x);
    free(p->xc);
    free(p->out);
    free(p);
}

static void cosine_destroy(void *problem)
{
    problem_free(problem);
}

/* Sum over pairs i <= j of the overlap count, from per-variable counts:
 * variable k contributes c_k (c_k + 1) / 2.  Exact and O(nnz). */
static double overlap_total(const struct cosine_problem *p)
{
    double *count = calloc(p->d, sizeof *count), total = 0.0;
    if (!count)
        return NAN;
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < p->d; k++)
            count[k] += cosine_row(p, i)[k] != 0.0f;
    for (size_t k = 0; k < p->d; k++)
        total += count[k] * (count[k] + 1) / 2;
    free(count);
    return total;
}

static int cosine_create(const struct sl_problem_args *args, void **out)
{
    struct cosine_problem *p = calloc(1, sizeof *p);
    float *loaded = NULL;
    if (!p)
        return sl_fail("out of memory");
    /* What the process holds before the input exists: the part of a
     * --memory-budget that is not ours to plan. */
    size_t baseline_rss = 0;
    if (mem_rss_now(&baseline_rss) != 0)
        baseline_rss = 0;
    bool sparse = args->keep != SL_KEEP_DENSE;
    if (!sparse && ranks_count() > 1) {
        problem_free(p);
        return sl_fail("cosine: under MPI (%d ranks) the output must be sparse: add --threshold "
                       "T or --top-quantile Q (the dense n x n output is not split)",
                       ranks_count());
    }
    if (!args->validate || strcmp(args->validate, "auto") == 0)
        p->validate_mode = COSINE_VALIDATE_AUTO;
    else if (strcmp(args->validate, "full") == 0)
        p->validate_mode = COSINE_VALIDATE_FULL;
    else if (strcmp(args->validate, "sample") == 0)
        p->validate_mode = COSINE_VALIDATE_SAMPLE;
    else {
        problem_free(p);
        return sl_fail("--validate must be auto, full or sample; got '%s'", args->validate);
    }

    if (args->input_path) {
        if (npy_read_matrix_f32(args->input_path, &p->n, &p->d, &loaded) != 0)
            goto fail;
        snprintf(p->source, sizeof p->source, "%s", args->input_path);
        util_make_utf8(p->source);
    } else {
        if (parse_dims(args->size, &p->n, &p->d) != 0)
            goto fail;
        snprintf(p->source, sizeof p->source, "generated: N(0,1), |x| < %.0f set to 0, seed %" PRIu64,
                 COSINE_ZERO_BELOW, args->seed);
    }
    if (check_limits(p->n, p->d) != 0 || check_memory(p->n, p->d, sparse) != 0)
        goto fail;
    snprintf(p->size_name, sizeof p->size_name, "%zux%zu", p->n, p->d);
    p->ld = (p->d + 15) / 16 * 16;
    tri_partition(tri_count(p->n), ranks_count(), ranks_rank(), &p->pair_begin, &p->pair_end);
    if (sparse && cosine_sparse_check_input(p, args->memory_budget, baseline_rss) != 0)
        goto fail;
    p->x = util_alloc_aligned(p->n, p->ld * sizeof(float), "cosine input");
    if (!p->x)
        goto fail;
    if (!sparse) {
        p->xc = util_alloc_aligned(p->d, p->n * sizeof(float), "cosine input (colmajor)");
        p->out = util_alloc_aligned(p->n, p->n * sizeof(float), "cosine output");
        if (!p->xc || !p->out)
            goto fail;
    }

#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < p->n; i++) {
        float *row = p->x + i * p->ld;
        if (loaded)
            memcpy(row, loaded + i * p->d, p->d * sizeof *row);
        else
            generate_row(row, p->d, args->seed, i);
        memset(row + p->d, 0, (p->ld - p->d) * sizeof *row);
    }
    free(loaded);
    loaded = NULL;
    size_t nnz = 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < p->d; k++) {
            float v = p->x[i * p->ld + k];
            if (p->xc)
                p->xc[k * p->n + i] = v;
            nnz += v != 0.0f;
        }
    p->nnz = nnz;
    p->pair_overlap_total = overlap_total(p);
    if (sparse) {
        if (cosine_sparse_create(p, args, baseline_rss) != 0)
            goto fail;
    } else {
        /* First touch of the output here, so no variant pays its page faults. */
        memset(p->out, 0, p->n * p->n * sizeof *p->out);
    }
    *out = p;
    return 0;
fail:
    free(loaded);
    problem_free(p);
    return -1;
}

/* ---- reference and validation ----------------------------------------- */

double cosine_reference_pair(const struct cosine_problem *p, size_t i, size_t j)
{
    const float *a = cosine_row(p, i), *b = cosine_row(p, j);
    double ol = 0, qd2 = 0, rd2 = 0, dot = 0;
    for (size_t k = 0; k < p->d; k++) {
        double x = a[k], y = b[k];
        if (x != 0 && y != 0)
            ol += 1;
        if (y != 0)
            qd2 += x * x;
        if (x != 0)
            rd2 += y * y;
        dot += x * y;
    }
    if (ol == 0)
        ol = 1;
    double qd = sqrt(qd2), rd = sqrt(rd2);
    if (qd == 0)
        qd = 1;
    if (rd == 0)
        rd = 1;
    return dot / qd / rd * (1 - 1 / ol) * (1 - 1 / ol);
}

static void cosine_prepare_validation(void *problem)
{
    struct cosine_problem *p = problem;
    if (p->sparse)
        return; /* every execution starts from empty shards */
    /* Poison the triangle so a pair a variant forgets to write is caught. */
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = i; j < p->n; j++)
            p->out[i * p->n + j] = NAN;
}

struct check {
    double max_abs, max_rel, checked, failures;
    size_t worst_i, worst_j;
    double worst_got, worst_ref;
};

static void check_pair(const struct cosine_problem *p, size_t i, size_t j, struct check *c)
{
    double got = p->out[i * p->n + j];
    if (isnan(got))
        return; /* counted once, as unwritten, by the caller's scan */
    double ref = cosine_reference_pair(p, i, j);
    double err = fabs(got - ref);
    c->checked += 1;
    if (err > c->max_abs || (c->failures == 0 && err > COSINE_TOL_ABS + COSINE_TOL_REL * fabs(ref))) {
        c->worst_i = i;
        c->worst_j = j;
        c->worst_got = got;
        c->worst_ref = ref;
    }
    if (err > c->max_abs)
        c->max_abs = err;
    if (ref != 0 && err / fabs(ref) > c->max_rel)
        c->max_rel = err / fabs(ref);
    if (!(err <= COSINE_TOL_ABS + COSINE_TOL_REL * fabs(ref)))
        c->failures += 1;
}

static void merge_check(struct check *into, const struct check *c)
{
    if (c->max_abs > into->max_abs || (into->failures == 0 && c->failures > 0)) {
        into->worst_i = c->worst_i;
        into->worst_j = c->worst_j;
        into->worst_got = c->worst_got;
        into->worst_ref = c->worst_ref;
    }
    into->max_abs = fmax(into->max_abs, c->max_abs);
    into->max_rel = fmax(into->max_rel, c->max_rel);
    into->checked += c->checked;
    into->failures += c->failures;
}

static int cosine_validate(void *problem, struct sl_validation *v)
{
    struct cosine_problem *p = problem;
    if (p->sparse)
        return cosine_sparse_validate(p, v);
    size_t n = p->n;
    double pairs = (double)tri_count(n);
    bool full = p->validate_mode == COSINE_VALIDATE_FULL ||
                (p->validate_mode == COSINE_VALIDATE_AUTO &&
                 pairs * (double)p->d <= COSINE_FULL_CHECK_LIMIT);
    struct check total = {0};

    /* Every pair must have been written, whatever the reference check covers. */
    double unwritten = 0;
    size_t first_i = 0, first_j = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            if (isnan(p->out[i * n + j]) && unwritten++ == 0) {
                first_i = i;
                first_j = j;
            }

    if (full) {
#pragma omp parallel
        {
            struct check mine = {0};
#pragma omp for schedule(dynamic, 16) nowait
            for (size_t i = 0; i < n; i++)
                for (size_t j = i; j < n; j++)
                    check_pair(p, i, j, &mine);
#pragma omp critical
            merge_check(&total, &mine);
        }
    } else {
        /* The diagonal, the first row and the last column (the edges of the
         * triangle, where index mappings go wrong), then seeded random pairs. */
        for (size_t i = 0; i < n; i++)
            check_pair(p, i, i, &total);
        for (size_t j = 1; j < n; j++)
            check_pair(p, 0, j, &total);
        for (size_t i = 1; i + 1 < n; i++)
            check_pair(p, i, n - 1, &total);
        uint64_t state = 12345;
        for (int s = 0; s < COSINE_SAMPLE_PAIRS; s++) {
            size_t i, j;
            tri_index_to_pair(n, (size_t)(sl_rng_uniform01(&state) * pairs) % tri_count(n), &i, &j);
            check_pair(p, i, j, &total);
        }
    }

    memset(v, 0, sizeof *v);
    v->method = full ? "all pairs against the double-precision reference"
                     : "diagonal, first row, last column and 100000 seeded random pairs";
    v->checked = total.checked;
    v->total = pairs;
    v->failures = total.failures + unwritten;
    v->max_abs_error = unwritten ? INFINITY : total.max_abs;
    v->max_rel_error = unwritten ? INFINITY : total.max_rel;
    v->tolerance_abs = COSINE_TOL_ABS;
    v->tolerance_rel = COSINE_TOL_REL;
    v->valid = v->failures == 0;
    if (unwritten)
        snprintf(v->detail, sizeof v->detail, "%.0f pairs never written, first (%zu, %zu)",
                 unwritten, first_i, first_j);
    else if (total.failures)
        snprintf(v->detail, sizeof v->detail,
                 "%.0f pairs outside tolerance; worst (%zu, %zu): got %.9g, reference %.9g",
                 total.failures, total.worst_i, total.worst_j, total.worst_got, total.worst_ref);
    else
        snprintf(v->detail, sizeof v->detail, "%.0f of %.0f pairs within %g + %g |ref|",
                 total.checked, pairs, COSINE_TOL_ABS, COSINE_TOL_REL);
    return 0;
}

/* ---- description, output ---------------------------------------------- */

static void cosine_describe(const void *problem, struct sl_problem_info *info)
{
    const struct cosine_problem *p = problem;
    double pairs = (double)tri_count(p->n);
    snprintf(info->size, sizeof info->size, "%s", p->size_name);
    snprintf(info->source, sizeof info->source, "%s", p->source);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("samples", (double)p->n);
    PARAM("variables", (double)p->d);
    PARAM("pairs", pairs);
    PARAM("nonzeros", (double)p->nnz);
    PARAM("density", (double)p->nnz / ((double)p->n * (double)p->d));
    PARAM("mean_overlap_per_pair", p->pair_overlap_total / pairs);
    PARAM("dense_output_bytes", 4.0 * (double)p->n * (double)p->n);
    if (!p->sparse)
        PARAM("working_set_bytes",
              4.0 * (double)p->n * (double)p->ld + 4.0 * (double)p->n * (double)p->n);
#undef PARAM
    info->n_params = n;
    if (p->sparse)
        cosine_sparse_describe(p, info);
}

static const float *output_row(const void *ctx, size_t i, float *buffer)
{
    const struct cosine_problem *p = ctx;
    memset(buffer, 0, i * sizeof *buffer);
    memcpy(buffer + i, p->out + i * p->n + i, (p->n - i) * sizeof *buffer);
    return buffer;
}

static int cosine_save_output(void *problem, const char *path)
{
    struct cosine_problem *p = problem;
    if (p->sparse)
        return cosine_sparse_save(p, path);
    return npy_write_matrix_f32(path, p->n, p->n, output_row, p);
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t len = strlen(text), suffix_len = strlen(suffix);
    return len > suffix_len && strcmp(text + len - suffix_len, suffix) == 0;
}

static int cosine_check_output_path(const char *path, const struct sl_problem_args *args)
{
    bool sparse = args->keep != SL_KEEP_DENSE;
    if (sparse && !ends_with(path, ".npz"))
        return sl_fail("cosine: with --threshold or --top-quantile, --output must end in .npz "
                       "(scipy.sparse COO); got '%s'",
                       path);
    if (!sparse && !ends_with(path, ".npy"))
        return sl_fail("cosine: --output must end in .npy (the dense upper triangle), or .npz "
                       "with --threshold/--top-quantile; got '%s'",
                       path);
    return sparse ? npz_check_path(path) : 0;
}

static const char *cosine_unsupported(const void *problem, const struct sl_variant *v)
{
    const struct cosine_problem *p = problem;
    const char *why = p->sparse ? cosine_sparse_unsupported(p, v) : NULL;
    return why ? why : blas_variant_unavailable(v);
}

static void cosine_facts(const void *problem, struct sl_problem_info *facts)
{
    const struct cosine_problem *p = problem;
    facts->n_params = 0;
    if (p->sparse)
        cosine_sparse_facts(p, facts);
}

/* ---- work models ------------------------------------------------------- */

void cosine_work_dense(const void *problem, struct sl_work *w)
{
    const struct cosine_problem *p = problem;
    double pairs = (double)tri_count(p->n);
    w->units = pairs;
    /* Per element: dot, a^2 and b^2 as three FMAs. */
    w->flops = pairs * 6.0 * (double)p->d;
    /* Both rows stream from memory once per pair, plus the output. */
    w->bytes = pairs * (8.0 * (double)p->d + 4.0);
}

void cosine_work_sparse(const void *problem, struct sl_work *w)
{
    const struct cosine_problem *p = problem;
    double pairs = (double)tri_count(p->n);
    w->units = pairs;
    /* Only overlapping entries are touched. */
    w->flops = 6.0 * p->pair_overlap_total;
    /* Non-zeros (value + index) of both rows per pair, plus the output. */
    double row_nnz = (double)p->nnz / (double)p->n;
    w->bytes = pairs * (16.0 * row_nnz + 4.0);
}

/* ---- schedules of the pair loop ---------------------------------------- */

struct tiling {
    size_t n, tile, tiles;
};

static void run_tile_pair(const struct cosine_problem *p, const struct tiling *t, size_t ti,
                          size_t tj, cosine_segment_fn segment, const void *ctx)
{
    size_t i_end = (ti + 1) * t->tile < t->n ? (ti + 1) * t->tile : t->n;
    size_t j_begin = tj * t->tile;
    size_t j_end = (tj + 1) * t->tile < t->n ? (tj + 1) * t->tile : t->n;
    for (size_t i = ti * t->tile; i < i_end; i++) {
        size_t j0 = i > j_begin ? i : j_begin;
        if (j0 < j_end)
            segment(ctx, i, j0, j_end, p->out + i * p->n);
    }
}

/* Row i, columns j0..j1: into the dense output, or through a worker's row
 * buffer to the sparse output. */
static inline void run_segment(const struct cosine_problem *p, const struct sl_exec *ex,
                               cosine_segment_fn segment, const void *ctx, size_t i, size_t j0,
                               size_t j1, float *row_buffer, double progress_scale)
{
    if (row_buffer) {
        segment(ctx, i, j0, j1, row_buffer);
        cosine_sparse_take(p, omp_get_thread_num(), i, j0, j1, row_buffer);
    } else {
        segment(ctx, i, j0, j1, p->out + i * p->n);
    }
    sl_progress_add(ex->progress, (double)(j1 - j0) * progress_scale);
}

/* The fused index deals `total` items round-robin in about 64 chunks per
 * thread. */
static size_t fused_chunk(size_t total, size_t parts)
{
    size_t chunk = (total + parts * 64 - 1) / (parts * 64);
    return chunk ? chunk : 1;
}

int cosine_run_pairs(const struct cosine_problem *p, const struct sl_exec *ex,
                     cosine_segment_fn segment, const void *ctx, size_t tile)
{
    if (p->sparse)
        return cosine_sparse_execute(p, ex, segment, ctx);
    cosine_run_pass(p, ex, segment, ctx, tile);
    return 0;
}

void cosine_run_pass(const struct cosine_problem *p, const struct sl_exec *ex,
                     cosine_segment_fn segment, const void *ctx, size_t tile)
{
    struct tiling t = {p->n, tile ? tile : 1, 0};
    t.tiles = (p->n + t.tile - 1) / t.tile;
    /* This rank's pairs [pair_begin, pair_end): rows first_i..last_i, the
     * first from column first_j, the last up to last_j. */
    const size_t begin = p->pair_begin, end = p->pair_end;
    size_t first_i = 0, first_j = 0, last_i = 0, last_j = 0;
    if (begin < end) {
        tri_index_to_pair(p->n, begin, &first_i, &first_j);
        tri_index_to_pair(p->n, end - 1, &last_i, &last_j);
    }
    const double progress_scale = p->sparse ? cosine_sparse_progress_scale(p) : 1.0;
    if (ex->schedule != SL_SCHED_FUSEDINDEX)
        sl_exec_apply_outer_schedule(ex);

#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        float *row_buffer = p->sparse ? cosine_sparse_row_buffer(p, omp_get_thread_num()) : NULL;
        if (begin == end) {
            /* More ranks than pairs: nothing here. */
        } else if (ex->schedule == SL_SCHED_FUSEDINDEX && t.tile == 1) {
            /* Equal pair counts per thread, dealt out round-robin in about 64
             * chunks each: contiguous halves would also be equal in pairs, but
             * the thread holding the first rows streams the whole matrix while
             * the other's working set shrinks into cache (measured: imbalance
             * 1.04 at 1000x1000, 2 threads). */
            size_t parts = (size_t)omp_get_num_threads();
            size_t chunk = fused_chunk(end - begin, parts);
            for (size_t k = begin + (size_t)omp_get_thread_num() * chunk; k < end;
                 k += parts * chunk) {
                size_t k_end = k + chunk < end ? k + chunk : end, i, j;
                tri_index_to_pair(p->n, k, &i, &j);
                for (size_t at = k; at < k_end;) {
                    size_t run = p->n - j < k_end - at ? p->n - j : k_end - at;
                    run_segment(p, ex, segment, ctx, i, j, j + run, row_buffer, progress_scale);
                    at += run;
                    j += run;
                    if (j == p->n) {
                        i++;
                        j = i;
                    }
                }
            }
        } else if (ex->schedule == SL_SCHED_FUSEDINDEX) {
            /* Tiles: the dense output of the whole triangle (one rank). */
            size_t total = tri_count(t.tiles);
            size_t parts = (size_t)omp_get_num_threads();
            size_t chunk = fused_chunk(total, parts);
            for (size_t k = (size_t)omp_get_thread_num() * chunk; k < total; k += parts * chunk) {
                size_t k_end = k + chunk < total ? k + chunk : total, ti, tj;
                tri_index_to_pair(t.tiles, k, &ti, &tj);
                for (size_t at = k; at < k_end; at++) {
                    run_tile_pair(p, &t, ti, tj, segment, ctx);
                    tj++;
                    if (tj == t.tiles) {
                        ti++;
                        tj = ti;
                    }
                }
            }
        } else if (t.tile == 1) {
#pragma omp for schedule(runtime) nowait
            for (size_t i = first_i; i <= last_i; i++)
                run_segment(p, ex, segment, ctx, i, i == first_i ? first_j : i,
                            i == last_i ? last_j + 1 : p->n, row_buffer, progress_scale);
        } else {
#pragma omp for schedule(runtime) nowait
            for (size_t ti = 0; ti < t.tiles; ti++)
                for (size_t tj = ti; tj < t.tiles; tj++)
                    run_tile_pair(p, &t, ti, tj, segment, ctx);
        }
        sl_worker_end(ex);
    }
}

static const char *const cosine_test_sizes[] = {"1x1", "7x33", "40x129", "tiny", NULL};

const struct sl_workload cosine_workload = {
    .name = "cosine",
    .summary = "overlap-scaled cosine similarity of all sample pairs (numba forum thread)",
    .unit = "pair",
    .size_syntax = "NxD (samples x variables) or a preset",
    .presets = cosine_presets,
    .default_size = "forum",
    .test_sizes = cosine_test_sizes,
    .variants = cosine_variants,
    .check_size = cosine_check_size,
    .problem_create = cosine_create,
    .problem_destroy = cosine_destroy,
    .prepare_validation = cosine_prepare_validation,
    .validate = cosine_validate,
    .describe = cosine_describe,
    .save_output = cosine_save_output,
    .check_output_path = cosine_check_output_path,
    .unsupported = cosine_unsupported,
    .facts = cosine_facts,
    .sparse_variants = "invindex_scalar",
    .sparse_schedules = "fusedindex",
    .splits_across_ranks = true,
};
