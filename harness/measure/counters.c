#include "measure/counters.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SPEEDLAB_HAVE_PAPI
#include <papi.h>
#include <pthread.h>
#endif

/* Named groups.  L3 data misses are rarely a preset; total L3 misses are. */
static const struct {
    const char *group;
    const char *events[4];
} groups[] = {
    {"cache", {"PAPI_L1_DCM", "PAPI_L2_DCM", "PAPI_L3_TCM", NULL}},
    {"ipc", {"PAPI_TOT_CYC", "PAPI_TOT_INS", NULL, NULL}},
};

static int add_event(struct ctr_plan *plan, const char *name)
{
    for (int i = 0; i < plan->n_events; i++)
        if (strcmp(plan->events[i].name, name) == 0)
            return 0;
    if (plan->n_events == CTR_MAX_EVENTS)
        return sl_fail("--counters: at most %d events", CTR_MAX_EVENTS);
    if (strlen(name) >= sizeof plan->events[0].name || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                 "abcdefghijklmnopqrstuvwxyz"
                                                                 "0123456789_:.=") != strlen(name))
        return sl_fail("--counters: '%s' is not an event name or a group (cache, ipc, sim)", name);
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

int ctr_plan_check_names(const struct ctr_plan *plan)
{
    for (int i = 0; i < plan->n_events; i++)
        if (plan->unknown[i])
            return sl_fail("--counters: '%s' is no event PAPI knows here (papi_avail and "
                           "papi_native_avail list them) nor a group (cache, ipc, sim)",
                           plan->events[i].name);
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
        int paranoid = perf_event_paranoid();
        char level[48] = "";
        if (paranoid != -99)
            snprintf(level, sizeof level, "; perf_event_paranoid = %d", paranoid);
        snprintf(papi_failure, sizeof papi_failure, "PMU not exposed: %.40s: %.100s%s",
                 cpu ? cpu->name : "perf_event",
                 cpu && cpu->disabled_reason[0] ? cpu->disabled_reason : "component disabled",
                 level);
        return false;
    }
    if (PAPI_multiplex_init() != PAPI_OK) {
        /* Multiplexing is then refused below, event by event. */
    }
    papi_ready = 1;
    return true;
}

/* Names PAPI cannot resolve where it could: a PAPI_ preset once the library
 * started, any name once the PMU is exposed.  A native name cannot be
 * checked without a PMU. */
static void mark_unknown(struct ctr_plan *plan, bool pmu)
{
    for (int i = 0; i < plan->n_events; i++) {
        int code;
        const char *name = plan->events[i].name;
        bool checkable = pmu || (papi_library && strncmp(name, "PAPI_", 5) == 0);
        plan->unknown[i] =
            checkable && PAPI_event_name_to_code((char *)name, &code) != PAPI_OK;
    }
}

