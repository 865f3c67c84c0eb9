/* What this program is: compiler, flags, build type, sanitizers, commit,
 * OpenMP version and the BLAS it runs, as the record keeps them. */
#ifndef SL_BUILD_H
#define SL_BUILD_H

#include "results/model.h"

void build_describe(struct sl_build_desc *out);

#endif
