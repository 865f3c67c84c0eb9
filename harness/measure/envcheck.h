/* What the system does to timings, checked before a run and kept in its
 * record: frequency governor, turbo, SMT, transparent huge pages, ASLR, load,
 * and a short noise probe (CV of a fixed spin loop).  What cannot be read is
 * "unavailable (reason)", never guessed. */
#ifndef SL_ENVCHECK_H
#define SL_ENVCHECK_H

#include "results/model.h"

#include <stdbool.h>
#include <stdio.h>

/* The checks, in environment.checks[]; the last is the noise probe: the CV
 * of ENV_PROBE_LOOPS spin loops of ~5 ms each (a test hook can replace the
 * measurement: measure/test_hooks.h). */
enum { ENV_GOVERNOR, ENV_TURBO, ENV_SMT, ENV_THP, ENV_ASLR, ENV_LOAD, ENV_NOISE, ENV_COUNT };

#define ENV_PROBE_LOOPS 20

/* Reads everything and runs the probe (~0.1 s) into env's checks.
 * online_cpus scales the load-average warning. */
void envcheck_run(struct sl_environment *env, int online_cpus, double noise_limit);
/* True when the noise probe varies more than its limit. */
bool envcheck_noisy(const struct sl_environment *env);
/* The run's OpenMP and OpenBLAS variables (as set now) and its timer; 0, or
 * -1 with sl_error(). */
int envcheck_describe(struct sl_run *run);
/* The same variables as they are now, a value copied into the run only
 * when it changed (starting OpenBLAS sets OPENBLAS_CORETYPE); 0 or -1. */
int envcheck_describe_variables(struct sl_run *run);
/* One "warning: ..." line per warning; one line for what could not be read. */
void envcheck_print(const struct sl_environment *env, FILE *fp);

#endif
