#include "figures/report.h"

#include "figures/machines.h"

#include "figures/html.h"
#include "figures/roofline.h"
#include "figures/report_environment.h"
#include "kit/sl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* A literal (html_markup takes nothing else); inside <style> no escape is read. */
#define STYLE \
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:1400px;" \
    "color:#222;padding:0 1em}" \
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}" \
    "table{border-collapse:collapse;margin:.5em 0}" \
    "table.grid td,table.grid th{border:1px solid #ccc;padding:.25em .5em;text-align:left;" \
    "vertical-align:top}" \
    "table.grid th{background:#f0f0f0}" \
    "table.kv th{text-align:left;padding:.15em 1em .15em 0;vertical-align:top;white-space:nowrap}" \
    "table.kv td{padding:.15em 0;overflow-wrap:anywhere}" \
    ".na{color:#777;font-style:italic}.ci{color:#666;font-size:.9em}" \
    ".bad{color:#b00020}.good{color:#1b7f2a}" \
    "figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #ddd}" \
    "figcaption{color:#444;max-width:1100px}" \
    ".skipped li{color:#555}code{background:#f4f4f4;padding:0 .2em}" \
    ".banner{background:#fff4e0;border:1px solid #e0a040;padding:.6em 1em;margin:1em 0}" \
    "nav ul{margin:.2em 0}nav li{margin:.1em 0}"

static void unavailable(struct html *h)
{
    html_markup(h, "<span class=na>unavailable</span>");
}

/* A table row "<tr><th>key</th><td>" left open for its value; kv_end closes it. */
static void kv_row(struct html *h, const char *key)
{
    html_markup(h, "<tr><th>");
    html_text(h, key);
    html_markup(h, "</th><td>");
}

static void kv_end(struct html *h)
{
    html_markup(h, "</td></tr>\n");
}

static void kv_text(struct html *h, const char *key, const char *value)
{
    kv_row(h, key);
    html_text(h, value);
    kv_end(h);
}

/* value [lo, hi], each as `format` ("%.4g") writes it, or unavailable. */
static void interval(struct html *h, double value, double lo, double hi, const char *format)
{
    char text[64];
    if (!isfinite(value)) {
        unavailable(h);
        return;
    }
    snprintf(text, sizeof text, format, value);
    html_text(h, text);
    if (isfinite(lo) && isfinite(hi)) {
        html_markup(h, " <span class=ci>[");
        snprintf(text, sizeof text, format, lo);
        html_text(h, text);
        html_markup(h, ", ");
        snprintf(text, sizeof text, format, hi);
        html_text(h, text);
        html_markup(h, "]</span>");
    }
}

/* ---- the machine, the build, the environment ------------------------------------------- */

static void peak(struct html *h, double gflops, const char *precision)
{
    if (isfinite(gflops))
        html_textf(h, "%.6g GFLOP/s %s", gflops, precision);
    else {
        unavailable(h);
        html_textf(h, " GFLOP/s %s", precision);
    }
}

static void machine_section(struct html *h, const struct sl_machine_desc *m)
{
    html_markup(h, "<table class=kv>\n");
    kv_row(h, "CPU");
    html_textf(h, "%s (%s)", m->cpu_model, m->cpu_vendor);
    kv_end(h);
    kv_text(h, "host", m->hostname);
    kv_text(h, "OS", m->os);
    kv_text(h, "ISA", m->isa);
    kv_row(h, "topology");
    html_textf(h, "%d package(s), %d NUMA node(s), %d cores, %d CPUs", m->packages,
               m->numa_nodes, m->cores_total, m->pus_total);
    kv_end(h);
    kv_row(h, "allowed");
    html_textf(h, "CPUs %s (%d CPUs, %d cores)", m->allowed_list, m->pus_allowed,
               m->cores_allowed);
    kv_end(h);
    kv_row(h, "caches");
    for (int i = 0; i < m->n_caches; i++) {
        const struct sl_cache_desc *c = &m->caches[i];
        html_textf(h, "%sL%d %s %.0f KiB x %d", i ? "; " : "", c->level, c->type,
                   (double)c->size / 1024.0, c->instances);
    }
    kv_end(h);
    kv_row(h, "memory");
    html_textf(h, "%.1f GiB", m->memory_gib);
    kv_end(h);
    kv_row(h, "peak (FMA)");
    peak(h, m->peak_gflops_fp64, "fp64");
    html_markup(h, ", ");
    peak(h, m->peak_gflops_fp32, "fp32");
    html_markup(h, "; ");
    html_text(h, m->peak_basis);
    kv_end(h);
    html_markup(h, "</table>\n");
}

static void build_section(struct html *h, const struct sl_build_desc *b)
{
    html_markup(h, "<h2 id=build>Build</h2>\n<table class=kv>\n");
    kv_text(h, "compiler", b->compiler);
    kv_text(h, "flags", b->flags);
    kv_text(h, "build_type", b->build_type);
    kv_text(h, "sanitizers", b->sanitizers);
    kv_text(h, "commit", b->commit);
    kv_row(h, "openmp");
    html_textf(h, "%d", b->openmp);
    kv_end(h);
    kv_text(h, "blas", b->blas);
    if (b->inject_slowdown_pct > 0) {
        kv_row(h, "inject_slowdown_pct");
        html_textf(h, "%d", b->inject_slowdown_pct);
        kv_end(h);
    }
    html_markup(h, "</table>\n");
}

/* ---- the summary ----------------------------------------------------------------------- */

/* Counter status of a record in a few words. */
static void counter_status(struct html *h, const struct sl_run *run)
{
    size_t hw_ok = 0, hw_unavailable = 0, sim_ok = 0, sim_unavailable = 0;
    const char *hw_reason = NULL, *sim_reason = NULL;
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        for (int e = 0; e < r->n_counters; e++) {
            const struct sl_counter_result *c = &r->counters[e];
            if (c->event.state == SL_COUNTER_UNAVAILABLE) {
                hw_unavailable++;
                hw_reason = sl_counter_why(c);
            } else {
                hw_ok++;
            }
        }
        if (r->simulated && r->sim.available)
            sim_ok++;
        else if (r->simulated) {
            sim_unavailable++;
            sim_reason = r->sim.reason[0] ? r->sim.reason : "no reason recorded";
        }
    }
    if (!hw_ok && !hw_unavailable && !sim_ok && !sim_unavailable)
        html_markup(h, "none requested");
    if (hw_ok == 0 && hw_unavailable)
        html_textf(h, "hardware: unavailable (%s)", hw_reason);
    else if (hw_ok)
        html_textf(h, "hardware: %zu event counts", hw_ok);
    if (hw_ok && hw_unavailable)
        html_textf(h, ", %zu unavailable (%s)", hw_unavailable, hw_reason);
    if (sim_ok || sim_unavailable)
        html_textf(h, "%ssimulated: %zu results", hw_ok || hw_unavailable ? "; " : "", sim_ok);
    if (sim_unavailable)
        html_textf(h, ", %zu unavailable (%s)", sim_unavailable, sim_reason);
}

