/* Simulated caches where hardware cannot count: the kernel runs once more
 * under valgrind's callgrind with cache simulation, the caches shaped like
 * this machine's (hwloc), and collection switched on around the kernel only.
 * Deterministic for the same binary and input; about 50-100x slower than
 * native, so meant for small sizes. */
#ifndef SL_SIMCACHE_H
#define SL_SIMCACHE_H

#include "measure/machine.h"
#include "kit/sl.h"
#include "results/model.h"

#include <stdbool.h>

/* Valgrind's geometry for this machine: sizes, ways and lines from hwloc,
 * adjusted where valgrind needs a power-of-two set count (said in note). */
void sim_geometry(const struct machine *m, struct sl_sim_cache *i1, struct sl_sim_cache *d1,
                  struct sl_sim_cache *ll);

void sim_measure(const struct machine *m, const struct sl_workload *w, const struct sl_variant *v,
                 enum sl_schedule schedule, int threads, const struct sl_problem_args *args,
                 struct sl_sim_result *out);

/* The child side, run under valgrind by sim_measure (through the hidden
 * subcommand "__simulate", cli/cli_simulate.c): one execution of v outside
 * collection, then the one counted.  Its exit status: 0, or one of these,
 * which sim_measure understands. */
enum { SIM_CHILD_SKIPPED = 4, SIM_CHILD_ERROR = 6 };
int sim_child_execute(const struct machine *m, const struct sl_workload *w,
                      const struct sl_variant *v, enum sl_schedule schedule, int threads,
                      const struct sl_problem_args *args);

#endif
