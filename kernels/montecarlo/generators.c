/* montecarlo generators: per-block splitmix64 streams, and the 8-lane
 * xoshiro256+ generator in portable C, AVX2 and AVX-512F.  The three lane
 * implementations produce the same randoms and the same hit counts (see
 * montecarlo.h for the definition they share). */
#include "montecarlo.h"
#include "kit/workload_kit.h"

#include <immintrin.h>
#include <string.h>

/* u(r) through the bits of a double: the top 26 bits of r become the top of
 * the mantissa of a number in [1, 2), and 1 is subtracted.  Exactly
 * mc_coordinate(r), in operations every vector ISA has (no 64-bit integer
 * to double conversion before AVX-512DQ). */
#define MC_MANTISSA_TOP26 0x000FFFFFFC000000ull
#define MC_ONE_BITS 0x3FF0000000000000ull

uint64_t mc_block_hits_splitmix(uint64_t seed, uint64_t block, uint64_t count)
{
    uint64_t state = sl_rng_stream(seed, block), hits = 0;
    for (uint64_t s = 0; s < count; s++) {
        uint64_t rx = sl_rng_next(&state);
        uint64_t ry = sl_rng_next(&state);
        hits += (uint64_t)mc_hit(rx, ry);
    }
    return hits;
}

void mc_lanes_seed(struct mc_lanes *g, uint64_t seed, uint64_t block)
{
    uint64_t state = sl_rng_stream(seed, block);
    for (int l = 0; l < MC_LANES; l++)
        for (int w = 0; w < 4; w++)
            g->s[w][l] = sl_rng_next(&state);
}

/* ---- portable: plain C over the lanes, vectorised by the compiler ------- */

/* One xoshiro256+ step of one lane. */
static inline uint64_t xoshiro_next(uint64_t *s0, uint64_t *s1, uint64_t *s2, uint64_t *s3)
{
    uint64_t result = *s0 + *s3, t = *s1 << 17;
    *s2 ^= *s0;
    *s3 ^= *s1;
    *s1 ^= *s2;
    *s0 ^= *s3;
    *s2 ^= t;
    *s3 = (*s3 << 45) | (*s3 >> 19);
    return result;
}

static inline double unit_portable(uint64_t r)
{
    uint64_t bits = ((r >> 12) & MC_MANTISSA_TOP26) | MC_ONE_BITS;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d - 1.0;
}

void mc_lanes_fill_portable(uint64_t seed, uint64_t block, uint64_t *out, size_t steps)
{
    struct mc_lanes g;
    mc_lanes_seed(&g, seed, block);
    for (size_t k = 0; k < steps; k++)
        for (int l = 0; l < MC_LANES; l++)
            out[(size_t)MC_LANES * k + (size_t)l] =
                xoshiro_next(&g.s[0][l], &g.s[1][l], &g.s[2][l], &g.s[3][l]);
}

/* The inner loop runs across the lanes, which are independent, so GCC and
 * clang turn it into SSE2 code at the baseline ISA.  Counts are doubles
 * (exact far beyond MC_BLOCK): a compare's mask ANDed with 1.0 is SSE2,
 * a 64-bit integer from a double compare is not, and the loop would stay
 * scalar. */
uint64_t mc_block_hits_portable(uint64_t seed, uint64_t block, uint64_t count)
{
    struct mc_lanes g;
    mc_lanes_seed(&g, seed, block);
    double lane_hits[MC_LANES] = {0};
    uint64_t groups = count / MC_LANES, rest = count % MC_LANES;
    for (uint64_t k = 0; k < groups; k++)
        for (int l = 0; l < MC_LANES; l++) {
            uint64_t s0 = g.s[0][l], s1 = g.s[1][l], s2 = g.s[2][l], s3 = g.s[3][l];
            double x = unit_portable(xoshiro_next(&s0, &s1, &s2, &s3));
            double y = unit_portable(xoshiro_next(&s0, &s1, &s2, &s3));
            g.s[0][l] = s0;
            g.s[1][l] = s1;
            g.s[2][l] = s2;
            g.s[3][l] = s3;
            lane_hits[l] += x * x + y * y < 1.0 ? 1.0 : 0.0;
        }
    uint64_t hits = 0;
    for (int l = 0; l < MC_LANES; l++)
        hits += (uint64_t)lane_hits[l];
    for (uint64_t l = 0; l < rest; l++) {
        uint64_t rx = xoshiro_next(&g.s[0][l], &g.s[1][l], &g.s[2][l], &g.s[3][l]);
        uint64_t ry = xoshiro_next(&g.s[0][l], &g.s[1][l], &g.s[2][l], &g.s[3][l]);
        hits += (uint64_t)mc_hit(rx, ry);
    }
    return hits;
}

