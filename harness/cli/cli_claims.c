/* speedlab claims: runs only the measurements the selected claims need (or
 * reads them from given records), judges each claim and prints the table.
 * Measurements go into one ordinary record per workload (and one more per
 * workload with simulated caches), each carrying the verdicts of its
 * workload's claims in a top-level `claims` array; claims.json beside them
 * holds every verdict. */
#include "analysis/claims.h"
#include "cli/cli.h"
#include "cli/plan.h"
#include "results/record.h"
#include "measure/envcheck.h"
#include "measure/runner.h"
#include "kit/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
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

/* The values of claims' options. */
struct claims_args {
    bool list;
    const char *records[MAX_RECORDS]; /* --record, repeatable */
    int n_records;
    const char *out;
    const char *claims;
    double budget;
    int min_reps;
    bool quick;
};

static int add_record_option(const struct sl_option *row, const char *arg, void *options)
{
    struct claims_args *c = options;
    if (c->n_records == MAX_RECORDS)
        return sl_fail("--%s: at most %d records", row->name, MAX_RECORDS);
    c->records[c->n_records++] = arg;
    return 0;
}

#define CLAIMS_OPTION(member) .offset = offsetof(struct claims_args, member)

static const struct sl_option claims_options[] = {
    {.name = "list", .group = "options", .help = "show the claims and what each checks; run nothing",
     .kind = SL_OPTION_FLAG, CLAIMS_OPTION(list)},
    {.name = "record", .arg = "FILE", .group = "options",
     .help = "judge from this record instead of measuring (repeatable: one per workload); "
             "claims it lacks are not applicable",
     .kind = SL_OPTION_CUSTOM, .parse = add_record_option},
    {.name = "out", .arg = "DIR", .group = "options",
     .help = "where records and claims.json go",
     .def_text = "when measuring results/claims/<UTC time>/; with --record nothing is written "
                 "unless given",
     .kind = SL_OPTION_TEXT, CLAIMS_OPTION(out)},
    {.name = "claims", .arg = "FILE", .group = "options", .help = "the claims file",
     .def = SPEEDLAB_CLAIMS_FILE, .def_text = "claims/claims.json of the source tree",
     .kind = SL_OPTION_TEXT, CLAIMS_OPTION(claims)},
    {.name = "budget", .arg = "SECONDS", .group = "options",
     .help = "measured time per configuration", .def = "0.5", .kind = SL_OPTION_REAL,
     CLAIMS_OPTION(budget), .reals = {0, 86400}},
    {.name = "min-reps", .arg = "N", .group = "options",
     .help = "at least N timed repetitions (7 are the fewest that give a 95% interval of a "
             "ratio of medians)",
     .def = "7", .kind = SL_OPTION_INT, CLAIMS_OPTION(min_reps), .ints = {1, 100000}},
    {.name = "quick", .group = "options",
     .help = "every size replaced by the workload's 'tiny' preset, 7 repetitions, no budget: "
             "for tests, not for verdicts",
     .kind = SL_OPTION_FLAG, CLAIMS_OPTION(quick)},
    {0},
};

static int cli_claims(int argc, char **argv, const struct machine *m);

const struct cli_command cli_claims_command = {
    .name = "claims",
    .operands = "[IDS...]",
    .summary = "check the published speedup claims (SPEC section 3)",
    .about =
        "Checks the published speedup claims of SPEC section 3 (F1-F8, T1-T4, P1-P3,\n"
        "H1-H2): runs only the measurements the selected claims need, once each, or\n"
        "reads them from records, then prints for every claim the source figure, the\n"
        "measured figure with its 95% interval, its regime (the size measured, with the\n"
        "rows of a row sample, and the published size), and a verdict: reproduced, not\n"
        "reproduced, inconclusive (the intervals do not decide: one straddles an edge\n"
        "of the published band, or there is none), or not applicable, with the\n"
        "reason.  A claim published with more threads than this process may use is\n"
        "measured at the CPUs it may use and says so; only claims about\n"
        "oversubscription (P2, H1) run more threads than CPUs.  The environment is\n"
        "checked first, as by run (into each record, warnings on stderr); a claim\n"
        "judged on disturbed repetitions names them in its reason.\n"
        "IDS are claim ids, e.g. F1 T2 (default: all).\n",
    .notes =
        "A record's `claims` array and claims.json hold, per claim: id, source_figure,\n"
        "measured, measured_ci95, measured_text, regime (the size measured against the\n"
        "published one), verdict, reason, explanation, workload\n"
        "(results/SCHEMA.md).  The claims file format is documented in claims/README.md.\n"
        "\n"
        "exit status: 0 the table was made (whatever the verdicts), 2 bad command line,\n"
        "claims file or record, 3 a result failed validation (not a deliberate defect\n"
        "such as pairsum/race; its claims are not applicable), 1 a measurement or file\n"
        "failed, 130 interrupted.\n",
    .options = claims_options,
    .main = cli_claims,
};

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

