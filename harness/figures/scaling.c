/* How time scales: speedup and efficiency against threads, throughput
 * against problem size, and the size x threads family. */
#include "figures/figure.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- speedup and efficiency against threads ------------------------------------------- */

/* A panel's key beside it holds this many series; more go under it, in
 * columns. */
#define SCALING_KEY_BESIDE_MAX 6
#define SCALING_KEY_COLUMNS 2

/* One schedule's panel at the record's largest size: a TSV block per variant
 * with results at two thread counts or more.  The number of series (0: no
 * panel), or -1 with sl_error() when its data could not be written. */
static int scaling_panel(struct plot_set *set, const struct plot_record *rec,
                         const char *schedule, int panel, struct gp_vars *vars)
{
    const struct axes *ax = &rec->at_largest;
    const struct sl_run *run = rec->run;
    struct data_file d;
    int series = 0;
    for (int v = 0; v < ax->variants.n; v++) {
        const char *variant = ax->variants.item[v];
        int points = 0;
        for (int t = 0; t < ax->threads.n; t++)
            points += find_result(run, variant, schedule, ax->threads.item[t], rec->largest) != NULL;
        if (points < 2)
            continue;
        if (series == 0 && data_open(set, &d, "scaling", rec->label, rec->largest, schedule, NULL) != 0)
            return -1;
        fprintf(d.fp, "%s# %s: threads, speedup, speedup_lo, speedup_hi, efficiency, "
                      "efficiency_lo, efficiency_hi\n",
                series ? "\n\n" : "", variant);
        for (int t = 0; t < ax->threads.n; t++) {
            const struct sl_result *r =
                find_result(run, variant, schedule, ax->threads.item[t], rec->largest);
            if (!r)
                continue;
            /* At 1 thread both are 1 by definition: no interval to draw. */
            bool one = r->threads == 1;
            fprintf(d.fp, "%d", r->threads);
            data_number(&d, r->d.speedup.value);
            data_number(&d, one ? NAN : r->d.speedup_ci95.lo);
            data_number(&d, one ? NAN : r->d.speedup_ci95.hi);
            data_number(&d, r->d.efficiency.value);
            data_number(&d, one ? NAN : r->d.efficiency_ci95.lo);
            data_number(&d, one ? NAN : r->d.efficiency_ci95.hi);
            fputc('\n', d.fp);
        }
        char title[200];
        series_title(run, variant, schedule, rec->largest, title, sizeof title);
        set_series(vars, panel, ++series, title, v + 1);
    }
    if (series == 0)
        return 0;
    if (data_commit(&d) != 0)
        return -1;
    char title[160];
    snprintf(title, sizeof title, "schedule: %s", schedule);
    set_panel(vars, panel, d.path, title, series);
    return series;
}

static void scaling_captions(const struct plot_record *rec, struct plot_figure *sp,
                             struct plot_figure *ef)
{
    const struct axes *ax = &rec->at_largest;
    int max_threads = ax->threads.item[ax->threads.n - 1];
    snprintf(sp->caption, sizeof sp->caption,
             "Median T(1)/T(p) of each variant, one panel per schedule. Error bars: 95 %% "
             "interval [T1lo/Tphi, T1hi/Tplo] from the order-statistic intervals of the medians "
             "(absent below 6 repetitions, and at 1 thread, where the speedup is 1 by "
             "definition). Dashed: ideal linear speedup.%s",
             max_threads > rec->run->machine.pus_allowed
                 ? " Thread counts right of the dotted line exceed the allowed CPUs "
                   "(oversubscribed)."
                 : "");
    snprintf(ef->caption, sizeof ef->caption,
             "Speedup divided by threads, one panel per schedule; 1 is ideal. Error bars as in "
             "the speedup figure.");
}

/* Speedup and efficiency vs threads at the largest size: one panel per
 * schedule, one series per variant. */
