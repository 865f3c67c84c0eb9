/* The roofline (figures/roofline.c) and what the report says of it: the
 * measured roofs of a ceilings record among the inputs, and a result's
 * distance to the roof that bounds it. */
#ifndef SL_ROOFLINE_H
#define SL_ROOFLINE_H

#include "figures/figure.h"

#include <stddef.h>

/* The ceilings record of the set on the same hardware as `run` (the latest
 * started when several), or NULL. */
const struct plot_record *roofline_ceilings(const struct plot_set *set, const struct sl_run *run);

/* "62 % of the L2 roof (...)": result r of `run` against the roofs measured
 * at its thread count by the set's ceilings record of its machine, or
 * "unavailable (why)". */
void roofline_distance(const struct plot_set *set, const struct sl_run *run,
                       const struct sl_result *r, char *out, size_t len);

#endif
