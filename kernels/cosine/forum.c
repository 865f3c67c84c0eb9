/* cosine: the numba forum thread's loops in C.
 *
 * Each variant here stands for one loop the forum posted and keeps its
 * structure: the same passes over the same layout, the same sums, the dot
 * product from BLAS where numpy's np.dot or numba's q @ r gave it.  Where a
 * C loop needs more than the forum's text to run at least as fast as numba
 * runs it, that is said where it is done (the fused loop branches past the
 * zeros, 95 % of the entries, whose terms add nothing to any sum).  A ratio
 * between two of these variants stands in for the forum's ratio between the
 * loops they stand for.
 *
 * The forum's layout is variables x samples, so a sample is a column with a
 * stride of n floats (colmajor); its faster versions use contiguous rows
 * (rowmajor).  Its overlap count tests the product a*b != 0; here both
 * values are tested (a product of two tiny non-zeros can underflow to 0),
 * as the reference does.
 *
 * Two pairs differ in exactly one respect each, so their ratio measures it:
 *   rowmajor_dot_divided / rowmajor_dot_normalised: dot(a, b) / qd / rd
 *     vs dot(a / qd, b / rd), normalising both vectors first;
 *   rowmajor_fused / rowmajor_fused_noskip: the fused loop returning 0 at
 *     once when ol == 0 (skipping the norms and the divisions) vs finishing
 *     every pair. */
#include "cosine.h"

#include "kit/blas.h"
#include "kit/util.h"

#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* numpy's np.dot and numba's q @ r of two float32 vectors: BLAS sdot.  For
 * long vectors (d > 10000) OpenBLAS would split one dot over the threads of
 * an inactive region (a team of one); the caller's segment keeps it on its
 * worker with blas_on_this_worker(). */
static inline float blas_dot(const float *a, const float *b, size_t d, size_t stride)
{
    return blas_sdot((int)d, a, (int)stride, b, (int)stride);
}

/* The nthreads ICV of this worker's implicit task: it ends with the
 * parallel region, so nothing outside the variant changes. */
static inline void blas_on_this_worker(void)
{
    omp_set_num_threads(1);
}

/* The forum's last step: ol 0 -> 1, a zero norm -> 1, then
 * dot / qd / rd * (1 - 1/ol)^2 (0 whenever ol <= 1). */
static inline float forum_scale(int ol)
{
    float scale = 1.0f - 1.0f / (float)(ol == 0 ? 1 : ol);
    return scale * scale;
}

static inline float forum_norm(float sum_of_squares)
{
    float norm = sqrtf(sum_of_squares);
    return norm == 0.0f ? 1.0f : norm;
}

static inline float forum_finish(int ol, float s1, float s2, float dot)
{
    return dot / forum_norm(s1) / forum_norm(s2) * forum_scale(ol);
}

/* Per-worker temporaries, `per_worker` bytes each. */
struct forum_ctx {
    const struct cosine_problem *p;
    unsigned char *scratch;
    size_t per_worker;
};

static inline unsigned char *worker_scratch(const struct forum_ctx *c)
{
    return c->scratch + (size_t)omp_get_thread_num() * c->per_worker;
}

/* Sample i as the forum's code sees it: a row of the row-major copy, read
 * with stride 1, or a column of the variables x samples copy, stride n. */
static inline const float *column(const struct cosine_problem *p, size_t i)
{
    return p->xc + i;
}

/* A segment (i, j0..j1) of a pair function on one layout.  The stride is a
 * constant in each copy, so an inlined pair function reads memory whose
 * shape the compiler can see. */
