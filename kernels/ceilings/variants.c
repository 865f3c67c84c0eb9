/* ceilings variants: the kernels per ISA and the table that registers them.
 *
 * Every kernel works on whole 64-byte lines of line-aligned arrays and makes
 * `sweeps` passes over `lines` lines, keeping its accumulators in registers
 * across passes (a call per pass would cost a reduction and a call per L1
 * sweep of a few hundred cycles).  A bandwidth kernel body is unrolled so
 * that 8 vectors of loads are in flight; load keeps 8 independent sums. */
#include "ceilings/ceilings.h"

#include <immintrin.h>
#include <omp.h>
#include <string.h>

/* The scalar kernels must stay one element per instruction: no
 * vectorisation, and no copy loop turned into a call to memcpy.  Clang's
 * SLP vectoriser cannot be switched off per function (it pairs load's
 * sums); only its loop vectoriser is, and clang builds only the
 * ThreadSanitizer build. */
#if defined(__clang__)
#define SCALAR_ONLY __attribute__((no_builtin("memcpy")))
#define SCALAR_LOOP _Pragma("clang loop vectorize(disable) interleave(disable)")
#elif defined(__GNUC__)
#define SCALAR_ONLY                                                                              \
    __attribute__((optimize("no-tree-vectorize", "no-tree-slp-vectorize",                         \
                            "no-tree-loop-distribute-patterns")))
#define SCALAR_LOOP
#else
#define SCALAR_ONLY
#define SCALAR_LOOP
#endif

#define LINE CEILINGS_LINE_DOUBLES

/* One double to an integer register and past the caches (movnti). */
static inline void stream_double(double *at, double value)
{
    long long bits;
    memcpy(&bits, &value, sizeof bits);
    _mm_stream_si64((long long *)at, bits);
}

/* ---- scalar ---------------------------------------------------------------- */

/* A line per iteration, as the vector kernels do: 8 statements. */
#define EACH_OF_LINE(op) op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7)

SCALAR_ONLY static double load_scalar(const double *x, size_t lines, size_t sweeps)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (size_t s = 0; s < sweeps; s++) {
        SCALAR_LOOP
        for (size_t i = 0; i < lines * LINE; i += LINE) {
#define ADD(j) s##j += x[i + j];
            EACH_OF_LINE(ADD)
#undef ADD
        }
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

SCALAR_ONLY static void copy_scalar(const double *x, double *y, size_t lines, size_t sweeps)
{
#define COPY(j) y[i + j] = x[i + j];
    for (size_t s = 0; s < sweeps; s++) {
        SCALAR_LOOP
        for (size_t i = 0; i < lines * LINE; i += LINE) {
            EACH_OF_LINE(COPY)
        }
    }
#undef COPY
}

SCALAR_ONLY static void copy_scalar_nt(const double *x, double *y, size_t lines, size_t sweeps)
{
#define COPY(j) stream_double(y + i + j, x[i + j]);
    for (size_t s = 0; s < sweeps; s++) {
        SCALAR_LOOP
        for (size_t i = 0; i < lines * LINE; i += LINE) {
            EACH_OF_LINE(COPY)
        }
    }
#undef COPY
}

SCALAR_ONLY static void triad_scalar(const double *b, const double *c, const double *d,
                                     double *a, size_t lines, size_t sweeps)
{
#define TRIAD(j) a[i + j] = b[i + j] * c[i + j] + d[i + j];
    for (size_t s = 0; s < sweeps; s++) {
        SCALAR_LOOP
        for (size_t i = 0; i < lines * LINE; i += LINE) {
            EACH_OF_LINE(TRIAD)
        }
    }
#undef TRIAD
}

SCALAR_ONLY static void triad_scalar_nt(const double *b, const double *c, const double *d,
                                        double *a, size_t lines, size_t sweeps)
{
#define TRIAD(j) stream_double(a + i + j, b[i + j] * c[i + j] + d[i + j]);
    for (size_t s = 0; s < sweeps; s++) {
        SCALAR_LOOP
        for (size_t i = 0; i < lines * LINE; i += LINE) {
            EACH_OF_LINE(TRIAD)
        }
    }
#undef TRIAD
}

/* ---- AVX2: two vectors per line -------------------------------------------- */

__attribute__((target("avx2"))) static double load_avx2(const double *x, size_t lines,
                                                        size_t sweeps)
{
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0,
            s7 = s0;
    for (size_t s = 0; s < sweeps; s++) {
        size_t i = 0;
        for (; i + 4 <= lines; i += 4) {
            const double *p = x + i * LINE;
            s0 = _mm256_add_pd(s0, _mm256_load_pd(p));
            s1 = _mm256_add_pd(s1, _mm256_load_pd(p + 4));
            s2 = _mm256_add_pd(s2, _mm256_load_pd(p + 8));
            s3 = _mm256_add_pd(s3, _mm256_load_pd(p + 12));
            s4 = _mm256_add_pd(s4, _mm256_load_pd(p + 16));
            s5 = _mm256_add_pd(s5, _mm256_load_pd(p + 20));
            s6 = _mm256_add_pd(s6, _mm256_load_pd(p + 24));
            s7 = _mm256_add_pd(s7, _mm256_load_pd(p + 28));
        }
        for (; i < lines; i++) {
            s0 = _mm256_add_pd(s0, _mm256_load_pd(x + i * LINE));
            s1 = _mm256_add_pd(s1, _mm256_load_pd(x + i * LINE + 4));
        }
    }
    __m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)),
                              _mm256_add_pd(_mm256_add_pd(s4, s5), _mm256_add_pd(s6, s7)));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

