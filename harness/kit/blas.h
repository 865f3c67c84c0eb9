/* OpenBLAS, loaded only when a BLAS variant runs.  Linked at start-up,
 * OpenBLAS allocates its buffers in a library constructor, and where that
 * fails (an address-space limit: ulimit -v 200000) it retries forever, so
 * every command, `speedlab --help` included, hung before main().  Here the
 * library is opened with dlopen on first use, after a trial start in a child
 * process that is killed if it does not finish: a BLAS variant that cannot
 * start is skipped with the reason, and nothing else ever touches BLAS. */
#ifndef SL_BLAS_H
#define SL_BLAS_H

#include <cblas.h> /* the CBLAS enums only: nothing here links OpenBLAS */
#include <stddef.h>

struct sl_variant;

/* Starts OpenBLAS on first call (later calls only report): NULL when it is
 * ready, else why not, one line, the same every time ("OpenBLAS did not start
 * within 10 s (address-space limit 195 MiB, ulimit -v) ...").  The library is
 * the OpenMP build the program was configured with (SPEEDLAB_OPENBLAS_LIBRARY,
 * the openblas-openmp alternative on Debian), so its threads are libgomp's.
 * Before opening it, when OpenBLAS would fall back to its Prescott (SSE3)
 * kernels on a CPU newer than it knows, OPENBLAS_CORETYPE is set to the
 * newest family the CPU has (Haswell or SkylakeX) unless the user set it,
 * and SPEEDLAB_SET_OPENBLAS_CORETYPE records that speedlab chose it.  Safe to
 * call from several threads. */
const char *blas_unavailable(void);

/* For a workload's `unsupported`: why variant v cannot run, when it is a BLAS
 * variant (axes.isa "blas") and OpenBLAS cannot start; NULL otherwise.  Only
 * a BLAS variant ever starts OpenBLAS. */
const char *blas_variant_unavailable(const struct sl_variant *v);

/* cblas_sgemm and cblas_dgemm of the loaded library; call only once
 * blas_unavailable() returned NULL. */
void blas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b,
                int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                float beta, float *c, int ldc);
void blas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b,
                int m, int n, int k, double alpha, const double *a, int lda, const double *b,
                int ldb, double beta, double *c, int ldc);

/* cblas_sdot of the loaded library (numpy's np.dot of two float32 vectors);
 * the same condition. */
float blas_sdot(int n, const float *x, int incx, const float *y, int incy);

/* What the record's build.blas says, without starting OpenBLAS: "<its
 * openblas_get_config()>; runtime core <corename>" once loaded, "OpenBLAS not
 * loaded: no BLAS variant ran" before, "unavailable (<reason>)" when it could
 * not start.  Returns buf. */
const char *blas_config(char *buf, size_t len);

#endif