#define FORUM_SEGMENT(name, pair, uses_blas, sample, stride)                                  \
    static void name(const void *vctx, size_t i, size_t j0, size_t j1, float *out)            \
    {                                                                                         \
        const struct forum_ctx *c = vctx;                                                     \
        const struct cosine_problem *p = c->p;                                                \
        unsigned char *scratch = worker_scratch(c);                                           \
        if (uses_blas)                                                                        \
            blas_on_this_worker();                                                            \
        for (size_t j = j0; j < j1; j++)                                                      \
            out[j] = pair(sample(p, i), sample(p, j), p->d, stride, scratch);                 \
    }
#define FORUM_ROWMAJOR(name, pair, uses_blas) FORUM_SEGMENT(name, pair, uses_blas, cosine_row, 1)
#define FORUM_COLMAJOR(name, pair, uses_blas) FORUM_SEGMENT(name, pair, uses_blas, column, p->n)

/* ---- naive: one pass per numpy expression, with temporaries ------------ */

/* Indices of the set entries of mask, as numpy's nonzero() builds them. */
static inline size_t nonzero(const unsigned char *mask, size_t d, uint32_t *index)
{
    size_t m = 0;
    for (size_t k = 0; k < d; k++) {
        index[m] = (uint32_t)k;
        m += mask[k];
    }
    return m;
}

/* The forum's original loop body:
 *     ol = nz_overlap_count_func(query * reference)
 *     q_denom = np.sqrt(np.sum(query[reference.nonzero()[0]] ** 2))
 *     r_denom = np.sqrt(np.sum(reference[query.nonzero()[0]] ** 2))
 *     cos = np.dot(query, reference) / q_denom / r_denom
 * Temporaries: the two non-zero masks, then an index list per nonzero(). */
static inline float pair_naive(const float *a, const float *b, size_t d, size_t stride,
                               unsigned char *scratch)
{
    unsigned char *nz_a = scratch, *nz_b = scratch + d;
    uint32_t *index = (uint32_t *)(scratch + 2 * ((d + 3) / 4 * 4));
    for (size_t k = 0; k < d; k++)
        nz_a[k] = a[k * stride] != 0.0f;
    for (size_t k = 0; k < d; k++)
        nz_b[k] = b[k * stride] != 0.0f;
    int ol = 0;
    for (size_t k = 0; k < d; k++)
        ol += nz_a[k] & nz_b[k];
    float s1 = 0.0f, s2 = 0.0f;
    size_t m = nonzero(nz_b, d, index);
    for (size_t t = 0; t < m; t++)
        s1 += a[index[t] * stride] * a[index[t] * stride];
    m = nonzero(nz_a, d, index);
    for (size_t t = 0; t < m; t++)
        s2 += b[index[t] * stride] * b[index[t] * stride];
    return forum_finish(ol, s1, s2, blas_dot(a, b, d, stride));
}

/* Two byte masks and one 32-bit index list of d entries. */
static size_t naive_scratch_bytes(size_t d)
{
    return 2 * ((d + 3) / 4 * 4) + 4 * d;
}

FORUM_COLMAJOR(segment_colmajor_naive, pair_naive, true)
FORUM_ROWMAJOR(segment_rowmajor_naive, pair_naive, true)

/* ---- split: three helper loops and np.dot ------------------------------- */

/* Whether v is non-zero, tested on its bits (the sign shifted out): one
 * integer comparison, where v != 0.0f takes a second for NaN.  In the
 * branch-free overlap count below that makes the strided (colmajor) loop
 * measurably cheaper. */
static inline int nonzero_bits(float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return (bits << 1) != 0;
}

/* sum_of_sqrs_other_nonzero(a1, a2): a1[k]^2 where a2[k] != 0, as the forum
 * wrote it (a1 is read only there). */
static inline float squares_where_other_nonzero(const float *a1, const float *a2, size_t d,
                                                size_t stride)
{
    float s = 0.0f;
    for (size_t k = 0; k < d; k++) {
        if (a2[k * stride] == 0.0f)
            continue;
        s += a1[k * stride] * a1[k * stride];
    }
    return s;
}

