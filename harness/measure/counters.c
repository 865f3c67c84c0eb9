#include "measure/counters.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef SPEEDLAB_HAVE_PAPI
#include <papi.h>
#include <pthread.h>
#include <sched.h>
#endif

/* Named groups.  L3 data misses are rarely a preset; total L3 misses are. */
static const struct {
    const char *group;
    const char *events[5];
} groups[] = {
    {"cache", {"PAPI_L1_DCM", "PAPI_L2_DCM", "PAPI_L3_TCM", NULL, NULL}},
    {"ipc", {"PAPI_TOT_CYC", "PAPI_TOT_INS", NULL, NULL, NULL}},
    {"os",
     {"perf::CONTEXT-SWITCHES", "perf::CPU-MIGRATIONS", "perf::PAGE-FAULTS", "perf::TASK-CLOCK",
      NULL}},
};

static int add_event(struct ctr_plan *plan, const char *name)
{
    for (int i = 0; i < plan->n_events; i++)
        if (strcmp(plan->events[i].name, name) == 0)
            return 0;
    if (plan->n_events == CTR_MAX_EVENTS)
        return sl_fail("--counters: at most %d events", CTR_MAX_EVENTS);
    bool printable = name[0] != '\0';
    for (const char *c = name; *c && printable; c++)
        printable = isgraph((unsigned char)*c) && !strchr("\"'\\", *c);
    if (strlen(name) >= sizeof plan->events[0].name || !printable)
        return sl_fail("--counters: '%s' is not an event name or a group (cache, ipc, os, sim)",
                       name);
    struct sl_counter_event *e = &plan->events[plan->n_events++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->state = SL_COUNTER_UNAVAILABLE;
    snprintf(e->reason, sizeof e->reason, "not probed");
    return 0;
}

int ctr_plan_parse(const char *list, struct ctr_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    char **items;
    int count = util_split(list, &items);
    if (count < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        if (strcmp(items[i], "sim") == 0) {
            plan->sim = true;
            continue;
        }
        bool group = false;
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
            if (strcmp(items[i], groups[g].group) == 0) {
                group = true;
                for (int e = 0; groups[g].events[e] && rc == 0; e++)
                    rc = add_event(plan, groups[g].events[e]);
            }
        if (!group)
            rc = add_event(plan, items[i]);
    }
    util_free_list(items, count);
    return rc;
}

/* Where PAPI cannot say whether a name is an event: a preset or a native
 * name of a named PMU is taken (and said unavailable), anything else is a
 * mistake. */
static int check_name_form(const struct ctr_plan *plan)
{
    for (int i = 0; i < plan->n_events; i++) {
        const char *name = plan->events[i].name;
        if (strncmp(name, "PAPI_", 5) != 0 && !strstr(name, "::"))
            return sl_fail("--counters: '%s' is neither a PAPI preset (PAPI_*) nor a native event "
                           "(pmu::EVENT), nor a group (cache, ipc, os, sim)",
                           name);
    }
    return 0;
}

static void mark_all(struct ctr_plan *plan, const char *fmt, const char *detail)
{
    for (int i = 0; i < plan->n_events; i++) {
        plan->events[i].state = SL_COUNTER_UNAVAILABLE;
        snprintf(plan->events[i].reason, sizeof plan->events[i].reason, fmt, detail);
    }
    plan->n_countable = 0;
}

#ifdef SPEEDLAB_HAVE_PAPI

/* The kernel's software events (libpfm4's "perf" PMU, by its names and
 * aliases); `kernel` marks those the kernel counts in itself, which read 0
 * when only user mode is counted. */
static const struct {
    const char *name;
    bool kernel;
} software_events[] = {
    {"CONTEXT-SWITCHES", true}, {"CS", true},          {"CPU-MIGRATIONS", true},
    {"MIGRATIONS", true},       {"PAGE-FAULTS", false}, {"FAULTS", false},
    {"MINOR-FAULTS", false},    {"MAJOR-FAULTS", false}, {"TASK-CLOCK", false},
    {"CPU-CLOCK", false},       {"ALIGNMENT-FAULTS", false}, {"EMULATION-FAULTS", false},
};

/* 1 kernel-side software event, 0 other software event, -1 not one. */
static int software_event(const char *name)
{
    if (strncasecmp(name, "perf::", 6) != 0)
        return -1;
    size_t len = strcspn(name + 6, ":");
    for (size_t i = 0; i < sizeof software_events / sizeof software_events[0]; i++)
        if (strlen(software_events[i].name) == len &&
            strncasecmp(name + 6, software_events[i].name, len) == 0)
            return software_events[i].kernel;
    return -1;
}

/* A core PMU in sysfs (x86's "cpu", hybrid Intel's "cpu_core"/"cpu_atom",
 * Arm's "armv8_..."): virtual machines often expose none. */
static bool hardware_pmu_exposed(void)
{
    DIR *d = opendir("/sys/bus/event_source/devices");
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL)
        found = strcmp(e->d_name, "cpu") == 0 || strncmp(e->d_name, "cpu_", 4) == 0 ||
                strncmp(e->d_name, "armv", 4) == 0;
    closedir(d);
    return found;
}

