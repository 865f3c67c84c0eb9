/* Test hooks: the only place production code reads settings meant for tests.
 * Each is an environment variable that tests set to reach a behaviour a real
 * machine gives rarely or slowly; none is for users, and every effect is
 * visible in what the run reports (never silent):
 *
 *   SPEEDLAB_TEST_NOISE_CV=CV          the noise probe reports CV (a fraction)
 *                                      instead of its measurement, and the
 *                                      record marks it "forced" (--strict-env,
 *                                      noisy-machine warnings).
 *   SPEEDLAB_TEST_PROGRESS_INTERVAL=S  progress lines start after S seconds and
 *                                      repeat every S (short runs show them).
 *   SPEEDLAB_TEST_ESTIMATE_ABOVE=S     a size whose started measurements need
 *                                      more than S seconds more is announced
 *                                      with an estimate (not 60: short runs
 *                                      show it).
 *   SPEEDLAB_TEST_CORRUPT_OUTPUT=1     a workload with a corrupt_output hook
 *                                      spoils its output before validation, so
 *                                      a result comes out invalid (exit 3);
 *   SPEEDLAB_TEST_CORRUPT_OUTPUT=NAME  the same for the result of that name
 *                                      alone ("kernel/variant/schedule/tN").
 *
 * They are read once, on first use. */
#ifndef SL_TEST_HOOKS_H
#define SL_TEST_HOOKS_H

#include <stdbool.h>

struct sl_test_hooks {
    bool noise_cv_forced;
    double noise_cv;
    bool progress_interval_set;
    double progress_interval_s;
    bool estimate_above_set;
    double estimate_above_s;
    char corrupt_output[200]; /* "1", a result's name, or "" when unset */
};

const struct sl_test_hooks *sl_test_hooks(void);
/* Whether the result named `result_name` ("kernel/variant/schedule/tN") is
 * to have its output spoiled (SPEEDLAB_TEST_CORRUPT_OUTPUT). */
bool sl_test_corrupts(const char *result_name);

#endif
