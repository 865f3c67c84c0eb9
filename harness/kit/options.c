#include "kit/options.h"

#include "kit/memory.h"
#include "kit/sl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t sl_options_count(const struct sl_option *rows)
{
    size_t n = 0;
    while (rows && rows[n].name)
        n++;
    return n;
}

const struct sl_option *sl_options_find(const struct sl_option *rows, const char *name)
{
    for (size_t i = 0; rows && rows[i].name; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

/* The integer `arg` within the row's range and the member's type. */
static int parse_integer(const struct sl_option *row, const char *arg, long long type_min,
                         long long type_max, long long *out)
{
    long long min = row->ints.min > type_min ? row->ints.min : type_min;
    long long max = row->ints.max < type_max ? row->ints.max : type_max;
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end != '\0' || v < min || v > max)
        return sl_fail("--%s must be an integer in [%lld, %lld], got '%s'", row->name, min, max,
                       arg);
    *out = v;
    return 0;
}

int sl_option_real(const struct sl_option *row, const char *arg, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end != '\0' || !(v >= row->reals.min && v <= row->reals.max))
        return sl_fail("--%s must be a number in [%g, %g], got '%s'", row->name, row->reals.min,
                       row->reals.max, arg);
    *out = v;
    return 0;
}

/* PCT or PCT%, stored as a fraction. */
static int parse_percent(const struct sl_option *row, const char *arg, double *out)
{
    char text[64];
    snprintf(text, sizeof text, "%s", arg);
    size_t len = strlen(text);
    if (len && text[len - 1] == '%')
        text[len - 1] = '\0';
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !(v >= row->reals.min && v <= row->reals.max))
        return sl_fail("--%s (percent) must be a number in [%g, %g], got '%s'", row->name,
                       row->reals.min, row->reals.max, arg);
    *out = v / 100;
    return 0;
}

/* A size with its unit, held to the range once the unit is applied. */
static int parse_bytes(const struct sl_option *row, const char *arg, double *out)
{
    char what[80], low[32], high[32];
    snprintf(what, sizeof what, "--%s", row->name);
    double v;
    if (mem_parse_bytes(arg, what, &v) != 0)
        return -1;
    if (!(v >= row->reals.min && v <= row->reals.max)) {
        mem_format_bytes(row->reals.min, low, sizeof low);
        mem_format_bytes(row->reals.max, high, sizeof high);
        return sl_fail("--%s must be a size from %s to %s, got '%s' (%g bytes)", row->name, low,
                       high, arg, v);
    }
    *out = v;
    return 0;
}

static int parse_choice(const struct sl_option *row, const char *arg, int *out)
{
    int n = 0;
    for (; row->choices[n]; n++)
        if (strcmp(row->choices[n], arg) == 0) {
            *out = n;
            return 0;
        }
    char words[256] = "";
    size_t used = 0;
    for (int i = 0; i < n && used < sizeof words; i++)
        used += (size_t)snprintf(words + used, sizeof words - used, "%s%s",
                                 i == 0 ? "" : i == n - 1 ? " or " : ", ", row->choices[i]);
    return sl_fail("--%s must be %s, not '%s'", row->name, words, arg);
}

int sl_option_apply(const struct sl_option *row, const char *arg, void *options)
{
    char *member = (char *)options + row->offset;
    long long v = 0;
    int rc = 0;
    switch (row->kind) {
    case SL_OPTION_FLAG: *(bool *)member = true; break;
    case SL_OPTION_TEXT: *(const char **)member = arg; break;
    case SL_OPTION_INT:
        rc = parse_integer(row, arg, INT_MIN, INT_MAX, &v);
        if (rc == 0)
            *(int *)member = (int)v;
        break;
    case SL_OPTION_SIZE:
        rc = parse_integer(row, arg, 0, SIZE_MAX < LLONG_MAX ? (long long)SIZE_MAX : LLONG_MAX,
                           &v);
        if (rc == 0)
            *(size_t *)member = (size_t)v;
        break;
    case SL_OPTION_U64:
        rc = parse_integer(row, arg, 0, LLONG_MAX, &v);
        if (rc == 0)
            *(uint64_t *)member = (uint64_t)v;
        break;
    case SL_OPTION_REAL: rc = sl_option_real(row, arg, (double *)member); break;
    case SL_OPTION_PERCENT: rc = parse_percent(row, arg, (double *)member); break;
    case SL_OPTION_BYTES: rc = parse_bytes(row, arg, (double *)member); break;
    case SL_OPTION_CHOICE: rc = parse_choice(row, arg, (int *)member); break;
    case SL_OPTION_CUSTOM: rc = row->parse(row, arg, options); break;
    }
    return rc;
}

int sl_options_defaults(const struct sl_option *rows, void *options)
{
    for (size_t i = 0; rows && rows[i].name; i++)
        if (rows[i].def && sl_option_apply(&rows[i], rows[i].def, options) != 0) {
            char why[256];
            snprintf(why, sizeof why, "%s", sl_error());
            return sl_fail("option table: the default of --%s does not parse: %s", rows[i].name,
                           why);
        }
    return 0;
}

double sl_option_facts_number(const struct sl_option_facts *f, const char *key)
{
    for (int i = 0; f && i < f->n; i++)
        if (strcmp(f->facts[i].key, key) == 0 && !f->facts[i].text)
            return isfinite(f->facts[i].number) ? f->facts[i].number : NAN;
    return NAN;
}
