/* gaussmap variants and the table that registers them.  All of them are
 * parallel over columns (schedule(runtime): static, dynamic or guided) and
 * perform exactly the reference's operations (gaussmap.h), so their counts
 * equal the reference's bit for bit.  The SIMD ones iterate 4 or 8 columns
 * at once, one per lane; in the last group the lanes past the last column
 * repeat its first column and are never counted. */
#include "gaussmap.h" /* first: its pragma must precede every function */

#include <immintrin.h>
#include <omp.h>
#include <string.h>

/* ---- scalar: one column at a time --------------------------------------- */

static void column_scalar(const struct gaussmap_problem *p, size_t c)
{
    uint32_t *hist = p->counts + c * p->bins;
    memset(hist, 0, p->bins * sizeof *hist);
    double x = 0.0, beta = p->beta[c];
    for (int n = 0; n < GAUSSMAP_TRANSIENTS; n++)
        x = gaussmap_step(x, beta);
    for (int n = 0; n < GAUSSMAP_ITERATES; n++) {
        x = gaussmap_step(x, beta);
        int b = gaussmap_bin(x, p->bin_scale, (int)p->bins);
        if (b >= 0)
            hist[b]++;
    }
}

static int run_scalar(void *problem, const struct sl_exec *ex)
{
    struct gaussmap_problem *p = problem;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t c = 0; c < p->columns; c++)
            column_scalar(p, c);
        sl_worker_end(ex);
    }
    return 0;
}

/* ---- AVX2: 4 columns per vector, per-lane histogram updates --------------- */

/* gaussmap_exp, lane by lane: the same operations in the same order.  AVX2
 * without FMA on purpose (and contraction is off besides). */
__attribute__((target("avx2"))) static inline __m256d exp_avx2(__m256d t)
{
    __m256d u = _mm256_add_pd(_mm256_mul_pd(t, _mm256_set1_pd(GAUSSMAP_LOG2E)),
                              _mm256_set1_pd(GAUSSMAP_SHIFTER));
    __m256d k = _mm256_sub_pd(u, _mm256_set1_pd(GAUSSMAP_SHIFTER));
    __m256d r = _mm256_sub_pd(t, _mm256_mul_pd(k, _mm256_set1_pd(GAUSSMAP_LN2_HI)));
    r = _mm256_sub_pd(r, _mm256_mul_pd(k, _mm256_set1_pd(GAUSSMAP_LN2_LO)));
    __m256d p = _mm256_set1_pd(GAUSSMAP_C13);
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C12));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C11));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C10));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C9));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C8));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C7));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C6));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C5));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C4));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C3));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C2));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C1));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(GAUSSMAP_C0));
    __m256i bits = _mm256_slli_epi64(
        _mm256_add_epi64(_mm256_castpd_si256(u), _mm256_set1_epi64x(1023)), 52);
    return _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
}

__attribute__((target("avx2"))) static inline __m256d step_avx2(__m256d x, __m256d beta)
{
    __m256d t = _mm256_mul_pd(_mm256_mul_pd(x, x), _mm256_set1_pd(-GAUSSMAP_ALPHA));
    return _mm256_add_pd(exp_avx2(t), beta);
}

__attribute__((target("avx2"))) static void group_avx2(const struct gaussmap_problem *p,
                                                       size_t c0)
{
    int lanes = p->columns - c0 < 4 ? (int)(p->columns - c0) : 4;
    double betas[4];
    for (int l = 0; l < 4; l++) {
        betas[l] = p->beta[c0 + (l < lanes ? (size_t)l : 0)];
        if (l < lanes)
            memset(p->counts + (c0 + (size_t)l) * p->bins, 0, p->bins * sizeof *p->counts);
    }
    const __m256d beta = _mm256_loadu_pd(betas);
    const __m256d lo = _mm256_set1_pd(GAUSSMAP_LO), hi = _mm256_set1_pd(GAUSSMAP_HI);
    const __m256d scale = _mm256_set1_pd(p->bin_scale);
    const __m128i last_bin = _mm_set1_epi32((int)p->bins - 1);
    const int counted_lanes = (1 << lanes) - 1;
    __m256d x = _mm256_setzero_pd();
    for (int n = 0; n < GAUSSMAP_TRANSIENTS; n++)
        x = step_avx2(x, beta);
    for (int n = 0; n < GAUSSMAP_ITERATES; n++) {
        x = step_avx2(x, beta);
        __m256d in_range = _mm256_and_pd(_mm256_cmp_pd(x, lo, _CMP_GE_OQ),
                                         _mm256_cmp_pd(x, hi, _CMP_LT_OQ));
        int mask = _mm256_movemask_pd(in_range) & counted_lanes;
        __m128i bin = _mm_min_epi32(_mm256_cvttpd_epi32(_mm256_mul_pd(_mm256_sub_pd(x, lo), scale)),
                                    last_bin);
        int32_t b[4];
        _mm_storeu_si128((__m128i *)b, bin);
        while (mask) {
            int l = __builtin_ctz((unsigned)mask);
            mask &= mask - 1;
            p->counts[(c0 + (size_t)l) * p->bins + (size_t)b[l]]++;
        }
    }
}

static int run_avx2(void *problem, const struct sl_exec *ex)
{
    struct gaussmap_problem *p = problem;
    size_t groups = (p->columns + 3) / 4;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t g = 0; g < groups; g++)
            group_avx2(p, 4 * g);
        sl_worker_end(ex);
    }
    return 0;
}