#define COPY_AVX2(name, store)                                                                   \
    __attribute__((target("avx2"))) static void name(const double *x, double *y, size_t lines,  \
                                                     size_t sweeps)                              \
    {                                                                                            \
        for (size_t s = 0; s < sweeps; s++) {                                                    \
            size_t i = 0;                                                                        \
            for (; i + 4 <= lines; i += 4)                                                       \
                for (size_t v = 0; v < 4 * LINE; v += 4)                                         \
                    store(y + i * LINE + v, _mm256_load_pd(x + i * LINE + v));                   \
            for (; i < lines; i++) {                                                             \
                store(y + i * LINE, _mm256_load_pd(x + i * LINE));                               \
                store(y + i * LINE + 4, _mm256_load_pd(x + i * LINE + 4));                       \
            }                                                                                    \
        }                                                                                        \
    }
COPY_AVX2(copy_avx2, _mm256_store_pd)
COPY_AVX2(copy_avx2_nt, _mm256_stream_pd)

#define TRIAD_AVX2_AT(store, at)                                                                 \
    store(a + (at), _mm256_fmadd_pd(_mm256_load_pd(b + (at)), _mm256_load_pd(c + (at)),          \
                                    _mm256_load_pd(d + (at))))
#define TRIAD_AVX2(name, store)                                                                  \
    __attribute__((target("avx2,fma"))) static void name(const double *b, const double *c,      \
                                                         const double *d, double *a,             \
                                                         size_t lines, size_t sweeps)            \
    {                                                                                            \
        for (size_t s = 0; s < sweeps; s++) {                                                    \
            size_t i = 0;                                                                        \
            for (; i + 2 <= lines; i += 2)                                                       \
                for (size_t v = 0; v < 2 * LINE; v += 4)                                         \
                    TRIAD_AVX2_AT(store, i * LINE + v);                                          \
            for (; i < lines; i++) {                                                             \
                TRIAD_AVX2_AT(store, i * LINE);                                                  \
                TRIAD_AVX2_AT(store, i * LINE + 4);                                              \
            }                                                                                    \
        }                                                                                        \
    }
TRIAD_AVX2(triad_avx2, _mm256_store_pd)
TRIAD_AVX2(triad_avx2_nt, _mm256_stream_pd)

/* ---- AVX-512: one vector per line ------------------------------------------ */

__attribute__((target("avx512f"))) static double load_avx512(const double *x, size_t lines,
                                                             size_t sweeps)
{
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0,
            s7 = s0;
    for (size_t s = 0; s < sweeps; s++) {
        size_t i = 0;
        for (; i + 8 <= lines; i += 8) {
            const double *p = x + i * LINE;
            s0 = _mm512_add_pd(s0, _mm512_load_pd(p));
            s1 = _mm512_add_pd(s1, _mm512_load_pd(p + 8));
            s2 = _mm512_add_pd(s2, _mm512_load_pd(p + 16));
            s3 = _mm512_add_pd(s3, _mm512_load_pd(p + 24));
            s4 = _mm512_add_pd(s4, _mm512_load_pd(p + 32));
            s5 = _mm512_add_pd(s5, _mm512_load_pd(p + 40));
            s6 = _mm512_add_pd(s6, _mm512_load_pd(p + 48));
            s7 = _mm512_add_pd(s7, _mm512_load_pd(p + 56));
        }
        for (; i < lines; i++)
            s0 = _mm512_add_pd(s0, _mm512_load_pd(x + i * LINE));
    }
    return _mm512_reduce_add_pd(
        _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)),
                      _mm512_add_pd(_mm512_add_pd(s4, s5), _mm512_add_pd(s6, s7))));
}

