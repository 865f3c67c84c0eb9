/* cosine variants and the table that registers them.  Adding a variant means
 * writing its function here (the forum's own loops: forum.c) and adding one
 * row to cosine_variants[] below. */
#include "cosine.h"

#include "kit/blas.h"
#include "kit/util.h"

#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* A row segment (i, j0..j1) of a row-major pair function.  Each ISA gets
 * its own copy, compiled for that ISA, so the pair function inlines. */
#define ROWMAJOR_SEGMENT(name, pair, target_attribute)                                       \
    target_attribute static void name(const void *ctx, size_t i, size_t j0, size_t j1,       \
                                      float *out)                                            \
    {                                                                                        \
        const struct cosine_problem *p = ctx;                                                \
        const float *a = cosine_row(p, i);                                                   \
        for (size_t j = j0; j < j1; j++)                                                     \
            out[j] = pair(a, cosine_row(p, j), p->d);                                        \
    }

/* ---- scalar: one fused pass without branches, skip when ol <= 1 --------- */

/* Every element goes through the three sums: the masked squares are
 * selected (x*x or 0) rather than branched past, so the loop has no
 * data-dependent branch but three floating-point dependency chains of d
 * additions each.  The forum's loop, which branches past the zeros, is
 * rowmajor_fused (forum.c). */
static inline float pair_branchfree(const float *a, const float *b, size_t d, size_t stride)
{
    int ol = 0;
    float qd2 = 0.0f, rd2 = 0.0f, dot = 0.0f;
    for (size_t k = 0; k < d; k++) {
        float x = a[k * stride], y = b[k * stride];
        int nx = x != 0.0f, ny = y != 0.0f;
        ol += nx & ny;
        qd2 += ny ? x * x : 0.0f;
        rd2 += nx ? y * y : 0.0f;
        dot += x * y;
    }
    return cosine_finish(ol, qd2, rd2, dot);
}

static void segment_colmajor_branchfree(const void *ctx, size_t i, size_t j0, size_t j1,
                                        float *out)
{
    const struct cosine_problem *p = ctx;
    for (size_t j = j0; j < j1; j++)
        out[j] = pair_branchfree(p->xc + i, p->xc + j, p->d, p->n);
}

static inline float pair_branchfree_rowmajor(const float *a, const float *b, size_t d)
{
    return pair_branchfree(a, b, d, 1);
}
ROWMAJOR_SEGMENT(segment_rowmajor_branchfree, pair_branchfree_rowmajor, )

static int run_colmajor_fused_branchfree(void *problem, const struct sl_exec *ex)
{
    return cosine_run_pairs(problem, ex, segment_colmajor_branchfree, problem, 1);
}

static int run_rowmajor_fused_branchfree(void *problem, const struct sl_exec *ex)
{
    return cosine_run_pairs(problem, ex, segment_rowmajor_branchfree, problem, 1);
}

/* ---- AVX2 + FMA: 8 lanes, two independent accumulator sets --------------- */

struct acc_avx2 {
    __m256i ol;
    __m256 qd2, rd2, dot;
};

__attribute__((target("avx2,fma"))) static inline void step_avx2(struct acc_avx2 *s, __m256 va,
                                                                   __m256 vb)
{
    const __m256 zero = _mm256_setzero_ps();
    __m256 ma = _mm256_cmp_ps(va, zero, _CMP_NEQ_OQ);
    __m256 mb = _mm256_cmp_ps(vb, zero, _CMP_NEQ_OQ);
    /* A true lane is all ones, i.e. -1 as an integer: subtracting counts it. */
    s->ol = _mm256_sub_epi32(s->ol, _mm256_castps_si256(_mm256_and_ps(ma, mb)));
    s->qd2 = _mm256_fmadd_ps(_mm256_and_ps(va, mb), va, s->qd2);
    s->rd2 = _mm256_fmadd_ps(_mm256_and_ps(vb, ma), vb, s->rd2);
    s->dot = _mm256_fmadd_ps(va, vb, s->dot);
}

__attribute__((target("avx2,fma"))) static inline float hsum_avx2(__m256 v)
{
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
}

__attribute__((target("avx2,fma"))) static inline int hsum_avx2_epi32(__m256i v)
{
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4e));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xb1));
    return _mm_cvtsi128_si32(x);
}

