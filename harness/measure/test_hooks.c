#include "measure/test_hooks.h"

#include <pthread.h>
#include <stdlib.h>

static struct sl_test_hooks hooks;
static pthread_once_t read_once = PTHREAD_ONCE_INIT;

static void read_hooks(void)
{
    const char *cv = getenv("SPEEDLAB_TEST_NOISE_CV");
    const char *interval = getenv("SPEEDLAB_TEST_PROGRESS_INTERVAL");
    const char *corrupt = getenv("SPEEDLAB_TEST_CORRUPT_OUTPUT");
    hooks.noise_cv_forced = cv && cv[0];
    hooks.noise_cv = hooks.noise_cv_forced ? atof(cv) : 0;
    hooks.progress_interval_set = interval && interval[0];
    hooks.progress_interval_s = hooks.progress_interval_set ? atof(interval) : 0;
    hooks.corrupt_output = corrupt && corrupt[0];
}

const struct sl_test_hooks *sl_test_hooks(void)
{
    pthread_once(&read_once, read_hooks);
    return &hooks;
}
