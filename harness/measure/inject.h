/* The injected slowdown, for measuring the regression gate's error rates:
 * a build configured with -DSPEEDLAB_INJECT_SLOWDOWN=PCT adds extra work
 * after every kernel execution, PCT % of the kernel's own cost, inside the
 * timed region and inside the simulated one.  Nothing here exists in other
 * builds: every use is under #ifdef SPEEDLAB_INJECT_SLOWDOWN. */
#ifndef SL_INJECT_H
#define SL_INJECT_H

#ifdef SPEEDLAB_INJECT_SLOWDOWN

#include <stdint.h>

/* The environment variable that carries the pad's iteration count from
 * sim_measure to its simulated child. */
#define INJECT_PAD_VARIABLE "SPEEDLAB_INJECT_PAD_ITERATIONS"

/* Timed executions: pads for PCT % of kernel_seconds (the execution just
 * timed), in iterations of a dependent chain whose native speed is
 * calibrated once per process. */
void inject_pad_seconds(double kernel_seconds);
/* Simulated executions: the iterations that are PCT % of the kernel's own
 * simulated instructions (each iteration is exactly three instructions). */
uint64_t inject_pad_iterations(double kernel_instructions);
/* The simulated child's side: the iterations INJECT_PAD_VARIABLE asks for
 * (0 when unset), read before collection starts, then run by inject_pad
 * inside it. */
uint64_t inject_pad_requested(void);
void inject_pad(uint64_t iterations);

#endif
#endif
