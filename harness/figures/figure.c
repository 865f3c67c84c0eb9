#include "figures/figure.h"

#include "kit/sl.h"

#include <math.h>
#include <search.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------------ */

/* Not isalnum(): the locale must not decide which bytes reach a path. */
static bool plain_byte(unsigned char b)
{
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
           b == '-' || b == '_' || b == '.';
}

void plot_safe_name(const char *text, char *out, size_t len)
{
    size_t n = 0;
    for (const char *c = text ? text : ""; *c && n + 1 < len; c++, n++)
        out[n] = plain_byte((unsigned char)*c) && !(n == 0 && *c == '.') ? *c : '_';
    if (n == 0 && len > 1)
        out[n++] = '_';
    out[n] = '\0';
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

int figure_claim_name(void **tree, char *stem, size_t len)
{
    char base[FIGURE_STEM_MAX + 1];
    snprintf(base, sizeof base, "%s", stem);
    for (unsigned k = 2; tfind(stem, tree, compare_names); k++) {
        char suffix[16];
        size_t n = (size_t)snprintf(suffix, sizeof suffix, "-%u", k);
        size_t keep = strlen(base);
        if (keep + n >= len)
            keep = len - 1 - n;
        snprintf(stem, len, "%.*s%s", (int)keep, base, suffix);
    }
    char *copy = strdup(stem);
    if (!copy || !tsearch(copy, tree, compare_names)) {
        free(copy);
        return sl_fail("out of memory");
    }
    return 0;
}

void figure_names_free(void **tree)
{
    tdestroy(*tree, free);
    *tree = NULL;
}

/* ---- axes ---------------------------------------------------------------------------- */

int names_index(const struct names *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->item[i], name) == 0)
            return i;
    return -1;
}

bool names_add(struct names *s, const char *name)
{
    if (names_index(s, name) >= 0)
        return true;
    if (s->n == s->cap)
        return false;
    s->item[s->n++] = name;
    return true;
}

void counts_add(struct counts *s, int v)
{
    int i = 0;
    while (i < s->n && s->item[i] < v)
        i++;
    if ((i < s->n && s->item[i] == v) || s->n == s->cap)
        return;
    memmove(&s->item[i + 1], &s->item[i], (size_t)(s->n - i) * sizeof s->item[0]);
    s->item[i] = v;
    s->n++;
}

int axes_of(const struct sl_run *run, const char *size, struct axes *ax)
{
    int cap = (int)run->n_results;
    memset(ax, 0, sizeof *ax);
    ax->variants = (struct names){calloc(run->n_results + 1, sizeof(char *)), 0, cap};
    ax->schedules = (struct names){calloc(run->n_results + 1, sizeof(char *)), 0, cap};
    ax->sizes = (struct names){calloc(run->n_results + 1, sizeof(char *)), 0, cap};
    ax->threads = (struct counts){calloc(run->n_results + 1, sizeof(int)), 0, cap};
    if (!ax->variants.item || !ax->schedules.item || !ax->sizes.item || !ax->threads.item) {
        axes_free(ax);
        return sl_fail("out of memory for the axes of %zu results", run->n_results);
    }
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        if (!result_usable(r))
            continue;
        names_add(&ax->sizes, r->size);
        if (size && strcmp(r->size, size) != 0)
            continue;
        names_add(&ax->variants, r->variant);
        names_add(&ax->schedules, r->schedule);
        counts_add(&ax->threads, r->threads);
    }
    return 0;
}

void axes_free(struct axes *ax)
{
    free(ax->variants.item);
    free(ax->schedules.item);
    free(ax->sizes.item);
    free(ax->threads.item);
    memset(ax, 0, sizeof *ax);
}

/* ---- figures ------------------------------------------------------------------------ */

