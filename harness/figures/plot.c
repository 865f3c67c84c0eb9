/* `speedlab plot`: each record as the figures see it (its axes, its name
 * in file names), every figure kind over every record, the console's
 * account of each figure, and the report. */
#include "figures/plot.h"

#include "figures/figure.h"
#include "figures/machines.h"
#include "figures/report.h"
#include "kit/files.h"
#include "kit/sl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the records ---------------------------------------------------------------------- */

/* Sizes ordered by working set when every size states one, else as recorded. */
static bool order_sizes(const struct sl_run *run, struct names *sizes)
{
    for (int i = 0; i < sizes->n; i++)
        if (!isfinite(working_set(run, sizes->item[i])))
            return false;
    for (int i = 1; i < sizes->n; i++)
        for (int j = i; j > 0 && working_set(run, sizes->item[j - 1]) >
                                     working_set(run, sizes->item[j]);
             j--) {
            const char *t = sizes->item[j];
            sizes->item[j] = sizes->item[j - 1];
            sizes->item[j - 1] = t;
        }
    return true;
}

/* A record's name in file names: its kernel when no other record has that
 * kernel, else its file's name ("stream-sweep"), numbered if that repeats;
 * always a safe name (plot_safe_name). */
static int label_record(struct plot_set *set, size_t k, void **labels)
{
    struct plot_record *rec = &set->records[k];
    const char *kernel = rec->run->config.kernel;
    int same_kernel = 0;
    for (size_t j = 0; j < set->n_records; j++)
        same_kernel += strcmp(set->records[j].run->config.kernel, kernel) == 0;
    char stem[FIGURE_LABEL_MAX + 6];
    const char *slash = strrchr(rec->path, '/');
    snprintf(stem, sizeof stem, "%s", same_kernel > 1 ? (slash ? slash + 1 : rec->path) : kernel);
    size_t len = strlen(stem);
    if (same_kernel > 1 && len > 5 && strcmp(stem + len - 5, ".json") == 0)
        stem[len - 5] = '\0';
    plot_safe_name(stem, rec->label, sizeof rec->label);
    return figure_claim_name(labels, rec->label, sizeof rec->label);
}

static int record_init(struct plot_record *rec, const struct sl_run *run, const char *path)
{
    rec->run = run;
    rec->path = path;
    if (axes_of(run, NULL, &rec->all) != 0)
        return -1;
    rec->sizes_by_bytes = order_sizes(run, &rec->all.sizes);
    rec->largest = rec->all.sizes.n ? rec->all.sizes.item[rec->all.sizes.n - 1] : NULL;
    return axes_of(run, rec->largest ? rec->largest : "", &rec->at_largest);
}

static void set_free(struct plot_set *set)
{
    for (size_t k = 0; k < set->n_records; k++) {
        axes_free(&set->records[k].all);
        axes_free(&set->records[k].at_largest);
    }
    free(set->records);
    free(set->figures);
    figure_names_free(&set->figure_names);
    figure_names_free(&set->data_names);
}

static int set_init(struct plot_set *set, const struct run_set *runs, const char *out_dir,
                    const char *name)
{
    memset(set, 0, sizeof *set);
    set->out_dir = out_dir;
    set->run_name = name;
    set->records = calloc(runs->n, sizeof *set->records);
    if (!set->records)
        return sl_fail("out of memory for %zu records", runs->n);
    int rc = 0;
    for (size_t k = 0; k < runs->n && rc == 0; k++) {
        set->n_records = k + 1;
        rc = record_init(&set->records[k], &runs->runs[k], runs->paths[k]);
    }
    /* Labels once every record is there: a label depends on the others. */
    void *labels = NULL;
    for (size_t k = 0; k < set->n_records && rc == 0; k++)
        rc = label_record(set, k, &labels);
    figure_names_free(&labels);
    return rc;
}

/* ---- the figures ------------------------------------------------------------------------ */

