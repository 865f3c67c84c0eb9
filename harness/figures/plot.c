/* `speedlab plot RECORD...`: writes each figure's data as TSV under
 * <out>/data/, runs the matching .gp script under plots/ for PNG and SVG, and
 * writes report.html.  A figure the records cannot support is skipped with
 * the reason, on the console and in the report. */
#include "figures/plot.h"

#include "figures/gnuplot.h"
#include "results/record_set.h"
#include "kit/sl.h"
#include "kit/util.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SERIES 64
#define MAX_PANELS 16

/* ---- small collections ------------------------------------------------ */

/* Distinct strings in first-seen order (pointers into the records). */
struct names {
    const char *item[MAX_SERIES];
    int n;
};

static int names_index(const struct names *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->item[i], name) == 0)
            return i;
    return -1;
}

static void names_add(struct names *s, const char *name)
{
    if (name && names_index(s, name) < 0 && s->n < MAX_SERIES)
        s->item[s->n++] = name;
}

struct counts {
    int item[MAX_SERIES];
    int n;
};

static void counts_add_sorted(struct counts *s, int v)
{
    for (int i = 0; i < s->n; i++)
        if (s->item[i] == v)
            return;
    if (s->n == MAX_SERIES)
        return;
    int i = s->n++;
    while (i > 0 && s->item[i - 1] > v) {
        s->item[i] = s->item[i - 1];
        i--;
    }
    s->item[i] = v;
}

static bool usable(const struct loaded_result *r)
{
    return strcmp(r->status, "ok") == 0 && isfinite(r->median_s);
}

static const struct loaded_result *find_result(const struct loaded_record *rec, const char *variant,
                                               const char *schedule, int threads, const char *size)
{
    for (size_t i = 0; i < rec->n_results; i++) {
        const struct loaded_result *r = &rec->results[i];
        if (usable(r) && r->threads == threads && strcmp(r->variant, variant) == 0 &&
            (!schedule || strcmp(r->schedule, schedule) == 0) &&
            (!size || strcmp(r->size, size) == 0))
            return r;
    }
    return NULL;
}

/* Among all schedules: the fastest result of (variant, threads, size). */
static const struct loaded_result *best_schedule(const struct loaded_record *rec,
                                                 const char *variant, int threads,
                                                 const char *size)
{
    const struct loaded_result *best = NULL;
    for (size_t i = 0; i < rec->n_results; i++) {
        const struct loaded_result *r = &rec->results[i];
        if (usable(r) && r->threads == threads && strcmp(r->variant, variant) == 0 &&
            strcmp(r->size, size) == 0 && (!best || r->median_s < best->median_s))
            best = r;
    }
    return best;
}

/* Variants, schedules, sizes and thread counts with usable results. */
struct record_axes {
    struct names variants, schedules, sizes;
    struct counts threads;
};

static void record_axes(const struct loaded_record *rec, const char *size, struct record_axes *ax)
{
    memset(ax, 0, sizeof *ax);
    for (size_t i = 0; i < rec->n_results; i++) {
        const struct loaded_result *r = &rec->results[i];
        if (!usable(r))
            continue;
        names_add(&ax->sizes, r->size);
        if (size && strcmp(r->size, size) != 0)
            continue;
        names_add(&ax->variants, r->variant);
        names_add(&ax->schedules, r->schedule);
        counts_add_sorted(&ax->threads, r->threads);
    }
}

static double working_set(const struct loaded_record *rec, const char *size);
static bool order_sizes(const struct loaded_record *rec, struct names *sizes);

/* The record's name in file names: its kernel, numbered from the second
 * record of the same kernel on ("cosine", "cosine-2"). */
static const char *record_label(const struct plot_set *set, const struct loaded_record *rec)
{
    return set->labels[rec - set->records];
}

/* ---- output helpers ---------------------------------------------------- */

/* NULL when the figure list is full (a record with absurdly many sizes). */
static struct plot_figure *new_figure(struct plot_set *set, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static struct plot_figure *new_figure(struct plot_set *set, const char *fmt, ...)
{
    if (set->n_figures == PLOT_MAX_FIGURES)
        return NULL;
    struct plot_figure *f = &set->figures[set->n_figures++];
    memset(f, 0, sizeof *f);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->name, sizeof f->name, fmt, ap);
    va_end(ap);
    /* File names: keep them to characters every shell and browser accepts. */
    for (char *c = f->name; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
            *c = '_';
    return f;
}

static void skip_figure(struct plot_figure *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void skip_figure(struct plot_figure *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->why_not, sizeof f->why_not, fmt, ap);
    va_end(ap);
    f->made = false;
}

static FILE *open_data(const struct plot_set *set, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/data/%s.tsv", set->out_dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp)
        sl_fail("cannot write %s: %s", path, strerror(errno));
    return fp;
}

static int close_data(FILE *fp, const char *path)
{
    if (ferror(fp) | (fclose(fp) != 0))
        return sl_fail("cannot write %s", path);
    return 0;
}

static void print_num(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, "\t%.9g", v);
    else
        fputs("\tNaN", fp);
}

static int render(struct plot_set *set, struct plot_figure *f, const char *script,
                  struct gp_vars *vars)
{
    char base[8192];
    snprintf(base, sizeof base, "%s/%s", set->out_dir, f->name);
    int rc = gnuplot_render(script, vars, base);
    gp_vars_free(vars);
    if (rc != 0)
        return -1;
    f->made = true;
    return 0;
}

/* "cosine 600x1000 on Intel Xeon, 2 CPUs (vm)" */
static void figure_context(const struct loaded_record *rec, const char *size, char *out,
                           size_t len)
{
    snprintf(out, len, "%s%s%s on %s, %d CPUs (%s)", rec->kernel, size ? " " : "",
             size ? size : "", rec->cpu_model, rec->allowed_cpus, rec->hostname);
}

/* ---- cache sizes of the record's machine ------------------------------ */

struct cache_sizes {
    double l1, l2, l3; /* per instance, bytes; NAN if absent */
};

static void record_caches(const struct loaded_record *rec, struct cache_sizes *c)
{
    c->l1 = c->l2 = c->l3 = NAN;
    const json_t *caches = json_object_get(json_object_get(rec->root, "machine"), "caches");
    size_t i;
    const json_t *cache;
    json_array_foreach(caches, i, cache)
    {
        const json_t *type = json_object_get(cache, "type");
        if (json_is_string(type) && strcmp(json_string_value(type), "instruction") == 0)
            continue;
        double size = record_number(cache, "size_bytes");
        json_int_t level = json_integer_value(json_object_get(cache, "level"));
        if (level == 1)
            c->l1 = size;
        else if (level == 2)
            c->l2 = size;
        else if (level == 3)
            c->l3 = size;
    }
}

