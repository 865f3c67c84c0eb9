#include "figures/machines.h"

#include "analysis/hwcompare.h"
#include "kit/sl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "M2: suite-20261121 (Emerald Rapids, 2 CPUs)": the operand's last name
 * and what the machine is. */
static void machine_title(const struct hw_set *s, size_t m, char *out, size_t len)
{
    const struct hw_machine *hm = &s->machines[m];
    const struct sl_machine_desc *d = &hm->set.runs[0].machine;
    size_t spec_len = strlen(hm->spec);
    while (spec_len > 1 && hm->spec[spec_len - 1] == '/')
        spec_len--;
    const char *name = hm->spec;
    for (size_t i = 0; i + 1 < spec_len; i++)
        if (hm->spec[i] == '/')
            name = hm->spec + i + 1;
    snprintf(out, len, "%s: %.*s (%s, %d CPUs)", hm->label, (int)(spec_len - (size_t)(name - hm->spec)),
             name, d->identity_recorded ? d->microarchitecture : d->cpu_model, d->pus_allowed);
}

/* Text from a record as one TSV field: no tab, line break or quote can end
 * it or start a quoted field. */
static void data_text(FILE *fp, const char *text)
{
    for (const char *c = text; *c; c++)
        fputc(*c == '\t' || *c == '\n' || *c == '\r' || *c == '"' ? ' ' : *c, fp);
}

/* ---- the best figure of merit per workload, bars --------------------------------------- */

/* One machine's bar: ratio to M1's best, and its interval from the machine's
 * own merit interval (M1's as a point). */
static void bar_numbers(struct data_file *d, const struct hw_workload_row *w, size_t m)
{
    double ratio = w->best_ratio[m], lo = ratio, hi = ratio;
    const struct sl_result *r = w->best[m].r, *base = w->best[0].r;
    double base_merit = base->d.merit.value;
    if (r && isfinite(ratio) && isfinite(base_merit) && base_merit > 0 &&
        isfinite(r->d.merit_ci95.lo) && isfinite(r->d.merit_ci95.hi)) {
        lo = r->d.merit_ci95.lo / base_merit;
        hi = r->d.merit_ci95.hi / base_merit;
    }
    data_number(d, ratio);
    data_number(d, lo);
    data_number(d, hi);
}

/* The bars' TSV: the workloads written (0: none, nothing written), or -1. */
static int merit_data(struct plot_set *set, const struct hw_summary *sum, struct data_file *d)
{
    const struct hw_set *s = set->machines;
    int groups = 0;
    for (size_t i = 0; i < sum->n_rows; i++) {
        const struct hw_workload_row *w = &sum->rows[i];
        if (!w->best[0].r)
            continue;
        if (groups == 0) {
            if (data_open(set, d, "machines", "merit", NULL) != 0)
                return -1;
            fputs("workload", d->fp);
            for (size_t m = 0; m < s->n; m++)
                fprintf(d->fp, "\t%s\t%s_lo\t%s_hi", s->machines[m].label, s->machines[m].label,
                        s->machines[m].label);
            fputc('\n', d->fp);
        }
        data_text(d->fp, w->kernel);
        fputs(" [", d->fp);
        data_text(d->fp, w->problem);
        fputc(']', d->fp);
        for (size_t m = 0; m < s->n; m++)
            bar_numbers(d, w, m);
        fputc('\n', d->fp);
        groups++;
    }
    if (groups > 0 && data_commit(d) != 0)
        return -1;
    return groups;
}

