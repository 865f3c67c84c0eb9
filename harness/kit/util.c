#include "kit/util.h"

#include "kit/sl.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char error_message[512];

int sl_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error_message, sizeof error_message, fmt, ap);
    va_end(ap);
    /* One line by construction: a message may quote a file's own bytes (a
     * dtype, a JSON token), and a newline or terminal escape in them must not
     * reach the user's terminal or break the one-line contract. */
    for (unsigned char *c = (unsigned char *)error_message; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            *c = '?';
    return -1;
}

const char *sl_error(void)
{
    return error_message[0] ? error_message : "unknown error";
}

static const char *const schedule_names[SL_SCHED_COUNT] = {"static", "dynamic", "guided",
                                                           "fusedindex"};

const char *sl_schedule_name(enum sl_schedule s)
{
    return (unsigned)s < SL_SCHED_COUNT ? schedule_names[s] : "?";
}

int sl_schedule_parse(const char *name, enum sl_schedule *out)
{
    for (int s = 0; s < SL_SCHED_COUNT; s++)
        if (strcmp(name, schedule_names[s]) == 0) {
            *out = (enum sl_schedule)s;
            return 0;
        }
    return sl_fail("unknown schedule '%s' (expected static, dynamic, guided, fusedindex or all)",
                   name);
}

const char *sl_axis(const char *value)
{
    return value ? value : "-";
}

struct isa_name {
    unsigned bit;
    const char *name;
};
static const struct isa_name isa_names[] = {
    {SL_ISA_POPCNT, "popcnt"},       {SL_ISA_AVX2, "avx2"},
    {SL_ISA_FMA, "fma"},             {SL_ISA_AVX512F, "avx512f"},
    {SL_ISA_AVX512BW, "avx512bw"},   {SL_ISA_AVX512VL, "avx512vl"},
    {SL_ISA_AVX512VPOPCNTDQ, "avx512vpopcntdq"},
};

static bool isa_has(unsigned bit)
{
    __builtin_cpu_init();
    switch (bit) {
    case SL_ISA_POPCNT: return __builtin_cpu_supports("popcnt");
    case SL_ISA_AVX2: return __builtin_cpu_supports("avx2");
    case SL_ISA_FMA: return __builtin_cpu_supports("fma");
    case SL_ISA_AVX512F: return __builtin_cpu_supports("avx512f");
    case SL_ISA_AVX512BW: return __builtin_cpu_supports("avx512bw");
    case SL_ISA_AVX512VL: return __builtin_cpu_supports("avx512vl");
    case SL_ISA_AVX512VPOPCNTDQ: return __builtin_cpu_supports("avx512vpopcntdq");
    }
    return false;
}

const char *sl_isa_missing(unsigned required)
{
    for (size_t i = 0; i < sizeof isa_names / sizeof isa_names[0]; i++)
        if ((required & isa_names[i].bit) && !isa_has(isa_names[i].bit))
            return isa_names[i].name;
    return NULL;
}

void sl_isa_describe(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof isa_names / sizeof isa_names[0]; i++)
        if (isa_has(isa_names[i].bit) && used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
                                     isa_names[i].name);
}

void util_make_utf8(char *text)
{
    unsigned char *c = (unsigned char *)text;
    while (*c) {
        int len = *c < 0x80 ? 1 : (*c & 0xe0) == 0xc0 ? 2 : (*c & 0xf0) == 0xe0 ? 3
                              : (*c & 0xf8) == 0xf0 ? 4 : 0;
        int ok = len > 0 && !(len == 2 && *c < 0xc2);
        for (int i = 1; ok && i < len; i++)
            ok = (c[i] & 0xc0) == 0x80;
        if (!ok) {
            *c++ = '?';
            continue;
        }
        c += len;
    }
}

double util_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double util_clock_resolution(void)
{
    struct timespec ts;
    if (clock_getres(CLOCK_MONOTONIC, &ts) != 0)
        return NAN;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void *util_alloc(size_t count, size_t size, const char *what)
{
    if (size && count > SIZE_MAX / size) {
        sl_fail("%s: size overflows (%zu x %zu bytes)", what, count, size);
        return NULL;
    }
    size_t bytes = count * size;
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        sl_fail("%s: out of memory (%.1f MiB)", what, (double)count * (double)size / 1048576.0);
    return p;
}

void *util_alloc_aligned(size_t count, size_t size, const char *what)
{
    if (size && count > (SIZE_MAX - 64) / size) {
        sl_fail("%s: size overflows (%zu x %zu bytes)", what, count, size);
        return NULL;
    }
    size_t bytes = (count * size + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes ? bytes : 64);
    if (!p)
        sl_fail("%s: out of memory (%.1f MiB)", what, (double)bytes / 1048576.0);
    return p;
}

int util_split(const char *list, char ***items)
{
    int count = 1;
    for (const char *c = list; *c; c++)
        count += *c == ',';
    char **out = calloc((size_t)count, sizeof *out);
    if (!out)
        return sl_fail("out of memory");
    const char *start = list;
    for (int i = 0; i < count; i++) {
        const char *end = strchr(start, ',');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        out[i] = strndup(start, len);
        if (!out[i]) {
            util_free_list(out, i);
            return sl_fail("out of memory");
        }
        if (len == 0) {
            util_free_list(out, i + 1);
            return sl_fail("empty item in list '%s'", list);
        }
        start = end ? end + 1 : start + len;
    }
    *items = out;
    return count;
}

void util_free_list(char **items, int count)
{
    if (!items)
        return;
    for (int i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

int util_parse_long(const char *text, long min, long max, const char *what, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max)
        return sl_fail("%s must be an integer in [%ld, %ld], got '%s'", what, min, max, text);
    *out = v;
    return 0;
}

int util_parse_double(const char *text, double min, double max, const char *what, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !(v >= min && v <= max))
        return sl_fail("%s must be a number in [%g, %g], got '%s'", what, min, max, text);
    *out = v;
    return 0;
}