__attribute__((target("avx2,fma"))) static inline float pair_avx2(const float *a, const float *b,
                                                                    size_t d)
{
    struct acc_avx2 s0 = {_mm256_setzero_si256(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                          _mm256_setzero_ps()};
    struct acc_avx2 s1 = s0;
    size_t k = 0;
    for (; k + 16 <= d; k += 16) {
        step_avx2(&s0, _mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k));
        step_avx2(&s1, _mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8));
    }
    if (k + 8 <= d) {
        step_avx2(&s0, _mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k));
        k += 8;
    }
    int ol = hsum_avx2_epi32(_mm256_add_epi32(s0.ol, s1.ol));
    float qd2 = hsum_avx2(_mm256_add_ps(s0.qd2, s1.qd2));
    float rd2 = hsum_avx2(_mm256_add_ps(s0.rd2, s1.rd2));
    float dot = hsum_avx2(_mm256_add_ps(s0.dot, s1.dot));
    for (; k < d; k++) {
        float x = a[k], y = b[k];
        int nx = x != 0.0f, ny = y != 0.0f;
        ol += nx & ny;
        qd2 += ny ? x * x : 0.0f;
        rd2 += nx ? y * y : 0.0f;
        dot += x * y;
    }
    return cosine_finish(ol, qd2, rd2, dot);
}

ROWMAJOR_SEGMENT(segment_rowmajor_avx2, pair_avx2, __attribute__((target("avx2,fma"))))

static int run_rowmajor_fused_avx2(void *problem, const struct sl_exec *ex)
{
    return cosine_run_pairs(problem, ex, segment_rowmajor_avx2, problem, 1);
}

/* Cache blocking: tiles of rows sized so an a-tile and a b-tile together fit
 * in 512 KiB, the smallest L2 of the machines we target. */
static int run_blocked_avx2(void *problem, const struct sl_exec *ex)
{
    struct cosine_problem *p = problem;
    size_t tile = (256u * 1024u) / (p->ld * sizeof(float));
    tile = tile < 8 ? 8 : tile > 256 ? 256 : tile;
    return cosine_run_pairs(p, ex, segment_rowmajor_avx2, p, tile);
}

/* ---- AVX-512: 16 lanes, mask registers, masked tail --------------------- */

struct acc_avx512 {
    __m512i ol;
    __m512 qd2, rd2, dot;
};

__attribute__((target("avx512f"))) static inline void step_avx512(struct acc_avx512 *s, __m512 va,
                                                                    __m512 vb)
{
    const __m512 zero = _mm512_setzero_ps();
    __mmask16 ma = _mm512_cmp_ps_mask(va, zero, _CMP_NEQ_OQ);
    __mmask16 mb = _mm512_cmp_ps_mask(vb, zero, _CMP_NEQ_OQ);
    s->ol = _mm512_mask_add_epi32(s->ol, ma & mb, s->ol, _mm512_set1_epi32(1));
    s->qd2 = _mm512_mask3_fmadd_ps(va, va, s->qd2, mb);
    s->rd2 = _mm512_mask3_fmadd_ps(vb, vb, s->rd2, ma);
    s->dot = _mm512_fmadd_ps(va, vb, s->dot);
}

__attribute__((target("avx512f"))) static inline float pair_avx512(const float *a, const float *b,
                                                                     size_t d)
{
    struct acc_avx512 s0 = {_mm512_setzero_si512(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                            _mm512_setzero_ps()};
    struct acc_avx512 s1 = s0;
    size_t k = 0;
    for (; k + 32 <= d; k += 32) {
        step_avx512(&s0, _mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k));
        step_avx512(&s1, _mm512_loadu_ps(a + k + 16), _mm512_loadu_ps(b + k + 16));
    }
    for (; k < d; k += 16) {
        __mmask16 m = d - k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (d - k)) - 1);
        step_avx512(&s0, _mm512_maskz_loadu_ps(m, a + k), _mm512_maskz_loadu_ps(m, b + k));
    }
    return cosine_finish(_mm512_reduce_add_epi32(_mm512_add_epi32(s0.ol, s1.ol)),
                         _mm512_reduce_add_ps(_mm512_add_ps(s0.qd2, s1.qd2)),
                         _mm512_reduce_add_ps(_mm512_add_ps(s0.rd2, s1.rd2)),
                         _mm512_reduce_add_ps(_mm512_add_ps(s0.dot, s1.dot)));
}

