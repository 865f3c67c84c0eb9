/* report.html: one file that stands alone.  Styles are inline, images are
 * data URIs, and nothing is fetched, so it opens offline, by mail or from an
 * archive long after the run. */
#include "figures/plot.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void html(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

static const char *str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A JSON value as text for a table cell: strings as they are, numbers in
 * %g, anything else compact JSON. */
static void cell_value(FILE *fp, const json_t *v)
{
    if (!v || json_is_null(v)) {
        fputs("<span class=na>not set</span>", fp);
    } else if (json_is_string(v)) {
        html(fp, json_string_value(v));
    } else if (json_is_integer(v)) {
        fprintf(fp, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        fprintf(fp, "%.6g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        fputs(json_is_true(v) ? "yes" : "no", fp);
    } else {
        char *text = json_dumps(v, JSON_COMPACT);
        html(fp, text ? text : "?");
        free(text);
    }
}

static void key_value_table(FILE *fp, const json_t *obj)
{
    fputs("<table class=kv>\n", fp);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        fputs("<tr><th>", fp);
        html(fp, key);
        fputs("</th><td>", fp);
        cell_value(fp, v);
        fputs("</td></tr>\n", fp);
    }
    fputs("</table>\n", fp);
}

static int embed_png(FILE *fp, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return sl_fail("cannot read %s", path);
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char chunk[3];
    size_t n;
    fputs("data:image/png;base64,", fp);
    while ((n = fread(chunk, 1, 3, in)) > 0) {
        unsigned v = (unsigned)chunk[0] << 16 | (n > 1 ? (unsigned)chunk[1] << 8 : 0) |
                     (n > 2 ? chunk[2] : 0);
        fputc(alphabet[v >> 18 & 63], fp);
        fputc(alphabet[v >> 12 & 63], fp);
        fputc(n > 1 ? alphabet[v >> 6 & 63] : '=', fp);
        fputc(n > 2 ? alphabet[v & 63] : '=', fp);
    }
    fclose(in);
    return 0;
}

static void machine_section(FILE *fp, const struct loaded_record *rec)
{
    const json_t *m = json_object_get(rec->root, "machine");
    const json_t *topo = json_object_get(m, "topology");
    const json_t *allowed = json_object_get(m, "allowed");
    const json_t *peak = json_object_get(m, "peak");
    fputs("<table class=kv>\n<tr><th>CPU</th><td>", fp);
    html(fp, str(m, "cpu_model"));
    fputs(" (", fp);
    html(fp, str(m, "cpu_vendor"));
    fputs(")</td></tr>\n<tr><th>host</th><td>", fp);
    html(fp, str(m, "hostname"));
    fputs("</td></tr>\n<tr><th>OS</th><td>", fp);
    html(fp, str(m, "os"));
    fputs("</td></tr>\n<tr><th>ISA</th><td>", fp);
    html(fp, str(m, "isa"));
    fprintf(fp,
            "</td></tr>\n<tr><th>topology</th><td>%lld package(s), %lld NUMA node(s), %lld "
            "cores, %lld CPUs</td></tr>\n",
            (long long)json_integer_value(json_object_get(topo, "packages")),
            (long long)json_integer_value(json_object_get(topo, "numa_nodes")),
            (long long)json_integer_value(json_object_get(topo, "cores")),
            (long long)json_integer_value(json_object_get(topo, "cpus")));
    fprintf(fp, "<tr><th>allowed</th><td>CPUs ");
    html(fp, str(allowed, "cpus"));
    fprintf(fp, " (%lld CPUs, %lld cores)</td></tr>\n",
            (long long)json_integer_value(json_object_get(allowed, "count")),
            (long long)json_integer_value(json_object_get(allowed, "cores")));
    fputs("<tr><th>caches</th><td>", fp);
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(m, "caches"), i, c)
    {
        fprintf(fp, "%sL%lld %s %.0f KiB x %lld", i ? "; " : "",
                (long long)json_integer_value(json_object_get(c, "level")),
                str(c, "type") ? str(c, "type") : "?",
                record_number(c, "size_bytes") / 1024.0,
                (long long)json_integer_value(json_object_get(c, "instances")));
    }
    fprintf(fp, "</td></tr>\n<tr><th>memory</th><td>%.1f GiB</td></tr>\n",
            record_number(m, "memory_gib"));
    fputs("<tr><th>peak (FMA)</th><td>", fp);
    cell_value(fp, json_object_get(peak, "gflops_fp64"));
    fputs(" GFLOP/s fp64, ", fp);
    cell_value(fp, json_object_get(peak, "gflops_fp32"));
    fputs(" GFLOP/s fp32; ", fp);
    html(fp, str(peak, "basis"));
    fputs("</td></tr>\n</table>\n", fp);
}

