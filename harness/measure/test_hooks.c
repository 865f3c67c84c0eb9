#include "measure/test_hooks.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct sl_test_hooks hooks;
static pthread_once_t read_once = PTHREAD_ONCE_INIT;

static void read_hooks(void)
{
    const char *cv = getenv("SPEEDLAB_TEST_NOISE_CV");
    const char *interval = getenv("SPEEDLAB_TEST_PROGRESS_INTERVAL");
    const char *corrupt = getenv("SPEEDLAB_TEST_CORRUPT_OUTPUT");
    const char *estimate = getenv("SPEEDLAB_TEST_ESTIMATE_ABOVE");
    hooks.estimate_above_set = estimate && estimate[0];
    hooks.estimate_above_s = hooks.estimate_above_set ? atof(estimate) : 0;
    hooks.noise_cv_forced = cv && cv[0];
    hooks.noise_cv = hooks.noise_cv_forced ? atof(cv) : 0;
    hooks.progress_interval_set = interval && interval[0];
    hooks.progress_interval_s = hooks.progress_interval_set ? atof(interval) : 0;
    snprintf(hooks.corrupt_output, sizeof hooks.corrupt_output, "%s", corrupt ? corrupt : "");
}

const struct sl_test_hooks *sl_test_hooks(void)
{
    pthread_once(&read_once, read_hooks);
    return &hooks;
}

bool sl_test_corrupts(const char *result_name)
{
    const char *which = sl_test_hooks()->corrupt_output;
    return which[0] && (strcmp(which, "1") == 0 || strcmp(which, result_name) == 0);
}