struct plot_figure *figure_new(struct plot_set *set, const char *kind, const char *label)
{
    if (set->n_figures == set->cap_figures) {
        size_t cap = set->cap_figures ? 2 * set->cap_figures : 64;
        struct plot_figure *grown = realloc(set->figures, cap * sizeof *grown);
        if (!grown) {
            sl_fail("out of memory for %zu figures", cap);
            return NULL;
        }
        set->figures = grown;
        set->cap_figures = cap;
    }
    struct plot_figure *f = &set->figures[set->n_figures];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s%s%s", kind, label ? "-" : "", label ? label : "");
    if (figure_claim_name(&set->figure_names, f->name, sizeof f->name) != 0)
        return NULL;
    set->n_figures++;
    return f;
}

void figure_skip(struct plot_figure *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->why_not, sizeof f->why_not, fmt, ap);
    va_end(ap);
    f->state = FIGURE_SKIPPED;
}

void figure_fail(struct plot_figure *f)
{
    snprintf(f->why_not, sizeof f->why_not, "%s", sl_error());
    f->state = FIGURE_FAILED;
}

/* ---- data files ------------------------------------------------------------------- */

int data_open(struct plot_set *set, struct data_file *d, ...)
{
    char stem[FIGURE_STEM_MAX + 1] = "";
    va_list ap;
    va_start(ap, d);
    for (const char *part; (part = va_arg(ap, const char *));) {
        size_t used = strlen(stem);
        if (used > 0 && used + 1 < sizeof stem)
            stem[used++] = '-';
        plot_safe_name(part, stem + used, sizeof stem - used); /* cut where the stem ends */
    }
    va_end(ap);
    memset(d, 0, sizeof *d);
    if (figure_claim_name(&set->data_names, stem, sizeof stem) != 0)
        return -1;
    snprintf(d->path, sizeof d->path, "%s/data/%s.tsv", set->out_dir, stem);
    if (util_atomic_open(&d->file, d->path) != 0)
        return -1;
    if (!d->file.tmp_path) {
        util_atomic_abort(&d->file);
        return sl_fail("cannot write '%s': it is not a regular file", d->path);
    }
    d->fp = d->file.fp;
    return 0;
}

int data_commit(struct data_file *d)
{
    d->fp = NULL;
    return util_atomic_commit(&d->file);
}

void data_number(struct data_file *d, double v)
{
    if (isfinite(v))
        fprintf(d->fp, "\t%.9g", v);
    else
        fputs("\tNaN", d->fp);
}

/* ---- gnuplot variables and the run ---------------------------------------------------- */

void set_series(struct gp_vars *v, int panel, int series, const char *title, int colour)
{
    char name[64];
    snprintf(name, sizeof name, "title_%d_%d", panel, series);
    gp_var_str(v, name, title);
    snprintf(name, sizeof name, "colour_%d_%d", panel, series);
    gp_var_int(v, name, colour);
}

void set_panel(struct gp_vars *v, int panel, const char *file, const char *title, int series)
{
    char key[64];
    snprintf(key, sizeof key, "file_%d", panel);
    gp_var_path(v, key, file);
    snprintf(key, sizeof key, "panel_title_%d", panel);
    gp_var_str(v, key, title);
    snprintf(key, sizeof key, "series_%d", panel);
    gp_var_int(v, key, series);
}

void set_wrapped(struct gp_vars *v, const char *prefix, const char *text, size_t width)
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

void set_caches(struct gp_vars *v, const struct sl_machine_desc *m)
{
    struct cache_sizes c;
    cache_sizes(m, &c);
    gp_var_num(v, "l1_bytes", c.l1);
    gp_var_num(v, "l2_bytes", c.l2);
    gp_var_num(v, "l3_bytes", c.l3);
}

void figure_render(struct plot_set *set, struct plot_figure *f, const char *script,
                   struct gp_vars *vars)
{
    char base[4300];
    snprintf(base, sizeof base, "%s/%s", set->out_dir, f->name);
    if (gnuplot_render(script, vars, base) == 0)
        f->state = FIGURE_MADE;
    else
        figure_fail(f);
    gp_vars_free(vars);
}

/* ---- what the results say ------------------------------------------------------------- */

bool result_usable(const struct sl_result *r)
{
    return r->status == SL_STATUS_OK && isfinite(r->d.median_s.value);
}

