#include "results/model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why a derived figure is unavailable: the record's words for it. */
static const char NO_REPETITIONS[] = "no repetitions";
static const char NEEDS_TWO[] = "needs 2 repetitions";
static const char FEWER_THAN_SIX[] = "fewer than 6 repetitions";
static const char FEWER_THAN_SEVEN[] = "fewer than 7 repetitions";
static const char NOT_MEASURED[] = "not measured";
static const char NO_T1[] = "no 1-thread run of this variant and schedule in this record";
static const char RATIO_NEEDS_SEVEN[] = "its interval needs 7 repetitions of both runs";

const char *sl_status_name(enum sl_status s)
{
    switch (s) {
    case SL_STATUS_OK: return "ok";
    case SL_STATUS_SKIPPED: return "skipped";
    case SL_STATUS_ERROR: return "error";
    case SL_STATUS_INTERRUPTED: return "interrupted";
    }
    return "?";
}

int sl_status_parse(const char *name, enum sl_status *out)
{
    for (int s = SL_STATUS_OK; s <= SL_STATUS_INTERRUPTED; s++)
        if (strcmp(name, sl_status_name((enum sl_status)s)) == 0) {
            *out = (enum sl_status)s;
            return 0;
        }
    return -1;
}

const char *sl_counter_state_name(enum sl_counter_state s)
{
    switch (s) {
    case SL_COUNTER_OK: return "ok";
    case SL_COUNTER_MULTIPLEXED: return "multiplexed";
    case SL_COUNTER_UNAVAILABLE: return "unavailable";
    }
    return "?";
}

int sl_counter_state_parse(const char *name, enum sl_counter_state *out)
{
    for (int s = SL_COUNTER_OK; s <= SL_COUNTER_UNAVAILABLE; s++)
        if (strcmp(name, sl_counter_state_name((enum sl_counter_state)s)) == 0) {
            *out = (enum sl_counter_state)s;
            return 0;
        }
    return -1;
}

const char *sl_counter_why(const struct sl_counter_result *c)
{
    return c->event.reason[0] ? c->event.reason : "not counted";
}

void sl_result_name(const struct sl_result *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s/%s/t%d", r->kernel, r->variant, r->schedule, r->threads);
}

double sl_merit_value(enum sl_merit merit, const struct sl_work *work, double seconds)
{
    switch (merit) {
    case SL_MERIT_GBYTES: return work->bytes / seconds / 1e9;
    case SL_MERIT_GFLOPS: return work->flops / seconds / 1e9;
    case SL_MERIT_UNITS: break;
    }
    return work->units / seconds / 1e6;
}

const char *sl_merit_label(enum sl_merit merit, const char *unit, char *buf, size_t len)
{
    switch (merit) {
    case SL_MERIT_GBYTES: snprintf(buf, len, "GB/s"); break;
    case SL_MERIT_GFLOPS: snprintf(buf, len, "GFLOP/s"); break;
    case SL_MERIT_UNITS: snprintf(buf, len, "M%s/s", unit); break;
    }
    return buf;
}

/* ---- storage -------------------------------------------------------------- */