/* ---- AVX2: the 8 lanes in two ymm registers per state word -------------- */

#define TARGET_AVX2 __attribute__((target("avx2")))

struct xoshiro_avx2 {
    __m256i s0, s1, s2, s3;
};

TARGET_AVX2 static inline __m256i xoshiro_next_avx2(struct xoshiro_avx2 *g)
{
    __m256i result = _mm256_add_epi64(g->s0, g->s3);
    __m256i t = _mm256_slli_epi64(g->s1, 17);
    g->s2 = _mm256_xor_si256(g->s2, g->s0);
    g->s3 = _mm256_xor_si256(g->s3, g->s1);
    g->s1 = _mm256_xor_si256(g->s1, g->s2);
    g->s0 = _mm256_xor_si256(g->s0, g->s3);
    g->s2 = _mm256_xor_si256(g->s2, t);
    g->s3 = _mm256_or_si256(_mm256_slli_epi64(g->s3, 45), _mm256_srli_epi64(g->s3, 19));
    return result;
}

/* Lanes 4h .. 4h+3 of the portable state. */
TARGET_AVX2 static inline struct xoshiro_avx2 load_avx2(const struct mc_lanes *g, int h)
{
    struct xoshiro_avx2 v;
    v.s0 = _mm256_loadu_si256((const __m256i *)&g->s[0][4 * h]);
    v.s1 = _mm256_loadu_si256((const __m256i *)&g->s[1][4 * h]);
    v.s2 = _mm256_loadu_si256((const __m256i *)&g->s[2][4 * h]);
    v.s3 = _mm256_loadu_si256((const __m256i *)&g->s[3][4 * h]);
    return v;
}

TARGET_AVX2 static inline __m256d unit_avx2(__m256i r)
{
    __m256i bits = _mm256_and_si256(_mm256_srli_epi64(r, 12),
                                    _mm256_set1_epi64x((long long)MC_MANTISSA_TOP26));
    bits = _mm256_or_si256(bits, _mm256_set1_epi64x((long long)MC_ONE_BITS));
    return _mm256_sub_pd(_mm256_castsi256_pd(bits), _mm256_set1_pd(1.0));
}

/* All ones in the lanes whose sample falls inside the circle. */
TARGET_AVX2 static inline __m256i hit_mask_avx2(__m256i rx, __m256i ry)
{
    __m256d x = unit_avx2(rx), y = unit_avx2(ry);
    __m256d d = _mm256_add_pd(_mm256_mul_pd(x, x), _mm256_mul_pd(y, y));
    return _mm256_castpd_si256(_mm256_cmp_pd(d, _mm256_set1_pd(1.0), _CMP_LT_OQ));
}

TARGET_AVX2 void mc_lanes_fill_avx2(uint64_t seed, uint64_t block, uint64_t *out, size_t steps)
{
    struct mc_lanes g;
    mc_lanes_seed(&g, seed, block);
    struct xoshiro_avx2 lo = load_avx2(&g, 0), hi = load_avx2(&g, 1);
    for (size_t k = 0; k < steps; k++) {
        _mm256_storeu_si256((__m256i *)(out + MC_LANES * k), xoshiro_next_avx2(&lo));
        _mm256_storeu_si256((__m256i *)(out + MC_LANES * k + 4), xoshiro_next_avx2(&hi));
    }
}

TARGET_AVX2 uint64_t mc_block_hits_avx2(uint64_t seed, uint64_t block, uint64_t count)
{
    struct mc_lanes g;
    mc_lanes_seed(&g, seed, block);
    struct xoshiro_avx2 lo = load_avx2(&g, 0), hi = load_avx2(&g, 1);
    /* Per-lane counts: subtracting an all-ones mask adds 1. */
    __m256i acc_lo = _mm256_setzero_si256(), acc_hi = _mm256_setzero_si256();
    uint64_t groups = count / MC_LANES, rest = count % MC_LANES;
    for (uint64_t k = 0; k < groups; k++) {
        __m256i x_lo = xoshiro_next_avx2(&lo), x_hi = xoshiro_next_avx2(&hi);
        __m256i y_lo = xoshiro_next_avx2(&lo), y_hi = xoshiro_next_avx2(&hi);
        acc_lo = _mm256_sub_epi64(acc_lo, hit_mask_avx2(x_lo, y_lo));
        acc_hi = _mm256_sub_epi64(acc_hi, hit_mask_avx2(x_hi, y_hi));
    }
    if (rest) {
        __m256i x_lo = xoshiro_next_avx2(&lo), x_hi = xoshiro_next_avx2(&hi);
        __m256i y_lo = xoshiro_next_avx2(&lo), y_hi = xoshiro_next_avx2(&hi);
        __m256i used = _mm256_set1_epi64x((long long)rest);
        __m256i keep_lo = _mm256_cmpgt_epi64(used, _mm256_setr_epi64x(0, 1, 2, 3));
        __m256i keep_hi = _mm256_cmpgt_epi64(used, _mm256_setr_epi64x(4, 5, 6, 7));
        acc_lo = _mm256_sub_epi64(acc_lo, _mm256_and_si256(keep_lo, hit_mask_avx2(x_lo, y_lo)));
        acc_hi = _mm256_sub_epi64(acc_hi, _mm256_and_si256(keep_hi, hit_mask_avx2(x_hi, y_hi)));
    }
    uint64_t lane[4];
    _mm256_storeu_si256((__m256i *)lane, _mm256_add_epi64(acc_lo, acc_hi));
    return lane[0] + lane[1] + lane[2] + lane[3];
}