/* A result the summary may call best: usable, valid, on no more threads
 * than CPUs, and with no disturbed repetition. */
static bool best_candidate(const struct sl_result *r)
{
    return result_usable(r) && !result_invalid(r) && !r->oversubscribed &&
           !report_result_disturbed(r);
}

/* The record's best result at its largest size, over every thread count:
 * the highest figure of merit (variants may do different work: stream's
 * copy moves 16 bytes an element, triad 24, so the shortest time is not
 * always the best result); without one, the shortest time.  Oversubscribed
 * and disturbed results are never picked: their times measure the
 * neighbours, not the variant. */
static const struct sl_result *best_result(const struct plot_record *rec)
{
    const struct sl_run *run = rec->run;
    const struct sl_result *best = NULL;
    for (size_t i = 0; i < run->n_results && rec->largest; i++) {
        const struct sl_result *r = &run->results[i];
        if (!best_candidate(r) || strcmp(r->size, rec->largest) != 0)
            continue;
        double merit = result_merit(run, r), best_merit = best ? result_merit(run, best) : NAN;
        if (!best || (isfinite(merit) && isfinite(best_merit)
                          ? merit > best_merit
                          : r->d.median_s.value < best->d.median_s.value))
            best = r;
    }
    return best;
}

/* Why a record has no best result: what was left out at its largest size. */
static void no_best(struct html *h, const struct plot_record *rec)
{
    size_t over = 0, disturbed = 0;
    for (size_t i = 0; i < rec->run->n_results && rec->largest; i++) {
        const struct sl_result *r = &rec->run->results[i];
        if (!result_usable(r) || result_invalid(r) || strcmp(r->size, rec->largest) != 0)
            continue;
        over += r->oversubscribed;
        disturbed += !r->oversubscribed && report_result_disturbed(r);
    }
    html_markup(h, "<td colspan=7><span class=na>");
    if (over + disturbed == 0)
        html_markup(h, "no valid result");
    else
        html_textf(h, "no valid result that was quiet and not oversubscribed (%zu disturbed, %zu "
                      "oversubscribed left out)",
                   disturbed, over);
    html_markup(h, "</span></td>");
}

