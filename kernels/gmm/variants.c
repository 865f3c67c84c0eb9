/* gmm variants and the table that registers them.  Adding a variant means
 * writing its function here and adding one row to gmm_variants[] below. */
#include "gmm.h"
#include "vecmath.h"

#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>

/* ---- data-parallel: threads split the points ---------------------------- */

/* Computes resp and loglik for points [i0, i1); returns their loglik sum. */
typedef double (*gmm_block_fn)(struct gmm_problem *p, size_t i0, size_t i1);

static int run_data_parallel(struct gmm_problem *p, const struct sl_exec *ex, gmm_block_fn block)
{
    const size_t blocks = (p->n + GMM_BLOCK - 1) / GMM_BLOCK;
    double total = 0.0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads) reduction(+ : total)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t b = 0; b < blocks; b++) {
            size_t i0 = b * GMM_BLOCK;
            total += block(p, i0, i0 + GMM_BLOCK < p->n ? i0 + GMM_BLOCK : p->n);
        }
        sl_worker_end(ex);
    }
    p->total_loglik = total;
    return 0;
}

/* log p_k(x) for one point whose coordinate j is x[j * stride]: forward
 * substitution with L_k, dividing by multiplying with 1/L_k[j][j]. */
static inline double log_density(const struct gmm_problem *p, size_t k, const double *x,
                                 size_t stride)
{
    const size_t d = p->d;
    const double *l = p->chol + k * d * d, *mu = p->means + k * d, *rdiag = p->rdiag + k * d;
    double z[GMM_MAX_DIMS];
    double q = 0.0;
    for (size_t j = 0; j < d; j++) {
        double s = x[j * stride] - mu[j];
        for (size_t t = 0; t < j; t++)
            s -= l[j * d + t] * z[t];
        z[j] = s * rdiag[j];
        q += z[j] * z[j];
    }
    return p->lognorm[k] - 0.5 * q;
}

/* Normalises the m log-probabilities in r in place into responsibilities:
 * one exp per component (exp(lp - max) / sum), one log per point. */
static inline double normalise(double *r, size_t m)
{
    double best = -INFINITY;
    for (size_t k = 0; k < m; k++)
        best = fmax(best, r[k]);
    double sum = 0.0;
    for (size_t k = 0; k < m; k++) {
        r[k] = exp(r[k] - best);
        sum += r[k];
    }
    double inv = 1.0 / sum;
    for (size_t k = 0; k < m; k++)
        r[k] *= inv;
    return best + log(sum);
}

/* One point at a time; the point's row of resp holds its log-probabilities
 * until they are normalised, so no scratch is needed. */
static inline double point_block_scalar(struct gmm_problem *p, size_t i0, size_t i1,
                                        const double *x0, size_t point_step, size_t stride)
{
    const size_t m = p->m;
    double sum = 0.0;
    for (size_t i = i0; i < i1; i++) {
        double *r = p->resp + i * m;
        const double *x = x0 + i * point_step;
        for (size_t k = 0; k < m; k++)
            r[k] = log_density(p, k, x, stride);
        double loglik = normalise(r, m);
        p->loglik[i] = loglik;
        sum += loglik;
    }
    return sum;
}

static double block_aos_scalar(struct gmm_problem *p, size_t i0, size_t i1)
{
    return point_block_scalar(p, i0, i1, p->x_aos, p->d, 1);
}

static double block_soa_scalar(struct gmm_problem *p, size_t i0, size_t i1)
{
    return point_block_scalar(p, i0, i1, p->x_soa, 1, p->ld);
}

static int run_data_parallel_aos_scalar(void *problem, const struct sl_exec *ex)
{
    return run_data_parallel(problem, ex, block_aos_scalar);
}

static int run_data_parallel_soa_scalar(void *problem, const struct sl_exec *ex)
{
    return run_data_parallel(problem, ex, block_soa_scalar);
}

/* ---- data-parallel SIMD: one vector lane per point (SoA) ---------------- */

/* Four points per vector: all m log-probabilities of the four points stay
 * in registers or L1 (lp[]), then one vector exp per component and one
 * vector log.  AVX2 has no scatter, so each point's responsibilities are
 * written from a spilled vector.  Reads of x_soa past n hit its zero
 * padding (ld is a multiple of 8); those lanes are computed and dropped. */
