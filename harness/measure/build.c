#include "measure/build.h"

#include "build_info.h"

#include <cblas.h>
#include <omp.h>
#include <stdio.h>

void build_describe(struct sl_build_desc *out)
{
    /* The same for the whole process: kept once. */
    static char blas[256];
    snprintf(blas, sizeof blas, "%s; runtime core %s", openblas_get_config(),
             openblas_get_corename());
    *out = (struct sl_build_desc){.compiler = "gcc " __VERSION__,
                                  .flags = SL_BUILD_FLAGS,
                                  .build_type = SL_BUILD_TYPE,
                                  .sanitizers = SL_BUILD_SANITIZE[0] ? SL_BUILD_SANITIZE : "none",
                                  .commit = SL_BUILD_COMMIT,
                                  .openmp = _OPENMP,
                                  .blas = blas};
}
