#include "measure/team.h"

#include "kit/util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static unsigned team_generation;
/* The team the OpenMP threads were last bound for by team_bind. */
static unsigned bound_team;
/* Which team and slot the calling OS thread is bound for; OpenMP reuses its
 * pool threads across regions, so a worker is bound once per team, in the
 * warm-up, not inside every timed repetition. */
static _Thread_local unsigned bound_generation;
static _Thread_local int bound_slot = -1;

const char *pin_policy_name(enum pin_policy p)
{
    switch (p) {
    case PIN_COMPACT: return "compact";
    case PIN_SCATTER: return "scatter";
    case PIN_NONE: return "none";
    case PIN_LIST: return "list";
    }
    return "?";
}

int pin_parse(const char *text, struct pin_config *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(text, "compact") == 0) {
        out->policy = PIN_COMPACT;
        return 0;
    }
    if (strcmp(text, "scatter") == 0) {
        out->policy = PIN_SCATTER;
        return 0;
    }
    if (strcmp(text, "none") == 0) {
        out->policy = PIN_NONE;
        return 0;
    }
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (!set)
        return sl_fail("out of memory");
    /* hwloc's list syntax ("0,2,4-7"); reject anything it would half-read. */
    int ok = text[0] && strspn(text, "0123456789,-") == strlen(text) &&
             hwloc_bitmap_list_sscanf(set, text) == 0 && !hwloc_bitmap_iszero(set) &&
             hwloc_bitmap_last(set) >= 0;
    if (!ok) {
        hwloc_bitmap_free(set);
        return sl_fail("--pin must be compact, scatter, none or a CPU list like 0,2-3; got '%s'",
                       text);
    }
    out->policy = PIN_LIST;
    int cpu;
    hwloc_bitmap_foreach_begin(cpu, set)
    {
        if (out->n_cpus < (int)(sizeof out->cpus / sizeof out->cpus[0]))
            out->cpus[out->n_cpus++] = cpu;
    }
    hwloc_bitmap_foreach_end();
    hwloc_bitmap_free(set);
    return 0;
}

/* Allowed PUs ordered core by core: the first PU of every core, then the
 * second ones, so `compact` fills physical cores before SMT siblings. */
static int compact_order(const struct machine *m, int *order, int max)
{
    hwloc_topology_t topo = m->allowed_topology;
    int n = 0;
    for (unsigned rank = 0; n < max; rank++) {
        int added = 0;
        hwloc_obj_t core = NULL;
        while ((core = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, core)) && n < max) {
            hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU,
                                                                 rank);
            if (pu) {
                order[n++] = (int)pu->os_index;
                added++;
            }
        }
        if (!added)
            break;
    }
    /* PUs outside any Core object (some VMs) follow in logical order, so
     * every allowed CPU gets a slot before any is used twice. */
    hwloc_obj_t pu = NULL;
    while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu)) && n < max) {
        bool listed = false;
        for (int i = 0; i < n && !listed; i++)
            listed = order[i] == (int)pu->os_index;
        if (!listed)
            order[n++] = (int)pu->os_index;
    }
    return n;
}

static int set_targets(struct sl_team *t, const struct machine *m, const struct pin_config *pin)
{
    int threads = t->threads;
    int available = m->desc.pus_allowed;
    if (pin->policy == PIN_LIST) {
        for (int i = 0; i < pin->n_cpus; i++)
            if (!hwloc_bitmap_isset(m->allowed, (unsigned)pin->cpus[i]))
                return sl_fail("--pin: CPU %d is not one this process may use (allowed: %s)",
                               pin->cpus[i], m->desc.allowed_list);
        available = pin->n_cpus;
    }
    if (threads > available && !pin->oversubscribe)
        return sl_fail("%d threads but only %d CPU%s %s (allowed: %s); pass --oversubscribe to "
                       "run oversubscribed on purpose",
                       threads, available, available == 1 ? "" : "s",
                       pin->policy == PIN_LIST ? "in --pin" : "this process may use",
                       m->desc.allowed_list);
    t->oversubscribed = threads > m->desc.pus_allowed || threads > available;

    if (pin->policy == PIN_NONE) {
        for (int w = 0; w < threads; w++)
            hwloc_bitmap_copy(t->targets[w], m->allowed);
        return 0;
    }
    if (pin->policy == PIN_SCATTER) {
        /* hwloc_distrib spreads sets over the topology tree (packages, then
         * caches, then cores); singlify keeps one PU of each. */
        hwloc_obj_t root = hwloc_get_root_obj(m->allowed_topology);
        int spread = threads < available ? threads : available;
        if (hwloc_distrib(m->allowed_topology, &root, 1, t->targets, (unsigned)spread, INT_MAX,
                          0) != 0)
            return sl_fail("hwloc cannot distribute %d threads", spread);
        for (int w = 0; w < threads; w++) {
            if (w >= spread)
                hwloc_bitmap_copy(t->targets[w], t->targets[w % spread]);
            hwloc_bitmap_singlify(t->targets[w]);
        }
        return 0;
    }
    int *order = util_alloc((size_t)available, sizeof *order, "placement");
    if (!order)
        return -1;
    int n = pin->policy == PIN_LIST ? pin->n_cpus : compact_order(m, order, available);
    if (pin->policy == PIN_LIST)
        memcpy(order, pin->cpus, (size_t)n * sizeof *order);
    for (int w = 0; w < threads; w++)
        hwloc_bitmap_only(t->targets[w], (unsigned)order[w % n]);
    free(order);
    return 0;
}