/* nz_overlap_count(a, b), the two sum_of_sqrs_other_nonzero calls, np.dot. */
static inline float pair_split(const float *a, const float *b, size_t d, size_t stride,
                               unsigned char *scratch)
{
    (void)scratch;
    int ol = 0;
    for (size_t k = 0; k < d; k++)
        ol += nonzero_bits(a[k * stride]) & nonzero_bits(b[k * stride]);
    float s1 = squares_where_other_nonzero(a, b, d, stride);
    float s2 = squares_where_other_nonzero(b, a, d, stride);
    return forum_finish(ol, s1, s2, blas_dot(a, b, d, stride));
}

FORUM_COLMAJOR(segment_colmajor_split, pair_split, true)
FORUM_ROWMAJOR(segment_rowmajor_split, pair_split, true)

/* ---- fused: ol, both sums of squares and the dot in one pass ------------ */

/* The forum's fused loop adds a term to each sum under its own condition
 * (p = a*b != 0, b != 0, a != 0) and the product to the dot always.  Where a
 * or b is zero every one of those terms is zero, so the loop goes past that
 * element: the same sums in the same order, without the 95 % of additions
 * of zero that numba chains through the dot. */
static inline void fused_sums(const float *a, const float *b, size_t d, size_t stride, int *ol,
                              float *s1, float *s2, float *dot)
{
    int overlap = 0;
    float q = 0.0f, r = 0.0f, ab = 0.0f;
    for (size_t k = 0; k < d; k++) {
        float x = a[k * stride];
        if (x == 0.0f)
            continue;
        float y = b[k * stride];
        if (y == 0.0f)
            continue;
        overlap++;
        q += x * x;
        r += y * y;
        ab += x * y;
    }
    *ol = overlap;
    *s1 = q;
    *s2 = r;
    *dot = ab;
}

/* The forum's fused pair: if ol == 0 it returns 0 without the norms. */
static inline float pair_fused(const float *a, const float *b, size_t d, size_t stride,
                               unsigned char *scratch)
{
    (void)scratch;
    int ol;
    float s1, s2, dot;
    fused_sums(a, b, d, stride, &ol, &s1, &s2, &dot);
    if (ol == 0)
        return 0.0f;
    return forum_finish(ol, s1, s2, dot);
}

/* The same without that skip: every pair is finished. */
static inline float pair_fused_noskip(const float *a, const float *b, size_t d, size_t stride,
                                      unsigned char *scratch)
{
    (void)scratch;
    int ol;
    float s1, s2, dot;
    fused_sums(a, b, d, stride, &ol, &s1, &s2, &dot);
    return forum_finish(ol, s1, s2, dot);
}

FORUM_COLMAJOR(segment_colmajor_fused, pair_fused, false)
FORUM_ROWMAJOR(segment_rowmajor_fused, pair_fused, false)
FORUM_ROWMAJOR(segment_rowmajor_fused_noskip, pair_fused_noskip, false)

/* ---- n_overlaps_and_norms, then the dot: divided, or of normalised vectors */

/* ol and the two masked sums of squares in one pass (no dot). */
static inline int overlaps_and_norms(const float *a, const float *b, size_t d, size_t stride,
                                     float *s1, float *s2)
{
    int ol = 0;
    float q = 0.0f, r = 0.0f;
    for (size_t k = 0; k < d; k++) {
        float x = a[k * stride];
        if (x == 0.0f)
            continue;
        float y = b[k * stride];
        if (y == 0.0f)
            continue;
        ol++;
        q += x * x;
        r += y * y;
    }
    *s1 = q;
    *s2 = r;
    return ol;
}

/* cos = (q @ r) / qd / rd */
static inline float pair_dot_divided(const float *a, const float *b, size_t d, size_t stride,
                                     unsigned char *scratch)
{
    (void)scratch;
    float s1, s2;
    int ol = overlaps_and_norms(a, b, d, stride, &s1, &s2);
    return forum_finish(ol, s1, s2, blas_dot(a, b, d, stride));
}