static void best_cells(struct html *h, const struct plot_record *rec,
                       const struct sl_result *best)
{
    const struct sl_run *run = rec->run;
    char unit[64];
    if (!best) {
        no_best(h, rec);
        return;
    }
    html_markup(h, "<td>");
    html_text(h, best->variant);
    html_markup(h, "</td><td>");
    html_text(h, best->schedule);
    html_markup(h, "</td><td>");
    html_textf(h, "%d", best->threads);
    html_markup(h, "</td><td>");
    interval(h, best->d.median_s.value * 1e3, best->d.ci95_s.lo * 1e3, best->d.ci95_s.hi * 1e3,
             "%.4g");
    html_markup(h, "</td><td>");
    if (isfinite(result_merit(run, best)))
        html_textf(h, "%.4g %s", result_merit(run, best), run_merit_label(run, unit, sizeof unit));
    else
        unavailable(h);
    html_markup(h, "</td><td>");
    if (best->threads > 1)
        interval(h, best->d.speedup.value, best->d.speedup_ci95.lo, best->d.speedup_ci95.hi,
                 "%.2f");
    else
        html_markup(h, "<span class=na>1 thread: none</span>");
    html_markup(h, "</td>");
}

static void roof_cell(struct html *h, const struct plot_set *set, const struct sl_run *run,
                      const struct sl_result *best)
{
    char distance[300];
    if (!best)
        return; /* best_cells spans the row's cells */
    roofline_distance(set, run, best, distance, sizeof distance);
    html_markup(h, "<td>");
    html_text(h, distance);
    html_markup(h, "</td>");
}

static void validity_cell(struct html *h, const struct sl_run *run)
{
    size_t ok = 0, valid = 0, invalid = 0, expected = 0, skipped = 0, failed = 0;
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        skipped += r->status == SL_STATUS_SKIPPED;
        failed += r->status == SL_STATUS_ERROR || r->status == SL_STATUS_INTERRUPTED;
        if (r->status != SL_STATUS_OK)
            continue;
        ok++;
        valid += r->validated && r->validation.valid;
        invalid += result_invalid(r) && !r->d.invalid_expected;
        expected += result_invalid(r) && r->d.invalid_expected;
    }
    html_markup(h, "<td>");
    html_textf(h, "%zu of %zu valid", valid, ok);
    if (invalid) {
        html_markup(h, ", <b class=bad>");
        html_textf(h, "%zu INVALID", invalid);
        html_markup(h, "</b>");
    }
    if (expected)
        html_textf(h, ", %zu invalid by design (known defect)", expected);
    if (skipped)
        html_textf(h, ", %zu skipped", skipped);
    if (failed) {
        html_markup(h, ", <b class=bad>");
        html_textf(h, "%zu failed", failed);
        html_markup(h, "</b>");
    }
    html_markup(h, "</td>");
}

static void summary_section(struct html *h, const struct plot_set *set)
{
    html_markup(h, "<h2 id=summary>Summary</h2>\n<p>Per record: the valid result with the "
                   "highest figure of merit at the largest size, over every thread count, never "
                   "an oversubscribed one or one with disturbed repetitions; its median time "
                   "with the 95 % interval of the median, its figure of merit and its speedup "
                   "over 1 thread (same variant and schedule), and its distance to the roof that "
                   "bounds it (the lowest measured roof at or above it at its intensity and "
                   "thread count, from a ceilings record among the inputs).</p>\n"
                   "<table class=grid>\n<tr><th>record</th><th>size</th><th>best variant</th>"
                   "<th>schedule</th><th>threads</th><th>median (ms)</th><th>figure of merit"
                   "</th><th>speedup</th><th>against its roof</th><th>validity</th><th>counters</th>"
                   "</tr>\n");
    for (size_t k = 0; k < set->n_records; k++) {
        const struct plot_record *rec = &set->records[k];
        html_markup(h, "<tr><td>");
        html_text(h, rec->label);
        html_markup(h, "</td><td>");
        html_text(h, rec->largest ? rec->largest : "-");
        html_markup(h, "</td>");
        const struct sl_result *best = best_result(rec);
        best_cells(h, rec, best);
        roof_cell(h, set, rec->run, best);
        validity_cell(h, rec->run);
        html_markup(h, "<td>");
        counter_status(h, rec->run);
        html_markup(h, "</td></tr>\n");
    }
    html_markup(h, "</table>\n");
}

