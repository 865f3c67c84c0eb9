/* What this machine is and which of it this process may use (hwloc). */
#ifndef SL_MACHINE_H
#define SL_MACHINE_H

#include <hwloc.h>
#include <stdbool.h>

struct machine_cache {
    int level;
    char type[12];           /* "data", "unified", "instruction" */
    unsigned long long size; /* bytes, per instance */
    unsigned line, ways;     /* ways: 0 unknown, -1 stored as 0 for fully assoc. */
    int instances;
    int pus_per_instance;
};

struct machine {
    hwloc_topology_t topology;         /* the whole machine */
    hwloc_topology_t allowed_topology; /* restricted to `allowed` */
    hwloc_cpuset_t allowed;            /* affinity mask & cgroup cpuset */
    char cpu_model[128];
    char cpu_vendor[64];
    char isa[256];
    char hostname[128];
    char os[160];
    char allowed_list[256]; /* "0-1" */
    int packages, numa_nodes, cores_total, pus_total;
    int cores_allowed, pus_allowed;
    double memory_gib;
    struct machine_cache caches[8];
    int n_caches;
    double clock_ghz;      /* nominal maximum, NAN if unknown */
    char clock_source[96];
};

/* Peak FMA rate of the allowed cores: cores x clock x SIMD lanes x 2 FMA
 * units x 2 flops.  NAN (with the reason in basis) when the clock is unknown. */
double machine_peak_gflops(const struct machine *m, bool fp64, char *basis, size_t len);

int machine_load(struct machine *m);
void machine_free(struct machine *m);

#endif
