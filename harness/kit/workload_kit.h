/* What every workload needs and none should write again: a seeded,
 * splittable random generator, size parsing with presets, and a memory
 * check before allocating. */
#ifndef SL_WORKLOAD_KIT_H
#define SL_WORKLOAD_KIT_H

#include "kit/sl.h"

#include <stddef.h>
#include <stdint.h>

/* splitmix64: fast, and every 64-bit seed gives a full-period stream. */
static inline uint64_t sl_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1], 53 random bits. */
static inline double sl_rng_uniform01(uint64_t *state)
{
    return ((double)(sl_rng_next(state) >> 11) + 1.0) * 0x1.0p-53;
}

/* The start of stream `index` of a seed: data generated per row or per
 * block from its own stream does not depend on thread count or order. */
static inline uint64_t sl_rng_stream(uint64_t seed, uint64_t index)
{
    return seed ^ (0xd1b54a32d192ed03ull * (index + 1));
}

/* Two independent N(0,1) draws (Box-Muller). */
void sl_rng_normal_pair(uint64_t *state, double out[2]);

/* Parses a preset name or "AxBxC" with exactly n_dims positive integers
 * (each <= max_dim) into dims; on error one line naming the workload, the
 * syntax and the presets. */
int sl_parse_dims(const char *workload, const char *text, const struct sl_preset *presets,
                  const char *syntax, size_t *dims, int n_dims, size_t max_dim);

/* Refuses (one line, -1) when `bytes` exceed 80 % of the memory available
 * now; `what` says what needs it. */
int sl_check_memory(const char *workload, const char *size, double bytes, const char *what);

#endif
