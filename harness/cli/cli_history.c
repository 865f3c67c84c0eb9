/* speedlab history DIR: the records of one machine over time; every
 * measurement's series of medians, its steps (change points), and a plot. */
#include "cli/cli.h"
#include "analysis/compare_stats.h"
#include "figures/gnuplot.h"
#include "results/record_set.h"
#include "kit/sl.h"
#include "reporters/text_table.h"
#include "kit/util.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void history_usage(FILE *fp)
{
    fprintf(fp,
            "usage: speedlab history DIR... [options]\n"
            "\n"
            "Reads every record (*.json) of the folders or files given, all from one\n"
            "machine, each one point in time, and follows every measurement (kernel,\n"
            "variant, schedule, threads, size) through them: its series of medians and its\n"
            "change points.  A change point is a step in the level of the series: binary\n"
            "segmentation by least absolute deviation, accepted when the medians either side\n"
            "differ by more than --threshold AND by more than 4 standard errors, the noise\n"
            "estimated from the series itself (MAD of successive differences).  Segments are\n"
            "at least --min-segment points long, so one or two wild points never make a step.\n"
            "\n"
            "options:\n"
            "  --order KEY         date (default): by each record's 'started' time;\n"
            "                      commit: by the position of build.commit in this\n"
            "                      repository's history (git rev-list HEAD; date breaks ties)\n"
            "  --threshold PCT     smallest step that counts, percent (default: 5)\n"
            "  --min-segment N     fewest points of a level (default: 3)\n"
            "  --series TEXT       only measurements whose name contains TEXT; their full\n"
            "                      series is printed\n"
            "  --plot BASE         draw the series (time relative to each one's first point,\n"
            "                      steps marked) to BASE.png and BASE.svg, data in BASE.dat\n"
            "  --format F          table (default) or md\n"
            "\n"
            "exit status: 0 no step, 1 some series has a step (a slowdown or a speedup),\n"
            "2 unusable input (unreadable or foreign record, machines mixed, fewer than two\n"
            "records, a commit not in this repository with --order commit).\n");
}

/* Position of each record in time. */
struct point {
    const struct loaded_record *rec;
    long commit_rank; /* --order commit: index in git rev-list (older = larger) */
};

static int by_date(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return strcmp(x->rec->started, y->rec->started);
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
        const char *c = pts[i].rec->commit, *g = strstr(c, "-g");
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
                         pts[i].rec->path, c);
    }
    for (size_t k = 0; k < count; k++)
        free(hashes[k]);
    free(hashes);
    return rc;
}

struct series {
    const struct loaded_result *key;
    double *median, *lo, *hi;
    size_t *at; /* point index of each value */
    size_t n;
    struct cmp_step steps[16];
    int n_steps;
};

static bool same_key(const struct loaded_result *a, const struct loaded_result *b)
{
    return a->threads == b->threads && strcmp(a->kernel, b->kernel) == 0 &&
           strcmp(a->variant, b->variant) == 0 && strcmp(a->schedule, b->schedule) == 0 &&
           strcmp(a->size, b->size) == 0;
}

