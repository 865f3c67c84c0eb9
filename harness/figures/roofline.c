/* The roofline: achieved GFLOP/s against arithmetic intensity, a panel per
 * thread count, under the roofs measured at that thread count (a ceilings
 * record among the inputs: a slanted roof per memory level, the fp32 and
 * fp64 peaks flat) and the nominal peaks (dashed).  Each variant's point is
 * at the intensity of its work model; where the record simulated its caches
 * (--counters sim), the same variant also stands at its measured
 * intensities: flops per byte of simulated D1 misses (the traffic L2 and
 * beyond serve) and of LL misses (DRAM), the cache-aware roofline.
 *
 * Points carry numbers, the same number for one variant in every panel, and
 * a key lists them; the numbers are placed so that none overlaps another.
 * Everything from a record reaches gnuplot as numbers in the data files or
 * as quoted variables (gp_var_str), never as program text.  The axes'
 * ranges and the numbers' places are computed here, so the data files hold
 * exactly what is drawn. */
#include "figures/roofline.h"

#include "analysis/roofs.h"
#include "kit/sl.h"
#include "results/run_set.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The drawing's geometry, as plots/roofline.gp lays it out: the plots span
 * this fraction of the width, a panel this height, and a number's label
 * this many pixels (font ',9'). */
#define WIDTH_PX 1600
#define PANEL_PX 620
#define PLOT_LEFT_FRACTION 0.07
#define PLOT_WIDTH_FRACTION 0.43
#define PLOT_HEIGHT_FRACTION 0.72
#define DIGIT_PX 7.0
#define LINE_PX 13.0
#define KEY_LINE_PX 15
#define KEY_TEXT_MAX 52

struct point {
    const struct plot_record *rec;
    const char *variant;
    int number, colour, threads;
    double intensity, gflops;
    double l2_intensity, dram_intensity; /* measured (simulated); NAN: none */
    double label_x, label_y;
};

/* Records the roofline leaves out. */
struct left_out {
    size_t beyond;         /* records with points beyond FIGURE_MAX_RECORDS */
    const char *first_beyond;
    int panels_beyond; /* thread counts beyond FIGURE_MAX_PANELS */
};

struct roofline {
    struct plot_set *set;
    const struct sl_run *machine; /* points and roofs of this run's hardware */
    const struct plot_record *ceilings;
    struct roof_set roofs;
    struct point *points;
    size_t n_points, cap_points;
    int n_numbers; /* (record, variant) pairs numbered */
    bool any_measured; /* a point has a simulated intensity */
    int threads[FIGURE_MAX_PANELS];
    int n_panels;
    struct left_out left;
    double x_lo, x_hi, y_lo, y_hi;
};

/* ---- the ceilings record and the distance to a roof ----------------------------------- */

const struct plot_record *roofline_ceilings(const struct plot_set *set, const struct sl_run *run)
{
    const struct plot_record *pick = NULL;
    char what[128];
    for (size_t k = 0; k < set->n_records; k++) {
        const struct plot_record *rec = &set->records[k];
        if (roofs_is_ceilings(rec->run) && run_same_hardware(rec->run, run, what, sizeof what) &&
            (!pick || strcmp(rec->run->started, pick->run->started) > 0))
            pick = rec;
    }
    return pick;
}

