/* cdist variants and the table that registers them.  Adding a variant means
 * writing its function here and adding one row to cdist_variants[] below.
 * Every variant is parallel over rows of X (or tiles of them). */
#include "cdist.h"

#include "kit/blas.h"
#include "kit/util.h"

#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>

/* ---- naive: the textbook triple loop ------------------------------------ */

/* One sequential sum per pair: the loop-carried add (no reassociation
 * without -ffast-math) bounds it at one element per add latency. */
static int run_naive(void *problem, const struct sl_exec *ex)
{
    struct cdist_problem *cp = problem;
    const size_t m = cp->m, n = cp->n, p = cp->p;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t i = 0; i < m; i++) {
            const double *x = cp->x + i * p;
            for (size_t j = 0; j < n; j++) {
                const double *y = cp->y + j * p;
                double s = 0.0;
                for (size_t k = 0; k < p; k++) {
                    double t = x[k] - y[k];
                    s += t * t;
                }
                cp->out[i * n + j] = sqrt(s);
            }
        }
        sl_worker_end(ex);
    }
    return 0;
}

/* ---- blocked: L1 tiles of X and Y rows, four pairs at a time ------------- */

/* Rows per tile so a tile of X rows and one of Y rows (16 KiB each) share
 * a 32 KiB L1; at least 4 (then they live in L2). */
static size_t l1_tile_rows(size_t p)
{
    size_t rows = 16384 / (p * sizeof(double));
    return rows < 4 ? 4 : rows > 256 ? 256 : rows;
}

/* x against Y rows [j0, j1): four pairs share each x[k] load and overlap
 * their four dependency chains; each pair's sum is in the naive order. */
static void row_against_tile(const struct cdist_problem *cp, size_t i, size_t j0, size_t j1)
{
    const size_t p = cp->p, n = cp->n;
    const double *x = cp->x + i * p;
    double *out = cp->out + i * n;
    size_t j = j0;
    for (; j + 4 <= j1; j += 4) {
        const double *y0 = cp->y + j * p, *y1 = y0 + p, *y2 = y1 + p, *y3 = y2 + p;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t k = 0; k < p; k++) {
            double xk = x[k];
            double t0 = xk - y0[k], t1 = xk - y1[k], t2 = xk - y2[k], t3 = xk - y3[k];
            s0 += t0 * t0;
            s1 += t1 * t1;
            s2 += t2 * t2;
            s3 += t3 * t3;
        }
        out[j] = sqrt(s0);
        out[j + 1] = sqrt(s1);
        out[j + 2] = sqrt(s2);
        out[j + 3] = sqrt(s3);
    }
    for (; j < j1; j++) {
        const double *y = cp->y + j * p;
        double s = 0.0;
        for (size_t k = 0; k < p; k++) {
            double t = x[k] - y[k];
            s += t * t;
        }
        out[j] = sqrt(s);
    }
}

static int run_blocked(void *problem, const struct sl_exec *ex)
{
    struct cdist_problem *cp = problem;
    const size_t m = cp->m, n = cp->n, tile = l1_tile_rows(cp->p);
    const size_t tiles = (m + tile - 1) / tile;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t t = 0; t < tiles; t++) {
            size_t i0 = t * tile, i1 = i0 + tile < m ? i0 + tile : m;
            for (size_t j0 = 0; j0 < n; j0 += tile) {
                size_t j1 = j0 + tile < n ? j0 + tile : n;
                for (size_t i = i0; i < i1; i++)
                    row_against_tile(cp, i, j0, j1);
            }
        }
        sl_worker_end(ex);
    }
    return 0;
}

/* ---- SIMD: one lane per Y row, from a transposed copy of Y --------------- */

/* Y in panels of W rows, transposed: panel q holds Y[qW + l][k] at
 * [q p W + k W + l], zero past n.  A vector load at (q, k) is feature k of
 * W different Y rows, so each lane accumulates its own distance and no
 * horizontal sum is needed.  The copy (n p doubles) is made inside the
 * timed region, in parallel, before the distance loop. */
struct panels {
    double *data;
    size_t count, width;
};

static void fill_panel(const struct cdist_problem *cp, const struct panels *pn, size_t q)
{
    const size_t p = cp->p, w = pn->width;
    double *panel = pn->data + q * p * w;
    for (size_t l = 0; l < w; l++) {
        size_t j = q * w + l;
        for (size_t k = 0; k < p; k++)
            panel[k * w + l] = j < cp->n ? cp->y[j * p + k] : 0.0;
    }
}

