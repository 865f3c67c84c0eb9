#include "analysis/hwcompare.h"

#include "kit/sl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- machines from operands ------------------------------------------------- */

/* Moves run i of `from` (and its path) to the end of `to`. */
static int move_run(struct run_set *to, struct run_set *from, size_t i)
{
    struct sl_run *runs = realloc(to->runs, (to->n + 1) * sizeof *runs);
    if (!runs)
        return sl_fail("out of memory");
    to->runs = runs;
    char **paths = realloc(to->paths, (to->n + 1) * sizeof *paths);
    if (!paths)
        return sl_fail("out of memory");
    to->paths = paths;
    to->runs[to->n] = from->runs[i];
    to->paths[to->n] = from->paths[i];
    from->paths[i] = NULL;
    to->n++;
    return 0;
}

/* The runs of one operand, each to the machine of this operand with the same
 * hardware, or to a new one; *moved counts those moved (the first ones). */
static int group_operand(struct hw_set *s, const char *spec, size_t operand,
                         struct run_set *loaded, size_t *moved)
{
    size_t first = s->n;
    for (size_t i = 0; i < loaded->n; i++) {
        char what[128];
        size_t m = first;
        while (m < s->n && !run_same_hardware(&s->machines[m].set.runs[0], &loaded->runs[i],
                                              what, sizeof what))
            m++;
        if (m == s->n) {
            if (s->n == HW_MAX_MACHINES)
                return sl_fail("compare: more than %d machines", HW_MAX_MACHINES);
            s->machines[m] = (struct hw_machine){.spec = strdup(spec), .operand = operand};
            if (!s->machines[m].spec)
                return sl_fail("out of memory");
            snprintf(s->machines[m].label, sizeof s->machines[m].label, "M%zu", m + 1);
            s->n++;
        }
        if (move_run(&s->machines[m].set, loaded, i) != 0)
            return -1;
        (*moved)++;
    }
    return 0;
}

int hw_set_load(struct hw_set *s, const char *const *specs, size_t n_specs)
{
    memset(s, 0, sizeof *s);
    for (size_t k = 0; k < n_specs; k++) {
        struct run_set loaded = {0};
        int rc = run_set_add(&loaded, specs[k]);
        size_t moved = 0;
        if (rc == 0)
            rc = group_operand(s, specs[k], k, &loaded, &moved);
        /* The runs moved belong to their machines now; the rest are freed. */
        for (size_t i = moved; i < loaded.n; i++)
            sl_run_free(&loaded.runs[i]);
        for (size_t i = 0; i < loaded.n; i++)
            free(loaded.paths[i]);
        free(loaded.runs);
        free(loaded.paths);
        if (rc != 0)
            return -1;
    }
    for (size_t m = 0; m < s->n; m++) {
        char side[64];
        snprintf(side, sizeof side, "%s (%s)", s->machines[m].label, s->machines[m].spec);
        if (run_set_check_unique(&s->machines[m].set, side) != 0)
            return -1;
    }
    return 0;
}

void hw_set_free(struct hw_set *s)
{
    for (size_t m = 0; m < s->n; m++) {
        run_set_free(&s->machines[m].set);
        free(s->machines[m].spec);
    }
    s->n = 0;
}

/* ---- problems ------------------------------------------------------------------ */

static const struct sl_problem_info *problem_of(const struct sl_run *run,
                                                const struct sl_result *r)
{
    for (size_t i = 0; i < run->n_problems; i++)
        if (strcmp(run->problems[i].size, r->size) == 0)
            return &run->problems[i];
    return NULL;
}

void hw_problem_class(const struct sl_run *run, const struct sl_result *r, char *buf,
                      size_t len)
{
    const struct sl_problem_info *p = problem_of(run, r);
    const char *rule = p ? strstr(p->source, "auto: ") : NULL;
    if (!rule) {
        snprintf(buf, len, "%s", r->size);
        return;
    }
    rule += strlen("auto: ");
    const char *end = strstr(rule, " of ");
    int n = end ? (int)(end - rule) : (int)strlen(rule);
    snprintf(buf, len, "%.*s", n, rule);
}

static double working_set(const struct sl_run *run, const struct sl_result *r)
{
    const struct sl_problem_info *p = problem_of(run, r);
    for (int i = 0; p && i < p->n_params; i++)
        if (strcmp(p->params[i].key, "working_set_bytes") == 0)
            return p->params[i].value;
    return 0;
}

bool hw_result_valid(const struct sl_result *r)
{
    return r->status == SL_STATUS_OK && r->reps > 0 && !(r->validated && !r->validation.valid);
}

