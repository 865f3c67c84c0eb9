/* The run as the result model describes it: the machine, the build, the
 * environment's variables and timer, the configuration (the workload's own
 * options among it), the unit of work, the figure of merit and the counter
 * plan, from the options and the machine. */
#ifndef SL_DESCRIBE_H
#define SL_DESCRIBE_H

#include "measure/machine.h"
#include "measure/runner.h"
#include "results/model.h"

#include <stddef.h>

/* Also stamps run->started; 0, or -1 with sl_error() (out of memory). */
int run_describe(const struct run_options *o, const struct machine *m, struct sl_run *run);
/* What the process may change while it measures, as it is now: the BLAS
 * line of the build and the environment's variables (a BLAS variant starts
 * OpenBLAS, which may set OPENBLAS_CORETYPE).  Called before each result is
 * reported, so every record written says what the process had run by then.
 * 0, or -1 with sl_error() (out of memory). */
int run_describe_update(struct sl_run *run);
/* The UTC time now, ISO 8601. */
void run_describe_time(char *buf, size_t len);

#endif
