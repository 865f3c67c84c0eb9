#include "cli/plan.h"

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/suggest.h"
#include "kit/files.h"
#include "kit/progress.h"
#include "kit/ranks.h"
#include "kit/util.h"
#include "measure/counters.h"
#include "measure/noise.h"
#include "measure/team.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const plan_validate_modes[] = {"auto", "full", "sample", NULL};
const char *const plan_noise_modes[] = {"on", "off", NULL};

int plan_run_defaults(struct run_args *a)
{
    *a = (struct run_args){0};
    return sl_options_defaults(cli_run_command.options, a);
}

void plan_command_line(int argc, char **argv, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, "speedlab");
    for (int i = 0; i < argc && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, " %s", argv[i]);
    /* The record is JSON: UTF-8 only. */
    util_make_utf8(out);
}

int plan_workload_options(const struct sl_workload *w, void **out)
{
    *out = NULL;
    if (!w->options)
        return 0;
    void *options = calloc(1, w->options_size);
    if (!options)
        return sl_fail("out of memory");
    if (sl_options_defaults(w->options, options) != 0) {
        free(options);
        return -1;
    }
    *out = options;
    return 0;
}

static void options_free(struct run_options *o)
{
    if (!o)
        return;
    free(o->variants);
    util_free_list(o->sizes, o->n_sizes > 0 ? o->n_sizes : 0);
    free(o->workload_options);
    free(o);
}

void plan_free(struct run_plan *p)
{
    options_free(p->options);
    free(p->record_path);
    free(p->csv_path);
    *p = (struct run_plan){0};
}

/* ---- the selection: variants, schedules, threads ------------------------ */

static int parse_variants(const char *text, struct run_options *o)
{
    const struct sl_workload *w = o->workload;
    size_t total = 0;
    while (w->variants[total].name)
        total++;
    o->variants = calloc(total ? total : 1, sizeof *o->variants);
    if (!o->variants)
        return sl_fail("out of memory");
    if (strcmp(text, "all") == 0) {
        for (size_t i = 0; i < total; i++)
            o->variants[o->n_variants++] = &w->variants[i];
        return 0;
    }
    char **items;
    int count = util_split(text, &items);
    if (count < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        const struct sl_variant *v = sl_variant_find(w, items[i]);
        if (!v) {
            struct suggestion s;
            suggest_begin(&s, items[i]);
            for (size_t k = 0; k < total; k++)
                suggest_consider(&s, w->variants[k].name);
            char see[128], hint[192];
            snprintf(see, sizeof see, " (see 'speedlab list %s')", w->name);
            rc = sl_fail("unknown %s variant '%s'%s", w->name, items[i],
                         suggest_hint(&s, "", see, hint, sizeof hint));
            break;
        }
        bool seen = false;
        for (int k = 0; k < o->n_variants; k++)
            seen |= o->variants[k] == v;
        if (!seen)
            o->variants[o->n_variants++] = v;
    }
    util_free_list(items, count);
    return rc;
}

/* The schedules of the selection: 'all' is every schedule some selected
 * variant runs under; a named one must be run by at least one of them (a
 * variant is measured only under the schedules it supports, never recorded
 * as skipped under another). */
static int parse_schedules(const char *text, struct run_options *o)
{
    unsigned supported = 0;
    for (int k = 0; k < o->n_variants; k++)
        supported |= o->variants[k]->schedules;
    if (strcmp(text, "all") == 0) {
        for (int s = 0; s < SL_SCHED_COUNT; s++)
            if (supported & SL_SCHED_BIT(s))
                o->schedules[o->n_schedules++] = (enum sl_schedule)s;
        return 0;
    }
    char **items;
    int count = util_split(text, &items);
    if (count < 0)
        return -1;
    unsigned seen = 0;
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        enum sl_schedule s;
        rc = sl_schedule_parse(items[i], &s);
        if (rc != 0 || (seen & SL_SCHED_BIT(s)))
            continue;
        if (!(supported & SL_SCHED_BIT(s))) {
            rc = sl_fail("--schedules: no selected %s variant runs under %s (see 'speedlab list %s')",
                         o->workload->name, items[i], o->workload->name);
            continue;
        }
        o->schedules[o->n_schedules++] = s;
        seen |= SL_SCHED_BIT(s);
    }
    util_free_list(items, count);
    return rc;
}

