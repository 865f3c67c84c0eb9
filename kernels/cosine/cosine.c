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
#include <limits.h>
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

/* "NxD" or a preset, optionally followed by "@rows=R" (1 <= R <= N): then
 *rows = R, else 0. */
static int parse_size(const char *text, size_t *n, size_t *d, size_t *rows)
{
    const char *at = strchr(text, '@');
    char dims_text[64];
    *n = *d = *rows = 0;
    size_t len = at ? (size_t)(at - text) : strlen(text);
    if (len >= sizeof dims_text)
        return sl_fail("cosine: '%.40s...' is not a size (NxD, a preset, or NxD@rows=R)", text);
    memcpy(dims_text, text, len);
    dims_text[len] = '\0';
    size_t dims[2];
    if (sl_parse_dims("cosine", dims_text, cosine_presets,
                      "NxD (samples x variables, both >= 1), optionally @rows=R", dims, 2,
                      SIZE_MAX / 2) != 0)
        return -1;
    *n = dims[0];
    *d = dims[1];
    if (!at)
        return 0;
    if (strncmp(at, "@rows=", 6) != 0)
        return sl_fail("cosine: in '%s' the part after '@' must be rows=R (R sampled rows of the "
                       "triangle)",
                       text);
    long sampled;
    char what[96];
    snprintf(what, sizeof what, "cosine: R in %.63s@rows=R", dims_text);
    if (util_parse_long(at + 6, 1, *n < LONG_MAX ? (long)*n : LONG_MAX, what, &sampled) != 0)
        return -1;
    *rows = (size_t)sampled;
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

static int check_memory(size_t n, size_t d, size_t rows, bool sparse)
{
    if (sparse)
        return 0; /* planned against --memory-budget by cosine_sparse_create() */
    /* Dense output rows, both layouts of the input, and the largest
     * per-variant scratch (blas3: mask and squares, another two copies). */
    double need = 4.0 * (double)rows * (double)n + 16.0 * (double)n * (double)(d + 16);
    char size[64];
    snprintf(size, sizeof size, "%zux%zu", n, d);
    return sl_check_memory("cosine", size, need,
                           rows < n ? "dense output of the sampled rows" : "dense n x n output");
}

static int cosine_check_size(const char *size)
{
    size_t n, d, rows;
    return parse_size(size, &n, &d, &rows) != 0 ? -1 : check_limits(n, d);
}

static int cosine_check_input(const char *path)
{
    size_t n, d;
    return npy_check_matrix_f32(path, &n, &d) != 0 ? -1 : check_limits(n, d);
}

static void problem_free(struct cosine_problem *p)
{
    if (!p)
        return;
    cosine_sparse_destroy(p);
    free(p->row_index);
    free(p->row_pairs_before);
    free(p->x);
    free(p->xc);
    free(p->out);
    free(p);
}

static void cosine_destroy(void *problem)
{
    problem_free(problem);
}

/* Sum over the computed pairs (i, j >= i) of the overlap count.  Going up
 * from the last row, count[k] holds the non-zeros of variable k in rows
 * i..n-1, so row i overlaps its pairs in count[k] places for each of its
 * own non-zeros k.  Exact, O(n d). */
static double overlap_total(const struct cosine_problem *p)
{
    double *count = calloc(p->d, sizeof *count), total = 0.0;
    if (!count)
        return NAN;
    size_t r = p->rows;
    for (size_t i = p->n; i-- > 0;) {
        const float *x = cosine_row(p, i);
        for (size_t k = 0; k < p->d; k++)
            count[k] += x[k] != 0.0f;
        if (r > 0 && cosine_row_index(p, r - 1) == i) {
            r--;
            for (size_t k = 0; k < p->d; k++)
                total += x[k] != 0.0f ? count[k] : 0.0;
        }
    }
    free(count);
    return total;
}

/* The computed rows: all n, or `sampled` rows spread evenly over 0..n-1
 * (the middles of `sampled` equal strips), which keeps the mix of long and
 * short rows of the triangle. */
static int choose_rows(struct cosine_problem *p, size_t sampled)
{
    if (!sampled) {
        p->rows = p->n;
        p->pairs = tri_count(p->n);
        return 0;
    }
    p->rows = sampled;
    p->row_index = util_alloc(sampled, sizeof *p->row_index, "sampled rows");
    p->row_pairs_before = util_alloc(sampled + 1, sizeof *p->row_pairs_before, "sampled rows");
    if (!p->row_index || !p->row_pairs_before)
        return -1;
    p->row_pairs_before[0] = 0;
    for (size_t r = 0; r < sampled; r++) {
        /* n < 2^31, so (2r + 1) n cannot overflow. */
        p->row_index[r] = (2 * r + 1) * p->n / (2 * sampled);
        p->row_pairs_before[r + 1] = p->row_pairs_before[r] + (p->n - p->row_index[r]);
    }
    p->pairs = p->row_pairs_before[sampled];
    return 0;
}

void cosine_pair_at(const struct cosine_problem *p, size_t k, size_t *r, size_t *j)
{
    if (!p->row_index) {
        tri_index_to_pair(p->n, k, r, j);
        return;
    }
    /* The last row whose first pair is at or before k. */
    size_t lo = 0, hi = p->rows;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->row_pairs_before[mid] <= k)
            lo = mid;
        else
            hi = mid;
    }
    *r = lo;
    *j = p->row_index[lo] + (k - p->row_pairs_before[lo]);
}