/* ---- AVX-512F: the 8 lanes in one zmm register per state word ---------- */

#define TARGET_AVX512 __attribute__((target("avx512f")))

struct xoshiro_avx512 {
    __m512i s0, s1, s2, s3;
};

TARGET_AVX512 static inline __m512i xoshiro_next_avx512(struct xoshiro_avx512 *g)
{
    __m512i result = _mm512_add_epi64(g->s0, g->s3);
    __m512i t = _mm512_slli_epi64(g->s1, 17);
    g->s2 = _mm512_xor_si512(g->s2, g->s0);
    g->s3 = _mm512_xor_si512(g->s3, g->s1);
    g->s1 = _mm512_xor_si512(g->s1, g->s2);
    g->s0 = _mm512_xor_si512(g->s0, g->s3);
    g->s2 = _mm512_xor_si512(g->s2, t);
    g->s3 = _mm512_rol_epi64(g->s3, 45);
    return result;
}

TARGET_AVX512 static inline struct xoshiro_avx512 load_avx512(const struct mc_lanes *g)
{
    struct xoshiro_avx512 v;
    v.s0 = _mm512_loadu_si512(g->s[0]);
    v.s1 = _mm512_loadu_si512(g->s[1]);
    v.s2 = _mm512_loadu_si512(g->s[2]);
    v.s3 = _mm512_loadu_si512(g->s[3]);
    return v;
}

TARGET_AVX512 static inline __m512d unit_avx512(__m512i r)
{
    __m512i bits = _mm512_and_si512(_mm512_srli_epi64(r, 12),
                                    _mm512_set1_epi64((long long)MC_MANTISSA_TOP26));
    bits = _mm512_or_si512(bits, _mm512_set1_epi64((long long)MC_ONE_BITS));
    return _mm512_sub_pd(_mm512_castsi512_pd(bits), _mm512_set1_pd(1.0));
}

TARGET_AVX512 static inline __mmask8 hit_mask_avx512(__m512i rx, __m512i ry)
{
    __m512d x = unit_avx512(rx), y = unit_avx512(ry);
    __m512d d = _mm512_add_pd(_mm512_mul_pd(x, x), _mm512_mul_pd(y, y));
    return _mm512_cmp_pd_mask(d, _mm512_set1_pd(1.0), _CMP_LT_OQ);
}

TARGET_AVX512 void mc_lanes_fill_avx512(uint64_t seed, uint64_t block, uint64_t *out,
                                        size_t steps)
{
    struct mc_lanes g;
    mc_lanes_seed(&g, seed, block);
    struct xoshiro_avx512 v = load_avx512(&g);
    for (size_t k = 0; k < steps; k++)
        _mm512_storeu_si512(out + MC_LANES * k, xoshiro_next_avx512(&v));
}

TARGET_AVX512 uint64_t mc_block_hits_avx512(uint64_t seed, uint64_t block, uint64_t count)
{
    struct mc_lanes g;
    mc_lanes_seed(&g, seed, block);
    struct xoshiro_avx512 v = load_avx512(&g);
    const __m512i one = _mm512_set1_epi64(1);
    __m512i acc = _mm512_setzero_si512();
    uint64_t groups = count / MC_LANES, rest = count % MC_LANES;
    for (uint64_t k = 0; k < groups; k++) {
        __m512i x = xoshiro_next_avx512(&v);
        __m512i y = xoshiro_next_avx512(&v);
        acc = _mm512_mask_add_epi64(acc, hit_mask_avx512(x, y), acc, one);
    }
    if (rest) {
        __m512i x = xoshiro_next_avx512(&v);
        __m512i y = xoshiro_next_avx512(&v);
        __mmask8 keep = (__mmask8)((1u << rest) - 1u);
        acc = _mm512_mask_add_epi64(acc, hit_mask_avx512(x, y) & keep, acc, one);
    }
    return (uint64_t)_mm512_reduce_add_epi64(acc);
}