/* ---- speedup and efficiency ------------------------------------------- */

/* A series' title: the variant, marked when any of its results is invalid. */
static void series_title(const struct loaded_record *rec, const char *variant,
                         const char *schedule, const char *size, char *out, size_t len)
{
    const char *mark = "";
    for (size_t i = 0; i < rec->n_results; i++) {
        const struct loaded_result *r = &rec->results[i];
        if (usable(r) && r->valid == 0 && strcmp(r->variant, variant) == 0 &&
            (!schedule || strcmp(r->schedule, schedule) == 0) &&
            (!size || strcmp(r->size, size) == 0))
            mark = r->invalid_expected ? " (INVALID: known defect)" : " (INVALID)";
    }
    snprintf(out, len, "%s%s", variant, mark);
}

/* Word lists for gnuplot: titles may not contain spaces there, so series
 * titles travel as one variable per series. */
static void set_series(struct gp_vars *v, int panel, int series, const char *title, int colour)
{
    char name[64];
    snprintf(name, sizeof name, "title_%d_%d", panel, series);
    gp_var_str(v, name, title);
    snprintf(name, sizeof name, "colour_%d_%d", panel, series);
    gp_var_int(v, name, colour);
}


/* A long note as lines of at most `width` characters (prefix_lines, prefix_1,
 * ...): gnuplot neither wraps labels nor reads escapes in these strings. */
static void set_wrapped(struct gp_vars *v, const char *prefix, const char *text, size_t width)
{
    char key[64], line[256];
    int lines = 0;
    const char *p = text;
    while (*p) {
        size_t n = strlen(p);
        if (n > width) {
            n = width;
            while (n > width / 2 && p[n] != ' ')
                n--;
            if (p[n] != ' ')
                n = width;
        }
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), p);
        snprintf(key, sizeof key, "%s_%d", prefix, ++lines);
        gp_var_str(v, key, line);
        p += n;
        while (*p == ' ')
            p++;
    }
    snprintf(key, sizeof key, "%s_lines", prefix);
    gp_var_int(v, key, lines);
}

/* Names a panel's data file, title and series count for a multi-panel script. */
static void set_panel(struct gp_vars *v, int panel, const char *file, const char *title,
                      int series)
{
    char key[64];
    snprintf(key, sizeof key, "file_%d", panel);
    gp_var_str(v, key, file);
    snprintf(key, sizeof key, "panel_title_%d", panel);
    gp_var_str(v, key, title);
    snprintf(key, sizeof key, "series_%d", panel);
    gp_var_int(v, key, series);
}

/* Closes a panel's data file and names it to the script; on a write error
 * the variables are freed and -1 returned. */
static int finish_panel(struct gp_vars *v, FILE *fp, const char *path, int panel,
                        const char *title, int series)
{
    if (close_data(fp, path) != 0) {
        gp_vars_free(v);
        return -1;
    }
    set_panel(v, panel, path, title, series);
    return 0;
}

/* Speedup and efficiency vs threads: one panel per schedule, one series per
 * variant (blocks of one TSV per panel). */
static int plot_scaling(struct plot_set *set, const struct loaded_record *rec, const char *size)
{
    struct record_axes ax;
    record_axes(rec, size, &ax);
    char context[256];
    figure_context(rec, size, context, sizeof context);
    struct plot_figure *sp = new_figure(set, "speedup-%s", record_label(set, rec));
    struct plot_figure *ef = new_figure(set, "efficiency-%s", record_label(set, rec));
    if (!sp || !ef)
        return 0;
    snprintf(sp->title, sizeof sp->title, "Speedup vs threads: %s", context);
    snprintf(ef->title, sizeof ef->title, "Parallel efficiency vs threads: %s", context);
    if (ax.threads.n < 2 || ax.threads.item[0] != 1) {
        const char *why = ax.threads.n < 2
                              ? "the record has one thread count (run with --threads 1,2,...)"
                              : "the record has no 1-thread result to divide by";
        skip_figure(sp, "%s", why);
        skip_figure(ef, "%s", why);
        return 0;
    }
    int max_threads = ax.threads.item[ax.threads.n - 1];
    snprintf(sp->caption, sizeof sp->caption,
             "Median T(1)/T(p) of each variant, one panel per schedule. Error bars: 95 %% "
             "interval [T1lo/Tphi, T1hi/Tplo] from the order-statistic intervals of the medians "
             "(absent below 6 repetitions). Dashed: ideal linear speedup.%s",
             max_threads > rec->allowed_cpus
                 ? " Thread counts right of the dotted line exceed the allowed CPUs "
                   "(oversubscribed)."
                 : "");
    snprintf(ef->caption, sizeof ef->caption,
             "Speedup divided by threads, one panel per schedule; 1 is ideal. Error bars as in "
             "the speedup figure.");

    struct gp_vars vars = {0};
    int panels = 0;
    for (int s = 0; s < ax.schedules.n && panels < MAX_PANELS; s++) {
        const char *schedule = ax.schedules.item[s];
        char name[200], path[8192];
        snprintf(name, sizeof name, "scaling-%s-%s-%s", record_label(set, rec), size, schedule);
        int series = 0;
        FILE *fp = NULL;
        for (int v = 0; v < ax.variants.n; v++) {
            const char *variant = ax.variants.item[v];
            int points = 0;
            for (int t = 0; t < ax.threads.n; t++)
                points += find_result(rec, variant, schedule, ax.threads.item[t], size) != NULL;
            if (points < 2)
                continue;
            if (!fp && !(fp = open_data(set, name, path, sizeof path))) {
                gp_vars_free(&vars);
                return -1;
            }
            fprintf(fp, "%s# %s: threads, speedup, speedup_lo, speedup_hi, efficiency, "
                        "efficiency_lo, efficiency_hi\n",
                    series ? "\n\n" : "", variant);
            for (int t = 0; t < ax.threads.n; t++) {
                const struct loaded_result *r =
                    find_result(rec, variant, schedule, ax.threads.item[t], size);
                if (!r)
                    continue;
                fprintf(fp, "%d", r->threads);
                print_num(fp, r->speedup);
                print_num(fp, r->speedup_lo);
                print_num(fp, r->speedup_hi);
                print_num(fp, r->efficiency);
                print_num(fp, r->efficiency_lo);
                print_num(fp, r->efficiency_hi);
                fputc('\n', fp);
            }
            char title[200];
            series_title(rec, variant, schedule, size, title, sizeof title);
            set_series(&vars, panels + 1, series + 1, title, v + 1);
            series++;
        }
        if (!fp)
            continue;
        char ptitle[160];
        snprintf(ptitle, sizeof ptitle, "schedule: %s", schedule);
        if (finish_panel(&vars, fp, path, ++panels, ptitle, series) != 0)
            return -1;
    }
    if (panels == 0) {
        gp_vars_free(&vars);
        skip_figure(sp, "no variant has results at two thread counts under one schedule");
        skip_figure(ef, "%s", sp->why_not);
        return 0;
    }
    gp_var_int(&vars, "panels", panels);
    gp_var_int(&vars, "max_threads", max_threads);
    gp_var_int(&vars, "allowed_cpus", rec->allowed_cpus);
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", 90 + 400 * ((panels + 1) / 2));
    struct gp_vars eff = {0};
    gp_vars_extend(&eff, &vars);
    gp_var_str(&eff, "quantity", "efficiency");
    gp_var_str(&eff, "figure_title", ef->title);
    gp_var_str(&vars, "quantity", "speedup");
    gp_var_str(&vars, "figure_title", sp->title);
    if (render(set, sp, "scaling.gp", &vars) != 0) {
        gp_vars_free(&eff);
        return -1;
    }
    return render(set, ef, "scaling.gp", &eff);
}

