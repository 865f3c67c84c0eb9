/* "Did you mean" (cli/suggest.c): the closest name by optimal string
 * alignment distance, only when it is a likely misspelling, the first of
 * equals, and the hint text either way. */
#include "check.h"

#include "cli/suggest.h"

#include <stdbool.h>
#include <string.h>

/* The suggestion for `given` among `names` (NULL-terminated), or NULL. */
static const char *closest(const char *given, const char *const *names)
{
    struct suggestion s;
    suggest_begin(&s, given);
    for (size_t i = 0; names[i]; i++)
        suggest_consider(&s, names[i]);
    return s.best;
}

static bool is(const char *got, const char *want)
{
    return got && want ? strcmp(got, want) == 0 : got == want;
}

int main(void)
{
    static const char *const kernels[] = {"cosine", "pairsum", "gmm", "cdist", "stream", NULL};
    static const char *const options[] = {"variants", "schedules", "threads", "threshold",
                                          "size", "sizes", NULL};
    static const char *const commands[] = {"list", "info", "run", "plot", "compare", NULL};

    /* one edit of each kind */
    CHECK(is(closest("cosin", kernels), "cosine"), "deletion");
    CHECK(is(closest("cosinee", kernels), "cosine"), "insertion");
    CHECK(is(closest("cosime", kernels), "cosine"), "substitution");
    CHECK(is(closest("varaints", options), "variants"), "a swap of neighbours counts one");
    CHECK(is(closest("lsit", commands), "list"), "a swap in a short name");
    /* the closest wins; among equals the first */
    CHECK(is(closest("sizez", options), "size"), "size and sizes are both 1 away: the first");
    CHECK(is(closest("threds", options), "threads"), "threads (1) over threshold (3)");
    CHECK(is(closest("cdsit", kernels), "cdist"), "swap");
    /* nothing when nothing is close: within a third of the longer name */
    CHECK(is(closest("nosuch", kernels), NULL), "nosuch is no kernel's misspelling");
    CHECK(is(closest("frobnicate", commands), NULL), "nor frobnicate a command's");
    CHECK(is(closest("xyz", commands), NULL), "3 letters allow 1 edit");
    CHECK(is(closest("rn", commands), "run"), "2 letters allow 1 edit");
    CHECK(is(closest("cosine", kernels), NULL), "an exact name is not a misspelling");
    CHECK(is(closest("", commands), NULL), "empty");
    char longer[200];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    CHECK(is(closest(longer, commands), NULL), "a name longer than any known is refused, not read past");

    char hint[128];
    struct suggestion s;
    suggest_begin(&s, "varaints");
    for (size_t i = 0; options[i]; i++)
        suggest_consider(&s, options[i]);
    CHECK(strcmp(suggest_hint(&s, "--", " (see help)", hint, sizeof hint),
                 "; did you mean '--variants'?") == 0,
          "hint: %s", hint);
    suggest_begin(&s, "zzz");
    CHECK(strcmp(suggest_hint(&s, "--", " (see help)", hint, sizeof hint), " (see help)") == 0,
          "no hint: the other text");
    return check_report("suggest");
}