static const char NO_PMU[] = "no hardware PMU exposed (virtual machine?): "
                             "/sys/bus/event_source/devices has no cpu PMU";

static int perf_event_paranoid(void)
{
    FILE *fp = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int level = -99;
    if (fp) {
        if (fscanf(fp, "%d", &level) != 1)
            level = -99;
        fclose(fp);
    }
    return level;
}

static unsigned long thread_id(void)
{
    return (unsigned long)pthread_self();
}

/* PAPI is initialised once; the outcome (and its reason) is kept.  The
 * library may start where the PMU is not exposed: its presets are then
 * still known by name. */
static int papi_ready = -1; /* -1 not tried, 0 failed, 1 ready */
static bool papi_library = false;
static char papi_failure[200];

static bool papi_init(void)
{
    if (papi_ready >= 0)
        return papi_ready == 1;
    papi_ready = 0;
    int rc = PAPI_library_init(PAPI_VER_CURRENT);
    if (rc != PAPI_VER_CURRENT) {
        snprintf(papi_failure, sizeof papi_failure, "PAPI library init failed: %s",
                 rc > 0 ? "version mismatch" : PAPI_strerror(rc));
        return false;
    }
    papi_library = true;
    if ((rc = PAPI_thread_init(thread_id)) != PAPI_OK) {
        snprintf(papi_failure, sizeof papi_failure, "PAPI thread init failed: %s",
                 PAPI_strerror(rc));
        return false;
    }
    const PAPI_component_info_t *cpu = PAPI_get_component_info(0);
    if (!cpu || cpu->disabled) {
        const char *why = cpu && cpu->disabled_reason[0] ? cpu->disabled_reason : "disabled";
        if (!hardware_pmu_exposed())
            snprintf(papi_failure, sizeof papi_failure, "%s; PAPI's perf_event component is off (%.60s)",
                     NO_PMU, why);
        else
            snprintf(papi_failure, sizeof papi_failure,
                     "PAPI's perf_event component is off (%.100s); perf_event_paranoid = %d", why,
                     perf_event_paranoid());
        return false;
    }
    if (PAPI_multiplex_init() != PAPI_OK) {
        /* Multiplexing is then refused below, event by event. */
    }
    papi_ready = 1;
    return true;
}

/* Why an event that PAPI knows cannot be counted, from PAPI's code. */
static void refusal(const char *name, int rc, char *reason, size_t len)
{
    if (rc == PAPI_EPERM)
        snprintf(reason, len, "permission denied (perf_event_paranoid = %d%s)",
                 perf_event_paranoid(),
                 software_event(name) == 1 ? "; the kernel counts it in kernel mode, "
                                             "which needs 1 or less"
                                           : "");
    else if (software_event(name) < 0 && !hardware_pmu_exposed())
        snprintf(reason, len, "%s", NO_PMU);
    else
        snprintf(reason, len, "cannot be counted here (%s)", PAPI_strerror(rc));
}

