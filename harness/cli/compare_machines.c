#include "cli/compare_machines.h"

#include "cli/cli.h"
#include "kit/sl.h"
#include "reporters/text_table.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct sl_run *first_run(const struct hw_set *s, size_t m)
{
    return &s->machines[m].set.runs[0];
}

/* "0.94", or "-" when unavailable. */
static void ratio_text(double ratio, char *out, size_t len)
{
    if (isfinite(ratio))
        snprintf(out, len, "%.2f", ratio);
    else
        snprintf(out, len, "-");
}

/* "0.97 (12)": a geometric mean and how many ratios it is of. */
static void geomean_text(struct hw_ratio r, char *out, size_t len)
{
    if (r.n == 0)
        snprintf(out, len, "-");
    else
        snprintf(out, len, "%.2f (%zu)", r.geomean, r.n);
}

/* "14.1 GB/s", or the median time when the workload has no figure of merit. */
static void merit_text(struct hw_result x, char *out, size_t len)
{
    char unit[64];
    double v = x.r->d.merit.value;
    if (isfinite(v))
        snprintf(out, len, v < 1e4 ? "%.4g %s" : "%.0f %s", v,
                 sl_merit_label(x.run->merit, x.run->unit, unit, sizeof unit));
    else
        text_seconds(x.r->d.median_s.value, out, len);
}

/* ---- the machines ------------------------------------------------------------ */

static void legend(const struct hw_set *s)
{
    printf("hardware comparison of %zu machines (ratios: machine / M1, above 1 faster)\n", s->n);
    for (size_t m = 0; m < s->n; m++) {
        const struct hw_machine *hm = &s->machines[m];
        const struct sl_machine_desc *d = &first_run(s, m)->machine;
        printf("  %s  %s: %zu record%s, host %s, %s%s%s%s, %d of %d CPUs allowed\n",
               hm->label, hm->spec, hm->set.n, hm->set.n == 1 ? "" : "s", d->hostname,
               d->cpu_model, d->identity_recorded ? " (" : "",
               d->identity_recorded ? d->microarchitecture : "", d->identity_recorded ? ")" : "",
               d->pus_allowed, d->pus_total);
    }
    char differs[256];
    hw_differences(s, differs, sizeof differs);
    printf("  machines differ in: %s\n\n", differs[0] ? differs : "nothing recorded");
}

/* The ISA words of machine m that some other machine lacks. */
static void isa_only(const struct hw_set *s, size_t m, char *out, size_t len)
{
    out[0] = '\0';
    char *copy = strdup(first_run(s, m)->machine.isa);
    if (!copy)
        return;
    char *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        bool everywhere = true;
        size_t tl = strlen(tok);
        for (size_t o = 0; o < s->n && everywhere; o++) {
            const char *other = first_run(s, o)->machine.isa;
            bool found = false;
            for (const char *at = strstr(other, tok); at && !found; at = strstr(at + 1, tok))
                found = (at == other || at[-1] == ' ') && (at[tl] == ' ' || at[tl] == '\0');
            everywhere = found;
        }
        if (!everywhere) {
            size_t used = strlen(out);
            snprintf(out + used, len - used, "%s%s", used ? " " : "", tok);
        }
    }
    free(copy);
    if (!out[0])
        snprintf(out, len, "-");
}

static void caches_text(const struct sl_machine_desc *m, char *out, size_t len)
{
    out[0] = '\0';
    for (int i = 0; i < m->n_caches; i++) {
        const struct sl_cache_desc *c = &m->caches[i];
        if (strcmp(c->type, "instruction") == 0)
            continue;
        size_t used = strlen(out);
        bool mib = c->size >= 1048576;
        snprintf(out + used, len - used, "%sL%d %.0f %s", used ? ", " : "", c->level,
                 (double)c->size / (mib ? 1048576 : 1024), mib ? "MiB" : "KiB");
    }
}

/* "unavailable (no SMBIOS tables)" of "unavailable (no SMBIOS tables: path:
 * error)": a reason's first clause keeps the table narrow (the record holds
 * all of it); other text as it is. */
static void first_clause(const char *text, char *out, size_t len)
{
    const char *open = strchr(text, '(');
    size_t cut = open ? strcspn(open, ":;") : 0;
    if (strncmp(text, "unavailable (", 13) == 0 && open[cut])
        snprintf(out, len, "%.*s)", (int)(open - text + (ptrdiff_t)cut), text);
    else
        snprintf(out, len, "%s", text);
}