struct sl_arena_block {
    struct sl_arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

void *sl_run_alloc(struct sl_run *run, size_t count, size_t size)
{
    if (size && count > (SIZE_MAX - 32) / size) {
        sl_fail("out of memory");
        return NULL;
    }
    size_t bytes = (count * size + 15) & ~(size_t)15;
    struct sl_arena_block *b = run->arena;
    if (!b || b->size - b->used < bytes) {
        size_t room = bytes > ARENA_BLOCK ? bytes : ARENA_BLOCK;
        b = malloc(sizeof *b + room);
        if (!b) {
            sl_fail("out of memory");
            return NULL;
        }
        b->size = room;
        b->used = 0;
        b->next = run->arena;
        run->arena = b;
    }
    void *p = b->data + b->used;
    b->used += bytes;
    memset(p, 0, bytes);
    return p;
}

const char *sl_run_strdup(struct sl_run *run, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = sl_run_alloc(run, n, 1);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

const char *sl_run_text(struct sl_run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n < 0 ? NULL : sl_run_alloc(run, (size_t)n + 1, 1);
    if (!text)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return text;
}

void sl_run_init(struct sl_run *run)
{
    memset(run, 0, sizeof *run);
    run->end = SL_RUN_FINISHED;
    run->output_state = SL_OUTPUT_NONE;
}

void sl_run_free(struct sl_run *run)
{
    free(run->results);
    free(run->problems);
    for (struct sl_arena_block *b = run->arena, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    memset(run, 0, sizeof *run);
}

/* Doubles the room of a growing array; -1 with sl_error() on failure. */
static int grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t more = *cap ? 2 * *cap : 16;
    void *grown = realloc(*items, more * size);
    if (!grown)
        return sl_fail("out of memory");
    *items = grown;
    *cap = more;
    return 0;
}

struct sl_result *sl_run_add_result(struct sl_run *run)
{
    if (grow((void **)&run->results, &run->cap_results, run->n_results, sizeof *run->results) != 0)
        return NULL;
    struct sl_result *r = &run->results[run->n_results++];
    memset(r, 0, sizeof *r);
    r->imbalance = NAN;
    r->peak_rss_bytes = (struct sl_figure){NAN, NOT_MEASURED};
    r->ranks = 1;
    r->rank_imbalance = NAN;
    r->status = SL_STATUS_SKIPPED; /* nothing measured yet */
    sl_run_derive_result(run, r);
    return r;
}

struct sl_problem_info *sl_run_add_problem(struct sl_run *run)
{
    if (grow((void **)&run->problems, &run->cap_problems, run->n_problems,
             sizeof *run->problems) != 0)
        return NULL;
    struct sl_problem_info *p = &run->problems[run->n_problems++];
    memset(p, 0, sizeof *p);
    return p;
}

/* ---- derived figures ---------------------------------------------------------- */

static struct sl_figure figure(double value, const char *why)
{
    if (isfinite(value))
        return (struct sl_figure){value, NULL};
    return (struct sl_figure){NAN, why};
}

static struct sl_interval interval(bool available, double lo, double hi, const char *why)
{
    if (available && isfinite(lo) && isfinite(hi))
        return (struct sl_interval){lo, hi, NULL};
    return (struct sl_interval){NAN, NAN, why};
}

static bool same_configuration(const struct sl_result *a, const struct sl_result *b)
{
    return strcmp(a->variant, b->variant) == 0 && strcmp(a->schedule, b->schedule) == 0 &&
           strcmp(a->size, b->size) == 0;
}

static bool is_t1_partner(const struct sl_result *base, const struct sl_result *r)
{
    return base->threads == 1 && base->status == SL_STATUS_OK && same_configuration(base, r);
}

const struct sl_result *sl_run_t1_partner(const struct sl_run *run, const struct sl_result *r)
{
    /* A record holds each configuration once, and the 1-thread run comes
     * just before the others: look back from r first. */
    size_t at = (size_t)(r - run->results);
    for (size_t i = at + 1; i-- > 0;)
        if (is_t1_partner(&run->results[i], r))
            return &run->results[i];
    for (size_t i = at + 1; i < run->n_results; i++)
        if (is_t1_partner(&run->results[i], r))
            return &run->results[i];
    return NULL;
}

static void derive_speedup(const struct sl_run *run, const struct sl_result *r, struct sl_derived *d)
{
    const struct sl_result *base = r->status == SL_STATUS_OK ? sl_run_t1_partner(run, r) : NULL;
    const char *why = r->status != SL_STATUS_OK ? NOT_MEASURED : !base ? NO_T1 : NULL;
    if (why) {
        d->speedup = d->efficiency = figure(NAN, why);
        d->speedup_ci95 = d->efficiency_ci95 = interval(false, NAN, NAN, why);
        d->superlinear = false;
        return;
    }
    double t = d->stats.median;
    d->speedup = figure(base->d.stats.median / t, NO_T1);
    d->efficiency = figure(d->speedup.value / r->threads, NO_T1);
    /* Both medians inside their 97.5 % intervals with probability >= 95 %,
     * so the ratio interval is a 95 % one. */
    double lo = NAN, hi = NAN;
    if (!base->d.ci975_s.why && !d->ci975_s.why)
        stats_ratio_interval(base->d.ci975_s.lo, base->d.ci975_s.hi, d->ci975_s.lo,
                             d->ci975_s.hi, &lo, &hi);
    d->speedup_ci95 = interval(true, lo, hi, RATIO_NEEDS_SEVEN);
    d->efficiency_ci95 = interval(true, lo / r->threads, hi / r->threads, RATIO_NEEDS_SEVEN);
    d->noise.speedup_disturbed = d->noise.disturbed_reps > 0 || base->d.noise.disturbed_reps > 0;
    d->superlinear = isfinite(d->efficiency_ci95.lo) ? d->efficiency_ci95.lo > 1
                                                     : d->efficiency.value > 1;
}

static void derive_per_unit(struct sl_result *r)
{
    double units = r->work.units;
    for (int e = 0; e < r->n_counters; e++) {
        struct sl_counter_result *c = &r->counters[e];
        c->per_unit = c->per_worker ? c->per_execution / units : NAN;
    }
    bool sim = r->simulated && r->sim.available;
    r->d.sim_instructions_per_unit = sim ? r->sim.instructions / units : NAN;
    r->d.sim_data_refs_per_unit = sim ? r->sim.data_refs / units : NAN;
    r->d.sim_d1_misses_per_unit = sim ? r->sim.d1_misses / units : NAN;
    r->d.sim_ll_misses_per_unit = sim ? r->sim.ll_misses / units : NAN;
}

int sl_noise_alloc(struct sl_run *run, struct sl_result *r, size_t reps)
{
    struct sl_noise *n = &r->noise;
    n->per_rep = sl_run_alloc(run, reps ? reps : 1, sizeof *n->per_rep);
    n->samples = sl_run_alloc(run, (reps ? reps : 1) * (size_t)r->threads, sizeof *n->samples);
    n->counted = n->per_rep && n->samples;
    return n->counted ? 0 : -1;
}

/* ---- noise ----------------------------------------------------------------- */

/* Each repetition's figures over the workers, and whether it was disturbed. */
static void derive_noise_reps(struct sl_result *r)
{
    const struct sl_noise *n = &r->noise;
    for (size_t i = 0; i < r->reps; i++) {
        struct sl_noise_rep *rep = &n->per_rep[i];
        const struct sl_noise_sample *s = &n->samples[i * (size_t)r->threads];
        double busy = 0, task = 0;
        rep->context_switches = rep->involuntary_switches = rep->migrations = rep->page_faults = 0;
        rep->late_start_s = 0;
        for (int w = 0; w < r->threads; w++) {
            busy += s[w].busy_s;
            rep->late_start_s = fmax(rep->late_start_s, s[w].start_delay_s);
            task += s[w].task_clock_s;
            rep->context_switches += s[w].context_switches;
            rep->involuntary_switches += s[w].involuntary_switches;
            rep->migrations += s[w].migrations;
            rep->page_faults += s[w].page_faults;
        }
        rep->on_cpu = busy > 0 ? task / busy : NAN;
        rep->disturbed = rep->involuntary_switches > 0 || rep->migrations > 0 ||
                         rep->on_cpu < SL_ON_CPU_QUIET ||
                         rep->late_start_s > fmax(SL_LATE_START_S, SL_LATE_START_SHARE * rep->wall_s);
    }
}

/* What the verdict names: the worker switched out most, the one migrated
 * most, the lowest on-CPU share of a repetition. */
static void noise_verdict(const struct sl_result *r, struct sl_noise_derived *nd)
{
    const struct sl_noise *n = &r->noise;
    size_t used = (size_t)snprintf(nd->verdict, sizeof nd->verdict,
                                   "disturbed: %zu of %zu repetitions", nd->disturbed_reps, r->reps);
    double most_switched = 0, most_migrated = 0, lowest = INFINITY, latest = 0;
    int switched = -1, migrated = -1, late = -1;
    for (int w = 0; w < r->threads; w++) {
        double inv = 0, mig = 0;
        for (size_t i = 0; i < r->reps; i++) {
            const struct sl_noise_sample *s = &n->samples[i * (size_t)r->threads + (size_t)w];
            inv += s->involuntary_switches;
            mig += s->migrations;
            if (s->start_delay_s > latest) {
                latest = s->start_delay_s;
                late = w;
            }
        }
        if (inv > most_switched) {
            most_switched = inv;
            switched = w;
        }
        if (mig > most_migrated) {
            most_migrated = mig;
            migrated = w;
        }
    }
    for (size_t i = 0; i < r->reps; i++)
        lowest = fmin(lowest, n->per_rep[i].on_cpu);
    if (switched >= 0 && used < sizeof nd->verdict)
        used += (size_t)snprintf(nd->verdict + used, sizeof nd->verdict - used,
                                 ", worker %d switched out %.0f time%s", switched, most_switched,
                                 most_switched == 1 ? "" : "s");
    if (migrated >= 0 && used < sizeof nd->verdict)
        used += (size_t)snprintf(nd->verdict + used, sizeof nd->verdict - used,
                                 ", worker %d migrated %.0f time%s", migrated, most_migrated,
                                 most_migrated == 1 ? "" : "s");
    if (lowest < SL_ON_CPU_QUIET && used < sizeof nd->verdict)
        used += (size_t)snprintf(nd->verdict + used, sizeof nd->verdict - used,
                                 ", on-CPU as low as %.2f", lowest);
    if (latest > SL_LATE_START_S && used < sizeof nd->verdict)
        snprintf(nd->verdict + used, sizeof nd->verdict - used, ", worker %d began up to %.2g ms late",
                 late, 1e3 * latest);
}

/* Medians over the repetitions of each one's largest over mean on-CPU time,
 * and each worker's on-CPU share of its busy time. */
static void derive_on_cpu_balance(const struct sl_result *r, struct sl_noise_derived *nd)
{
    const struct sl_noise *n = &r->noise;
    double *ratios = malloc((r->reps ? r->reps : 1) * sizeof *ratios);
    double imbalance = NAN;
    const char *why = ratios ? "no on-CPU time" : "out of memory";
    if (ratios) {
        for (size_t i = 0; i < r->reps; i++) {
            const struct sl_noise_sample *s = &n->samples[i * (size_t)r->threads];
            double max = 0, sum = 0;
            for (int w = 0; w < r->threads; w++) {
                max = fmax(max, s[w].task_clock_s);
                sum += s[w].task_clock_s;
            }
            ratios[i] = sum > 0 ? max / (sum / r->threads) : NAN;
        }
        imbalance = stats_median(ratios, r->reps);
        free(ratios);
    }
    nd->on_cpu_imbalance = figure(imbalance, why);
    double lowest = INFINITY;
    nd->lowest_share_worker = -1;
    for (int w = 0; w < r->threads; w++) {
        double busy = 0, task = 0;
        for (size_t i = 0; i < r->reps; i++) {
            busy += n->samples[i * (size_t)r->threads + (size_t)w].busy_s;
            task += n->samples[i * (size_t)r->threads + (size_t)w].task_clock_s;
        }
        if (busy > 0 && task / busy < lowest) {
            lowest = task / busy;
            nd->lowest_share_worker = w;
        }
    }
    nd->lowest_on_cpu_share = figure(isfinite(lowest) ? lowest : NAN, "no busy time");
}

/* The statistics of the undisturbed repetitions' times. */
static void derive_quiet_statistics(const struct sl_result *r, struct sl_noise_derived *nd)
{
    double *quiet = malloc((r->reps ? r->reps : 1) * sizeof *quiet);
    const char *none = quiet ? "every repetition was disturbed" : "out of memory";
    struct stats_summary s;
    nd->quiet_reps = 0;
    for (size_t i = 0; quiet && i < r->reps; i++)
        if (!r->noise.per_rep[i].disturbed)
            quiet[nd->quiet_reps++] = r->times_s[i];
    stats_summarize(quiet, nd->quiet_reps, &s);
    free(quiet);
    nd->quiet_median_s = figure(s.median, none);
    nd->quiet_cv = figure(s.cv, nd->quiet_reps ? NEEDS_TWO : none);
    nd->quiet_ci95_s = interval(s.ci_available, s.ci_lo, s.ci_hi,
                                nd->quiet_reps ? FEWER_THAN_SIX : none);
}

static void derive_noise(struct sl_result *r)
{
    struct sl_noise_derived *nd = &r->d.noise;
    const struct sl_noise *n = &r->noise;
    *nd = (struct sl_noise_derived){.lowest_share_worker = -1};
    const char *why = !n->counted ? (n->why ? n->why : "not in this record")
                      : r->reps == 0 ? NO_REPETITIONS
                                     : NULL;
    if (why) {
        snprintf(nd->verdict, sizeof nd->verdict, "not counted (%s)", why);
        nd->quiet_median_s = nd->quiet_cv = nd->on_cpu_imbalance = nd->lowest_on_cpu_share =
            nd->steal_fraction = figure(NAN, why);
        nd->quiet_ci95_s = interval(false, NAN, NAN, why);
        return;
    }
    derive_noise_reps(r);
    for (size_t i = 0; i < r->reps; i++)
        nd->disturbed_reps += n->per_rep[i].disturbed;
    if (nd->disturbed_reps == 0)
        snprintf(nd->verdict, sizeof nd->verdict, "quiet");
    else
        noise_verdict(r, nd);
    derive_quiet_statistics(r, nd);
    derive_on_cpu_balance(r, nd);
    nd->steal_fraction = n->steal_s.why ? figure(NAN, n->steal_s.why)
                                        : figure(n->steal_cpu_s > 0 ? n->steal_s.value / n->steal_cpu_s
                                                                    : NAN,
                                                 "no CPU time");
}

static void derive_statistics(struct sl_result *r)
{
    struct sl_derived *d = &r->d;
    derive_noise(r);
    stats_summarize(r->times_s, r->reps, &d->stats);
    const struct stats_summary *s = &d->stats;
    d->min_s = figure(s->min, NO_REPETITIONS);
    d->median_s = figure(s->median, NO_REPETITIONS);
    d->mean_s = figure(s->mean, NO_REPETITIONS);
    d->stddev_s = figure(s->stddev, NEEDS_TWO);
    d->cv = figure(s->cv, NEEDS_TWO);
    d->ci95_s = interval(s->ci_available, s->ci_lo, s->ci_hi, FEWER_THAN_SIX);
    d->ci95_coverage = figure(s->ci_level, FEWER_THAN_SIX);
    d->ci975_s = interval(s->ci975_available, s->ci975_lo, s->ci975_hi, FEWER_THAN_SEVEN);
}

/* Everything that needs the statistics, r's and its partner's. */
static void derive_from_statistics(const struct sl_run *run, struct sl_result *r)
{
    struct sl_derived *d = &r->d;
    const struct stats_summary *s = &d->stats;
    derive_speedup(run, r, d);
    double t = s->median;
    const struct sl_work *w = &r->work;
    d->units_per_s = figure(w->units / t, NO_REPETITIONS);
    d->gflops = figure(w->flops / t / 1e9, NO_REPETITIONS);
    d->gbytes_per_s = figure(w->bytes / t / 1e9, NO_REPETITIONS);
    d->merit = figure(sl_merit_value(run->merit, w, t), NO_REPETITIONS);
    /* A rate is work over time: the slow end of the time is its low end. */
    d->units_per_s_ci95 = interval(s->ci_available, w->units / s->ci_hi, w->units / s->ci_lo,
                                   FEWER_THAN_SIX);
    d->merit_ci95 = interval(s->ci_available, sl_merit_value(run->merit, w, s->ci_hi),
                             sl_merit_value(run->merit, w, s->ci_lo), FEWER_THAN_SIX);
    d->invalid_expected = r->validated && !r->validation.valid && r->known_defect;
    derive_per_unit(r);
}

void sl_run_derive_result(const struct sl_run *run, struct sl_result *r)
{
    derive_statistics(r);
    derive_from_statistics(run, r);
}

void sl_run_derive(struct sl_run *run)
{
    /* Every result's statistics first: a speedup needs its partner's. */
    for (size_t i = 0; i < run->n_results; i++)
        derive_statistics(&run->results[i]);
    for (size_t i = 0; i < run->n_results; i++)
        derive_from_statistics(run, &run->results[i]);
}