/* Counter status of a record in a few words. */
static void counter_status(FILE *fp, const struct loaded_record *rec)
{
    size_t hw_ok = 0, hw_unavailable = 0, sim_ok = 0, sim_unavailable = 0;
    const char *hw_reason = NULL, *sim_reason = NULL;
    for (size_t i = 0; i < rec->n_results; i++) {
        const json_t *r = rec->results[i].json;
        size_t k;
        const json_t *e;
        json_array_foreach(json_object_get(json_object_get(r, "counters"), "events"), k, e)
        {
            const char *status = str(e, "status");
            if (status && strcmp(status, "unavailable") == 0) {
                hw_unavailable++;
                hw_reason = str(e, "reason");
            } else if (status) {
                hw_ok++;
            }
        }
        const json_t *sim = json_object_get(r, "simulated_cache");
        if (sim) {
            const char *status = str(sim, "status");
            if (status && strcmp(status, "ok") == 0)
                sim_ok++;
            else {
                sim_unavailable++;
                sim_reason = str(sim, "reason");
            }
        }
    }
    if (!hw_ok && !hw_unavailable && !sim_ok && !sim_unavailable) {
        fputs("none requested", fp);
        return;
    }
    if (hw_ok || hw_unavailable) {
        if (hw_ok == 0) {
            fputs("hardware: unavailable (", fp);
            html(fp, hw_reason ? hw_reason : "no reason recorded");
            fputs(")", fp);
        } else {
            fprintf(fp, "hardware: %zu event counts", hw_ok);
            if (hw_unavailable) {
                fprintf(fp, ", %zu unavailable (", hw_unavailable);
                html(fp, hw_reason ? hw_reason : "no reason recorded");
                fputs(")", fp);
            }
        }
    }
    if (sim_ok || sim_unavailable) {
        fprintf(fp, "%ssimulated: %zu results", hw_ok || hw_unavailable ? "; " : "", sim_ok);
        if (sim_unavailable) {
            fprintf(fp, ", %zu unavailable (", sim_unavailable);
            html(fp, sim_reason ? sim_reason : "no reason recorded");
            fputs(")", fp);
        }
    }
}

static void interval(FILE *fp, double value, double lo, double hi, const char *fmt)
{
    if (!isfinite(value)) {
        fputs("<span class=na>unavailable</span>", fp);
        return;
    }
    fprintf(fp, fmt, value);
    if (isfinite(lo) && isfinite(hi)) {
        fputs(" <span class=ci>[", fp);
        fprintf(fp, fmt, lo);
        fputs(", ", fp);
        fprintf(fp, fmt, hi);
        fputs("]</span>", fp);
    }
}

/* One row per record: its fastest valid variant at the most threads and the
 * largest size, with the speedup of that variant and schedule. */
static void summary_row(FILE *fp, const struct loaded_record *rec, const char *label)
{
    int max_threads = 0;
    size_t ok = 0, valid = 0, invalid = 0, expected = 0, skipped = 0, failed = 0;
    const char *largest = NULL;
    double largest_bytes = -1;
    for (size_t i = 0; i < rec->n_results; i++) {
        const struct loaded_result *r = &rec->results[i];
        if (strcmp(r->status, "ok") != 0) {
            skipped += strcmp(r->status, "skipped") == 0;
            failed += strcmp(r->status, "skipped") != 0;
            continue;
        }
        ok++;
        valid += r->valid == 1;
        invalid += r->valid == 0 && !r->invalid_expected;
        expected += r->valid == 0 && r->invalid_expected;
        if (r->threads > max_threads)
            max_threads = r->threads;
        double bytes = record_problem_parameter(rec, r->size, "working_set_bytes");
        if (!largest || (isfinite(bytes) && bytes > largest_bytes)) {
            largest = r->size;
            largest_bytes = isfinite(bytes) ? bytes : largest_bytes;
        }
    }
    const struct loaded_result *best = NULL;
    for (size_t i = 0; i < rec->n_results; i++) {
        const struct loaded_result *r = &rec->results[i];
        /* Best by the figure of merit: variants may do different work
         * (stream's copy moves 16 bytes an element, triad 24), so the
         * shortest time is not always the best result. */
        if (strcmp(r->status, "ok") == 0 && r->valid != 0 && r->threads == max_threads &&
            largest && strcmp(r->size, largest) == 0 &&
            (!best || (isfinite(r->merit) && isfinite(best->merit) ? r->merit > best->merit
                                                                    : r->median_s < best->median_s)))
            best = r;
    }
    fputs("<tr><td>", fp);
    html(fp, label);
    fputs("</td><td>", fp);
    html(fp, largest ? largest : "-");
    fputs("</td>", fp);
    if (best) {
        fputs("<td>", fp);
        html(fp, best->variant);
        fputs("</td><td>", fp);
        html(fp, best->schedule);
        fprintf(fp, "</td><td>%d</td><td>", best->threads);
        interval(fp, best->median_s * 1e3, best->ci_lo * 1e3, best->ci_hi * 1e3, "%.4g");
        fputs("</td><td>", fp);
        if (isfinite(best->merit))
            fprintf(fp, "%.4g %s", best->merit, best->merit_unit);
        else
            fputs("<span class=na>unavailable</span>", fp);
        fputs("</td><td>", fp);
        if (best->threads > 1)
            interval(fp, best->speedup, best->speedup_lo, best->speedup_hi, "%.2f");
        else
            fputs("<span class=na>unavailable (one thread count)</span>", fp);
        fputs("</td>", fp);
    } else {
        fputs("<td colspan=6><span class=na>no valid result</span></td>", fp);
    }
    fprintf(fp, "<td>%zu of %zu valid", valid, ok);
    if (invalid)
        fprintf(fp, ", <b class=bad>%zu INVALID</b>", invalid);
    if (expected)
        fprintf(fp, ", %zu invalid by design (known defect)", expected);
    if (skipped)
        fprintf(fp, ", %zu skipped", skipped);
    if (failed)
        fprintf(fp, ", <b class=bad>%zu failed</b>", failed);
    fputs("</td><td>", fp);
    counter_status(fp, rec);
    fputs("</td></tr>\n", fp);
}

