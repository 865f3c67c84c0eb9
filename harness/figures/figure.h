/* What the figure modules share (figures/plot.c drives them, report.c shows
 * what they made): the records as the figures see them, the list of figures
 * with each one's outcome, safe and unique file names, the data files
 * behind the figures, and the gnuplot run.
 *
 * Every figure reads the result model (results/model.h): derived figures
 * come from a result's `d`, computed once by the model, never from JSON. */
#ifndef SL_FIGURE_H
#define SL_FIGURE_H

#include "figures/gnuplot.h"
#include "figures/plot.h"
#include "results/model.h"
#include "kit/files.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The longest record label (a record's name in file names) and the longest
 * file stem: with ".png", ".svg", ".tsv" and an atomic write's temporary
 * prefix and suffix, a stem stays inside NAME_MAX (255). */
#define FIGURE_LABEL_MAX 80
#define FIGURE_STEM_MAX 200
/* A figure holds at most this many panels (schedules, variants), and the
 * roofline this many records; the rest are named in its caption. */
#define FIGURE_MAX_PANELS 16
#define FIGURE_MAX_RECORDS 64

/* ---- the records -------------------------------------------------------------- */

/* Distinct strings in first-seen order (pointers into a run), room for cap. */
struct names {
    const char **item;
    int n, cap;
};
/* Distinct numbers, ascending, room for cap. */
struct counts {
    int *item;
    int n, cap;
};
int names_index(const struct names *s, const char *name); /* -1: absent */
/* Adds a name not yet held; false when there is no room for it. */
bool names_add(struct names *s, const char *name);
void counts_add(struct counts *s, int v);

/* The variants, schedules, sizes and thread counts with usable results. */
struct axes {
    struct names variants, schedules, sizes;
    struct counts threads;
};
/* The axes of run's usable results at `size` (NULL: every size), with
 * room for every result; 0, or -1 with sl_error() (out of memory). */
int axes_of(const struct sl_run *run, const char *size, struct axes *ax);
void axes_free(struct axes *ax);

struct plot_record {
    const struct sl_run *run;
    const char *path;                 /* the file it was read from */
    char label[FIGURE_LABEL_MAX + 1]; /* its name in file names: safe, unique */
    struct axes all;                  /* over every size; sizes ordered (below) */
    bool sizes_by_bytes;              /* sizes ordered by working set (each states one) */
    const char *largest;              /* the last size in that order; NULL: no usable result */
    struct axes at_largest;           /* restricted to the largest size */
};

/* ---- the figures ---------------------------------------------------------------- */

enum figure_state { FIGURE_SKIPPED, FIGURE_MADE, FIGURE_FAILED };

struct plot_figure {
    char name[FIGURE_STEM_MAX + 1]; /* file stem: speedup-cosine; unique in the set */
    char title[320];
    char caption[1000]; /* what it shows, and how to read it */
    enum figure_state state;
    char why_not[400];  /* skipped or failed: the reason, for the console and the report */
    char left_out[400]; /* what a figure does not hold (panels, records); "" when nothing */
};

struct hw_set;

struct plot_set {
    struct plot_record *records;
    size_t n_records;
    const struct hw_set *machines; /* the records grouped per machine (figures/machines.h) */
    const char *out_dir;
    const char *run_name;
    struct plot_figure *figures;
    size_t n_figures, cap_figures;
    /* Every file stem in use, of figures (<out>/NAME.png, .svg, .log) and of
     * data files (<out>/data/NAME.tsv): tsearch trees, so none is written twice. */
    void *figure_names, *data_names;
};

/* A stem made unique in `tree` (a tsearch tree of strings): when `stem` is
 * taken, "-2", "-3", ... is appended (within len).  0, or -1 (out of memory). */
int figure_claim_name(void **tree, char *stem, size_t len);
void figure_names_free(void **tree);

/* A new figure of `kind` for the record labelled `label` (NULL: the set's),
 * stem "kind-label", state skipped with no reason yet; NULL with sl_error()
 * when out of memory. */