/* Keeps the thread counts sorted and distinct: speedups need t=1 first. */
static int add_threads(struct run_options *o, int t)
{
    int at = 0;
    while (at < o->n_threads && o->threads[at] < t)
        at++;
    if (at < o->n_threads && o->threads[at] == t)
        return 0;
    if (o->n_threads == (int)(sizeof o->threads / sizeof o->threads[0]))
        return sl_fail("--threads: too many entries");
    memmove(o->threads + at + 1, o->threads + at, (size_t)(o->n_threads - at) * sizeof(int));
    o->threads[at] = t;
    o->n_threads++;
    return 0;
}

static int parse_threads(const char *text, const struct machine *m, struct run_options *o)
{
    char **items;
    int count = util_split(text, &items);
    if (count < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        /* 'max': every CPU this process may use, or every CPU of a --pin list. */
        long t = o->pin.policy == PIN_LIST ? o->pin.n_cpus : m->desc.pus_allowed;
        if (strcmp(items[i], "max") != 0)
            rc = util_parse_long(items[i], 1, 1024, "--threads entry", &t);
        if (rc == 0)
            rc = add_threads(o, (int)t);
    }
    util_free_list(items, count);
    return rc;
}

static int plan_selection(struct run_options *o, const struct run_args *a,
                          const struct sl_run_context *ctx, const struct machine *m)
{
    const struct sl_workload *w = o->workload;
    if (ctx->ranks > 1 && !w->splits_across_ranks)
        return sl_fail("kernel %s does not split across MPI ranks; run it without mpirun", w->name);
    struct sl_selection defaults = {"all", "all"};
    if (w->options_check && w->options_check(o->workload_options, ctx, &defaults) != 0)
        return -1;
    if (w->option_facts)
        w->option_facts(o->workload_options, &o->option_facts);
    if (parse_variants(a->variants ? a->variants : defaults.variants, o) != 0 ||
        parse_schedules(a->schedules ? a->schedules : defaults.schedules, o) != 0 ||
        pin_parse(a->pin, &o->pin) != 0 || parse_threads(a->threads, m, o) != 0)
        return -1;
    o->pin.oversubscribe = a->oversubscribe;
    return 0;
}

/* ---- sizes, placements, counters, settings ------------------------------ */

static int plan_sizes(struct run_options *o, const struct run_args *a, const struct machine *m)
{
    const struct sl_workload *w = o->workload;
    if (a->input && a->sizes)
        return sl_fail("--input and --size/--sizes are exclusive: the input decides the size");
    if (a->input && access(a->input, R_OK) != 0)
        return sl_fail("cannot read --input '%s'", a->input);
    if (a->input && !w->check_input)
        return sl_fail("%s: --input is not supported: its data are generated (--size, --seed)",
                       w->name);
    if (a->input && w->check_input(a->input) != 0)
        return -1;
    o->input_path = a->input;
    o->n_sizes = util_split(a->sizes ? a->sizes : w->default_size, &o->sizes);
    if (o->n_sizes < 0)
        return -1;
    for (int i = 0; i < o->n_sizes && !o->input_path; i++)
        if (w->check_size(o->sizes[i]) != 0)
            return -1;
    /* Impossible placements are input errors too: check them all now. */
    for (int i = 0; i < o->n_threads; i++) {
        struct sl_team *team;
        if (team_create(&team, m, &o->pin, o->threads[i]) != 0)
            return -1;
        team_destroy(team);
    }
    return 0;
}

static int plan_counters(struct run_options *o, const struct run_args *a,
                         const struct sl_run_context *ctx)
{
    if ((a->counters && ctr_plan_parse(a->counters, &o->counters) != 0) ||
        ctr_plan_probe(&o->counters) != 0)
        return -1;
    noise_plan_make(&o->noise, strcmp(plan_noise_modes[a->noise], "on") == 0, &o->counters);
    /* The simulation (measure/simcache) re-runs the kernel in one process
     * with its default options. */
    if (o->counters.sim && (o->option_facts.section || ctx->ranks > 1))
        return sl_fail("--counters sim simulates the kernel with its default options in one "
                       "process: drop %s's own options and mpirun, or the simulation",
                       o->workload->name);
    return 0;
}