/* The bytes of a size the record states, or NAN. */
static double working_set(const struct loaded_record *rec, const char *size)
{
    return record_problem_parameter(rec, size, "working_set_bytes");
}

/* Sizes ordered by working set when every size has one, else as recorded. */
static bool order_sizes(const struct loaded_record *rec, struct names *sizes)
{
    for (int i = 0; i < sizes->n; i++)
        if (!isfinite(working_set(rec, sizes->item[i])))
            return false;
    for (int i = 1; i < sizes->n; i++)
        for (int j = i; j > 0 && working_set(rec, sizes->item[j - 1]) >
                                     working_set(rec, sizes->item[j]);
             j--) {
            const char *t = sizes->item[j];
            sizes->item[j] = sizes->item[j - 1];
            sizes->item[j - 1] = t;
        }
    return true;
}

static void set_caches(struct gp_vars *vars, const struct loaded_record *rec)
{
    struct cache_sizes c;
    record_caches(rec, &c);
    gp_var_num(vars, "l1_bytes", c.l1);
    gp_var_num(vars, "l2_bytes", c.l2);
    gp_var_num(vars, "l3_bytes", c.l3);
}

/* Throughput vs problem size, one series per variant (its best schedule at
 * each size), one panel per thread count; cache sizes marked. */
static int plot_size_sweep(struct plot_set *set, const struct loaded_record *rec)
{
    struct record_axes ax;
    record_axes(rec, NULL, &ax);
    char context[256];
    figure_context(rec, NULL, context, sizeof context);
    struct plot_figure *f = new_figure(set, "sizes-%s", record_label(set, rec));
    if (!f)
        return 0;
    snprintf(f->title, sizeof f->title, "Throughput vs problem size: %s", context);
    if (ax.sizes.n < 2) {
        skip_figure(f, "the record has one size (run with --sizes A,B,... for a sweep)");
        return 0;
    }
    bool by_bytes = order_sizes(rec, &ax.sizes);
    const char *unit = rec->n_results ? rec->results[0].merit_unit : "";
    for (size_t i = 0; i < rec->n_results && !unit[0]; i++)
        unit = rec->results[i].merit_unit;
    snprintf(f->caption, sizeof f->caption,
             "%s of each variant (its fastest schedule at each size) against %s, one panel per "
             "thread count. %s",
             unit[0] ? unit : "Throughput",
             by_bytes ? "the bytes one execution touches" : "the recorded sizes",
             by_bytes ? "Dashed verticals: L1d and L2 per core and L3 per instance of the "
                        "record's machine; with p threads the private caches hold p times "
                        "as much."
                      : "Cache markers need each size's working set, which this workload "
                        "does not state.");
    struct gp_vars vars = {0};
    int panels = 0;
    for (int t = 0; t < ax.threads.n && panels < 4; t++) {
        /* The first, last and some middle thread counts, at most four. */
        if (ax.threads.n > 4 && t != 0 && t != ax.threads.n - 1 &&
            t != ax.threads.n / 3 && t != 2 * ax.threads.n / 3)
            continue;
        int threads = ax.threads.item[t];
        char name[200], path[8192];
        snprintf(name, sizeof name, "sizes-%s-t%d", record_label(set, rec), threads);
        FILE *fp = NULL;
        int series = 0;
        for (int v = 0; v < ax.variants.n; v++) {
            int points = 0;
            for (int s = 0; s < ax.sizes.n; s++)
                points += best_schedule(rec, ax.variants.item[v], threads, ax.sizes.item[s]) !=
                          NULL;
            if (points < 2)
                continue;
            if (!fp && !(fp = open_data(set, name, path, sizeof path))) {
                gp_vars_free(&vars);
                return -1;
            }
            fprintf(fp, "%s# %s: %s, merit, median_s, size, schedule\n", series ? "\n\n" : "",
                    ax.variants.item[v], by_bytes ? "working_set_bytes" : "size_index");
            for (int s = 0; s < ax.sizes.n; s++) {
                const struct loaded_result *r =
                    best_schedule(rec, ax.variants.item[v], threads, ax.sizes.item[s]);
                if (!r)
                    continue;
                double x = by_bytes ? working_set(rec, r->size) : (double)s;
                fprintf(fp, "%.9g", x);
                print_num(fp, r->merit);
                print_num(fp, r->median_s);
                fprintf(fp, "\t%s\t%s\n", r->size, r->schedule);
            }
            char title[200];
            series_title(rec, ax.variants.item[v], NULL, NULL, title, sizeof title);
            set_series(&vars, panels + 1, series + 1, title, v + 1);
            series++;
        }
        if (!fp)
            continue;
        char ptitle[64];
        snprintf(ptitle, sizeof ptitle, "%d thread%s", threads, threads > 1 ? "s" : "");
        if (finish_panel(&vars, fp, path, ++panels, ptitle, series) != 0)
            return -1;
    }
    if (panels == 0) {
        gp_vars_free(&vars);
        skip_figure(f, "no variant has results at two sizes");
        return 0;
    }
    gp_var_int(&vars, "panels", panels);
    gp_var_int(&vars, "by_bytes", by_bytes);
    gp_var_str(&vars, "merit_unit", unit);
    gp_var_str(&vars, "figure_title", f->title);
    set_caches(&vars, rec);
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", 90 + 400 * ((panels + 1) / 2));
    return render(set, f, "sizes.gp", &vars);
}