double hw_speed_ratio(struct hw_result a, struct hw_result b)
{
    double ma = a.r->d.merit.value, mb = b.r->d.merit.value;
    if (isfinite(ma) && isfinite(mb) && ma > 0)
        return mb / ma;
    if (strcmp(a.r->size, b.r->size) == 0 && b.r->d.median_s.value > 0)
        return a.r->d.median_s.value / b.r->d.median_s.value;
    return NAN;
}

static bool answers(const struct sl_run *run, const struct sl_result *r, const char *kernel,
                    const char *problem)
{
    char class[96];
    if (strcmp(r->kernel, kernel) != 0)
        return false;
    hw_problem_class(run, r, class, sizeof class);
    return strcmp(class, problem) == 0;
}

struct hw_result hw_find(const struct hw_machine *m, const char *kernel, const char *variant,
                         const char *schedule, int threads, const char *problem)
{
    const struct run_set *s = &m->set;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->runs[i].n_results; k++) {
            const struct sl_result *r = &s->runs[i].results[k];
            if (r->threads == threads && strcmp(r->variant, variant) == 0 &&
                strcmp(r->schedule, schedule) == 0 && answers(&s->runs[i], r, kernel, problem))
                return (struct hw_result){r, &s->runs[i]};
        }
    return (struct hw_result){NULL, NULL};
}

/* ---- the summary --------------------------------------------------------------- */

/* Calls fn on every valid result of machine m answering (kernel, problem). */
typedef void (*each_fn)(struct hw_result x, void *ctx);
static void each_valid(const struct hw_machine *m, const char *kernel, const char *problem,
                       each_fn fn, void *ctx)
{
    const struct run_set *s = &m->set;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->runs[i].n_results; k++) {
            const struct sl_result *r = &s->runs[i].results[k];
            if (hw_result_valid(r) && answers(&s->runs[i], r, kernel, problem))
                fn((struct hw_result){r, &s->runs[i]}, ctx);
        }
}

/* The higher figure of merit wins; without one, the shorter median. */
static void keep_best(struct hw_result x, void *ctx)
{
    struct hw_result *best = ctx;
    double mx = x.r->d.merit.value;
    if (!best->r)
        *best = x;
    else if (isfinite(mx) || isfinite(best->r->d.merit.value)) {
        if (isfinite(mx) && !(mx <= best->r->d.merit.value))
            *best = x;
    } else if (x.r->d.median_s.value < best->r->d.median_s.value) {
        *best = x;
    }
}

static void keep_max_threads(struct hw_result x, void *ctx)
{
    int *max = ctx;
    if (x.r->threads > *max)
        *max = x.r->threads;
}

struct log_mean {
    double sum;
    size_t n;
};

static void add_ratio(struct log_mean *g, double ratio)
{
    if (isfinite(ratio) && ratio > 0) {
        g->sum += log(ratio);
        g->n++;
    }
}

static struct hw_ratio finish(struct log_mean g)
{
    return (struct hw_ratio){.geomean = g.n ? exp(g.sum / (double)g.n) : NAN, .n = g.n};
}

/* Like-for-like pairs of the first machine's results with machine `other`. */
struct pairing {
    const struct hw_machine *other;
    const char *problem;
    int base_threads, threads;
    struct log_mean g;
};

static void pair_one(struct hw_result x, void *ctx)
{
    struct pairing *p = ctx;
    if (x.r->threads != p->base_threads)
        return;
    struct hw_result y =
        hw_find(p->other, x.r->kernel, x.r->variant, x.r->schedule, p->threads, p->problem);
    if (y.r && hw_result_valid(y.r))
        add_ratio(&p->g, hw_speed_ratio(x, y));
}

static struct hw_ratio like_for_like(const struct hw_set *s, size_t m, const char *kernel,
                                     const char *problem, bool all_cores)
{
    struct pairing p = {.other = &s->machines[m], .problem = problem, .base_threads = 1,
                        .threads = 1};
    if (all_cores) {
        p.base_threads = p.threads = 0;
        each_valid(&s->machines[0], kernel, problem, keep_max_threads, &p.base_threads);
        each_valid(&s->machines[m], kernel, problem, keep_max_threads, &p.threads);
    }
    each_valid(&s->machines[0], kernel, problem, pair_one, &p);
    struct hw_ratio r = finish(p.g);
    r.threads = p.threads;
    r.base_threads = p.base_threads;
    return r;
}

/* How well a problem class of a workload serves as its headline: measured
 * on more machines, with more valid results, with a larger working set. */
struct class_score {
    size_t machines, results;
    double working_set;
};