int team_create(struct sl_team **out, const struct machine *m, const struct pin_config *pin,
                int threads)
{
    struct sl_team *t = calloc(1, sizeof *t);
    if (!t)
        return sl_fail("out of memory");
    t->threads = threads;
    t->machine = m;
    t->policy = pin->policy;
    t->generation = ++team_generation;
    t->targets = calloc((size_t)threads, sizeof *t->targets);
    t->workers = util_alloc_aligned((size_t)threads, sizeof *t->workers, "team");
    if (!t->targets || !t->workers) {
        team_destroy(t);
        return sl_fail("out of memory");
    }
    memset(t->workers, 0, (size_t)threads * sizeof *t->workers);
    for (int w = 0; w < threads; w++)
        if (!(t->targets[w] = hwloc_bitmap_alloc())) {
            team_destroy(t);
            return sl_fail("out of memory");
        }
    if (set_targets(t, m, pin) != 0) {
        team_destroy(t);
        return -1;
    }
    team_reset(t);
    *out = t;
    return 0;
}

void team_destroy(struct sl_team *t)
{
    if (!t)
        return;
    if (t->targets)
        for (int w = 0; w < t->threads; w++)
            if (t->targets[w])
                hwloc_bitmap_free(t->targets[w]);
    free(t->targets);
    free(t->workers);
    free(t->counts);
    free(t);
}

int team_count(struct sl_team *t, const struct ctr_plan *plan)
{
    free(t->counts);
    t->counts = NULL;
    t->counters = NULL;
    if (!plan || plan->n_countable == 0)
        return 0;
    t->counts = calloc((size_t)t->threads * (size_t)plan->n_countable, sizeof *t->counts);
    if (!t->counts)
        return sl_fail("out of memory");
    t->counters = plan;
    return 0;
}

void team_count_noise(struct sl_team *t, const struct noise_plan *plan)
{
    t->noise = plan && plan->on ? plan : NULL;
}

void team_reset(struct sl_team *t)
{
    for (int w = 0; w < t->threads; w++) {
        struct team_worker *me = &t->workers[w];
        me->start = NAN;
        me->busy_s = NAN;
        me->cpu_begin = me->cpu_end = -1;
        me->stray = false;
        me->counter_error = 0;
        me->noise = (struct noise_counts){NAN, NAN, NAN, NAN, NAN, 0};
    }
    if (t->counts)
        memset(t->counts, 0,
               (size_t)t->threads * (size_t)t->counters->n_countable * sizeof *t->counts);
    t->team_size_seen = 0;
}

void team_bind(struct sl_team *t)
{
    struct sl_exec ex = {.threads = t->threads, .schedule = SL_SCHED_STATIC, .team = t};
#pragma omp parallel num_threads(t->threads)
    {
        sl_worker_begin(&ex);
        sl_worker_end(&ex);
    }
    bound_team = t->generation;
    team_reset(t);
}

void team_ensure_bound(struct sl_team *t)
{
    if (bound_team != t->generation)
        team_bind(t);
}

void team_cpus(const struct sl_team *t, hwloc_bitmap_t cpus)
{
    hwloc_bitmap_zero(cpus);
    for (int w = 0; w < t->threads; w++)
        hwloc_bitmap_or(cpus, cpus, t->targets[w]);
}

void team_target_string(const struct sl_team *t, int w, char *buf, size_t len)
{
    hwloc_bitmap_list_snprintf(buf, len, t->targets[w]);
}

void sl_worker_begin(const struct sl_exec *ex)
{
    struct sl_team *t = ex->team;
    int w = omp_get_thread_num();
    if (w >= t->threads)
        return;
    struct team_worker *me = &t->workers[w];
    if (w == 0)
        t->team_size_seen = omp_get_num_threads();
    if (bound_generation != t->generation || bound_slot != w) {
        me->bind_errno = hwloc_set_cpubind(t->machine->topology, t->targets[w],
                                           HWLOC_CPUBIND_THREAD) == 0
                             ? 0
                             : (errno ? errno : ENOSYS);
        bound_generation = t->generation;
        bound_slot = w;
    }
    me->cpu_begin = sched_getcpu();
    if (t->counters && !me->counter_error)
        me->counter_error = ctr_thread_start(t->counters);
    /* Innermost, so the counting itself stays outside what it counts as
     * far as it can. */
    if (t->noise)
        noise_thread_begin(t->noise, &me->noise_mark);
    me->start = util_now();
}

void sl_worker_end(const struct sl_exec *ex)
{
    struct sl_team *t = ex->team;
    int w = omp_get_thread_num();
    if (w >= t->threads)
        return;
    struct team_worker *me = &t->workers[w];
    me->busy_s = util_now() - me->start;
    if (t->noise)
        noise_thread_end(t->noise, &me->noise_mark, &me->noise);
    if (t->counters && !me->counter_error)
        me->counter_error =
            ctr_thread_stop(t->counters, t->counts + (size_t)w * (size_t)t->counters->n_countable);
    me->cpu_end = sched_getcpu();
    if (me->cpu_begin < 0 || me->cpu_end < 0 ||
        !hwloc_bitmap_isset(t->targets[w], (unsigned)me->cpu_begin) ||
        !hwloc_bitmap_isset(t->targets[w], (unsigned)me->cpu_end))
        me->stray = true;
}

void sl_exec_apply_outer_schedule(const struct sl_exec *ex)
{
    switch (ex->schedule) {
    case SL_SCHED_DYNAMIC: omp_set_schedule(omp_sched_dynamic, 1); break;
    case SL_SCHED_GUIDED: omp_set_schedule(omp_sched_guided, 1); break;
    default: omp_set_schedule(omp_sched_static, 0); break;
    }
}