/* The size x threads family: for each variant (its fastest schedule at the
 * most threads), speedup and efficiency against size, one series per thread
 * count. */
static int plot_family(struct plot_set *set, const struct loaded_record *rec)
{
    struct record_axes ax;
    record_axes(rec, NULL, &ax);
    char context[256];
    figure_context(rec, NULL, context, sizeof context);
    struct plot_figure *f = new_figure(set, "family-%s", record_label(set, rec));
    if (!f)
        return 0;
    snprintf(f->title, sizeof f->title, "Size x threads family: %s", context);
    if (ax.sizes.n < 2 || ax.threads.n < 2 || ax.threads.item[0] != 1) {
        skip_figure(f, "needs a sweep over sizes and thread counts including 1 (run with "
                       "--sizes A,B,... --threads 1,2,...); the record has %d size%s and %d "
                       "thread count%s",
                    ax.sizes.n, ax.sizes.n == 1 ? "" : "s", ax.threads.n,
                    ax.threads.n == 1 ? "" : "s");
        return 0;
    }
    bool by_bytes = order_sizes(rec, &ax.sizes);
    int max_threads = ax.threads.item[ax.threads.n - 1];
    const char *largest = ax.sizes.item[ax.sizes.n - 1];
    snprintf(f->caption, sizeof f->caption,
             "Left: speedup T(1)/T(p) against %s, one curve per thread count p; right: "
             "efficiency (speedup/p, 1 is ideal). One row per variant, each under its fastest "
             "schedule at %d threads and the largest size.",
             by_bytes ? "the bytes one execution touches" : "the recorded sizes", max_threads);
    struct gp_vars vars = {0};
    int rows = 0;
    for (int v = 0; v < ax.variants.n && rows < MAX_PANELS; v++) {
        const char *variant = ax.variants.item[v];
        const struct loaded_result *fastest = best_schedule(rec, variant, max_threads, largest);
        if (!fastest)
            continue;
        const char *schedule = fastest->schedule;
        char name[200], path[8192];
        snprintf(name, sizeof name, "family-%s-%s", record_label(set, rec), variant);
        FILE *fp = NULL;
        int series = 0;
        for (int t = 1; t < ax.threads.n; t++) {
            int threads = ax.threads.item[t];
            int points = 0;
            for (int s = 0; s < ax.sizes.n; s++)
                points += find_result(rec, variant, schedule, threads, ax.sizes.item[s]) != NULL;
            if (points < 2)
                continue;
            if (!fp && !(fp = open_data(set, name, path, sizeof path))) {
                gp_vars_free(&vars);
                return -1;
            }
            fprintf(fp, "%s# %d threads: %s, speedup, speedup_lo, speedup_hi, efficiency, size\n",
                    series ? "\n\n" : "", threads, by_bytes ? "working_set_bytes" : "size_index");
            for (int s = 0; s < ax.sizes.n; s++) {
                const struct loaded_result *r =
                    find_result(rec, variant, schedule, threads, ax.sizes.item[s]);
                if (!r)
                    continue;
                fprintf(fp, "%.9g", by_bytes ? working_set(rec, r->size) : (double)s);
                print_num(fp, r->speedup);
                print_num(fp, r->speedup_lo);
                print_num(fp, r->speedup_hi);
                print_num(fp, r->efficiency);
                fprintf(fp, "\t%s\n", r->size);
            }
            char title[64];
            snprintf(title, sizeof title, "%d threads%s", threads,
                     threads > rec->allowed_cpus ? " (oversubscribed)" : "");
            set_series(&vars, rows + 1, series + 1, title, t);
            series++;
        }
        if (!fp)
            continue;
        char ptitle[200];
        snprintf(ptitle, sizeof ptitle, "%s (%s)", variant, schedule);
        if (finish_panel(&vars, fp, path, ++rows, ptitle, series) != 0)
            return -1;
    }
    if (rows == 0) {
        gp_vars_free(&vars);
        skip_figure(f, "no variant has results at two sizes for one thread count above 1");
        return 0;
    }
    gp_var_int(&vars, "panels", rows);
    gp_var_int(&vars, "by_bytes", by_bytes);
    gp_var_str(&vars, "figure_title", f->title);
    set_caches(&vars, rec);
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", 90 + 330 * rows);
    return render(set, f, "family.gp", &vars);
}

/* ---- cache misses ------------------------------------------------------ */

/* The result whose counters represent a variant: fewest threads, first
 * schedule that has them. */
static const struct loaded_result *counted_result(const struct loaded_record *rec,
                                                  const char *variant, const char *key)
{
    const struct loaded_result *pick = NULL;
    for (size_t i = 0; i < rec->n_results; i++) {
        const struct loaded_result *r = &rec->results[i];
        if (strcmp(r->status, "ok") == 0 && strcmp(r->variant, variant) == 0 &&
            json_object_get(r->json, key) && (!pick || r->threads < pick->threads))
            pick = r;
    }
    return pick;
}

static bool is_miss_event(const char *name)
{
    return strstr(name, "_DCM") || strstr(name, "_TCM") || strstr(name, "_ICM") ||
           strstr(name, "MISS") || strstr(name, "miss");
}

