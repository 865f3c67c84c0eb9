/* kit/blas: OpenBLAS is not in the process until a BLAS variant asks for
 * it; then it computes; and where its start-up would hang (an address-space
 * limit), the trial start is killed and the reason given instead.  Built
 * from kit/blas.c and kit/util.c alone, without linking OpenBLAS, as the
 * program will be. */
#include "check.h"
#include "kit/blas.h"
#include "kit/sl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

static bool openblas_mapped(void)
{
    FILE *fp = fopen("/proc/self/maps", "r");
    char line[512];
    bool found = false;
    while (fp && fgets(line, sizeof line, fp))
        found = found || strstr(line, "libopenblas") != NULL;
    if (fp)
        fclose(fp);
    return found;
}

#ifndef SANITIZED
static long vm_size_kib(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "VmSize: %ld kB", &kib) == 1)
            break;
    if (fp)
        fclose(fp);
    return kib;
}
#endif

/* In a child limited to its present address space and 100 MiB more (what
 * `ulimit -v 200000` leaves speedlab), OpenBLAS cannot allocate its buffers:
 * blas_unavailable() must come back with the reason, not hang. */
static void test_limited_address_space(void)
{
#ifdef SANITIZED
    printf("blas: sanitizer shadow memory needs an unlimited address space; limit case skipped\n");
#else
    int report[2];
    CHECK(pipe(report) == 0, "pipe");
    pid_t child = fork();
    if (child == 0) {
        struct rlimit as = {.rlim_cur = (rlim_t)(vm_size_kib() + 100 * 1024) * 1024,
                            .rlim_max = RLIM_INFINITY};
        setrlimit(RLIMIT_AS, &as);
        const char *why = blas_unavailable();
        const char *msg = why ? why : "started";
        _exit(write(report[1], msg, strlen(msg) + 1) > 0 ? 0 : 1);
    }
    close(report[1]);
    char msg[512] = {0};
    CHECK(read(report[0], msg, sizeof msg - 1) > 0, "a report from the limited child");
    close(report[0]);
    waitpid(child, NULL, 0);
    CHECK(strstr(msg, "OpenBLAS did not start within 10 s (the address space is limited to") != NULL,
          "limited: '%s'", msg);
#endif
}

int main(void)
{
    char config[512];
    CHECK(!openblas_mapped(), "OpenBLAS is not loaded before it is asked for");
    CHECK(strcmp(blas_config(config, sizeof config), "OpenBLAS not loaded: no BLAS variant ran") == 0,
          "config before: %s", config);
    struct sl_variant scalar = {.name = "s", .axes = {.isa = "scalar"}};
    CHECK(blas_variant_unavailable(&scalar) == NULL && !openblas_mapped(),
          "a scalar variant does not start OpenBLAS");

    test_limited_address_space();

    struct sl_variant gemm = {.name = "g", .axes = {.isa = "blas"}};
    const char *why = blas_variant_unavailable(&gemm);
    CHECK(why == NULL, "OpenBLAS starts here: %s", why);
    if (why)
        return check_report("blas");
    CHECK(openblas_mapped(), "OpenBLAS is loaded once asked for");
    CHECK(strstr(blas_config(config, sizeof config), "; runtime core ") != NULL, "config: %s",
          config);

    /* [1 2 3; 4 5 6] times its transpose. */
    const float a[6] = {1, 2, 3, 4, 5, 6};
    float c[4] = {0};
    blas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 2, 2, 3, 1.0f, a, 3, a, 3, 0.0f, c, 2);
    CHECK(c[0] == 14 && c[1] == 32 && c[2] == 32 && c[3] == 77, "sgemm: %g %g %g %g", c[0], c[1],
          c[2], c[3]);
    const double x[2] = {3, -1}, y[3] = {2, 0.5, 4};
    double d[6];
    blas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 3, 1, -2.0, x, 1, y, 3, 0.0, d, 3);
    CHECK(d[0] == -12 && d[2] == -24 && d[3] == 4 && d[5] == 8, "dgemm: %g %g %g %g", d[0], d[2],
          d[3], d[5]);
    return check_report("blas");
}
