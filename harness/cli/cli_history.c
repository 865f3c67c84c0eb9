/* speedlab history DIR: the records of one machine over time; every
 * measurement's series of medians, its steps (change points), and a plot. */
#include "cli/cli.h"
#include "analysis/compare_stats.h"
#include "figures/gnuplot.h"
#include "kit/files.h"
#include "kit/sl.h"
#include "kit/util.h"
#include "reporters/text_table.h"
#include "results/run_set.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values of history's options. */
struct history_args {
    int order; /* enum history_order */
    struct cmp_cp_options cp;
    const char *series, *plot;
    int format; /* enum history_format */
};
enum history_order { ORDER_DATE, ORDER_COMMIT };
enum history_format { FORMAT_TABLE, FORMAT_MD };
static const char *const orders[] = {"date", "commit", NULL};
static const char *const formats[] = {"table", "md", NULL};

#define HISTORY_OPTION(member) .offset = offsetof(struct history_args, member)
#define NUMBER_TEXT_(number) #number
#define NUMBER_TEXT(number) NUMBER_TEXT_(number)

static const struct sl_option history_options[] = {
    {.name = "order", .arg = "KEY", .group = "options",
     .help = "date: by each record's 'started' time; commit: by the position of build.commit in "
             "this repository's history (git rev-list HEAD; date breaks ties)",
     .def = "date", .kind = SL_OPTION_CHOICE, HISTORY_OPTION(order), .choices = orders},
    {.name = "threshold", .arg = "PCT", .group = "options",
     .help = "smallest step that counts, percent", .def = NUMBER_TEXT(CMP_CP_THRESHOLD_PERCENT),
     .kind = SL_OPTION_PERCENT, HISTORY_OPTION(cp.threshold), .reals = {0, 1000}},
    {.name = "min-segment", .arg = "N", .group = "options", .help = "fewest points of a level",
     .def = NUMBER_TEXT(CMP_CP_MIN_SEGMENT), .kind = SL_OPTION_SIZE, HISTORY_OPTION(cp.min_segment),
     .ints = {2, 1000}},
    {.name = "series", .arg = "TEXT", .group = "options",
     .help = "only measurements whose name contains TEXT; their full series is printed",
     .kind = SL_OPTION_TEXT, HISTORY_OPTION(series)},
    {.name = "plot", .arg = "BASE", .group = "options",
     .help = "draw the series (time relative to each one's first point, steps marked) to "
             "BASE.png and BASE.svg, data in BASE.dat",
     .kind = SL_OPTION_TEXT, HISTORY_OPTION(plot)},
    {.name = "format", .arg = "F", .group = "options", .help = "table or md", .def = "table",
     .kind = SL_OPTION_CHOICE, HISTORY_OPTION(format), .choices = formats},
    {0},
};

static int cli_history(int argc, char **argv, const struct machine *machine);

const struct cli_command cli_history_command = {
    .name = "history",
    .operands = "DIR...",
    .summary = "a series of runs: each measurement over time, change points",
    .about =
        "Reads every record (*.json) of the folders or files given, all from one\n"
        "machine, each one point in time, and follows every measurement (kernel,\n"
        "variant, schedule, threads, size) through them: its series of medians and its\n"
        "change points.  A change point is a step in the level of the series: binary\n"
        "segmentation by least absolute deviation, accepted when the medians either side\n"
        "differ by more than --threshold AND by more than 4 standard errors, the noise\n"
        "estimated from the series itself (MAD of successive differences).  Segments are\n"
        "at least --min-segment points long, so one or two wild points never make a step.\n",
    .notes =
        "exit status: 0 no step, 1 some series has a step (a slowdown or a speedup),\n"
        "2 unusable input (unreadable or foreign record, machines mixed, fewer than two\n"
        "records, a commit not in this repository with --order commit, a --plot file\n"
        "that is one of the records) or a plot that could not be drawn.\n",
    .options = history_options,
    .main = cli_history,
};

/* Position of each record in time. */
struct point {
    const struct sl_run *run;
    const char *path;
    long commit_rank; /* --order commit: index in git rev-list (older = larger) */
};