ROWMAJOR_SEGMENT(segment_rowmajor_avx512, pair_avx512, __attribute__((target("avx512f"))))

static int run_rowmajor_fused_avx512(void *problem, const struct sl_exec *ex)
{
    return cosine_run_pairs(problem, ex, segment_rowmajor_avx512, problem, 1);
}

/* ---- sparsity-aware: per-row non-zero bitmasks ------------------------- */

struct bitmask_ctx {
    const struct cosine_problem *p;
    uint64_t *bits; /* n rows of `words` words; bit k set where x[i][k] != 0 */
    size_t words;
};

/* overlap = popcount(mask_a & mask_b); when it is at least 2, the sums run
 * over the set bits only, i.e. over the overlapping entries. */
__attribute__((target("popcnt"))) static void segment_bitmask(const void *vctx, size_t i,
                                                                size_t j0, size_t j1, float *out)
{
    const struct bitmask_ctx *c = vctx;
    const size_t words = c->words;
    const uint64_t *mi = c->bits + i * words;
    const float *a = cosine_row(c->p, i);
    for (size_t j = j0; j < j1; j++) {
        const uint64_t *mj = c->bits + j * words;
        int ol = 0;
        for (size_t w = 0; w < words; w++)
            ol += __builtin_popcountll(mi[w] & mj[w]);
        if (ol <= 1) {
            out[j] = 0.0f;
            continue;
        }
        const float *b = cosine_row(c->p, j);
        float qd2 = 0.0f, rd2 = 0.0f, dot = 0.0f;
        for (size_t w = 0; w < words; w++)
            for (uint64_t both = mi[w] & mj[w]; both; both &= both - 1) {
                size_t k = w * 64 + (size_t)__builtin_ctzll(both);
                qd2 += a[k] * a[k];
                rd2 += b[k] * b[k];
                dot += a[k] * b[k];
            }
        out[j] = cosine_finish(ol, qd2, rd2, dot);
    }
}

static int run_bitmask_scalar(void *problem, const struct sl_exec *ex)
{
    struct cosine_problem *p = problem;
    struct bitmask_ctx c = {p, NULL, (p->d + 63) / 64};
    c.bits = util_alloc_aligned(p->n, c.words * sizeof *c.bits, "bitmasks");
    if (!c.bits)
        return -1;
#pragma omp parallel for schedule(static) num_threads(ex->threads)
    for (size_t i = 0; i < p->n; i++) {
        uint64_t *m = c.bits + i * c.words;
        const float *x = cosine_row(p, i);
        memset(m, 0, c.words * sizeof *m);
        for (size_t k = 0; k < p->d; k++)
            m[k / 64] |= (uint64_t)(x[k] != 0.0f) << (k % 64);
    }
    int rc = cosine_run_pairs(p, ex, segment_bitmask, &c, 1);
    free(c.bits);
    return rc;
}

/* ---- sparsity-aware: inverted index of each variable's non-zeros --------- */

struct posting {
    uint32_t sample;
    float value;
};
struct row_entry {
    uint32_t position; /* of this entry in its variable's posting list */
    uint32_t list_end; /* end of that posting list */
    float value;
};
struct pair_sums {
    float dot, qd2, rd2;
    int32_t ol;
};

struct invindex_ctx {
    const struct cosine_problem *p;
    const size_t *row_start;         /* row i's entries: row_start[i] .. row_start[i+1] */
    const struct row_entry *entries;
    const struct posting *postings;  /* per variable, in sample order */
    struct pair_sums *sums;          /* n per worker, all zero between segments */
};

/* First posting in [from, to) whose sample is >= j (the lists are sorted). */
static size_t first_posting_at(const struct posting *postings, size_t from, size_t to, size_t j)
{
    while (from < to) {
        size_t mid = from + (to - from) / 2;
        if (postings[mid].sample < j)
            from = mid + 1;
        else
            to = mid;
    }
    return from;
}

/* Row i scatters into the worker's sums for every j in [j0, j1) that shares
 * a variable with it: only overlapping entries are ever touched.  A segment
 * that starts past the diagonal (the fused index cuts rows) finds its first
 * posting by binary search. */