__attribute__((target("avx2,fma"))) static double block_soa_avx2(struct gmm_problem *p, size_t i0,
                                                                  size_t i1)
{
    const size_t m = p->m, d = p->d, ld = p->ld;
    __m256d z[GMM_MAX_DIMS], lp[GMM_MAX_COMPONENTS];
    __m256d total = _mm256_setzero_pd();
    for (size_t i = i0; i < i1; i += 4) {
        const size_t lanes = i1 - i < 4 ? i1 - i : 4;
        __m256d best = _mm256_set1_pd(-INFINITY);
        for (size_t k = 0; k < m; k++) {
            const double *l = p->chol + k * d * d, *mu = p->means + k * d;
            const double *rdiag = p->rdiag + k * d;
            __m256d q = _mm256_setzero_pd();
            for (size_t j = 0; j < d; j++) {
                __m256d s = _mm256_sub_pd(_mm256_load_pd(p->x_soa + j * ld + i),
                                          _mm256_set1_pd(mu[j]));
                for (size_t t = 0; t < j; t++)
                    s = _mm256_fnmadd_pd(_mm256_set1_pd(l[j * d + t]), z[t], s);
                z[j] = _mm256_mul_pd(s, _mm256_set1_pd(rdiag[j]));
                q = _mm256_fmadd_pd(z[j], z[j], q);
            }
            lp[k] = _mm256_fnmadd_pd(_mm256_set1_pd(0.5), q, _mm256_set1_pd(p->lognorm[k]));
            best = _mm256_max_pd(best, lp[k]);
        }
        __m256d sum = _mm256_setzero_pd();
        for (size_t k = 0; k < m; k++) {
            lp[k] = gmm_exp_avx2(_mm256_sub_pd(lp[k], best));
            sum = _mm256_add_pd(sum, lp[k]);
        }
        __m256d loglik = _mm256_add_pd(best, gmm_log_avx2(sum));
        __m256d inv = _mm256_div_pd(_mm256_set1_pd(1.0), sum);
        double spill[4] __attribute__((aligned(32)));
        if (lanes == 4) {
            _mm256_storeu_pd(p->loglik + i, loglik);
            total = _mm256_add_pd(total, loglik);
        } else {
            _mm256_store_pd(spill, loglik);
            for (size_t h = 0; h < lanes; h++) {
                p->loglik[i + h] = spill[h];
                total = _mm256_add_pd(total, _mm256_setr_pd(spill[h], 0, 0, 0));
            }
        }
        double *r = p->resp + i * m;
        for (size_t k = 0; k < m; k++) {
            _mm256_store_pd(spill, _mm256_mul_pd(lp[k], inv));
            for (size_t h = 0; h < lanes; h++)
                r[h * m + k] = spill[h];
        }
    }
    double lanes_total[4];
    _mm256_storeu_pd(lanes_total, total);
    return (lanes_total[0] + lanes_total[1]) + (lanes_total[2] + lanes_total[3]);
}

/* Eight points per vector; responsibilities go straight to their rows with
 * a masked scatter (stride m), the tail with masked stores. */
__attribute__((target("avx512f"))) static double block_soa_avx512(struct gmm_problem *p,
                                                                    size_t i0, size_t i1)
{
    const size_t m = p->m, d = p->d, ld = p->ld;
    const long long sm = (long long)m;
    const __m512i row_offsets = _mm512_set_epi64(7 * sm, 6 * sm, 5 * sm, 4 * sm, 3 * sm, 2 * sm,
                                                 sm, 0);
    __m512d z[GMM_MAX_DIMS], lp[GMM_MAX_COMPONENTS];
    __m512d total = _mm512_setzero_pd();
    for (size_t i = i0; i < i1; i += 8) {
        const __mmask8 mask = i1 - i >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (i1 - i)) - 1);
        __m512d best = _mm512_set1_pd(-INFINITY);
        for (size_t k = 0; k < m; k++) {
            const double *l = p->chol + k * d * d, *mu = p->means + k * d;
            const double *rdiag = p->rdiag + k * d;
            __m512d q = _mm512_setzero_pd();
            for (size_t j = 0; j < d; j++) {
                __m512d s = _mm512_sub_pd(_mm512_load_pd(p->x_soa + j * ld + i),
                                          _mm512_set1_pd(mu[j]));
                for (size_t t = 0; t < j; t++)
                    s = _mm512_fnmadd_pd(_mm512_set1_pd(l[j * d + t]), z[t], s);
                z[j] = _mm512_mul_pd(s, _mm512_set1_pd(rdiag[j]));
                q = _mm512_fmadd_pd(z[j], z[j], q);
            }
            lp[k] = _mm512_fnmadd_pd(_mm512_set1_pd(0.5), q, _mm512_set1_pd(p->lognorm[k]));
            best = _mm512_max_pd(best, lp[k]);
        }
        __m512d sum = _mm512_setzero_pd();
        for (size_t k = 0; k < m; k++) {
            lp[k] = gmm_exp_avx512(_mm512_sub_pd(lp[k], best));
            sum = _mm512_add_pd(sum, lp[k]);
        }
        __m512d loglik = _mm512_add_pd(best, gmm_log_avx512(sum));
        __m512d inv = _mm512_div_pd(_mm512_set1_pd(1.0), sum);
        _mm512_mask_storeu_pd(p->loglik + i, mask, loglik);
        total = _mm512_mask_add_pd(total, mask, total, loglik);
        double *r = p->resp + i * m;
        for (size_t k = 0; k < m; k++)
            _mm512_mask_i64scatter_pd(r + k, mask, row_offsets, _mm512_mul_pd(lp[k], inv), 8);
    }
    return _mm512_reduce_add_pd(total);
}