void roofline_distance(const struct plot_set *set, const struct sl_run *run,
                       const struct sl_result *r, char *out, size_t len)
{
    const struct plot_record *ceilings = roofline_ceilings(set, run);
    struct roof_set roofs = {0};
    struct roof_bound b;
    const struct roofs *at;
    if (roofs_is_ceilings(run))
        snprintf(out, len, "the roofs themselves (a ceilings record)");
    else if (!(r->work.flops > 0 && r->work.bytes > 0 && r->d.gflops.value > 0))
        snprintf(out, len, "unavailable (the work model counts no flops or no bytes)");
    else if (!ceilings)
        snprintf(out, len, "unavailable (no ceilings record of this machine among the inputs; "
                           "run speedlab run ceilings)");
    else if (roofs_from_run(ceilings->run, &roofs) != 0)
        snprintf(out, len, "unavailable (%s)", sl_error());
    else if (!(at = roofs_at(&roofs, r->threads)))
        snprintf(out, len, "unavailable (the ceilings record measured no roof at %d thread%s)",
                 r->threads, r->threads == 1 ? "" : "s");
    else if (roofs_bound(at, r->work.flops / r->work.bytes, r->d.gflops.value, &b) != 0)
        snprintf(out, len, "unavailable (the ceilings record holds no valid roof at %d thread%s)",
                 r->threads, r->threads == 1 ? "" : "s");
    else {
        char fp64[48] = "";
        if (strcmp(b.name, "fp32 peak") == 0 && isfinite(b.fp64_fraction))
            snprintf(fp64, sizeof fp64, "; %.0f %% of the fp64 peak", 100 * b.fp64_fraction);
        snprintf(out, len, "%.0f %% of the %s (%.3g of %.3g GFLOP/s at %.3g flop/byte%s)",
                 100 * b.fraction, b.name, r->d.gflops.value, b.attainable,
                 r->work.flops / r->work.bytes, fp64);
    }
    roofs_free(&roofs);
}

/* ---- the points --------------------------------------------------------------------------- */

/* A variant's point at `threads`: its fastest schedule at the largest size
 * with a result there, when valid and with flops and bytes; or NULL. */
static const struct sl_result *point_result(const struct plot_record *rec, const char *variant,
                                            int threads)
{
    const struct axes *ax = &rec->all;
    const char *largest = NULL;
    for (int s = 0; s < ax->sizes.n; s++)
        if (best_schedule(rec->run, variant, threads, ax->sizes.item[s]))
            largest = ax->sizes.item[s];
    const struct sl_result *r = largest ? best_schedule(rec->run, variant, threads, largest) : NULL;
    return r && r->work.flops > 0 && r->work.bytes > 0 && !result_invalid(r) &&
                   isfinite(r->d.gflops.value) && r->d.gflops.value > 0
               ? r
               : NULL;
}

static bool has_points(const struct plot_record *rec)
{
    for (int v = 0; v < rec->all.variants.n; v++)
        for (int t = 0; t < rec->all.threads.n; t++)
            if (point_result(rec, rec->all.variants.item[v], rec->all.threads.item[t]))
                return true;
    return false;
}

/* Flops per byte of `misses` lines of `line` bytes; NAN without traffic. */
static double per_miss_byte(double flops, double misses, unsigned line)
{
    return misses > 0 && line > 0 ? flops / (misses * line) : NAN;
}

/* The measured intensities of p from a simulated result of its variant and
 * size: at its thread count (the misses depend on it), else the first. */
static void measured_intensity(const struct plot_record *rec, const struct sl_result *r,
                               struct point *p)
{
    const struct sl_result *pick = NULL;
    for (size_t i = 0; i < rec->run->n_results; i++) {
        const struct sl_result *s = &rec->run->results[i];
        if (s->simulated && s->sim.available && s->work.flops > 0 &&
            strcmp(s->variant, r->variant) == 0 && strcmp(s->size, r->size) == 0 &&
            (!pick || (pick->threads != r->threads && s->threads == r->threads)))
            pick = s;
    }
    p->l2_intensity = p->dram_intensity = NAN;
    if (pick) {
        p->l2_intensity = per_miss_byte(pick->work.flops, pick->sim.d1_misses, pick->sim.d1.line);
        p->dram_intensity = per_miss_byte(pick->work.flops, pick->sim.ll_misses, pick->sim.ll.line);
    }
}

static int add_point(struct roofline *rl, const struct plot_record *rec, const struct sl_result *r,
                     int number, int colour)
{
    if (rl->n_points == rl->cap_points) {
        size_t cap = rl->cap_points ? 2 * rl->cap_points : 64;
        struct point *grown = realloc(rl->points, cap * sizeof *grown);
        if (!grown)
            return sl_fail("out of memory for %zu roofline points", cap);
        rl->points = grown;
        rl->cap_points = cap;
    }
    struct point *p = &rl->points[rl->n_points++];
    *p = (struct point){.rec = rec, .variant = r->variant, .number = number, .colour = colour,
                        .threads = r->threads, .intensity = r->work.flops / r->work.bytes,
                        .gflops = r->d.gflops.value};
    measured_intensity(rec, r, p);
    rl->any_measured |= isfinite(p->l2_intensity) || isfinite(p->dram_intensity);
    return 0;
}