/* cos = (q / qd) @ (r / rd): both vectors normalised into temporaries first,
 * a division per element of each, then the dot of the temporaries. */
static inline float pair_dot_normalised(const float *a, const float *b, size_t d, size_t stride,
                                        unsigned char *scratch)
{
    float *a_unit = (float *)scratch, *b_unit = a_unit + d;
    float s1, s2;
    int ol = overlaps_and_norms(a, b, d, stride, &s1, &s2);
    float qd = forum_norm(s1), rd = forum_norm(s2);
    for (size_t k = 0; k < d; k++)
        a_unit[k] = a[k * stride] / qd;
    for (size_t k = 0; k < d; k++)
        b_unit[k] = b[k * stride] / rd;
    return blas_dot(a_unit, b_unit, d, 1) * forum_scale(ol);
}

FORUM_ROWMAJOR(segment_rowmajor_dot_divided, pair_dot_divided, true)
FORUM_ROWMAJOR(segment_rowmajor_dot_normalised, pair_dot_normalised, true)

/* ---- running them --------------------------------------------------------- */

/* `blas`: the segment takes its dot products from BLAS sdot, which starts
 * OpenBLAS; the runner skips such a variant when it cannot start. */
static int run_forum(void *problem, const struct sl_exec *ex, cosine_segment_fn segment,
                     size_t per_worker, bool blas)
{
    struct cosine_problem *p = problem;
    const char *no_blas = blas ? blas_unavailable() : NULL;
    if (no_blas)
        return sl_fail("%s", no_blas);
    /* Whole cache lines, at least one, so workers never share one. */
    struct forum_ctx c = {p, NULL, per_worker ? (per_worker + 63) / 64 * 64 : 64};
    c.scratch = util_alloc_aligned((size_t)ex->threads, c.per_worker, "forum loop temporaries");
    if (!c.scratch)
        return -1;
    int rc = cosine_run_pairs(p, ex, segment, &c, 1);
    free(c.scratch);
    return rc;
}

int cosine_run_colmajor_naive(void *problem, const struct sl_exec *ex)
{
    const struct cosine_problem *p = problem;
    return run_forum(problem, ex, segment_colmajor_naive, naive_scratch_bytes(p->d), true);
}

int cosine_run_rowmajor_naive(void *problem, const struct sl_exec *ex)
{
    const struct cosine_problem *p = problem;
    return run_forum(problem, ex, segment_rowmajor_naive, naive_scratch_bytes(p->d), true);
}

int cosine_run_colmajor_split(void *problem, const struct sl_exec *ex)
{
    return run_forum(problem, ex, segment_colmajor_split, 0, true);
}

int cosine_run_rowmajor_split(void *problem, const struct sl_exec *ex)
{
    return run_forum(problem, ex, segment_rowmajor_split, 0, true);
}

int cosine_run_colmajor_fused(void *problem, const struct sl_exec *ex)
{
    return run_forum(problem, ex, segment_colmajor_fused, 0, false);
}

int cosine_run_rowmajor_fused(void *problem, const struct sl_exec *ex)
{
    return run_forum(problem, ex, segment_rowmajor_fused, 0, false);
}

int cosine_run_rowmajor_fused_noskip(void *problem, const struct sl_exec *ex)
{
    return run_forum(problem, ex, segment_rowmajor_fused_noskip, 0, false);
}

int cosine_run_rowmajor_dot_divided(void *problem, const struct sl_exec *ex)
{
    return run_forum(problem, ex, segment_rowmajor_dot_divided, 0, true);
}

int cosine_run_rowmajor_dot_normalised(void *problem, const struct sl_exec *ex)
{
    const struct cosine_problem *p = problem;
    return run_forum(problem, ex, segment_rowmajor_dot_normalised, 2 * p->d * sizeof(float), true);
}