int plot_scaling(struct plot_set *set, const struct plot_record *rec)
{
    const struct axes *ax = &rec->at_largest;
    size_t first = set->n_figures;
    if (!figure_new(set, "speedup", rec->label))
        return -1;
    if (!rec->largest) {
        figure_skip(&set->figures[first], "the record has no usable result");
        return 0;
    }
    if (!figure_new(set, "efficiency", rec->label))
        return -1;
    /* Taken after both are made: a new figure may move the list. */
    struct plot_figure *sp = &set->figures[first], *ef = &set->figures[first + 1];
    char context[256];
    figure_context(rec->run, rec->largest, context, sizeof context);
    snprintf(sp->title, sizeof sp->title, "Speedup vs threads: %s", context);
    snprintf(ef->title, sizeof ef->title, "Parallel efficiency vs threads: %s", context);
    if (ax->threads.n < 2 || ax->threads.item[0] != 1) {
        const char *why = ax->threads.n < 2
                              ? "the record has one thread count (run with --threads 1,2,...)"
                              : "the record has no 1-thread result to divide by";
        figure_skip(sp, "%s", why);
        figure_skip(ef, "%s", why);
        return 0;
    }
    scaling_captions(rec, sp, ef);
    struct gp_vars vars = {0};
    int panels = 0, s = 0, most = 0;
    for (; s < ax->schedules.n && panels < FIGURE_MAX_PANELS; s++) {
        int series = scaling_panel(set, rec, ax->schedules.item[s], panels + 1, &vars);
        if (series < 0) {
            gp_vars_free(&vars);
            figure_fail(sp);
            figure_fail(ef);
            return 0;
        }
        panels += series > 0;
        most = series > most ? series : most;
    }
    figure_left_out(sp, "schedules", &ax->schedules, s);
    figure_left_out(ef, "schedules", &ax->schedules, s);
    if (panels == 0) {
        gp_vars_free(&vars);
        figure_skip(sp, "no variant has results at two thread counts under one schedule");
        figure_skip(ef, "%s", sp->why_not);
        return 0;
    }
    scaling_render(set, sp, ef, &vars,
                   (struct scaling_layout){panels, ax->threads.item[ax->threads.n - 1],
                                           rec->run->machine.pus_allowed, most});
    return 0;
}

void scaling_render(struct plot_set *set, struct plot_figure *sp, struct plot_figure *ef,
                    struct gp_vars *vars, struct scaling_layout l)
{
    gp_var_int(vars, "panels", l.panels);
    gp_var_int(vars, "max_threads", l.max_threads);
    gp_var_int(vars, "allowed_cpus", l.allowed_cpus);
    /* Many series: the key goes under each panel, in columns, so that it
     * does not squeeze the plot to a sliver; each panel grows by its rows. */
    bool key_below = l.most_series > SCALING_KEY_BESIDE_MAX;
    int key_rows =
        key_below ? (l.most_series + 1 + SCALING_KEY_COLUMNS - 1) / SCALING_KEY_COLUMNS : 0;
    gp_var_int(vars, "key_below", key_below);
    gp_var_int(vars, "key_columns", SCALING_KEY_COLUMNS);
    gp_var_int(vars, "width", 1300);
    gp_var_int(vars, "height", 90 + (400 + 20 * key_rows) * ((l.panels + 1) / 2));
    struct gp_vars eff = {0};
    gp_vars_extend(&eff, vars);
    gp_var_str(&eff, "quantity", "efficiency");
    gp_var_str(&eff, "figure_title", ef->title);
    gp_var_str(vars, "quantity", "speedup");
    gp_var_str(vars, "figure_title", sp->title);
    figure_render(set, sp, "scaling.gp", vars);
    figure_render(set, ef, "scaling.gp", &eff);
}

/* ---- throughput against problem size ----------------------------------------------------- */

/* The x of a size: its working set in bytes, or its place in the sweep. */
static double size_x(const struct plot_record *rec, int s)
{
    const char *size = rec->all.sizes.item[s];
    return rec->sizes_by_bytes ? working_set(rec->run, size) : (double)s;
}

/* One thread count's panel: a TSV block per variant (its fastest schedule
 * at each size) with results at two sizes or more.  The number of series,
 * or -1 with sl_error(). */