static int run_data_parallel_soa_avx2(void *problem, const struct sl_exec *ex)
{
    return run_data_parallel(problem, ex, block_soa_avx2);
}

static int run_data_parallel_soa_avx512(void *problem, const struct sl_exec *ex)
{
    return run_data_parallel(problem, ex, block_soa_avx512);
}

/* ---- model-parallel: threads split the components ----------------------- */

/* Phase one: a worksharing loop over components, each computing log p_k for
 * every point into row k of the m x N scratch (a row per component, so two
 * threads never write the same cache line); the loop's barrier; phase two:
 * a worksharing loop over point blocks normalises.  With m = 4 components
 * and more than 4 threads, the extra threads wait through phase one: that
 * is the design's limit, measured as imbalance. */
static int run_model_parallel_aos_scalar(void *problem, const struct sl_exec *ex)
{
    struct gmm_problem *p = problem;
    const size_t m = p->m, d = p->d, n = p->n;
    const size_t blocks = (n + GMM_BLOCK - 1) / GMM_BLOCK;
    double total = 0.0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads) reduction(+ : total)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime)
        for (size_t k = 0; k < m; k++) {
            double *lp = p->lp_scratch + k * n;
            for (size_t i = 0; i < n; i++)
                lp[i] = log_density(p, k, p->x_aos + i * d, 1);
        }
#pragma omp for schedule(runtime) nowait
        for (size_t b = 0; b < blocks; b++) {
            size_t i_end = (b + 1) * GMM_BLOCK < n ? (b + 1) * GMM_BLOCK : n;
            for (size_t i = b * GMM_BLOCK; i < i_end; i++) {
                double *r = p->resp + i * m;
                for (size_t k = 0; k < m; k++)
                    r[k] = p->lp_scratch[k * n + i];
                double loglik = normalise(r, m);
                p->loglik[i] = loglik;
                total += loglik;
            }
        }
        sl_worker_end(ex);
    }
    p->total_loglik = total;
    return 0;
}

/* ---- the table -------------------------------------------------------- */

const struct sl_variant gmm_variants[] = {
    {.name = "data_parallel_aos_scalar",
     .axes = {.layout = "aos", .isa = "scalar", .algorithm = "data-parallel"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "threads split blocks of points; point-major coordinates; libm exp/log",
     .run = run_data_parallel_aos_scalar,
     .work = gmm_work_data_parallel},
    {.name = "data_parallel_soa_scalar",
     .axes = {.layout = "soa", .isa = "scalar", .algorithm = "data-parallel"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "threads split blocks of points; one array per coordinate; libm exp/log",
     .run = run_data_parallel_soa_scalar,
     .work = gmm_work_data_parallel},
    {.name = "data_parallel_soa_avx2",
     .axes = {.layout = "soa", .isa = "avx2", .algorithm = "data-parallel"},
     .schedules = SL_SCHEDS_OUTER,
     .requires = SL_ISA_AVX2 | SL_ISA_FMA,
     .summary = "4 points per AVX2 vector, own vector exp/log (a few ulp)",
     .run = run_data_parallel_soa_avx2,
     .work = gmm_work_data_parallel},
    {.name = "data_parallel_soa_avx512",
     .axes = {.layout = "soa", .isa = "avx512", .algorithm = "data-parallel"},
     .schedules = SL_SCHEDS_OUTER,
     .requires = SL_ISA_AVX512F,
     .summary = "8 points per AVX-512 vector, own vector exp/log, scattered responsibilities",
     .run = run_data_parallel_soa_avx512,
     .work = gmm_work_data_parallel},
    {.name = "model_parallel_aos_scalar",
     .axes = {.layout = "aos", .isa = "scalar", .algorithm = "model-parallel"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC) | SL_SCHED_BIT(SL_SCHED_DYNAMIC),
     .summary = "threads split the components (log p_k for all points), barrier, then "
                "split the points to normalise",
     .run = run_model_parallel_aos_scalar,
     .work = gmm_work_model_parallel},
    {0},
};