static int build_series(const struct point *pts, size_t n_pts, const char *filter,
                        struct series **out, size_t *n_out)
{
    struct series *all = NULL;
    size_t n = 0;
    for (size_t p = 0; p < n_pts; p++)
        for (size_t k = 0; k < pts[p].rec->n_results; k++) {
            const struct loaded_result *r = &pts[p].rec->results[k];
            if (strcmp(r->status, "ok") != 0 || !isfinite(r->median_s) ||
                (filter && !strstr(r->name, filter)))
                continue;
            size_t s = 0;
            while (s < n && !same_key(all[s].key, r))
                s++;
            if (s == n) {
                struct series *grown = realloc(all, (n + 1) * sizeof *grown);
                if (!grown)
                    goto oom;
                all = grown;
                all[n] = (struct series){.key = r};
                all[n].median = malloc(n_pts * sizeof(double));
                all[n].lo = malloc(n_pts * sizeof(double));
                all[n].hi = malloc(n_pts * sizeof(double));
                all[n].at = malloc(n_pts * sizeof(size_t));
                n++;
                if (!all[s].median || !all[s].lo || !all[s].hi || !all[s].at)
                    goto oom;
            }
            struct series *se = &all[s];
            if (se->n > 0 && se->at[se->n - 1] == p)
                continue; /* one record holding a key twice: the first counts */
            se->median[se->n] = r->median_s;
            se->lo[se->n] = r->ci_lo;
            se->hi[se->n] = r->ci_hi;
            se->at[se->n] = p;
            se->n++;
        }
    *out = all;
    *n_out = n;
    return 0;
oom:
    *out = all;
    *n_out = n;
    return sl_fail("out of memory");
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

static void point_label(const struct point *p, size_t index, char *out, size_t len)
{
    snprintf(out, len, "#%zu %s %.20s", index, p->rec->commit, p->rec->started);
}

static int write_plot(const char *base, const struct series *s, size_t n, const struct point *pts,
                      size_t n_pts)
{
    size_t len = strlen(base) + 8;
    char *dat = malloc(len);
    if (!dat)
        return sl_fail("out of memory");
    snprintf(dat, len, "%s.dat", base);
    if (util_make_parent_dirs(dat) != 0) {
        free(dat);
        return -1;
    }
    struct util_atomic_file f;
    if (util_atomic_open(&f, dat) != 0) {
        free(dat);
        return -1;
    }
    /* One gnuplot data block per series (index i): point, relative median,
     * relative CI, a step marker column (the new level, or '?'). */
    for (size_t i = 0; i < n; i++) {
        fprintf(f.fp, "\"%s [%s]\"\trelative\tlo\thi\tstep\n", s[i].key->name, s[i].key->size);
        for (size_t k = 0; k < s[i].n; k++) {
            bool step = false;
            for (int c = 0; c < s[i].n_steps && c < 16; c++)
                step |= s[i].steps[c].index == k;
            double ref = s[i].median[0];
            fprintf(f.fp, "%zu\t%.6g\t", s[i].at[k], s[i].median[k] / ref);
            if (isfinite(s[i].lo[k]))
                fprintf(f.fp, "%.6g\t%.6g\t", s[i].lo[k] / ref, s[i].hi[k] / ref);
            else
                fprintf(f.fp, "?\t?\t");
            if (step)
                fprintf(f.fp, "%.6g\n", s[i].median[k] / ref);
            else
                fprintf(f.fp, "?\n");
        }
        fprintf(f.fp, "\n\n");
    }
    if (util_atomic_commit(&f) != 0) {
        free(dat);
        return -1;
    }
    struct gp_vars v = {0};
    gp_var_str(&v, "datafile", dat);
    gp_var_int(&v, "n_series", (long)n);
    gp_var_int(&v, "n_points", (long)n_pts);
    gp_var_str(&v, "title", pts[0].rec->cpu_model);
    int rc = gnuplot_render("history.gp", &v, base);
    gp_vars_free(&v);
    free(dat);
    return rc;
}

int cli_history(int argc, char **argv, const struct machine *machine)
{
    (void)machine;
    enum { OPT_ORDER = 256, OPT_THRESHOLD, OPT_MIN_SEGMENT, OPT_SERIES, OPT_PLOT, OPT_FORMAT };
    static const struct option options[] = {
        {"order", required_argument, NULL, OPT_ORDER},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"min-segment", required_argument, NULL, OPT_MIN_SEGMENT},
        {"series", required_argument, NULL, OPT_SERIES},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cmp_cp_options cp;
    cmp_cp_defaults(&cp);
    bool by_commit_order = false, markdown = false;
    const char *filter = NULL, *plot = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        int rc = 0;
        long segment;
        switch (c) {
        case OPT_ORDER:
            if (strcmp(optarg, "date") == 0 || strcmp(optarg, "commit") == 0)
                by_commit_order = strcmp(optarg, "commit") == 0;
            else
                rc = sl_fail("--order must be date or commit, not '%s'", optarg);
            break;
        case OPT_THRESHOLD: {
            char text[64];
            snprintf(text, sizeof text, "%s", optarg);
            size_t len = strlen(text);
            if (len && text[len - 1] == '%')
                text[len - 1] = '\0';
            rc = util_parse_double(text, 0, 1000, "--threshold (percent)", &cp.threshold);
            cp.threshold /= 100;
            break;
        }
        case OPT_MIN_SEGMENT:
            rc = util_parse_long(optarg, 2, 1000, "--min-segment", &segment);
            cp.min_segment = (size_t)segment;
            break;
        case OPT_SERIES: filter = optarg; break;
        case OPT_PLOT: plot = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "table") == 0 || strcmp(optarg, "md") == 0)
                markdown = strcmp(optarg, "md") == 0;
            else
                rc = sl_fail("--format must be table or md, not '%s'", optarg);
            break;
        case 'h': history_usage(stdout); return 0;
        default:
            rc = sl_fail("history: unknown or incomplete option '%s' (see 'speedlab history --help')",
                         argv[optind - 1]);
        }
        if (rc != 0)
            return cli_usage_error();
    }
    if (optind >= argc) {
        sl_fail("history: which records? (a folder or record files)");
        return cli_usage_error();
    }
    char why[128];
    if (plot && !gnuplot_available(why, sizeof why)) {
        sl_fail("--plot: %s", why);
        return cli_usage_error();
    }
    struct record_set set = {0};
    struct point *pts = NULL;
    struct series *series = NULL;
    size_t n_series = 0;
    int status = EXIT_USAGE;
    for (int i = optind; i < argc; i++)
        if (record_set_add(&set, argv[i]) != 0) {
            status = cli_usage_error();
            goto done;
        }
    if (record_set_check_one_machine(&set, "the history") != 0) {
        status = cli_usage_error();
        goto done;
    }
    if (set.n < 2) {
        sl_fail("history needs at least two records, got %zu", set.n);
        status = cli_usage_error();
        goto done;
    }
    pts = calloc(set.n, sizeof *pts);
    if (!pts) {
        sl_fail("out of memory");
        status = cli_usage_error();
        goto done;
    }
    for (size_t i = 0; i < set.n; i++)
        pts[i].rec = &set.recs[i];
    if (by_commit_order && rank_commits(pts, set.n) != 0) {
        status = cli_usage_error();
        goto done;
    }
    qsort(pts, set.n, sizeof *pts, by_commit_order ? by_commit : by_date);
    if (build_series(pts, set.n, filter, &series, &n_series) != 0) {
        status = cli_usage_error();
        goto done;
    }
    if (n_series == 0) {
        sl_fail(filter ? "no measurement named like '%s' with an ok result" : "no ok results%s",
                filter ? filter : "");
        status = cli_usage_error();
        goto done;
    }
    size_t with_steps = 0;
    for (size_t i = 0; i < n_series; i++) {
        int found = cmp_change_points(series[i].median, series[i].n, &cp, series[i].steps, 16);
        series[i].n_steps = found < 0 ? 0 : found;
        with_steps += found > 0;
    }

    printf("%s%zu records of %s (%d allowed CPUs), ordered by %s, from %s to %s\n",
           markdown ? "### speedlab history\n\n" : "", set.n, pts[0].rec->cpu_model,
           pts[0].rec->allowed_cpus,
           by_commit_order ? "commit (git rev-list HEAD), then date" : "start time ('started')",
           pts[0].rec->started, pts[set.n - 1].rec->started);
    printf("steps: level change > %g%% and > %g standard errors, segments >= %zu points\n\n",
           100 * cp.threshold, cp.min_t, cp.min_segment);
    static const char *const header[] = {"<result", "<size", "points", "first",
                                         "last",    "last/first", "<steps (point: before -> after)"};
    struct text_table t;
    text_table_init(&t, 7, header);
    for (size_t i = 0; i < n_series; i++) {
        const struct series *s = &series[i];
        char pts_text[16], first[32], last[32], ratio[32], steps[512] = "none";
        snprintf(pts_text, sizeof pts_text, "%zu", s->n);
        text_seconds(s->median[0], first, sizeof first);
        text_seconds(s->median[s->n - 1], last, sizeof last);
        snprintf(ratio, sizeof ratio, "%.3f", s->median[s->n - 1] / s->median[0]);
        if (s->n_steps > 0)
            steps[0] = '\0';
        for (int k = 0; k < s->n_steps && k < 16; k++) {
            char b[32], a[32];
            text_seconds(s->steps[k].before, b, sizeof b);
            text_seconds(s->steps[k].after, a, sizeof a);
            size_t used = strlen(steps);
            snprintf(steps + used, sizeof steps - used, "%s#%zu (%s): %s -> %s (%+.1f%%)",
                     used ? "; " : "", s->at[s->steps[k].index],
                     pts[s->at[s->steps[k].index]].rec->commit, b, a,
                     100 * (s->steps[k].after / s->steps[k].before - 1));
        }
        const char *cells[] = {s->key->name, s->key->size, pts_text, first, last, ratio, steps};
        text_table_add(&t, cells);
    }
    text_table_print(&t, stdout, markdown);
    text_table_free(&t);

    if (filter) {
        for (size_t i = 0; i < n_series; i++) {
            const struct series *s = &series[i];
            printf("\n%s [%s]:\n\n", s->key->name, s->key->size);
            static const char *const sh[] = {"<point", "median", "<95% CI of median", "<step"};
            text_table_init(&t, 4, sh);
            for (size_t k = 0; k < s->n; k++) {
                char label[96], med[32], lo[32], hi[32], ci[80] = "n/a", step[64] = "";
                point_label(&pts[s->at[k]], s->at[k], label, sizeof label);
                text_seconds(s->median[k], med, sizeof med);
                if (isfinite(s->lo[k])) {
                    text_seconds(s->lo[k], lo, sizeof lo);
                    text_seconds(s->hi[k], hi, sizeof hi);
                    snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
                }
                for (int c2 = 0; c2 < s->n_steps && c2 < 16; c2++)
                    if (s->steps[c2].index == k)
                        snprintf(step, sizeof step, "<- step %+.1f%%",
                                 100 * (s->steps[c2].after / s->steps[c2].before - 1));
                const char *cells[] = {label, med, ci, step};
                text_table_add(&t, cells);
            }
            text_table_print(&t, stdout, markdown);
            text_table_free(&t);
        }
    }
    printf("\n%zu of %zu series %s a step\n", with_steps, n_series,
           with_steps == 1 ? "has" : "have");
    status = with_steps ? 1 : 0;
    if (plot) {
        if (write_plot(plot, series, n_series, pts, set.n) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            status = EXIT_USAGE;
        } else
            printf("plot: %s.png, %s.svg (data %s.dat)\n", plot, plot, plot);
    }
done:
    free_series(series, n_series);
    free(pts);
    record_set_free(&set);
    return status;
}
