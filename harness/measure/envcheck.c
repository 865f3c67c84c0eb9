#include "measure/envcheck.h"

#include "results/stats.h"
#include "kit/util.h"
#include "measure/test_hooks.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First line of a small system file, without the newline; false if unreadable. */
static bool read_line(const char *path, char *out, size_t len)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return false;
    bool ok = fgets(out, (int)len, fp) != NULL;
    fclose(fp);
    if (ok)
        out[strcspn(out, "\n")] = '\0';
    return ok;
}

static void unavailable(struct sl_env_check *c, const char *reason)
{
    c->available = false;
    snprintf(c->value, sizeof c->value, "unavailable (%s)", reason);
}

static void check_governor(struct sl_env_check *c)
{
    glob_t g;
    if (glob("/sys/devices/system/cpu/cpufreq/policy*/scaling_governor", 0, NULL, &g) != 0) {
        unavailable(c, "no /sys/devices/system/cpu/cpufreq/policy*: no frequency-scaling driver "
                       "(typical of a virtual machine)");
        return;
    }
    c->available = true;
    c->value[0] = '\0';
    bool all_performance = true;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char gov[64];
        if (!read_line(g.gl_pathv[i], gov, sizeof gov))
            continue;
        all_performance &= strcmp(gov, "performance") == 0;
        if (!strstr(c->value, gov)) {
            size_t used = strlen(c->value);
            snprintf(c->value + used, sizeof c->value - used, "%s%s", used ? "," : "", gov);
        }
    }
    globfree(&g);
    if (!c->value[0])
        unavailable(c, "scaling_governor files unreadable");
    else if (!all_performance)
        snprintf(c->warning, sizeof c->warning,
                 "CPU frequency governor '%s', not 'performance': the clock follows the load",
                 c->value);
}

static void check_turbo(struct sl_env_check *c)
{
    char v[32];
    if (read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof v)) {
        c->available = true;
        bool on = strcmp(v, "0") == 0;
        snprintf(c->value, sizeof c->value, "%s (intel_pstate/no_turbo = %s)", on ? "on" : "off", v);
        if (on)
            snprintf(c->warning, sizeof c->warning,
                     "turbo boost on: the clock depends on temperature and on how many cores are busy");
    } else if (read_line("/sys/devices/system/cpu/cpufreq/boost", v, sizeof v)) {
        c->available = true;
        bool on = strcmp(v, "1") == 0;
        snprintf(c->value, sizeof c->value, "%s (cpufreq/boost = %s)", on ? "on" : "off", v);
        if (on)
            snprintf(c->warning, sizeof c->warning,
                     "CPU boost on: the clock depends on temperature and on how many cores are busy");
    } else {
        unavailable(c, "neither intel_pstate/no_turbo nor cpufreq/boost in /sys/devices/system/cpu");
    }
}

static void check_smt(struct sl_env_check *c)
{
    char active[16], control[32] = "?";
    if (!read_line("/sys/devices/system/cpu/smt/active", active, sizeof active)) {
        unavailable(c, "no /sys/devices/system/cpu/smt/active");
        return;
    }
    read_line("/sys/devices/system/cpu/smt/control", control, sizeof control);
    c->available = true;
    bool on = strcmp(active, "1") == 0;
    snprintf(c->value, sizeof c->value, "%s (control: %s)", on ? "on" : "off", control);
    if (on)
        snprintf(c->warning, sizeof c->warning,
                 "SMT on: two hardware threads of one core share its units; thread counts above "
                 "the core count measure that sharing");
}

static void check_thp(struct sl_env_check *c)
{
    char v[96];
    if (!read_line("/sys/kernel/mm/transparent_hugepage/enabled", v, sizeof v)) {
        unavailable(c, "no /sys/kernel/mm/transparent_hugepage/enabled");
        return;
    }
    c->available = true;
    char *open = strchr(v, '['), *close = open ? strchr(open, ']') : NULL;
    if (open && close)
        snprintf(c->value, sizeof c->value, "%.*s", (int)(close - open - 1), open + 1);
    else
        snprintf(c->value, sizeof c->value, "%s", v);
    if (strcmp(c->value, "always") == 0)
        snprintf(c->warning, sizeof c->warning,
                 "transparent huge pages 'always': whether an array gets huge pages varies from "
                 "run to run, and with it TLB misses");
}

static void check_aslr(struct sl_env_check *c)
{
    char v[16];
    if (!read_line("/proc/sys/kernel/randomize_va_space", v, sizeof v)) {
        unavailable(c, "no /proc/sys/kernel/randomize_va_space");
        return;
    }
    c->available = true;
    bool on = strcmp(v, "0") != 0;
    snprintf(c->value, sizeof c->value, "%s (randomize_va_space = %s)", on ? "on" : "off", v);
    if (on)
        snprintf(c->warning, sizeof c->warning,
                 "ASLR on: stack and library addresses, so alignment effects, change between runs "
                 "(repeat runs before trusting a small difference)");
}

