/* Vectorised exp and log for the gmm SIMD variants, accurate to a few ulp
 * (measured against libm in tests/test_gmm.c: relative error below 1e-15),
 * without -ffast-math or a vector math library.
 *
 * exp(x): n = round(x / ln 2), r = x - n ln 2 (Cody-Waite: ln 2 as a double
 * plus its remainder; with FMA the first step is exact for |n| <= 1100),
 * |r| <= ln 2 / 2, exp(r) by its Taylor polynomial to degree 13 (truncation
 * 4e-18), times 2^n.  Arguments are clamped to [-746, 710], where exp is 0
 * and +inf; NaN stays NaN.
 *
 * log(x): x = 2^e (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)), s = f/(2+f),
 * log(1+f) = f - (f^2/2 - s (f^2/2 + R(s^2))) with fdlibm's minimax R
 * (error below 2^-58.45), plus e ln 2 split in two so e * ln2_hi is exact.
 * Subnormals, 0 (-inf), negatives (NaN), +inf and NaN are handled.
 */
#ifndef SL_GMM_VECMATH_H
#define SL_GMM_VECMATH_H

#include <immintrin.h>
#include <stddef.h>

#define GMM_EXP_LO (-746.0)
#define GMM_EXP_HI 710.0
#define GMM_LOG2E 0x1.71547652b82fep0
#define GMM_LN2_HI_EXP 0x1.62e42fefa39efp-1 /* the double nearest ln 2 */
#define GMM_LN2_LO_EXP 0x1.abc9e3b39803fp-56 /* ln 2 minus that */
#define GMM_LN2_HI_LOG 6.93147180369123816490e-01 /* 32 bits: e * hi is exact */
#define GMM_LN2_LO_LOG 1.90821492927058770002e-10
#define GMM_SQRT2 0x1.6a09e667f3bcdp0

/* fdlibm e_log.c: log(1+f) = 2s + s R(s^2), R(z) = Lg1 z + ... + Lg7 z^7. */
#define GMM_LG1 6.666666666666735130e-01
#define GMM_LG2 3.999999999940941908e-01
#define GMM_LG3 2.857142874366239149e-01
#define GMM_LG4 2.222219843214978396e-01
#define GMM_LG5 1.818357216161805012e-01
#define GMM_LG6 1.531383769920937332e-01
#define GMM_LG7 1.479819860511658591e-01

/* exp(r) for |r| <= ln2/2, Horner from 1/13! down to 1. */
#define GMM_EXP_POLY(T, fmadd, set1, r, out)                                                  \
    do {                                                                                     \
        T p_ = set1(1.0 / 6227020800.0);                                                     \
        p_ = fmadd(p_, r, set1(1.0 / 479001600.0));                                          \
        p_ = fmadd(p_, r, set1(1.0 / 39916800.0));                                           \
        p_ = fmadd(p_, r, set1(1.0 / 3628800.0));                                            \
        p_ = fmadd(p_, r, set1(1.0 / 362880.0));                                             \
        p_ = fmadd(p_, r, set1(1.0 / 40320.0));                                              \
        p_ = fmadd(p_, r, set1(1.0 / 5040.0));                                               \
        p_ = fmadd(p_, r, set1(1.0 / 720.0));                                                \
        p_ = fmadd(p_, r, set1(1.0 / 120.0));                                                \
        p_ = fmadd(p_, r, set1(1.0 / 24.0));                                                 \
        p_ = fmadd(p_, r, set1(1.0 / 6.0));                                                  \
        p_ = fmadd(p_, r, set1(0.5));                                                        \
        p_ = fmadd(p_, r, set1(1.0));                                                        \
        out = fmadd(p_, r, set1(1.0));                                                       \
    } while (0)

