/* gaussmap — Gauss-map bifurcation diagram (SPEC 1.7).
 *
 * Reference loop, for each of W columns c (beta_c = -1 + 2c/(W-1); -1 when
 * W = 1) and H bins over [LO, HI) = [-1, 1.5):
 *
 *     x = 0
 *     repeat 200 times:  x = exp(-5.8 x^2) + beta_c          (transients)
 *     repeat 4000 times: x = exp(-5.8 x^2) + beta_c
 *                        if LO <= x < HI: counts[c][floor((x - LO) * H / (HI - LO))] += 1
 *
 * Values outside [LO, HI) are not counted (x > -1 always; x >= 1.5 happens
 * only for beta > 0.5), so a column's counts sum to at most 4000.
 *
 * The map is chaotic: one rounding difference changes the picture.  So the
 * arithmetic is defined exactly, and every variant and the reference follow
 * it operation by operation: exp is gaussmap_exp below (not libm), every
 * product and sum is rounded separately (no FMA contraction: see the pragma
 * below), and the bin is computed as written in gaussmap_bin.  The SIMD
 * variants perform the same IEEE operations lane by lane, so every variant's
 * counts equal the reference's exactly.
 *
 * Output: W x H uint32 counts (column c's H bins contiguous) and, with
 * --output, a greyscale image of H rows (top row: the bin just below 1.5)
 * by W columns.  Figure of merit: map iterates per second (W x 4200).
 */
#ifndef SL_GAUSSMAP_H
#define SL_GAUSSMAP_H

/* No a*b+c may become one fused multiply-add anywhere in gaussmap's code
 * (gcc contracts across statements and through intrinsics by default in
 * GNU C mode, in any function compiled for a target with FMA).  This must
 * come before any function the kernels use, so each gaussmap source file
 * includes this header first. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kit/sl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GAUSSMAP_ALPHA 5.8
#define GAUSSMAP_TRANSIENTS 200
#define GAUSSMAP_ITERATES 4000
#define GAUSSMAP_LO (-1.0)
#define GAUSSMAP_HI 1.5
/* Floating-point operations of one map step (see gaussmap_step and
 * gaussmap_exp) and of one binning; for the work model. */
#define GAUSSMAP_STEP_FLOPS 37
#define GAUSSMAP_BIN_FLOPS 2

/* exp(t) = 2^k exp(r), k = round(t / ln2), r = t - k ln2 (Cody-Waite, two
 * parts of ln2), exp(r) by its Taylor polynomial of degree 13 in Horner
 * form (|r| <= ln2/2: truncation below 1e-17).  k comes from the shifter
 * trick, whose low mantissa bits then hold k, so 2^k is built by integer
 * add and shift in scalar and SIMD code alike.  Valid for |t| < 700; the
 * map uses t = -5.8 x^2 in [-23.2, 0].  Relative error ~2e-16. */
#define GAUSSMAP_LOG2E 1.4426950408889634074
#define GAUSSMAP_SHIFTER 0x1.8p52
#define GAUSSMAP_LN2_HI 6.93147180369123816490e-01 /* low 20 bits zero: k * hi is exact */
#define GAUSSMAP_LN2_LO 1.90821492927058770002e-10
#define GAUSSMAP_C13 (1.0 / 6227020800.0)
#define GAUSSMAP_C12 (1.0 / 479001600.0)
#define GAUSSMAP_C11 (1.0 / 39916800.0)
#define GAUSSMAP_C10 (1.0 / 3628800.0)
#define GAUSSMAP_C9 (1.0 / 362880.0)
#define GAUSSMAP_C8 (1.0 / 40320.0)
#define GAUSSMAP_C7 (1.0 / 5040.0)
#define GAUSSMAP_C6 (1.0 / 720.0)
#define GAUSSMAP_C5 (1.0 / 120.0)
#define GAUSSMAP_C4 (1.0 / 24.0)
#define GAUSSMAP_C3 (1.0 / 6.0)
#define GAUSSMAP_C2 0.5
#define GAUSSMAP_C1 1.0
#define GAUSSMAP_C0 1.0

static inline double gaussmap_exp(double t)
{
    double u = t * GAUSSMAP_LOG2E + GAUSSMAP_SHIFTER;
    double k = u - GAUSSMAP_SHIFTER;
    double r = t - k * GAUSSMAP_LN2_HI;
    r = r - k * GAUSSMAP_LN2_LO;
    double p = GAUSSMAP_C13;
    p = p * r + GAUSSMAP_C12;
    p = p * r + GAUSSMAP_C11;
    p = p * r + GAUSSMAP_C10;
    p = p * r + GAUSSMAP_C9;
    p = p * r + GAUSSMAP_C8;
    p = p * r + GAUSSMAP_C7;
    p = p * r + GAUSSMAP_C6;
    p = p * r + GAUSSMAP_C5;
    p = p * r + GAUSSMAP_C4;
    p = p * r + GAUSSMAP_C3;
    p = p * r + GAUSSMAP_C2;
    p = p * r + GAUSSMAP_C1;
    p = p * r + GAUSSMAP_C0;
    uint64_t bits;
    memcpy(&bits, &u, sizeof bits);
    bits = (bits + 1023) << 52; /* the low bits of u are k: this is 2^k */
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* One step of the map. */
static inline double gaussmap_step(double x, double beta)
{
    double t = x * x * -GAUSSMAP_ALPHA;
    return gaussmap_exp(t) + beta;
}

/* The bin of x, or -1 when x is outside [LO, HI).  bin_scale is H / (HI -
 * LO), computed once per problem; the clamp catches (x - LO) * bin_scale
 * rounding up to H just below HI. */
static inline int gaussmap_bin(double x, double bin_scale, int bins)
{
    if (!(x >= GAUSSMAP_LO && x < GAUSSMAP_HI))
        return -1;
    int b = (int)((x - GAUSSMAP_LO) * bin_scale);
    return b < bins ? b : bins - 1;
}

struct gaussmap_problem {
    size_t columns;     /* W */
    size_t bins;        /* H */
    double *beta;       /* W column parameters, computed once for everyone */
    double bin_scale;   /* H / (HI - LO) */
    uint32_t *counts;   /* W x H, written by the variant */
    uint32_t *reference;/* W x H, computed once when first needed */
    bool reference_known;
};

/* The reference: one column after another, serially, into counts. */
void gaussmap_reference(const struct gaussmap_problem *p, uint32_t *counts);

/* Writes an image of counts to path: PNG when it ends in .png (when built
 * with libpng), binary PGM (P5) when it ends in .pgm.  H rows (top = the
 * bin just below 1.5) x W columns, grey = 255 - 255 log(1 + count) /
 * log(1 + max count): black marks on white. */
/* 0, or -1 with sl_error() when the path names no image format this build writes. */
int gaussmap_check_image_path(const char *path);
int gaussmap_write_image(const struct gaussmap_problem *p, const uint32_t *counts,
                         const char *path);

void gaussmap_work(const void *problem, struct sl_work *w);

extern const struct sl_variant gaussmap_variants[];
extern const struct sl_workload gaussmap_workload;

#endif