static void check_load(struct sl_env_check *c, int online_cpus)
{
    char v[128];
    double load1;
    if (!read_line("/proc/loadavg", v, sizeof v) || sscanf(v, "%lf", &load1) != 1) {
        unavailable(c, "/proc/loadavg unreadable");
        return;
    }
    c->available = true;
    snprintf(c->value, sizeof c->value, "%.2f (1 min) on %d CPUs", load1, online_cpus);
    if (load1 >= 0.5 * online_cpus)
        snprintf(c->warning, sizeof c->warning,
                 "load average %.2f on %d CPU%s: other work competes for the CPUs", load1,
                 online_cpus, online_cpus == 1 ? "" : "s");
}

/* A dependent chain of integer operations the compiler cannot remove or
 * vectorise: its time varies only with what the system does to it. */
static double spin(long iterations)
{
    volatile unsigned long sink;
    unsigned long x = 88172645463325252ul;
    double t0 = util_now();
    for (long i = 0; i < iterations; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    sink = x;
    (void)sink;
    return util_now() - t0;
}

static void check_noise(struct sl_env_check *c, double limit)
{
    /* Calibrate to ~5 ms a loop: 20 loops, 0.1 s in all. */
    long iterations = 1 << 16;
    double t = spin(iterations);
    while (t < 1e-3 && iterations < (1l << 40)) {
        iterations *= 4;
        t = spin(iterations);
    }
    iterations = (long)((double)iterations * 5e-3 / (t > 0 ? t : 1e-3));
    if (iterations < 1)
        iterations = 1;
    double times[ENV_PROBE_LOOPS];
    for (int i = 0; i < ENV_PROBE_LOOPS; i++)
        times[i] = spin(iterations);
    struct stats_summary s;
    stats_summarize(times, ENV_PROBE_LOOPS, &s);
    c->probe = true;
    c->loops = ENV_PROBE_LOOPS;
    c->limit = limit;
    c->cv = s.cv;
    c->loop_s = s.median;
    if (sl_test_hooks()->noise_cv_forced) {
        c->cv = sl_test_hooks()->noise_cv;
        c->forced = true;
    }
    c->available = true;
    snprintf(c->value, sizeof c->value, "CV %.1f%% over %d spin loops of %.2f ms%s",
             100 * c->cv, ENV_PROBE_LOOPS, 1e3 * c->loop_s,
             c->forced ? " (forced by SPEEDLAB_TEST_NOISE_CV)" : "");
    if (c->cv > c->limit)
        snprintf(c->warning, sizeof c->warning,
                 "noisy machine: a fixed spin loop varies by CV %.1f%% (limit %.1f%%)",
                 100 * c->cv, 100 * c->limit);
}

void envcheck_run(struct sl_environment *env, int online_cpus, double noise_limit)
{
    static const char *const names[ENV_COUNT] = {"governor", "turbo", "smt", "transparent_hugepages",
                                                 "aslr", "load_average", "noise_probe"};
    struct sl_env_check *c = env->checks;
    memset(c, 0, sizeof env->checks);
    for (int i = 0; i < ENV_COUNT; i++)
        c[i].name = names[i];
    env->n_checks = ENV_COUNT;
    env->checked = true;
    check_governor(&c[ENV_GOVERNOR]);
    check_turbo(&c[ENV_TURBO]);
    check_smt(&c[ENV_SMT]);
    check_thp(&c[ENV_THP]);
    check_aslr(&c[ENV_ASLR]);
    check_load(&c[ENV_LOAD], online_cpus);
    check_noise(&c[ENV_NOISE], noise_limit);
}

bool envcheck_noisy(const struct sl_environment *env)
{
    for (int i = 0; i < env->n_checks; i++)
        if (env->checks[i].probe && env->checks[i].cv > env->checks[i].limit)
            return true;
    return false;
}

int envcheck_describe(struct sl_run *run)
{
    static const char *const vars[] = {"OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES",
                                       "OMP_SCHEDULE",    "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
                                       "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
                                       "SPEEDLAB_SET_OPENBLAS_CORETYPE"};
    struct sl_environment *env = &run->environment;
    _Static_assert(sizeof vars / sizeof vars[0] <= SL_MAX_ENV_VARIABLES, "room for the variables");
    env->n_variables = 0;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        env->variables[i].name = vars[i];
        env->variables[i].value = NULL;
        env->n_variables++;
    }
    env->timer = "clock_gettime(CLOCK_MONOTONIC)";
    env->timer_resolution_s = util_clock_resolution();
    return envcheck_describe_variables(run);
}

int envcheck_describe_variables(struct sl_run *run)
{
    struct sl_environment *env = &run->environment;
    for (int i = 0; i < env->n_variables; i++) {
        const char *now = getenv(env->variables[i].name), *was = env->variables[i].value;
        if (now == was || (now && was && strcmp(now, was) == 0))
            continue;
        env->variables[i].value = sl_run_strdup(run, now);
        if (now && !env->variables[i].value)
            return -1;
    }
    return 0;
}

void envcheck_print(const struct sl_environment *env, FILE *fp)
{
    char missing[256] = "";
    for (int i = 0; i < env->n_checks; i++) {
        const struct sl_env_check *c = &env->checks[i];
        if (c->warning[0])
            fprintf(fp, "warning: %s\n", c->warning);
        if (!c->available) {
            size_t used = strlen(missing);
            snprintf(missing + used, sizeof missing - used, "%s%s", used ? ", " : "", c->name);
        }
    }
    if (missing[0])
        fprintf(fp, "environment: not readable here: %s (reasons in the record)\n", missing);
}