/* log(1+f) for 1+f in [sqrt(2)/2, sqrt(2)), then + e ln 2. */
#define GMM_LOG_CORE(T, add, sub, mul, div, fmadd, set1, f, e, out)                          \
    do {                                                                                     \
        T s_ = div(f, add(set1(2.0), f));                                                    \
        T z_ = mul(s_, s_), w_ = mul(z_, z_);                                                \
        T t1_ = mul(w_, fmadd(w_, fmadd(w_, set1(GMM_LG6), set1(GMM_LG4)), set1(GMM_LG2)));  \
        T t2_ = mul(z_, fmadd(w_, fmadd(w_, fmadd(w_, set1(GMM_LG7), set1(GMM_LG5)),         \
                                        set1(GMM_LG3)),                                      \
                              set1(GMM_LG1)));                                               \
        T r_ = add(t2_, t1_);                                                                \
        T hfsq_ = mul(mul(set1(0.5), f), f);                                                 \
        T lo_ = fmadd(s_, add(hfsq_, r_), mul(e, set1(GMM_LN2_LO_LOG)));                     \
        out = add(mul(e, set1(GMM_LN2_HI_LOG)), sub(f, sub(hfsq_, lo_)));                    \
    } while (0)

/* ---- AVX2 + FMA, 4 lanes -------------------------------------------------- */

__attribute__((target("avx2,fma"))) static inline __m256d gmm_exp_avx2(__m256d x)
{
    /* max/min return their second operand when either is NaN: x stays NaN. */
    x = _mm256_min_pd(_mm256_set1_pd(GMM_EXP_HI), _mm256_max_pd(_mm256_set1_pd(GMM_EXP_LO), x));
    __m256d n = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(GMM_LOG2E)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(GMM_LN2_HI_EXP), x);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(GMM_LN2_LO_EXP), r);
    __m256d poly;
    GMM_EXP_POLY(__m256d, _mm256_fmadd_pd, _mm256_set1_pd, r, poly);
    /* 2^n in two halves, each a normal double even where 2^n is not. */
    __m256d na = _mm256_floor_pd(_mm256_mul_pd(n, _mm256_set1_pd(0.5)));
    __m256d nb = _mm256_sub_pd(n, na);
    /* k + 1.5 * 2^52 holds k in its low mantissa bits; the exponent bits of
     * that constant vanish in the shift. */
    const __m256d magic = _mm256_set1_pd(0x1.8p52);
    const __m256i bias = _mm256_set1_epi64x(1023);
    __m256d scale_a = _mm256_castsi256_pd(_mm256_slli_epi64(
        _mm256_add_epi64(_mm256_castpd_si256(_mm256_add_pd(na, magic)), bias), 52));
    __m256d scale_b = _mm256_castsi256_pd(_mm256_slli_epi64(
        _mm256_add_epi64(_mm256_castpd_si256(_mm256_add_pd(nb, magic)), bias), 52));
    return _mm256_mul_pd(_mm256_mul_pd(poly, scale_a), scale_b);
}

