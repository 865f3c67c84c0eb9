/* Array forms of the gmm vector exp/log, so tests can compare them with
 * libm element by element. */
#include "vecmath.h"

#include <string.h>

/* A tail shorter than a vector goes through a zero-padded copy. */
#define ARRAY_FORM(name, fn, T, width, loadu, storeu, target_attribute)                      \
    target_attribute void name(const double *x, double *y, size_t n)                         \
    {                                                                                        \
        size_t i = 0;                                                                        \
        for (; i + (width) <= n; i += (width))                                               \
            storeu(y + i, fn(loadu(x + i)));                                                 \
        if (i < n) {                                                                         \
            double in[width] = {0}, out[width];                                              \
            memcpy(in, x + i, (n - i) * sizeof *in);                                         \
            storeu(out, fn(loadu(in)));                                                      \
            memcpy(y + i, out, (n - i) * sizeof *out);                                       \
        }                                                                                    \
    }

ARRAY_FORM(gmm_exp_array_avx2, gmm_exp_avx2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd,
           __attribute__((target("avx2,fma"))))
ARRAY_FORM(gmm_log_array_avx2, gmm_log_avx2, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd,
           __attribute__((target("avx2,fma"))))
ARRAY_FORM(gmm_exp_array_avx512, gmm_exp_avx512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd,
           __attribute__((target("avx512f"))))
ARRAY_FORM(gmm_log_array_avx512, gmm_log_avx512, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd,
           __attribute__((target("avx512f"))))