static void claims_section(FILE *fp, const struct plot_set *set)
{
    bool any = false;
    for (size_t k = 0; k < set->n_records; k++) {
        const json_t *claims = json_object_get(set->records[k].root, "claims");
        if (!json_is_array(claims) || json_array_size(claims) == 0)
            continue;
        if (!any)
            fputs("<h2 id=claims>Claims</h2>\n<table class=grid>\n<tr><th>claim</th><th>workload"
                  "</th><th>published</th><th>measured</th><th>verdict</th><th>reason</th></tr>\n",
                  fp);
        any = true;
        size_t i;
        const json_t *c;
        json_array_foreach(claims, i, c)
        {
            /* A claim judged from two records (cosine timed and simulated)
             * sits in both: show it once. */
            bool seen = false;
            for (size_t j = 0; j < k && !seen; j++) {
                size_t m;
                const json_t *earlier;
                json_array_foreach(json_object_get(set->records[j].root, "claims"), m, earlier)
                {
                    if (str(earlier, "id") && str(c, "id") &&
                        strcmp(str(earlier, "id"), str(c, "id")) == 0)
                        seen = true;
                }
            }
            if (seen)
                continue;
            const char *verdict = str(c, "verdict");
            fputs("<tr><td title=\"", fp);
            html(fp, str(c, "explanation"));
            fputs("\">", fp);
            html(fp, str(c, "id"));
            fputs("</td><td>", fp);
            html(fp, str(c, "workload"));
            fputs("</td><td>", fp);
            html(fp, str(c, "source_figure"));
            fputs("</td><td>", fp);
            if (str(c, "measured_text"))
                html(fp, str(c, "measured_text"));
            else
                cell_value(fp, json_object_get(c, "measured"));
            fprintf(fp, "</td><td class=\"%s\">",
                    !verdict                                    ? "na"
                    : strcmp(verdict, "reproduced") == 0        ? "good"
                    : strcmp(verdict, "not reproduced") == 0    ? "bad"
                                                                : "na");
            html(fp, verdict ? verdict : "?");
            fputs("</td><td>", fp);
            html(fp, str(c, "reason"));
            fputs("</td></tr>\n", fp);
        }
    }
    if (any)
        fputs("</table>\n", fp);
}

