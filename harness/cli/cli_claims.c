/* speedlab claims: runs only the measurements the selected claims need (or
 * reads them from given records), judges each claim and prints the table.
 * Measurements go into one ordinary record per workload (and one more per
 * workload with simulated caches), each carrying the verdicts of its
 * workload's claims in a top-level `claims` array; claims.json beside them
 * holds every verdict. */
#include "analysis/claims.h"
#include "cli/cli.h"
#include "results/record.h"
#include "measure/runner.h"
#include "kit/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SPEEDLAB_CLAIMS_FILE
#define SPEEDLAB_CLAIMS_FILE "claims/claims.json"
#endif
#define MAX_RECORDS 64

extern char **environ;

static void claims_usage(FILE *fp)
{
    fprintf(fp,
            "usage: speedlab claims [IDS...] [options]\n"
            "\n"
            "Checks the published speedup claims of SPEC section 3 (F1-F8, T1-T4, P1-P3,\n"
            "H1-H2): runs only the measurements the selected claims need, once each, or\n"
            "reads them from records, then prints for every claim the source figure, the\n"
            "measured figure with its 95%% interval, and a verdict: reproduced, not\n"
            "reproduced, or not applicable with the reason.  A claim published with more\n"
            "threads than this process may use is measured at the CPUs it may use and says\n"
            "so; only claims about oversubscription (P2, H1) run more threads than CPUs.\n"
            "\n"
            "  IDS               claim ids, e.g. F1 T2 (default: all)\n"
            "  --list            show the claims and what each checks; run nothing\n"
            "  --record FILE     judge from this record instead of measuring (repeatable:\n"
            "                    one per workload); claims it lacks are not applicable\n"
            "  --out DIR         where records and claims.json go (default when measuring:\n"
            "                    results/claims/<UTC time>/; with --record: nothing written\n"
            "                    unless given)\n"
            "  --claims FILE     the claims file (default: %s)\n"
            "  --budget SECONDS  measured time per configuration (default: 0.5)\n"
            "  --min-reps N      at least N timed repetitions (default: 7, the fewest that give\n"
            "                    a 95%% interval of a ratio of medians)\n"
            "  --quick           every size replaced by the workload's 'tiny' preset, 7\n"
            "                    repetitions, no budget: for tests, not for verdicts\n"
            "\n"
            "A record's `claims` array and claims.json hold, per claim: id, source_figure,\n"
            "measured, measured_ci95, measured_text, verdict, reason, explanation, workload\n"
            "(results/SCHEMA.md).  The claims file format is documented in claims/README.md.\n"
            "\n"
            "exit status: 0 the table was made (whatever the verdicts), 2 bad command line,\n"
            "claims file or record, 3 a result failed validation (not a deliberate defect\n"
            "such as pairsum/race; its claims are not applicable), 1 a measurement or file\n"
            "failed, 130 interrupted.\n",
            SPEEDLAB_CLAIMS_FILE);
}

/* One measurement a claim needs. */
struct need {
    const struct sl_workload *workload;
    bool sim;
    const struct sl_variant *variant;
    enum sl_schedule schedule;
    int threads;
    const char *size;
};

struct needs {
    struct need *items;
    size_t n, cap;
};

static int add_need(struct needs *ns, const struct need *n)
{
    for (size_t i = 0; i < ns->n; i++) {
        const struct need *o = &ns->items[i];
        if (o->workload == n->workload && o->sim == n->sim && o->variant == n->variant &&
            o->schedule == n->schedule && o->threads == n->threads && strcmp(o->size, n->size) == 0)
            return 0;
    }
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? 2 * ns->cap : 32;
        struct need *p = realloc(ns->items, cap * sizeof *p);
        if (!p)
            return sl_fail("out of memory");
        ns->items = p;
        ns->cap = cap;
    }
    ns->items[ns->n++] = *n;
    return 0;
}

static int add_probe(struct needs *ns, const struct claim *c, const struct claim_probe *p,
                     int allowed, bool quick)
{
    int threads = claim_probe_threads(c, p, allowed);
    if (!threads) /* an exact count beyond the allowed CPUs: never faked */
        return 0;
    struct need n = {c->workload, p->sim, p->variant, p->schedule, threads,
                     claim_probe_size(c, p, quick)};
    return add_need(ns, &n);
}