/* A new event set of the CPU component, multiplexed and/or counting user and
 * kernel mode as asked; PAPI_NULL on failure (*rc says why). */
static int new_set(bool multiplex, bool kernel_mode, int *rc)
{
    int set = PAPI_NULL;
    if ((*rc = PAPI_create_eventset(&set)) != PAPI_OK)
        return PAPI_NULL;
    if (!multiplex && !kernel_mode)
        return set;
    PAPI_option_t opt;
    memset(&opt, 0, sizeof opt);
    opt.domain.eventset = set;
    opt.domain.domain = PAPI_DOM_ALL;
    if ((*rc = PAPI_assign_eventset_component(set, 0)) != PAPI_OK ||
        (multiplex && (*rc = PAPI_set_multiplex(set)) != PAPI_OK) ||
        (kernel_mode && (*rc = PAPI_set_opt(PAPI_DOMAIN, &opt)) != PAPI_OK)) {
        PAPI_destroy_eventset(&set);
        return PAPI_NULL;
    }
    return set;
}

static void drop_set(int *set)
{
    if (*set == PAPI_NULL)
        return;
    PAPI_cleanup_eventset(*set);
    PAPI_destroy_eventset(set);
    *set = PAPI_NULL;
}

/* Counts one event alone around nothing: PAPI_OK, or why it cannot. */
static int try_alone(int code, bool kernel_mode)
{
    int rc;
    int set = new_set(false, kernel_mode, &rc);
    long long scratch;
    if (set != PAPI_NULL && (rc = PAPI_add_event(set, code)) == PAPI_OK &&
        (rc = PAPI_start(set)) == PAPI_OK)
        rc = PAPI_stop(set, &scratch);
    drop_set(&set);
    return rc;
}

/* A name PAPI was asked about and does not know: a usage error (a misspelt
 * name), not an unavailable counter. */
static int unknown_event(const char *name)
{
    return sl_fail("--counters: '%s' is no event PAPI knows here (papi_avail and "
                   "papi_native_avail list them) nor a group (cache, ipc, os, sim)",
                   name);
}

/* Every event PAPI knows, each counted alone first (an event the kernel
 * counts in itself in user and kernel mode, the others in user mode): what
 * cannot be counted here says why, the others stay.  -1 for a name PAPI
 * does not know. */
static int probe_each(struct ctr_plan *plan)
{
    for (int i = 0; i < plan->n_events; i++) {
        struct sl_counter_event *e = &plan->events[i];
        int rc = PAPI_event_name_to_code(e->name, &plan->codes[i]);
        if (rc != PAPI_OK)
            return unknown_event(e->name);
        bool kernel_side = software_event(e->name) == 1;
        if ((rc = try_alone(plan->codes[i], kernel_side)) != PAPI_OK) {
            refusal(e->name, rc, e->reason, sizeof e->reason);
            continue;
        }
        e->state = SL_COUNTER_OK;
        e->reason[0] = '\0';
        plan->kernel_mode |= kernel_side;
    }
    return 0;
}

/* Where the perf_event component is off, the names PAPI can still check: its
 * presets, once the library started.  A native name cannot be checked
 * without the component; its form is. */
static int check_names_off(const struct ctr_plan *plan)
{
    for (int i = 0; i < plan->n_events; i++) {
        int code;
        const char *name = plan->events[i].name;
        if (papi_library && strncmp(name, "PAPI_", 5) == 0 &&
            PAPI_event_name_to_code((char *)name, &code) != PAPI_OK)
            return unknown_event(name);
    }
    return check_name_form(plan);
}

