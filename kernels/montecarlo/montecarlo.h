/* montecarlo — Monte Carlo estimate of pi (SPEC 1.5; the parallel-computing
 * notes' P2: 10 x 10^7 samples).
 *
 * Reference loop, N samples:
 *
 *     hits = 0
 *     for s in 0 .. N-1:
 *         x = u(next()), y = u(next())      two 64-bit randoms -> [0, 1)
 *         if x*x + y*y < 1: hits += 1
 *     pi_hat = 4 * hits / N
 *
 * u(r) = (r >> 38) * 2^-26: the top 26 bits.  With 26-bit coordinates
 * x*x + y*y is exact in double (a sum of two squares below 2^53, scaled),
 * so every implementation, fused multiply-add or not, in any lane order,
 * makes the same decision for the same randoms.  The grid of 2^26 x 2^26
 * points biases pi_hat by about 4 / 2^26 = 6e-8 (the grid points on the two
 * axes), 1/2700 of the standard error at 10^8 samples.
 *
 * Validation is statistical: |pi_hat - pi| <= 5 SE, SE = 4 sqrt(p(1-p)/N),
 * p = pi/4.  Variants differ in where the randoms come from: one generator
 * shared by all threads (a lock, or an atomic counter), independent streams,
 * or a generator of 8 lanes in SIMD registers.  Figure of merit: samples/s.
 */
#ifndef SL_MONTECARLO_H
#define SL_MONTECARLO_H

#include "kit/sl.h"

#include <stddef.h>
#include <stdint.h>

/* Validation: within this many standard errors of pi (a false alarm with
 * probability 5.7e-7 per check). */
#define MC_SE_LIMIT 5.0
/* Samples per independent stream (sl_rng_stream(seed, block)): the streams
 * variants deal blocks to threads, so their result does not depend on the
 * thread count. */
#define MC_BLOCK 16384
/* Lanes of the vector generator: 8 x 64 bits, one AVX-512 register or two
 * AVX2 registers; the portable model computes the same lanes. */
#define MC_LANES 8
/* splitmix64's increment (sl_rng_next): its state is a counter, so one
 * atomic add of 2 * MC_SPLITMIX_GAMMA claims the next two draws. */
#define MC_SPLITMIX_GAMMA 0x9e3779b97f4a7c15ull

struct montecarlo_problem {
    uint64_t samples;
    uint64_t seed;
    int64_t hits;  /* the variant's result; -1 until written */
    int64_t drawn; /* samples the variant drew; -1 until written */
    char size_name[48];
    char source[256];
};

static inline double mc_coordinate(uint64_t r)
{
    return (double)(r >> 38) * 0x1p-26;
}

static inline int mc_hit(uint64_t rx, uint64_t ry)
{
    double x = mc_coordinate(rx), y = mc_coordinate(ry);
    return x * x + y * y < 1.0;
}

/* ---- generators (generators.c) ---------------------------------------- */

/* Hits among the first `count` (<= MC_BLOCK) samples of block `block`:
 * splitmix64 from sl_rng_stream(seed, block), x then y. */
uint64_t mc_block_hits_splitmix(uint64_t seed, uint64_t block, uint64_t count);

/* The lane generator: MC_LANES independent xoshiro256+ states, lane l
 * seeded with four draws of splitmix64 from sl_rng_stream(seed, block).
 * One step advances every lane and yields MC_LANES randoms.  Sample
 * 8k + l of a block takes x from lane l of step 2k and y from lane l of
 * step 2k + 1 (a partial last group uses its first lanes). */
struct mc_lanes {
    uint64_t s[4][MC_LANES];
};
void mc_lanes_seed(struct mc_lanes *g, uint64_t seed, uint64_t block);

/* steps x MC_LANES randoms of block `block`, step-major (out[MC_LANES * k + l]),
 * from each implementation; the SIMD ones need their ISA (sl_isa_missing). */
void mc_lanes_fill_portable(uint64_t seed, uint64_t block, uint64_t *out, size_t steps);
void mc_lanes_fill_avx2(uint64_t seed, uint64_t block, uint64_t *out, size_t steps);
void mc_lanes_fill_avx512(uint64_t seed, uint64_t block, uint64_t *out, size_t steps);

/* Hits among the first `count` samples of block `block` from the lane
 * generator; the three give the same count. */
uint64_t mc_block_hits_portable(uint64_t seed, uint64_t block, uint64_t count);
uint64_t mc_block_hits_avx2(uint64_t seed, uint64_t block, uint64_t count);
uint64_t mc_block_hits_avx512(uint64_t seed, uint64_t block, uint64_t count);

/* ---- problem (montecarlo.c) -------------------------------------------- */

/* The standard error of pi_hat at N samples. */
double mc_standard_error(uint64_t samples);
void montecarlo_work(const void *problem, struct sl_work *w);

/* The variant table (variants.c), terminated by an entry without a name. */
extern const struct sl_variant montecarlo_variants[];
extern const struct sl_workload montecarlo_workload;

#endif
