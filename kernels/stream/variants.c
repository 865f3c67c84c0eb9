/* stream variants and the table that registers them.  Each runs one kernel
 * over the array, every thread on its static share of whole cache lines
 * (stream_partition, the same split that placed the pages). */
#include "stream.h"

#include <immintrin.h>
#include <omp.h>

/* Both compilers turn a plain copy loop into a call to memcpy, and glibc's
 * memcpy switches to non-temporal stores for large copies, which would make
 * copy a different kind of kernel from the other three.  Keep the loop. */
#if defined(__clang__)
#define KEEP_LOOP __attribute__((no_builtin("memcpy")))
#elif defined(__GNUC__)
#define KEEP_LOOP __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define KEEP_LOOP
#endif

typedef void (*range_fn)(const struct stream_problem *p, size_t begin, size_t end);

static int run_kernel(void *problem, const struct sl_exec *ex, enum stream_kernel kernel,
                      range_fn range)
{
    struct stream_problem *p = problem;
    p->last = kernel;
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        size_t begin, end;
        stream_partition(p->n, omp_get_thread_num(), omp_get_num_threads(), &begin, &end);
        range(p, begin, end);
        sl_worker_end(ex);
    }
    return 0;
}

/* ---- plain loops: the compiler vectorises them for the baseline ISA ------ */

KEEP_LOOP static void copy_range(const struct stream_problem *p, size_t begin, size_t end)
{
    const double *restrict a = p->a;
    double *restrict c = p->c;
    for (size_t i = begin; i < end; i++)
        c[i] = a[i];
}

static void scale_range(const struct stream_problem *p, size_t begin, size_t end)
{
    const double *restrict a = p->a;
    double *restrict c = p->c;
    for (size_t i = begin; i < end; i++)
        c[i] = STREAM_SCALAR * a[i];
}

static void add_range(const struct stream_problem *p, size_t begin, size_t end)
{
    const double *restrict a = p->a, *restrict b = p->b;
    double *restrict c = p->c;
    for (size_t i = begin; i < end; i++)
        c[i] = a[i] + b[i];
}

static void triad_range(const struct stream_problem *p, size_t begin, size_t end)
{
    const double *restrict a = p->a, *restrict b = p->b;
    double *restrict c = p->c;
    for (size_t i = begin; i < end; i++)
        c[i] = a[i] + STREAM_SCALAR * b[i];
}

/* ---- triad in intrinsics --------------------------------------------------- */

/* Two vectors per step: two independent load-FMA-store chains. */
__attribute__((target("avx2,fma"))) static void triad_avx2_range(const struct stream_problem *p,
                                                                 size_t begin, size_t end)
{
    const double *a = p->a, *b = p->b;
    double *c = p->c;
    const __m256d s = _mm256_set1_pd(STREAM_SCALAR);
    size_t i = begin;
    for (; i + 8 <= end; i += 8) {
        _mm256_storeu_pd(c + i, _mm256_fmadd_pd(s, _mm256_loadu_pd(b + i), _mm256_loadu_pd(a + i)));
        _mm256_storeu_pd(c + i + 4,
                         _mm256_fmadd_pd(s, _mm256_loadu_pd(b + i + 4), _mm256_loadu_pd(a + i + 4)));
    }
    for (; i < end; i++)
        c[i] = a[i] + STREAM_SCALAR * b[i];
}

/* One cache line per step; the tail (last share only) through a mask. */
__attribute__((target("avx512f"))) static void triad_avx512_range(const struct stream_problem *p,
                                                                  size_t begin, size_t end)
{
    const double *a = p->a, *b = p->b;
    double *c = p->c;
    const __m512d s = _mm512_set1_pd(STREAM_SCALAR);
    size_t i = begin;
    for (; i + 8 <= end; i += 8)
        _mm512_storeu_pd(c + i, _mm512_fmadd_pd(s, _mm512_loadu_pd(b + i), _mm512_loadu_pd(a + i)));
    if (i < end) {
        __mmask8 m = (__mmask8)((1u << (end - i)) - 1);
        _mm512_mask_storeu_pd(c + i, m,
                              _mm512_fmadd_pd(s, _mm512_maskz_loadu_pd(m, b + i),
                                              _mm512_maskz_loadu_pd(m, a + i)));
    }
}

