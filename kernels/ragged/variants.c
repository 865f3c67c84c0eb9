/* ragged variants and the table that registers them.  Every variant sums
 * whole rows in parallel over the rows (schedule(runtime): static, dynamic
 * or guided), each thread into its own int64, then adds that to the total
 * once. */
#include "ragged.h"

#include <immintrin.h>
#include <omp.h>

/* The plain loop: the compiler vectorises the widening sum for the
 * baseline ISA (SSE2: sign words from a compare, unpack, 64-bit adds). */
static inline int64_t sum_row(const int32_t *row, size_t length)
{
    int64_t sum = 0;
    for (size_t k = 0; k < length; k++)
        sum += row[k];
    return sum;
}

/* Explicit AVX2: vpmovsxdq widens four entries straight from memory into
 * 64-bit lanes; four accumulators (16 entries per step) hide the add
 * latency. */
__attribute__((target("avx2"))) static inline int64_t sum_row_avx2(const int32_t *row,
                                                                   size_t length)
{
    __m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    size_t k = 0;
    for (; k + 16 <= length; k += 16) {
        acc0 = _mm256_add_epi64(acc0, _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(row + k))));
        acc1 = _mm256_add_epi64(acc1, _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(row + k + 4))));
        acc2 = _mm256_add_epi64(acc2, _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(row + k + 8))));
        acc3 = _mm256_add_epi64(acc3, _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(row + k + 12))));
    }
    for (; k + 4 <= length; k += 4)
        acc0 = _mm256_add_epi64(acc0, _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(row + k))));
    __m256i acc = _mm256_add_epi64(_mm256_add_epi64(acc0, acc1), _mm256_add_epi64(acc2, acc3));
    __m128i half = _mm_add_epi64(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    int64_t sum = _mm_cvtsi128_si64(half) + _mm_extract_epi64(half, 1);
    for (; k < length; k++)
        sum += row[k];
    return sum;
}

static int run_pointer_per_row(void *problem, const struct sl_exec *ex)
{
    struct ragged_problem *p = problem;
    int64_t total = 0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        int64_t mine = 0;
#pragma omp for schedule(runtime) nowait
        for (size_t i = 0; i < p->n; i++)
            mine += sum_row(p->rows[i], p->row_length[i]);
#pragma omp atomic
        total += mine;
        sl_worker_end(ex);
    }
    p->result = total;
    return 0;
}

static int run_contiguous(void *problem, const struct sl_exec *ex)
{
    struct ragged_problem *p = problem;
    int64_t total = 0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        int64_t mine = 0;
#pragma omp for schedule(runtime) nowait
        for (size_t i = 0; i < p->n; i++)
            mine += sum_row(p->flat + p->offsets[i], p->offsets[i + 1] - p->offsets[i]);
#pragma omp atomic
        total += mine;
        sl_worker_end(ex);
    }
    p->result = total;
    return 0;
}

__attribute__((target("avx2"))) static void sum_rows_avx2(const struct ragged_problem *p,
                                                          int64_t *total)
{
    int64_t mine = 0;
#pragma omp for schedule(runtime) nowait
    for (size_t i = 0; i < p->n; i++)
        mine += sum_row_avx2(p->flat + p->offsets[i], p->offsets[i + 1] - p->offsets[i]);
#pragma omp atomic
    *total += mine;
}

static int run_contiguous_avx2(void *problem, const struct sl_exec *ex)
{
    struct ragged_problem *p = problem;
    int64_t total = 0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        sum_rows_avx2(p, &total);
        sl_worker_end(ex);
    }
    p->result = total;
    return 0;
}

/* Entries, plus what locates each row: a pointer and a length per row, or
 * two offsets per row (read once each, shared with the neighbour). */
static void work_pointer_per_row(const void *problem, struct sl_work *w)
{
    const struct ragged_problem *p = problem;
    double n = (double)p->n;
    w->units = n * n;
    w->flops = 0; /* integer adds */
    w->bytes = 4.0 * n * n + 16.0 * n;
}

static void work_contiguous(const void *problem, struct sl_work *w)
{
    const struct ragged_problem *p = problem;
    double n = (double)p->n;
    w->units = n * n;
    w->flops = 0;
    w->bytes = 4.0 * n * n + 8.0 * (n + 1);
}

const struct sl_variant ragged_variants[] = {
    {.name = "pointer_per_row",
     .axes = {.layout = "pointers", .isa = "scalar"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "a list of lists: one allocation per row (shuffled in memory), reached by pointer",
     .run = run_pointer_per_row,
     .work = work_pointer_per_row},
    {.name = "contiguous",
     .axes = {.layout = "contiguous", .isa = "scalar"},
     .schedules = SL_SCHEDS_OUTER,
     .summary = "one buffer with row offsets (CSR-like), the same plain row loop",
     .run = run_contiguous,
     .work = work_contiguous},
    {.name = "contiguous_avx2",
     .axes = {.layout = "contiguous", .isa = "avx2"},
     .schedules = SL_SCHEDS_OUTER,
     .requires = SL_ISA_AVX2,
     .summary = "contiguous rows, explicit AVX2 widening sum (vpmovsxdq, 4 accumulators)",
     .run = run_contiguous_avx2,
     .work = work_contiguous},
    {0},
};