static int merit_figure(struct plot_set *set, const struct hw_summary *sum)
{
    const struct hw_set *s = set->machines;
    struct plot_figure *f = figure_new(set, "machines", "merit");
    if (!f)
        return -1;
    snprintf(f->title, sizeof f->title,
             "Best valid figure of merit per workload: %zu machines against M1", s->n);
    struct data_file d;
    int groups = merit_data(set, sum, &d);
    if (groups <= 0) {
        if (groups < 0)
            figure_fail(f);
        else
            figure_skip(f, "M1 has no valid result of any workload");
        return 0;
    }
    struct gp_vars vars = {0};
    set_panel(&vars, 1, d.path, "", (int)s->n);
    for (size_t m = 0; m < s->n; m++) {
        char title[300];
        machine_title(s, m, title, sizeof title);
        set_series(&vars, 1, (int)m + 1, title, (int)m + 1);
    }
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_int(&vars, "groups", groups);
    int width = groups * ((int)s->n * 40 + 70) + 300;
    gp_var_int(&vars, "width", width < 1100 ? 1100 : width > 6000 ? 6000 : width);
    gp_var_int(&vars, "height", 640);
    snprintf(f->caption, sizeof f->caption,
             "Per workload (at the problem every machine measured, a size rule such as "
             "'4 x last-level cache' being one problem), each machine's best valid variant, "
             "schedule and thread count: its figure of merit over M1's best (dashed: M1). Error "
             "bars: the 95 %% interval of that machine's median, over M1's median (M1's own "
             "interval not included). The variants may differ between machines; the summary "
             "table names them.");
    figure_render(set, f, "machines.gp", &vars);
    return 0;
}

/* ---- the same variant's scaling, overlaid per machine ------------------------------------ */

/* The thread counts any machine measured (kernel, variant, schedule,
 * problem) at, ascending. */
static int row_threads(const struct hw_set *s, const struct hw_workload_row *w,
                       const struct sl_result *key, int *threads, int max)
{
    int n = 0;
    for (size_t m = 0; m < s->n; m++)
        for (size_t i = 0; i < s->machines[m].set.n; i++) {
            const struct sl_run *run = &s->machines[m].set.runs[i];
            for (size_t k = 0; k < run->n_results; k++) {
                const struct sl_result *r = &run->results[k];
                struct hw_result x = hw_find(&s->machines[m], key->kernel, key->variant,
                                             key->schedule, r->threads, w->problem);
                int at = 0;
                while (at < n && threads[at] < r->threads)
                    at++;
                if (x.r != r || !hw_result_valid(r) || (at < n && threads[at] == r->threads) ||
                    n == max)
                    continue;
                memmove(threads + at + 1, threads + at, (size_t)(n - at) * sizeof *threads);
                threads[at] = r->threads;
                n++;
            }
        }
    return n;
}

/* How many machines measured key's variant and schedule at w's problem with
 * a speedup at two thread counts or more. */
static size_t machines_with_curve(const struct hw_set *s, const struct hw_workload_row *w,
                                  const struct sl_result *key)
{
    size_t machines = 0;
    for (size_t m = 0; m < s->n; m++) {
        int points = 0;
        for (size_t i = 0; i < s->machines[m].set.n; i++) {
            const struct sl_run *run = &s->machines[m].set.runs[i];
            for (size_t k = 0; k < run->n_results; k++) {
                const struct sl_result *r = &run->results[k];
                points += strcmp(r->variant, key->variant) == 0 &&
                          strcmp(r->schedule, key->schedule) == 0 && hw_result_valid(r) &&
                          isfinite(r->d.speedup.value) &&
                          hw_find(&s->machines[m], key->kernel, key->variant, key->schedule,
                                  r->threads, w->problem).r == r;
            }
        }
        machines += points >= 2;
    }
    return machines;
}

/* The variant and schedule a workload's panel follows: of M1's valid
 * results at the problem, the one with a curve on the most machines (M1's
 * best when no other has more; among others the faster on M1). */
static const struct sl_result *panel_key(const struct hw_set *s, const struct hw_workload_row *w)
{
    const struct sl_result *key = w->best[0].r;
    size_t most = machines_with_curve(s, w, key);
    const struct hw_machine *m1 = &s->machines[0];
    for (size_t i = 0; i < m1->set.n; i++)
        for (size_t k = 0; k < m1->set.runs[i].n_results; k++) {
            const struct sl_result *r = &m1->set.runs[i].results[k];
            if (r->threads != 1 || !hw_result_valid(r) ||
                hw_find(m1, w->kernel, r->variant, r->schedule, 1, w->problem).r != r)
                continue;
            size_t n = machines_with_curve(s, w, r);
            /* Among equals other than M1's best, the faster on M1. */
            if (n > most || (n == most && key != w->best[0].r &&
                             r->d.merit.value > key->d.merit.value)) {
                most = n;
                key = r;
            }
        }
    return key;
}

