/* The console: what a run says while it measures (stdout, line-buffered by
 * main so that each line reaches a file or a pipe when it is said), and
 * --output's fate.  Everything it prints comes from the result model. */
#include "reporters/reporters.h"

#include "kit/memory.h"
#include "kit/sl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct console {
    struct sl_reporter base;
    bool quiet;
    char *record_path, *csv_path;
    size_t problems_said;
    bool noise_source_said;
    char last_skip[512]; /* what the last skip line covered: each is said once */
};

static void print_counter_plan(const struct sl_run *run)
{
    for (int e = 0; e < run->n_counter_plan; e++) {
        const struct sl_counter_event *c = &run->counter_plan[e];
        bool unavailable = c->state == SL_COUNTER_UNAVAILABLE;
        printf("counter %-14s %s%s%s%s\n", c->name, sl_counter_state_name(c->state),
               unavailable ? " (" : "", c->reason, unavailable ? ")" : "");
    }
    if (run->sim)
        printf("simulated caches (callgrind, kernel only): I1 %llu B %u-way, D1 %llu B %u-way, "
               "LL %llu B %u-way, %u-byte lines%s%s\n",
               run->sim_i1.size, run->sim_i1.ways, run->sim_d1.size, run->sim_d1.ways,
               run->sim_ll.size, run->sim_ll.ways, run->sim_d1.line,
               run->sim_ll.note[0] ? "; " : "", run->sim_ll.note);
}

static int console_problem(struct sl_reporter *self, const struct sl_run *run,
                           const struct sl_problem_info *info)
{
    struct console *c = (struct console *)self;
    printf("\n%s %s (%s):", run->config.kernel, info->size, info->source);
    for (int i = 0; i < info->n_params; i++)
        printf("%s %s=%.6g", i ? "," : "", info->params[i].key, info->params[i].value);
    printf("\n");
    if (c->problems_said++ == 0) {
        print_counter_plan(run);
        if (run->config.interleave)
            printf("interleaved: the measurements below take one repetition each per round, in "
                   "an order drawn from seed %llu for every round\n",
                   (unsigned long long)run->config.seed);
    }
    char merit[64];
    printf("%-46s %4s %11s %23s %6s %14s %6s %6s %10s %7s  %s\n", "result", "reps", "median",
           "95% CI of median", "cv", "speedup", "eff", "imbal",
           sl_merit_label(run->merit, run->unit, merit, sizeof merit), "noise", "valid");
    return 0;
}

/* Counted events and simulated caches per unit of work, under the result;
 * unavailable events are said once, at the start of the run. */
static void print_counters(const struct sl_run *run, const struct sl_result *r)
{
    char line[1024];
    size_t used = 0;
    for (int e = 0; e < r->n_counters && used < sizeof line; e++) {
        const struct sl_counter_result *c = &r->counters[e];
        if (c->event.state == SL_COUNTER_UNAVAILABLE || !c->per_worker)
            continue;
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s%s %.4g", used ? ", " : "",
                                 c->event.state == SL_COUNTER_MULTIPLEXED ? "~" : "",
                                 c->event.name, c->per_unit);
    }
    if (used)
        printf("    counters per %s: %s\n", run->unit, line);
    if (!r->simulated)
        return;
    if (!r->sim.available)
        printf("    simulated cache: unavailable (%s)\n", r->sim.reason);
    else
        printf("    simulated per %s: %.4g instructions, %.4g D1 misses, %.4g LL misses "
               "(%.4g data refs)\n",
               run->unit, r->d.sim_instructions_per_unit, r->d.sim_d1_misses_per_unit,
               r->d.sim_ll_misses_per_unit, r->d.sim_data_refs_per_unit);
}

/* "yes", "INVALID", "INVALID (known defect)", or `unchecked`. */
static const char *validity_label(const struct sl_result *r, const char *unchecked)
{
    if (!r->validated)
        return unchecked;
    if (r->validation.valid)
        return "yes";
    return r->known_defect ? "INVALID (known defect)" : "INVALID";
}

/* What the execution produced, its peak memory and, across MPI ranks, each
 * rank's time: one line each, under the result. */