/* Rows of X per unit of the parallel loop: each pair of panels (2W rows of
 * Y, 2Wp doubles: 12.8 KB for AVX-512 at p = 100) is reused from L1 by all
 * of them. */
#define SIMD_ROW_BLOCK 32

/* Micro-kernels: 4 X rows x 2 panels (8 accumulators) and 1 x 1.  A
 * partial last panel is stored under a lane mask. */
#define AVX512_ROW(r)                                                                        \
    do {                                                                                     \
        __m512d b_ = _mm512_set1_pd(x[(r) * p + k]);                                         \
        __m512d t0_ = _mm512_sub_pd(v0, b_), t1_ = _mm512_sub_pd(v1, b_);                    \
        acc[r][0] = _mm512_fmadd_pd(t0_, t0_, acc[r][0]);                                    \
        acc[r][1] = _mm512_fmadd_pd(t1_, t1_, acc[r][1]);                                    \
    } while (0)

__attribute__((target("avx512f"))) static __mmask8 panel_mask_avx512(size_t n, size_t q)
{
    size_t lanes = n - q * 8;
    return lanes >= 8 ? (__mmask8)0xff : (__mmask8)((1u << lanes) - 1);
}

__attribute__((target("avx512f"))) static void kernel_4x2_avx512(const struct cdist_problem *cp,
                                                                 const struct panels *pn,
                                                                 size_t i, size_t q)
{
    const size_t p = cp->p, n = cp->n;
    const double *x = cp->x + i * p;
    const double *y0 = pn->data + q * p * 8, *y1 = y0 + p * 8;
    __m512d acc[4][2];
    for (int r = 0; r < 4; r++)
        acc[r][0] = acc[r][1] = _mm512_setzero_pd();
    for (size_t k = 0; k < p; k++) {
        __m512d v0 = _mm512_load_pd(y0 + k * 8), v1 = _mm512_load_pd(y1 + k * 8);
        AVX512_ROW(0);
        AVX512_ROW(1);
        AVX512_ROW(2);
        AVX512_ROW(3);
    }
    __mmask8 mask1 = panel_mask_avx512(n, q + 1);
    for (int r = 0; r < 4; r++) {
        double *out = cp->out + (i + (size_t)r) * n + q * 8;
        _mm512_storeu_pd(out, _mm512_sqrt_pd(acc[r][0]));
        _mm512_mask_storeu_pd(out + 8, mask1, _mm512_sqrt_pd(acc[r][1]));
    }
}

__attribute__((target("avx512f"))) static void kernel_1x1_avx512(const struct cdist_problem *cp,
                                                                 const struct panels *pn,
                                                                 size_t i, size_t q)
{
    const size_t p = cp->p;
    const double *x = cp->x + i * p, *y = pn->data + q * p * 8;
    __m512d acc = _mm512_setzero_pd();
    for (size_t k = 0; k < p; k++) {
        __m512d t = _mm512_sub_pd(_mm512_load_pd(y + k * 8), _mm512_set1_pd(x[k]));
        acc = _mm512_fmadd_pd(t, t, acc);
    }
    _mm512_mask_storeu_pd(cp->out + i * cp->n + q * 8, panel_mask_avx512(cp->n, q),
                          _mm512_sqrt_pd(acc));
}

#define AVX2_ROW(r)                                                                          \
    do {                                                                                     \
        __m256d b_ = _mm256_set1_pd(x[(r) * p + k]);                                         \
        __m256d t0_ = _mm256_sub_pd(v0, b_), t1_ = _mm256_sub_pd(v1, b_);                    \
        acc[r][0] = _mm256_fmadd_pd(t0_, t0_, acc[r][0]);                                    \
        acc[r][1] = _mm256_fmadd_pd(t1_, t1_, acc[r][1]);                                    \
    } while (0)

__attribute__((target("avx2,fma"))) static __m256i panel_mask_avx2(size_t n, size_t q)
{
    long long lanes = (long long)(n - q * 4);
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(lanes), _mm256_setr_epi64x(0, 1, 2, 3));
}