/* ---- claims ---------------------------------------------------------------------------- */

/* A claim judged from two records (cosine timed and simulated) sits in
 * both: whether an earlier record than k holds it. */
static bool claim_seen(const struct plot_set *set, size_t k, const char *id)
{
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < set->records[j].run->n_claims; i++)
            if (strcmp(set->records[j].run->claims[i].id, id) == 0)
                return true;
    return false;
}

static void claim_row(struct html *h, const struct sl_claim_entry *c)
{
    html_markup(h, "<tr><td title=\"");
    html_text(h, c->explanation);
    html_markup(h, "\">");
    html_text(h, c->id);
    html_markup(h, "</td><td>");
    html_text(h, c->workload);
    html_markup(h, "</td><td>");
    html_text(h, c->source_figure);
    html_markup(h, "</td><td>");
    html_text(h, c->measured_text);
    if (c->regime) {
        html_markup(h, "<br>");
        html_text(h, c->regime);
    }
    if (strcmp(c->verdict, "reproduced") == 0)
        html_markup(h, "</td><td class=\"good\">");
    else if (strcmp(c->verdict, "not reproduced") == 0)
        html_markup(h, "</td><td class=\"bad\">");
    else
        html_markup(h, "</td><td class=\"na\">");
    html_text(h, c->verdict);
    html_markup(h, "</td><td>");
    html_text(h, c->reason);
    html_markup(h, "</td></tr>\n");
}

static void claims_section(struct html *h, const struct plot_set *set)
{
    bool any = false;
    for (size_t k = 0; k < set->n_records; k++) {
        const struct sl_run *run = set->records[k].run;
        for (size_t i = 0; i < run->n_claims; i++) {
            if (claim_seen(set, k, run->claims[i].id))
                continue;
            if (!any)
                html_markup(h, "<h2 id=claims>Claims</h2>\n<table class=grid>\n<tr><th>claim"
                               "</th><th>workload</th><th>published</th><th>measured</th><th>"
                               "verdict</th><th>reason</th></tr>\n");
            any = true;
            claim_row(h, &run->claims[i]);
        }
    }
    if (any)
        html_markup(h, "</table>\n");
}

/* ---- figures ---------------------------------------------------------------------------- */

static int figure_section(struct html *h, const struct plot_set *set)
{
    html_markup(h, "<h2 id=figures>Figures</h2>\n");
    for (size_t i = 0; i < set->n_figures; i++) {
        const struct plot_figure *f = &set->figures[i];
        char png[4300];
        if (f->state != FIGURE_MADE)
            continue;
        snprintf(png, sizeof png, "%s/%s.png", set->out_dir, f->name);
        html_markup(h, "<figure id=\"");
        html_text(h, f->name);
        html_markup(h, "\">\n<img alt=\"");
        html_text(h, f->title);
        html_markup(h, "\" src=\"");
        if (html_png_data_uri(h, png) != 0)
            return -1;
        html_markup(h, "\">\n<figcaption><b>");
        html_text(h, f->title);
        html_markup(h, ".</b> ");
        html_text(h, f->caption);
        if (f->left_out[0]) {
            html_markup(h, " <b>Left out:</b> ");
            html_text(h, f->left_out);
            html_markup(h, ".");
        }
        html_markup(h, " <a href=\"");
        html_textf(h, "%s.svg", f->name);
        html_markup(h, "\">SVG</a>, <a href=\"data/\">data</a></figcaption>\n</figure>\n");
    }
    return 0;
}

/* Every figure not drawn: skipped (the records cannot support it) or failed. */
static void not_drawn_section(struct html *h, const struct plot_set *set)
{
    bool any = false;
    for (size_t i = 0; i < set->n_figures; i++) {
        const struct plot_figure *f = &set->figures[i];
        if (f->state == FIGURE_MADE)
            continue;
        if (!any)
            html_markup(h, "<h3 id=not-drawn>Not drawn</h3>\n<ul class=skipped>\n");
        any = true;
        if (f->state == FIGURE_FAILED)
            html_markup(h, "<li class=bad><code>");
        else
            html_markup(h, "<li><code>");
        html_text(h, f->name);
        html_markup(h, "</code>: ");
        if (f->state == FIGURE_FAILED)
            html_markup(h, "<b>failed</b>: ");
        html_text(h, f->why_not);
        html_markup(h, "</li>\n");
    }
    if (any)
        html_markup(h, "</ul>\n");
}

/* ---- the page ---------------------------------------------------------------------------- */

static bool any_claims(const struct plot_set *set)
{
    for (size_t k = 0; k < set->n_records; k++)
        if (set->records[k].run->n_claims > 0)
            return true;
    return false;
}