static void print_output_and_memory(const struct sl_result *r)
{
    char line[768];
    size_t used = 0;
    for (int k = 0; k < r->output.n_params && used < sizeof line; k++) {
        double v = r->output.params[k].value;
        /* Counts in full (51601110 kept pairs, not 5.16011e+07). */
        used += (size_t)snprintf(line + used, sizeof line - used,
                                 v == floor(v) && fabs(v) < 1e15 ? "%s%s=%.0f" : "%s%s=%.6g",
                                 k ? ", " : "", r->output.params[k].key, v);
    }
    if (used)
        printf("    output: %s\n", line);
    char peak[32], budget[32];
    double peak_rss = r->peak_rss_bytes.value, limit = r->memory_budget_bytes;
    const char *largest = r->ranks > 1 ? " (largest rank)" : "";
    if (isnan(peak_rss)) {
        if (limit > 0 || r->output.n_params)
            printf("    peak resident memory: unavailable (%s)\n", r->peak_rss_bytes.why);
    } else if (limit > 0) {
        mem_format_bytes(peak_rss, peak, sizeof peak);
        mem_format_bytes(limit, budget, sizeof budget);
        printf("    peak resident memory: %s%s of the memory budget %s%s\n", peak, largest, budget,
               peak_rss > limit ? " (OVER BUDGET)" : "");
    } else if (r->output.n_params) {
        mem_format_bytes(peak_rss, peak, sizeof peak);
        printf("    peak resident memory: %s%s\n", peak, largest);
    }
    if (r->ranks > 1 && r->rank_median_s) {
        used = 0;
        for (int k = 0; k < r->ranks && used < sizeof line; k++)
            used += (size_t)snprintf(line + used, sizeof line - used, "%s%.4g s", k ? ", " : "",
                                     r->rank_median_s[k]);
        printf("    ranks: %d, median busy time per rank %s; rank imbalance %.3f\n", r->ranks, line,
               r->rank_imbalance);
    }
}

/* The noise verdict of a disturbed result with its statistics over the
 * undisturbed repetitions, and the imbalance to read when workers lost CPU
 * time to other work. */
static void print_noise(const struct sl_result *r)
{
    const struct sl_noise_derived *n = &r->d.noise;
    if (n->disturbed_reps > 0) {
        char quiet[120] = "";
        if (isfinite(n->quiet_median_s.value))
            snprintf(quiet, sizeof quiet, "; the %zu undisturbed: median %.4g s%s", n->quiet_reps,
                     n->quiet_median_s.value, isfinite(n->quiet_cv.value) ? ", cv " : "");
        if (isfinite(n->quiet_median_s.value) && isfinite(n->quiet_cv.value))
            snprintf(quiet + strlen(quiet), sizeof quiet - strlen(quiet), "%.1f%%",
                     100 * n->quiet_cv.value);
        printf("    noise: %s%s\n", n->verdict, quiet);
    }
    if (r->threads > 1 && isfinite(n->lowest_on_cpu_share.value) &&
        n->lowest_on_cpu_share.value < SL_ON_CPU_QUIET && isfinite(n->on_cpu_imbalance.value))
        printf("    imbalance %.3f of busy time, %.3f of on-CPU time: read the on-CPU one, the "
               "schedule's (worker %d was on its CPU only %.0f%% of its busy time; the rest went "
               "to other work)\n",
               r->imbalance, n->on_cpu_imbalance.value, n->lowest_share_worker,
               100 * n->lowest_on_cpu_share.value);
}

/* Figures that physics does not allow without a cause: an efficiency above
 * 1 beyond its interval, a speedup from disturbed repetitions. */