/* One workload's panel: a TSV block per machine with the panel's variant
 * and schedule at two thread counts or more.  The series (0: no panel), or
 * -1 with sl_error(). */
static int scaling_panel(struct plot_set *set, const struct hw_workload_row *w, int panel,
                         struct gp_vars *vars, int *max_threads)
{
    const struct hw_set *s = set->machines;
    const struct sl_result *key = panel_key(s, w);
    int threads[256];
    int n = row_threads(s, w, key, threads, 256), series = 0;
    struct data_file d;
    for (size_t m = 0; m < s->n && n >= 2; m++) {
        int points = 0;
        for (int t = 0; t < n; t++) {
            struct hw_result x =
                hw_find(&s->machines[m], key->kernel, key->variant, key->schedule, threads[t],
                        w->problem);
            points += x.r && hw_result_valid(x.r) && isfinite(x.r->d.speedup.value);
        }
        if (points < 2)
            continue;
        if (series == 0 && data_open(set, &d, "machines-scaling", key->kernel, NULL) != 0)
            return -1;
        fprintf(d.fp, "%s# %s: threads, speedup, speedup_lo, speedup_hi, efficiency, "
                      "efficiency_lo, efficiency_hi\n",
                series ? "\n\n" : "", s->machines[m].label);
        for (int t = 0; t < n; t++) {
            struct hw_result x =
                hw_find(&s->machines[m], key->kernel, key->variant, key->schedule, threads[t],
                        w->problem);
            if (!x.r || !hw_result_valid(x.r) || !isfinite(x.r->d.speedup.value))
                continue;
            fprintf(d.fp, "%d", x.r->threads);
            data_number(&d, x.r->d.speedup.value);
            data_number(&d, x.r->d.speedup_ci95.lo);
            data_number(&d, x.r->d.speedup_ci95.hi);
            data_number(&d, x.r->d.efficiency.value);
            data_number(&d, x.r->d.efficiency_ci95.lo);
            data_number(&d, x.r->d.efficiency_ci95.hi);
            fputc('\n', d.fp);
            if (x.r->threads > *max_threads)
                *max_threads = x.r->threads;
        }
        /* The label alone: the panels share the width with their keys; the
         * caption says which machine each label is. */
        set_series(vars, panel, ++series, s->machines[m].label, (int)m + 1);
    }
    if (series == 0)
        return 0;
    if (data_commit(&d) != 0)
        return -1;
    char title[300];
    snprintf(title, sizeof title, "%s %s/%s [%s]", key->kernel, key->variant, key->schedule,
             w->problem);
    set_panel(vars, panel, d.path, title, series);
    return series;
}

