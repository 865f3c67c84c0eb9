#include "measure/interrupt.h"

#include "kit/files.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t runner_interrupted;

static int exit_status_now;
/* CLOCK_MONOTONIC nanoseconds at which the current execution should end; -1
 * unknown.  Lock-free, so the handler may read it. */
static atomic_llong expected_end_ns = -1;
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "a signal handler may use only lock-free atomics");

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void interrupt_expect(double seconds)
{
    atomic_store(&expected_end_ns,
                 isfinite(seconds) && seconds >= 0 ? now_ns() + (long long)(seconds * 1e9) : -1);
}

/* Appends text to buf at *used (async-signal-safe: no stdio). */
static void append(char *buf, size_t size, size_t *used, const char *text)
{
    for (; *text && *used + 1 < size; text++)
        buf[(*used)++] = *text;
}

static void append_number(char *buf, size_t size, size_t *used, long long n)
{
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0 && k < (int)sizeof digits);
    while (k > 0 && *used + 1 < size)
        buf[(*used)++] = digits[--k];
}

/* Only async-signal-safe calls: clock_gettime, write, _exit. */
static void on_signal(int sig)
{
    (void)sig;
    int saved_errno = errno;
    if (runner_interrupted)
        util_atomic_exit(exit_status_now);
    runner_interrupted = 1;
    char msg[160];
    size_t used = 0;
    append(msg, sizeof msg, &used, "\nstopping after the current repetition (");
    long long end = atomic_load(&expected_end_ns);
    if (end >= 0) {
        long long left = (end - now_ns() + 999999999LL) / 1000000000LL;
        append(msg, sizeof msg, &used, "about ");
        append_number(msg, sizeof msg, &used, left > 1 ? left : 1);
        append(msg, sizeof msg, &used, " s; ");
    }
    append(msg, sizeof msg, &used, "Ctrl-C again to stop now)\n");
    ssize_t ignored = write(STDERR_FILENO, msg, used);
    (void)ignored;
    errno = saved_errno;
}

void interrupt_install(int exit_status)
{
    exit_status_now = exit_status;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* A system call the signal lands in (a record being written) goes on. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