void ctr_plan_probe(struct ctr_plan *plan)
{
    plan->n_countable = 0;
    if (plan->n_events == 0)
        return;
    bool pmu = papi_init();
    mark_unknown(plan, pmu);
    if (!pmu) {
        mark_all(plan, "%s", papi_failure);
        return;
    }
    for (int i = 0; i < plan->n_events; i++) {
        struct sl_counter_event *e = &plan->events[i];
        int rc = PAPI_event_name_to_code(e->name, &plan->codes[i]);
        if (rc != PAPI_OK) {
            snprintf(e->reason, sizeof e->reason, "unknown event (%s)", PAPI_strerror(rc));
            continue;
        }
        if (PAPI_query_event(plan->codes[i]) != PAPI_OK) {
            snprintf(e->reason, sizeof e->reason, "event not supported on this CPU");
            continue;
        }
        e->state = SL_COUNTER_OK;
        e->reason[0] = '\0';
    }
    /* Try them together in this thread: more events than counters means
     * multiplexing; a refusal here would be refused in the workers too. */
    int set = PAPI_NULL;
    if (PAPI_create_eventset(&set) != PAPI_OK) {
        mark_all(plan, "%s", "PAPI cannot create an event set");
        return;
    }
    for (int i = 0; i < plan->n_events; i++) {
        struct sl_counter_event *e = &plan->events[i];
        if (e->state != SL_COUNTER_OK)
            continue;
        int rc = PAPI_add_event(set, plan->codes[i]);
        if ((rc == PAPI_ECNFLCT || rc == PAPI_ECOUNT) && !plan->multiplex) {
            /* Out of counters: rebuild the set multiplexed and retry. */
            PAPI_cleanup_eventset(set);
            PAPI_destroy_eventset(&set);
            set = PAPI_NULL;
            plan->multiplex = true;
            if (PAPI_create_eventset(&set) != PAPI_OK || PAPI_assign_eventset_component(set, 0) ||
                PAPI_set_multiplex(set) != PAPI_OK) {
                mark_all(plan, "%s", "more events than counters, and multiplexing failed");
                return;
            }
            for (int k = 0; k < i; k++)
                if (plan->events[k].state == SL_COUNTER_OK)
                    PAPI_add_event(set, plan->codes[k]);
            rc = PAPI_add_event(set, plan->codes[i]);
        }
        if (rc != PAPI_OK) {
            e->state = SL_COUNTER_UNAVAILABLE;
            if (rc == PAPI_EPERM)
                snprintf(e->reason, sizeof e->reason, "permission denied (perf_event_paranoid = %d)",
                         perf_event_paranoid());
            else
                snprintf(e->reason, sizeof e->reason, "cannot be counted here (%s)",
                         PAPI_strerror(rc));
        }
    }
    long long scratch[CTR_MAX_EVENTS];
    int rc = PAPI_start(set);
    if (rc == PAPI_OK)
        rc = PAPI_stop(set, scratch);
    PAPI_cleanup_eventset(set);
    PAPI_destroy_eventset(&set);
    if (rc != PAPI_OK) {
        mark_all(plan, "counting failed to start (%s)", PAPI_strerror(rc));
        return;
    }
    for (int i = 0; i < plan->n_events; i++)
        if (plan->events[i].state == SL_COUNTER_OK) {
            if (plan->multiplex)
                plan->events[i].state = SL_COUNTER_MULTIPLEXED;
            plan->n_countable++;
        }
}

void ctr_describe(char *buf, size_t len)
{
    if (!papi_init()) {
        snprintf(buf, len, "PAPI %d.%d.%d: unavailable (%s)", PAPI_VERSION_MAJOR(PAPI_VERSION),
                 PAPI_VERSION_MINOR(PAPI_VERSION), PAPI_VERSION_REVISION(PAPI_VERSION),
                 papi_failure);
        return;
    }
    snprintf(buf, len, "PAPI %d.%d.%d: %d hardware counters", PAPI_VERSION_MAJOR(PAPI_VERSION),
             PAPI_VERSION_MINOR(PAPI_VERSION), PAPI_VERSION_REVISION(PAPI_VERSION),
             PAPI_num_cmp_hwctrs(0));
}

/* One event set per OS thread, rebuilt when the thread serves a new team. */
static _Thread_local int thread_set = PAPI_NULL;
static _Thread_local unsigned thread_set_generation;

int ctr_thread_start(const struct ctr_plan *plan, unsigned generation)
{
    if (thread_set == PAPI_NULL || thread_set_generation != generation) {
        if (thread_set != PAPI_NULL) {
            PAPI_cleanup_eventset(thread_set);
            PAPI_destroy_eventset(&thread_set);
            thread_set = PAPI_NULL;
        }
        int rc = PAPI_register_thread();
        if (rc != PAPI_OK)
            return rc;
        if ((rc = PAPI_create_eventset(&thread_set)) != PAPI_OK)
            return rc;
        if (plan->multiplex && ((rc = PAPI_assign_eventset_component(thread_set, 0)) != PAPI_OK ||
                                (rc = PAPI_set_multiplex(thread_set)) != PAPI_OK))
            return rc;
        for (int i = 0; i < plan->n_events; i++)
            if (plan->events[i].state != SL_COUNTER_UNAVAILABLE &&
                (rc = PAPI_add_event(thread_set, plan->codes[i])) != PAPI_OK)
                return rc;
        thread_set_generation = generation;
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

#else /* built without PAPI */

void ctr_plan_probe(struct ctr_plan *plan)
{
    mark_all(plan, "%s", "PAPI not built in (libpapi-dev was missing at build time)");
}

void ctr_describe(char *buf, size_t len)
{
    snprintf(buf, len, "PAPI: unavailable (not built in: libpapi-dev was missing at build time)");
}

int ctr_thread_start(const struct ctr_plan *plan, unsigned generation)
{
    (void)plan;
    (void)generation;
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

#endif
