/* montecarlo variants and the table that registers them. */
#include "montecarlo.h"
#include "kit/workload_kit.h"

#include <omp.h>

/* ---- one generator shared by every thread -------------------------------- */

/* One splitmix64 state behind a lock, two draws (x, y) per acquisition:
 * right but serial, and the lock's cache line moves between cores on every
 * sample.  The samples are the first N pairs of the seed's stream whichever
 * thread draws them, so the hit count does not depend on the interleaving. */
static int run_shared_generator(void *problem, const struct sl_exec *ex)
{
    struct montecarlo_problem *p = problem;
    uint64_t samples = p->samples, state = p->seed, hits = 0, drawn = 0;
#pragma omp parallel num_threads(ex->threads) reduction(+ : hits, drawn)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(static) nowait
        for (uint64_t s = 0; s < samples; s++) {
            uint64_t rx, ry;
#pragma omp critical(montecarlo_shared_generator)
            {
                rx = sl_rng_next(&state);
                ry = sl_rng_next(&state);
            }
            hits += (uint64_t)mc_hit(rx, ry);
            drawn++;
        }
        sl_worker_end(ex);
    }
    p->hits = (int64_t)hits;
    p->drawn = (int64_t)drawn;
    return 0;
}

/* The same generator without a lock: splitmix64's state is a counter, so
 * one atomic fetch-and-add of two increments claims a sample's two draws,
 * which are then mixed privately.  Lock-free, but every sample still
 * writes the one shared cache line.  Same samples, same count as above. */
static int run_shared_atomic(void *problem, const struct sl_exec *ex)
{
    struct montecarlo_problem *p = problem;
    uint64_t samples = p->samples, state = p->seed, hits = 0, drawn = 0;
#pragma omp parallel num_threads(ex->threads) reduction(+ : hits, drawn)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(static) nowait
        for (uint64_t s = 0; s < samples; s++) {
            uint64_t mine;
#pragma omp atomic capture
            {
                mine = state;
                state += 2 * MC_SPLITMIX_GAMMA;
            }
            uint64_t rx = sl_rng_next(&mine);
            uint64_t ry = sl_rng_next(&mine);
            hits += (uint64_t)mc_hit(rx, ry);
            drawn++;
        }
        sl_worker_end(ex);
    }
    p->hits = (int64_t)hits;
    p->drawn = (int64_t)drawn;
    return 0;
}

/* ---- independent streams, one per block of MC_BLOCK samples -------------- */

typedef uint64_t (*block_hits_fn)(uint64_t seed, uint64_t block, uint64_t count);

/* Blocks dealt statically to the threads, counts kept privately and added
 * at the end (reduction): no shared state while sampling.  Block b always
 * draws from its own stream, so the count does not depend on the number of
 * threads. */
static int run_blocks(struct montecarlo_problem *p, const struct sl_exec *ex,
                      block_hits_fn block_hits)
{
    uint64_t samples = p->samples, seed = p->seed, hits = 0, drawn = 0;
    uint64_t blocks = (samples + MC_BLOCK - 1) / MC_BLOCK;
#pragma omp parallel num_threads(ex->threads) reduction(+ : hits, drawn)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(static) nowait
        for (uint64_t b = 0; b < blocks; b++) {
            uint64_t first = b * MC_BLOCK;
            uint64_t count = samples - first < MC_BLOCK ? samples - first : MC_BLOCK;
            hits += block_hits(seed, b, count);
            drawn += count;
        }
        sl_worker_end(ex);
    }
    p->hits = (int64_t)hits;
    p->drawn = (int64_t)drawn;
    return 0;
}

static int run_per_thread_streams(void *problem, const struct sl_exec *ex)
{
    return run_blocks(problem, ex, mc_block_hits_splitmix);
}

static int run_vectorised_scalar(void *problem, const struct sl_exec *ex)
{
    return run_blocks(problem, ex, mc_block_hits_portable);
}

static int run_vectorised_avx2(void *problem, const struct sl_exec *ex)
{
    return run_blocks(problem, ex, mc_block_hits_avx2);
}

static int run_vectorised_avx512(void *problem, const struct sl_exec *ex)
{
    return run_blocks(problem, ex, mc_block_hits_avx512);
}

/* ---- the table -------------------------------------------------------- */

const struct sl_variant montecarlo_variants[] = {
    {.name = "shared_generator",
     .axes = {.isa = "scalar", .algorithm = "lock"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC),
     .summary = "one splitmix64 state for all threads, omp critical around each sample's draws",
     .run = run_shared_generator,
     .work = montecarlo_work},
    {.name = "shared_atomic",
     .axes = {.isa = "scalar", .algorithm = "atomic"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC),
     .summary = "one splitmix64 counter for all threads, claimed by an atomic add per sample",
     .run = run_shared_atomic,
     .work = montecarlo_work},
    {.name = "per_thread_streams",
     .axes = {.isa = "scalar", .algorithm = "streams"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC),
     .summary = "independent splitmix64 streams per block of 16384 samples, private counts",
     .run = run_per_thread_streams,
     .work = montecarlo_work},
    {.name = "vectorised_scalar",
     .axes = {.isa = "scalar", .algorithm = "lanes"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC),
     .summary = "8 xoshiro256+ lanes per stream in portable C, vectorised by the compiler",
     .run = run_vectorised_scalar,
     .work = montecarlo_work},
    {.name = "vectorised_avx2",
     .axes = {.isa = "avx2", .algorithm = "lanes"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC),
     .requires = SL_ISA_AVX2,
     .summary = "the 8 lanes in two AVX2 registers per state word, test and count in SIMD",
     .run = run_vectorised_avx2,
     .work = montecarlo_work},
    {.name = "vectorised_avx512",
     .axes = {.isa = "avx512", .algorithm = "lanes"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC),
     .requires = SL_ISA_AVX512F,
     .summary = "the 8 lanes in one AVX-512F register per state word, mask-register counts",
     .run = run_vectorised_avx512,
     .work = montecarlo_work},
    {0},
};
