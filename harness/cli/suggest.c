#include "cli/suggest.h"

#include "kit/sl.h"

#include <stdio.h>
#include <string.h>

/* Names longer than this are no one's misspelling of a name we know. */
enum { SUGGEST_MAX_LEN = 64 };

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* The optimal string alignment distance of a and b (each at most
 * SUGGEST_MAX_LEN long), with three rows of the usual table. */
static size_t osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < cur[j])
                cur[j] = before[j - 2] + 1;
        }
        size_t *spare = before;
        before = prev;
        prev = cur;
        cur = spare;
    }
    return prev[lb];
}

void suggest_begin(struct suggestion *s, const char *given)
{
    *s = (struct suggestion){.given = given};
}

void suggest_consider(struct suggestion *s, const char *candidate)
{
    size_t lg = strlen(s->given), lc = strlen(candidate);
    if (lg > SUGGEST_MAX_LEN || lc > SUGGEST_MAX_LEN || strcmp(s->given, candidate) == 0)
        return;
    size_t longer = lg > lc ? lg : lc;
    size_t allowed = longer / 3 > 1 ? longer / 3 : 1;
    size_t d = osa_distance(s->given, lg, candidate, lc);
    if (d <= allowed && (!s->best || d < s->distance)) {
        s->best = candidate;
        s->distance = d;
    }
}

const char *suggest_hint(const struct suggestion *s, const char *prefix, const char *otherwise,
                         char *out, size_t len)
{
    if (s->best)
        snprintf(out, len, "; did you mean '%s%s'?", prefix, s->best);
    else
        snprintf(out, len, "%s", otherwise);
    return out;
}

int suggest_fail_kernel(const char *name)
{
    size_t n;
    const struct sl_workload *const *all = sl_workloads(&n);
    struct suggestion s;
    suggest_begin(&s, name);
    for (size_t k = 0; k < n; k++)
        suggest_consider(&s, all[k]->name);
    char hint[128];
    return sl_fail("unknown kernel '%s'%s", name,
                   suggest_hint(&s, "", " (see 'speedlab list')", hint, sizeof hint));
}