static void print_implausible(const struct sl_run *run, const struct sl_result *r)
{
    const struct sl_derived *d = &r->d;
    if (d->superlinear && isfinite(d->efficiency_ci95.lo))
        printf("    superlinear: efficiency %.2f [%.2f, %.2f] is above 1 beyond its interval: "
               "cache effect or noise, see noise verdict\n",
               d->efficiency.value, d->efficiency_ci95.lo, d->efficiency_ci95.hi);
    else if (d->superlinear)
        printf("    superlinear: efficiency %.2f is above 1 (%s to judge it): cache effect or "
               "noise, see noise verdict\n",
               d->efficiency.value, d->efficiency_ci95.why);
    const struct sl_result *base = r->threads > 1 ? sl_run_t1_partner(run, r) : NULL;
    if (d->noise.speedup_disturbed && base)
        printf("    speedup from disturbed repetitions: %zu of %zu here, %zu of %zu in its 1-thread "
               "run (see their noise verdicts)\n",
               d->noise.disturbed_reps, r->reps, base->d.noise.disturbed_reps, base->reps);
}

/* "quiet", "3/15" disturbed, or "-" when not counted. */
static const char *noise_cell(const struct sl_result *r, char *buf, size_t len)
{
    const struct sl_noise_derived *n = &r->d.noise;
    if (!r->noise.counted)
        snprintf(buf, len, "-");
    else if (n->disturbed_reps == 0)
        snprintf(buf, len, "quiet");
    else
        snprintf(buf, len, "%zu/%zu", n->disturbed_reps, r->reps);
    return buf;
}

static void print_measured(const struct sl_run *run, const struct sl_result *r, const char *name)
{
    const struct sl_derived *d = &r->d;
    char ci[40] = "n/a (<6 reps)", speedup[40] = "n/a (no t1)", eff[16] = "n/a", cv[16] = "n/a";
    char imbalance[16] = "n/a";
    if (isfinite(d->cv.value))
        snprintf(cv, sizeof cv, "%.1f%%", 100.0 * d->cv.value);
    if (isfinite(d->ci95_s.lo))
        snprintf(ci, sizeof ci, "[%.4g, %.4g] s", d->ci95_s.lo, d->ci95_s.hi);
    if (isfinite(d->speedup.value)) {
        snprintf(speedup, sizeof speedup, "%.2f", d->speedup.value);
        if (isfinite(d->speedup_ci95.lo))
            snprintf(speedup, sizeof speedup, "%.2f [%.2f,%.2f]", d->speedup.value,
                     d->speedup_ci95.lo, d->speedup_ci95.hi);
        snprintf(eff, sizeof eff, "%.2f", d->efficiency.value);
    }
    if (isfinite(r->imbalance))
        snprintf(imbalance, sizeof imbalance, "%.3f", r->imbalance);
    bool unpinned = r->pin && strcmp(r->pin, "none") == 0;
    char noise[24];
    printf("%-46s %4zu %9.4g s %23s %6s %14s %6s %6s %10.4g %7s  %s%s%s\n", name, r->reps,
           d->median_s.value, ci, cv, speedup, eff, imbalance, d->merit.value,
           noise_cell(r, noise, sizeof noise), validity_label(r, "not checked"),
           r->status == SL_STATUS_INTERRUPTED ? " (interrupted)" : "",
           r->placement_verified || unpinned ? "" : " (placement not verified)");
    if (r->validated && !r->validation.valid)
        printf("    invalid: %s\n", r->validation.detail);
    if (r->validated && !r->validation.valid && r->known_defect)
        printf("    known defect, shown on purpose: %s\n", r->known_defect);
    print_noise(r);
    print_implausible(run, r);
    print_counters(run, r);
    print_output_and_memory(r);
}

/* A skip is said once, for everything it covers: the variant (every
 * schedule and thread count it was planned under). */
static void print_skip(struct console *c, const struct sl_result *r)
{
    char covers[sizeof c->last_skip];
    snprintf(covers, sizeof covers, "%s\n%s", r->size, r->variant);
    if (strcmp(covers, c->last_skip) == 0)
        return;
    snprintf(c->last_skip, sizeof c->last_skip, "%s", covers);
    printf("%s/%-39s skipped: %s (every schedule and thread count)\n", r->kernel, r->variant,
           r->reason);
}