/* Every figure of one record; -1 only when out of memory. */
static int draw_record(struct plot_set *set, const struct plot_record *rec)
{
    if (plot_scaling(set, rec) != 0 || plot_size_sweep(set, rec) != 0 ||
        plot_family(set, rec) != 0 || plot_busy(set, rec) != 0 || plot_misses(set, rec) != 0)
        return -1;
    return strcmp(rec->run->config.kernel, "gaussmap") == 0 ? plot_gaussmap(set, rec) : 0;
}

static int draw_all(struct plot_set *set)
{
    for (size_t k = 0; k < set->n_records; k++)
        if (draw_record(set, &set->records[k]) != 0)
            return -1;
    return plot_roofline(set) != 0 ? -1 : plot_machines(set);
}

struct tally {
    size_t made, skipped, failed;
    const char *first_failure; /* its figure's reason */
};

/* One line per figure on the console. */
static void print_figures(const struct plot_set *set, struct tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < set->n_figures; i++) {
        const struct plot_figure *f = &set->figures[i];
        switch (f->state) {
        case FIGURE_MADE:
            printf("figure: %s/%s.png (.svg)%s%s\n", set->out_dir, f->name,
                   f->left_out[0] ? "; left out: " : "", f->left_out);
            t->made++;
            break;
        case FIGURE_SKIPPED:
            printf("skipped: %s: %s\n", f->name, f->why_not);
            t->skipped++;
            break;
        case FIGURE_FAILED:
            printf("failed: %s: %s\n", f->name, f->why_not);
            if (!t->failed++)
                t->first_failure = f->why_not;
            break;
        }
    }
}

/* ---- the command ------------------------------------------------------------------------ */

static int make_dirs(const char *dir)
{
    char probe[4300];
    /* Room in every path built from it (gnuplot.c's are 4096 bytes) for a
     * stem, its extension and a temporary's suffix: never a path cut short. */
    if (strlen(dir) > 3800)
        return sl_fail("the output folder's name is too long (%zu characters)", strlen(dir));
    snprintf(probe, sizeof probe, "%s/data/x", dir);
    if (util_make_parent_dirs(probe) != 0)
        return -1;
    if (access(dir, W_OK) != 0)
        return sl_fail("cannot write into %s: %s", dir, strerror(errno));
    return 0;
}

/* The figures, the console's account and the report of a prepared set. */
static enum plot_status draw_and_report(struct plot_set *set)
{
    struct tally t;
    char report[4300];
    if (draw_all(set) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
        return PLOT_FAILED;
    }
    print_figures(set, &t);
    printf("%zu figures, %zu skipped", t.made, t.skipped);
    if (t.failed)
        printf(", %zu failed", t.failed);
    printf("\n");
    fflush(stdout);
    enum plot_status status = PLOT_DONE;
    if (t.failed) {
        fprintf(stderr, "speedlab: error: %zu figure%s failed; the first: %s\n", t.failed,
                t.failed == 1 ? "" : "s", t.first_failure);
        status = PLOT_FAILED;
    }
    snprintf(report, sizeof report, "%s/report.html", set->out_dir);
    if (report_write(set, report) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
        return PLOT_FAILED;
    }
    printf("report: %s\n", report);
    return status;
}

enum plot_status plot_runs(const struct run_set *runs, const struct hw_set *machines,
                           const char *out_dir, const char *name)
{
    char why[200];
    if (!gnuplot_available(why, sizeof why)) {
        fprintf(stderr, "speedlab: error: %s\n", why);
        return PLOT_FAILED;
    }
    if (make_dirs(out_dir) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
        return PLOT_FAILED;
    }
    struct plot_set set;
    enum plot_status status = PLOT_FAILED;
    if (set_init(&set, runs, out_dir, name) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
    } else {
        set.machines = machines;
        status = draw_and_report(&set);
    }
    set_free(&set);
    return status;
}