static int collect_needs(const struct claim *const *sel, size_t n_sel, int allowed, bool quick,
                         struct needs *ns)
{
    for (size_t i = 0; i < n_sel; i++) {
        const struct claim *c = sel[i];
        for (int k = 0; k < c->n_checks; k++) {
            const struct claim_check *ck = &c->checks[k];
            int rc = 0;
            switch (ck->kind) {
            case CHECK_SPEEDUP:
            case CHECK_EFFICIENCY:
            case CHECK_IMBALANCE_LOWER:
            case CHECK_FEWER_MISSES:
                rc = add_probe(ns, c, &ck->baseline, allowed, quick);
                if (rc == 0)
                    rc = add_probe(ns, c, &ck->candidate, allowed, quick);
                break;
            case CHECK_INVALID: rc = add_probe(ns, c, &ck->candidate, allowed, quick); break;
            case CHECK_FASTEST:
                rc = add_probe(ns, c, &ck->candidate, allowed, quick);
                for (int o = 0; o < ck->n_others && rc == 0; o++)
                    rc = add_probe(ns, c, &ck->others[o], allowed, quick);
                break;
            case CHECK_AFFINITY: break;
            }
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

/* The runner's filter: exactly the needs of one group (workload, sim). */
struct group {
    const struct needs *needs;
    const struct sl_workload *workload;
    bool sim;
};

static bool group_wants(const void *ctx, const struct sl_variant *v, enum sl_schedule s,
                        int threads, const char *size)
{
    const struct group *g = ctx;
    for (size_t i = 0; i < g->needs->n; i++) {
        const struct need *n = &g->needs->items[i];
        if (n->workload == g->workload && n->sim == g->sim && n->variant == v &&
            n->schedule == s && n->threads == threads && strcmp(n->size, size) == 0)
            return true;
    }
    return false;
}

struct settings {
    double budget;
    long min_reps;
    bool quick;
    char command[2048];
};

static char *path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", dir, name);
    return p;
}

/* Measures one group into DIR/<workload>[-sim].json; returns the runner's
 * status (0, 3 invalid results, 1, 2, 130) or 1 when it could not start. */
static int measure_group(const struct machine *m, const struct group *g, const char *dir,
                         const struct settings *set, char **record_out)
{
    const struct needs *ns = g->needs;
    const struct sl_workload *w = g->workload;
    struct run_options *o = calloc(1, sizeof *o);
    size_t n_variants = 0;
    while (w->variants[n_variants].name)
        n_variants++;
    const struct sl_variant **variants = calloc(n_variants, sizeof *variants);
    char **sizes = calloc(ns->n, sizeof *sizes);
    char name[160];
    snprintf(name, sizeof name, "%s%s.json", w->name, g->sim ? "-sim" : "");
    char *record = path_in(dir, name);
    char *csv = record ? strdup(record) : NULL;
    int status = 1;
    if (!o || !variants || !sizes || !record || !csv) {
        sl_fail("out of memory");
        goto done;
    }
    strcpy(csv + strlen(csv) - 5, ".csv");
    o->workload = w;
    o->variants = variants;
    bool over = false;
    unsigned schedules = 0;
    for (size_t i = 0; i < ns->n; i++) {
        const struct need *n = &ns->items[i];
        if (n->workload != w || n->sim != g->sim)
            continue;
        bool seen = false;
        for (int k = 0; k < o->n_variants; k++)
            seen |= o->variants[k] == n->variant;
        if (!seen)
            variants[o->n_variants++] = n->variant;
        schedules |= SL_SCHED_BIT(n->schedule);
        int at = 0;
        while (at < o->n_threads && o->threads[at] < n->threads)
            at++;
        if ((at == o->n_threads || o->threads[at] != n->threads) &&
            o->n_threads < (int)(sizeof o->threads / sizeof o->threads[0])) {
            memmove(o->threads + at + 1, o->threads + at,
                    (size_t)(o->n_threads - at) * sizeof o->threads[0]);
            o->threads[at] = n->threads;
            o->n_threads++;
        }
        over |= n->threads > m->desc.pus_allowed;
        seen = false;
        for (int k = 0; k < o->n_sizes; k++)
            seen |= strcmp(sizes[k], n->size) == 0;
        if (!seen && !(sizes[o->n_sizes++] = strdup(n->size))) {
            sl_fail("out of memory");
            goto done;
        }
    }
    o->sizes = sizes;
    for (int s = 0; s < SL_SCHED_COUNT; s++)
        if (schedules & SL_SCHED_BIT(s))
            o->schedules[o->n_schedules++] = (enum sl_schedule)s;
    o->seed = 42;
    o->validate = "auto";
    o->warmup = 1;
    o->min_reps = (int)set->min_reps;
    o->max_reps = set->min_reps > 100 ? (int)set->min_reps : 100;
    o->budget_s = set->budget;
    if (pin_parse("compact", &o->pin) != 0 || (g->sim && ctr_plan_parse("sim", &o->counters) != 0))
        goto done;
    o->pin.oversubscribe = over;
    ctr_plan_probe(&o->counters);
    o->wanted = group_wants;
    o->wanted_ctx = g;
    snprintf(o->command, sizeof o->command, "%s", set->command);
    if (util_check_writable(record) != 0 || util_check_writable(csv) != 0)
        goto done;

    struct sl_run run;
    sl_run_init(&run);
    cli_run_id(&run, w->name);
    status = cli_measure(o, m, &run, record, csv, NULL);
    sl_run_free(&run);
    *record_out = record;
    record = NULL;
done:
    if (status == 1 && !*record_out)
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
    util_free_list(sizes, o ? o->n_sizes : 0);
    free(variants);
    free(record);
    free(csv);
    free(o);
    return status;
}

/* The first k allowed CPUs as a taskset list ("0" or "0,1"). */
static void first_cpus(const struct machine *m, int k, char *buf, size_t len)
{
    buf[0] = '\0';
    int cpu = hwloc_bitmap_first(m->allowed);
    for (int i = 0; i < k && cpu >= 0; i++, cpu = hwloc_bitmap_next(m->allowed, cpu))
        snprintf(buf + strlen(buf), len - strlen(buf), "%s%d", i ? "," : "", cpu);
}

/* H1: this program again, under `taskset -c <k CPUs>`, with default threads.
 * Returns the record path, or NULL with why. */
static char *run_masked(const struct machine *m, const struct claim *c, int k, const char *dir,
                        const struct settings *set, char *why, size_t len)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(why, len, "cannot find this program (/proc/self/exe): %s", strerror(errno));
        return NULL;
    }
    exe[n] = '\0';
    char name[128], logname[128], cpus[256];
    snprintf(name, sizeof name, "masked-%s-%dcpu.json", c->workload->name, k);
    snprintf(logname, sizeof logname, "masked-%s-%dcpu.log", c->workload->name, k);
    first_cpus(m, k, cpus, sizeof cpus);
    char *record = path_in(dir, name), *log = path_in(dir, logname);
    if (!record || !log) {
        free(record);
        free(log);
        snprintf(why, len, "out of memory");
        return NULL;
    }
    char *argv[] = {"taskset", "-c", cpus, exe, "run", (char *)c->workload->name, "--size",
                    (char *)(set->quick ? "tiny" : c->size), "--reps", "3", "--warmup", "0",
                    "--record", record, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawnp(&pid, "taskset", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int wstatus = 0;
    if (rc == 0 && waitpid(pid, &wstatus, 0) < 0)
        rc = errno;
    if (rc == ENOENT || (rc == 0 && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127)) {
        snprintf(why, len, "taskset (util-linux) not found: cannot run under an affinity mask");
    } else if (rc != 0) {
        snprintf(why, len, "cannot start taskset: %s", strerror(rc));
    } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        snprintf(why, len, "'taskset -c %s speedlab run %s' failed (status %d; see %s)", cpus,
                 c->workload->name, WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1, log);
    } else {
        free(log);
        return record;
    }
    free(log);
    free(record);
    return NULL;
}

static void print_table(const struct claim *const *sel, const struct claim_verdict *v, size_t n)
{
    printf("\n%-5s %-10s %-15s %-24s %s\n", "claim", "workload", "verdict", "measured",
           "source figure");
    for (size_t i = 0; i < n; i++) {
        char measured[64] = "-";
        if (isfinite(v[i].measured) && isfinite(v[i].measured_lo))
            snprintf(measured, sizeof measured, "%.3g (%.3g-%.3g)", v[i].measured,
                     v[i].measured_lo, v[i].measured_hi);
        else if (isfinite(v[i].measured))
            snprintf(measured, sizeof measured, "%.3g (no CI)", v[i].measured);
        printf("%-5s %-10s %-15s %-24s %s\n", sel[i]->id, sel[i]->workload->name,
               claim_verdict_name(v[i].verdict), measured, sel[i]->source_figure);
        printf("      measured: %s\n      reason:   %s\n", v[i].measured_text, v[i].reason);
    }
    int counts[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        counts[v[i].verdict]++;
    printf("\n%d reproduced, %d not reproduced, %d not applicable\n", counts[VERDICT_REPRODUCED],
           counts[VERDICT_NOT_REPRODUCED], counts[VERDICT_NOT_APPLICABLE]);
}

static int write_json_file(json_t *doc, const char *path)
{
    struct util_atomic_file f;
    if (util_atomic_open(&f, path) != 0)
        return -1;
    if (json_dumpf(doc, f.fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', f.fp) == EOF) {
        util_atomic_abort(&f);
        return sl_fail("cannot write '%s'", path);
    }
    return util_atomic_commit(&f);
}

/* Adds the verdicts of its workload's claims to a record this run wrote. */
static int attach_to_record(const char *path, const char *kernel, const struct claim *const *sel,
                            const struct claim_verdict *v, size_t n)
{
    struct sl_run run;
    int rc = record_load_run(path, &run);
    if (rc == 0 && !(run.claims = sl_run_alloc(&run, n + 1, sizeof *run.claims)))
        rc = -1;
    if (rc == 0) {
        run.has_claims = true;
        for (size_t i = 0; i < n; i++)
            if (strcmp(sel[i]->workload->name, kernel) == 0)
                claims_verdict_entry(sel[i], &v[i], &run.claims[run.n_claims++]);
        rc = record_write(&run, path);
    }
    sl_run_free(&run);
    return rc;
}

static int make_dir(const char *dir)
{
    char *probe = path_in(dir, "x");
    if (!probe)
        return sl_fail("out of memory");
    int rc = util_make_parent_dirs(probe);
    free(probe);
    struct stat sb;
    if (rc == 0 && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        rc = sl_fail("--out '%s' is not a directory", dir);
    return rc;
}

int cli_claims(int argc, char **argv, const struct machine *m)
{
    enum { OPT_LIST = 256, OPT_RECORD, OPT_OUT, OPT_CLAIMS, OPT_BUDGET, OPT_MIN_REPS, OPT_QUICK };
    static const struct option options[] = {
        {"list", no_argument, NULL, OPT_LIST},
        {"record", required_argument, NULL, OPT_RECORD},
        {"out", required_argument, NULL, OPT_OUT},
        {"claims", required_argument, NULL, OPT_CLAIMS},
        {"budget", required_argument, NULL, OPT_BUDGET},
        {"min-reps", required_argument, NULL, OPT_MIN_REPS},
        {"quick", no_argument, NULL, OPT_QUICK},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct settings set = {.budget = 0.5, .min_reps = 7};
    const char *claims_path = SPEEDLAB_CLAIMS_FILE, *out_dir = NULL;
    const char *record_paths[MAX_RECORDS];
    int n_record_paths = 0;
    bool list = false;
    size_t used = (size_t)snprintf(set.command, sizeof set.command, "speedlab");
    for (int i = 0; i < argc && used < sizeof set.command; i++)
        used += (size_t)snprintf(set.command + used, sizeof set.command - used, " %s", argv[i]);
    util_make_utf8(set.command);

    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case OPT_LIST: list = true; break;
        case OPT_RECORD:
            if (n_record_paths == MAX_RECORDS)
                rc = sl_fail("--record: at most %d records", MAX_RECORDS);
            else
                record_paths[n_record_paths++] = optarg;
            break;
        case OPT_OUT: out_dir = optarg; break;
        case OPT_CLAIMS: claims_path = optarg; break;
        case OPT_BUDGET: rc = util_parse_double(optarg, 0, 86400, "--budget", &set.budget); break;
        case OPT_MIN_REPS: rc = util_parse_long(optarg, 1, 100000, "--min-reps", &set.min_reps); break;
        case OPT_QUICK: set.quick = true; break;
        case 'h': claims_usage(stdout); return 0;
        default:
            rc = sl_fail("claims: unknown or incomplete option '%s' (see 'speedlab claims --help')",
                         argv[optind - 1]);
        }
        if (rc != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            return EXIT_USAGE;
        }
    }
    if (set.quick) {
        set.budget = 0;
        set.min_reps = 7;
    }
    struct claim_set claims;
    if (claims_load(claims_path, &claims) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
        return EXIT_USAGE;
    }
    int status = EXIT_USAGE;
    size_t n_sel = 0, n_records = 0;
    const struct claim **sel = calloc(claims.n, sizeof *sel);
    struct claim_verdict *verdicts = calloc(claims.n, sizeof *verdicts);
    struct loaded_record *records = calloc(MAX_RECORDS, sizeof *records);
    char *written[MAX_RECORDS]; /* records this run measured (claims attached) */
    size_t n_written = 0;
    char *dir = NULL;
    if (!sel || !verdicts || !records) {
        fprintf(stderr, "speedlab: error: out of memory\n");
        status = 1;
        goto done;
    }
    for (int i = optind; i < argc; i++) {
        const struct claim *cl = claims_find(&claims, argv[i]);
        if (!cl) {
            fprintf(stderr, "speedlab: error: unknown claim '%s' (see 'speedlab claims --list')\n",
                    argv[i]);
            goto done;
        }
        bool seen = false;
        for (size_t k = 0; k < n_sel; k++)
            seen |= sel[k] == cl;
        if (!seen)
            sel[n_sel++] = cl;
    }
    if (optind == argc)
        for (size_t i = 0; i < claims.n; i++)
            sel[n_sel++] = &claims.claims[i];

    if (list) {
        printf("%-5s %-10s %-7s %s\n", "claim", "workload", "threads", "source figure");
        for (size_t i = 0; i < n_sel; i++) {
            printf("%-5s %-10s %-7d %s\n", sel[i]->id, sel[i]->workload->name,
                   sel[i]->threads_needed, sel[i]->source_figure);
            printf("      checks:");
            for (int k = 0; k < sel[i]->n_checks; k++)
                printf("%s %s%s", k ? "," : "", claim_check_kind_name(sel[i]->checks[k].kind),
                       sel[i]->checks[k].required ? "" : " (does not decide)");
            printf("%s\n      %s\n", sel[i]->n_checks ? "" : " none",
                   sel[i]->not_applicable ? sel[i]->not_applicable : sel[i]->explanation);
        }
        status = 0;
        goto done;
    }

    for (int i = 0; i < n_record_paths; i++) {
        if (record_load(record_paths[i], &records[n_records]) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            goto done;
        }
        n_records++;
    }
    bool measuring = n_record_paths == 0;
    if (out_dir || measuring) {
        if (out_dir)
            dir = strdup(out_dir);
        else {
            char stamp[32];
            time_t now = time(NULL);
            struct tm tm;
            gmtime_r(&now, &tm);
            strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
            dir = malloc(64);
            if (dir)
                snprintf(dir, 64, "results/claims/%s", stamp);
        }
        if (!dir || make_dir(dir) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", dir ? sl_error() : "out of memory");
            goto done;
        }
    }
    status = 0;
    char affinity_why[400] = "";
    bool affinity_tried = false;
    if (measuring) {
        struct needs ns = {0};
        if (collect_needs(sel, n_sel, m->desc.pus_allowed, set.quick, &ns) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            status = 1;
            goto done;
        }
        printf("claims: %zu measurements for %zu claims; records in %s/\n", ns.n, n_sel, dir);
        /* Groups in the order of first need: one record each. */
        for (size_t i = 0; i < ns.n && !runner_interrupted; i++) {
            bool first = true;
            for (size_t j = 0; j < i; j++)
                first &= !(ns.items[j].workload == ns.items[i].workload &&
                           ns.items[j].sim == ns.items[i].sim);
            if (!first)
                continue;
            struct group g = {&ns, ns.items[i].workload, ns.items[i].sim};
            char *record = NULL;
            int rc = measure_group(m, &g, dir, &set, &record);
            if (rc == 130)
                status = 130;
            else if (rc != 0 && status == 0)
                status = rc == EXIT_INVALID ? EXIT_INVALID : 1;
            if (record && n_records < MAX_RECORDS) {
                if (record_load(record, &records[n_records]) == 0) {
                    n_records++;
                    written[n_written++] = record;
                    record = NULL;
                } else {
                    fprintf(stderr, "speedlab: error: %s\n", sl_error());
                    status = 1;
                }
            }
            free(record);
        }
        free(ns.items);
        for (size_t i = 0; i < n_sel && !runner_interrupted; i++)
            for (int k = 0; k < sel[i]->n_checks; k++) {
                const struct claim_check *ck = &sel[i]->checks[k];
                if (ck->kind != CHECK_AFFINITY || ck->affinity_cpus > m->desc.pus_allowed ||
                    n_records == MAX_RECORDS)
                    continue;
                affinity_tried = true;
                printf("\n%s: speedlab run %s under taskset, a %d-CPU affinity mask\n", sel[i]->id,
                       sel[i]->workload->name, ck->affinity_cpus);
                char *record = run_masked(m, sel[i], ck->affinity_cpus, dir, &set, affinity_why,
                                          sizeof affinity_why);
                if (record && record_load(record, &records[n_records]) == 0)
                    n_records++;
                else if (record)
                    snprintf(affinity_why, sizeof affinity_why, "%s", sl_error());
                free(record);
            }
    }
    if (runner_interrupted) {
        status = 130;
        goto done;
    }

    for (size_t i = 0; i < n_sel; i++) {
        struct claims_context ctx = {records, n_records, m->desc.pus_allowed, NULL, set.quick};
        if (!measuring) /* judged with the CPUs the record's machine allowed */
            for (size_t r = 0; r < n_records; r++)
                if (strcmp(records[r].kernel, sel[i]->workload->name) == 0 &&
                    records[r].allowed_cpus > 0) {
                    ctx.allowed_cpus = records[r].allowed_cpus;
                    break;
                }
        if (affinity_tried && affinity_why[0])
            ctx.affinity_unavailable = affinity_why;
        claims_judge(sel[i], &ctx, &verdicts[i]);
    }
    print_table(sel, verdicts, n_sel);

    for (size_t i = 0; i < n_written; i++)
        if (attach_to_record(written[i], records[i].kernel, sel, verdicts, n_sel) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", sl_error());
            status = 1;
        }
    if (dir) {
        json_t *arr = json_array(), *paths = json_array();
        for (size_t i = 0; i < n_sel; i++) {
            struct sl_claim_entry entry;
            claims_verdict_entry(sel[i], &verdicts[i], &entry);
            json_array_append_new(arr, record_claim_json(&entry));
        }
        for (size_t i = 0; i < n_records; i++)
            json_array_append_new(paths, json_string(records[i].path));
        json_t *doc = json_pack("{s:s, s:i, s:s, s:s, s:b, s:o, s:o, s:o}", "schema",
                                "speedlab-claims-summary", "schema_version", 1, "command",
                                set.command, "claims_file", claims_path, "quick", set.quick,
                                "machine", record_machine_json(&m->desc), "records", paths, "claims", arr);
        char *summary = path_in(dir, "claims.json");
        if (!doc || !summary || write_json_file(doc, summary) != 0) {
            fprintf(stderr, "speedlab: error: %s\n", summary ? sl_error() : "out of memory");
            status = 1;
        } else {
            printf("claims: %s\nfigures and report with the claims table: speedlab plot %s\n",
                   summary, dir);
        }
        free(summary);
        json_decref(doc);
    }
done:
    for (size_t i = 0; i < n_written; i++)
        free(written[i]);
    for (size_t i = 0; i < n_records; i++)
        record_unload(&records[i]);
    free(records);
    free(verdicts);
    free(sel);
    free(dir);
    claims_free(&claims);
    return status;
}