static const char *const style =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:1400px;"
    "color:#222;padding:0 1em}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "table.grid td,table.grid th{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
    "vertical-align:top}"
    "table.grid th{background:#f0f0f0}"
    "table.kv th{text-align:left;padding:.15em 1em .15em 0;vertical-align:top;white-space:nowrap}"
    "table.kv td{padding:.15em 0;overflow-wrap:anywhere}"
    ".na{color:#777;font-style:italic}.ci{color:#666;font-size:.9em}"
    ".bad{color:#b00020}.good{color:#1b7f2a}"
    "figure{margin:1.5em 0}figure img{max-width:100%;border:1px solid #ddd}"
    "figcaption{color:#444;max-width:1100px}"
    ".skipped li{color:#555}code{background:#f4f4f4;padding:0 .2em}";

int report_write(const struct plot_set *set, const char *path)
{
    struct util_atomic_file out;
    if (util_atomic_open(&out, path) != 0)
        return -1;
    FILE *fp = out.fp;
    const struct loaded_record *first = &set->records[0];
    char now[64];
    time_t t = time(NULL);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));

    fputs("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>speedlab "
          "report: ",
          fp);
    html(fp, set->run_name);
    fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>speedlab report: ", style);
    html(fp, set->run_name);
    fprintf(fp, "</h1>\n<p>Written %s from %zu record%s; commit <code>", now, set->n_records,
            set->n_records == 1 ? "" : "s");
    html(fp, first->commit);
    fputs("</code>.</p>\n", fp);

    fputs("<h2>Summary</h2>\n<p>Per record: the valid variant with the highest figure of merit "
          "at the most threads and the largest size, its median time with the 95 % interval of the median, its figure "
          "of merit and its speedup over 1 thread (same variant and schedule).</p>\n"
          "<table class=grid>\n<tr><th>record</th><th>size</th><th>best variant</th>"
          "<th>schedule</th><th>threads</th><th>median (ms)</th><th>figure of merit</th>"
          "<th>speedup</th><th>validity</th><th>counters</th></tr>\n",
          fp);
    for (size_t k = 0; k < set->n_records; k++)
        summary_row(fp, &set->records[k], set->labels[k]);
    fputs("</table>\n", fp);
    claims_section(fp, set);

    fputs("<h2>Figures</h2>\n", fp);
    int rc = 0;
    for (size_t i = 0; i < set->n_figures && rc == 0; i++) {
        const struct plot_figure *f = &set->figures[i];
        if (!f->made)
            continue;
        char png[8192];
        snprintf(png, sizeof png, "%s/%s.png", set->out_dir, f->name);
        fprintf(fp, "<figure id=\"%s\">\n<img alt=\"", f->name);
        html(fp, f->title);
        fputs("\" src=\"", fp);
        rc = embed_png(fp, png);
        fputs("\">\n<figcaption><b>", fp);
        html(fp, f->title);
        fputs(".</b> ", fp);
        html(fp, f->caption);
        fprintf(fp, " <a href=\"%s.svg\">SVG</a>, <a href=\"data/\">data</a></figcaption>\n"
                    "</figure>\n",
                f->name);
    }
    bool any_skipped = false;
    for (size_t i = 0; i < set->n_figures; i++) {
        const struct plot_figure *f = &set->figures[i];
        if (f->made)
            continue;
        if (!any_skipped)
            fputs("<h3>Not drawn</h3>\n<ul class=skipped>\n", fp);
        any_skipped = true;
        fputs("<li><code>", fp);
        html(fp, f->name);
        fputs("</code>: ", fp);
        html(fp, f->why_not);
        fputs("</li>\n", fp);
    }
    if (any_skipped)
        fputs("</ul>\n", fp);

    fputs("<h2>Machine</h2>\n", fp);
    machine_section(fp, first);
    for (size_t k = 1; k < set->n_records; k++)
        if (strcmp(set->records[k].hostname, first->hostname) != 0 ||
            strcmp(set->records[k].cpu_model, first->cpu_model) != 0) {
            fputs("<p>Record <code>", fp);
            html(fp, set->records[k].path);
            fputs("</code> comes from another machine:</p>\n", fp);
            machine_section(fp, &set->records[k]);
        }
    fputs("<h2>Build</h2>\n", fp);
    key_value_table(fp, json_object_get(first->root, "build"));
    fputs("<h2>Environment</h2>\n", fp);
    const json_t *env = json_object_get(first->root, "environment");
    key_value_table(fp, json_object_get(env, "variables"));
    fputs("<table class=kv>\n<tr><th>timer</th><td>", fp);
    html(fp, str(env, "timer"));
    fputs("</td></tr>\n</table>\n", fp);
    if (json_is_object(json_object_get(env, "checks"))) {
        fputs("<h3>Checks</h3>\n", fp);
        key_value_table(fp, json_object_get(env, "checks"));
    }

    fputs("<h2>Records</h2>\n<table class=grid>\n<tr><th>record</th><th>run</th><th>started"
          "</th><th>complete</th><th>command</th></tr>\n",
          fp);
    for (size_t k = 0; k < set->n_records; k++) {
        const struct loaded_record *rec = &set->records[k];
        fputs("<tr><td>", fp);
        html(fp, rec->path);
        fputs("</td><td>", fp);
        html(fp, rec->run_id);
        fputs("</td><td>", fp);
        html(fp, rec->started);
        fprintf(fp, "</td><td>%s</td><td><code>", rec->complete ? "yes" : "<b class=bad>no</b>");
        html(fp, rec->command);
        fputs("</code></td></tr>\n", fp);
    }
    fputs("</table>\n</body>\n</html>\n", fp);
    if (rc != 0) {
        util_atomic_abort(&out);
        return -1;
    }
    return util_atomic_commit(&out);
}