static int plot_misses(struct plot_set *set, const struct loaded_record *rec)
{
    struct record_axes ax;
    record_axes(rec, NULL, &ax);
    char context[256];
    figure_context(rec, ax.sizes.n == 1 ? ax.sizes.item[0] : NULL, context, sizeof context);
    struct plot_figure *f = new_figure(set, "misses-%s", record_label(set, rec));
    if (!f)
        return 0;
    const char *work_unit = NULL;
    for (size_t i = 0; i < rec->n_results && !work_unit; i++)
        work_unit = json_string_value(
            json_object_get(json_object_get(rec->results[i].json, "work"), "unit"));
    if (!work_unit)
        work_unit = "unit of work";
    snprintf(f->title, sizeof f->title, "Cache misses per %s: %s", work_unit, context);
    bool any_hw = false, any_sim = false;
    for (int v = 0; v < ax.variants.n; v++) {
        any_hw |= counted_result(rec, ax.variants.item[v], "counters") != NULL;
        any_sim |= counted_result(rec, ax.variants.item[v], "simulated_cache") != NULL;
    }
    if (!any_hw && !any_sim) {
        skip_figure(f, "the record has no counters (run with --counters cache for hardware "
                       "counters or --counters sim for simulated caches)");
        return 0;
    }

    /* Hardware: the miss events any variant counted; the others are listed
     * as unavailable with their reason, never drawn as zero. */
    struct names events = {0}, missing = {0}, missing_reasons = {0};
    if (any_hw) {
        for (int v = 0; v < ax.variants.n; v++) {
            const struct loaded_result *r = counted_result(rec, ax.variants.item[v], "counters");
            const json_t *list = r ? json_object_get(json_object_get(r->json, "counters"), "events")
                                   : NULL;
            size_t i;
            const json_t *e;
            json_array_foreach(list, i, e)
            {
                const char *name = json_string_value(json_object_get(e, "name"));
                const char *status = json_string_value(json_object_get(e, "status"));
                const char *reason = json_string_value(json_object_get(e, "reason"));
                if (!name || !status || !is_miss_event(name))
                    continue;
                if (strcmp(status, "unavailable") != 0) {
                    names_add(&events, name);
                } else if (names_index(&missing, name) < 0 && missing.n < MAX_SERIES) {
                    missing.item[missing.n++] = name;
                    missing_reasons.item[missing_reasons.n++] =
                        reason ? reason : "no reason recorded";
                }
            }
        }
    }
    /* "A, B, C: unavailable (why)" when they share one reason, as they do on
     * a machine without a PMU. */
    char hw_missing[1200] = "";
    bool one_reason = true;
    for (int i = 1; i < missing.n; i++)
        one_reason &= strcmp(missing_reasons.item[i], missing_reasons.item[0]) == 0;
    for (int i = 0; i < missing.n; i++) {
        size_t used = strlen(hw_missing);
        bool last = i == missing.n - 1;
        if (one_reason)
            snprintf(hw_missing + used, sizeof hw_missing - used, "%s%s", missing.item[i],
                     last ? ": " : ", ");
        else
            snprintf(hw_missing + used, sizeof hw_missing - used, "%s: unavailable (%.150s)%s",
                     missing.item[i], missing_reasons.item[i], last ? "" : "; ");
    }
    if (one_reason && missing.n) {
        size_t used = strlen(hw_missing);
        snprintf(hw_missing + used, sizeof hw_missing - used, "unavailable (%.300s)",
                 missing_reasons.item[0]);
    }
    char hw_path[8192] = "", sim_path[8192] = "";
    if (events.n > 0) {
        char name[200];
        snprintf(name, sizeof name, "misses-%s-hardware", record_label(set, rec));
        FILE *fp = open_data(set, name, hw_path, sizeof hw_path);
        if (!fp)
            return -1;
        fputs("variant", fp);
        for (int e = 0; e < events.n; e++)
            fprintf(fp, "\t%s", events.item[e]);
        fputc('\n', fp);
        for (int v = 0; v < ax.variants.n; v++) {
            const struct loaded_result *r = counted_result(rec, ax.variants.item[v], "counters");
            if (!r)
                continue;
            fprintf(fp, "%s (%s, t%d)", r->variant, r->schedule, r->threads);
            const json_t *list = json_object_get(json_object_get(r->json, "counters"), "events");
            for (int e = 0; e < events.n; e++) {
                double value = NAN;
                size_t i;
                const json_t *ev;
                json_array_foreach(list, i, ev)
                {
                    const char *evname = json_string_value(json_object_get(ev, "name"));
                    if (evname && strcmp(evname, events.item[e]) == 0)
                        value = record_number(ev, "per_unit");
                }
                print_num(fp, value);
            }
            fputc('\n', fp);
        }
        if (close_data(fp, hw_path) != 0)
            return -1;
    }
    char sim_reason[300] = "";
    int sim_rows = 0;
    if (any_sim) {
        char name[200];
        snprintf(name, sizeof name, "misses-%s-simulated", record_label(set, rec));
        FILE *fp = open_data(set, name, sim_path, sizeof sim_path);
        if (!fp)
            return -1;
        fputs("variant\tD1 misses\tLL misses\n", fp);
        for (int v = 0; v < ax.variants.n; v++) {
            const struct loaded_result *r =
                counted_result(rec, ax.variants.item[v], "simulated_cache");
            if (!r)
                continue;
            const json_t *sim = json_object_get(r->json, "simulated_cache");
            const char *status = json_string_value(json_object_get(sim, "status"));
            if (!status || strcmp(status, "ok") != 0) {
                const char *reason = json_string_value(json_object_get(sim, "reason"));
                snprintf(sim_reason, sizeof sim_reason, "%s", reason ? reason : "not simulated");
                continue;
            }
            const json_t *per_unit = json_object_get(sim, "per_unit");
            fprintf(fp, "%s (%s, t%d)", r->variant, r->schedule, r->threads);
            print_num(fp, record_number(per_unit, "d1_misses"));
            print_num(fp, record_number(per_unit, "ll_misses"));
            fputc('\n', fp);
            sim_rows++;
        }
        if (close_data(fp, sim_path) != 0)
            return -1;
    }

    struct gp_vars vars = {0};
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_str(&vars, "work_unit", work_unit);
    int panels = 0;
    if (any_hw) {
        panels++;
        char status[1300];
        if (events.n > 0)
            snprintf(status, sizeof status, "%s", hw_missing);
        else
            snprintf(status, sizeof status, "%s",
                     hw_missing[0] ? hw_missing
                                   : "unavailable (no cache-miss event among the counters)");
        gp_var_str(&vars, "hw_file", events.n > 0 ? hw_path : "");
        gp_var_int(&vars, "hw_events", events.n);
        set_wrapped(&vars, "hw_note", status, 110);
    }
    if (any_sim) {
        panels++;
        gp_var_str(&vars, "sim_file", sim_rows > 0 ? sim_path : "");
        char note[400];
        snprintf(note, sizeof note, "unavailable (%s)", sim_reason[0] ? sim_reason : "not simulated");
        set_wrapped(&vars, "sim_note", sim_rows > 0 ? "" : note, 110);
    }
    gp_var_int(&vars, "panels", panels);
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", 560 * panels);
    snprintf(f->caption, sizeof f->caption,
             "Misses per unit of work, log scale, one group per variant (at its fewest threads). "
             "%s%s Counters that could not be read are written as unavailable, never drawn as "
             "zero.",
             any_hw ? "Hardware: PAPI events, all workers, mean per execution. " : "",
             any_sim ? "Simulated: valgrind callgrind cache simulation of one execution with "
                       "this machine's cache shapes (deterministic). "
                     : "");
    return render(set, f, "misses.gp", &vars);
}

