/* What the hardware did: per-worker busy time and cache misses (hardware
 * counters and simulated caches); the roofline is figures/roofline.c. */
#include "figures/figure.h"

#include "kit/sl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-worker busy time ------------------------------------------------------------- */

/* The mean busy time of r's workers; NAN (or 0) when one did not report. */
static double mean_busy(const struct sl_result *r)
{
    double mean = 0;
    for (int w = 0; w < r->threads; w++)
        mean += r->workers[w].busy_s / (double)r->threads;
    return mean;
}

/* The TSV of every variant/schedule at `threads` whose workers all reported:
 * each worker's busy time over the mean.  The groups written (0: none, and
 * nothing written), or -1 with sl_error(). */
static int busy_data(struct plot_set *set, const struct plot_record *rec, int threads,
                     struct data_file *d)
{
    const struct axes *ax = &rec->at_largest;
    int groups = 0;
    for (int v = 0; v < ax->variants.n; v++)
        for (int s = 0; s < ax->schedules.n; s++) {
            const struct sl_result *r = find_result(rec->run, ax->variants.item[v],
                                                    ax->schedules.item[s], threads, rec->largest);
            double mean = r && r->workers ? mean_busy(r) : NAN;
            if (!(mean > 0))
                continue;
            if (groups == 0) {
                if (data_open(set, d, "busy", rec->label, NULL) != 0)
                    return -1;
                fputs("group", d->fp);
                for (int w = 0; w < threads; w++)
                    fprintf(d->fp, "\tworker %d", w);
                fputc('\n', d->fp);
            }
            fprintf(d->fp, "%s/%s (%.2f)", r->variant, r->schedule, r->imbalance);
            for (int w = 0; w < r->threads; w++)
                data_number(d, r->workers[w].busy_s / mean);
            fputc('\n', d->fp);
            groups++;
        }
    if (groups > 0 && data_commit(d) != 0)
        return -1;
    return groups;
}

/* Per-worker busy time at the most threads of the largest size. */
int plot_busy(struct plot_set *set, const struct plot_record *rec)
{
    const struct axes *ax = &rec->at_largest;
    struct plot_figure *f = figure_new(set, "busy", rec->label);
    if (!f)
        return -1;
    char context[256];
    figure_context(rec->run, rec->largest, context, sizeof context);
    int threads = ax->threads.n ? ax->threads.item[ax->threads.n - 1] : 0;
    snprintf(f->title, sizeof f->title, "Per-thread busy time at %d threads: %s", threads,
             context);
    if (threads < 2) {
        figure_skip(f, "the record has no multi-threaded result");
        return 0;
    }
    struct data_file d;
    int groups = busy_data(set, rec, threads, &d);
    if (groups <= 0) {
        if (groups < 0)
            figure_fail(f);
        else
            figure_skip(f, "no result at %d threads records its workers' busy times", threads);
        return 0;
    }
    struct gp_vars vars = {0};
    set_panel(&vars, 1, d.path, "", threads);
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_int(&vars, "groups", groups);
    /* A row per group, its name level on the left: room for every bar,
     * between a readable minimum and a sane maximum. */
    int height = groups * (threads * 8 + 12) + 200;
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", height < 500 ? 500 : height > 8000 ? 8000 : height);
    snprintf(f->caption, sizeof f->caption,
             "Each worker's median busy time inside the kernel divided by the mean over workers, "
             "per variant/schedule (imbalance = max/mean in brackets). Bars at 1 are perfectly "
             "balanced; a short bar is a worker that waited.");
    figure_render(set, f, "busy.gp", &vars);
    return 0;
}

/* ---- cache misses ---------------------------------------------------------------------- */

enum counted_by { BY_HARDWARE, BY_SIMULATION };

/* The result whose counters represent a variant: fewest threads, first
 * schedule that has them. */
static const struct sl_result *counted_result(const struct sl_run *run, const char *variant,
                                              enum counted_by by)
{
    const struct sl_result *pick = NULL;
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        bool counted = by == BY_HARDWARE ? r->counters != NULL : r->simulated;
        if (r->status == SL_STATUS_OK && counted && strcmp(r->variant, variant) == 0 &&
            (!pick || r->threads < pick->threads))
            pick = r;
    }
    return pick;
}

static bool is_miss_event(const char *name)
{
    return strstr(name, "_DCM") || strstr(name, "_TCM") || strstr(name, "_ICM") ||
           strstr(name, "MISS") || strstr(name, "miss");
}

/* The hardware miss events of a record: those some variant counted, and
 * those it could not read, each with its reason. */
struct miss_events {
    struct names counted, missing;
    const char **reasons; /* per missing event */
};

static void miss_events_free(struct miss_events *m)
{
    free(m->counted.item);
    free(m->missing.item);
    free(m->reasons);
}