static int cosine_create(const struct sl_problem_args *args, void **out)
{
    struct cosine_problem *p = calloc(1, sizeof *p);
    float *loaded = NULL;
    size_t sampled = 0; /* rows of a NxD@rows=R size; 0: all */
    if (!p)
        return sl_fail("out of memory");
    /* What the process holds before the input exists: the part of a
     * --memory-budget that is not ours to plan. */
    size_t baseline_rss = 0;
    if (mem_rss_now(&baseline_rss) != 0)
        baseline_rss = 0;
    const struct cosine_options *opt = args->options;
    bool sparse = cosine_sparse_asked(opt);
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
        if (parse_size(args->size, &p->n, &p->d, &sampled) != 0)
            goto fail;
        snprintf(p->source, sizeof p->source, "generated: N(0,1), |x| < %.0f set to 0, seed %" PRIu64,
                 COSINE_ZERO_BELOW, args->seed);
    }
    if (sampled && sparse) {
        sl_fail("cosine: a row sample (@rows=%zu) has a dense output; it does not combine with "
                "--threshold or --top-quantile",
                sampled);
        goto fail;
    }
    if (check_limits(p->n, p->d) != 0 ||
        check_memory(p->n, p->d, sampled ? sampled : p->n, sparse) != 0 ||
        choose_rows(p, sampled) != 0)
        goto fail;
    if (sampled)
        snprintf(p->size_name, sizeof p->size_name, "%zux%zu@rows=%zu", p->n, p->d, sampled);
    else
        snprintf(p->size_name, sizeof p->size_name, "%zux%zu", p->n, p->d);
    p->ld = (p->d + 15) / 16 * 16;
    tri_partition(p->pairs, ranks_count(), ranks_rank(), &p->pair_begin, &p->pair_end);
    if (sparse && cosine_sparse_check_input(p, opt->memory_budget, baseline_rss) != 0)
        goto fail;
    p->x = util_alloc_aligned(p->n, p->ld * sizeof(float), "cosine input");
    if (!p->x)
        goto fail;
    if (!sparse) {
        p->xc = util_alloc_aligned(p->d, p->n * sizeof(float), "cosine input (colmajor)");
        p->out = util_alloc_aligned(p->rows, p->n * sizeof(float), "cosine output");
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
        if (cosine_sparse_create(p, opt, args->max_threads, baseline_rss) != 0)
            goto fail;
    } else {
        /* First touch of the output here, so no variant pays its page faults. */
        memset(p->out, 0, p->rows * p->n * sizeof *p->out);
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

/* The poison of the output: a quiet NaN with a payload of its own, which no
 * arithmetic produces (an overflowing kernel's NaN is the default one), so
 * "never written" and "written as NaN" are told apart. */
#define COSINE_POISON_BITS 0x7fc5a5a5u

static bool is_poison(float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits == COSINE_POISON_BITS;
}

static void cosine_prepare_validation(void *problem)
{
    struct cosine_problem *p = problem;
    if (p->sparse)
        return; /* every execution starts from empty shards */
    /* Poison every output row, so a pair a variant forgets to write is
     * caught, and so is a write outside the computed pairs. */
    const uint32_t bits = COSINE_POISON_BITS;
    float poison;
    memcpy(&poison, &bits, sizeof poison);
    for (size_t r = 0; r < p->rows; r++)
        for (size_t j = 0; j < p->n; j++)
            cosine_out_row(p, r)[j] = poison;
}

struct check {
    double max_abs, max_rel, checked, failures;
    size_t worst_i, worst_j;
    double worst_got, worst_ref;
};

/* The pair of output row r and column j. */
static void check_pair(const struct cosine_problem *p, size_t r, size_t j, struct check *c)
{
    double got = cosine_out_row(p, r)[j];
    if (!isfinite(got))
        return; /* counted once, unwritten or not finite, by the caller's scan */
    size_t i = cosine_row_index(p, r);
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

/* The edges of the computed rows (where index mappings go wrong): each
 * row's diagonal and last column and the whole first row, then seeded
 * random pairs. */
static void check_sample(const struct cosine_problem *p, struct check *total)
{
    const size_t n = p->n;
    for (size_t r = 0; r < p->rows; r++)
        check_pair(p, r, cosine_row_index(p, r), total);
    for (size_t j = cosine_row_index(p, 0) + 1; j < n; j++)
        check_pair(p, 0, j, total);
    for (size_t r = 1; r < p->rows; r++)
        if (cosine_row_index(p, r) + 1 < n)
            check_pair(p, r, n - 1, total);
    uint64_t state = 12345;
    for (int s = 0; s < COSINE_SAMPLE_PAIRS; s++) {
        size_t r, j;
        cosine_pair_at(p, (size_t)(sl_rng_uniform01(&state) * (double)p->pairs) % p->pairs, &r, &j);
        check_pair(p, r, j, total);
    }
}

/* What the output rows hold beyond the reference check: pairs never
 * written (still poison), pairs written as inf or NaN (float32 overflowed),
 * and writes outside the computed pairs; the first of each. */
struct output_scan {
    double unwritten, nonfinite, stray;
    size_t unwritten_at[2], nonfinite_at[2], stray_at[2];
    float nonfinite_value;
};

static void first_at(double *count, size_t at[2], size_t i, size_t j)
{
    if ((*count)++ == 0) {
        at[0] = i;
        at[1] = j;
    }
}

/* Every computed pair must have been written, whatever the reference check
 * covers, and nothing else in the output rows. */
static void scan_output(const struct cosine_problem *p, struct output_scan *s)
{
    memset(s, 0, sizeof *s);
    for (size_t r = 0; r < p->rows; r++) {
        const size_t i = cosine_row_index(p, r);
        const float *row = cosine_out_row(p, r);
        for (size_t j = 0; j < p->n; j++) {
            if (j < i && !is_poison(row[j]))
                first_at(&s->stray, s->stray_at, i, j);
            else if (j >= i && is_poison(row[j]))
                first_at(&s->unwritten, s->unwritten_at, i, j);
            else if (j >= i && !isfinite(row[j])) {
                if (s->nonfinite == 0)
                    s->nonfinite_value = row[j];
                first_at(&s->nonfinite, s->nonfinite_at, i, j);
            }
        }
    }
}

/* The detail of a failed validation: what happened first. */
static void failure_detail(const struct output_scan *s, const struct check *total, char *out,
                           size_t len)
{
    if (s->nonfinite)
        snprintf(out, len,
                 "%.0f pairs written as inf or NaN (float32 overflowed?), first (%zu, %zu) = "
                 "%g%s",
                 s->nonfinite, s->nonfinite_at[0], s->nonfinite_at[1], s->nonfinite_value,
                 s->unwritten ? "; and some pairs never written" : "");
    else if (s->unwritten)
        snprintf(out, len, "%.0f pairs never written, first (%zu, %zu)", s->unwritten,
                 s->unwritten_at[0], s->unwritten_at[1]);
    else if (s->stray)
        snprintf(out, len, "%.0f entries written outside the computed pairs, first (%zu, %zu)",
                 s->stray, s->stray_at[0], s->stray_at[1]);
    else
        snprintf(out, len, "%.0f pairs outside tolerance; worst (%zu, %zu): got %.9g, reference %.9g",
                 total->failures, total->worst_i, total->worst_j, total->worst_got,
                 total->worst_ref);
}

static int cosine_validate(void *problem, struct sl_validation *v)
{
    struct cosine_problem *p = problem;
    if (p->sparse)
        return cosine_sparse_validate(p, v);
    const size_t n = p->n;
    const double pairs = (double)p->pairs;
    bool full = p->validate_mode == COSINE_VALIDATE_FULL ||
                (p->validate_mode == COSINE_VALIDATE_AUTO &&
                 pairs * (double)p->d <= COSINE_FULL_CHECK_LIMIT);
    struct check total = {0};

    struct output_scan scan;
    scan_output(p, &scan);
    if (full) {
#pragma omp parallel
        {
            struct check mine = {0};
#pragma omp for schedule(dynamic, 16) nowait
            for (size_t r = 0; r < p->rows; r++)
                for (size_t j = cosine_row_index(p, r); j < n; j++)
                    check_pair(p, r, j, &mine);
#pragma omp critical
            merge_check(&total, &mine);
        }
    } else {
        check_sample(p, &total);
    }

    memset(v, 0, sizeof *v);
    if (p->row_index)
        v->method = full ? "every pair of the sampled rows against the double-precision reference"
                         : "the sampled rows' diagonal, first row, last column and 100000 seeded "
                           "random pairs of theirs";
    else
        v->method = full ? "all pairs against the double-precision reference"
                         : "diagonal, first row, last column and 100000 seeded random pairs";
    v->checked = total.checked;
    v->total = pairs;
    double broken = scan.unwritten + scan.nonfinite + scan.stray;
    v->failures = total.failures + broken;
    v->max_abs_error = broken ? INFINITY : total.max_abs;
    v->max_rel_error = broken ? INFINITY : total.max_rel;
    v->tolerance_abs = COSINE_TOL_ABS;
    v->tolerance_rel = COSINE_TOL_REL;
    v->valid = v->failures == 0;
    if (!v->valid)
        failure_detail(&scan, &total, v->detail, sizeof v->detail);
    else
        snprintf(v->detail, sizeof v->detail, "%.0f of %.0f pairs within %g + %g |ref|",
                 total.checked, pairs, COSINE_TOL_ABS, COSINE_TOL_REL);
    return 0;
}

/* ---- description, output ---------------------------------------------- */

static void cosine_describe(const void *problem, struct sl_problem_info *info)
{
    const struct cosine_problem *p = problem;
    double pairs = (double)p->pairs;
    snprintf(info->size, sizeof info->size, "%s", p->size_name);
    snprintf(info->source, sizeof info->source, "%s", p->source);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("samples", (double)p->n);
    PARAM("variables", (double)p->d);
    PARAM("pairs", pairs);
    if (p->row_index) {
        PARAM("sampled_rows", (double)p->rows);
        PARAM("triangle_pairs", (double)tri_count(p->n));
    }
    PARAM("nonzeros", (double)p->nnz);
    PARAM("density", (double)p->nnz / ((double)p->n * (double)p->d));
    PARAM("mean_overlap_per_pair", p->pair_overlap_total / pairs);
    PARAM("dense_output_bytes", 4.0 * (double)p->n * (double)p->n);
    if (!p->sparse)
        PARAM("working_set_bytes",
              4.0 * (double)p->n * (double)p->ld + 4.0 * (double)p->rows * (double)p->n);
#undef PARAM
    info->n_params = n;
    if (p->sparse)
        cosine_sparse_describe(p, info);
}

static const float *output_row(const void *ctx, size_t i, float *buffer)
{
    const struct cosine_problem *p = ctx;
    memset(buffer, 0, i * sizeof *buffer);
    memcpy(buffer + i, cosine_out_row(p, i) + i, (p->n - i) * sizeof *buffer);
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

static int cosine_check_output_path(const char *path, const char *size, const void *options)
{
    bool sparse = cosine_sparse_asked(options);
    size_t n, d, sampled = 0;
    if (size && parse_size(size, &n, &d, &sampled) != 0)
        return -1;
    if (sampled)
        return sl_fail("cosine: --output writes the whole triangle; %s computes only %zu of its "
                       "rows (leave out @rows=R to write it)",
                       size, sampled);
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
    if (p->sparse) {
        const char *why = cosine_sparse_unsupported(p, v);
        if (why)
            return why;
    }
    const char *algorithm = v->axes.algorithm ? v->axes.algorithm : "";
    if (p->row_index && strcmp(algorithm, "blocked") == 0)
        return "its tiles are blocks of consecutive rows, which a row sample (@rows=R) does not "
               "have";
    if (p->row_index && strcmp(algorithm, "blas3") == 0)
        return "its 64-row panels compute every pair of consecutive rows; on a row sample "
               "(@rows=R) most of them would not be reported";
    return blas_variant_unavailable(v);
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
    double pairs = (double)p->pairs;
    w->units = pairs;
    /* Per element: dot, a^2 and b^2 as three FMAs. */
    w->flops = pairs * 6.0 * (double)p->d;
    /* Both rows stream from memory once per pair, plus the output. */
    w->bytes = pairs * (8.0 * (double)p->d + 4.0);
}

void cosine_work_sparse(const void *problem, struct sl_work *w)
{
    const struct cosine_problem *p = problem;
    double pairs = (double)p->pairs;
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
            segment(ctx, i, j0, j_end, cosine_out_row(p, i));
    }
}

/* Output row r, columns j0..j1: into the dense output, or through a
 * worker's row buffer to the sparse output. */
static inline void run_segment(const struct cosine_problem *p, const struct sl_exec *ex,
                               cosine_segment_fn segment, const void *ctx, size_t r, size_t j0,
                               size_t j1, float *row_buffer, double progress_scale)
{
    size_t i = cosine_row_index(p, r);
    if (row_buffer) {
        segment(ctx, i, j0, j1, row_buffer);
        cosine_sparse_take(p, omp_get_thread_num(), i, j0, j1, row_buffer);
    } else {
        segment(ctx, i, j0, j1, cosine_out_row(p, r));
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
    if (tile > 1 && p->row_index)
        return sl_fail("cosine: tiles of rows need every row; this problem samples %zu", p->rows);
    cosine_run_pass(p, ex, segment, ctx, tile);
    return 0;
}

void cosine_run_pass(const struct cosine_problem *p, const struct sl_exec *ex,
                     cosine_segment_fn segment, const void *ctx, size_t tile)
{
    struct tiling t = {p->n, tile ? tile : 1, 0};
    t.tiles = (p->n + t.tile - 1) / t.tile;
    /* This rank's pairs [pair_begin, pair_end): output rows first_r..last_r,
     * the first from column first_j, the last up to last_j. */
    const size_t begin = p->pair_begin, end = p->pair_end;
    size_t first_r = 0, first_j = 0, last_r = 0, last_j = 0;
    if (begin < end) {
        cosine_pair_at(p, begin, &first_r, &first_j);
        cosine_pair_at(p, end - 1, &last_r, &last_j);
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
                size_t k_end = k + chunk < end ? k + chunk : end, r, j;
                cosine_pair_at(p, k, &r, &j);
                for (size_t at = k; at < k_end;) {
                    size_t run = p->n - j < k_end - at ? p->n - j : k_end - at;
                    run_segment(p, ex, segment, ctx, r, j, j + run, row_buffer, progress_scale);
                    at += run;
                    j += run;
                    if (j == p->n && at < k_end) {
                        r++;
                        j = cosine_row_index(p, r);
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
            for (size_t r = first_r; r <= last_r; r++)
                run_segment(p, ex, segment, ctx, r, r == first_r ? first_j : cosine_row_index(p, r),
                            r == last_r ? last_j + 1 : p->n, row_buffer, progress_scale);
        } else {
#pragma omp for schedule(runtime) nowait
            for (size_t ti = 0; ti < t.tiles; ti++)
                for (size_t tj = ti; tj < t.tiles; tj++)
                    run_tile_pair(p, &t, ti, tj, segment, ctx);
        }
        sl_worker_end(ex);
    }
}

static const char *const cosine_test_sizes[] = {"1x1",           "7x33",    "40x129", "tiny",
                                                "40x129@rows=7", "9x5@rows=9", NULL};

const struct sl_workload cosine_workload = {
    .name = "cosine",
    .summary = "overlap-scaled cosine similarity of all sample pairs (numba forum thread)",
    .unit = "pair",
    .size_syntax = "NxD (samples x variables) or a preset; NxD@rows=R: only the pairs (i, j >= i) "
                   "of R rows i spread evenly over the triangle",
    .presets = cosine_presets,
    .default_size = "forum",
    .test_sizes = cosine_test_sizes,
    .variants = cosine_variants,
    .check_size = cosine_check_size,
    .check_input = cosine_check_input,
    .problem_create = cosine_create,
    .problem_destroy = cosine_destroy,
    .prepare_validation = cosine_prepare_validation,
    .validate = cosine_validate,
    .describe = cosine_describe,
    .save_output = cosine_save_output,
    .check_output_path = cosine_check_output_path,
    .unsupported = cosine_unsupported,
    .facts = cosine_facts,
    .options = cosine_option_rows,
    .options_size = sizeof(struct cosine_options),
    .options_about =
        "Sparse output, for n where the dense n x n result does not fit: kept pairs stream "
        "from each thread through a fixed buffer to shard files (--spill-dir), and --output "
        "FILE.npz merges them into one scipy.sparse COO matrix (upper triangle; "
        "scipy.sparse.load_npz reads it).  With --threshold or --top-quantile the default "
        "variant is " COSINE_SPARSE_VARIANTS " and the default schedule " COSINE_SPARSE_SCHEDULES
        ".  MPI (when built with Open MPI): mpirun -np R speedlab run cosine --threshold ... "
        "splits the triangle into R shares of equal pair count, OpenMP inside each rank; the "
        "record (rank 0's) has per-rank times and the rank imbalance; --output is the one "
        "merged result.",
    .options_check = cosine_options_check,
    .options_prepare = cosine_options_prepare,
    .option_facts = cosine_option_facts,
    .splits_across_ranks = true,
};
