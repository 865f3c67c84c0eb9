/* ceilings — the machine's measured ceilings: bandwidth from each memory
 * level and peak FLOP/s (issue 19).
 *
 * Bandwidth kernels, double precision, every array a whole number of 64-byte
 * cache lines, bytes counted as likwid-bench counts them (each array read or
 * written once per element; write-allocate traffic is NOT counted):
 *
 *     load:  s += x[i]                 8 bytes per element (1 read stream)
 *     copy:  y[i] = x[i]               16 bytes per element (1 read, 1 write)
 *     triad: a[i] = b[i] * c[i] + d[i] 32 bytes per element (3 read, 1 write)
 *
 * triad is likwid-bench's triad (four arrays), not STREAM's (three).  At the
 * dram level copy and triad store non-temporally (likwid's *_mem kernels),
 * so there is no write-allocate traffic to leave uncounted; at the cache
 * levels the stores are ordinary and their write-allocate is not counted.
 * load adds what it reads into 8 accumulators (1 flop per element), so
 * nothing can be optimised away and the sum is checked.
 *
 * Working sets: caches.h has the sizing rule per level.  A working set is
 * every array of a kernel together (likwid's -w), shared equally among the
 * arrays; each thread owns its own arrays (contiguous per thread, one spare
 * line between arrays against 4 KiB aliasing).  One execution makes
 * `steps` line-steps over all threads (a line-step touches one line of
 * each array): at least `traffic` bytes (default 256 MiB) and at least one
 * full sweep of every thread's arrays, at every thread count the problem is
 * set up for, so the bytes of an execution do not depend on the thread
 * count.  Thread t of T makes its equal share of the steps, sweeping its
 * arrays cyclically (whole sweeps, then the first lines once more).
 *
 * Peak: CEILINGS_ACCUMULATORS independent chains per thread, each one SIMD
 * register of lanes, each step x = x * 1 + 1 by one fused multiply-add (2
 * flops per lane).  Twelve chains cover an FMA latency of 4 cycles on 2 FMA
 * pipes (8 in flight) with room to spare, so the measured rate is the FMA
 * throughput and reveals the number of FMA units per core.  Starting from
 * integers below 256 every value stays an integer exact in float (fp32 steps
 * are bounded accordingly), so every lane of every chain must end at exactly
 * start + steps of its thread: the check sees a skipped or elided step.
 *
 * Inputs are integers below 256 hashed from (seed, position), so sums and
 * b * c + d are exact and every output is checked exactly.
 *
 * Figure of merit: GB/s (the workload has one; the peak variants move no
 * bytes, and their GFLOP/s is in each result's gflops).
 */
#ifndef SL_CEILINGS_H
#define SL_CEILINGS_H

#include "ceilings/caches.h"
#include "kit/sl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CEILINGS_LINE_DOUBLES 8
#define CEILINGS_ACCUMULATORS 12
#define CEILINGS_MAX_LANES 16            /* fp32 in AVX-512 */
#define CEILINGS_PAD_LINES 1             /* between a thread's arrays */
#define CEILINGS_OUTPUT_SKEW_LINES 5     /* outputs start off the inputs' 4 KiB phase */
#define CEILINGS_DEFAULT_TRAFFIC ((size_t)256 << 20)
#define CEILINGS_DEFAULT_STEPS ((size_t)1 << 23)
/* start (< 256) + steps stays exact in float. */
#define CEILINGS_MAX_STEPS (((size_t)1 << 24) - 256)

enum ceilings_kind {
    CEILINGS_NONE,
    CEILINGS_LOAD,
    CEILINGS_COPY,
    CEILINGS_TRIAD,
    CEILINGS_PEAK_FP32,
    CEILINGS_PEAK_FP64
};

/* What a size string says. */
struct ceilings_size {
    bool level[CEILINGS_LEVELS]; /* the levels whose working sets are set up */
    size_t ws;                   /* ws=BYTES: every level's per-thread working set; 0: the rule */
    size_t traffic;              /* bytes of one execution, at least */
    size_t steps;                /* peak: FMA steps of each chain, all threads together */
};

/* Where one thread's arrays lie and how much it does. */
struct ceilings_placement {
    size_t lines;      /* lines of each array of one thread */
    size_t steps;      /* line-steps of one execution, all threads together */
    size_t in_stride;  /* lines from one thread's inputs to the next thread's */
    size_t out_stride; /* the same for outputs */
};

struct ceilings_sum {
    double value;
    char pad[64 - sizeof(double)]; /* one line per thread */
};

struct ceilings_problem {
    struct ceilings_size size;
    char size_name[48];
    struct ceilings_caches caches;
    int threads; /* the largest team set up for */
    uint64_t seed;
    double *in, *out; /* input and output pools, 64-byte aligned */
    size_t in_lines, out_lines;
    size_t steps[CEILINGS_TRIAD + 1][CEILINGS_LEVELS]; /* line-steps per kind and level */
    struct ceilings_sum *sums;                        /* load: each thread's sum */
    float *start32, *end32;  /* peak: [thread][accumulator][lane] */
    double *start64, *end64;
    double fma_scale, fma_step; /* 1 and 1, read at run time */
    struct {
        enum ceilings_kind kind;
        enum ceilings_level level;
        int lanes;
        int threads;
    } last; /* what the last execution computed */
};

/* Input element `index` of the input pool: an integer in [0, 256). */
static inline double ceilings_value(uint64_t seed, uint64_t index)
{
    uint64_t z = seed ^ ((index + 1) * 0x9e3779b97f4a7c15ull);
    z ^= z >> 29;
    z *= 0xbf58476d1ce4e5b9ull;
    return (double)(z >> 56);
}

/* Arrays of a bandwidth kind: all, and inputs among them. */
int ceilings_arrays(enum ceilings_kind kind);
int ceilings_inputs(enum ceilings_kind kind);

/* Thread t's equal share of `total` among `threads`. */
size_t ceilings_share(size_t total, int t, int threads);

/* The placement of a bandwidth kind at a level for a team of `threads`;
 * -1 with sl_fail() when the level is not set up, unknown, or the team is
 * larger than the problem was set up for. */
int ceilings_place(const struct ceilings_problem *p, enum ceilings_kind kind,
                   enum ceilings_level level, int threads, struct ceilings_placement *out);

/* Parses a size ("auto", "l2:traffic=64M", "ws=32K:steps=1000", a preset);
 * -1 with sl_fail() and one line saying the syntax. */
int ceilings_parse_size(const char *text, struct ceilings_size *out);

/* The variants and, index for index, what each one is. */
struct ceilings_variant_spec {
    enum ceilings_kind kind;
    enum ceilings_level level; /* bandwidth kinds */
    int lanes;                 /* peak kinds */
};
extern const struct sl_variant ceilings_variants[];
extern const struct ceilings_variant_spec ceilings_specs[];

/* Work models, one per (kind, level) and per (precision, lanes). */
void ceilings_work_bandwidth(const void *problem, enum ceilings_kind kind,
                             enum ceilings_level level, struct sl_work *w);
void ceilings_work_peak(const void *problem, int lanes, struct sl_work *w);

extern const struct sl_workload ceilings_workload;

#endif