bool result_invalid(const struct sl_result *r)
{
    return r->validated && !r->validation.valid;
}

double result_merit(const struct sl_run *run, const struct sl_result *r)
{
    return run->merit_recorded ? r->d.merit.value : NAN;
}

const char *run_merit_label(const struct sl_run *run, char *buf, size_t len)
{
    if (!run->merit_recorded || !run->unit) {
        snprintf(buf, len, "%s", "");
        return buf;
    }
    return sl_merit_label(run->merit, run->unit, buf, len);
}

const struct sl_result *find_result(const struct sl_run *run, const char *variant,
                                    const char *schedule, int threads, const char *size)
{
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        if (result_usable(r) && r->threads == threads && strcmp(r->variant, variant) == 0 &&
            (!schedule || strcmp(r->schedule, schedule) == 0) &&
            (!size || strcmp(r->size, size) == 0))
            return r;
    }
    return NULL;
}

const struct sl_result *best_schedule(const struct sl_run *run, const char *variant, int threads,
                                      const char *size)
{
    const struct sl_result *best = NULL;
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        if (result_usable(r) && r->threads == threads && strcmp(r->variant, variant) == 0 &&
            strcmp(r->size, size) == 0 && (!best || r->d.median_s.value < best->d.median_s.value))
            best = r;
    }
    return best;
}

double problem_parameter(const struct sl_run *run, const char *size, const char *key)
{
    for (size_t i = 0; i < run->n_problems; i++) {
        const struct sl_problem_info *p = &run->problems[i];
        if (strcmp(p->size, size) != 0)
            continue;
        for (int k = 0; k < p->n_params; k++)
            if (strcmp(p->params[k].key, key) == 0)
                return p->params[k].value;
        return NAN;
    }
    return NAN;
}

double working_set(const struct sl_run *run, const char *size)
{
    return problem_parameter(run, size, "working_set_bytes");
}

int max_threads_of(const struct sl_run *run)
{
    int t = 0;
    for (size_t i = 0; i < run->n_results; i++)
        if (result_usable(&run->results[i]) && run->results[i].threads > t)
            t = run->results[i].threads;
    return t;
}

void cache_sizes(const struct sl_machine_desc *m, struct cache_sizes *c)
{
    c->l1 = c->l2 = c->l3 = NAN;
    for (int i = 0; i < m->n_caches; i++) {
        const struct sl_cache_desc *cache = &m->caches[i];
        double size = (double)cache->size;
        if (strcmp(cache->type, "instruction") == 0)
            continue;
        if (cache->level == 1)
            c->l1 = size;
        else if (cache->level == 2)
            c->l2 = size;
        else if (cache->level == 3)
            c->l3 = size;
    }
}

void figure_context(const struct sl_run *run, const char *size, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s on %s, %d CPUs (%s)", run->config.kernel, size ? " " : "",
             size ? size : "", run->machine.cpu_model, run->machine.pus_allowed,
             run->machine.hostname);
}

void series_title(const struct sl_run *run, const char *variant, const char *schedule,
                  const char *size, char *out, size_t len)
{
    const char *mark = "";
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        if (result_usable(r) && result_invalid(r) && strcmp(r->variant, variant) == 0 &&
            (!schedule || strcmp(r->schedule, schedule) == 0) &&
            (!size || strcmp(r->size, size) == 0))
            mark = r->d.invalid_expected ? " (INVALID: known defect)" : " (INVALID)";
    }
    snprintf(out, len, "%s%s", variant, mark);
}

void figure_left_out(struct plot_figure *f, const char *what, const struct names *names, int from)
{
    if (from >= names->n)
        return;
    size_t len = sizeof f->left_out;
    snprintf(f->left_out, len, "%d more %s (a figure holds %d panels):", names->n - from, what,
             FIGURE_MAX_PANELS);
    for (int i = from; i < names->n; i++) {
        size_t used = strlen(f->left_out);
        snprintf(f->left_out + used, len - used, "%s %s", i > from ? "," : "", names->item[i]);
    }
}
