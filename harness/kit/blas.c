#include "kit/blas.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SPEEDLAB_OPENBLAS_LIBRARY
#define SPEEDLAB_OPENBLAS_LIBRARY "libopenblas.so.0"
#endif
/* A normal start takes a few milliseconds. */
#define START_TIMEOUT_S 10.0

_Static_assert(sizeof(blasint) == sizeof(int), "the variants pass int dimensions");

enum blas_state { BLAS_UNTRIED, BLAS_READY, BLAS_FAILED };

static struct {
    __typeof__(cblas_sgemm) *sgemm;
    __typeof__(cblas_dgemm) *dgemm;
    __typeof__(cblas_sdot) *sdot;
    __typeof__(openblas_get_config) *config;
    __typeof__(openblas_get_corename) *corename;
    char reason[400];
    _Atomic int state;
} blas;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

/* Why a trial that did not finish in time did not: OpenBLAS retries a failed
 * buffer allocation forever, which an address-space limit causes. */
static void describe_timeout(void)
{
    struct rlimit as;
    char limit[160] = "";
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
        snprintf(limit, sizeof limit,
                 " (the address space is limited to %.0f MiB, ulimit -v, and OpenBLAS retries a "
                 "failed buffer allocation forever)",
                 (double)as.rlim_cur / 1048576.0);
    snprintf(blas.reason, sizeof blas.reason, "OpenBLAS did not start within %g s%s",
             START_TIMEOUT_S, limit);
}

/* Reads the trial's one line until it closes the pipe or the time is up;
 * false on time-out. */
static bool read_trial(int fd, char *msg, size_t cap)
{
    size_t got = 0;
    double deadline = util_now() + START_TIMEOUT_S;
    for (;;) {
        int left_ms = (int)((deadline - util_now()) * 1000.0);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = left_ms > 0 ? poll(&p, 1, left_ms) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            msg[got] = '\0';
            return ready < 0;
        }
        ssize_t n = read(fd, msg + got, cap - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || got + (size_t)n == cap - 1) {
            got += n > 0 ? (size_t)n : 0;
            msg[got] = '\0';
            return true;
        }
        got += (size_t)n;
    }
}

/* Starts OpenBLAS in a child process first: where its start-up would hang,
 * only the child hangs, and is killed.  On success `corename` holds the
 * kernel family it chose. */