__attribute__((target("avx2,fma"))) static inline __m256d gmm_log_avx2(__m256d x)
{
    const __m256d dbl_min = _mm256_set1_pd(0x1p-1022);
    __m256d tiny = _mm256_cmp_pd(x, dbl_min, _CMP_LT_OQ);
    __m256d xs = _mm256_blendv_pd(x, _mm256_mul_pd(x, _mm256_set1_pd(0x1p54)), tiny);
    __m256i bits = _mm256_castpd_si256(xs);
    __m256d mant = _mm256_castsi256_pd(
        _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffLL)),
                        _mm256_set1_epi64x(0x3ff0000000000000LL)));
    /* The biased exponent as an exact double, by the same mantissa trick. */
    __m256d e = _mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52),
                                            _mm256_castpd_si256(_mm256_set1_pd(0x1p52)))),
        _mm256_set1_pd(0x1p52 + 1023.0));
    e = _mm256_sub_pd(e, _mm256_and_pd(tiny, _mm256_set1_pd(54.0)));
    __m256d big = _mm256_cmp_pd(mant, _mm256_set1_pd(GMM_SQRT2), _CMP_GT_OQ);
    mant = _mm256_blendv_pd(mant, _mm256_mul_pd(mant, _mm256_set1_pd(0.5)), big);
    e = _mm256_add_pd(e, _mm256_and_pd(big, _mm256_set1_pd(1.0)));
    __m256d f = _mm256_sub_pd(mant, _mm256_set1_pd(1.0));
    __m256d out;
    GMM_LOG_CORE(__m256d, _mm256_add_pd, _mm256_sub_pd, _mm256_mul_pd, _mm256_div_pd,
                 _mm256_fmadd_pd, _mm256_set1_pd, f, e, out);
    /* Outside (0, +inf): log(0) = -inf, log(+inf) = +inf, NaN otherwise. */
    __m256d inf = _mm256_set1_pd(__builtin_inf());
    __m256d regular = _mm256_and_pd(_mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GT_OQ),
                                    _mm256_cmp_pd(x, inf, _CMP_LT_OQ));
    out = _mm256_blendv_pd(_mm256_set1_pd(__builtin_nan("")), out, regular);
    out = _mm256_blendv_pd(out, inf, _mm256_cmp_pd(x, inf, _CMP_EQ_OQ));
    return _mm256_blendv_pd(out, _mm256_sub_pd(_mm256_setzero_pd(), inf),
                            _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_EQ_OQ));
}

/* ---- AVX-512F, 8 lanes ---------------------------------------------------- */

__attribute__((target("avx512f"))) static inline __m512d gmm_exp_avx512(__m512d x)
{
    x = _mm512_min_pd(_mm512_set1_pd(GMM_EXP_HI), _mm512_max_pd(_mm512_set1_pd(GMM_EXP_LO), x));
    __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(GMM_LOG2E)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(GMM_LN2_HI_EXP), x);
    r = _mm512_fnmadd_pd(n, _mm512_set1_pd(GMM_LN2_LO_EXP), r);
    __m512d poly;
    GMM_EXP_POLY(__m512d, _mm512_fmadd_pd, _mm512_set1_pd, r, poly);
    /* scalef: poly * 2^n with one rounding, overflow and underflow included. */
    return _mm512_scalef_pd(poly, n);
}

__attribute__((target("avx512f"))) static inline __m512d gmm_log_avx512(__m512d x)
{
    /* getexp/getmant decompose subnormals too. */
    __m512d e = _mm512_getexp_pd(x);
    __m512d mant = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
    __mmask8 big = _mm512_cmp_pd_mask(mant, _mm512_set1_pd(GMM_SQRT2), _CMP_GT_OQ);
    mant = _mm512_mask_mul_pd(mant, big, mant, _mm512_set1_pd(0.5));
    e = _mm512_mask_add_pd(e, big, e, _mm512_set1_pd(1.0));
    __m512d f = _mm512_sub_pd(mant, _mm512_set1_pd(1.0));
    __m512d out;
    GMM_LOG_CORE(__m512d, _mm512_add_pd, _mm512_sub_pd, _mm512_mul_pd, _mm512_div_pd,
                 _mm512_fmadd_pd, _mm512_set1_pd, f, e, out);
    const __m512d inf = _mm512_set1_pd(__builtin_inf());
    __mmask8 regular = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GT_OQ) &
                       _mm512_cmp_pd_mask(x, inf, _CMP_LT_OQ);
    out = _mm512_mask_blend_pd(regular, _mm512_set1_pd(__builtin_nan("")), out);
    out = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, inf, _CMP_EQ_OQ), out, inf);
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_EQ_OQ), out,
                                _mm512_set1_pd(-__builtin_inf()));
}

/* Array forms for tests: y[i] = exp(x[i]) or log(x[i]), any n.  The caller
 * checks the CPU has the ISA (sl_isa_missing). */
void gmm_exp_array_avx2(const double *x, double *y, size_t n);
void gmm_log_array_avx2(const double *x, double *y, size_t n);
void gmm_exp_array_avx512(const double *x, double *y, size_t n);
void gmm_log_array_avx512(const double *x, double *y, size_t n);

#endif