static int sizes_panel(struct plot_set *set, const struct plot_record *rec, int threads,
                       int panel, struct gp_vars *vars)
{
    const struct axes *ax = &rec->all;
    const struct sl_run *run = rec->run;
    struct data_file d;
    int series = 0;
    for (int v = 0; v < ax->variants.n; v++) {
        const char *variant = ax->variants.item[v];
        int points = 0;
        for (int s = 0; s < ax->sizes.n; s++)
            points += best_schedule(run, variant, threads, ax->sizes.item[s]) != NULL;
        if (points < 2)
            continue;
        char part[32];
        snprintf(part, sizeof part, "t%d", threads);
        if (series == 0 && data_open(set, &d, "sizes", rec->label, part, NULL) != 0)
            return -1;
        fprintf(d.fp, "%s# %s: %s, merit, median_s, size, schedule\n", series ? "\n\n" : "",
                variant, rec->sizes_by_bytes ? "working_set_bytes" : "size_index");
        for (int s = 0; s < ax->sizes.n; s++) {
            const struct sl_result *r = best_schedule(run, variant, threads, ax->sizes.item[s]);
            if (!r)
                continue;
            fprintf(d.fp, "%.9g", size_x(rec, s));
            data_number(&d, result_merit(run, r));
            data_number(&d, r->d.median_s.value);
            fprintf(d.fp, "\t%s\t%s\n", r->size, r->schedule);
        }
        char title[200];
        series_title(run, variant, NULL, NULL, title, sizeof title);
        set_series(vars, panel, ++series, title, v + 1);
    }
    if (series == 0)
        return 0;
    if (data_commit(&d) != 0)
        return -1;
    char title[64];
    snprintf(title, sizeof title, "%d thread%s", threads, threads > 1 ? "s" : "");
    set_panel(vars, panel, d.path, title, series);
    return series;
}

/* Throughput vs problem size, one series per variant (its best schedule at
 * each size), one panel per thread count (the first, the last and two
 * between); cache sizes marked. */
int plot_size_sweep(struct plot_set *set, const struct plot_record *rec)
{
    const struct axes *ax = &rec->all;
    struct plot_figure *f = figure_new(set, "sizes", rec->label);
    if (!f)
        return -1;
    char context[256], unit[64];
    figure_context(rec->run, NULL, context, sizeof context);
    snprintf(f->title, sizeof f->title, "Throughput vs problem size: %s", context);
    if (ax->sizes.n < 2) {
        figure_skip(f, "the record has one size (run with --sizes A,B,... for a sweep)");
        return 0;
    }
    run_merit_label(rec->run, unit, sizeof unit);
    snprintf(f->caption, sizeof f->caption,
             "%s of each variant (its fastest schedule at each size) against %s, one panel per "
             "thread count%s. %s",
             unit[0] ? unit : "Throughput",
             rec->sizes_by_bytes ? "the bytes one execution touches" : "the recorded sizes",
             ax->threads.n > 4 ? " (the first, the last and two between)" : "",
             rec->sizes_by_bytes ? "Dashed verticals: L1d and L2 per core and L3 per instance of "
                                   "the record's machine; with p threads the private caches hold "
                                   "p times as much."
                                 : "Cache markers need each size's working set, which this "
                                   "workload does not state.");
    struct gp_vars vars = {0};
    int panels = 0;
    for (int t = 0; t < ax->threads.n && panels < 4; t++) {
        int n = ax->threads.n;
        if (n > 4 && t != 0 && t != n - 1 && t != n / 3 && t != 2 * n / 3)
            continue;
        int series = sizes_panel(set, rec, ax->threads.item[t], panels + 1, &vars);
        if (series < 0) {
            gp_vars_free(&vars);
            figure_fail(f);
            return 0;
        }
        panels += series > 0;
    }
    if (panels == 0) {
        gp_vars_free(&vars);
        figure_skip(f, "no variant has results at two sizes");
        return 0;
    }
    gp_var_int(&vars, "panels", panels);
    gp_var_int(&vars, "by_bytes", rec->sizes_by_bytes);
    gp_var_str(&vars, "merit_unit", unit);
    gp_var_str(&vars, "figure_title", f->title);
    set_caches(&vars, &rec->run->machine);
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", 90 + 400 * ((panels + 1) / 2));
    figure_render(set, f, "sizes.gp", &vars);
    return 0;
}

/* ---- the size x threads family --------------------------------------------------------- */

/* One variant's row, under its fastest schedule at the most threads and the
 * largest size: a TSV block per thread count above 1 with results at two
 * sizes or more.  The number of series, or -1 with sl_error(). */