static int plan_settings(struct run_options *o, const struct run_args *a)
{
    int min_reps = a->reps ? a->reps : a->min_reps, max_reps = a->reps ? a->reps : a->max_reps;
    if (min_reps > max_reps)
        return sl_fail("--min-reps (%d) is larger than --max-reps (%d)", min_reps, max_reps);
    if (a->interleave && a->no_interleave)
        return sl_fail("--interleave and --no-interleave are exclusive");
    o->interleave = !a->no_interleave;
    o->min_reps = min_reps;
    o->max_reps = max_reps;
    o->warmup = a->warmup;
    o->budget_s = a->budget;
    o->seed = a->seed;
    o->validate = plan_validate_modes[a->validate];
    o->quiet = a->quiet;
    o->progress = a->progress ? SL_PROGRESS_ON : SL_PROGRESS_AUTO;
    return 0;
}

/* ---- files: the record, its table, --output, --FORMAT -------------------- */

static char *replace_extension(const char *path, const char *ext)
{
    size_t len = strlen(path);
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash))
        len = (size_t)(dot - path);
    char *out = malloc(len + strlen(ext) + 1);
    if (out) {
        memcpy(out, path, len);
        strcpy(out + len, ext);
    }
    return out;
}

static int plan_output(struct run_options *o, const struct run_args *a)
{
    const struct sl_workload *w = o->workload;
    o->output_path = a->output;
    if (!a->output)
        return 0;
    if (o->n_sizes != 1)
        return sl_fail("--output needs exactly one size (got %d)", o->n_sizes);
    if (!w->save_output)
        return sl_fail("--output: kernel %s has no output to write", w->name);
    if (w->check_output_path &&
        w->check_output_path(a->output, o->input_path ? NULL : o->sizes[0], o->workload_options) != 0)
        return -1;
    return 0;
}

/* The record and its table are rewritten after every result: a FIFO would
 * get one document after another (a character device such as /dev/null is
 * written through, which loses nothing). */
static int refuse_fifo(const char *option, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISFIFO(st.st_mode))
        return sl_fail("%s '%s' is a FIFO: the %s is rewritten after every result; give a "
                       "regular file or a character device",
                       option, path, strcmp(option, "--csv") == 0 ? "table" : "record");
    return 0;
}

/* Every output is a file of its own and none is the input (by device and
 * inode, or resolved path for files not made yet: issue 15). */
static int check_distinct(const struct run_plan *p, const struct run_args *a)
{
    const struct util_file_role inputs[] = {{"--input", a->input}};
    struct util_file_role outputs[3 + SL_N_EXPORT_FORMATS] = {
        {"--record", p->record_path}, {"--csv", p->csv_path}, {"--output", a->output}};
    char options[SL_N_EXPORT_FORMATS][40];
    size_t n = 3;
    for (int f = 0; f < SL_N_EXPORT_FORMATS; f++) {
        snprintf(options[f], sizeof options[f], "--%s", sl_export_formats[f].name);
        outputs[n++] = (struct util_file_role){options[f], a->formats[f]};
    }
    return util_check_distinct(inputs, 1, outputs, n);
}

/* Each --FORMAT file is writable now, before any work. */
static int plan_formats(struct run_plan *p, const struct run_args *a)
{
    for (int f = 0; f < SL_N_EXPORT_FORMATS; f++) {
        if (a->formats[f] && util_check_writable(a->formats[f]) != 0)
            return -1;
        p->format_paths[f] = a->formats[f];
    }
    return 0;
}

/* Whether `path` can be written once its missing folders are made: the
 * deepest of its folders that exists must be a folder this process may
 * write in.  Nothing is created. */