__attribute__((target("avx2,fma"))) static void kernel_4x2_avx2(const struct cdist_problem *cp,
                                                               const struct panels *pn, size_t i,
                                                               size_t q)
{
    const size_t p = cp->p, n = cp->n;
    const double *x = cp->x + i * p;
    const double *y0 = pn->data + q * p * 4, *y1 = y0 + p * 4;
    __m256d acc[4][2];
    for (int r = 0; r < 4; r++)
        acc[r][0] = acc[r][1] = _mm256_setzero_pd();
    for (size_t k = 0; k < p; k++) {
        __m256d v0 = _mm256_load_pd(y0 + k * 4), v1 = _mm256_load_pd(y1 + k * 4);
        AVX2_ROW(0);
        AVX2_ROW(1);
        AVX2_ROW(2);
        AVX2_ROW(3);
    }
    __m256i mask1 = panel_mask_avx2(n, q + 1);
    for (int r = 0; r < 4; r++) {
        double *out = cp->out + (i + (size_t)r) * n + q * 4;
        _mm256_storeu_pd(out, _mm256_sqrt_pd(acc[r][0]));
        _mm256_maskstore_pd(out + 4, mask1, _mm256_sqrt_pd(acc[r][1]));
    }
}

__attribute__((target("avx2,fma"))) static void kernel_1x1_avx2(const struct cdist_problem *cp,
                                                               const struct panels *pn, size_t i,
                                                               size_t q)
{
    const size_t p = cp->p;
    const double *x = cp->x + i * p, *y = pn->data + q * p * 4;
    __m256d acc = _mm256_setzero_pd();
    for (size_t k = 0; k < p; k++) {
        __m256d t = _mm256_sub_pd(_mm256_load_pd(y + k * 4), _mm256_set1_pd(x[k]));
        acc = _mm256_fmadd_pd(t, t, acc);
    }
    _mm256_maskstore_pd(cp->out + i * cp->n + q * 4, panel_mask_avx2(cp->n, q),
                        _mm256_sqrt_pd(acc));
}

typedef void (*simd_kernel_fn)(const struct cdist_problem *, const struct panels *, size_t,
                               size_t);

/* Panels first (a worksharing loop and its barrier), then blocks of X rows
 * against every panel pair, 4 rows at a time; leftover rows and a leftover
 * odd panel go through the 1 x 1 kernel. */
static int run_simd(struct cdist_problem *cp, const struct sl_exec *ex, size_t width,
                    simd_kernel_fn kernel_4x2, simd_kernel_fn kernel_1x1)
{
    struct panels pn = {NULL, (cp->n + width - 1) / width, width};
    pn.data = util_alloc_aligned(pn.count * cp->p, width * sizeof(double), "cdist Y panels");
    if (!pn.data)
        return -1;
    const size_t m = cp->m, blocks = (m + SIMD_ROW_BLOCK - 1) / SIMD_ROW_BLOCK;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(static)
        for (size_t q = 0; q < pn.count; q++)
            fill_panel(cp, &pn, q);
#pragma omp for schedule(runtime) nowait
        for (size_t b = 0; b < blocks; b++) {
            size_t i0 = b * SIMD_ROW_BLOCK;
            size_t i1 = i0 + SIMD_ROW_BLOCK < m ? i0 + SIMD_ROW_BLOCK : m;
            size_t q = 0;
            for (; q + 2 <= pn.count; q += 2) {
                size_t i = i0;
                for (; i + 4 <= i1; i += 4)
                    kernel_4x2(cp, &pn, i, q);
                for (; i < i1; i++) {
                    kernel_1x1(cp, &pn, i, q);
                    kernel_1x1(cp, &pn, i, q + 1);
                }
            }
            if (q < pn.count)
                for (size_t i = i0; i < i1; i++)
                    kernel_1x1(cp, &pn, i, q);
        }
        sl_worker_end(ex);
    }
    free(pn.data);
    return 0;
}

static int run_simd_avx2(void *problem, const struct sl_exec *ex)
{
    return run_simd(problem, ex, 4, kernel_4x2_avx2, kernel_1x1_avx2);
}

static int run_simd_avx512(void *problem, const struct sl_exec *ex)
{
    return run_simd(problem, ex, 8, kernel_4x2_avx512, kernel_1x1_avx512);
}

/* ---- GEMM identity: ||x||^2 + ||y||^2 - 2 x.y ---------------------------- */

/* X rows per DGEMM call: each thread's block of D = -2 X_b Y^T is one call
 * on its own rows, written straight into D and finished in place. */
#define GEMM_ROW_BLOCK 32