/* Non-temporal stores write whole lines past the cache: no read for
 * ownership of c.  Shares start on a cache line (stream_partition) of a
 * 64-byte aligned array, as _mm512_stream_pd requires; the fence makes the
 * stores visible before the worker reports done. */
__attribute__((target("avx512f"))) static void triad_avx512_nt_range(const struct stream_problem *p,
                                                                     size_t begin, size_t end)
{
    const double *a = p->a, *b = p->b;
    double *c = p->c;
    const __m512d s = _mm512_set1_pd(STREAM_SCALAR);
    size_t i = begin;
    for (; i + 8 <= end; i += 8)
        _mm512_stream_pd(c + i, _mm512_fmadd_pd(s, _mm512_load_pd(b + i), _mm512_load_pd(a + i)));
    for (; i < end; i++)
        c[i] = a[i] + STREAM_SCALAR * b[i];
    _mm_sfence();
}

static int run_copy(void *problem, const struct sl_exec *ex)
{
    return run_kernel(problem, ex, STREAM_COPY, copy_range);
}

static int run_scale(void *problem, const struct sl_exec *ex)
{
    return run_kernel(problem, ex, STREAM_SCALE, scale_range);
}

static int run_add(void *problem, const struct sl_exec *ex)
{
    return run_kernel(problem, ex, STREAM_ADD, add_range);
}

static int run_triad(void *problem, const struct sl_exec *ex)
{
    return run_kernel(problem, ex, STREAM_TRIAD, triad_range);
}

static int run_triad_avx2(void *problem, const struct sl_exec *ex)
{
    return run_kernel(problem, ex, STREAM_TRIAD, triad_avx2_range);
}

static int run_triad_avx512(void *problem, const struct sl_exec *ex)
{
    return run_kernel(problem, ex, STREAM_TRIAD, triad_avx512_range);
}

static int run_triad_avx512_nt(void *problem, const struct sl_exec *ex)
{
    return run_kernel(problem, ex, STREAM_TRIAD, triad_avx512_nt_range);
}

#define STATIC_ONLY SL_SCHED_BIT(SL_SCHED_STATIC)

const struct sl_variant stream_variants[] = {
    {.name = "copy",
     .axes = {.isa = "scalar", .algorithm = "copy"},
     .schedules = STATIC_ONLY,
     .summary = "c = a, plain loop (16 bytes per element)",
     .run = run_copy,
     .work = stream_work_copy},
    {.name = "scale",
     .axes = {.isa = "scalar", .algorithm = "scale"},
     .schedules = STATIC_ONLY,
     .summary = "c = 3 a, plain loop (16 bytes per element)",
     .run = run_scale,
     .work = stream_work_scale},
    {.name = "add",
     .axes = {.isa = "scalar", .algorithm = "add"},
     .schedules = STATIC_ONLY,
     .summary = "c = a + b, plain loop (24 bytes per element)",
     .run = run_add,
     .work = stream_work_add},
    {.name = "triad",
     .axes = {.isa = "scalar", .algorithm = "triad"},
     .schedules = STATIC_ONLY,
     .summary = "c = a + 3 b, plain loop (24 bytes per element)",
     .run = run_triad,
     .work = stream_work_triad},
    {.name = "triad_avx2",
     .axes = {.isa = "avx2", .algorithm = "triad"},
     .schedules = STATIC_ONLY,
     .requires = SL_ISA_AVX2 | SL_ISA_FMA,
     .summary = "triad in AVX2 FMA intrinsics, 2 x 4 doubles per step",
     .run = run_triad_avx2,
     .work = stream_work_triad},
    {.name = "triad_avx512",
     .axes = {.isa = "avx512", .algorithm = "triad"},
     .schedules = STATIC_ONLY,
     .requires = SL_ISA_AVX512F,
     .summary = "triad in AVX-512 FMA intrinsics, one cache line per step, masked tail",
     .run = run_triad_avx512,
     .work = stream_work_triad},
    {.name = "triad_avx512_nt",
     .axes = {.loops = "nontemporal", .isa = "avx512", .algorithm = "triad"},
     .schedules = STATIC_ONLY,
     .requires = SL_ISA_AVX512F,
     .summary = "AVX-512 triad with non-temporal (streaming) stores: no read for ownership of c",
     .run = run_triad_avx512_nt,
     .work = stream_work_triad},
    {0},
};