static int scaling_figures(struct plot_set *set, const struct hw_summary *sum)
{
    size_t first = set->n_figures;
    if (!figure_new(set, "machines", "speedup") || !figure_new(set, "machines", "efficiency"))
        return -1;
    struct plot_figure *sp = &set->figures[first], *ef = &set->figures[first + 1];
    snprintf(sp->title, sizeof sp->title, "Speedup vs threads of the same variant per machine");
    snprintf(ef->title, sizeof ef->title,
             "Parallel efficiency vs threads of the same variant per machine");
    struct gp_vars vars = {0};
    int panels = 0, max_threads = 1, allowed = 1;
    size_t i = 0;
    for (; i < sum->n_rows && panels < FIGURE_MAX_PANELS; i++) {
        if (!sum->rows[i].best[0].r)
            continue;
        int series = scaling_panel(set, &sum->rows[i], panels + 1, &vars, &max_threads);
        if (series < 0) {
            gp_vars_free(&vars);
            figure_fail(sp);
            figure_fail(ef);
            return 0;
        }
        panels += series > 0;
    }
    if (i < sum->n_rows)
        snprintf(sp->left_out, sizeof sp->left_out, "%zu workloads past the first %d panels",
                 sum->n_rows - i, FIGURE_MAX_PANELS);
    memcpy(ef->left_out, sp->left_out, sizeof ef->left_out);
    if (panels == 0) {
        gp_vars_free(&vars);
        figure_skip(sp, "no workload has a variant valid on M1 at two thread counts on any "
                        "machine");
        figure_skip(ef, "%s", sp->why_not);
        return 0;
    }
    for (size_t m = 0; m < set->machines->n; m++) {
        int a = set->machines->machines[m].set.runs[0].machine.pus_allowed;
        allowed = a > allowed ? a : allowed;
    }
    char legend[600] = "";
    for (size_t m = 0; m < set->machines->n; m++) {
        char title[300];
        size_t used = strlen(legend);
        machine_title(set->machines, m, title, sizeof title);
        snprintf(legend + used, sizeof legend - used, " %s.", title);
    }
    snprintf(sp->caption, sizeof sp->caption,
             "One panel per workload: the variant and schedule valid on M1 that most machines "
             "measured at two thread counts or more (M1's best where no other is measured more "
             "widely), its median T(1)/T(p) on each of them. Error "
             "bars: 95 %% intervals as in the per-record speedup figures. Dashed: ideal.%s",
             legend);
    snprintf(ef->caption, sizeof ef->caption,
             "Speedup divided by threads, the same panels and machines; 1 is ideal.%s", legend);
    /* A curve per machine. */
    scaling_render(set, sp, ef, &vars,
                   (struct scaling_layout){panels, max_threads, allowed, (int)set->machines->n});
    return 0;
}

int plot_machines(struct plot_set *set)
{
    if (!set->machines || set->machines->n < 2)
        return 0;
    struct hw_summary sum;
    if (hw_summary_compute(set->machines, &sum) != 0)
        return -1;
    int rc = merit_figure(set, &sum) != 0 || scaling_figures(set, &sum) != 0 ? -1 : 0;
    hw_summary_free(&sum);
    return rc;
}

/* ---- the report's section -------------------------------------------------------------- */

static void cell_ratio(struct html *h, double v, size_t n)
{
    html_markup(h, "<td>");
    if (n > 0 && isfinite(v))
        html_textf(h, "%.2f (%zu)", v, n);
    else
        html_markup(h, "<span class=na>-</span>");
    html_markup(h, "</td>");
}

static void cell_plain_ratio(struct html *h, double v)
{
    html_markup(h, "<td>");
    if (isfinite(v))
        html_textf(h, "%.2f", v);
    else
        html_markup(h, "<span class=na>-</span>");
    html_markup(h, "</td>");
}

static void machines_table(struct html *h, const struct hw_set *s)
{
    html_markup(h, "<table class=grid>\n<tr><th></th>");
    for (size_t m = 0; m < s->n; m++) {
        char title[300];
        machine_title(s, m, title, sizeof title);
        html_markup(h, "<th>");
        html_text(h, title);
        html_markup(h, "</th>");
    }
    html_markup(h, "</tr>\n");
    static const char *const rows[] = {"CPU",    "microarchitecture", "microcode", "host",
                                       "memory", "memory devices",    "OS",        "compiler"};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        html_markup(h, "<tr><th>");
        html_text(h, rows[r]);
        html_markup(h, "</th>");
        for (size_t m = 0; m < s->n; m++) {
            const struct sl_run *run = &s->machines[m].set.runs[0];
            const struct sl_machine_desc *d = &run->machine;
            const char *id = !d->identity_recorded ? "not in this record"
                             : r == 1              ? d->microarchitecture
                             : r == 2              ? d->microcode
                                                   : d->memory_devices;
            html_markup(h, "<td>");
            if (r == 0)
                html_text(h, d->cpu_model);
            else if (r == 3)
                html_text(h, d->hostname);
            else if (r == 4)
                html_textf(h, "%.1f GiB, %d of %d CPUs allowed", d->memory_gib, d->pus_allowed,
                           d->pus_total);
            else if (r == 6)
                html_text(h, d->os);
            else if (r == 7)
                html_text(h, run->build.compiler);
            else
                html_text(h, id);
            html_markup(h, "</td>");
        }
        html_markup(h, "</tr>\n");
    }
    html_markup(h, "</table>\n");
}