/* The counters of a machine in a few words: the first event's state and the
 * reason's first clause (the whole reason is in the record). */
static void counters_text(const struct run_set *s, char *out, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->runs[i].n_results; k++) {
            const struct sl_result *r = &s->runs[i].results[k];
            if (r->n_counters > 0) {
                const struct sl_counter_event *e = &r->counters[0].event;
                char full[300];
                snprintf(full, sizeof full, "%s%s%s%s", sl_counter_state_name(e->state),
                         e->reason[0] ? " (" : "", e->reason, e->reason[0] ? ")" : "");
                first_clause(full, out, len);
                return;
            }
            if (r->simulated) {
                snprintf(out, len, "simulated caches only");
                return;
            }
        }
    snprintf(out, len, "not recorded");
}

enum { ROW_CPU, ROW_UARCH, ROW_MICROCODE, ROW_HOST, ROW_TOPOLOGY, ROW_ALLOWED, ROW_ISA, ROW_CACHES, ROW_MEMORY, ROW_DIMMS,
       ROW_OS, ROW_COMPILER, ROW_PEAK, ROW_COUNTERS, N_ROWS };
static const char *const row_names[N_ROWS] = {
    "CPU",    "microarchitecture", "microcode", "host",     "topology",  "allowed CPUs",
    "ISA only here", "caches", "memory", "memory devices", "OS", "compiler", "peak fp64",
    "counters"};

static void machine_cell(const struct hw_set *s, size_t m, int row, char *out, size_t len)
{
    const struct sl_run *run = first_run(s, m);
    const struct sl_machine_desc *d = &run->machine;
    switch (row) {
    case ROW_CPU: snprintf(out, len, "%s", d->cpu_model); break;
    case ROW_UARCH:
    case ROW_MICROCODE:
    case ROW_DIMMS:
        first_clause(!d->identity_recorded ? "not in this record"
                     : row == ROW_UARCH    ? d->microarchitecture
                     : row == ROW_MICROCODE ? d->microcode
                                            : d->memory_devices,
                     out, len);
        break;
    case ROW_HOST: snprintf(out, len, "%s", d->hostname); break;
    case ROW_TOPOLOGY:
        snprintf(out, len, "%d packages, %d cores, %d CPUs", d->packages, d->cores_total,
                 d->pus_total);
        break;
    case ROW_ALLOWED: snprintf(out, len, "%d (%s)", d->pus_allowed, d->allowed_list); break;
    case ROW_ISA: isa_only(s, m, out, len); break;
    case ROW_CACHES: caches_text(d, out, len); break;
    case ROW_MEMORY: snprintf(out, len, "%.1f GiB", d->memory_gib); break;
    case ROW_OS: snprintf(out, len, "%s", d->os); break;
    case ROW_COMPILER: snprintf(out, len, "%s", run->build.compiler ? run->build.compiler : "-"); break;
    case ROW_PEAK:
        if (isfinite(d->peak_gflops_fp64))
            snprintf(out, len, "%.1f GFLOP/s", d->peak_gflops_fp64);
        else
            snprintf(out, len, "unavailable");
        break;
    default: counters_text(&s->machines[m].set, out, len); break;
    }
}

static void machine_table(const struct hw_set *s, bool md)
{
    const char *header[HW_MAX_MACHINES + 1] = {"<"};
    char labels[HW_MAX_MACHINES][12];
    for (size_t m = 0; m < s->n; m++) {
        snprintf(labels[m], sizeof labels[m], "<%s", s->machines[m].label);
        header[m + 1] = labels[m];
    }
    struct text_table t;
    if (text_table_init(&t, s->n + 1, header) != 0)
        return;
    for (int row = 0; row < N_ROWS; row++) {
        char cells[HW_MAX_MACHINES][512];
        const char *line[HW_MAX_MACHINES + 1] = {row_names[row]};
        for (size_t m = 0; m < s->n; m++) {
            machine_cell(s, m, row, cells[m], sizeof cells[m]);
            line[m + 1] = cells[m];
        }
        text_table_add(&t, line);
    }
    text_table_print(&t, stdout, md);
    text_table_free(&t);
}

/* ---- the summary ---------------------------------------------------------------- */