/* ---- roofline ---------------------------------------------------------- */

static bool same_machine(const struct loaded_record *a, const struct loaded_record *b)
{
    return strcmp(a->hostname, b->hostname) == 0 && strcmp(a->cpu_model, b->cpu_model) == 0 &&
           a->allowed_cpus == b->allowed_cpus;
}

static int max_threads_of(const struct loaded_record *rec)
{
    int t = 0;
    for (size_t i = 0; i < rec->n_results; i++)
        if (usable(&rec->results[i]) && rec->results[i].threads > t)
            t = rec->results[i].threads;
    return t;
}

static int plot_roofline(struct plot_set *set)
{
    const struct loaded_record *first = &set->records[0];
    struct plot_figure *f = new_figure(set, "roofline");
    if (!f)
        return 0;
    snprintf(f->title, sizeof f->title, "Roofline: %s, %d CPUs (%s)", first->cpu_model,
             first->allowed_cpus, first->hostname);
    const json_t *peak = json_object_get(json_object_get(first->root, "machine"), "peak");
    double peak32 = record_number(peak, "gflops_fp32"), peak64 = record_number(peak, "gflops_fp64");
    const char *basis = json_string_value(json_object_get(peak, "basis"));

    /* The bandwidth roof: the best stream result at its most threads whose
     * arrays do not fit in the last-level cache (a cache-resident stream
     * would draw a cache roof and call it memory). */
    double bandwidth = NAN;
    char bw_source[200] = "";
    bool small_stream_only = false;
    for (size_t k = 0; k < set->n_records; k++) {
        const struct loaded_record *rec = &set->records[k];
        if (strcmp(rec->kernel, "stream") != 0 || !same_machine(rec, first))
            continue;
        struct cache_sizes caches;
        record_caches(rec, &caches);
        double llc = isfinite(caches.l3) ? caches.l3 : caches.l2;
        int t = max_threads_of(rec);
        for (size_t i = 0; i < rec->n_results; i++) {
            const struct loaded_result *r = &rec->results[i];
            if (!usable(r) || r->threads != t || r->valid == 0)
                continue;
            if (!(working_set(rec, r->size) > llc)) {
                small_stream_only = true;
                continue;
            }
            if (!(r->gbytes_per_s <= bandwidth)) {
                bandwidth = r->gbytes_per_s;
                snprintf(bw_source, sizeof bw_source, "stream %s, %d threads, %.1f GB/s",
                         r->variant, t, r->gbytes_per_s);
            }
        }
    }

    char path[8192];
    FILE *fp = NULL;
    int series = 0;
    struct gp_vars vars = {0};
    for (size_t k = 0; k < set->n_records; k++) {
        const struct loaded_record *rec = &set->records[k];
        if (!same_machine(rec, first))
            continue;
        int t = max_threads_of(rec);
        struct record_axes ax;
        record_axes(rec, NULL, &ax);
        order_sizes(rec, &ax.sizes);
        int points = 0;
        for (int v = 0; v < ax.variants.n; v++) {
            const char *largest = NULL;
            for (int s = 0; s < ax.sizes.n; s++)
                if (best_schedule(rec, ax.variants.item[v], t, ax.sizes.item[s]))
                    largest = ax.sizes.item[s];
            const struct loaded_result *r =
                largest ? best_schedule(rec, ax.variants.item[v], t, largest) : NULL;
            if (!r || !(r->flops > 0) || !(r->bytes > 0) || r->valid == 0)
                continue;
            if (!fp && !(fp = open_data(set, "roofline", path, sizeof path))) {
                gp_vars_free(&vars);
                return -1;
            }
            if (points == 0)
                fprintf(fp, "%s# %s: flops_per_byte, gflops, variant\n", series ? "\n\n" : "",
                        rec->kernel);
            fprintf(fp, "%.9g\t%.9g\t%s\n", r->flops / r->bytes, r->flops / r->median_s / 1e9,
                    r->variant);
            points++;
        }
        if (points == 0)
            continue;
        char title[160];
        snprintf(title, sizeof title, "%s %s, %d thread%s", record_label(set, rec),
                 ax.sizes.n ? ax.sizes.item[ax.sizes.n - 1] : "", t, t > 1 ? "s" : "");
        series++;
        set_series(&vars, 1, series, title, series);
    }
    if (!fp) {
        gp_vars_free(&vars);
        skip_figure(f, "no valid result with a flop count (the records' workloads count no "
                       "floating-point work, or none ran)");
        return 0;
    }
    if (finish_panel(&vars, fp, path, 1, "", series) != 0)
        return -1;
    gp_var_num(&vars, "peak_fp32", peak32);
    gp_var_num(&vars, "peak_fp64", peak64);
    gp_var_num(&vars, "bandwidth", bandwidth);
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_int(&vars, "width", 1300);
    gp_var_int(&vars, "height", 760);
    snprintf(f->caption, sizeof f->caption,
             "Achieved GFLOP/s against arithmetic intensity (the work model's flops per byte of "
             "nominal memory traffic) for each variant at its record's most threads, fastest "
             "schedule. Roofs: peak FMA rate (%s) and %s. A point above the memory roof runs from "
             "cache: its working set fits there, so DRAM bandwidth does not bound it.",
             basis ? basis : "basis not recorded",
             isfinite(bandwidth) ? bw_source
             : small_stream_only ? "no bandwidth roof: unavailable (the stream records' arrays "
                                   "fit in the last-level cache; run speedlab run stream)"
                                 : "no bandwidth roof: unavailable (no stream record among the "
                                   "inputs; run speedlab run stream)");
    return render(set, f, "roofline.gp", &vars);
}

/* ---- per-worker busy time ---------------------------------------------- */