static double norm2(const double *v, size_t p)
{
    double s = 0.0;
    for (size_t k = 0; k < p; k++)
        s += v[k] * v[k];
    return s;
}

static int run_gemm_identity(void *problem, const struct sl_exec *ex)
{
    struct cdist_problem *cp = problem;
    const size_t m = cp->m, n = cp->n, p = cp->p;
    const char *no_blas = blas_unavailable();
    if (no_blas)
        return sl_fail("gemm_identity: %s", no_blas);
    double *y_norm2 = util_alloc(n, sizeof *y_norm2, "cdist norms of Y");
    if (!y_norm2)
        return -1;
    const size_t blocks = (m + GEMM_ROW_BLOCK - 1) / GEMM_ROW_BLOCK;
    sl_exec_apply_outer_schedule(ex);
    /* Our threads each run their own DGEMMs; inside an active parallel
     * region the OpenMP build of OpenBLAS runs them single-threaded.  (No
     * openblas_set_num_threads(1): it would set omp_set_num_threads(1) for
     * every later parallel region of the process.) */
#pragma omp parallel num_threads(ex->threads)
    {
        /* A team of one is not an active parallel region, so OpenBLAS would
         * open its own nested team, bound to this worker's CPU.  This ICV is
         * the implicit task's own: it does not leak out of the region. */
        omp_set_num_threads(1);
        sl_worker_begin(ex);
#pragma omp for schedule(static)
        for (size_t j = 0; j < n; j++)
            y_norm2[j] = norm2(cp->y + j * p, p);
#pragma omp for schedule(runtime) nowait
        for (size_t b = 0; b < blocks; b++) {
            size_t i0 = b * GEMM_ROW_BLOCK;
            size_t rows = m - i0 < GEMM_ROW_BLOCK ? m - i0 : GEMM_ROW_BLOCK;
            double *d = cp->out + i0 * n;
            blas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)n, (int)p, -2.0,
                        cp->x + i0 * p, (int)p, cp->y, (int)p, 0.0, d, (int)n);
            for (size_t r = 0; r < rows; r++) {
                double xn = norm2(cp->x + (i0 + r) * p, p);
                double *row = d + r * n;
                /* Cancellation can leave a tiny negative for (near-)equal
                 * rows: clamp before the sqrt. */
                for (size_t j = 0; j < n; j++) {
                    double sq = xn + y_norm2[j] + row[j];
                    row[j] = sqrt(sq > 0.0 ? sq : 0.0);
                }
            }
        }
        sl_worker_end(ex);
    }
    free(y_norm2);
    return 0;
}

/* ---- the table -------------------------------------------------------- */

const struct sl_variant cdist_variants[] = {
    {.name = "naive",
     .axes = {.layout = "rowmajor", .loops = "naive", .isa = "scalar", .algorithm = "direct"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "triple loop, one sequential sum per pair (the baseline)",
     .run = run_naive,
     .work = cdist_work},
    {.name = "blocked",
     .axes = {.layout = "rowmajor", .loops = "blocked", .isa = "scalar", .algorithm = "direct"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "tiles of X and Y rows sharing L1, four pairs per pass over x; scalar",
     .run = run_blocked,
     .work = cdist_work},
    {.name = "simd_avx2",
     .axes = {.layout = "transposed", .loops = "blocked", .isa = "avx2", .algorithm = "direct"},
     .schedules = SL_SCHEDS_OUTER,
     .requires = SL_ISA_AVX2 | SL_ISA_FMA,
     .summary = "4 Y rows per vector from transposed panels, 4x2 register tiles, AVX2+FMA",
     .run = run_simd_avx2,
     .work = cdist_work},
    {.name = "simd_avx512",
     .axes = {.layout = "transposed", .loops = "blocked", .isa = "avx512", .algorithm = "direct"},
     .schedules = SL_SCHEDS_OUTER,
     .requires = SL_ISA_AVX512F,
     .summary = "8 Y rows per vector from transposed panels, 4x2 register tiles, AVX-512",
     .run = run_simd_avx512,
     .work = cdist_work},
    {.name = "gemm_identity",
     .axes = {.layout = "rowmajor", .isa = "blas", .algorithm = "gemm-identity"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "||x||^2 + ||y||^2 - 2 x.y with one OpenBLAS DGEMM per block of X rows; "
                "loses accuracy for close rows",
     .run = run_gemm_identity,
     .work = cdist_work},
    {0},
};
