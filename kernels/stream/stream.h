/* stream — STREAM's copy, scale, add and triad: memory bandwidth (SPEC 1.8).
 *
 * Reference loops, s = 3:
 *
 *     copy:  c[i] = a[i]                 16 bytes per element
 *     scale: c[i] = s * a[i]             16
 *     add:   c[i] = a[i] + b[i]          24
 *     triad: c[i] = a[i] + s * b[i]      24
 *
 * These are STREAM's kernels with the arrays renamed so that a and b are
 * read-only and c is every kernel's output (STREAM chains them: scale
 * writes b, triad writes a).  So every execution, of any kernel in any
 * order, reads the same inputs and must produce the same known output.
 * Bytes are counted as STREAM counts them: each array read or written once,
 * no write-allocate traffic.
 *
 * Inputs are exactly representable with room to spare (a_i an integer below
 * 2^20, b_i a multiple of 1/2 below 2^19, from a hash of (seed, i)), so
 * s * b_i, a_i + b_i and a_i + s * b_i are exact in double whether or not
 * a kernel fuses the multiply-add: every output element must equal its
 * expected value exactly.
 *
 * Figure of merit: GB/s from those byte counts; units are elements.
 */
#ifndef SL_STREAM_H
#define SL_STREAM_H

#include "kit/sl.h"

#include <stddef.h>
#include <stdint.h>

#define STREAM_SCALAR 3.0
/* Elements per array when hwloc does not know the last-level cache:
 * 1 GiB per array, four times a 256 MiB cache. */
#define STREAM_FALLBACK_ELEMENTS ((size_t)1 << 27)
/* Arrays are split among threads in blocks of one cache line. */
#define STREAM_BLOCK 8

enum stream_kernel { STREAM_NONE, STREAM_COPY, STREAM_SCALE, STREAM_ADD, STREAM_TRIAD };

struct stream_problem {
    size_t n;           /* elements per array */
    double *a, *b;      /* inputs, never written after set-up */
    double *c;          /* every kernel's output */
    enum stream_kernel last; /* what the last execution computed into c */
    uint64_t seed;
    size_t llc_bytes;   /* hwloc's last-level cache, 0 if unknown */
    int auto_size;      /* n came from "auto" */
};

/* The smallest n for which an array of n doubles is at least 4 x llc_bytes;
 * STREAM_FALLBACK_ELEMENTS when llc_bytes is 0 (unknown). */
size_t stream_auto_elements(size_t llc_bytes);

/* The inputs' element i. */
void stream_inputs(uint64_t seed, size_t i, double *a, double *b);

/* Thread `part` of `parts` owns elements [*begin, *end): equal shares of
 * whole cache lines, so every share but the last starts and ends on a line
 * (64-byte aligned for the aligned arrays).  Set-up touches the pages with
 * the same partition as the kernels, so they are local to the thread that
 * uses them when the kernels run with the default number of threads. */
void stream_partition(size_t n, int part, int parts, size_t *begin, size_t *end);

/* Bytes per element as STREAM counts them (16, 16, 24, 24). */
double stream_bytes_per_element(enum stream_kernel k);

void stream_work_copy(const void *problem, struct sl_work *w);
void stream_work_scale(const void *problem, struct sl_work *w);
void stream_work_add(const void *problem, struct sl_work *w);
void stream_work_triad(const void *problem, struct sl_work *w);

extern const struct sl_variant stream_variants[];
extern const struct sl_workload stream_workload;

#endif