#define COPY_AVX512(name, store)                                                                 \
    __attribute__((target("avx512f"))) static void name(const double *x, double *y,             \
                                                        size_t lines, size_t sweeps)             \
    {                                                                                            \
        for (size_t s = 0; s < sweeps; s++) {                                                    \
            size_t i = 0;                                                                        \
            for (; i + 4 <= lines; i += 4)                                                       \
                for (size_t v = 0; v < 4 * LINE; v += LINE)                                      \
                    store(y + i * LINE + v, _mm512_load_pd(x + i * LINE + v));                   \
            for (; i < lines; i++)                                                               \
                store(y + i * LINE, _mm512_load_pd(x + i * LINE));                               \
        }                                                                                        \
    }
COPY_AVX512(copy_avx512, _mm512_store_pd)
COPY_AVX512(copy_avx512_nt, _mm512_stream_pd)

#define TRIAD_AVX512_AT(store, at)                                                               \
    store(a + (at), _mm512_fmadd_pd(_mm512_load_pd(b + (at)), _mm512_load_pd(c + (at)),          \
                                    _mm512_load_pd(d + (at))))
#define TRIAD_AVX512(name, store)                                                                \
    __attribute__((target("avx512f"))) static void name(const double *b, const double *c,       \
                                                        const double *d, double *a,              \
                                                        size_t lines, size_t sweeps)             \
    {                                                                                            \
        for (size_t s = 0; s < sweeps; s++) {                                                    \
            size_t i = 0;                                                                        \
            for (; i + 2 <= lines; i += 2) {                                                     \
                TRIAD_AVX512_AT(store, i * LINE);                                                \
                TRIAD_AVX512_AT(store, i * LINE + LINE);                                         \
            }                                                                                    \
            for (; i < lines; i++)                                                               \
                TRIAD_AVX512_AT(store, i * LINE);                                                \
        }                                                                                        \
    }
TRIAD_AVX512(triad_avx512, _mm512_store_pd)
TRIAD_AVX512(triad_avx512_nt, _mm512_stream_pd)

/* ---- peak: twelve independent FMA chains ----------------------------------- */

/* x = x * scale + step in every lane of twelve registers, `steps` times;
 * start and end hold 12 x lanes values. */
#define CHAINS(vec, load, store, set1, fma, lanes)                                              \
    {                                                                                            \
        const vec m = set1(scale), c = set1(step);                                               \
        vec x0 = load(start), x1 = load(start + lanes), x2 = load(start + 2 * lanes),            \
            x3 = load(start + 3 * lanes), x4 = load(start + 4 * lanes),                          \
            x5 = load(start + 5 * lanes), x6 = load(start + 6 * lanes),                          \
            x7 = load(start + 7 * lanes), x8 = load(start + 8 * lanes),                          \
            x9 = load(start + 9 * lanes), x10 = load(start + 10 * lanes),                        \
            x11 = load(start + 11 * lanes);                                                      \
        for (size_t s = 0; s < steps; s++) {                                                     \
            x0 = fma(x0, m, c);                                                                  \
            x1 = fma(x1, m, c);                                                                  \
            x2 = fma(x2, m, c);                                                                  \
            x3 = fma(x3, m, c);                                                                  \
            x4 = fma(x4, m, c);                                                                  \
            x5 = fma(x5, m, c);                                                                  \
            x6 = fma(x6, m, c);                                                                  \
            x7 = fma(x7, m, c);                                                                  \
            x8 = fma(x8, m, c);                                                                  \
            x9 = fma(x9, m, c);                                                                  \
            x10 = fma(x10, m, c);                                                                \
            x11 = fma(x11, m, c);                                                                \
        }                                                                                        \
        store(end, x0);                                                                          \
        store(end + lanes, x1);                                                                  \
        store(end + 2 * lanes, x2);                                                              \
        store(end + 3 * lanes, x3);                                                              \
        store(end + 4 * lanes, x4);                                                              \
        store(end + 5 * lanes, x5);                                                              \
        store(end + 6 * lanes, x6);                                                              \
        store(end + 7 * lanes, x7);                                                              \
        store(end + 8 * lanes, x8);                                                              \
        store(end + 9 * lanes, x9);                                                              \
        store(end + 10 * lanes, x10);                                                            \
        store(end + 11 * lanes, x11);                                                            \
    }