static void add_panel(struct roofline *rl, int threads)
{
    for (int i = 0; i < rl->n_panels; i++)
        if (rl->threads[i] == threads)
            return;
    if (rl->n_panels == FIGURE_MAX_PANELS) {
        rl->left.panels_beyond++;
        return;
    }
    int at = rl->n_panels++;
    while (at > 0 && rl->threads[at - 1] > threads) {
        rl->threads[at] = rl->threads[at - 1];
        at--;
    }
    rl->threads[at] = threads;
}

/* One record's points, numbered on from rl->n_numbers; -1 when out of memory. */
static int record_points(struct roofline *rl, const struct plot_record *rec, int colour)
{
    const struct axes *ax = &rec->all;
    for (int v = 0; v < ax->variants.n; v++) {
        int number = 0;
        for (int t = 0; t < ax->threads.n; t++) {
            const struct sl_result *r = point_result(rec, ax->variants.item[v], ax->threads.item[t]);
            if (!r)
                continue;
            if (!number)
                number = ++rl->n_numbers;
            if (add_point(rl, rec, r, number, colour) != 0)
                return -1;
        }
    }
    return 0;
}

/* Every record of the first one's hardware with points (the first
 * FIGURE_MAX_RECORDS), ceilings records aside: they are the roofs. */
static int collect_points(struct roofline *rl)
{
    int records = 0;
    char what[128];
    for (size_t k = 0; k < rl->set->n_records; k++) {
        const struct plot_record *rec = &rl->set->records[k];
        if (roofs_is_ceilings(rec->run))
            continue;
        if (!run_same_hardware(rec->run, rl->machine, what, sizeof what))
            continue; /* in its own machine's roofline */
        if (!has_points(rec))
            continue;
        if (records == FIGURE_MAX_RECORDS) {
            if (!rl->left.beyond++)
                rl->left.first_beyond = rec->path;
            continue;
        }
        records++;
        if (record_points(rl, rec, records) != 0)
            return -1;
    }
    for (size_t i = 0; i < rl->n_points; i++)
        add_panel(rl, rl->points[i].threads);
    return 0;
}

/* ---- the roofs ------------------------------------------------------------------------------ */

/* The nominal peaks of `threads` threads: the machine's allowed cores' share. */
static double nominal(double peak, const struct sl_machine_desc *m, int threads)
{
    int cores = m->cores_allowed > 0 ? m->cores_allowed : 1;
    return peak * (threads < cores ? threads : cores) / cores;
}

/* The highest flat roof of a panel: where the slanted ones end. */
static double panel_cap(const struct roofline *rl, const struct roofs *r, int threads)
{
    if (r && isfinite(r->fp32.value))
        return r->fp32.value;
    if (r && isfinite(r->fp64.value))
        return r->fp64.value;
    return nominal(rl->machine->machine.peak_gflops_fp32, &rl->machine->machine, threads);
}

static void widen(double *lo, double *hi, double v)
{
    if (isfinite(v) && v > 0) {
        *lo = !(*lo <= v) ? v : *lo;
        *hi = !(*hi >= v) ? v : *hi;
    }
}

/* Axes shared by every panel: every point, ridge and peak, with room. */
static void ranges(struct roofline *rl)
{
    double x_lo = NAN, x_hi = NAN, y_lo = NAN, y_hi = NAN;
    for (size_t i = 0; i < rl->n_points; i++) {
        const struct point *p = &rl->points[i];
        widen(&x_lo, &x_hi, p->intensity);
        widen(&x_lo, &x_hi, p->l2_intensity);
        widen(&x_lo, &x_hi, p->dram_intensity);
        widen(&y_lo, &y_hi, p->gflops);
    }
    const struct sl_machine_desc *m = &rl->machine->machine;
    for (int i = 0; i < rl->n_panels; i++) {
        const struct roofs *r = roofs_at(&rl->roofs, rl->threads[i]);
        double cap = panel_cap(rl, r, rl->threads[i]);
        widen(&y_lo, &y_hi, nominal(m->peak_gflops_fp32, m, rl->threads[i]));
        widen(&y_lo, &y_hi, r ? r->fp64.value : NAN);
        widen(&y_lo, &y_hi, cap);
        for (int l = 0; r && l < ROOF_LEVELS; l++)
            widen(&x_lo, &x_hi, cap / r->bandwidth[l].value);
    }
    rl->x_lo = x_lo / 4;
    rl->x_hi = x_hi * 4;
    rl->y_lo = y_lo / 4;
    rl->y_hi = y_hi * 3;
}