static void summary_row(struct html *h, const struct hw_set *s, const struct hw_workload_row *w,
                        size_t m)
{
    html_markup(h, "<tr><td>");
    if (m == 0) {
        html_text(h, w->kernel);
        html_markup(h, "</td><td>");
        html_text(h, w->problem);
    } else {
        html_markup(h, "</td><td>");
    }
    html_markup(h, "</td><td>");
    html_text(h, s->machines[m].label);
    html_markup(h, "</td><td>");
    struct hw_result b = w->best[m];
    if (b.r) {
        char unit[64];
        html_textf(h, "%s/%s t%d", b.r->variant, b.r->schedule, b.r->threads);
        html_markup(h, "</td><td>");
        if (isfinite(b.r->d.merit.value))
            html_textf(h, "%.4g %s", b.r->d.merit.value,
                       sl_merit_label(b.run->merit, b.run->unit, unit, sizeof unit));
        html_markup(h, "</td>");
        cell_plain_ratio(h, w->best_ratio[m]);
    } else {
        html_markup(h, "<span class=na>not measured</span></td><td></td><td></td>");
    }
    cell_ratio(h, w->t1[m].geomean, m ? w->t1[m].n : 0);
    cell_ratio(h, w->all[m].geomean, m ? w->all[m].n : 0);
    html_markup(h, "</tr>\n");
}

void report_machines(struct html *h, const struct plot_set *set)
{
    const struct hw_set *s = set->machines;
    struct hw_summary sum;
    if (!s || s->n < 2 || hw_summary_compute(s, &sum) != 0)
        return;
    char differs[256];
    hw_differences(s, differs, sizeof differs);
    html_markup(h, "<h2>Machines compared</h2>\n<p>");
    html_textf(h, "%zu machines; they differ in: %s. Ratios are machine / M1 (above 1: faster).",
               s->n, differs[0] ? differs : "nothing recorded");
    html_markup(h, " Figures: <a href=\"#machines-merit\">best figure of merit</a>, "
                   "<a href=\"#machines-speedup\">speedup</a>, "
                   "<a href=\"#machines-efficiency\">efficiency</a>.</p>\n");
    machines_table(h, s);
    html_markup(h, "<h3>Summary</h3>\n<table class=grid>\n<tr><th>workload</th><th>problem</th>"
                   "<th>machine</th><th>best valid variant</th><th>merit</th><th>vs M1</th>"
                   "<th>same variant, 1 thread</th><th>same variant, all cores</th></tr>\n");
    for (size_t i = 0; i < sum.n_rows; i++)
        for (size_t m = 0; m < s->n; m++)
            summary_row(h, s, &sum.rows[i], m);
    for (size_t m = 1; m < s->n; m++) {
        html_markup(h, "<tr><th colspan=5>geometric mean over workloads: ");
        html_text(h, s->machines[m].label);
        html_markup(h, "</th>");
        cell_ratio(h, sum.gm_best[m].geomean, sum.gm_best[m].n);
        cell_ratio(h, sum.gm_t1[m].geomean, sum.gm_t1[m].n);
        cell_ratio(h, sum.gm_all[m].geomean, sum.gm_all[m].n);
        html_markup(h, "</tr>\n");
    }
    html_markup(h, "</table>\n<p>The same variant: the geometric mean over every variant and "
                   "schedule valid on both machines of the speed ratio (figures of merit), at "
                   "1 thread and each machine at its largest thread count; in brackets how "
                   "many ratios.</p>\n");
    hw_summary_free(&sum);
}
