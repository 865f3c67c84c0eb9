/* "Did you mean": the known name closest to a misspelt one (a command, a
 * kernel, a variant, an option), by the optimal string alignment distance
 * (Damerau-Levenshtein where no substring is edited twice: insertions,
 * deletions, substitutions and swaps of two neighbours count 1 each). */
#ifndef SL_CLI_SUGGEST_H
#define SL_CLI_SUGGEST_H

#include <stddef.h>

/* The closest candidate seen so far; zero it with suggest_begin. */
struct suggestion {
    const char *given;
    const char *best; /* NULL: none close enough */
    size_t distance;
};

void suggest_begin(struct suggestion *s, const char *given);
/* Considers one candidate: kept when it is a likely misspelling of the
 * given name (within a third of the longer name's length, at least 1) and
 * closer than every earlier one (the first of equals wins). */
void suggest_consider(struct suggestion *s, const char *candidate);
/* "; did you mean 'NAME'?" (with `prefix` in front of the name, e.g. "--"),
 * or `otherwise` when no candidate was close; into out[len]. */
const char *suggest_hint(const struct suggestion *s, const char *prefix, const char *otherwise,
                         char *out, size_t len);

/* sl_fail's "unknown kernel 'NAME'" with the closest kernel, or the hint to
 * 'speedlab list'; returns -1. */
int suggest_fail_kernel(const char *name);

#endif
