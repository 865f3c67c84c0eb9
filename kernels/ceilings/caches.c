#include "ceilings/caches.h"

#include "kit/memory.h"
#include "kit/sl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ceilings_level_name(enum ceilings_level level)
{
    static const char *const names[] = {"l1", "l2", "l3", "dram"};
    return level < CEILINGS_LEVELS ? names[level] : "?";
}

/* The first line of folder/name, without its newline; false if unreadable. */
static bool read_line(const char *folder, const char *name, char *buf, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return false;
    bool ok = fgets(buf, (int)len, fp) != NULL;
    fclose(fp);
    buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

/* CPUs in a list such as "0-3,8,10-11"; 0 if it is not one. */
static int count_cpus(const char *list)
{
    int count = 0;
    const char *c = list;
    while (*c) {
        char *end;
        long first = strtol(c, &end, 10), last = first;
        if (end == c || first < 0)
            return 0;
        if (*end == '-') {
            c = end + 1;
            last = strtol(c, &end, 10);
            if (end == c || last < first)
                return 0;
        }
        count += (int)(last - first + 1);
        if (*end != ',' && *end != '\0')
            return 0;
        c = *end == ',' ? end + 1 : end;
    }
    return count;
}

int ceilings_caches_read(const char *folder, struct ceilings_caches *out)
{
    memset(out, 0, sizeof *out);
    int found = 0;
    for (int index = 0; index < 16; index++) {
        char dir[400], level[16], type[32], size[32], shared[256];
        snprintf(dir, sizeof dir, "%s/index%d", folder, index);
        if (!read_line(dir, "level", level, sizeof level) ||
            !read_line(dir, "type", type, sizeof type) || !read_line(dir, "size", size, sizeof size))
            continue;
        if (strcmp(type, "Data") != 0 && strcmp(type, "Unified") != 0)
            continue;
        int l = atoi(level);
        double bytes;
        if (l < 1 || l > 3 || mem_parse_bytes(size, "sysfs cache size", &bytes) != 0)
            continue;
        int sharing = read_line(dir, "shared_cpu_list", shared, sizeof shared) ? count_cpus(shared)
                                                                               : 0;
        out->level[l - 1].size = (size_t)bytes;
        out->level[l - 1].sharing = sharing > 0 ? sharing : 1;
        found++;
    }
    if (!found)
        return sl_fail("ceilings: no data cache listed under %s", folder);
    return 0;
}

/* One thread's share of a cache level's instance (0: unknown). */
static size_t thread_share(const struct ceilings_cache *cache, int threads)
{
    int sharers = threads < cache->sharing ? threads : cache->sharing > 1 ? cache->sharing : 1;
    return cache->size / (size_t)sharers;
}

size_t ceilings_thread_bytes(const struct ceilings_caches *c, enum ceilings_level level,
                             int threads)
{
    if (threads < 1)
        threads = 1;
    if (level == CEILINGS_DRAM)
        return 4 * c->llc_total / (size_t)threads;
    size_t share = thread_share(&c->level[level], threads);
    if (level != CEILINGS_L3)
        return share / 2;
    size_t l2 = thread_share(&c->level[CEILINGS_L2], threads);
    size_t cap = l2 ? 4 * l2 : share / 2;
    size_t bytes = share / 2 < cap ? share / 2 : cap;
    return bytes >= 2 * l2 ? bytes : 0;
}