static int miss_events_collect(const struct plot_record *rec, struct miss_events *m)
{
    const struct axes *ax = &rec->all;
    int cap = ax->variants.n * SL_MAX_COUNTERS;
    m->counted = (struct names){calloc((size_t)cap + 1, sizeof(char *)), 0, cap};
    m->missing = (struct names){calloc((size_t)cap + 1, sizeof(char *)), 0, cap};
    m->reasons = calloc((size_t)cap + 1, sizeof(char *));
    if (!m->counted.item || !m->missing.item || !m->reasons)
        return sl_fail("out of memory");
    for (int v = 0; v < ax->variants.n; v++) {
        const struct sl_result *r = counted_result(rec->run, ax->variants.item[v], BY_HARDWARE);
        for (int e = 0; r && e < r->n_counters; e++) {
            const struct sl_counter_event *ev = &r->counters[e].event;
            if (!is_miss_event(ev->name))
                continue;
            if (ev->state != SL_COUNTER_UNAVAILABLE) {
                names_add(&m->counted, ev->name);
            } else if (names_index(&m->missing, ev->name) < 0) {
                m->reasons[m->missing.n] = ev->reason[0] ? ev->reason : "no reason recorded";
                names_add(&m->missing, ev->name);
            }
        }
    }
    return 0;
}

/* "A, B, C: unavailable (why)" when they share one reason, as they do on a
 * machine without a PMU; else "A: unavailable (why); B: ...". */
static void missing_text(const struct miss_events *m, char *out, size_t len)
{
    const struct names *missing = &m->missing;
    bool one_reason = true;
    out[0] = '\0';
    for (int i = 1; i < missing->n; i++)
        one_reason &= strcmp(m->reasons[i], m->reasons[0]) == 0;
    for (int i = 0; i < missing->n; i++) {
        size_t used = strlen(out);
        bool last = i == missing->n - 1;
        if (one_reason)
            snprintf(out + used, len - used, "%s%s", missing->item[i], last ? ": " : ", ");
        else
            snprintf(out + used, len - used, "%s: unavailable (%.150s)%s", missing->item[i],
                     m->reasons[i], last ? "" : "; ");
    }
    if (one_reason && missing->n) {
        size_t used = strlen(out);
        snprintf(out + used, len - used, "unavailable (%.300s)", m->reasons[0]);
    }
}

/* Misses per unit of each counted event, a row per variant. */
static int hardware_data(struct plot_set *set, const struct plot_record *rec,
                         const struct miss_events *m, struct data_file *d)
{
    const struct axes *ax = &rec->all;
    if (data_open(set, d, "misses", rec->label, "hardware", NULL) != 0)
        return -1;
    fputs("variant", d->fp);
    for (int e = 0; e < m->counted.n; e++)
        fprintf(d->fp, "\t%s", m->counted.item[e]);
    fputc('\n', d->fp);
    for (int v = 0; v < ax->variants.n; v++) {
        const struct sl_result *r = counted_result(rec->run, ax->variants.item[v], BY_HARDWARE);
        if (!r)
            continue;
        fprintf(d->fp, "%s (%s, t%d)", r->variant, r->schedule, r->threads);
        for (int e = 0; e < m->counted.n; e++) {
            double value = NAN;
            for (int k = 0; k < r->n_counters; k++)
                if (strcmp(r->counters[k].event.name, m->counted.item[e]) == 0)
                    value = r->counters[k].per_unit;
            data_number(d, value);
        }
        fputc('\n', d->fp);
    }
    return data_commit(d);
}

/* Simulated D1 and LL misses per unit, a row per variant simulated; `rows`
 * says how many, `reason` why one was not. */
static int simulated_data(struct plot_set *set, const struct plot_record *rec,
                          struct data_file *d, int *rows, char *reason, size_t len)
{
    const struct axes *ax = &rec->all;
    *rows = 0;
    if (data_open(set, d, "misses", rec->label, "simulated", NULL) != 0)
        return -1;
    fputs("variant\tD1 misses\tLL misses\n", d->fp);
    for (int v = 0; v < ax->variants.n; v++) {
        const struct sl_result *r = counted_result(rec->run, ax->variants.item[v], BY_SIMULATION);
        if (!r)
            continue;
        if (!r->sim.available) {
            snprintf(reason, len, "%s", r->sim.reason[0] ? r->sim.reason : "not simulated");
            continue;
        }
        fprintf(d->fp, "%s (%s, t%d)", r->variant, r->schedule, r->threads);
        data_number(d, r->d.sim_d1_misses_per_unit);
        data_number(d, r->d.sim_ll_misses_per_unit);
        fputc('\n', d->fp);
        (*rows)++;
    }
    return data_commit(d);
}

/* What a panel cannot draw, said in words: the hardware events that could
 * not be read, or why nothing was simulated. */
