#include "kit/workload_kit.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sl_rng_normal_pair(uint64_t *state, double out[2])
{
    double r = sqrt(-2.0 * log(sl_rng_uniform01(state)));
    double t = 2.0 * M_PI * sl_rng_uniform01(state);
    out[0] = r * cos(t);
    out[1] = r * sin(t);
}

static int dims_error(const char *workload, const char *text, const struct sl_preset *presets,
                      const char *syntax)
{
    char names[256] = "";
    size_t used = 0;
    for (const struct sl_preset *p = presets; p && p->name && used < sizeof names; p++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                                 p->name);
    return sl_fail("%s: size must be a preset (%s) or %s; got '%s'", workload, names, syntax,
                   text);
}

int sl_parse_dims(const char *workload, const char *text, const struct sl_preset *presets,
                  const char *syntax, size_t *dims, int n_dims, size_t max_dim)
{
    const char *given = text;
    for (const struct sl_preset *p = presets; p && p->name; p++)
        if (strcmp(text, p->name) == 0)
            text = p->size;
    const char *c = text;
    for (int i = 0; i < n_dims; i++) {
        if (*c < '0' || *c > '9')
            return dims_error(workload, given, presets, syntax);
        errno = 0;
        char *end;
        unsigned long long v = strtoull(c, &end, 10);
        if (errno == ERANGE || v > max_dim)
            return sl_fail("%s: '%s' is too large (each dimension at most %zu)", workload, given,
                           max_dim);
        if (v == 0)
            return dims_error(workload, given, presets, syntax);
        dims[i] = (size_t)v;
        c = end;
        if (i + 1 < n_dims) {
            if (*c != 'x')
                return dims_error(workload, given, presets, syntax);
            c++;
        }
    }
    if (*c != '\0')
        return dims_error(workload, given, presets, syntax);
    return 0;
}

/* MemAvailable counts reclaimable page cache; MemFree alone would refuse
 * sizes that fit right after a big build. */
static double available_memory_bytes(void)
{
    FILE *fp = fopen("/proc/meminfo", "r");
    char line[128];
    double kib = -1;
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1)
            break;
    if (fp)
        fclose(fp);
    if (kib > 0)
        return kib * 1024.0;
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
}

int sl_check_memory(const char *workload, const char *size, double bytes, const char *what)
{
    double avail = available_memory_bytes();
    if (bytes > 0.8 * avail)
        return sl_fail("%s: %s needs %.1f GiB (%s) but %.1f GiB is available; use a smaller size",
                       workload, size, bytes / 1073741824.0, what, avail / 1073741824.0);
    return 0;
}