/* One roof: a line of two points, its own block of the panel's roof file. */
struct roof_writer {
    struct data_file *d;
    struct gp_vars *vars;
    int panel, n;
};

static void roof_line(struct roof_writer *w, double x0, double y0, double x1, double y1, int style,
                      const char *title)
{
    char name[64];
    fprintf(w->d->fp, "%s# %s\n", w->n ? "\n\n" : "", title);
    fprintf(w->d->fp, "%.9g\t%.9g\n%.9g\t%.9g\n", x0, y0, x1, y1);
    w->n++;
    snprintf(name, sizeof name, "roof_%d_%d_title", w->panel, w->n);
    gp_var_str(w->vars, name, title);
    snprintf(name, sizeof name, "roof_%d_%d_style", w->panel, w->n);
    gp_var_int(w->vars, name, style);
}

/* The roofs of panel p at `threads`: measured slanted roofs from the left
 * edge to the highest peak, measured peaks from the L1 ridge on, nominal
 * peaks across.  Styles: 1-4 the levels, 5-6 fp32/fp64 measured, 7-8
 * nominal. */
static void panel_roofs(const struct roofline *rl, const struct roofs *r, int threads,
                        struct roof_writer *w)
{
    char title[160];
    double cap = panel_cap(rl, r, threads), fastest = NAN;
    for (int l = 0; r && l < ROOF_LEVELS; l++) {
        const struct roof *bw = &r->bandwidth[l];
        if (!isfinite(bw->value))
            continue;
        double end = isfinite(cap) ? cap / bw->value : rl->x_hi;
        snprintf(title, sizeof title, "%s %.3g GB/s (%s)", roof_level_name((enum roof_level)l),
                 bw->value, bw->variant);
        roof_line(w, rl->x_lo, bw->value * rl->x_lo, end, bw->value * end, l + 1, title);
        fastest = !(fastest >= bw->value) ? bw->value : fastest;
    }
    /* The measured peaks begin where the fastest level's roof meets them. */
    double ridge = isfinite(fastest) && isfinite(cap) ? cap / fastest : rl->x_lo;
    const struct roof *peaks[] = {r ? &r->fp32 : NULL, r ? &r->fp64 : NULL};
    for (int k = 0; k < 2; k++) {
        if (!peaks[k] || !isfinite(peaks[k]->value))
            continue;
        snprintf(title, sizeof title, "%s peak %.3g GFLOP/s (%s)", k ? "fp64" : "fp32",
                 peaks[k]->value, peaks[k]->variant);
        roof_line(w, ridge, peaks[k]->value, rl->x_hi, peaks[k]->value, 5 + k, title);
    }
    const struct sl_machine_desc *m = &rl->machine->machine;
    double nominals[] = {m->peak_gflops_fp32, m->peak_gflops_fp64};
    for (int k = 0; k < 2; k++) {
        if (!isfinite(nominals[k]))
            continue;
        double v = nominal(nominals[k], m, threads);
        snprintf(title, sizeof title, "%s nominal %.3g GFLOP/s",
                 k ? "fp64" : "fp32", v);
        roof_line(w, rl->x_lo, v, rl->x_hi, v, 7 + k, title);
    }
}

/* ---- the numbers' places -------------------------------------------------------------------- */

/* Whether two labels' boxes (in axis fractions) overlap. */
static bool overlaps(double ax, double ay, double aw, double bx, double by, double bw, double h)
{
    return ax < bx + bw && bx < ax + aw && fabs(ay - by) < h;
}

/* Places the numbers of panel `threads`: right of each point, moved up or
 * down by a line until it overlaps no number placed before it. */
