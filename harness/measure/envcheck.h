/* What the system does to timings, checked before a run and kept in its
 * record: frequency governor, turbo, SMT, transparent huge pages, ASLR, load,
 * and a short noise probe (CV of a fixed spin loop).  What cannot be read is
 * "unavailable (reason)", never guessed. */
#ifndef SL_ENVCHECK_H
#define SL_ENVCHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

enum { ENV_GOVERNOR, ENV_TURBO, ENV_SMT, ENV_THP, ENV_ASLR, ENV_LOAD, ENV_NOISE, ENV_COUNT };

struct env_check {
    const char *name;  /* key in environment.checks */
    bool available;
    char value[160];   /* what was read, or "unavailable (reason)" */
    char warning[320]; /* empty when nothing to warn about */
};

struct env_report {
    struct env_check checks[ENV_COUNT];
    /* The noise probe: CV of ENV_PROBE_LOOPS spin loops of ~5 ms each. */
    double noise_cv, loop_s, noise_limit;
    bool noise_forced; /* SPEEDLAB_TEST_NOISE_CV replaced the measurement (tests) */
};

#define ENV_PROBE_LOOPS 20

/* Reads everything and runs the probe (~0.1 s).  online_cpus scales the
 * load-average warning. */
void envcheck_run(struct env_report *r, int online_cpus, double noise_limit);
json_t *envcheck_json(const struct env_report *r);
/* One "warning: ..." line per warning; one line for what could not be read. */
void envcheck_print(const struct env_report *r, FILE *fp);

#endif