static void count_result(struct hw_result x, void *ctx)
{
    struct class_score *c = ctx;
    c->results++;
    double ws = working_set(x.run, x.r);
    if (ws > c->working_set)
        c->working_set = ws;
}

static struct class_score score_class(const struct hw_set *s, const char *kernel,
                                      const char *problem)
{
    struct class_score total = {0};
    for (size_t m = 0; m < s->n; m++) {
        struct class_score one = {0};
        each_valid(&s->machines[m], kernel, problem, count_result, &one);
        total.machines += one.results > 0;
        total.results += one.results;
        if (one.working_set > total.working_set)
            total.working_set = one.working_set;
    }
    return total;
}

static bool better_score(struct class_score a, struct class_score b)
{
    if (a.machines != b.machines)
        return a.machines > b.machines;
    if (a.results != b.results)
        return a.results > b.results;
    return a.working_set > b.working_set;
}

/* The headline problem of `kernel`: of every class any machine measured. */
static void headline_problem(const struct hw_set *s, const char *kernel, char *out, size_t len)
{
    struct class_score best = {0};
    out[0] = '\0';
    for (size_t m = 0; m < s->n; m++) {
        const struct run_set *set = &s->machines[m].set;
        for (size_t i = 0; i < set->n; i++)
            for (size_t k = 0; k < set->runs[i].n_results; k++) {
                const struct sl_result *r = &set->runs[i].results[k];
                char class[96];
                if (strcmp(r->kernel, kernel) != 0)
                    continue;
                hw_problem_class(&set->runs[i], r, class, sizeof class);
                struct class_score sc = score_class(s, kernel, class);
                if (!out[0] || better_score(sc, best)) {
                    best = sc;
                    snprintf(out, len, "%s", class);
                }
            }
    }
}

static void fill_row(const struct hw_set *s, struct hw_workload_row *row)
{
    headline_problem(s, row->kernel, row->problem, sizeof row->problem);
    for (size_t m = 0; m < s->n; m++) {
        row->best[m] = (struct hw_result){NULL, NULL};
        each_valid(&s->machines[m], row->kernel, row->problem, keep_best, &row->best[m]);
        row->best_ratio[m] = row->best[0].r && row->best[m].r
                                 ? hw_speed_ratio(row->best[0], row->best[m])
                                 : NAN;
        row->t1[m] = like_for_like(s, m, row->kernel, row->problem, false);
        row->all[m] = like_for_like(s, m, row->kernel, row->problem, true);
    }
}

static bool has_row(const struct hw_summary *sum, const char *kernel)
{
    for (size_t i = 0; i < sum->n_rows; i++)
        if (strcmp(sum->rows[i].kernel, kernel) == 0)
            return true;
    return false;
}

static int add_skip(struct hw_summary *sum, size_t m, const struct sl_result *r)
{
    const char *status = sl_status_name(r->status), *reason = r->reason ? r->reason : "";
    for (size_t i = 0; i < sum->n_skips; i++) {
        struct hw_skip *k = &sum->skips[i];
        if (strcmp(k->kernel, r->kernel) == 0 && strcmp(k->variant, r->variant) == 0 &&
            strcmp(k->status, status) == 0 && strcmp(k->reason, reason) == 0) {
            k->on[m] = true;
            k->count++;
            return 0;
        }
    }
    struct hw_skip *skips = realloc(sum->skips, (sum->n_skips + 1) * sizeof *skips);
    if (!skips)
        return sl_fail("out of memory");
    sum->skips = skips;
    skips[sum->n_skips++] = (struct hw_skip){.kernel = r->kernel, .variant = r->variant,
                                             .status = status, .reason = reason, .count = 1};
    skips[sum->n_skips - 1].on[m] = true;
    return 0;
}

/* Whether another machine than m has a valid result answering r's question. */
static bool valid_elsewhere(const struct hw_set *s, size_t m, const struct sl_run *run,
                            const struct sl_result *r)
{
    char problem[96];
    hw_problem_class(run, r, problem, sizeof problem);
    for (size_t o = 0; o < s->n; o++) {
        struct hw_result x =
            hw_find(&s->machines[o], r->kernel, r->variant, r->schedule, r->threads, problem);
        if (o != m && x.r && hw_result_valid(x.r))
            return true;
    }
    return false;
}