static void place_labels(struct roofline *rl, int threads)
{
    double lx = log10(rl->x_hi / rl->x_lo), ly = log10(rl->y_hi / rl->y_lo);
    double plot_w = WIDTH_PX * PLOT_WIDTH_FRACTION, plot_h = PANEL_PX * PLOT_HEIGHT_FRACTION;
    double h = LINE_PX / plot_h;
    size_t placed_from = SIZE_MAX;
    for (size_t i = 0; i < rl->n_points; i++) {
        struct point *p = &rl->points[i];
        if (p->threads != threads)
            continue;
        placed_from = placed_from == SIZE_MAX ? i : placed_from;
        char digits[16];
        double w = (snprintf(digits, sizeof digits, "%d", p->number) * DIGIT_PX + 3) / plot_w;
        double x = log10(p->intensity / rl->x_lo) / lx + 6 / plot_w;
        double y0 = log10(p->gflops / rl->y_lo) / ly, y = y0;
        for (int step = 1; step < 200; step++) {
            bool clear = true;
            for (size_t j = placed_from; j < i && clear; j++) {
                const struct point *q = &rl->points[j];
                if (q->threads != threads)
                    continue;
                double qx = log10(q->label_x / rl->x_lo) / lx;
                double qy = log10(q->label_y / rl->y_lo) / ly;
                double qw = (snprintf(digits, sizeof digits, "%d", q->number) * DIGIT_PX + 3) /
                            plot_w;
                clear = !overlaps(x, y, w, qx, qy, qw, h);
            }
            if (clear)
                break;
            /* 1 up, 1 down, 2 up, 2 down, ... */
            y = y0 + (step % 2 ? 1 : -1) * ((step + 1) / 2) * h;
        }
        p->label_x = rl->x_lo * pow(10, x * lx);
        p->label_y = rl->y_lo * pow(10, y * ly);
    }
}

/* ---- the data and the drawing ------------------------------------------------------------- */

/* Panel p's points: block 0 the work model's (intensity, GFLOP/s, number,
 * colour, label x, label y), then, when any point has them, the measured
 * intensities at L2 and DRAM (intensity, GFLOP/s, number, colour) and the
 * lines joining a point's intensities. */
static int panel_points(struct roofline *rl, int p, int threads, const char *tag,
                        struct data_file *d, struct gp_vars *vars)
{
    char name[64];
    if (data_open(rl->set, d, "roofline", "points", tag, NULL) != 0)
        return -1;
    fputs("# intensity\tgflops\tnumber\tcolour\tlabel_x\tlabel_y\n", d->fp);
    bool l2 = false, dram = false;
    for (size_t i = 0; i < rl->n_points; i++) {
        const struct point *q = &rl->points[i];
        if (q->threads != threads)
            continue;
        fprintf(d->fp, "%.9g\t%.9g\t%d\t%d\t%.9g\t%.9g\n", q->intensity, q->gflops, q->number,
                q->colour, q->label_x, q->label_y);
        l2 |= isfinite(q->l2_intensity);
        dram |= isfinite(q->dram_intensity);
    }
    static const char *const headers[] = {"measured intensity at L2 (simulated D1 misses)",
                                          "measured intensity at DRAM (simulated LL misses)"};
    bool wanted[] = {l2, dram};
    for (int k = 0; k < 2; k++) {
        if (!wanted[k])
            continue;
        fprintf(d->fp, "\n\n# %s\n", headers[k]);
        for (size_t i = 0; i < rl->n_points; i++) {
            const struct point *q = &rl->points[i];
            double x = k ? q->dram_intensity : q->l2_intensity;
            if (q->threads == threads && isfinite(x))
                fprintf(d->fp, "%.9g\t%.9g\t%d\t%d\n", x, q->gflops, q->number, q->colour);
        }
    }
    if (l2 || dram) {
        fputs("\n\n# each point's intensities joined\n", d->fp);
        for (size_t i = 0; i < rl->n_points; i++) {
            const struct point *q = &rl->points[i];
            double xs[] = {q->intensity, q->l2_intensity, q->dram_intensity}, lo = q->intensity,
                   hi = q->intensity;
            for (int k = 1; k < 3; k++)
                widen(&lo, &hi, xs[k]);
            if (q->threads == threads && hi > lo)
                fprintf(d->fp, "%.9g\t%.9g\n%.9g\t%.9g\n\n", lo, q->gflops, hi, q->gflops);
        }
    }
    snprintf(name, sizeof name, "points_%d", p);
    gp_var_path(vars, name, d->path);
    snprintf(name, sizeof name, "measured_%d", p);
    gp_var_int(vars, name, (l2 ? 1 : 0) + (dram ? 2 : 0));
    return data_commit(d);
}