static void segment_invindex(const void *vctx, size_t i, size_t j0, size_t j1, float *out)
{
    const struct invindex_ctx *c = vctx;
    const struct posting *postings = c->postings;
    struct pair_sums *sums = c->sums + (size_t)omp_get_thread_num() * c->p->n;
    for (size_t r = c->row_start[i]; r < c->row_start[i + 1]; r++) {
        const float a = c->entries[r].value;
        size_t t = c->entries[r].position, end = c->entries[r].list_end;
        if (j0 > i)
            t = first_posting_at(postings, t, end, j0);
        /* A segment to the end of the row needs no bound per posting. */
        if (j1 < c->p->n)
            end = first_posting_at(postings, t, end, j1);
        for (; t < end; t++) {
            struct pair_sums *s = &sums[postings[t].sample];
            const float b = postings[t].value;
            s->ol += 1;
            s->dot += a * b;
            s->qd2 += a * a;
            s->rd2 += b * b;
        }
    }
    for (size_t j = j0; j < j1; j++) {
        out[j] = cosine_finish(sums[j].ol, sums[j].qd2, sums[j].rd2, sums[j].dot);
        sums[j] = (struct pair_sums){0};
    }
}

static int run_invindex_scalar(void *problem, const struct sl_exec *ex)
{
    struct cosine_problem *p = problem;
    const size_t n = p->n, d = p->d;
    if (p->nnz >= UINT32_MAX)
        return sl_fail("invindex: %zu non-zeros exceed its 32-bit posting lists", p->nnz);
    int rc = -1;
    size_t *list_start = calloc(d + 1, sizeof *list_start);
    size_t *row_start = util_alloc(n + 1, sizeof *row_start, "row index");
    struct posting *postings = util_alloc(p->nnz ? p->nnz : 1, sizeof *postings, "postings");
    struct row_entry *entries = util_alloc(p->nnz ? p->nnz : 1, sizeof *entries, "row entries");
    /* calloc: untouched pages cost nothing until a worker first uses them,
     * so each worker's sums land in its own memory. */
    struct pair_sums *sums = calloc((size_t)ex->threads * n, sizeof *sums);
    if (!list_start || !row_start || !postings || !entries || !sums) {
        sl_fail("invindex: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const float *x = cosine_row(p, i);
        for (size_t k = 0; k < d; k++)
            list_start[k + 1] += x[k] != 0.0f;
    }
    for (size_t k = 0; k < d; k++)
        list_start[k + 1] += list_start[k];
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        const float *x = cosine_row(p, i);
        row_start[i] = e;
        for (size_t k = 0; k < d; k++)
            if (x[k] != 0.0f) {
                /* list_start[k] is advanced as the list fills and restored
                 * below, so rows are appended in sample order. */
                size_t pos = list_start[k]++;
                postings[pos] = (struct posting){(uint32_t)i, x[k]};
                entries[e++] = (struct row_entry){(uint32_t)pos, 0, x[k]};
            }
    }
    row_start[n] = e;
    for (size_t k = d; k > 0; k--)
        list_start[k] = list_start[k - 1];
    list_start[0] = 0;
    for (size_t i = 0, ei = 0; i < n; i++) {
        const float *x = cosine_row(p, i);
        for (size_t k = 0; k < d; k++)
            if (x[k] != 0.0f)
                entries[ei++].list_end = (uint32_t)list_start[k + 1];
    }
    struct invindex_ctx c = {p, row_start, entries, postings, sums};
    rc = cosine_run_pairs(p, ex, segment_invindex, &c, 1);
done:
    free(list_start);
    free(row_start);
    free(postings);
    free(entries);
    free(sums);
    return rc;
}

/* ---- dense BLAS-3: the sparsity-blind limit ------------------------------ */

/* With M the 0/1 non-zero mask of X and Q = X*X elementwise, for a panel of
 * rows against all later rows: ol = M Mt, dot = X Xt, qd2 = Q Mt, rd2 = M Qt.
 * Four SGEMMs per panel restricted to the triangle do 4 n^2 d / 2 multiply-
 * adds, fewer than three full n x n products, in bounded memory. */
#define BLAS_PANEL 64

static void panel_gemm(int rows, int cols, int d, const float *a, const float *b, int ld,
                       float *c)
{
    blas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, d, 1.0f, a, ld, b, ld, 0.0f,
                c, cols);
}