static void summary_row(const struct hw_set *s, const struct hw_workload_row *w, size_t m,
                        struct text_table *t)
{
    char best[160] = "not measured", merit[64] = "-", ratio[32] = "-", t1[32] = "-",
         all[48] = "-";
    struct hw_result b = w->best[m];
    if (b.r) {
        snprintf(best, sizeof best, "%s/%s t%d", b.r->variant, b.r->schedule, b.r->threads);
        merit_text(b, merit, sizeof merit);
        ratio_text(w->best_ratio[m], ratio, sizeof ratio);
    }
    if (m > 0) {
        geomean_text(w->t1[m], t1, sizeof t1);
        geomean_text(w->all[m], all, sizeof all);
        if (w->all[m].n > 0) {
            size_t used = strlen(all);
            snprintf(all + used, sizeof all - used, " t%d/t%d", w->all[m].threads,
                     w->all[m].base_threads);
        }
    }
    const char *cells[] = {m == 0 ? w->kernel : "", m == 0 ? w->problem : "",
                           s->machines[m].label, best, merit, ratio, t1, all};
    text_table_add(t, cells);
}

static void summary_table(const struct hw_set *s, const struct hw_summary *sum, bool md)
{
    static const char *const header[] = {"<workload", "<problem", "<machine",
                                         "<best valid variant",
                                         "merit", "vs M1", "same t1", "same all cores"};
    struct text_table t;
    if (text_table_init(&t, 8, header) != 0)
        return;
    for (size_t i = 0; i < sum->n_rows; i++)
        for (size_t m = 0; m < s->n; m++)
            summary_row(s, &sum->rows[i], m, &t);
    for (size_t m = 1; m < s->n; m++) {
        char best[32], t1[32], all[32];
        geomean_text(sum->gm_best[m], best, sizeof best);
        geomean_text(sum->gm_t1[m], t1, sizeof t1);
        geomean_text(sum->gm_all[m], all, sizeof all);
        const char *cells[] = {m == 1 ? "geometric mean" : "", m == 1 ? "over workloads" : "",
                               s->machines[m].label, "", "", best, t1, all};
        text_table_add(&t, cells);
    }
    text_table_print(&t, stdout, md);
    text_table_free(&t);
    printf("\nvs M1: best merit / M1's best merit.  same t1, same all cores: the "
           "geometric mean\nover every variant and schedule valid on both machines of "
           "machine / M1 speed (merit\nratio; time ratio where sizes are equal), at 1 thread "
           "and each at its largest thread\ncount (tN/tM); (n): how many ratios.  A problem "
           "named by a rule (\"4 x last-level\ncache\") is the same question on every machine "
           "whatever size it came to.\n");
}

/* ---- warnings and skips ----------------------------------------------------------- */

/* The load and noise warnings of a machine's records, each check once with
 * how many records it concerned. */
static void machine_warnings(const struct hw_machine *hm)
{
    static const char *const varying[] = {"load_average", "noise_probe"};
    for (size_t k = 0; k < sizeof varying / sizeof varying[0]; k++) {
        const char *first = NULL;
        size_t count = 0;
        for (size_t i = 0; i < hm->set.n; i++) {
            const struct sl_environment *env = &hm->set.runs[i].environment;
            for (int c = 0; c < env->n_checks; c++)
                if (strcmp(env->checks[c].name, varying[k]) == 0 && env->checks[c].warning[0]) {
                    first = first ? first : env->checks[c].warning;
                    count++;
                }
        }
        if (first)
            printf("  %s: %s (%zu of %zu records%s)\n", hm->label, first, count, hm->set.n,
                   count > 1 ? "; the first said" : "");
    }
}

static void warnings(const struct hw_set *s)
{
    printf("\nwarnings (what the system did to the timings):\n");
    for (size_t m = 0; m < s->n; m++)
        machine_warnings(&s->machines[m]);
}

static void skips(const struct hw_set *s, const struct hw_summary *sum)
{
    if (sum->n_common_skips > 0)
        printf("\n%zu results not measured on any machine that asked for them (such as: %s): "
               "no difference between the machines\n",
               sum->n_common_skips,
               sum->common_skip_example ? sum->common_skip_example : "no reason recorded");
    if (sum->n_skips == 0)
        return;
    printf("\nnot measured on one machine, measured on another (one line per variant and "
           "reason):\n");
    for (size_t i = 0; i < sum->n_skips; i++) {
        const struct hw_skip *k = &sum->skips[i];
        char on[64] = "";
        for (size_t m = 0; m < s->n; m++)
            if (k->on[m]) {
                size_t used = strlen(on);
                snprintf(on + used, sizeof on - used, "%s%s", used ? "," : "",
                         s->machines[m].label);
            }
        printf("  %s/%s on %s: %s%s%s%s (%zu result%s)\n", k->kernel, k->variant, on, k->status,
               k->reason[0] ? " (" : "", k->reason, k->reason[0] ? ")" : "", k->count,
               k->count == 1 ? "" : "s");
    }
}