static void hardware_status(const struct miss_events *m, char *out, size_t len)
{
    missing_text(m, out, len);
    if (m->counted.n == 0 && !out[0])
        snprintf(out, len, "unavailable (no cache-miss event among the counters)");
}

/* A panel per source with something to draw; the events that could not be
 * read noted under the hardware panel.  A source with nothing to draw gets
 * no empty panel: the figure's left_out says why. */
static void misses_panels(struct gp_vars *vars, struct plot_figure *f, const struct miss_events *m,
                          bool any_hw, const char *hw_path, const char *sim_path, int sim_rows,
                          const char *sim_reason)
{
    int panels = 0;
    char status[1300];
    hardware_status(m, status, sizeof status);
    if (m->counted.n > 0) {
        panels++;
        gp_var_path(vars, "hw_file", hw_path);
        gp_var_int(vars, "hw_events", m->counted.n);
        set_wrapped(vars, "hw_note", status, 110);
    } else if (any_hw) {
        snprintf(f->left_out, sizeof f->left_out, "hardware counters: %.360s", status);
    }
    if (sim_rows > 0) {
        panels++;
        gp_var_path(vars, "sim_file", sim_path);
    } else if (sim_reason[0]) {
        size_t used = strlen(f->left_out);
        snprintf(f->left_out + used, sizeof f->left_out - used, "%ssimulated caches: "
                 "unavailable (%.300s)", used ? "; " : "", sim_reason);
    }
    gp_var_int(vars, "panels", panels);
    gp_var_int(vars, "width", 1300);
    gp_var_int(vars, "height", 560 * panels);
}

/* Hardware misses: the events any variant counted; the others are listed as
 * unavailable with their reason, never drawn as zero.  Nothing to draw at
 * all: the figure is skipped with the reasons, not drawn empty. */
static int draw_misses(struct plot_set *set, const struct plot_record *rec, struct plot_figure *f,
                       bool any_hw, bool any_sim, struct miss_events *m)
{
    struct data_file hw = {0}, sim = {0};
    char sim_reason[300] = "";
    int sim_rows = 0;
    if (any_hw && miss_events_collect(rec, m) != 0)
        return -1;
    if ((m->counted.n > 0 && hardware_data(set, rec, m, &hw) != 0) ||
        (any_sim && simulated_data(set, rec, &sim, &sim_rows, sim_reason, sizeof sim_reason) != 0)) {
        figure_fail(f);
        return 0;
    }
    if (any_sim && sim_rows == 0 && !sim_reason[0])
        snprintf(sim_reason, sizeof sim_reason, "not simulated");
    struct gp_vars vars = {0};
    misses_panels(&vars, f, m, any_hw, hw.path, sim.path, sim_rows, sim_reason);
    if (m->counted.n == 0 && sim_rows == 0) {
        gp_vars_free(&vars);
        figure_skip(f, "no miss count to draw: %s", f->left_out);
        f->left_out[0] = '\0';
        return 0;
    }
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_str(&vars, "work_unit", rec->run->unit ? rec->run->unit : "unit of work");
    snprintf(f->caption, sizeof f->caption,
             "Misses per unit of work, log scale, one group per variant (at its fewest threads). "
             "%s%s Counters that could not be read are listed with their reason, never drawn as "
             "zero.",
             m->counted.n > 0 ? "Hardware: PAPI events, all workers, mean per execution. " : "",
             sim_rows > 0 ? "Simulated: valgrind callgrind cache simulation of one execution with "
                            "this machine's cache shapes (deterministic). "
                          : "");
    figure_render(set, f, "misses.gp", &vars);
    return 0;
}

int plot_misses(struct plot_set *set, const struct plot_record *rec)
{
    const struct axes *ax = &rec->all;
    struct plot_figure *f = figure_new(set, "misses", rec->label);
    if (!f)
        return -1;
    char context[256];
    figure_context(rec->run, ax->sizes.n == 1 ? ax->sizes.item[0] : NULL, context, sizeof context);
    snprintf(f->title, sizeof f->title, "Cache misses per %s: %s",
             rec->run->unit ? rec->run->unit : "unit of work", context);
    bool any_hw = false, any_sim = false;
    for (int v = 0; v < ax->variants.n; v++) {
        any_hw |= counted_result(rec->run, ax->variants.item[v], BY_HARDWARE) != NULL;
        any_sim |= counted_result(rec->run, ax->variants.item[v], BY_SIMULATION) != NULL;
    }
    if (!any_hw && !any_sim) {
        figure_skip(f, "the record has no counters (run with --counters cache for hardware "
                       "counters or --counters sim for simulated caches)");
        return 0;
    }
    struct miss_events m = {0};
    int rc = draw_misses(set, rec, f, any_hw, any_sim, &m);
    miss_events_free(&m);
    return rc;
}