/* One row per workload (in the order the machines hold them) and the skips. */
static int collect(const struct hw_set *s, struct hw_summary *sum)
{
    for (size_t m = 0; m < s->n; m++) {
        const struct run_set *set = &s->machines[m].set;
        for (size_t i = 0; i < set->n; i++)
            for (size_t k = 0; k < set->runs[i].n_results; k++) {
                const struct sl_result *r = &set->runs[i].results[k];
                if (r->status != SL_STATUS_OK) {
                    if (!valid_elsewhere(s, m, &set->runs[i], r)) {
                        sum->n_common_skips++;
                        sum->common_skip_example = sum->common_skip_example
                                                       ? sum->common_skip_example
                                                       : r->reason;
                    } else if (add_skip(sum, m, r) != 0) {
                        return -1;
                    }
                }
                if (has_row(sum, r->kernel))
                    continue;
                struct hw_workload_row *rows =
                    realloc(sum->rows, (sum->n_rows + 1) * sizeof *rows);
                if (!rows)
                    return sl_fail("out of memory");
                sum->rows = rows;
                rows[sum->n_rows++] = (struct hw_workload_row){.kernel = r->kernel};
            }
    }
    return 0;
}

int hw_summary_compute(const struct hw_set *s, struct hw_summary *out)
{
    memset(out, 0, sizeof *out);
    if (collect(s, out) != 0) {
        hw_summary_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n_rows; i++)
        fill_row(s, &out->rows[i]);
    for (size_t m = 0; m < s->n; m++) {
        struct log_mean best = {0}, t1 = {0}, all = {0};
        for (size_t i = 0; i < out->n_rows; i++) {
            add_ratio(&best, out->rows[i].best_ratio[m]);
            add_ratio(&t1, out->rows[i].t1[m].geomean);
            add_ratio(&all, out->rows[i].all[m].geomean);
        }
        out->gm_best[m] = finish(best);
        out->gm_t1[m] = finish(t1);
        out->gm_all[m] = finish(all);
    }
    return 0;
}

void hw_summary_free(struct hw_summary *sum)
{
    free(sum->rows);
    free(sum->skips);
    memset(sum, 0, sizeof *sum);
}

/* ---- what differs ------------------------------------------------------------------ */

static bool same_caches(const struct sl_machine_desc *a, const struct sl_machine_desc *b)
{
    if (a->n_caches != b->n_caches)
        return false;
    for (int i = 0; i < a->n_caches; i++)
        if (a->caches[i].level != b->caches[i].level || a->caches[i].size != b->caches[i].size ||
            strcmp(a->caches[i].type, b->caches[i].type) != 0)
            return false;
    return true;
}

/* Appends each item of a ", "-separated list that `out` does not hold yet. */
static void append(char *out, size_t len, const char *items)
{
    for (const char *item = items; *item;) {
        size_t n = strcspn(item, ",");
        bool held = false;
        for (const char *at = out; *at && !held;) {
            size_t k = strcspn(at, ",");
            held = k == n && strncmp(at, item, n) == 0;
            at += k + (at[k] == ',' ? 2 : 0);
        }
        size_t used = strlen(out);
        if (!held)
            snprintf(out + used, len - used, "%s%.*s", used ? ", " : "", (int)n, item);
        item += n + (item[n] == ',' ? 2 : 0);
    }
}

void hw_differences(const struct hw_set *s, char *out, size_t len)
{
    out[0] = '\0';
    for (size_t m = 1; m < s->n; m++) {
        const struct sl_run *a = &s->machines[0].set.runs[0], *b = &s->machines[m].set.runs[0];
        char what[128];
        if (!run_same_hardware(a, b, what, sizeof what))
            append(out, len, what);
        if (!same_caches(&a->machine, &b->machine))
            append(out, len, "caches");
        if (fabs(a->machine.memory_gib - b->machine.memory_gib) > 0.01 * a->machine.memory_gib)
            append(out, len, "memory");
        /* A record older than the identity block says nothing either way. */
        bool ids = a->machine.identity_recorded && b->machine.identity_recorded;
        if (ids && strcmp(a->machine.microarchitecture, b->machine.microarchitecture) != 0)
            append(out, len, "microarchitecture");
        if (ids && strcmp(a->machine.microcode, b->machine.microcode) != 0)
            append(out, len, "microcode");
        if (ids && strcmp(a->machine.memory_devices, b->machine.memory_devices) != 0)
            append(out, len, "memory devices");
        if (strcmp(a->machine.os, b->machine.os) != 0)
            append(out, len, "OS");
        if (strcmp(a->build.compiler, b->build.compiler) != 0)
            append(out, len, "compiler");
        if (strcmp(a->build.commit, b->build.commit) != 0)
            append(out, len, "commit");
        if (strcmp(a->machine.hostname, b->machine.hostname) != 0)
            append(out, len, "hostname");
    }
}
