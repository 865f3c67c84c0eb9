#include "measure/machine.h"

#include "measure/platform.h"

#include "kit/sl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static void copy_info(hwloc_topology_t topo, const char *key, char *dst, size_t len)
{
    hwloc_obj_t obj = NULL;
    while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PACKAGE, obj))) {
        const char *v = hwloc_obj_get_info_by_name(obj, key);
        if (v) {
            snprintf(dst, len, "%s", v);
            return;
        }
    }
    snprintf(dst, len, "unavailable (hwloc reports no %s)", key);
}

static int count_intersecting(hwloc_topology_t topo, hwloc_obj_type_t type, hwloc_const_cpuset_t set)
{
    int n = 0;
    hwloc_obj_t obj = NULL;
    while ((obj = hwloc_get_next_obj_by_type(topo, type, obj)))
        n += hwloc_bitmap_intersects(obj->cpuset, set);
    return n;
}

static void load_caches(struct machine *m)
{
    static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L1CACHE,
                                             HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
                                             HWLOC_OBJ_L4CACHE};
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        int count = hwloc_get_nbobjs_by_type(m->topology, types[t]);
        hwloc_obj_t obj = hwloc_get_obj_by_type(m->topology, types[t], 0);
        if (!obj || m->desc.n_caches >= SL_MAX_CACHES)
            continue;
        struct sl_cache_desc *c = &m->desc.caches[m->desc.n_caches++];
        c->level = (int)obj->attr->cache.depth;
        snprintf(c->type, sizeof c->type, "%s",
                 obj->attr->cache.type == HWLOC_OBJ_CACHE_UNIFIED       ? "unified"
                 : obj->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
                                                                        : "data");
        c->size = obj->attr->cache.size;
        c->line = obj->attr->cache.linesize;
        c->ways = obj->attr->cache.associativity > 0 ? (unsigned)obj->attr->cache.associativity : 0;
        c->instances = count;
        c->pus_per_instance = hwloc_bitmap_weight(obj->cpuset);
    }
}

static void load_clock(struct machine *m)
{
    m->clock_ghz = NAN;
    FILE *fp = fopen("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "r");
    double khz;
    if (fp) {
        if (fscanf(fp, "%lf", &khz) == 1 && khz > 0) {
            m->clock_ghz = khz / 1e6;
            snprintf(m->clock_source, sizeof m->clock_source, "cpufreq cpuinfo_max_freq");
        }
        fclose(fp);
    }
    if (!isnan(m->clock_ghz))
        return;
    fp = fopen("/proc/cpuinfo", "r");
    char line[256];
    double mhz;
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "cpu MHz : %lf", &mhz) == 1 && mhz > 0) {
            m->clock_ghz = mhz / 1e3;
            snprintf(m->clock_source, sizeof m->clock_source,
                     "/proc/cpuinfo cpu MHz as reported (no cpufreq; the cores may run faster)");
            break;
        }
    if (fp)
        fclose(fp);
    if (isnan(m->clock_ghz))
        snprintf(m->clock_source, sizeof m->clock_source, "no cpufreq and no cpu MHz");
}

/* Peak FMA rate of the allowed cores; NAN (with the reason in basis) when
 * the clock is unknown. */
static double peak_gflops(const struct machine *m, bool fp64, char *basis, size_t len)
{
    int bits = sl_isa_missing(SL_ISA_AVX512F) == NULL ? 512
               : sl_isa_missing(SL_ISA_AVX2) == NULL  ? 256
                                                      : 128;
    int lanes = bits / (fp64 ? 64 : 32);
    if (isnan(m->clock_ghz)) {
        snprintf(basis, len, "unavailable (clock unknown: %s)", m->clock_source);
        return NAN;
    }
    /* Two FMA pipes per core is what current x86 server cores have (Zen 3/4,
     * Skylake-SP and later Xeons with two 512-bit units); it is an assumption,
     * stated, not a measurement. */
    snprintf(basis, len,
             "%d cores x %.3g GHz (%s) x %d %s lanes (%d-bit) x 2 FMA units (assumed) x 2 flops",
             m->desc.cores_allowed, m->clock_ghz, m->clock_source, lanes, fp64 ? "fp64" : "fp32", bits);
    return m->desc.cores_allowed * m->clock_ghz * lanes * 2.0 * 2.0;
}