static int by_date(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return strcmp(x->run->started, y->run->started);
}

static int by_commit(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    if (x->commit_rank != y->commit_rank)
        return x->commit_rank > y->commit_rank ? -1 : 1;
    return by_date(a, b);
}

/* Ranks records by their commit's place in `git rev-list HEAD` (run in the
 * current folder): 0 is the newest commit. */
static int rank_commits(struct point *pts, size_t n)
{
    FILE *git = popen("git rev-list HEAD 2>/dev/null", "r");
    if (!git)
        return sl_fail("--order commit: cannot run git rev-list");
    char **hashes = NULL;
    size_t count = 0, cap = 0;
    char line[128];
    while (fgets(line, sizeof line, git)) {
        line[strcspn(line, "\n")] = '\0';
        if (count == cap) {
            cap = cap ? 2 * cap : 1024;
            char **grown = realloc(hashes, cap * sizeof *grown);
            if (!grown)
                break;
            hashes = grown;
        }
        hashes[count] = strdup(line);
        if (!hashes[count])
            break;
        count++;
    }
    int git_status = pclose(git);
    int rc = 0;
    if (git_status != 0 || count == 0)
        rc = sl_fail("--order commit: 'git rev-list HEAD' failed here (not in a git repository?)");
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* git describe --dirty --always: HASH, HASH-dirty, TAG-N-gHASH[-dirty]. */
        char hash[64];
        const char *c = pts[i].run->build.commit, *g = strstr(c, "-g");
        snprintf(hash, sizeof hash, "%s", g ? g + 2 : c);
        char *dirty = strstr(hash, "-dirty");
        if (dirty)
            *dirty = '\0';
        pts[i].commit_rank = -1;
        for (size_t k = 0; k < count && hash[0] && pts[i].commit_rank < 0; k++)
            if (strncmp(hashes[k], hash, strlen(hash)) == 0)
                pts[i].commit_rank = (long)k;
        if (pts[i].commit_rank < 0)
            rc = sl_fail("--order commit: %s: commit '%s' is not in this repository's history "
                         "(git rev-list HEAD)",
                         pts[i].path, c);
    }
    for (size_t k = 0; k < count; k++)
        free(hashes[k]);
    free(hashes);
    return rc;
}

struct series {
    const struct sl_result *key;
    char name[256]; /* kernel/variant/schedule/tN */
    double *median, *lo, *hi;
    size_t *at; /* point index of each value */
    size_t n;
    struct cmp_step steps[16];
    int n_steps;
};

static bool same_key(const struct sl_result *a, const struct sl_result *b)
{
    return a->threads == b->threads && strcmp(a->kernel, b->kernel) == 0 &&
           strcmp(a->variant, b->variant) == 0 && strcmp(a->schedule, b->schedule) == 0 &&
           strcmp(a->size, b->size) == 0;
}

static void free_series(struct series *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].median);
        free(s[i].lo);
        free(s[i].hi);
        free(s[i].at);
    }
    free(s);
}

/* The series of the measurements (kernel, variant, schedule, threads, size). */
struct history {
    struct series *all;
    size_t n;
};

/* A new series keyed by r with room for n_pts points; NULL when out of
 * memory (what was allocated is the history's, freed with it). */
