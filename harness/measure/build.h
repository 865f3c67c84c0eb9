/* What this program is: compiler, flags, build type, sanitizers, commit,
 * OpenMP version and the BLAS it runs, as the record keeps them. */
#ifndef SL_BUILD_H
#define SL_BUILD_H

#include "results/model.h"

/* speedlab's version (the CMake project's: "0.1.0"). */
const char *build_version(void);
/* Everything but the BLAS line (build_describe_blas). */
void build_describe(struct sl_build_desc *out);
/* run->build.blas: OpenBLAS as it is now (kit/blas.h's blas_config: not
 * loaded until a BLAS variant runs, then its configuration, or why it could
 * not start), copied into the run when it changed (run_describe_update).
 * 0, or -1 with sl_error() (out of memory). */
int build_describe_blas(struct sl_run *run);

#endif
