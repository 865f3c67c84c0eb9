/* What this machine is and which of it this process may use (hwloc). */
#ifndef SL_MACHINE_H
#define SL_MACHINE_H

#include "results/model.h"

#include <hwloc.h>
#include <stdbool.h>

struct machine {
    hwloc_topology_t topology;         /* the whole machine */
    hwloc_topology_t allowed_topology; /* restricted to `allowed` */
    hwloc_cpuset_t allowed;            /* affinity mask & cgroup cpuset */
    /* What the record keeps, the nominal FMA peak included: allowed cores
     * x clock x SIMD lanes x 2 FMA units x 2 flops. */
    struct sl_machine_desc desc;
    double clock_ghz; /* nominal maximum, NAN if unknown */
    char clock_source[96];
};

int machine_load(struct machine *m);
void machine_free(struct machine *m);

#endif