static int check_folders_creatable(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return sl_fail("out of memory");
    int rc = 0;
    for (;;) {
        char *slash = strrchr(dir, '/');
        const char *at = slash == dir ? "/" : slash ? dir : ".";
        if (slash && slash != dir)
            *slash = '\0';
        struct stat st;
        if (stat(at, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                rc = sl_fail("cannot write '%s': '%s' is not a folder", path, at);
            else if (access(at, W_OK | X_OK) != 0)
                rc = sl_fail("cannot write '%s': cannot create folders in '%s': %s", path, at,
                             strerror(errno));
            break;
        }
        if ((errno != ENOENT && errno != ENOTDIR) || !slash || slash == dir) {
            rc = sl_fail("cannot write '%s': %s: %s", path, at, strerror(errno));
            break;
        }
    }
    free(dir);
    return rc;
}

static int plan_files(struct run_plan *p, const struct run_args *a, const char *run_id)
{
    if (a->record)
        p->record_path = strdup(a->record);
    else if ((p->record_path = malloc(strlen(run_id) + 32)))
        sprintf(p->record_path, "results/runs/%s.json", run_id);
    if (p->record_path)
        p->csv_path = a->csv ? strdup(a->csv) : replace_extension(p->record_path, ".csv");
    if (!p->record_path || !p->csv_path)
        return sl_fail("out of memory");
    if (plan_output(p->options, a) != 0 || check_distinct(p, a) != 0 ||
        refuse_fifo("--record", p->record_path) != 0 || refuse_fifo("--csv", p->csv_path) != 0)
        return -1;
    /* The default record's folder (results/runs/) is made only when the
     * run starts (cli_run); here only whether it can be. */
    int record_ok = a->record ? util_check_writable(p->record_path)
                              : check_folders_creatable(p->record_path);
    if (record_ok != 0 || ((a->record || a->csv) && util_check_writable(p->csv_path) != 0) ||
        (a->output && util_check_writable(a->output) != 0))
        return -1;
    return plan_formats(p, a);
}

int plan_lock(const struct run_plan *p, struct plan_locks *l)
{
    *l = (struct plan_locks){{.fd = -1}, {.fd = -1}};
    int rc = 0;
    if (ranks_rank() == 0)
        rc = util_lock_acquire(&l->record, p->record_path) != 0 ||
                     util_lock_acquire(&l->csv, p->csv_path) != 0
                 ? -1
                 : 0;
    ranks_broadcast(&rc, sizeof rc, 0);
    if (rc != 0 && ranks_rank() != 0)
        sl_fail("rank 0 could not lock the record");
    if (rc != 0)
        plan_unlock(l);
    return rc;
}

void plan_unlock(struct plan_locks *l)
{
    util_lock_release(&l->csv);
    util_lock_release(&l->record);
}

/* <UTC time>-<kernel>-<process>: one run, one name, rank 0's. */
static void make_run_id(const struct sl_workload *w, char *out, size_t len)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(out, len, "%s-%s-%ld", stamp, w->name, (long)getpid());
    ranks_broadcast(out, len, 0);
}

int plan_build(const struct run_args *a, const struct sl_workload *w, void *options,
               const char *command, const struct machine *m, struct run_plan *out,
               char *run_id, size_t run_id_len)
{
    *out = (struct run_plan){0};
    struct run_plan p = {.options = calloc(1, sizeof *p.options)};
    struct run_options *o = p.options;
    if (!o) {
        free(options);
        return sl_fail("out of memory");
    }
    o->workload = w;
    o->workload_options = options;
    snprintf(o->command, sizeof o->command, "%s", command);
    make_run_id(w, run_id, run_id_len);
    struct sl_run_context ctx = {.output_path = a->output, .run_id = run_id,
                                 .ranks = ranks_count()};
    int rc = options ? 0 : plan_workload_options(w, &o->workload_options);
    if (rc == 0)
        rc = plan_selection(o, a, &ctx, m);
    if (rc == 0)
        rc = plan_sizes(o, a, m);
    if (rc == 0)
        rc = plan_counters(o, a, &ctx);
    if (rc == 0)
        rc = plan_settings(o, a);
    if (rc == 0)
        rc = plan_files(&p, a, run_id);
    /* Last: what the options prepare (a folder for shards) is made only for
     * a run that will happen. */
    if (rc == 0 && w->options_prepare)
        rc = w->options_prepare(o->workload_options, &ctx);
    if (rc == 0 && w->option_facts)
        w->option_facts(o->workload_options, &o->option_facts);
    if (rc != 0) {
        plan_free(&p);
        return -1;
    }
    *out = p;
    return 0;
}