static char *path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", dir, name);
    return p;
}

/* Appends `item` to the comma-separated *list unless it holds it already. */
static int list_add(char **list, const char *item)
{
    size_t len = *list ? strlen(*list) : 0, n = strlen(item);
    for (const char *at = *list; at && *at;) {
        size_t k = strcspn(at, ",");
        if (k == n && strncmp(at, item, n) == 0)
            return 0;
        at += k + (at[k] == ',');
    }
    char *grown = realloc(*list, len + n + 2);
    if (!grown)
        return sl_fail("out of memory");
    snprintf(grown + len, n + 2, "%s%s", len ? "," : "", item);
    *list = grown;
    return 0;
}

/* One group's selection as run's option values: lists of variants,
 * schedules, threads and sizes. */
struct group_lists {
    char *variants, *schedules, *threads, *sizes;
    bool oversubscribe;
};

static int group_lists(const struct group *g, int allowed, struct group_lists *l)
{
    for (size_t i = 0; i < g->needs->n; i++) {
        const struct need *n = &g->needs->items[i];
        if (n->workload != g->workload || n->sim != g->sim)
            continue;
        char threads[16];
        snprintf(threads, sizeof threads, "%d", n->threads);
        if (list_add(&l->variants, n->variant->name) != 0 ||
            list_add(&l->schedules, sl_schedule_name(n->schedule)) != 0 ||
            list_add(&l->threads, threads) != 0 || list_add(&l->sizes, n->size) != 0)
            return -1;
        l->oversubscribe |= n->threads > allowed;
    }
    return 0;
}

static void group_lists_free(struct group_lists *l)
{
    free(l->variants);
    free(l->schedules);
    free(l->threads);
    free(l->sizes);
}

/* The first k allowed CPUs as a taskset list ("0" or "0,1"). */
static void first_cpus(const struct machine *m, int k, char *buf, size_t len)
{
    buf[0] = '\0';
    int cpu = hwloc_bitmap_first(m->allowed);
    for (int i = 0; i < k && cpu >= 0; i++, cpu = hwloc_bitmap_next(m->allowed, cpu))
        snprintf(buf + strlen(buf), len - strlen(buf), "%s%d", i ? "," : "", cpu);
}

/* argv (taskset's) with stdout and stderr into `log`; 0 when it exited 0,
 * else -1 and why. */
static int spawn_logged(char *const argv[], const char *log, char *why, size_t len)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log,
                                     O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int wstatus = 0;
    if (rc == 0 && waitpid(pid, &wstatus, 0) < 0)
        rc = errno;
    if (rc == ENOENT || (rc == 0 && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127))
        snprintf(why, len, "taskset (util-linux) not found: cannot run under an affinity mask");
    else if (rc != 0)
        snprintf(why, len, "cannot start taskset: %s", strerror(rc));
    else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
        snprintf(why, len, "'%s %s %s speedlab run %s' failed (status %d; see %s)", argv[0],
                 argv[1], argv[2], argv[5], WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1, log);
    else
        return 0;
    return -1;
}

/* H1: this program again, under `taskset -c <k CPUs>`, with default threads.
 * Returns the record path, or NULL with why. */