static int plot_busy(struct plot_set *set, const struct loaded_record *rec)
{
    struct record_axes ax;
    record_axes(rec, NULL, &ax);
    const char *size = ax.sizes.n ? ax.sizes.item[ax.sizes.n - 1] : NULL;
    char context[256];
    figure_context(rec, size, context, sizeof context);
    struct plot_figure *f = new_figure(set, "busy-%s", record_label(set, rec));
    if (!f)
        return 0;
    int threads = ax.threads.n ? ax.threads.item[ax.threads.n - 1] : 0;
    snprintf(f->title, sizeof f->title, "Per-thread busy time at %d threads: %s", threads,
             context);
    if (threads < 2) {
        skip_figure(f, "the record has no multi-threaded result");
        return 0;
    }
    char path[8192];
    FILE *fp = NULL;
    int groups = 0;
    for (int v = 0; v < ax.variants.n; v++)
        for (int s = 0; s < ax.schedules.n; s++) {
            const struct loaded_result *r =
                find_result(rec, ax.variants.item[v], ax.schedules.item[s], threads, size);
            if (!r || r->n_busy != (size_t)threads)
                continue;
            double mean = 0;
            for (size_t w = 0; w < r->n_busy; w++)
                mean += r->busy_s[w] / (double)r->n_busy;
            if (!(mean > 0))
                continue;
            if (!fp) {
                char name[200];
                snprintf(name, sizeof name, "busy-%s", record_label(set, rec));
                if (!(fp = open_data(set, name, path, sizeof path)))
                    return -1;
                fputs("group", fp);
                for (int w = 0; w < threads; w++)
                    fprintf(fp, "\tworker %d", w);
                fputc('\n', fp);
            }
            fprintf(fp, "%s/%s (%.2f)", r->variant, r->schedule, r->imbalance);
            for (size_t w = 0; w < r->n_busy; w++)
                print_num(fp, r->busy_s[w] / mean);
            fputc('\n', fp);
            groups++;
        }
    if (!fp) {
        skip_figure(f, "no result at %d threads records its workers' busy times", threads);
        return 0;
    }
    if (close_data(fp, path) != 0)
        return -1;
    struct gp_vars vars = {0};
    set_panel(&vars, 1, path, "", threads);
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_int(&vars, "groups", groups);
    /* Room for every bar, between a readable minimum and a sane maximum. */
    int width = groups * (threads * 9 + 16) + 260;
    gp_var_int(&vars, "width", width < 1300 ? 1300 : width > 6000 ? 6000 : width);
    gp_var_int(&vars, "height", 620);
    snprintf(f->caption, sizeof f->caption,
             "Each worker's median busy time inside the kernel divided by the mean over workers, "
             "per variant/schedule (imbalance = max/mean in brackets). Bars at 1 are perfectly "
             "balanced; a short bar is a worker that waited.");
    return render(set, f, "busy.gp", &vars);
}

/* ---- the gaussmap image ------------------------------------------------ */

static bool png_dimensions(const char *path, long *width, long *height)
{
    unsigned char head[24];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n != sizeof head || memcmp(head, signature, 8) != 0 || memcmp(head + 12, "IHDR", 4) != 0)
        return false;
    *width = (long)head[16] << 24 | (long)head[17] << 16 | (long)head[18] << 8 | head[19];
    *height = (long)head[20] << 24 | (long)head[21] << 16 | (long)head[22] << 8 | head[23];
    return *width > 0 && *height > 0;
}

static int plot_gaussmap(struct plot_set *set, const struct loaded_record *rec)
{
    struct plot_figure *f = new_figure(set, "image-%s", record_label(set, rec));
    if (!f)
        return 0;
    const json_t *output = json_object_get(json_object_get(rec->root, "config"), "output");
    const char *given = json_string_value(json_object_get(output, "path"));
    const char *absolute = json_string_value(json_object_get(output, "absolute"));
    const json_t *sizes = json_object_get(json_object_get(rec->root, "config"), "sizes");
    const struct loaded_result *any = NULL;
    for (size_t i = 0; i < rec->n_results && !any; i++)
        if (usable(&rec->results[i]))
            any = &rec->results[i];
    char context[256];
    figure_context(rec, any ? any->size : NULL, context, sizeof context);
    snprintf(f->title, sizeof f->title, "Gauss map bifurcation diagram: %s", context);
    if (!given) {
        skip_figure(f, "the gaussmap record has no image (run gaussmap with --output FILE.png)");
        return 0;
    }
    /* Where it was written, else beside the record (records move). */
    char beside[4200], dir_copy[4096];
    snprintf(dir_copy, sizeof dir_copy, "%s", rec->path);
    const char *slash = strrchr(given, '/');
    snprintf(beside, sizeof beside, "%s/%s", dirname(dir_copy), slash ? slash + 1 : given);
    const char *image = NULL;
    long width = 0, height = 0;
    if (absolute && png_dimensions(absolute, &width, &height))
        image = absolute;
    else if (png_dimensions(beside, &width, &height))
        image = beside;
    if (!image) {
        skip_figure(f, "the image %s is not a readable PNG here (nor beside the record)", given);
        return 0;
    }
    const char *size = any ? any->size : json_string_value(json_array_get(sizes, 0));
    double beta_min = record_problem_parameter(rec, size ? size : "", "beta_min");
    double beta_max = record_problem_parameter(rec, size ? size : "", "beta_max");
    double x_min = record_problem_parameter(rec, size ? size : "", "x_min");
    double x_max = record_problem_parameter(rec, size ? size : "", "x_max");
    if (!isfinite(beta_min) || !isfinite(beta_max) || !isfinite(x_min) || !isfinite(x_max)) {
        skip_figure(f, "the record lacks the image's axis ranges (beta_min/max, x_min/max)");
        return 0;
    }
    struct gp_vars vars = {0};
    gp_var_str(&vars, "image", image);
    gp_var_int(&vars, "image_width", width);
    gp_var_int(&vars, "image_height", height);
    gp_var_num(&vars, "beta_min", beta_min);
    gp_var_num(&vars, "beta_max", beta_max);
    gp_var_num(&vars, "x_min", x_min);
    gp_var_num(&vars, "x_max", x_max);
    gp_var_num(&vars, "alpha", record_problem_parameter(rec, size ? size : "", "alpha"));
    gp_var_str(&vars, "figure_title", f->title);
    gp_var_int(&vars, "width", 1100);
    gp_var_int(&vars, "height", 760);
    snprintf(f->caption, sizeof f->caption,
             "The variant's output image (%.200s, %ld x %ld): for each beta, the density of the "
             "iterates x of x' = exp(-alpha x^2) + beta after the transients; darker is denser.",
             strrchr(image, '/') ? strrchr(image, '/') + 1 : image, width, height);
    return render(set, f, "gaussmap.gp", &vars);
}