#define PEAK32(name, target_isa, vec, load, store, set1, fma, lanes)                             \
    __attribute__((target(target_isa))) static void name(const float *start, float scale,       \
                                                         float step, size_t steps, float *end)   \
        CHAINS(vec, load, store, set1, fma, lanes)
#define PEAK64(name, target_isa, vec, load, store, set1, fma, lanes)                             \
    __attribute__((target(target_isa))) static void name(const double *start, double scale,     \
                                                         double step, size_t steps, double *end) \
        CHAINS(vec, load, store, set1, fma, lanes)

PEAK32(peak32_scalar, "fma", __m128, _mm_load_ss, _mm_store_ss, _mm_set_ss, _mm_fmadd_ss, 1)
PEAK64(peak64_scalar, "fma", __m128d, _mm_load_sd, _mm_store_sd, _mm_set_sd, _mm_fmadd_sd, 1)
PEAK32(peak32_avx2, "avx2,fma", __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps,
       _mm256_fmadd_ps, 8)
PEAK64(peak64_avx2, "avx2,fma", __m256d, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_set1_pd,
       _mm256_fmadd_pd, 4)
PEAK32(peak32_avx512, "avx512f", __m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps,
       _mm512_fmadd_ps, 16)
PEAK64(peak64_avx512, "avx512f", __m512d, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_set1_pd,
       _mm512_fmadd_pd, 8)

/* ---- one ISA's kernels ------------------------------------------------------ */

struct isa_kernels {
    double (*load)(const double *x, size_t lines, size_t sweeps);
    void (*copy[2])(const double *x, double *y, size_t lines, size_t sweeps); /* [streaming] */
    void (*triad[2])(const double *b, const double *c, const double *d, double *a, size_t lines,
                     size_t sweeps);
    void (*peak32)(const float *start, float scale, float step, size_t steps, float *end);
    void (*peak64)(const double *start, double scale, double step, size_t steps, double *end);
};

static const struct isa_kernels isa_scalar = {load_scalar,   {copy_scalar, copy_scalar_nt},
                                              {triad_scalar, triad_scalar_nt},
                                              peak32_scalar, peak64_scalar};
static const struct isa_kernels isa_avx2 = {load_avx2, {copy_avx2, copy_avx2_nt},
                                            {triad_avx2, triad_avx2_nt}, peak32_avx2,
                                            peak64_avx2};
static const struct isa_kernels isa_avx512 = {load_avx512, {copy_avx512, copy_avx512_nt},
                                              {triad_avx512, triad_avx512_nt}, peak32_avx512,
                                              peak64_avx512};

/* ---- running them ----------------------------------------------------------- */

/* Thread t's share of the line-steps: whole sweeps of its arrays, then the
 * first lines once more; streaming stores fenced before the thread is done. */
static void sweep_thread(struct ceilings_problem *p, const struct ceilings_placement *pl,
                         enum ceilings_kind kind, bool streaming, const struct isa_kernels *isa,
                         int t, int threads)
{
    size_t steps = ceilings_share(pl->steps, t, threads);
    size_t sweeps = steps / pl->lines, rest = steps % pl->lines;
    size_t array = (pl->lines + CEILINGS_PAD_LINES) * LINE;
    const double *in = p->in + (size_t)t * pl->in_stride * LINE;
    double *out = p->out + (CEILINGS_OUTPUT_SKEW_LINES + (size_t)t * pl->out_stride) * LINE;
    switch (kind) {
    case CEILINGS_LOAD:
        p->sums[t].value = isa->load(in, pl->lines, sweeps) + isa->load(in, rest, 1);
        break;
    case CEILINGS_COPY:
        isa->copy[streaming](in, out, pl->lines, sweeps);
        isa->copy[streaming](in, out, rest, 1);
        break;
    case CEILINGS_TRIAD:
        isa->triad[streaming](in, in + array, in + 2 * array, out, pl->lines, sweeps);
        isa->triad[streaming](in, in + array, in + 2 * array, out, rest, 1);
        break;
    default:
        break;
    }
    if (streaming)
        _mm_sfence();
}