int machine_load(struct machine *m)
{
    memset(m, 0, sizeof *m);
    /* Instruction caches are filtered out unless asked for (valgrind's I1). */
    if (hwloc_topology_init(&m->topology) != 0 ||
        hwloc_topology_set_icache_types_filter(m->topology, HWLOC_TYPE_FILTER_KEEP_ALL) != 0 ||
        hwloc_topology_load(m->topology) != 0)
        return sl_fail("hwloc cannot read this machine's topology: %s", strerror(errno));

    /* The process may be limited by an affinity mask (taskset, a batch
     * scheduler) and by a cgroup cpuset; the usable set is both. */
    m->allowed = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(m->topology));
    hwloc_cpuset_t bound = hwloc_bitmap_alloc();
    if (!m->allowed || !bound)
        return sl_fail("out of memory");
    if (hwloc_get_cpubind(m->topology, bound, HWLOC_CPUBIND_THREAD) == 0)
        hwloc_bitmap_and(m->allowed, m->allowed, bound);
    hwloc_bitmap_free(bound);
    if (hwloc_bitmap_iszero(m->allowed))
        return sl_fail("this process may not run on any CPU hwloc knows about");
    hwloc_bitmap_list_snprintf(m->desc.allowed_list, sizeof m->desc.allowed_list, m->allowed);

    if (hwloc_topology_dup(&m->allowed_topology, m->topology) != 0 ||
        hwloc_topology_restrict(m->allowed_topology, m->allowed, 0) != 0)
        return sl_fail("hwloc cannot restrict the topology to CPUs %s", m->desc.allowed_list);

    m->desc.packages = hwloc_get_nbobjs_by_type(m->topology, HWLOC_OBJ_PACKAGE);
    m->desc.numa_nodes = hwloc_get_nbobjs_by_type(m->topology, HWLOC_OBJ_NUMANODE);
    m->desc.cores_total = hwloc_get_nbobjs_by_type(m->topology, HWLOC_OBJ_CORE);
    m->desc.pus_total = hwloc_get_nbobjs_by_type(m->topology, HWLOC_OBJ_PU);
    m->desc.cores_allowed = count_intersecting(m->topology, HWLOC_OBJ_CORE, m->allowed);
    m->desc.pus_allowed = hwloc_bitmap_weight(m->allowed);
    /* The kernel's count: hwloc's NUMA figures can be partial inside VMs. */
    m->desc.memory_gib = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) /
                    (1024.0 * 1024.0 * 1024.0);

    copy_info(m->topology, "CPUModel", m->desc.cpu_model, sizeof m->desc.cpu_model);
    copy_info(m->topology, "CPUVendor", m->desc.cpu_vendor, sizeof m->desc.cpu_vendor);
    platform_describe(&m->desc);
    sl_isa_describe(m->desc.isa, sizeof m->desc.isa);
    load_caches(m);
    load_clock(m);
    char basis64[sizeof m->desc.peak_basis];
    m->desc.peak_gflops_fp32 = peak_gflops(m, false, m->desc.peak_basis, sizeof m->desc.peak_basis);
    m->desc.peak_gflops_fp64 = peak_gflops(m, true, basis64, sizeof basis64);

    if (gethostname(m->desc.hostname, sizeof m->desc.hostname) != 0)
        snprintf(m->desc.hostname, sizeof m->desc.hostname, "unavailable (%s)", strerror(errno));
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(m->desc.os, sizeof m->desc.os, "%.20s %.100s %.20s", u.sysname, u.release, u.machine);
    return 0;
}

void machine_free(struct machine *m)
{
    if (m->allowed)
        hwloc_bitmap_free(m->allowed);
    if (m->allowed_topology)
        hwloc_topology_destroy(m->allowed_topology);
    if (m->topology)
        hwloc_topology_destroy(m->topology);
    memset(m, 0, sizeof *m);
}

/* The sum over instances of the largest data or unified cache: what a
 * STREAM-style array must exceed, whichever cores the run uses. */
size_t sl_last_level_cache_bytes(void)
{
    static size_t cached;
    static bool known;
    if (known)
        return cached;
    hwloc_topology_t topology;
    if (hwloc_topology_init(&topology) != 0)
        return 0;
    if (hwloc_topology_load(topology) == 0) {
        for (int depth = 0; depth < hwloc_topology_get_depth(topology); depth++) {
            hwloc_obj_t obj = hwloc_get_obj_by_depth(topology, depth, 0);
            if (!obj || !hwloc_obj_type_is_dcache(obj->type))
                continue;
            size_t total = (size_t)obj->attr->cache.size *
                           (size_t)hwloc_get_nbobjs_by_depth(topology, depth);
            if ((size_t)obj->attr->cache.size > 0 && total > cached)
                cached = total;
        }
    }
    hwloc_topology_destroy(topology);
    known = true;
    return cached;
}