static int console_result(struct sl_reporter *self, const struct sl_run *run,
                          const struct sl_result *r)
{
    struct console *c = (struct console *)self;
    char name[160];
    snprintf(name, sizeof name, "%s/%s/%s/t%d%s", r->kernel, r->variant, r->schedule, r->threads,
             r->oversubscribed ? "!over" : "");
    if (r->status == SL_STATUS_SKIPPED)
        print_skip(c, r);
    else if (r->status == SL_STATUS_ERROR)
        printf("%-46s error: %s\n", name, r->reason);
    else if (r->reps == 0)
        printf("%-46s %s: %s\n", name, sl_status_name(r->status), r->reason);
    else
        print_measured(run, r, name);
    if (r->noise.counted && !c->noise_source_said) {
        c->noise_source_said = true;
        printf("    (noise counted %s; a repetition is disturbed when a worker was switched out "
               "or migrated, was on its CPU less than %.0f%% of its busy time, or began its share "
               "late)\n",
               r->noise.source, 100 * SL_ON_CPU_QUIET);
    }
    return 0;
}

static int console_output(struct sl_reporter *self, const struct sl_run *run)
{
    struct console *c = (struct console *)self;
    if (run->output_state != SL_OUTPUT_WRITTEN)
        fprintf(stderr, "speedlab: error: %s\n", run->output_message);
    else if (!c->quiet)
        printf("output: %s (written in %.3g s)\n", run->config.output, run->output_seconds);
    return 0;
}

/* The best result of a variant at a size and thread count (the fastest ok
 * one), else one that did not run, else NULL. */
static const struct sl_result *best_of(const struct sl_run *run, const char *variant,
                                       const char *size, int threads)
{
    const struct sl_result *best = NULL, *not_ok = NULL;
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        if (strcmp(r->variant, variant) != 0 || r->threads != threads || strcmp(r->size, size) != 0)
            continue;
        if (r->status == SL_STATUS_OK && (!best || r->d.median_s.value < best->d.median_s.value))
            best = r;
        else if (r->status != SL_STATUS_OK)
            not_ok = r;
    }
    return best ? best : not_ok;
}

/* Best time per variant at the largest thread count measured. */
static void print_summary(const struct sl_run *run)
{
    const struct sl_config *cfg = &run->config;
    int tmax = cfg->threads[cfg->n_threads - 1];
    printf("\nsummary at %d thread%s (best schedule per variant; speedup vs its own 1-thread run):\n",
           tmax, tmax == 1 ? "" : "s");
    printf("  %-26s %-10s %-11s %11s %10s %7s %7s  %s\n", "variant", "size", "schedule", "median",
           "speedup", "imbal", "valid", "");
    bool any_superlinear = false, any_disturbed = false;
    for (size_t p = 0; p < run->n_problems; p++)
        for (int v = 0; v < cfg->n_variants; v++) {
            const struct sl_result *r = best_of(run, cfg->variants[v], run->problems[p].size, tmax);
            if (!r)
                continue;
            if (r->status != SL_STATUS_OK) {
                printf("  %-26s %-10s %s: %s\n", r->variant, r->size, sl_status_name(r->status),
                       r->reason);
                continue;
            }
            char sp[24] = "n/a";
            /* Marked as under the result line: superlinear, disturbed inputs. */
            bool disturbed = r->threads > 1 && r->d.noise.speedup_disturbed;
            if (isfinite(r->d.speedup.value))
                snprintf(sp, sizeof sp, "%.2f%s%s", r->d.speedup.value,
                         r->d.superlinear ? " !" : "", disturbed ? " ~" : "");
            any_superlinear |= r->d.superlinear;
            any_disturbed |= disturbed;
            printf("  %-26s %-10s %-11s %9.4g s %10s %7.3f %7s\n", r->variant, r->size, r->schedule,
                   r->d.median_s.value, sp, r->imbalance, validity_label(r, "n/a"));
        }
    if (any_superlinear)
        printf("  ! superlinear: efficiency above 1 beyond its interval: cache effect or noise, see "
               "noise verdict\n");
    if (any_disturbed)
        printf("  ~ speedup from disturbed repetitions (this result's or its 1-thread run's), see "
               "noise verdict\n");
}