int ctr_plan_probe(struct ctr_plan *plan)
{
    static unsigned plans;
    plan->id = ++plans;
    plan->n_countable = 0;
    if (plan->n_events == 0)
        return 0;
    if (!papi_init()) {
        if (check_names_off(plan) != 0)
            return -1;
        mark_all(plan, "%s", papi_failure);
        return 0;
    }
    if (probe_each(plan) != 0)
        return -1;
    /* Then together in this thread: more events than counters means
     * multiplexing; a refusal here would be refused in the workers too. */
    int rc;
    int set = new_set(false, plan->kernel_mode, &rc);
    for (int i = 0; i < plan->n_events && set != PAPI_NULL; i++) {
        if (plan->events[i].state != SL_COUNTER_OK)
            continue;
        rc = PAPI_add_event(set, plan->codes[i]);
        if ((rc == PAPI_ECNFLCT || rc == PAPI_ECOUNT) && !plan->multiplex) {
            /* Out of counters: rebuild the set multiplexed and retry. */
            drop_set(&set);
            plan->multiplex = true;
            set = new_set(true, plan->kernel_mode, &rc);
            for (int k = 0; k < i && set != PAPI_NULL; k++)
                if (plan->events[k].state == SL_COUNTER_OK)
                    PAPI_add_event(set, plan->codes[k]);
            rc = set != PAPI_NULL ? PAPI_add_event(set, plan->codes[i]) : rc;
        }
        if (rc != PAPI_OK) {
            plan->events[i].state = SL_COUNTER_UNAVAILABLE;
            refusal(plan->events[i].name, rc, plan->events[i].reason,
                    sizeof plan->events[i].reason);
        }
    }
    long long scratch[CTR_MAX_EVENTS];
    if (set != PAPI_NULL && (rc = PAPI_start(set)) == PAPI_OK)
        rc = PAPI_stop(set, scratch);
    drop_set(&set);
    if (rc != PAPI_OK) {
        mark_all(plan, "the events together cannot be counted (%s)", PAPI_strerror(rc));
        return 0;
    }
    for (int i = 0; i < plan->n_events; i++)
        if (plan->events[i].state == SL_COUNTER_OK) {
            if (plan->multiplex)
                plan->events[i].state = SL_COUNTER_MULTIPLEXED;
            plan->n_countable++;
        }
    return 0;
}

void ctr_describe(char *buf, size_t len)
{
    snprintf(buf, len, "PAPI %d.%d.%d: %s", PAPI_VERSION_MAJOR(PAPI_VERSION),
             PAPI_VERSION_MINOR(PAPI_VERSION), PAPI_VERSION_REVISION(PAPI_VERSION),
             papi_init() ? "its perf_event component is on" : papi_failure);
}

void ctr_trial(const char *event, bool kernel_mode, char *buf, size_t len)
{
    int code, rc;
    if (!papi_init()) {
        snprintf(buf, len, "not counted (%s)", papi_failure);
        return;
    }
    if ((rc = PAPI_event_name_to_code(event, &code)) != PAPI_OK) {
        snprintf(buf, len, "not counted (PAPI does not know it here: %s)", PAPI_strerror(rc));
        return;
    }
    int set = new_set(false, kernel_mode, &rc);
    long long count = 0;
    if (set != PAPI_NULL && (rc = PAPI_add_event(set, code)) == PAPI_OK &&
        (rc = PAPI_start(set)) == PAPI_OK) {
        /* A little work, and a switch out and back in. */
        volatile double x = 1;
        for (int i = 0; i < 1000000; i++)
            x = x * 1.0000001 + 1e-9;
        sched_yield();
        rc = PAPI_stop(set, &count);
    }
    drop_set(&set);
    char reason[200];
    if (rc == PAPI_OK)
        snprintf(buf, len, "counted %lld", count);
    else {
        refusal(event, rc, reason, sizeof reason);
        snprintf(buf, len, "not counted (%s)", reason);
    }
}

/* A worker's event sets: one for the plan it last counted (rebuilt for a
 * new plan), one for migrations.  PAPI ties a set to the thread that made
 * it, so each OS thread has its own. */
static _Thread_local int thread_set = PAPI_NULL;
static _Thread_local unsigned thread_set_plan;
static _Thread_local int migration_set = PAPI_NULL;