/* ---- AVX-512: 8 columns per vector, gather/scatter histogram updates ------ */

__attribute__((target("avx512f"))) static inline __m512d exp_avx512(__m512d t)
{
    __m512d u = _mm512_add_pd(_mm512_mul_pd(t, _mm512_set1_pd(GAUSSMAP_LOG2E)),
                              _mm512_set1_pd(GAUSSMAP_SHIFTER));
    __m512d k = _mm512_sub_pd(u, _mm512_set1_pd(GAUSSMAP_SHIFTER));
    __m512d r = _mm512_sub_pd(t, _mm512_mul_pd(k, _mm512_set1_pd(GAUSSMAP_LN2_HI)));
    r = _mm512_sub_pd(r, _mm512_mul_pd(k, _mm512_set1_pd(GAUSSMAP_LN2_LO)));
    __m512d p = _mm512_set1_pd(GAUSSMAP_C13);
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C12));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C11));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C10));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C9));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C8));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C7));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C6));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C5));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C4));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C3));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C2));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C1));
    p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(GAUSSMAP_C0));
    __m512i bits = _mm512_slli_epi64(
        _mm512_add_epi64(_mm512_castpd_si512(u), _mm512_set1_epi64(1023)), 52);
    return _mm512_mul_pd(p, _mm512_castsi512_pd(bits));
}

__attribute__((target("avx512f"))) static inline __m512d step_avx512(__m512d x, __m512d beta)
{
    __m512d t = _mm512_mul_pd(_mm512_mul_pd(x, x), _mm512_set1_pd(-GAUSSMAP_ALPHA));
    return _mm512_add_pd(exp_avx512(t), beta);
}

/* Each lane is its own column, so the eight addresses of one scatter are
 * always distinct: no conflict detection needed. */
__attribute__((target("avx512f"))) static void group_avx512(const struct gaussmap_problem *p,
                                                            size_t c0)
{
    int lanes = p->columns - c0 < 8 ? (int)(p->columns - c0) : 8;
    double betas[8];
    int64_t bases[8];
    for (int l = 0; l < 8; l++) {
        size_t c = c0 + (l < lanes ? (size_t)l : 0);
        betas[l] = p->beta[c];
        bases[l] = (int64_t)(c * p->bins);
        if (l < lanes)
            memset(p->counts + c * p->bins, 0, p->bins * sizeof *p->counts);
    }
    const __m512d beta = _mm512_loadu_pd(betas);
    const __m512i base = _mm512_loadu_si512(bases);
    const __m512d lo = _mm512_set1_pd(GAUSSMAP_LO), hi = _mm512_set1_pd(GAUSSMAP_HI);
    const __m512d scale = _mm512_set1_pd(p->bin_scale);
    const __m256i last_bin = _mm256_set1_epi32((int)p->bins - 1), one = _mm256_set1_epi32(1);
    const __mmask8 counted_lanes = (__mmask8)((1u << lanes) - 1);
    __m512d x = _mm512_setzero_pd();
    for (int n = 0; n < GAUSSMAP_TRANSIENTS; n++)
        x = step_avx512(x, beta);
    for (int n = 0; n < GAUSSMAP_ITERATES; n++) {
        x = step_avx512(x, beta);
        __mmask8 in_range = _mm512_cmp_pd_mask(x, lo, _CMP_GE_OQ) &
                            _mm512_cmp_pd_mask(x, hi, _CMP_LT_OQ) & counted_lanes;
        __m256i bin = _mm256_min_epi32(_mm512_cvttpd_epi32(_mm512_mul_pd(_mm512_sub_pd(x, lo), scale)),
                                       last_bin);
        __m512i index = _mm512_add_epi64(base, _mm512_cvtepi32_epi64(bin));
        __m256i count = _mm512_mask_i64gather_epi32(_mm256_setzero_si256(), in_range, index,
                                                    p->counts, 4);
        _mm512_mask_i64scatter_epi32(p->counts, in_range, index, _mm256_add_epi32(count, one), 4);
    }
}

static int run_avx512(void *problem, const struct sl_exec *ex)
{
    struct gaussmap_problem *p = problem;
    size_t groups = (p->columns + 7) / 8;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t g = 0; g < groups; g++)
            group_avx512(p, 8 * g);
        sl_worker_end(ex);
    }
    return 0;
}

const struct sl_variant gaussmap_variants[] = {
    {.name = "scalar",
     .axes = {.isa = "scalar"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "one column at a time, the defined exp in scalar double",
     .run = run_scalar,
     .work = gaussmap_work},
    {.name = "avx2",
     .axes = {.isa = "avx2"},
     .schedules = SL_SCHEDS_OUTER,
     .requires = SL_ISA_AVX2,
     .summary = "4 columns per AVX2 vector (no FMA), per-lane histogram updates",
     .run = run_avx2,
     .work = gaussmap_work},
    {.name = "avx512",
     .axes = {.isa = "avx512"},
     .schedules = SL_SCHEDS_OUTER,
     .requires = SL_ISA_AVX512F,
     .summary = "8 columns per AVX-512 vector (no FMA), gather/scatter histogram updates",
     .run = run_avx512,
     .work = gaussmap_work},
    {0},
};