static int run_bandwidth(void *problem, const struct sl_exec *ex, enum ceilings_kind kind,
                         enum ceilings_level level, const struct isa_kernels *isa)
{
    struct ceilings_problem *p = problem;
    struct ceilings_placement pl;
    if (ceilings_place(p, kind, level, ex->threads, &pl) != 0)
        return -1;
    p->last.kind = kind;
    p->last.level = level;
    p->last.threads = ex->threads;
    /* Past the caches at dram: likwid-bench's *_mem kernels do the same. */
    bool streaming = level == CEILINGS_DRAM && kind != CEILINGS_LOAD;
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        sweep_thread(p, &pl, kind, streaming, isa, omp_get_thread_num(), omp_get_num_threads());
        sl_worker_end(ex);
    }
    return 0;
}

static int run_peak(void *problem, const struct sl_exec *ex, enum ceilings_kind kind, int lanes,
                    const struct isa_kernels *isa)
{
    struct ceilings_problem *p = problem;
    if (ex->threads > p->threads)
        return sl_fail("ceilings: %d threads, but the problem was set up for at most %d",
                       ex->threads, p->threads);
    p->last.kind = kind;
    p->last.lanes = lanes;
    p->last.threads = ex->threads;
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        int t = omp_get_thread_num();
        size_t steps = ceilings_share(p->size.steps, t, omp_get_num_threads());
        size_t at = (size_t)t * CEILINGS_ACCUMULATORS * CEILINGS_MAX_LANES;
        if (kind == CEILINGS_PEAK_FP32)
            isa->peak32(p->start32 + at, (float)p->fma_scale, (float)p->fma_step, steps,
                        p->end32 + at);
        else
            isa->peak64(p->start64 + at, p->fma_scale, p->fma_step, steps, p->end64 + at);
        sl_worker_end(ex);
    }
    return 0;
}

/* ---- the table ----------------------------------------------------------------
 * One row per kind, level and ISA, generated: X(kind, level, simd). */

#define FOR_ISAS(X, kind, level) X(kind, level, scalar) X(kind, level, avx2) X(kind, level, avx512)
#define FOR_LEVELS(X, kind)                                                                      \
    FOR_ISAS(X, kind, l1) FOR_ISAS(X, kind, l2) FOR_ISAS(X, kind, l3) FOR_ISAS(X, kind, dram)
#define BANDWIDTH_VARIANTS(X) FOR_LEVELS(X, load) FOR_LEVELS(X, copy) FOR_LEVELS(X, triad)
/* X(precision, simd, lanes) */
#define PEAK_VARIANTS(X)                                                                         \
    X(fp32, scalar, 1) X(fp32, avx2, 8) X(fp32, avx512, 16) X(fp64, scalar, 1) X(fp64, avx2, 4)  \
        X(fp64, avx512, 8)

#define KIND_load CEILINGS_LOAD
#define KIND_copy CEILINGS_COPY
#define KIND_triad CEILINGS_TRIAD
#define KIND_fp32 CEILINGS_PEAK_FP32
#define KIND_fp64 CEILINGS_PEAK_FP64
#define LEVEL_l1 CEILINGS_L1
#define LEVEL_l2 CEILINGS_L2
#define LEVEL_l3 CEILINGS_L3
#define LEVEL_dram CEILINGS_DRAM

#define NEEDS_load_scalar 0
#define NEEDS_load_avx2 SL_ISA_AVX2
#define NEEDS_load_avx512 SL_ISA_AVX512F
#define NEEDS_copy_scalar 0
#define NEEDS_copy_avx2 SL_ISA_AVX2
#define NEEDS_copy_avx512 SL_ISA_AVX512F
#define NEEDS_triad_scalar 0
#define NEEDS_triad_avx2 (SL_ISA_AVX2 | SL_ISA_FMA)
#define NEEDS_triad_avx512 SL_ISA_AVX512F
#define NEEDS_PEAK_scalar SL_ISA_FMA
#define NEEDS_PEAK_avx2 (SL_ISA_AVX2 | SL_ISA_FMA)
#define NEEDS_PEAK_avx512 SL_ISA_AVX512F