/* ---- the details ------------------------------------------------------------------- */

/* A group of results: (kernel, variant, schedule, problem). */
struct group {
    const struct sl_result *key;
    char problem[96];
};

static int add_group(struct group **groups, size_t *n, const struct sl_run *run,
                     const struct sl_result *r)
{
    char problem[96];
    hw_problem_class(run, r, problem, sizeof problem);
    for (size_t i = 0; i < *n; i++) {
        const struct sl_result *k = (*groups)[i].key;
        if (strcmp(k->kernel, r->kernel) == 0 && strcmp(k->variant, r->variant) == 0 &&
            strcmp(k->schedule, r->schedule) == 0 && strcmp((*groups)[i].problem, problem) == 0)
            return 0;
    }
    struct group *grown = realloc(*groups, (*n + 1) * sizeof *grown);
    if (!grown)
        return sl_fail("out of memory");
    *groups = grown;
    grown[*n].key = r;
    snprintf(grown[*n].problem, sizeof grown[*n].problem, "%s", problem);
    (*n)++;
    return 0;
}

/* The groups with a valid result on some machine, in the machines' order. */
static int collect_groups(const struct hw_set *s, struct group **groups, size_t *n)
{
    *groups = NULL;
    *n = 0;
    for (size_t m = 0; m < s->n; m++)
        for (size_t i = 0; i < s->machines[m].set.n; i++) {
            const struct sl_run *run = &s->machines[m].set.runs[i];
            for (size_t k = 0; k < run->n_results; k++)
                if (hw_result_valid(&run->results[k]) &&
                    add_group(groups, n, run, &run->results[k]) != 0)
                    return -1;
        }
    return 0;
}

/* The marks of a speedup physics does not allow without a cause, said
 * under the table when used. */
struct implausible_marks {
    bool superlinear, disturbed;
};

static void result_cells(struct hw_result base, struct hw_result x, bool first, char *merit,
                         size_t mlen, char *speedup, size_t slen, struct implausible_marks *marks)
{
    snprintf(merit, mlen, "-");
    snprintf(speedup, slen, "-");
    if (!x.r)
        return;
    if (!hw_result_valid(x.r)) {
        snprintf(merit, mlen, "%s", x.r->status == SL_STATUS_OK ? "INVALID" : sl_status_name(x.r->status));
        return;
    }
    merit_text(x, merit, mlen);
    if (!first && base.r && hw_result_valid(base.r)) {
        size_t used = strlen(merit);
        double ratio = hw_speed_ratio(base, x);
        if (isfinite(ratio))
            snprintf(merit + used, mlen - used, " (%.2f)", ratio);
    }
    if (!isfinite(x.r->d.speedup.value))
        return;
    /* At one thread the speedup is 1 by definition: nothing to doubt. */
    bool disturbed = x.r->threads > 1 && x.r->d.noise.speedup_disturbed;
    snprintf(speedup, slen, "%.2f (%.2f)%s%s", x.r->d.speedup.value, x.r->d.efficiency.value,
             x.r->d.superlinear ? " !" : "", disturbed ? " ~" : "");
    marks->superlinear |= x.r->d.superlinear;
    marks->disturbed |= disturbed;
}

/* The thread counts any machine measured a group at, ascending. */
static size_t group_threads(const struct hw_set *s, const struct group *g, int *threads,
                            size_t max)
{
    size_t n = 0;
    for (size_t m = 0; m < s->n; m++)
        for (size_t i = 0; i < s->machines[m].set.n; i++) {
            const struct sl_run *run = &s->machines[m].set.runs[i];
            for (size_t k = 0; k < run->n_results; k++) {
                const struct sl_result *r = &run->results[k];
                char problem[96];
                if (strcmp(r->kernel, g->key->kernel) != 0 ||
                    strcmp(r->variant, g->key->variant) != 0 ||
                    strcmp(r->schedule, g->key->schedule) != 0)
                    continue;
                hw_problem_class(run, r, problem, sizeof problem);
                size_t at = 0;
                while (at < n && threads[at] < r->threads)
                    at++;
                if (strcmp(problem, g->problem) != 0 || (at < n && threads[at] == r->threads) ||
                    n == max)
                    continue;
                memmove(threads + at + 1, threads + at, (n - at) * sizeof *threads);
                threads[at] = r->threads;
                n++;
            }
        }
    return n;
}