/* ---- the command ------------------------------------------------------- */

static int make_dirs(const char *dir)
{
    char probe[4300];
    snprintf(probe, sizeof probe, "%s/data/x", dir);
    if (util_make_parent_dirs(probe) != 0)
        return -1;
    if (access(dir, W_OK) != 0)
        return sl_fail("cannot write into %s: %s", dir, strerror(errno));
    return 0;
}

/* A record's name in figure names: its kernel when no other record has that
 * kernel, else its file's name ("stream-sweep"), numbered if that repeats. */
static void label_record(struct plot_set *set, size_t k)
{
    const struct loaded_record *rec = &set->records[k];
    int same_kernel = 0;
    for (size_t j = 0; j < set->n_records; j++)
        same_kernel += strcmp(set->records[j].kernel, rec->kernel) == 0;
    char stem[96];
    const char *slash = strrchr(rec->path, '/');
    snprintf(stem, sizeof stem, "%.90s", same_kernel > 1 ? (slash ? slash + 1 : rec->path)
                                                         : rec->kernel);
    size_t len = strlen(stem);
    if (len > 5 && strcmp(stem + len - 5, ".json") == 0)
        stem[len - 5] = 0;
    int repeats = 0;
    for (size_t j = 0; j < k; j++)
        repeats += strcmp(set->labels[j], stem) == 0;
    if (repeats)
        snprintf(set->labels[k], sizeof set->labels[k], "%.80s-%d", stem, repeats + 1);
    else
        snprintf(set->labels[k], sizeof set->labels[k], "%s", stem);
}

static void default_name(const struct plot_set *set, const char *const *args, int n_args,
                         char *out, size_t len)
{
    char first[4096];
    snprintf(first, sizeof first, "%s", set->records[0].path);
    char *dir = dirname(first);
    bool one_folder = true;
    for (size_t i = 1; i < set->n_records; i++) {
        char other[4096];
        snprintf(other, sizeof other, "%s", set->records[i].path);
        one_folder &= strcmp(dirname(other), dir) == 0;
    }
    struct stat st;
    bool folder_arg = n_args == 1 && stat(args[0], &st) == 0 && S_ISDIR(st.st_mode);
    if ((folder_arg || (set->n_records > 1 && one_folder)) && strcmp(dir, ".") != 0 &&
        strcmp(dir, "/") != 0) {
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", dir);
        snprintf(out, len, "%s", basename(copy));
    } else {
        snprintf(out, len, "%s", set->records[0].run_id);
    }
}

enum plot_status plot_records(char *const *inputs, int n_inputs, const char *out,
                              const char *name)
{
    char why[200];
    struct plot_set set = {0};
    struct record_set records = {0};
    enum plot_status status = PLOT_DONE;
    for (int i = 0; i < n_inputs && status == 0; i++)
        if (record_set_add(&records, inputs[i]) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            status = PLOT_BAD_INPUT;
        }
    set.records = records.recs;
    set.n_records = records.n;
    if (status == 0 && !gnuplot_available(why, sizeof why)) {
        fprintf(stderr, "speedlab: error: %s\n", why);
        status = PLOT_FAILED;
    }
    if (status == 0) {
        if (name)
            snprintf(set.run_name, sizeof set.run_name, "%s", name);
        else
            default_name(&set, (const char *const *)inputs, n_inputs, set.run_name,
                         sizeof set.run_name);
        if (out)
            snprintf(set.out_dir, sizeof set.out_dir, "%s", out);
        else
            snprintf(set.out_dir, sizeof set.out_dir, "plots/%s", set.run_name);
        set.figures = calloc(PLOT_MAX_FIGURES, sizeof *set.figures);
        if (!set.figures || make_dirs(set.out_dir) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", set.figures ? sl_error() : "out of memory");
            status = PLOT_FAILED;
        }
    }
    if (status == 0 && !(set.labels = calloc(set.n_records, sizeof *set.labels))) {
        fprintf(stderr, "speedlab: error: out of memory\n");
        status = PLOT_FAILED;
    }
    for (size_t k = 0; status == 0 && k < set.n_records; k++)
        label_record(&set, k);
    for (size_t k = 0; status == 0 && k < set.n_records; k++) {
        const struct loaded_record *rec = &set.records[k];
        struct record_axes ax;
        record_axes(rec, NULL, &ax);
        int rc = 0;
        /* Over a size sweep the family figure shows every size; the
         * thread-scaling figures show the largest. */
        order_sizes(rec, &ax.sizes);
        if (ax.sizes.n > 0)
            rc = plot_scaling(&set, rec, ax.sizes.item[ax.sizes.n - 1]);
        else {
            struct plot_figure *f = new_figure(&set, "speedup-%s", rec->kernel);
            if (f)
                skip_figure(f, "the record has no usable result");
        }
        if (rc == 0)
            rc = plot_size_sweep(&set, rec);
        if (rc == 0)
            rc = plot_family(&set, rec);
        if (rc == 0)
            rc = plot_busy(&set, rec);
        if (rc == 0)
            rc = plot_misses(&set, rec);
        if (rc == 0 && strcmp(rec->kernel, "gaussmap") == 0)
            rc = plot_gaussmap(&set, rec);
        if (rc != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            status = PLOT_FAILED;
        }
    }
    if (status == 0 && plot_roofline(&set) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
        status = PLOT_FAILED;
    }
    if (status == 0) {
        size_t made = 0;
        for (size_t i = 0; i < set.n_figures; i++) {
            const struct plot_figure *f = &set.figures[i];
            if (f->made) {
                printf("figure: %s/%s.png (.svg)\n", set.out_dir, f->name);
                made++;
            } else {
                printf("skipped: %s: %s\n", f->name, f->why_not);
            }
        }
        char report[8192];
        snprintf(report, sizeof report, "%s/report.html", set.out_dir);
        if (report_write(&set, report) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            status = PLOT_FAILED;
        } else {
            printf("%zu figures, %zu skipped\nreport: %s\n", made, set.n_figures - made, report);
        }
    }
    record_set_free(&records);
    free(set.figures);
    free(set.labels);
    return status;
}