#define TEXT_load "s += x[i], 8 sums (8 bytes per element, 1 flop)"
#define TEXT_copy "y[i] = x[i] (16 bytes per element; non-temporal stores at dram)"
#define TEXT_triad \
    "a[i] = b[i] * c[i] + d[i] (32 bytes per element, 2 flops; non-temporal stores at dram)"
#define TEXT_l1 "half a thread's share of L1d"
#define TEXT_l2 "half a thread's share of L2"
#define TEXT_l3 "4 x a thread's L2, within half its share of L3"
#define TEXT_dram "4 x the last-level caches, shared out among the threads"

#define RUN_BANDWIDTH(kind, level, simd)                                                          \
    static int run_##kind##_##level##_##simd(void *problem, const struct sl_exec *ex)            \
    {                                                                                            \
        return run_bandwidth(problem, ex, KIND_##kind, LEVEL_##level, &isa_##simd);               \
    }
BANDWIDTH_VARIANTS(RUN_BANDWIDTH)

#define RUN_PEAK(precision, simd, lanes)                                                          \
    static int run_peak_##precision##_##simd(void *problem, const struct sl_exec *ex)            \
    {                                                                                            \
        return run_peak(problem, ex, KIND_##precision, lanes, &isa_##simd);                       \
    }
PEAK_VARIANTS(RUN_PEAK)

/* One work model per kind and level (the ISAs share it), one per lane count. */
#define WORK_BANDWIDTH(kind, level)                                                              \
    static void work_##kind##_##level(const void *problem, struct sl_work *w)                   \
    {                                                                                            \
        ceilings_work_bandwidth(problem, KIND_##kind, LEVEL_##level, w);                         \
    }
#define WORK_LEVELS(kind)                                                                        \
    WORK_BANDWIDTH(kind, l1) WORK_BANDWIDTH(kind, l2) WORK_BANDWIDTH(kind, l3)                   \
        WORK_BANDWIDTH(kind, dram)
WORK_LEVELS(load)
WORK_LEVELS(copy)
WORK_LEVELS(triad)

#define WORK_PEAK(lanes)                                                                         \
    static void work_peak_##lanes(const void *problem, struct sl_work *w)                       \
    {                                                                                            \
        ceilings_work_peak(problem, lanes, w);                                                   \
    }
WORK_PEAK(1)
WORK_PEAK(4)
WORK_PEAK(8)
WORK_PEAK(16)

#define STATIC_ONLY SL_SCHED_BIT(SL_SCHED_STATIC)

#define ROW_BANDWIDTH(kind, level, simd)                                                          \
    {.name = #kind "_" #level "_" #simd,                                                          \
     .axes = {.layout = #level, .isa = #simd, .algorithm = #kind},                                \
     .schedules = STATIC_ONLY,                                                                   \
     .requires = NEEDS_##kind##_##simd,                                                           \
     .summary = TEXT_##kind "; working set " TEXT_##level,                                       \
     .run = run_##kind##_##level##_##simd,                                                        \
     .work = work_##kind##_##level},
#define ROW_PEAK(precision, simd, lanes)                                                          \
    {.name = "peak_" #precision "_" #simd,                                                        \
     .axes = {.isa = #simd, .algorithm = "peak_" #precision},                                     \
     .schedules = STATIC_ONLY,                                                                   \
     .requires = NEEDS_PEAK_##simd,                                                               \
     .summary = "12 independent " #precision " FMA chains of " #lanes " lanes per thread "       \
                "(an element is one lane's FMA, 2 flops)",                                       \
     .run = run_peak_##precision##_##simd,                                                        \
     .work = work_peak_##lanes},

const struct sl_variant ceilings_variants[] = {
    BANDWIDTH_VARIANTS(ROW_BANDWIDTH) PEAK_VARIANTS(ROW_PEAK){0},
};

#define SPEC_BANDWIDTH(kind, level, simd) {KIND_##kind, LEVEL_##level, 0},
#define SPEC_PEAK(precision, simd, lanes) {KIND_##precision, CEILINGS_L1, lanes},
const struct ceilings_variant_spec ceilings_specs[] = {
    BANDWIDTH_VARIANTS(SPEC_BANDWIDTH) PEAK_VARIANTS(SPEC_PEAK)};