/* A row per thread count of the group with a valid result on some machine. */
static void details_rows(const struct hw_set *s, const struct group *g, struct text_table *t,
                         struct implausible_marks *marks)
{
    int threads[256];
    size_t n = group_threads(s, g, threads, sizeof threads / sizeof threads[0]);
    bool labelled = false;
    for (size_t i = 0; i < n; i++) {
        struct hw_result x[HW_MAX_MACHINES];
        bool any = false;
        for (size_t m = 0; m < s->n; m++) {
            x[m] = hw_find(&s->machines[m], g->key->kernel, g->key->variant, g->key->schedule,
                           threads[i], g->problem);
            any |= x[m].r && hw_result_valid(x[m].r);
        }
        if (!any)
            continue;
        char label[256], th[16], merit[HW_MAX_MACHINES][80], speedup[HW_MAX_MACHINES][48];
        snprintf(label, sizeof label, "%s/%s/%s [%s]", g->key->kernel, g->key->variant,
                 g->key->schedule, g->problem);
        snprintf(th, sizeof th, "%d", threads[i]);
        const char *cells[2 + 2 * HW_MAX_MACHINES] = {labelled ? "" : label, th};
        for (size_t m = 0; m < s->n; m++) {
            result_cells(x[0], x[m], m == 0, merit[m], sizeof merit[m], speedup[m],
                         sizeof speedup[m], marks);
            cells[2 + m] = merit[m];
            cells[2 + s->n + m] = speedup[m];
        }
        text_table_add(t, cells);
        labelled = true;
    }
}

static int details(const struct hw_set *s, bool md)
{
    struct group *groups;
    size_t n;
    if (collect_groups(s, &groups, &n) != 0) {
        free(groups);
        return -1;
    }
    const char *header[2 + 2 * HW_MAX_MACHINES] = {"<result [problem]", "threads"};
    char names[2 * HW_MAX_MACHINES][32];
    for (size_t m = 0; m < s->n; m++) {
        snprintf(names[m], sizeof names[m], "%s merit", s->machines[m].label);
        snprintf(names[s->n + m], sizeof names[s->n + m], "%s speedup (eff)",
                 s->machines[m].label);
        header[2 + m] = names[m];
        header[2 + s->n + m] = names[s->n + m];
    }
    struct text_table t;
    int rc = text_table_init(&t, 2 + 2 * s->n, header);
    struct implausible_marks marks = {0};
    for (size_t i = 0; i < n && rc == 0; i++)
        details_rows(s, &groups[i], &t, &marks);
    if (rc == 0) {
        printf("\nevery result (merit (machine / M1 speed); '-' not run there):\n\n");
        text_table_print(&t, stdout, md);
        if (marks.superlinear)
            printf("! superlinear: efficiency above 1 beyond its interval: cache effect or noise, "
                   "see noise verdict\n");
        if (marks.disturbed)
            printf("~ speedup from disturbed repetitions (its 1-thread or its own run was "
                   "disturbed): read it with the noise verdicts\n");
    }
    text_table_free(&t);
    free(groups);
    return rc;
}

/* ---- the report ---------------------------------------------------------------------- */

/* Whether any result of machine m > 0 answers a question M1 answered. */
static bool any_shared(const struct hw_summary *sum, size_t n_machines)
{
    for (size_t i = 0; i < sum->n_rows; i++)
        for (size_t m = 1; m < n_machines; m++)
            if (sum->rows[i].t1[m].n + sum->rows[i].all[m].n > 0 ||
                (sum->rows[i].best[0].r && sum->rows[i].best[m].r))
                return true;
    return false;
}

int compare_machines_report(const struct hw_set *s, bool md)
{
    struct hw_summary sum;
    if (hw_summary_compute(s, &sum) != 0)
        return cli_error(EXIT_FAILURE);
    int status = EXIT_SUCCESS;
    if (!any_shared(&sum, s->n)) {
        sl_fail("no matching results: the machines share no workload measured at the same "
                "problem");
        status = cli_usage_error();
    } else {
        /* In markdown the text parts are code blocks, the tables tables. */
        const char *fence = md ? "```\n" : "";
        printf("%s", fence);
        legend(s);
        printf("%s", fence);
        summary_table(s, &sum, md);
        printf("%s", fence);
        warnings(s);
        skips(s, &sum);
        printf("%s", fence);
        printf("\nthe machines:\n\n");
        machine_table(s, md);
        if (details(s, md) != 0)
            status = cli_error(EXIT_FAILURE);
    }
    hw_summary_free(&sum);
    return status;
}
