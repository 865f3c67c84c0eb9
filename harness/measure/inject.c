#include "measure/inject.h"

#ifdef SPEEDLAB_INJECT_SLOWDOWN

#include "kit/util.h"

#include <math.h>
#include <stdlib.h>

#if !defined(__x86_64__)
#error "SPEEDLAB_INJECT_SLOWDOWN pads with x86-64 instructions"
#endif

enum { PAD_INSTRUCTIONS_PER_ITERATION = 3, CALIBRATION_ITERATIONS = 200000, CALIBRATION_TRIES = 5 };

/* A dependent chain, imul's latency per iteration, that no compiler can
 * shorten: exactly imul, dec, jnz per iteration, so its simulated
 * instruction count is known. */
void inject_pad(uint64_t iterations)
{
    uint64_t x = 1;
    if (iterations == 0)
        return;
    __asm__ volatile("1:\n\timul %0, %0\n\tdec %1\n\tjnz 1b" : "+r"(x), "+r"(iterations) : : "cc");
}

/* Native seconds per pad iteration: the fastest of a few tries, so that a
 * preempted try does not shorten every pad after it. */
static double seconds_per_iteration(void)
{
    static double calibrated = 0;
    if (calibrated > 0)
        return calibrated;
    for (int i = 0; i < CALIBRATION_TRIES; i++) {
        double t0 = util_now();
        inject_pad(CALIBRATION_ITERATIONS);
        double each = (util_now() - t0) / CALIBRATION_ITERATIONS;
        if (each > 0 && (calibrated == 0 || each < calibrated))
            calibrated = each;
    }
    return calibrated;
}

void inject_pad_seconds(double kernel_seconds)
{
    double each = seconds_per_iteration();
    if (each > 0 && kernel_seconds > 0)
        inject_pad((uint64_t)llround(kernel_seconds * SPEEDLAB_INJECT_SLOWDOWN / 100.0 / each));
}

uint64_t inject_pad_iterations(double kernel_instructions)
{
    return (uint64_t)llround(kernel_instructions * SPEEDLAB_INJECT_SLOWDOWN / 100.0 /
                             PAD_INSTRUCTIONS_PER_ITERATION);
}

uint64_t inject_pad_requested(void)
{
    const char *count = getenv(INJECT_PAD_VARIABLE);
    return count ? strtoull(count, NULL, 10) : 0;
}

#endif