static struct series *new_series(struct history *h, const struct sl_result *r, size_t n_pts)
{
    struct series *grown = realloc(h->all, (h->n + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    h->all = grown;
    struct series *s = &grown[h->n++];
    *s = (struct series){.key = r};
    sl_result_name(r, s->name, sizeof s->name);
    s->median = malloc(n_pts * sizeof *s->median);
    s->lo = malloc(n_pts * sizeof *s->lo);
    s->hi = malloc(n_pts * sizeof *s->hi);
    s->at = malloc(n_pts * sizeof *s->at);
    return s->median && s->lo && s->hi && s->at ? s : NULL;
}

/* Every ok result's median (and its interval) into its measurement's
 * series, in the order of the points. */
static int build_series(const struct point *pts, size_t n_pts, const char *filter,
                        struct history *h)
{
    for (size_t p = 0; p < n_pts; p++)
        for (size_t k = 0; k < pts[p].run->n_results; k++) {
            const struct sl_result *r = &pts[p].run->results[k];
            char name[256];
            sl_result_name(r, name, sizeof name);
            if (r->status != SL_STATUS_OK || !isfinite(r->d.median_s.value) ||
                (filter && !strstr(name, filter)))
                continue;
            size_t s = 0;
            while (s < h->n && !same_key(h->all[s].key, r))
                s++;
            struct series *se = s < h->n ? &h->all[s] : new_series(h, r, n_pts);
            if (!se)
                return sl_fail("out of memory");
            if (se->n > 0 && se->at[se->n - 1] == p)
                continue; /* one record holding a key twice: the first counts */
            se->median[se->n] = r->d.median_s.value;
            se->lo[se->n] = r->d.ci95_s.lo;
            se->hi[se->n] = r->d.ci95_s.hi;
            se->at[se->n] = p;
            se->n++;
        }
    return 0;
}

static void point_label(const struct point *p, size_t index, char *out, size_t len)
{
    snprintf(out, len, "#%zu %s %.20s", index, p->run->build.commit, p->run->started);
}

static bool is_step(const struct series *s, size_t k)
{
    for (int c = 0; c < s->n_steps && c < 16; c++)
        if (s->steps[c].index == k)
            return true;
    return false;
}

/* One gnuplot data block per series (index i): point, relative median,
 * relative CI, a step marker column (the new level, or '?'). */
static int write_plot_data(const char *path, const struct series *s, size_t n)
{
    struct util_atomic_file f;
    if (util_make_parent_dirs(path) != 0 || util_atomic_open(&f, path) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        fprintf(f.fp, "\"%s [%s]\"\trelative\tlo\thi\tstep\n", s[i].name, s[i].key->size);
        double ref = s[i].median[0];
        for (size_t k = 0; k < s[i].n; k++) {
            fprintf(f.fp, "%zu\t%.6g\t", s[i].at[k], s[i].median[k] / ref);
            if (isfinite(s[i].lo[k]))
                fprintf(f.fp, "%.6g\t%.6g\t", s[i].lo[k] / ref, s[i].hi[k] / ref);
            else
                fprintf(f.fp, "?\t?\t");
            if (is_step(&s[i], k))
                fprintf(f.fp, "%.6g\n", s[i].median[k] / ref);
            else
                fprintf(f.fp, "?\n");
        }
        fprintf(f.fp, "\n\n");
    }
    if (ferror(f.fp)) {
        util_atomic_abort(&f);
        return sl_fail("cannot write '%s'", path);
    }
    return util_atomic_commit(&f);
}

/* BASE + suffix, or NULL (sl_error() set). */
static char *plot_file(const char *base, const char *suffix)
{
    size_t len = strlen(base) + strlen(suffix) + 1;
    char *path = malloc(len);
    if (!path)
        sl_fail("out of memory");
    else
        snprintf(path, len, "%s%s", base, suffix);
    return path;
}

static int write_plot(const char *base, const struct history *h, const struct point *pts,
                      size_t n_pts)
{
    char *dat = plot_file(base, ".dat");
    int rc = dat ? write_plot_data(dat, h->all, h->n) : -1;
    if (rc == 0) {
        struct gp_vars v = {0};
        gp_var_path(&v, "datafile", dat);
        gp_var_int(&v, "n_series", (long)h->n);
        gp_var_int(&v, "n_points", (long)n_pts);
        gp_var_str(&v, "title", pts[0].run->machine.cpu_model);
        rc = gnuplot_render("history.gp", &v, base);
        gp_vars_free(&v);
    }
    free(dat);
    return rc;
}

/* --plot's files (BASE.dat, .png, .svg and gnuplot's .log) are none of the
 * records read, and the records none of them (issue 15: an output that is
 * an input destroys it). */
static int check_plot_files(const char *base, const struct run_set *set)
{
    static const char *const suffixes[] = {".dat", ".png", ".svg", ".log"};
    enum { N_OUT = sizeof suffixes / sizeof suffixes[0] };
    struct util_file_role outputs[N_OUT] = {{0}};
    struct util_file_role *inputs = calloc(set->n + 1, sizeof *inputs);
    int rc = inputs ? 0 : sl_fail("out of memory");
    for (size_t i = 0; i < N_OUT && rc == 0; i++) {
        outputs[i].what = "--plot";
        if (!(outputs[i].path = plot_file(base, suffixes[i])))
            rc = -1;
    }
    for (size_t i = 0; i < set->n && rc == 0; i++)
        inputs[i] = (struct util_file_role){"record", set->paths[i]};
    if (rc == 0)
        rc = util_check_distinct(inputs, set->n, outputs, N_OUT);
    for (size_t i = 0; i < N_OUT; i++)
        free((char *)outputs[i].path);
    free(inputs);
    return rc;
}

/* The records of `paths`, checked (one machine, two or more) and put in
 * order; 0 or -1 with sl_error(). */
static int load_points(char **paths, int n_paths, bool by_commit_order, struct run_set *set,
                       struct point **out)
{
    for (int i = 0; i < n_paths; i++)
        if (run_set_add(set, paths[i]) != 0)
            return -1;
    if (run_set_check_one_machine(set, "the history") != 0)
        return -1;
    if (set->n < 2)
        return sl_fail("history needs at least two records, got %zu", set->n);
    struct point *pts = calloc(set->n, sizeof *pts);
    if (!pts)
        return sl_fail("out of memory");
    *out = pts;
    for (size_t i = 0; i < set->n; i++)
        pts[i] = (struct point){.run = &set->runs[i], .path = set->paths[i]};
    if (by_commit_order && rank_commits(pts, set->n) != 0)
        return -1;
    qsort(pts, set->n, sizeof *pts, by_commit_order ? by_commit : by_date);
    return 0;
}

/* The steps of a series, "#P (commit): before -> after (+x%)"; "none". */
static void steps_text(const struct series *s, const struct point *pts, char *out, size_t len)
{
    snprintf(out, len, "%s", s->n_steps > 0 ? "" : "none");
    for (int k = 0; k < s->n_steps && k < 16; k++) {
        char b[32], a[32];
        size_t at = s->at[s->steps[k].index], used = strlen(out);
        text_seconds(s->steps[k].before, b, sizeof b);
        text_seconds(s->steps[k].after, a, sizeof a);
        snprintf(out + used, len - used, "%s#%zu (%s): %s -> %s (%+.1f%%)", used ? "; " : "", at,
                 pts[at].run->build.commit, b, a,
                 100 * (s->steps[k].after / s->steps[k].before - 1));
    }
}

/* One row per series: first and last median, their ratio, the steps. */
static void print_steps_table(const struct history *h, const struct point *pts, bool markdown)
{
    static const char *const header[] = {"<result", "<size",      "points",
                                         "first",   "last",       "last/first",
                                         "<steps (point: before -> after)"};
    struct text_table t;
    text_table_init(&t, 7, header);
    for (size_t i = 0; i < h->n; i++) {
        const struct series *s = &h->all[i];
        char pts_text[16], first[32], last[32], ratio[32], steps[512];
        snprintf(pts_text, sizeof pts_text, "%zu", s->n);
        text_seconds(s->median[0], first, sizeof first);
        text_seconds(s->median[s->n - 1], last, sizeof last);
        snprintf(ratio, sizeof ratio, "%.3f", s->median[s->n - 1] / s->median[0]);
        steps_text(s, pts, steps, sizeof steps);
        const char *cells[] = {s->name, s->key->size, pts_text, first, last, ratio, steps};
        text_table_add(&t, cells);
    }
    text_table_print(&t, stdout, markdown);
    text_table_free(&t);
}

/* --series: every point of each series, its interval and its steps. */
static void print_series(const struct series *s, const struct point *pts, bool markdown)
{
    printf("\n%s [%s]:\n\n", s->name, s->key->size);
    static const char *const header[] = {"<point", "median", "<95% CI of median", "<step"};
    struct text_table t;
    text_table_init(&t, 4, header);
    for (size_t k = 0; k < s->n; k++) {
        char label[96], med[32], lo[32], hi[32], ci[80] = "n/a", step[64] = "";
        point_label(&pts[s->at[k]], s->at[k], label, sizeof label);
        text_seconds(s->median[k], med, sizeof med);
        if (isfinite(s->lo[k])) {
            text_seconds(s->lo[k], lo, sizeof lo);
            text_seconds(s->hi[k], hi, sizeof hi);
            snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        }
        for (int c = 0; c < s->n_steps && c < 16; c++)
            if (s->steps[c].index == k)
                snprintf(step, sizeof step, "<- step %+.1f%%",
                         100 * (s->steps[c].after / s->steps[c].before - 1));
        const char *cells[] = {label, med, ci, step};
        text_table_add(&t, cells);
    }
    text_table_print(&t, stdout, markdown);
    text_table_free(&t);
}

/* Finds the steps, prints everything; returns the exit status. */
static int report(struct history *h, const struct point *pts, size_t n_pts,
                  const struct history_args *a)
{
    bool markdown = a->format == FORMAT_MD;
    size_t with_steps = 0;
    for (size_t i = 0; i < h->n; i++) {
        struct series *s = &h->all[i];
        int found = cmp_change_points(s->median, s->n, &a->cp, s->steps, 16);
        s->n_steps = found < 0 ? 0 : found;
        with_steps += found > 0;
    }
    const struct sl_run *first = pts[0].run;
    printf("%s%zu records of %s (%d allowed CPUs), ordered by %s, from %s to %s\n",
           markdown ? "### speedlab history\n\n" : "", n_pts, first->machine.cpu_model,
           first->machine.pus_allowed,
           a->order == ORDER_COMMIT ? "commit (git rev-list HEAD), then date"
                                    : "start time ('started')",
           first->started, pts[n_pts - 1].run->started);
    printf("steps: level change > %g%% and > %g standard errors, segments >= %zu points\n\n",
           100 * a->cp.threshold, a->cp.min_t, a->cp.min_segment);
    print_steps_table(h, pts, markdown);
    for (size_t i = 0; a->series && i < h->n; i++)
        print_series(&h->all[i], pts, markdown);
    printf("\n%zu of %zu series %s a step\n", with_steps, h->n, with_steps == 1 ? "has" : "have");
    return with_steps ? EXIT_REGRESSION : EXIT_SUCCESS;
}

/* Loads, follows and reports the records of `paths`; the exit status. */
static int history_of(char **paths, int n_paths, const struct history_args *a)
{
    struct run_set set = {0};
    struct point *pts = NULL;
    struct history h = {0};
    int status;
    if (load_points(paths, n_paths, a->order == ORDER_COMMIT, &set, &pts) != 0 ||
        (a->plot && check_plot_files(a->plot, &set) != 0) ||
        build_series(pts, set.n, a->series, &h) != 0) {
        status = cli_usage_error();
    } else if (h.n == 0) {
        sl_fail(a->series ? "no measurement named like '%s' with an ok result" : "no ok results%s",
                a->series ? a->series : "");
        status = cli_usage_error();
    } else {
        status = report(&h, pts, set.n, a);
        if (a->plot && write_plot(a->plot, &h, pts, set.n) != 0)
            status = cli_usage_error();
        else if (a->plot)
            printf("plot: %s.png, %s.svg (data %s.dat)\n", a->plot, a->plot, a->plot);
    }
    free_series(h.all, h.n);
    free(pts);
    run_set_free(&set);
    return status;
}

static int cli_history(int argc, char **argv, const struct machine *machine)
{
    (void)machine;
    struct history_args a = {0};
    cmp_cp_defaults(&a.cp);
    struct cli_parsed p;
    int parsed = cli_parse(&cli_history_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_history_command, parsed);
    if (p.n_operands == 0) {
        sl_fail("history: which records? (a folder or record files)");
        return cli_usage_error();
    }
    char why[128];
    if (a.plot && !gnuplot_available(why, sizeof why)) {
        sl_fail("--plot: %s", why);
        return cli_usage_error();
    }
    return history_of(p.operands, p.n_operands, &a);
}