/* Panel p (1-based) at `threads`: its roof file, its points file, its title. */
static int panel_data(struct roofline *rl, int p, int threads, struct gp_vars *vars)
{
    struct data_file roofs, points;
    char name[64], title[300];
    snprintf(name, sizeof name, "t%d", threads);
    const struct roofs *r = roofs_at(&rl->roofs, threads);
    if (data_open(rl->set, &roofs, "roofline", "roofs", name, NULL) != 0)
        return -1;
    struct roof_writer w = {&roofs, vars, p, 0};
    panel_roofs(rl, r, threads, &w);
    if (w.n == 0)
        fputs("# no roof: nothing measured and the nominal peaks unavailable\n", roofs.fp);
    if (data_commit(&roofs) != 0)
        return -1;
    snprintf(name, sizeof name, "roofs_%d", p);
    gp_var_path(vars, name, roofs.path);
    snprintf(name, sizeof name, "roofs_%d_n", p);
    gp_var_int(vars, name, w.n);
    place_labels(rl, threads);
    snprintf(name, sizeof name, "t%d", threads);
    if (panel_points(rl, p, threads, name, &points, vars) != 0)
        return -1;
    snprintf(title, sizeof title, "%d thread%s: %s", threads, threads == 1 ? "" : "s",
             r ? "roofs measured at this thread count"
             : rl->ceilings ? "measured roofs unavailable (the ceilings record has none at this "
                              "thread count)"
                            : "measured roofs unavailable (no ceilings record among the inputs)");
    snprintf(name, sizeof name, "panel_title_%d", p);
    gp_var_str(vars, name, title);
    return 0;
}

/* The key: a line per number, in its record's colour. */
static void key_vars(const struct roofline *rl, struct gp_vars *vars)
{
    char name[64], text[FIGURE_LABEL_MAX + 200];
    int said = 0;
    for (size_t k = 0; k < rl->n_points; k++) {
        const struct point *q = &rl->points[k];
        if (q->number <= said)
            continue; /* numbers rise with k: the first point of each says it */
        said = q->number;
        snprintf(text, sizeof text, "%d  %s: %s", q->number, q->rec->label, q->variant);
        if (strlen(text) > KEY_TEXT_MAX) /* the key's column holds this many characters */
            snprintf(text + KEY_TEXT_MAX - 3, 4, "...");
        snprintf(name, sizeof name, "key_%d", q->number);
        gp_var_str(vars, name, text);
        snprintf(name, sizeof name, "key_colour_%d", q->number);
        gp_var_int(vars, name, q->colour);
    }
    gp_var_int(vars, "key_n", rl->n_numbers);
}

/* What the roofline leaves out, in f->left_out. */
static void roofline_left_out(struct plot_figure *f, const struct left_out *left)
{
    size_t len = sizeof f->left_out, used;
    if (left->beyond)
        snprintf(f->left_out, len, "%zu more record%s with points (a roofline holds %d), from "
                 "%.200s on",
                 left->beyond, left->beyond == 1 ? "" : "s", FIGURE_MAX_RECORDS,
                 left->first_beyond);
    used = strlen(f->left_out);
    if (left->panels_beyond)
        snprintf(f->left_out + used, len - used, "%s%d more thread count%s (a figure holds %d "
                 "panels)",
                 used ? "; " : "", left->panels_beyond, left->panels_beyond == 1 ? "" : "s",
                 FIGURE_MAX_PANELS);
}

