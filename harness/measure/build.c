#include "measure/build.h"

#include "build_info.h"
#include "kit/blas.h"

#include <omp.h>
#include <string.h>

/* clang's __VERSION__ names itself ("Debian Clang 14.0.6"), gcc's is the number. */
#ifdef __clang__
#define SL_COMPILER __VERSION__
#else
#define SL_COMPILER "gcc " __VERSION__
#endif

const char *build_version(void)
{
    return SL_BUILD_VERSION;
}

void build_describe(struct sl_build_desc *out)
{
    *out = (struct sl_build_desc){.compiler = SL_COMPILER,
                                  .flags = SL_BUILD_FLAGS,
                                  .build_type = SL_BUILD_TYPE,
                                  .sanitizers = SL_BUILD_SANITIZE[0] ? SL_BUILD_SANITIZE : "none",
                                  .commit = SL_BUILD_COMMIT,
                                  .openmp = _OPENMP};
#ifdef SPEEDLAB_INJECT_SLOWDOWN
    out->inject_slowdown_pct = SPEEDLAB_INJECT_SLOWDOWN;
#endif
}

int build_describe_blas(struct sl_run *run)
{
    char blas[512];
    blas_config(blas, sizeof blas);
    if (run->build.blas && strcmp(run->build.blas, blas) == 0)
        return 0;
    return (run->build.blas = sl_run_strdup(run, blas)) ? 0 : -1;
}
