/* ceilings: the cache levels of this machine as the kernels need them, and
 * the rule that sizes each level's working set per thread.
 *
 * The sizes come from Linux sysfs (/sys/devices/system/cpu/cpu0/cache/
 * index*: level, type, size, shared_cpu_list), read here because kit/sl.h
 * offers kernels only the last-level total (sl_last_level_cache_bytes, from
 * hwloc), not the size of one instance of each level nor how many CPUs share
 * it.
 *
 * Sizing (likwid-bench's -w semantics: a working set is shared out among the
 * threads, and each thread's share must fit its share of the level):
 *
 *     l1, l2:  size of one instance / 2 / min(threads, CPUs sharing it)
 *     l3:      min(L3 share / 2, 4 x L2 share), and at least 2 x L2 share
 *     dram:    4 x the last-level caches of the machine / threads
 *
 * So a thread's data fill half of what a private level holds for it, and
 * the DRAM working set is four times every cache together, as STREAM asks.
 * The L3 working set is the smallest that clears the thread's L2 (four
 * times it, so a cyclic sweep finds nothing there), not half the L3: in a
 * virtual machine sysfs reports the whole host socket's L3 (260 MiB on this
 * project's 2-vCPU VM) while the guest's CPUs get a small part of it, and
 * half of the nominal L3 measured DRAM (the plateau there ends near 32 MiB).
 * When the L3 share of a thread is under twice its L2 share (many threads
 * on an L3 no larger per core than L2) no working set lies in L3 alone, and
 * the level is not measured (0: unknown).  The rule assumes compact
 * placement (speedlab's default), where the threads fill one cache instance
 * before the next.
 */
#ifndef SL_CEILINGS_CACHES_H
#define SL_CEILINGS_CACHES_H

#include <stddef.h>

enum ceilings_level { CEILINGS_L1, CEILINGS_L2, CEILINGS_L3, CEILINGS_DRAM, CEILINGS_LEVELS };

/* "l1", "l2", "l3", "dram". */
const char *ceilings_level_name(enum ceilings_level level);

struct ceilings_cache {
    size_t size; /* bytes of one instance; 0: this machine has none, or it is unknown */
    int sharing; /* CPUs that share one instance (>= 1 when size > 0) */
};

struct ceilings_caches {
    struct ceilings_cache level[3]; /* L1d, L2, L3 */
    size_t llc_total; /* every instance of the largest cache together (hwloc); 0: unknown */
};

/* Reads the data and unified caches of one CPU from a sysfs cache folder
 * (normally /sys/devices/system/cpu/cpu0/cache) into out->level; a level
 * sysfs does not list stays 0, and llc_total is left 0 for the caller.  -1
 * with sl_fail() when the folder lists no data cache at all. */
int ceilings_caches_read(const char *folder, struct ceilings_caches *out);

/* Bytes of one thread's working set (every array of a kernel together) at
 * `level` when `threads` threads run; 0 when the level's size is unknown or
 * (l3) no working set lies in it alone. */
size_t ceilings_thread_bytes(const struct ceilings_caches *c, enum ceilings_level level,
                             int threads);

#endif