static int family_row(struct plot_set *set, const struct plot_record *rec, const char *variant,
                      int row, struct gp_vars *vars, const char **schedule_out)
{
    const struct axes *ax = &rec->all;
    const struct sl_run *run = rec->run;
    const struct sl_result *fastest =
        best_schedule(run, variant, ax->threads.item[ax->threads.n - 1], rec->largest);
    if (!fastest)
        return 0;
    const char *schedule = fastest->schedule;
    *schedule_out = schedule;
    struct data_file d;
    int series = 0;
    for (int t = 1; t < ax->threads.n; t++) {
        int threads = ax->threads.item[t], points = 0;
        for (int s = 0; s < ax->sizes.n; s++)
            points += find_result(run, variant, schedule, threads, ax->sizes.item[s]) != NULL;
        if (points < 2)
            continue;
        if (series == 0 && data_open(set, &d, "family", rec->label, variant, NULL) != 0)
            return -1;
        fprintf(d.fp, "%s# %d threads: %s, speedup, speedup_lo, speedup_hi, efficiency, "
                      "efficiency_lo, efficiency_hi, size\n",
                series ? "\n\n" : "", threads,
                rec->sizes_by_bytes ? "working_set_bytes" : "size_index");
        for (int s = 0; s < ax->sizes.n; s++) {
            const struct sl_result *r = find_result(run, variant, schedule, threads, ax->sizes.item[s]);
            if (!r)
                continue;
            fprintf(d.fp, "%.9g", size_x(rec, s));
            data_number(&d, r->d.speedup.value);
            data_number(&d, r->d.speedup_ci95.lo);
            data_number(&d, r->d.speedup_ci95.hi);
            data_number(&d, r->d.efficiency.value);
            data_number(&d, r->d.efficiency_ci95.lo);
            data_number(&d, r->d.efficiency_ci95.hi);
            fprintf(d.fp, "\t%s\n", r->size);
        }
        char title[64];
        snprintf(title, sizeof title, "%d threads%s", threads,
                 threads > run->machine.pus_allowed ? " (oversubscribed)" : "");
        set_series(vars, row, ++series, title, t);
    }
    if (series == 0)
        return 0;
    if (data_commit(&d) != 0)
        return -1;
    char title[200];
    snprintf(title, sizeof title, "%s (%s)", variant, schedule);
    set_panel(vars, row, d.path, title, series);
    return series;
}

/* For each variant, speedup and efficiency against size, one series per
 * thread count. */
int plot_family(struct plot_set *set, const struct plot_record *rec)
{
    const struct axes *ax = &rec->all;
    struct plot_figure *f = figure_new(set, "family", rec->label);
    if (!f)
        return -1;
    char context[256];
    figure_context(rec->run, NULL, context, sizeof context);
    snprintf(f->title, sizeof f->title, "Size x threads family: %s", context);
    if (ax->sizes.n < 2 || ax->threads.n < 2 || ax->threads.item[0] != 1) {
        figure_skip(f, "needs a sweep over sizes and thread counts including 1 (run with "
                       "--sizes A,B,... --threads 1,2,...); the record has %d size%s and %d "
                       "thread count%s",
                    ax->sizes.n, ax->sizes.n == 1 ? "" : "s", ax->threads.n,
                    ax->threads.n == 1 ? "" : "s");
        return 0;
    }
    struct gp_vars vars = {0};
    int rows = 0, v = 0;
    const char *first_schedule = NULL;
    bool schedules_differ = false;
    for (; v < ax->variants.n && rows < FIGURE_MAX_PANELS; v++) {
        const char *schedule = NULL;
        int series = family_row(set, rec, ax->variants.item[v], rows + 1, &vars, &schedule);
        if (series < 0) {
            gp_vars_free(&vars);
            figure_fail(f);
            return 0;
        }
        if (series > 0 && !first_schedule)
            first_schedule = schedule;
        schedules_differ |= series > 0 && strcmp(schedule, first_schedule) != 0;
        rows += series > 0;
    }
    snprintf(f->caption, sizeof f->caption,
             "Left: speedup T(1)/T(p) against %s, one curve per thread count p; right: "
             "efficiency (speedup/p, 1 is ideal). Error bars: 95 %% intervals (absent below 6 "
             "repetitions). One row per variant, each under its fastest schedule at %d threads "
             "and the largest size%s.",
             rec->sizes_by_bytes ? "the bytes one execution touches" : "the recorded sizes",
             ax->threads.item[ax->threads.n - 1],
             schedules_differ ? ", named in its title: the rows use different schedules" : "");
    figure_left_out(f, "variants", &ax->variants, v);
    if (rows == 0) {
        gp_vars_free(&vars);
        figure_skip(f, "no variant has results at two sizes for one thread count above 1");
        return 0;
    }
    gp_var_int(&vars, "panels", rows);
    gp_var_int(&vars, "by_bytes", rec->sizes_by_bytes);
    gp_var_str(&vars, "figure_title", f->title);
    set_caches(&vars, &rec->run->machine);
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", 90 + 330 * rows);
    figure_render(set, f, "family.gp", &vars);
    return 0;
}