struct plot_figure *figure_new(struct plot_set *set, const char *kind, const char *label);
void figure_skip(struct plot_figure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The figure failed: why is sl_error(). */
void figure_fail(struct plot_figure *f);

/* ---- data files and gnuplot ----------------------------------------------------- */

/* One TSV under <out>/data/, written atomically. */
struct data_file {
    struct util_atomic_file file;
    FILE *fp;
    char path[4300];
};
/* Opens <out>/data/<stem>.tsv, the stem joining the safe forms of the
 * parts (NULL-terminated) with '-', made unique in the set.  0, or -1 with
 * sl_error(). */
int data_open(struct plot_set *set, struct data_file *d, ...) __attribute__((sentinel));
/* Commits it; 0, or -1 with sl_error() (nothing half-written is left). */
int data_commit(struct data_file *d);
/* "\t%.9g", or "\tNaN" for an unavailable number. */
void data_number(struct data_file *d, double v);

/* A series' title and colour in panel `panel` (titles travel as one
 * variable each: gnuplot word lists cannot hold spaces). */
void set_series(struct gp_vars *v, int panel, int series, const char *title, int colour);
/* A panel's data file (by gp_var_path), title and number of series. */
void set_panel(struct gp_vars *v, int panel, const char *file, const char *title, int series);
/* A long note as lines of at most `width` characters (prefix_lines,
 * prefix_1, ...): gnuplot neither wraps labels nor reads escapes in them. */
void set_wrapped(struct gp_vars *v, const char *prefix, const char *text, size_t width);
/* The L1d, L2 and L3 sizes of the record's machine (l1_bytes, ...; NaN if absent). */
void set_caches(struct gp_vars *v, const struct sl_machine_desc *m);
/* Draws figure f with plots/<script>; made, or failed with gnuplot's reason.
 * Frees vars. */
void figure_render(struct plot_set *set, struct plot_figure *f, const char *script,
                   struct gp_vars *vars);

/* ---- what the results say ---------------------------------------------------------- */

/* Status ok with a median time. */
bool result_usable(const struct sl_result *r);
/* Validated, and wrong. */
bool result_invalid(const struct sl_result *r);
/* The figure of merit at the median; NAN when the record has none. */
double result_merit(const struct sl_run *run, const struct sl_result *r);
/* Its label ("GB/s"), or "" when the record has none. */
const char *run_merit_label(const struct sl_run *run, char *buf, size_t len);

/* The usable result of (variant, schedule, threads, size); NULL schedule or
 * size: any. */
const struct sl_result *find_result(const struct sl_run *run, const char *variant,
                                    const char *schedule, int threads, const char *size);
/* Among all schedules: the fastest usable result of (variant, threads, size). */
const struct sl_result *best_schedule(const struct sl_run *run, const char *variant, int threads,
                                      const char *size);
/* problems[size].parameters[key], or NAN. */
double problem_parameter(const struct sl_run *run, const char *size, const char *key);
/* The bytes one execution of a size touches, or NAN. */
double working_set(const struct sl_run *run, const char *size);
/* The most threads of any usable result. */
int max_threads_of(const struct sl_run *run);

/* Per-instance bytes of the record machine's data caches; NAN if absent. */
struct cache_sizes {
    double l1, l2, l3;
};
void cache_sizes(const struct sl_machine_desc *m, struct cache_sizes *c);

/* "cosine 600x1000 on Intel Xeon, 2 CPUs (vm)" (size NULL: without). */
void figure_context(const struct sl_run *run, const char *size, char *out, size_t len);
/* A series' title: the variant, marked when one of its results (under
 * `schedule` and at `size`, NULL: any) is invalid. */
void series_title(const struct sl_run *run, const char *variant, const char *schedule,
                  const char *size, char *out, size_t len);
/* Says in f->left_out that names->item[from...] (`what`: "schedules") are
 * not among its panels; nothing when from is past the last. */
void figure_left_out(struct plot_figure *f, const char *what, const struct names *names, int from);

/* ---- the figure kinds (each returns -1 only when out of memory) -------------------- */

int plot_scaling(struct plot_set *set, const struct plot_record *rec);
/* Renders scaling.gp's speedup and efficiency figures from `vars` (each
 * panel's file, title and series already set), laid out for `l`: the one
 * layout of every speedup figure (per record, and machines compared). */
struct scaling_layout {
    int panels, max_threads, allowed_cpus;
    int most_series; /* the most series in one panel: where the key goes */
};
void scaling_render(struct plot_set *set, struct plot_figure *sp, struct plot_figure *ef,
                    struct gp_vars *vars, struct scaling_layout l);
int plot_size_sweep(struct plot_set *set, const struct plot_record *rec);
int plot_family(struct plot_set *set, const struct plot_record *rec);
int plot_busy(struct plot_set *set, const struct plot_record *rec);
int plot_misses(struct plot_set *set, const struct plot_record *rec);
int plot_roofline(struct plot_set *set);
int plot_gaussmap(struct plot_set *set, const struct plot_record *rec);

#endif
