/* The machine's measured ceilings as roofs: a record of the `ceilings`
 * workload read as the bandwidth of each memory level and the fp32 and fp64
 * peaks, per thread count; and where a point (arithmetic intensity,
 * GFLOP/s) stands under them: the roof that bounds it.
 *
 * A roof is the best valid result of its kind at that thread count: the
 * bandwidth of a level is the highest of load, copy and triad over every
 * ISA at that level (what a kernel streaming from there can reach), a peak
 * the highest over ISAs.  Only sizes sized by the level rule count: a
 * ws=BYTES sweep runs every "level" at one working set, so its l1 variants
 * may have measured DRAM. */
#ifndef SL_ROOFS_H
#define SL_ROOFS_H

#include "results/model.h"

#include <stdbool.h>
#include <stddef.h>

enum roof_level { ROOF_L1, ROOF_L2, ROOF_L3, ROOF_DRAM, ROOF_LEVELS };
/* "L1", "L2", "L3", "DRAM". */
const char *roof_level_name(enum roof_level level);

/* One measured ceiling: value NAN and variant NULL when not measured. */
struct roof {
    double value;        /* GB/s or GFLOP/s */
    const char *variant; /* the ceilings variant that reached it */
};

struct roofs {
    int threads;
    struct roof bandwidth[ROOF_LEVELS]; /* GB/s */
    struct roof fp32, fp64;             /* GFLOP/s */
};

/* The roofs of one ceilings record, per thread count (ascending). */
struct roof_set {
    const struct sl_run *run;
    struct roofs *teams;
    int n_teams;
};

/* Whether a run is a record of the ceilings workload. */
bool roofs_is_ceilings(const struct sl_run *run);
/* The roofs of a ceilings record (out->n_teams 0 when it has no usable
 * result); 0, or -1 with sl_error() (not a ceilings record, out of memory). */
int roofs_from_run(const struct sl_run *run, struct roof_set *out);
void roofs_free(struct roof_set *s);
/* The roofs at exactly `threads`, or NULL. */
const struct roofs *roofs_at(const struct roof_set *s, int threads);

/* What bounds a point: among the roofs min(bandwidth x intensity, fp32
 * peak) of each measured level (the fp32 peak alone when no level is
 * measured), the lowest at or above the point; when the point is above
 * every roof, the highest.  The work model does not say the precision, so
 * the compute roof is the fp32 peak, the higher one; fp64_fraction says
 * the same point against the fp64 peak. */
struct roof_bound {
    const char *name;     /* "L2 roof", "fp32 peak" */
    double attainable;    /* GFLOP/s the roof allows at the point's intensity */
    double fraction;      /* achieved / attainable */
    double fp64_fraction; /* achieved / fp64 peak; NAN: not measured */
};
/* 0, or -1 when r holds no roof at all (out untouched). */
int roofs_bound(const struct roofs *r, double intensity, double gflops, struct roof_bound *out);

#endif