static void caption(struct roofline *rl, struct plot_figure *f)
{
    char source[300];
    if (rl->ceilings)
        snprintf(source, sizeof source, "measured by %.120s (%s): per level the best of "
                 "load, copy and triad, per precision the best FMA peak",
                 rl->ceilings->path, rl->ceilings->run->started);
    else
        snprintf(source, sizeof source, "unavailable: no ceilings record of this machine among "
                 "the inputs (run speedlab run ceilings)");
    snprintf(f->caption, sizeof f->caption,
             "GFLOP/s against arithmetic intensity, a panel per thread count; each variant "
             "(numbered, see the key) at its fastest schedule and largest size, at the flops "
             "per byte of its work model (circles)%s. Solid roofs: %s. Dashed: nominal peaks, "
             "%.200s.",
             rl->any_measured ? "; triangles and squares: at its simulated intensities, per "
                                "byte of D1 misses (served by L2 and beyond) and of LL misses "
                                "(DRAM): the cache-aware roofline"
                              : "",
             source, rl->machine->machine.peak_basis);
}

static int draw(struct roofline *rl, struct plot_figure *f)
{
    struct gp_vars vars = {0};
    ranges(rl);
    for (int p = 0; p < rl->n_panels; p++)
        if (panel_data(rl, p + 1, rl->threads[p], &vars) != 0) {
            gp_vars_free(&vars);
            figure_fail(f);
            return 0;
        }
    key_vars(rl, &vars);
    gp_var_int(&vars, "panels", rl->n_panels);
    gp_var_num(&vars, "x_lo", rl->x_lo);
    gp_var_num(&vars, "x_hi", rl->x_hi);
    gp_var_num(&vars, "y_lo", rl->y_lo);
    gp_var_num(&vars, "y_hi", rl->y_hi);
    gp_var_num(&vars, "plot_left", PLOT_LEFT_FRACTION);
    gp_var_num(&vars, "plot_right", PLOT_LEFT_FRACTION + PLOT_WIDTH_FRACTION);
    gp_var_str(&vars, "figure_title", f->title);
    int height = PANEL_PX * rl->n_panels, key_height = KEY_LINE_PX * rl->n_numbers + 120;
    gp_var_int(&vars, "width", WIDTH_PX);
    gp_var_int(&vars, "height", height > key_height ? height : key_height);
    gp_var_int(&vars, "key_line_px", KEY_LINE_PX);
    caption(rl, f);
    roofline_left_out(f, &rl->left);
    figure_render(rl->set, f, "roofline.gp", &vars);
    return 0;
}

/* The roofline of the machine `machine` runs on: its records' points under
 * its own roofs. */
static int roofline_of(struct plot_set *set, const struct sl_run *machine, const char *label)
{
    const struct sl_machine_desc *m = &machine->machine;
    struct plot_figure *f = figure_new(set, "roofline", label);
    if (!f)
        return -1;
    snprintf(f->title, sizeof f->title, "Roofline: %s, %d CPUs (%s)", m->cpu_model,
             m->pus_allowed, m->hostname);
    struct roofline rl = {.set = set, .machine = machine};
    rl.ceilings = roofline_ceilings(set, rl.machine);
    int rc = 0;
    if ((rl.ceilings && roofs_from_run(rl.ceilings->run, &rl.roofs) != 0) ||
        collect_points(&rl) != 0)
        rc = -1;
    else if (rl.n_points == 0)
        figure_skip(f, "no valid result with a flop count (the records' workloads count no "
                       "floating-point work, or none ran)");
    else
        rc = draw(&rl, f);
    roofs_free(&rl.roofs);
    free(rl.points);
    return rc;
}

/* A roofline per machine among the records (roofs are a machine's own, and
 * a point belongs under its machine's), in the order the machines first
 * appear: `roofline`, then `roofline-machine2`, ... side by side in the
 * report. */
int plot_roofline(struct plot_set *set)
{
    const struct sl_run **machines = NULL;
    size_t n = 0;
    int rc = 0;
    char what[128], label[32];
    for (size_t k = 0; k < set->n_records && rc == 0; k++) {
        const struct sl_run *run = set->records[k].run;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = run_same_hardware(machines[j], run, what, sizeof what);
        if (seen)
            continue;
        const struct sl_run **grown = realloc(machines, (n + 1) * sizeof *grown);
        if (!grown) {
            rc = sl_fail("out of memory for %zu machines", n + 1);
            break;
        }
        machines = grown;
        machines[n++] = run;
        snprintf(label, sizeof label, "machine%zu", n);
        rc = roofline_of(set, run, n > 1 ? label : NULL);
    }
    free(machines);
    return rc;
}
