#include "kit/memory.h"

#include "kit/sl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int mem_parse_bytes(const char *text, const char *what, double *bytes)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || errno != 0 || !isfinite(value) || value <= 0)
        return sl_fail("%s: expected a positive size like 512M, 2G or 800000000; got '%s'", what,
                       text);
    static const struct {
        const char *suffix;
        double scale;
    } units[] = {{"", 1},          {"B", 1},
                 {"K", 0x1p10},    {"KiB", 0x1p10}, {"KB", 0x1p10},
                 {"M", 0x1p20},    {"MiB", 0x1p20}, {"MB", 0x1p20},
                 {"G", 0x1p30},    {"GiB", 0x1p30}, {"GB", 0x1p30},
                 {"T", 0x1p40},    {"TiB", 0x1p40}, {"TB", 0x1p40}};
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        if (strcasecmp(end, units[u].suffix) == 0) {
            *bytes = floor(value * units[u].scale);
            if (!isfinite(*bytes))
                return sl_fail("%s: '%s' is too large to be a size", what, text);
            if (*bytes < 1)
                break;
            return 0;
        }
    return sl_fail("%s: expected a positive size like 512M, 2G or 800000000; got '%s'", what, text);
}

void mem_format_bytes(double bytes, char *buf, size_t len)
{
    static const char *const names[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < 4 && fabs(bytes) >= 1024) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, names[u]);
}

static int status_field(const char *key, size_t *bytes)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp)
        return sl_fail("/proc/self/status: %s", strerror(errno));
    char line[256];
    size_t key_len = strlen(key);
    int rc = sl_fail("/proc/self/status has no %s line", key);
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
            unsigned long long kib;
            if (sscanf(line + key_len + 1, "%llu kB", &kib) == 1) {
                *bytes = (size_t)kib * 1024;
                rc = 0;
            }
            break;
        }
    fclose(fp);
    return rc;
}

int mem_rss_now(size_t *bytes)
{
    return status_field("VmRSS", bytes);
}

int mem_rss_peak(size_t *bytes)
{
    return status_field("VmHWM", bytes);
}

int mem_rss_peak_reset(void)
{
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    if (!fp)
        return sl_fail("cannot reset the peak resident set (/proc/self/clear_refs: %s)",
                       strerror(errno));
    int ok = fputs("5", fp) >= 0;
    ok &= fclose(fp) == 0;
    return ok ? 0 : sl_fail("cannot reset the peak resident set (clear_refs refused '5')");
}