static int run_blas3(void *problem, const struct sl_exec *ex)
{
    struct cosine_problem *p = problem;
    const size_t n = p->n, ld = p->ld;
    const char *no_blas = blas_unavailable();
    if (no_blas)
        return sl_fail("blas3: %s", no_blas);
    float *mask = util_alloc_aligned(n, ld * sizeof(float), "blas3 mask");
    float *squares = util_alloc_aligned(n, ld * sizeof(float), "blas3 squares");
    if (!mask || !squares) {
        free(mask);
        free(squares);
        return -1;
    }
#pragma omp parallel for schedule(static) num_threads(ex->threads)
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < ld; k++) {
            float x = cosine_row(p, i)[k];
            mask[i * ld + k] = x != 0.0f ? 1.0f : 0.0f;
            squares[i * ld + k] = x * x;
        }

    /* Our threads each run their own SGEMMs; inside an active parallel
     * region the OpenMP build of OpenBLAS runs them single-threaded.  (No
     * openblas_set_num_threads(1): it would set omp_set_num_threads(1) for
     * every later parallel region of the process.) */
    int failed = 0;
    size_t panels = (n + BLAS_PANEL - 1) / BLAS_PANEL;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        /* A team of one is not an active parallel region, so OpenBLAS would
         * open its own nested team, bound to this worker's CPU.  This ICV is
         * the implicit task's own: it does not leak out of the region. */
        omp_set_num_threads(1);
        sl_worker_begin(ex);
        float *work = malloc(4 * BLAS_PANEL * n * sizeof *work);
        if (!work) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(runtime) nowait
        for (size_t panel = 0; panel < panels; panel++) {
            if (!work)
                continue;
            size_t i0 = panel * BLAS_PANEL;
            int rows = (int)(n - i0 < BLAS_PANEL ? n - i0 : BLAS_PANEL);
            int cols = (int)(n - i0);
            float *ol = work, *dot = ol + (size_t)rows * (size_t)cols;
            float *qd2 = dot + (size_t)rows * (size_t)cols, *rd2 = qd2 + (size_t)rows * (size_t)cols;
            panel_gemm(rows, cols, (int)p->d, mask + i0 * ld, mask + i0 * ld, (int)ld, ol);
            panel_gemm(rows, cols, (int)p->d, p->x + i0 * ld, p->x + i0 * ld, (int)ld, dot);
            panel_gemm(rows, cols, (int)p->d, squares + i0 * ld, mask + i0 * ld, (int)ld, qd2);
            panel_gemm(rows, cols, (int)p->d, mask + i0 * ld, squares + i0 * ld, (int)ld, rd2);
            for (int r = 0; r < rows; r++) {
                size_t i = i0 + (size_t)r;
                for (size_t j = i; j < n; j++) {
                    size_t c = (size_t)r * (size_t)cols + (j - i0);
                    cosine_out_row(p, i)[j] = cosine_finish((int)lrintf(ol[c]), qd2[c], rd2[c], dot[c]);
                }
            }
        }
        free(work);
        sl_worker_end(ex);
    }
    free(mask);
    free(squares);
    return failed ? sl_fail("blas3: out of memory for panel products") : 0;
}

/* ---- the table -------------------------------------------------------- */