/* The contents: every section, and every figure drawn by its title. */
static void contents(struct html *h, const struct plot_set *set)
{
    html_markup(h, "<nav id=contents><h2>Contents</h2>\n<ul>\n");
    if (report_has_noise(set))
        html_markup(h, "<li><a href=\"#noise\">Noise</a></li>\n");
    html_markup(h, "<li><a href=\"#summary\">Summary</a></li>\n");
    if (any_claims(set))
        html_markup(h, "<li><a href=\"#claims\">Claims</a></li>\n");
    html_markup(h, "<li><a href=\"#figures\">Figures</a>\n<ul>\n");
    bool not_drawn = false;
    for (size_t i = 0; i < set->n_figures; i++) {
        const struct plot_figure *f = &set->figures[i];
        not_drawn |= f->state != FIGURE_MADE;
        if (f->state != FIGURE_MADE)
            continue;
        html_markup(h, "<li><a href=\"#");
        html_text(h, f->name);
        html_markup(h, "\">");
        html_text(h, f->title);
        html_markup(h, "</a></li>\n");
    }
    if (not_drawn)
        html_markup(h, "<li><a href=\"#not-drawn\">Not drawn</a></li>\n");
    html_markup(h, "</ul></li>\n<li><a href=\"#machine\">Machine</a></li>\n"
                   "<li><a href=\"#build\">Build</a></li>\n"
                   "<li><a href=\"#environment\">Environment</a></li>\n"
                   "<li><a href=\"#records\">Records</a></li>\n</ul></nav>\n");
}

static void head(struct html *h, const struct plot_set *set)
{
    char now[64];
    time_t t = time(NULL);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
    html_markup(h, "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>"
                   "speedlab report: ");
    html_text(h, set->run_name);
    html_markup(h, "</title>\n<style>" STYLE "</style>\n</head>\n<body>\n<h1>speedlab report: ");
    html_text(h, set->run_name);
    html_markup(h, "</h1>\n<p>");
    html_textf(h, "Written %s from %zu record%s; commit ", now, set->n_records,
               set->n_records == 1 ? "" : "s");
    html_markup(h, "<code>");
    html_text(h, set->records[0].run->build.commit);
    html_markup(h, "</code>.</p>\n");
}

static void machines(struct html *h, const struct plot_set *set)
{
    const struct sl_machine_desc *first = &set->records[0].run->machine;
    html_markup(h, "<h2 id=machine>Machine</h2>\n");
    machine_section(h, first);
    for (size_t k = 1; k < set->n_records; k++) {
        const struct sl_machine_desc *m = &set->records[k].run->machine;
        if (strcmp(m->hostname, first->hostname) == 0 && strcmp(m->cpu_model, first->cpu_model) == 0)
            continue;
        html_markup(h, "<p>Record <code>");
        html_text(h, set->records[k].path);
        html_markup(h, "</code> comes from another machine:</p>\n");
        machine_section(h, m);
    }
}

static void records_section(struct html *h, const struct plot_set *set)
{
    html_markup(h, "<h2 id=records>Records</h2>\n<table class=grid>\n<tr><th>record</th><th>run</th>"
                   "<th>started</th><th>complete</th><th>command</th></tr>\n");
    for (size_t k = 0; k < set->n_records; k++) {
        const struct sl_run *run = set->records[k].run;
        html_markup(h, "<tr><td>");
        html_text(h, set->records[k].path);
        html_markup(h, "</td><td>");
        html_text(h, run->run_id);
        html_markup(h, "</td><td>");
        html_text(h, run->started);
        if (run->complete)
            html_markup(h, "</td><td>yes</td><td><code>");
        else
            html_markup(h, "</td><td><b class=bad>no</b></td><td><code>");
        html_text(h, run->command);
        html_markup(h, "</code></td></tr>\n");
    }
    html_markup(h, "</table>\n");
}

int report_write(const struct plot_set *set, const char *path)
{
    struct html *h = html_open(path);
    if (!h)
        return -1;
    head(h, set);
    report_noise_banner(h, set);
    contents(h, set);
    summary_section(h, set);
    report_machines(h, set);
    claims_section(h, set);
    if (figure_section(h, set) != 0) {
        html_abort(h);
        return -1;
    }
    not_drawn_section(h, set);
    machines(h, set);
    build_section(h, &set->records[0].run->build);
    report_environment(h, set);
    records_section(h, set);
    html_markup(h, "</body>\n</html>\n");
    return html_commit(h);
}