static char *run_masked(const struct machine *m, const struct claim *c, int k, const char *dir,
                        bool quick, char *why, size_t len)
{
    char exe[4096], name[128], logname[128], cpus[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    snprintf(name, sizeof name, "masked-%s-%dcpu.json", c->workload->name, k);
    snprintf(logname, sizeof logname, "masked-%s-%dcpu.log", c->workload->name, k);
    first_cpus(m, k, cpus, sizeof cpus);
    char *record = path_in(dir, name), *log = path_in(dir, logname);
    bool ran = false;
    if (n <= 0) {
        snprintf(why, len, "cannot find this program (/proc/self/exe): %s", strerror(errno));
    } else if (!record || !log) {
        snprintf(why, len, "out of memory");
    } else {
        exe[n] = '\0';
        char *argv[] = {"taskset", "-c", cpus, exe, "run", (char *)c->workload->name, "--size",
                        (char *)claim_size(c, quick), "--reps", "3", "--warmup", "0",
                        "--record", record, NULL};
        ran = spawn_logged(argv, log, why, len) == 0;
    }
    free(log);
    if (!ran) {
        free(record);
        record = NULL;
    }
    return record;
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
        printf("      measured: %s\n      regime:   %s\n      reason:   %s\n", v[i].measured_text,
               v[i].regime, v[i].reason);
    }
    int counts[VERDICT_KINDS] = {0};
    for (size_t i = 0; i < n; i++)
        counts[v[i].verdict]++;
    printf("\n%d reproduced, %d not reproduced, %d inconclusive, %d not applicable\n",
           counts[VERDICT_REPRODUCED], counts[VERDICT_NOT_REPRODUCED], counts[VERDICT_INCONCLUSIVE],
           counts[VERDICT_NOT_APPLICABLE]);
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

/* One `speedlab claims`: what was asked, and what it found. */
struct claims_run {
    struct claims_args args;
    char command[2048];
    struct claim_set claims;
    const struct claim **sel; /* the selected claims, in order */
    size_t n_sel;
    struct claim_verdict *verdicts;
    /* MAX_RECORDS runs: the records given, or those measured now and the
     * affinity children's; each with the record it is. */
    struct sl_run *runs;
    char *paths[MAX_RECORDS];
    bool measured[MAX_RECORDS];           /* by this command: the verdicts go into it */
    struct plan_locks locks[MAX_RECORDS]; /* on the records this command writes */
    size_t n_runs;
    char *dir; /* where records and claims.json go; NULL: nowhere */
    char affinity_why[400]; /* why the affinity check could not run, if it could not */
    bool affinity_tried;
};

static void claims_run_free(struct claims_run *r)
{
    for (size_t i = 0; i < r->n_runs; i++) {
        plan_unlock(&r->locks[i]);
        sl_run_free(&r->runs[i]);
        free(r->paths[i]);
    }
    free(r->runs);
    free(r->verdicts);
    free(r->sel);
    free(r->dir);
    claims_free(&r->claims);
}

static int claims_run_alloc(struct claims_run *r)
{
    r->sel = calloc(r->claims.n, sizeof *r->sel);
    r->verdicts = calloc(r->claims.n, sizeof *r->verdicts);
    r->runs = calloc(MAX_RECORDS, sizeof *r->runs);
    return r->sel && r->verdicts && r->runs ? 0 : sl_fail("out of memory");
}

/* A run loaded from a record into the next slot; it takes `path`. */
static int add_record(struct claims_run *r, char *path)
{
    struct sl_run *run = &r->runs[r->n_runs];
    int rc = r->n_runs == MAX_RECORDS ? sl_fail("more than %d records", MAX_RECORDS)
                                      : record_load_run(path, run);
    if (rc == 0) {
        r->paths[r->n_runs++] = path;
    } else {
        if (r->n_runs < MAX_RECORDS)
            sl_run_free(run);
        free(path);
    }
    return rc == 0 ? 0 : -1;
}

/* The claims named (each once, in order), or every claim. */
static int select_claims(struct claims_run *r, char **ids, int n_ids)
{
    for (int i = 0; i < n_ids; i++) {
        const struct claim *cl = claims_find(&r->claims, ids[i]);
        if (!cl)
            return sl_fail("unknown claim '%s' (see 'speedlab claims --list')", ids[i]);
        bool seen = false;
        for (size_t k = 0; k < r->n_sel; k++)
            seen |= r->sel[k] == cl;
        if (!seen)
            r->sel[r->n_sel++] = cl;
    }
    if (n_ids == 0)
        for (size_t i = 0; i < r->claims.n; i++)
            r->sel[r->n_sel++] = &r->claims.claims[i];
    return 0;
}

static void print_list(const struct claims_run *r)
{
    printf("%-5s %-10s %-7s %s\n", "claim", "workload", "threads", "source figure");
    for (size_t i = 0; i < r->n_sel; i++) {
        const struct claim *c = r->sel[i];
        printf("%-5s %-10s %-7d %s\n", c->id, c->workload->name, c->threads_needed,
               c->source_figure);
        printf("      checks:");
        for (int k = 0; k < c->n_checks; k++)
            printf("%s %s%s", k ? "," : "", claim_check_kind_name(c->checks[k].kind),
                   c->checks[k].required ? "" : " (does not decide)");
        printf("%s\n      %s\n", c->n_checks ? "" : " none",
               c->not_applicable ? c->not_applicable : c->explanation);
    }
}

/* Every file this command writes is none it reads (issue 15): the claims
 * file and the --record files against `outputs`. */
static int check_outputs(const struct claims_run *r, const struct util_file_role *outputs,
                         size_t n_outputs)
{
    struct util_file_role inputs[1 + MAX_RECORDS] = {{"--claims", r->args.claims}};
    for (int i = 0; i < r->args.n_records; i++)
        inputs[1 + i] = (struct util_file_role){"--record", r->args.records[i]};
    return util_check_distinct(inputs, 1 + (size_t)r->args.n_records, outputs, n_outputs);
}

/* The output folder: --out, or results/claims/<UTC time>/ when measuring. */
static int choose_dir(struct claims_run *r)
{
    if (r->args.out) {
        r->dir = strdup(r->args.out);
    } else {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        if ((r->dir = malloc(64)))
            snprintf(r->dir, 64, "results/claims/%s", stamp);
    }
    return r->dir ? 0 : sl_fail("out of memory");
}

/* The --record files, and the output folder (made now) when there is one. */
static int prepare_inputs(struct claims_run *r, bool measuring)
{
    for (int i = 0; i < r->args.n_records; i++) {
        char *path = strdup(r->args.records[i]);
        if (!path)
            return sl_fail("out of memory");
        if (add_record(r, path) != 0)
            return -1;
    }
    if (!r->args.out && !measuring)
        return 0;
    if (choose_dir(r) != 0 || make_dir(r->dir) != 0)
        return -1;
    char *summary = path_in(r->dir, "claims.json");
    const struct util_file_role outputs[] = {{"claims.json of --out", summary}};
    int rc = summary ? check_outputs(r, outputs, 1) : sl_fail("out of memory");
    free(summary);
    return rc;
}

/* Measures one group into DIR/<workload>[-sim].json, planned as `run` with
 * its defaults and the claims' budget and repetitions, the record locked
 * from now until its verdicts are in; the run stays in memory.  Returns the
 * measurement's status (cli_run_status), or EXIT_FAILURE / EXIT_USAGE when it
 * could not start. */
static int measure_group(struct claims_run *r, const struct machine *m, const struct group *g)
{
    char name[160];
    snprintf(name, sizeof name, "%s%s.json", g->workload->name, g->sim ? "-sim" : "");
    char *record = path_in(r->dir, name);
    struct group_lists l = {0};
    struct run_args a;
    struct run_plan plan = {0};
    size_t slot = r->n_runs;
    struct sl_run *run = &r->runs[slot];
    sl_run_init(run);
    int status;
    if (!record || group_lists(g, m->desc.pus_allowed, &l) != 0 || plan_run_defaults(&a) != 0) {
        if (!record)
            sl_fail("out of memory");
        status = cli_error(EXIT_FAILURE);
    } else {
        a.variants = l.variants;
        a.schedules = l.schedules;
        a.threads = l.threads;
        a.sizes = l.sizes;
        a.oversubscribe = l.oversubscribe;
        a.counters = g->sim ? "sim" : NULL;
        a.budget = r->args.budget;
        a.min_reps = r->args.min_reps;
        a.max_reps = r->args.min_reps > a.max_reps ? r->args.min_reps : a.max_reps;
        a.record = record;
        if (plan_build(&a, g->workload, NULL, r->command, m, &plan, run->run_id,
                       sizeof run->run_id) != 0) {
            status = cli_usage_error();
        } else {
            const struct util_file_role outputs[] = {{"record", plan.record_path},
                                                     {"table", plan.csv_path}};
            if (check_outputs(r, outputs, 2) != 0 || plan_lock(&plan, &r->locks[slot]) != 0) {
                status = cli_usage_error();
            } else {
                plan.options->wanted = group_wants;
                plan.options->wanted_ctx = g;
                /* As `run` does: checked into the record, warnings on stderr. */
                envcheck_run(&run->environment, m->desc.pus_total, a.noise_limit);
                envcheck_print(&run->environment, stderr);
                status = cli_measure(&plan, m, run);
            }
        }
    }
    if (run->n_results > 0) { /* the record was written: it is judged */
        r->paths[slot] = record;
        r->measured[slot] = true;
        r->n_runs++;
        record = NULL;
    } else {
        plan_unlock(&r->locks[slot]);
        sl_run_free(run);
    }
    plan_free(&plan);
    group_lists_free(&l);
    free(record);
    return status;
}

/* Measures every group of needs (one record each, in the order of first
 * need).  Returns the worst status: EXIT_INTERRUPTED, EXIT_INVALID,
 * EXIT_FAILURE, or EXIT_SUCCESS. */
static int measure_needs(struct claims_run *r, const struct machine *m)
{
    struct needs ns = {0};
    if (collect_needs(r->sel, r->n_sel, m->desc.pus_allowed, r->args.quick, &ns) != 0)
        return cli_error(EXIT_FAILURE);
    printf("claims: %zu measurements for %zu claims; records in %s/\n", ns.n, r->n_sel, r->dir);
    int status = EXIT_SUCCESS;
    for (size_t i = 0; i < ns.n && !runner_interrupted; i++) {
        bool first = true;
        for (size_t j = 0; j < i; j++)
            first &= !(ns.items[j].workload == ns.items[i].workload &&
                       ns.items[j].sim == ns.items[i].sim);
        if (!first)
            continue;
        if (r->n_runs == MAX_RECORDS) {
            sl_fail("more than %d records to measure", MAX_RECORDS);
            status = cli_error(EXIT_FAILURE);
            break;
        }
        struct group g = {&ns, ns.items[i].workload, ns.items[i].sim};
        int rc = measure_group(r, m, &g);
        if (rc == EXIT_INTERRUPTED)
            status = EXIT_INTERRUPTED;
        else if (rc != EXIT_SUCCESS && status == EXIT_SUCCESS)
            status = rc == EXIT_INVALID ? EXIT_INVALID : EXIT_FAILURE;
    }
    free(ns.items);
    return status;
}

/* The affinity checks (H1): this program under taskset, once each. */
static void measure_affinity(struct claims_run *r, const struct machine *m)
{
    for (size_t i = 0; i < r->n_sel && !runner_interrupted; i++)
        for (int k = 0; k < r->sel[i]->n_checks; k++) {
            const struct claim_check *ck = &r->sel[i]->checks[k];
            if (ck->kind != CHECK_AFFINITY || ck->affinity_cpus > m->desc.pus_allowed ||
                r->n_runs == MAX_RECORDS)
                continue;
            r->affinity_tried = true;
            printf("\n%s: speedlab run %s under taskset, a %d-CPU affinity mask\n", r->sel[i]->id,
                   r->sel[i]->workload->name, ck->affinity_cpus);
            char *record = run_masked(m, r->sel[i], ck->affinity_cpus, r->dir, r->args.quick,
                                      r->affinity_why, sizeof r->affinity_why);
            if (record && add_record(r, record) != 0)
                snprintf(r->affinity_why, sizeof r->affinity_why, "%s", sl_error());
        }
}

/* The CPUs a claim is judged with: this process's when measuring, else
 * those the machine of its workload's record allowed. */
static int judged_cpus(const struct claims_run *r, const struct claim *c, int allowed,
                       bool measuring)
{
    for (size_t k = 0; !measuring && k < r->n_runs; k++)
        if (strcmp(r->runs[k].config.kernel, c->workload->name) == 0 &&
            r->runs[k].machine.pus_allowed > 0)
            return r->runs[k].machine.pus_allowed;
    return allowed;
}

static void judge(struct claims_run *r, const struct machine *m, bool measuring)
{
    for (size_t i = 0; i < r->n_sel; i++) {
        struct claims_context ctx = {
            .runs = r->runs,
            .n_runs = r->n_runs,
            .allowed_cpus = judged_cpus(r, r->sel[i], m->desc.pus_allowed, measuring),
            .affinity_unavailable =
                r->affinity_tried && r->affinity_why[0] ? r->affinity_why : NULL,
            .quick = r->args.quick};
        claims_judge(r->sel[i], &ctx, &r->verdicts[i]);
    }
}

/* The verdicts of its workload's claims into a record this command measured,
 * rewritten from the run in memory. */
static int attach_verdicts(const struct claims_run *r, size_t k)
{
    struct sl_run *run = &r->runs[k];
    run->claims = sl_run_alloc(run, r->n_sel + 1, sizeof *run->claims);
    if (!run->claims)
        return -1;
    run->has_claims = true;
    run->n_claims = 0;
    for (size_t i = 0; i < r->n_sel; i++)
        if (strcmp(r->sel[i]->workload->name, run->config.kernel) == 0)
            claims_verdict_entry(r->sel[i], &r->verdicts[i], &run->claims[run->n_claims++]);
    return record_write(run, r->paths[k]);
}

/* DIR/claims.json: every verdict, the machine, the records judged. */
static int write_summary(const struct claims_run *r, const struct machine *m, const char *path)
{
    json_t *arr = json_array(), *paths = json_array();
    for (size_t i = 0; i < r->n_sel && arr; i++) {
        struct sl_claim_entry entry;
        claims_verdict_entry(r->sel[i], &r->verdicts[i], &entry);
        json_array_append_new(arr, record_claim_json(&entry));
    }
    for (size_t i = 0; i < r->n_runs && paths; i++)
        json_array_append_new(paths, json_string(r->paths[i]));
    json_t *doc = json_pack("{s:s, s:i, s:s, s:s, s:b, s:o, s:o, s:o}", "schema",
                            "speedlab-claims-summary", "schema_version", 1, "command", r->command,
                            "claims_file", r->args.claims, "quick", r->args.quick, "machine",
                            record_machine_json(&m->desc), "records", paths, "claims", arr);
    int rc = doc ? write_json_file(doc, path) : sl_fail("out of memory");
    json_decref(doc);
    return rc;
}

/* The verdicts into the records this command measured and into
 * DIR/claims.json; EXIT_SUCCESS, or EXIT_FAILURE when a file could not be
 * written. */
static int write_verdicts(const struct claims_run *r, const struct machine *m)
{
    int status = EXIT_SUCCESS;
    for (size_t i = 0; i < r->n_runs; i++)
        if (r->measured[i] && attach_verdicts(r, i) != 0)
            status = cli_error(EXIT_FAILURE);
    if (!r->dir)
        return status;
    char *summary = path_in(r->dir, "claims.json");
    if (!summary || write_summary(r, m, summary) != 0) {
        if (!summary)
            sl_fail("out of memory");
        status = cli_error(EXIT_FAILURE);
    } else {
        printf("claims: %s\nfigures and report with the claims table: speedlab plot %s\n",
               summary, r->dir);
    }
    free(summary);
    return status;
}

/* Measures (or reads), judges, prints and writes; the exit status. */
static int check_claims(struct claims_run *r, const struct machine *m)
{
    bool measuring = r->args.n_records == 0;
    if (prepare_inputs(r, measuring) != 0)
        return cli_usage_error();
    int status = EXIT_SUCCESS;
    if (measuring) {
        status = measure_needs(r, m);
        measure_affinity(r, m);
    }
    if (runner_interrupted)
        return EXIT_INTERRUPTED;
    judge(r, m, measuring);
    print_table(r->sel, r->verdicts, r->n_sel);
    if (write_verdicts(r, m) != EXIT_SUCCESS)
        status = EXIT_FAILURE;
    return status;
}

static int cli_claims(int argc, char **argv, const struct machine *m)
{
    struct claims_run r = {0};
    plan_command_line(argc, argv, r.command, sizeof r.command);
    struct cli_parsed p;
    int parsed = cli_parse(&cli_claims_command, argc, argv, &r.args, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_claims_command, parsed);
    if (r.args.quick) {
        r.args.budget = 0;
        r.args.min_reps = 7;
    }
    if (claims_load(r.args.claims, &r.claims) != 0)
        return cli_usage_error();
    int status;
    if (claims_run_alloc(&r) != 0)
        status = cli_error(EXIT_FAILURE);
    else if (select_claims(&r, p.operands, p.n_operands) != 0)
        status = cli_usage_error();
    else if (r.args.list) {
        print_list(&r);
        status = EXIT_SUCCESS;
    } else
        status = check_claims(&r, m);
    claims_run_free(&r);
    return status;
}