const struct sl_variant cosine_variants[] = {
    /* The forum's loops (forum.c), named as its numba functions are. */
    {"colmajor_naive", {"colmajor", "naive", "blas", "dense"}, SL_SCHEDS_ALL, 0,
     "forum original: strided columns, one pass per numpy expression with temporaries, "
     "np.dot as BLAS sdot",
     cosine_run_colmajor_naive, cosine_work_dense, NULL},
    {"rowmajor_naive", {"rowmajor", "naive", "blas", "dense"}, SL_SCHEDS_ALL, 0,
     "the forum's original passes on contiguous rows", cosine_run_rowmajor_naive,
     cosine_work_dense, NULL},
    {"colmajor_split", {"colmajor", "split", "blas", "dense"}, SL_SCHEDS_ALL, 0,
     "strided columns, the forum's three helper loops (overlap count, two masked sums of "
     "squares), then BLAS sdot",
     cosine_run_colmajor_split, cosine_work_dense, NULL},
    {"rowmajor_split", {"rowmajor", "split", "blas", "dense"}, SL_SCHEDS_ALL, 0,
     "contiguous rows, the forum's three helper loops (overlap count, two masked sums of "
     "squares), then BLAS sdot",
     cosine_run_rowmajor_split, cosine_work_dense, NULL},
    {"colmajor_fused", {"colmajor", "fused", "scalar", "dense"}, SL_SCHEDS_ALL, 0,
     "strided columns, the forum's fused loop (ol, norms, dot) branching past zeros, 0 at "
     "once when ol == 0",
     cosine_run_colmajor_fused, cosine_work_dense, NULL},
    {"rowmajor_fused", {"rowmajor", "fused", "scalar", "dense"}, SL_SCHEDS_ALL, 0,
     "contiguous rows, the forum's fused loop (ol, norms, dot) branching past zeros, 0 at "
     "once when ol == 0",
     cosine_run_rowmajor_fused, cosine_work_dense, NULL},
    {"rowmajor_fused_noskip", {"rowmajor", "fused", "scalar", "dense"}, SL_SCHEDS_ALL, 0,
     "rowmajor_fused without the skip: norms and divisions also when ol == 0",
     cosine_run_rowmajor_fused_noskip, cosine_work_dense, NULL},
    {"rowmajor_dot_divided", {"rowmajor", "fused", "blas", "dense"}, SL_SCHEDS_ALL, 0,
     "ol and norms in one pass, then BLAS dot(a, b) / qd / rd",
     cosine_run_rowmajor_dot_divided, cosine_work_dense, NULL},
    {"rowmajor_dot_normalised", {"rowmajor", "fused", "blas", "dense"}, SL_SCHEDS_ALL, 0,
     "rowmajor_dot_divided normalising both vectors first: BLAS dot(a / qd, b / rd)",
     cosine_run_rowmajor_dot_normalised, cosine_work_dense, NULL},
    /* Beyond the forum. */
    {"colmajor_fused_branchfree", {"colmajor", "fused", "scalar", "dense"}, SL_SCHEDS_ALL, 0,
     "strided columns, one fused pass without branches (masked squares selected), skip when "
     "ol <= 1",
     run_colmajor_fused_branchfree, cosine_work_dense, NULL},
    {"rowmajor_fused_branchfree", {"rowmajor", "fused", "scalar", "dense"}, SL_SCHEDS_ALL, 0,
     "contiguous rows, one fused pass without branches (masked squares selected), skip when "
     "ol <= 1",
     run_rowmajor_fused_branchfree, cosine_work_dense, NULL},
    {"rowmajor_fused_avx2", {"rowmajor", "fused", "avx2", "dense"}, SL_SCHEDS_ALL,
     SL_ISA_AVX2 | SL_ISA_FMA, "fused pass in AVX2+FMA intrinsics, 2x8 lanes",
     run_rowmajor_fused_avx2, cosine_work_dense, NULL},
    {"rowmajor_fused_avx512", {"rowmajor", "fused", "avx512", "dense"}, SL_SCHEDS_ALL,
     SL_ISA_AVX512F, "fused pass in AVX-512 intrinsics, mask registers, 2x16 lanes",
     run_rowmajor_fused_avx512, cosine_work_dense, NULL},
    {"blocked_avx2", {"rowmajor", "fused", "avx2", "blocked"}, SL_SCHEDS_ALL,
     SL_ISA_AVX2 | SL_ISA_FMA, "AVX2 pairs over tiles of rows that stay in L2",
     run_blocked_avx2, cosine_work_dense, NULL},
    {"bitmask_scalar", {"rowmajor", "fused", "scalar", "bitmask"}, SL_SCHEDS_ALL, SL_ISA_POPCNT,
     "per-row non-zero bitmasks: ol = popcount(AND), sums over the overlap only",
     run_bitmask_scalar, cosine_work_sparse, NULL},
    {"invindex_scalar", {"rowmajor", "fused", "scalar", "invindex"}, SL_SCHEDS_ALL, 0,
     "inverted index per variable: each row scatters into the rows it overlaps",
     run_invindex_scalar, cosine_work_sparse, NULL},
    {"blas3", {"rowmajor", "naive", "blas", "blas3"}, SL_SCHEDS_OUTER, 0,
     "ol, dot and masked norms as OpenBLAS SGEMMs on row panels (sparsity-blind)", run_blas3,
     cosine_work_dense, NULL},
    {NULL, {NULL, NULL, NULL, NULL}, 0, 0, NULL, NULL, NULL, NULL},
};