int ctr_thread_start(const struct ctr_plan *plan)
{
    if (thread_set == PAPI_NULL || thread_set_plan != plan->id) {
        drop_set(&thread_set);
        int rc = PAPI_register_thread();
        if (rc != PAPI_OK)
            return rc;
        thread_set = new_set(plan->multiplex, plan->kernel_mode, &rc);
        if (thread_set == PAPI_NULL)
            return rc;
        for (int i = 0; i < plan->n_events; i++)
            if (plan->events[i].state != SL_COUNTER_UNAVAILABLE &&
                (rc = PAPI_add_event(thread_set, plan->codes[i])) != PAPI_OK)
                return rc;
        thread_set_plan = plan->id;
    }
    return PAPI_start(thread_set);
}

int ctr_thread_stop(const struct ctr_plan *plan, long long *values)
{
    long long counts[CTR_MAX_EVENTS];
    int rc = PAPI_stop(thread_set, counts);
    if (rc == PAPI_OK)
        for (int i = 0; i < plan->n_countable; i++)
            values[i] += counts[i];
    return rc;
}

const char *ctr_error_string(int code)
{
    return PAPI_strerror(code);
}

static const char MIGRATIONS[] = "perf::CPU-MIGRATIONS";

int ctr_migrations_probe(const struct ctr_plan *plan, char *why, size_t len)
{
    int code, rc;
    if (!papi_init())
        snprintf(why, len, "%s", papi_failure);
    else if (plan->n_countable > 0)
        snprintf(why, len, "PAPI counts one event set per thread, and --counters' events hold it");
    else if ((rc = PAPI_event_name_to_code(MIGRATIONS, &code)) != PAPI_OK)
        snprintf(why, len, "PAPI does not know %s here (%s)", MIGRATIONS, PAPI_strerror(rc));
    else if ((rc = try_alone(code, true)) != PAPI_OK)
        refusal(MIGRATIONS, rc, why, len);
    else
        return 0;
    return -1;
}

int ctr_migrations_start(void)
{
    int rc = PAPI_OK, code;
    if (migration_set == PAPI_NULL &&
        ((rc = PAPI_register_thread()) != PAPI_OK ||
         (rc = PAPI_event_name_to_code(MIGRATIONS, &code)) != PAPI_OK ||
         (migration_set = new_set(false, true, &rc)) == PAPI_NULL ||
         (rc = PAPI_add_event(migration_set, code)) != PAPI_OK))
        return rc;
    return PAPI_start(migration_set);
}

int ctr_migrations_stop(long long *count)
{
    return PAPI_stop(migration_set, count);
}

#else /* built without PAPI */

static const char NOT_BUILT[] = "PAPI not built in (libpapi-dev was missing at build time)";

int ctr_plan_probe(struct ctr_plan *plan)
{
    plan->id = 0;
    if (check_name_form(plan) != 0)
        return -1;
    mark_all(plan, "%s", NOT_BUILT);
    return 0;
}

void ctr_describe(char *buf, size_t len)
{
    snprintf(buf, len, "PAPI: %s", NOT_BUILT);
}

void ctr_trial(const char *event, bool kernel_mode, char *buf, size_t len)
{
    (void)event;
    (void)kernel_mode;
    snprintf(buf, len, "not counted (%s)", NOT_BUILT);
}

int ctr_thread_start(const struct ctr_plan *plan)
{
    (void)plan;
    return -1;
}

int ctr_thread_stop(const struct ctr_plan *plan, long long *values)
{
    (void)plan;
    (void)values;
    return -1;
}

const char *ctr_error_string(int code)
{
    (void)code;
    return "PAPI not built in";
}

int ctr_migrations_probe(const struct ctr_plan *plan, char *why, size_t len)
{
    (void)plan;
    snprintf(why, len, "%s", NOT_BUILT);
    return -1;
}

int ctr_migrations_start(void)
{
    return -1;
}

int ctr_migrations_stop(long long *count)
{
    (void)count;
    return -1;
}

#endif