static int trial_start(char *corename, size_t len)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(blas.reason, sizeof blas.reason, "cannot try OpenBLAS: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        void *lib = dlopen(SPEEDLAB_OPENBLAS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        __typeof__(openblas_get_corename) *core =
            lib ? (__typeof__(openblas_get_corename) *)dlsym(lib, "openblas_get_corename") : NULL;
        char line[512];
        int n = snprintf(line, sizeof line, "%s %s\n", core ? "ok" : "error",
                         core  ? core()
                         : lib ? "it has no openblas_get_corename"
                               : dlerror());
        _exit(write(fds[1], line, (size_t)n) == n ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        snprintf(blas.reason, sizeof blas.reason, "cannot try OpenBLAS: %s", strerror(errno));
        return -1;
    }
    char line[512];
    bool finished = read_trial(fds[0], line, sizeof line);
    close(fds[0]);
    if (!finished)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    line[strcspn(line, "\n")] = '\0';
    if (!finished)
        describe_timeout();
    else if (strncmp(line, "ok ", 3) == 0)
        snprintf(corename, len, "%.100s", line + 3);
    else if (strncmp(line, "error ", 6) == 0)
        snprintf(blas.reason, sizeof blas.reason, "cannot load %s: %.250s",
                 SPEEDLAB_OPENBLAS_LIBRARY, line + 6);
    else
        snprintf(blas.reason, sizeof blas.reason, "OpenBLAS start-up failed (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return blas.reason[0] ? -1 : 0;
}

/* OpenBLAS chooses its kernels when it starts; one older than the CPU falls
 * back to Prescott (SSE3) kernels, which would make the BLAS variants a straw
 * man.  The newest family the CPU has is named before it starts. */
static void choose_kernels(const char *corename)
{
    if (getenv("OPENBLAS_CORETYPE") || strcmp(corename, "Prescott") != 0 ||
        sl_isa_missing(SL_ISA_AVX2 | SL_ISA_FMA))
        return;
    const char *core = sl_isa_missing(SL_ISA_AVX512F | SL_ISA_AVX512BW | SL_ISA_AVX512VL)
                           ? "Haswell"
                           : "SkylakeX";
    setenv("OPENBLAS_CORETYPE", core, 1);
    setenv("SPEEDLAB_SET_OPENBLAS_CORETYPE", core, 1);
}

static void load(void)
{
    char corename[128];
    if (trial_start(corename, sizeof corename) != 0) {
        atomic_store(&blas.state, BLAS_FAILED);
        return;
    }
    choose_kernels(corename);
    void *lib = dlopen(SPEEDLAB_OPENBLAS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (lib) {
        blas.sgemm = (__typeof__(cblas_sgemm) *)dlsym(lib, "cblas_sgemm");
        blas.dgemm = (__typeof__(cblas_dgemm) *)dlsym(lib, "cblas_dgemm");
        blas.sdot = (__typeof__(cblas_sdot) *)dlsym(lib, "cblas_sdot");
        blas.config = (__typeof__(openblas_get_config) *)dlsym(lib, "openblas_get_config");
        blas.corename = (__typeof__(openblas_get_corename) *)dlsym(lib, "openblas_get_corename");
    }
    if (!lib)
        snprintf(blas.reason, sizeof blas.reason, "cannot load %s: %.250s",
                 SPEEDLAB_OPENBLAS_LIBRARY, dlerror());
    else if (!blas.sgemm || !blas.dgemm || !blas.sdot || !blas.config || !blas.corename)
        snprintf(blas.reason, sizeof blas.reason, "%s lacks the CBLAS or OpenBLAS functions used",
                 SPEEDLAB_OPENBLAS_LIBRARY);
    atomic_store(&blas.state, blas.reason[0] ? BLAS_FAILED : BLAS_READY);
}

const char *blas_unavailable(void)
{
    pthread_once(&blas_once, load);
    return atomic_load(&blas.state) == BLAS_READY ? NULL : blas.reason;
}

const char *blas_variant_unavailable(const struct sl_variant *v)
{
    return strcmp(sl_axis(v->axes.isa), "blas") == 0 ? blas_unavailable() : NULL;
}

/* A call before blas_unavailable() said yes is a defect in the caller. */
static void require_loaded(void *fn, const char *name)
{
    if (fn)
        return;
    fprintf(stderr, "speedlab: %s called before OpenBLAS was started\n", name);
    abort();
}

void blas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b,
                int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb,
                float beta, float *c, int ldc)
{
    require_loaded((void *)blas.sgemm, "blas_sgemm");
    blas.sgemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void blas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b,
                int m, int n, int k, double alpha, const double *a, int lda, const double *b,
                int ldb, double beta, double *c, int ldc)
{
    require_loaded((void *)blas.dgemm, "blas_dgemm");
    blas.dgemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

float blas_sdot(int n, const float *x, int incx, const float *y, int incy)
{
    require_loaded((void *)blas.sdot, "blas_sdot");
    return blas.sdot(n, x, incx, y, incy);
}

const char *blas_config(char *buf, size_t len)
{
    switch (atomic_load(&blas.state)) {
    case BLAS_READY:
        snprintf(buf, len, "%s; runtime core %s", blas.config(), blas.corename());
        break;
    case BLAS_FAILED:
        snprintf(buf, len, "unavailable (%s)", blas.reason);
        break;
    default:
        snprintf(buf, len, "OpenBLAS not loaded: no BLAS variant ran");
    }
    return buf;
}