/* Simulated misses per unit of work for every variant at each size: the
 * deterministic cache picture, one line per variant (its first result). */
static void print_sim_summary(const struct sl_run *run)
{
    if (!run->sim)
        return;
    printf("\nsimulated caches per %s (valgrind callgrind, kernel only; deterministic):\n",
           run->unit);
    printf("  %-26s %-10s %-11s %3s %14s %12s %12s\n", "variant", "size", "schedule", "t",
           "instructions", "D1 misses", "LL misses");
    for (size_t p = 0; p < run->n_problems; p++)
        for (int v = 0; v < run->config.n_variants; v++)
            for (size_t i = 0; i < run->n_results; i++) {
                const struct sl_result *r = &run->results[i];
                if (strcmp(r->variant, run->config.variants[v]) != 0 || !r->simulated ||
                    strcmp(r->size, run->problems[p].size) != 0)
                    continue;
                if (r->sim.available)
                    printf("  %-26s %-10s %-11s %3d %14.5g %12.5g %12.5g\n", r->variant, r->size,
                           r->schedule, r->threads, r->d.sim_instructions_per_unit,
                           r->d.sim_d1_misses_per_unit, r->d.sim_ll_misses_per_unit);
                else
                    printf("  %-26s %-10s unavailable (%s)\n", r->variant, r->size, r->sim.reason);
                break;
            }
}

static int console_end(struct sl_reporter *self, const struct sl_run *run)
{
    struct console *c = (struct console *)self;
    print_summary(run);
    print_sim_summary(run);
    if (c->record_path)
        printf("\nrecord: %s\ntable:  %s\n", c->record_path, c->csv_path);
    return 0;
}

static void console_destroy(struct sl_reporter *self)
{
    struct console *c = (struct console *)self;
    free(c->record_path);
    free(c->csv_path);
    free(c);
}

/* "0.0031 s", "45 s", "12 min", "3.2 h". */
static void duration(double s, char *buf, size_t len)
{
    if (s < 10)
        snprintf(buf, len, "%.2g s", s);
    else if (s < 120)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, len, "%.0f min", s / 60);
    else
        snprintf(buf, len, "%.1f h", s / 3600);
}

/* On stderr, with the warnings: what is left of a long size, and the
 * option that makes it shorter. */
static int console_estimate(struct sl_reporter *self, const struct sl_run *run,
                            const struct sl_estimate *e)
{
    (void)self;
    char left[32], each[32];
    duration(e->remaining_s, left, sizeof left);
    duration(e->longest_s, each, sizeof each);
    fflush(stdout);
    fprintf(stderr, "estimate: %s %s needs about %s more (%zu measurement%s", run->config.kernel,
            e->size, left, e->total, e->total == 1 ? "" : "s");
    if (e->started < e->total)
        fprintf(stderr, ", %zu not started yet, guessed from the others", e->total - e->started);
    fprintf(stderr, "); the longest, %s, takes %s an execution x %zu repetitions. Shorter: %s, "
                    "fewer --variants or --threads, or a smaller --size\n",
            e->longest, each, e->longest_reps,
            e->by_min_reps ? "--reps N below --min-reps (6 give a 95% interval of the median)"
                           : "a smaller --budget (seconds each measurement repeats for)");
    return 0;
}

struct sl_reporter *console_reporter_create(bool quiet, const char *record_path,
                                            const char *csv_path)
{
    struct console *c = calloc(1, sizeof *c);
    if (!c) {
        sl_fail("out of memory");
        return NULL;
    }
    c->base = (struct sl_reporter){.problem = console_problem,
                                   .result = console_result,
                                   .output = console_output,
                                   .estimate = console_estimate,
                                   .end = console_end,
                                   .destroy = console_destroy};
    c->quiet = quiet;
    c->record_path = record_path ? strdup(record_path) : NULL;
    c->csv_path = csv_path ? strdup(csv_path) : NULL;
    if ((record_path && !c->record_path) || (csv_path && !c->csv_path)) {
        console_destroy(&c->base);
        sl_fail("out of memory");
        return NULL;
    }
    return &c->base;
}
