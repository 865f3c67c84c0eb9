/* The result model and the record codec.
 *
 *   test_record                       derived figures of a synthetic run, its
 *                                     record written and read back, the
 *                                     reader's refusal of bad numbers, and
 *                                     what a run describes again while it
 *                                     measures
 *   test_record --roundtrip FILE...   each record, read and written again, is
 *                                     byte for byte the file (records this
 *                                     speedlab wrote)
 *   test_record --fixpoint FILE...    each record loads, and what it writes
 *                                     reads back to the same JSON (records of
 *                                     older speedlabs, which lack fields)
 *   test_record --rewrite DIR FILE... each record loaded and written again
 *                                     into DIR, under its own file name */
#include "check.h"
#include "measure/build.h"
#include "measure/describe.h"
#include "measure/envcheck.h"
#include "results/model.h"
#include "reporters/reporters.h"
#include "results/record.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dump(const struct sl_run *run)
{
    json_t *doc = record_json(run);
    char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    return text;
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *text = malloc((size_t)n + 1);
    if (text && fread(text, 1, (size_t)n, fp) != (size_t)n) {
        free(text);
        text = NULL;
    }
    if (text)
        text[n] = '\0';
    fclose(fp);
    return text;
}

/* The first line where two texts differ, for the failure message. */
static int first_difference(const char *a, const char *b)
{
    int line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

static void roundtrip(const char *path)
{
    struct sl_run run;
    int rc = record_load_run(path, &run);
    CHECK(rc == 0, "%s: %s", path, sl_error());
    char *text = rc == 0 ? dump(&run) : NULL, *file = read_file(path);
    if (text && file) {
        size_t n = strlen(text);
        bool same = strncmp(text, file, n) == 0 && strcmp(file + n, "\n") == 0;
        CHECK(same, "%s: written again, it differs from line %d on", path,
              first_difference(text, file));
    }
    free(text);
    free(file);
    sl_run_free(&run);
}

static void fixpoint(const char *path)
{
    struct sl_run run, again;
    int rc = record_load_run(path, &run);
    CHECK(rc == 0, "%s: %s", path, sl_error());
    char tmp[] = "/tmp/speedlab-record-XXXXXX";
    int fd = mkstemp(tmp);
    if (rc != 0 || fd < 0) {
        sl_run_free(&run);
        return;
    }
    close(fd);
    char *first = dump(&run), *second = NULL;
    CHECK(record_write(&run, tmp) == 0, "%s: cannot write it again: %s", path, sl_error());
    rc = record_load_run(tmp, &again);
    CHECK(rc == 0, "%s written again does not load: %s", path, sl_error());
    if (rc == 0 && (second = dump(&again)))
        CHECK(first && strcmp(first, second) == 0, "%s: not a fixed point from line %d on", path,
              first_difference(first, second));
    free(first);
    free(second);
    sl_run_free(&run);
    sl_run_free(&again);
    unlink(tmp);
}

/* Each record loaded and written again as DIR/<its file name>: an older
 * record in this speedlab's schema. */
static void rewrite(const char *dir, const char *path)
{
    struct sl_run run;
    int rc = record_load_run(path, &run);
    CHECK(rc == 0, "%s: %s", path, sl_error());
    const char *name = strrchr(path, '/');
    char out[1024];
    snprintf(out, sizeof out, "%s/%s", dir, name ? name + 1 : path);
    CHECK(rc != 0 || record_write(&run, out) == 0, "%s: cannot write it again: %s", path,
          sl_error());
    sl_run_free(&run);
}

/* ---- a synthetic run ----------------------------------------------------------- */

static struct sl_result *add(struct sl_run *run, const char *variant, int threads,
                             const double *times, size_t n)
{
    struct sl_result *r = sl_run_add_result(run);
    r->kernel = "pairsum";
    r->variant = variant;
    r->layout = r->loops = r->isa = "-";
    r->algorithm = "reduction";
    r->schedule = "static";
    r->threads = threads;
    r->size = "500";
    r->status = SL_STATUS_OK;
    r->reps = n;
    r->times_s = sl_run_alloc(run, n, sizeof *r->times_s);
    memcpy(r->times_s, times, n * sizeof *times);
    r->workers = sl_run_alloc(run, (size_t)threads, sizeof *r->workers);
    for (int t = 0; t < threads; t++)
        r->workers[t] = (struct sl_worker){.cpu = t, .target = "0", .pinned = "yes", .busy_s = 1};
    r->pin = "compact";
    r->imbalance = 1.0;
    r->work = (struct sl_work){.units = 1e6, .flops = 2e6, .bytes = 8e6};
    r->validated = true;
    r->validation = (struct sl_validation){.valid = true, .method = "exact", .checked = 1,
                                           .total = 1, .max_abs_error = 0, .max_rel_error = 0};
    r->peak_rss_bytes = (struct sl_figure){1e6, NULL};
    sl_run_derive_result(run, r);
    return r;
}

static void describe(struct sl_run *run)
{
    snprintf(run->run_id, sizeof run->run_id, "20260101T000000Z-pairsum-1");
    snprintf(run->started, sizeof run->started, "2026-01-01T00:00:00Z");
    run->command = "speedlab run pairsum";
    snprintf(run->machine.hostname, sizeof run->machine.hostname, "test");
    snprintf(run->machine.peak_basis, sizeof run->machine.peak_basis, "unavailable (test)");
    run->machine.peak_gflops_fp32 = run->machine.peak_gflops_fp64 = NAN;
    run->build = (struct sl_build_desc){.compiler = "gcc", .flags = "-O2", .build_type = "Release",
                                        .sanitizers = "none", .commit = "abc", .blas = "openblas",
                                        .openmp = 201511};
    run->environment.timer = "clock_gettime(CLOCK_MONOTONIC)";
    static const char *const variants[] = {"reduction"}, *const schedules[] = {"static"},
                             *const sizes[] = {"500"};
    static int threads[] = {1, 2};
    run->config = (struct sl_config){.kernel = "pairsum", .variants = (const char **)variants,
                                     .n_variants = 1, .schedules = (const char **)schedules,
                                     .n_schedules = 1, .threads = threads, .n_threads = 2,
                                     .sizes = (const char **)sizes, .n_sizes = 1,
                                     .validate = "auto", .warmup = 1, .min_reps = 7,
                                     .max_reps = 100, .budget_s = 1, .pin = "compact"};
    run->unit = "pair";
    run->merit = SL_MERIT_UNITS;
    run->merit_recorded = true;
    struct sl_problem_info *p = sl_run_add_problem(run);
    snprintf(p->size, sizeof p->size, "500");
    snprintf(p->source, sizeof p->source, "generated");
}

/* run written and read back into *back: the same JSON. */
static void read_back(const struct sl_run *run, struct sl_run *back, const char *what)
{
    char tmp[] = "/tmp/speedlab-record-XXXXXX";
    int fd = mkstemp(tmp);
    CHECK(fd >= 0, "temporary file");
    close(fd);
    CHECK(record_write(run, tmp) == 0, "%s: write: %s", what, sl_error());
    CHECK(record_load_run(tmp, back) == 0, "%s: read back: %s", what, sl_error());
    char *a = dump(run), *b = dump(back);
    CHECK(a && b && strcmp(a, b) == 0, "%s: read back, it differs from line %d on", what,
          a && b ? first_difference(a, b) : 0);
    free(a);
    free(b);
    unlink(tmp);
}

static void test_derived_figures(void)
{
    struct sl_run run;
    sl_run_init(&run);
    describe(&run);
    /* 1 thread: 7 repetitions around 2 s; 2 threads: around 1 s. */
    const double t1[] = {2.0, 2.1, 1.9, 2.2, 1.8, 2.05, 1.95};
    const double t2[] = {1.0, 1.05, 0.95, 1.1, 0.9, 1.02, 0.98};
    add(&run, "reduction", 1, t1, 7);
    const struct sl_result *r2 = add(&run, "reduction", 2, t2, 7);
    const struct sl_result *r1 = &run.results[0];
    const struct sl_derived *d = &r2->d;
    CHECK(d->median_s.value == 1.0 && d->median_s.why == NULL, "median %g", d->median_s.value);
    CHECK(r1->d.speedup.value == 1.0, "1-thread speedup %g", r1->d.speedup.value);
    CHECK(d->speedup.value == 2.0, "speedup %g", d->speedup.value);
    CHECK(d->efficiency.value == 1.0, "efficiency %g", d->efficiency.value);
    /* 7 repetitions: the 97.5 % intervals are [min, max], so the speedup's
     * is [1.8/1.1, 2.2/0.9]. */
    CHECK(fabs(d->speedup_ci95.lo - 1.8 / 1.1) < 1e-12 && fabs(d->speedup_ci95.hi - 2.2 / 0.9) < 1e-12,
          "speedup interval [%g, %g]", d->speedup_ci95.lo, d->speedup_ci95.hi);
    CHECK(fabs(d->efficiency_ci95.hi - 2.2 / 0.9 / 2) < 1e-12, "efficiency interval hi %g",
          d->efficiency_ci95.hi);
    CHECK(d->units_per_s.value == 1e6 && d->merit.value == 1.0, "units/s %g, Mpair/s %g",
          d->units_per_s.value, d->merit.value);
    CHECK(d->gflops.value == 2e-3 && d->gbytes_per_s.value == 8e-3, "GFLOP/s %g GB/s %g",
          d->gflops.value, d->gbytes_per_s.value);
    CHECK(fabs(d->merit_ci95.lo - 1 / 1.1) < 1e-12 && fabs(d->merit_ci95.hi - 1 / 0.9) < 1e-12,
          "merit interval [%g, %g]", d->merit_ci95.lo, d->merit_ci95.hi);

    /* Too few repetitions for an interval, no partner for a speedup: said. */
    const double few[] = {3.0, 3.2};
    struct sl_result *lone = add(&run, "alone", 2, few, 2);
    CHECK(isnan(lone->d.ci95_s.lo) && strcmp(lone->d.ci95_s.why, "fewer than 6 repetitions") == 0,
          "CI of 2 repetitions: %s", lone->d.ci95_s.why);
    CHECK(isnan(lone->d.speedup.value) && strstr(lone->d.speedup.why, "no 1-thread run"),
          "speedup without a partner: %s", lone->d.speedup.why);
    lone->status = SL_STATUS_INTERRUPTED;
    lone->reason = "interrupted after 2 repetitions";
    sl_run_derive_result(&run, lone);
    CHECK(strcmp(lone->d.speedup.why, "not measured") == 0, "interrupted: %s", lone->d.speedup.why);

    /* Written and read back: the same run, the same figures. */
    struct sl_run back;
    read_back(&run, &back, "derived figures");
    CHECK(back.n_results == 3 && back.results[1].d.speedup.value == 2.0, "speedup read back");
    sl_run_free(&back);
    sl_run_free(&run);
}

/* A record whose first time is `bad` (JSON text) is refused, naming it. */
static void refused(const char *bad, const char *words)
{
    struct sl_run run;
    sl_run_init(&run);
    describe(&run);
    const double t[] = {1.0, 1.1};
    add(&run, "reduction", 1, t, 2);
    json_t *doc = record_json(&run);
    sl_run_free(&run);
    json_t *value = json_loads(bad, JSON_DECODE_ANY, NULL);
    json_array_set_new(json_object_get(json_array_get(json_object_get(doc, "results"), 0),
                                       "times_s"),
                       0, value);
    char tmp[] = "/tmp/speedlab-record-XXXXXX";
    int fd = mkstemp(tmp);
    close(fd);
    json_dump_file(doc, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    struct sl_run back;
    int rc = record_load_run(tmp, &back);
    CHECK(rc == -1, "time %s: accepted", bad);
    CHECK(strstr(sl_error(), "results[0].times_s[0]") && strstr(sl_error(), words) &&
              !strchr(sl_error(), '\n'),
          "time %s: '%s' lacks the field or '%s'", bad, sl_error(), words);
    sl_run_free(&back);
    unlink(tmp);
}

/* ---- noise ------------------------------------------------------------------- */

/* Counts a quiet worker leaves in a repetition of `busy` seconds. */
static struct sl_noise_sample quiet_sample(double busy)
{
    return (struct sl_noise_sample){.busy_s = busy, .task_clock_s = busy, .migrations = 0};
}

/* r with noise counted over its repetitions, every sample quiet: 1 s busy,
 * on its CPU all of it. */
static void count_noise(struct sl_run *run, struct sl_result *r)
{
    CHECK(sl_noise_alloc(run, r, r->reps) == 0, "noise room");
    r->noise.source = "test";
    r->noise.steal_s = (struct sl_figure){0.5, NULL};
    r->noise.steal_cpu_s = 100;
    for (size_t i = 0; i < r->reps; i++) {
        r->noise.per_rep[i].wall_s = r->times_s[i];
        for (int w = 0; w < r->threads; w++)
            r->noise.samples[i * (size_t)r->threads + (size_t)w] = quiet_sample(1.0);
    }
}

static struct sl_noise_sample *sample(struct sl_result *r, size_t rep, int w)
{
    return &r->noise.samples[rep * (size_t)r->threads + (size_t)w];
}

/* Which repetitions are disturbed, the verdict, the statistics beside, on
 * crafted counts; each rule at its edge. */
static void test_noise_verdicts(void)
{
    struct sl_run run;
    sl_run_init(&run);
    describe(&run);
    const double t[] = {1.0, 1.1, 0.9, 1.2, 5.0, 1.05, 0.95};
    struct sl_result *r = add(&run, "reduction", 2, t, 7);
    const struct sl_noise_derived *n = &r->d.noise;
    CHECK(strcmp(n->verdict, "not counted (not in this record)") == 0, "no noise: %s", n->verdict);
    count_noise(&run, r);
    sl_run_derive_result(&run, r);
    CHECK(n->disturbed_reps == 0 && strcmp(n->verdict, "quiet") == 0, "quiet: %s", n->verdict);
    CHECK(n->quiet_reps == 7 && n->quiet_median_s.value == r->d.median_s.value,
          "quiet: the undisturbed statistics are all of them");
    CHECK(n->steal_fraction.value == 0.005, "steal fraction %g", n->steal_fraction.value);
    CHECK(n->on_cpu_imbalance.value == 1.0, "on-CPU imbalance %g", n->on_cpu_imbalance.value);

    /* At each rule's edge: not disturbed. */
    sample(r, 0, 1)->task_clock_s = SL_ON_CPU_QUIET * 2 - 1; /* on_cpu exactly the limit */
    sample(r, 1, 1)->start_delay_s = SL_LATE_START_SHARE * t[1]; /* late by exactly 5 % */
    sample(r, 2, 0)->context_switches = 4;                     /* voluntary only */
    sample(r, 3, 1)->migrations = NAN;                         /* not counted */
    sample(r, 5, 1)->page_faults = 1000;                       /* faults alone */
    sl_run_derive_result(&run, r);
    CHECK(n->disturbed_reps == 0, "at the edges: %s", n->verdict);
    CHECK(r->noise.per_rep[0].on_cpu == SL_ON_CPU_QUIET, "on_cpu %.17g",
          r->noise.per_rep[0].on_cpu);
    CHECK(r->noise.per_rep[2].context_switches == 4 && r->noise.per_rep[2].involuntary_switches == 0,
          "rep totals");

    /* Beyond them: each rule alone disturbs its repetition. */
    sample(r, 0, 1)->task_clock_s -= 1e-9;
    sample(r, 1, 1)->start_delay_s *= 1.001;
    sample(r, 2, 0)->involuntary_switches = 3;
    sample(r, 2, 0)->context_switches = 7;
    sample(r, 4, 1)->involuntary_switches = 37;
    sample(r, 6, 0)->migrations = 2;
    sl_run_derive_result(&run, r);
    bool expected[7] = {true, true, true, false, true, false, true};
    for (size_t i = 0; i < 7; i++)
        CHECK(r->noise.per_rep[i].disturbed == expected[i], "repetition %zu disturbed: %d", i,
              r->noise.per_rep[i].disturbed);
    CHECK(n->disturbed_reps == 5, "disturbed %zu", n->disturbed_reps);
    const char *verdict = "disturbed: 5 of 7 repetitions, worker 1 switched out 37 times, worker 0 "
                          "migrated 2 times, on-CPU as low as 0.95, worker 1 began up to 55 ms late";
    CHECK(strcmp(n->verdict, verdict) == 0, "verdict: %s", n->verdict);
    /* The undisturbed: 1.2 and 1.05 (the 5.0 s repetition was disturbed). */
    CHECK(n->quiet_reps == 2 && n->quiet_median_s.value == (1.2 + 1.05) / 2,
          "undisturbed median %g of %zu", n->quiet_median_s.value, n->quiet_reps);
    CHECK(isnan(n->quiet_ci95_s.lo) && strcmp(n->quiet_ci95_s.why, "fewer than 6 repetitions") == 0,
          "undisturbed interval: %s", n->quiet_ci95_s.why);

    /* A late start beyond 0.1 ms in a long repetition, below 5 %: quiet. */
    for (size_t i = 0; i < 7; i++)
        for (int w = 0; w < 2; w++)
            *sample(r, i, w) = quiet_sample(1.0);
    sample(r, 3, 1)->start_delay_s = 0.01;
    sl_run_derive_result(&run, r);
    CHECK(n->disturbed_reps == 0, "10 ms late in 1.2 s: %s", n->verdict);
    sample(r, 3, 1)->start_delay_s = 0.07;
    sl_run_derive_result(&run, r);
    CHECK(n->disturbed_reps == 1 && strstr(n->verdict, "worker 1 began up to 70 ms late"),
          "70 ms late in 1.2 s: %s", n->verdict);

    /* Worker 1 loses CPU time to others: busy 1.3 s, on its CPU 1 s.  The
     * wall imbalance is the neighbours', the on-CPU one the schedule's. */
    for (size_t i = 0; i < 7; i++) {
        *sample(r, i, 0) = quiet_sample(1.0);
        *sample(r, i, 1) = quiet_sample(1.3);
        sample(r, i, 1)->task_clock_s = 1.0;
    }
    sl_run_derive_result(&run, r);
    CHECK(n->on_cpu_imbalance.value == 1.0, "on-CPU imbalance %g", n->on_cpu_imbalance.value);
    CHECK(n->lowest_share_worker == 1 && fabs(n->lowest_on_cpu_share.value - 1 / 1.3) < 1e-12,
          "worker %d on its CPU %g of its busy time", n->lowest_share_worker,
          n->lowest_on_cpu_share.value);
    CHECK(n->disturbed_reps == 7, "every repetition on-CPU 2/2.3: %s", n->verdict);
    CHECK(isnan(n->quiet_median_s.value) &&
              strcmp(n->quiet_median_s.why, "every repetition was disturbed") == 0,
          "no undisturbed repetition: %s", n->quiet_median_s.why);

    /* Not counted: said, no figures. */
    r->noise = (struct sl_noise){.why = "--noise off"};
    sl_run_derive_result(&run, r);
    CHECK(strcmp(n->verdict, "not counted (--noise off)") == 0 && n->disturbed_reps == 0 &&
              strcmp(n->on_cpu_imbalance.why, "--noise off") == 0,
          "--noise off: %s", n->verdict);
    sl_run_free(&run);
}

/* The console's lines under a result (r), or its summary at the end of the
 * run (r NULL), captured from stdout. */
static char *console_lines(const struct sl_run *run, const struct sl_result *r)
{
    struct sl_reporter *console = console_reporter_create(false, NULL, NULL);
    char tmp[] = "/tmp/speedlab-console-XXXXXX";
    int fd = mkstemp(tmp), saved = dup(STDOUT_FILENO);
    fflush(stdout);
    dup2(fd, STDOUT_FILENO);
    if (r)
        console->result(console, run, r);
    else
        console->end(console, run);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(fd);
    console->destroy(console);
    char *text = read_file(tmp);
    unlink(tmp);
    return text ? text : strdup("(not captured)");
}

/* A superlinear efficiency beyond its interval, a speedup from disturbed
 * repetitions and an imbalance that the neighbours made are each flagged
 * where the result is printed; a quiet, plausible result is not. */
static void test_console_flags(void)
{
    struct sl_run run;
    sl_run_init(&run);
    describe(&run);
    const double t1[] = {3.0, 3.1, 2.9, 3.2, 2.8, 3.05, 2.95};
    const double t2[] = {1.0, 1.05, 0.95, 1.1, 0.9, 1.02, 0.98};
    add(&run, "reduction", 1, t1, 7);
    struct sl_result *r2 = add(&run, "reduction", 2, t2, 7);
    count_noise(&run, &run.results[0]);
    count_noise(&run, r2);
    run.results[0].placement_verified = r2->placement_verified = true;
    sl_run_derive(&run);
    char *text = console_lines(&run, r2);
    CHECK(strstr(text, "superlinear: efficiency 1.50 [1.27, 1.78] is above 1 beyond its "
                               "interval: cache effect or noise, see noise verdict"),
          "superlinear flagged: %s", text);
    CHECK(strstr(text, " quiet  yes\n") && !strstr(text, "noise: disturbed") &&
              !strstr(text, "speedup from disturbed"),
          "quiet: %s", text);
    free(text);
    text = console_lines(&run, NULL);
    CHECK(strstr(text, "     3.00 !   1.000 ") &&
              strstr(text, "\n  ! superlinear: efficiency above 1 beyond its interval") &&
              !strstr(text, "~"),
          "superlinear marked in the summary: %s", text);
    free(text);

    sample(&run.results[0], 2, 0)->involuntary_switches = 1;
    for (size_t i = 0; i < 7; i++)
        sample(r2, i, 1)->busy_s = 1.3;
    r2->imbalance = 1.3 / 1.15;
    sl_run_derive(&run);
    text = console_lines(&run, r2);
    CHECK(strstr(text, "  7/7  yes\n"), "the noise column: %s", text);
    CHECK(strstr(text, "speedup from disturbed repetitions: 7 of 7 here, 1 of 7 in its "
                               "1-thread run"),
          "disturbed speedup flagged: %s", text);
    CHECK(strstr(text, "imbalance 1.130 of busy time, 1.000 of on-CPU time: read the "
                               "on-CPU one, the schedule's (worker 1 was on its CPU only 77%"),
          "imbalance attributed: %s", text);
    free(text);
    text = console_lines(&run, NULL);
    CHECK(strstr(text, " ! ~ ") && strstr(text, "\n  ~ speedup from disturbed repetitions"),
          "disturbed speedup marked in the summary: %s", text);
    free(text);

    /* The noise read back: migrations and steal counted or not, a result
     * counted and one not, interleaved positions. */
    run.results[0].noise.migrations_why = "not counted here";
    for (size_t i = 0; i < 7; i++)
        sample(&run.results[0], i, 0)->migrations = NAN;
    run.results[0].noise.steal_s = (struct sl_figure){NAN, "no steal column"};
    r2->round_positions = sl_run_alloc(&run, 7, sizeof(int));
    for (int i = 0; i < 7; i++)
        r2->round_positions[i] = i % 2;
    const double t3[] = {2.0, 2.1};
    add(&run, "partials", 1, t3, 2)->noise.why = "--noise off";
    run.config.interleave_recorded = run.config.noise_recorded = true;
    run.config.interleave = run.config.noise_counting = true;
    sl_run_derive(&run);
    struct sl_run back;
    read_back(&run, &back, "noise");
    const struct sl_result *b0 = &back.results[0], *b1 = &back.results[1];
    CHECK(b0->noise.migrations_why && strcmp(b0->noise.migrations_why, "not counted here") == 0 &&
              b0->d.noise.disturbed_reps == 1 && b1->d.noise.disturbed_reps == 7 &&
              b1->round_positions && b1->round_positions[3] == 1 && back.config.interleave &&
              strcmp(back.results[2].d.noise.verdict, "not counted (--noise off)") == 0,
          "noise read back");
    sl_run_free(&back);
    sl_run_free(&run);
}

/* The value of environment variable `name` as the run records it. */
static const char *recorded(const struct sl_run *run, const char *name)
{
    for (int i = 0; i < run->environment.n_variables; i++)
        if (strcmp(run->environment.variables[i].name, name) == 0)
            return run->environment.variables[i].value;
    return "(not a recorded variable)";
}

/* Starting OpenBLAS (a BLAS variant, mid-run) may set OPENBLAS_CORETYPE and
 * changes build.blas: each report describes them as they are then, and a
 * value is copied into the run only when it changed. */
static void test_describe_update(void)
{
    struct sl_run run;
    sl_run_init(&run);
    unsetenv("OPENBLAS_CORETYPE");
    CHECK(envcheck_describe(&run) == 0 && build_describe_blas(&run) == 0, "describe: %s",
          sl_error());
    const char *blas = run.build.blas;
    CHECK(blas && strcmp(blas, "OpenBLAS not loaded: no BLAS variant ran") == 0, "build.blas: %s",
          blas);
    CHECK(recorded(&run, "OPENBLAS_CORETYPE") == NULL, "OPENBLAS_CORETYPE not set: null");
    setenv("OPENBLAS_CORETYPE", "Haswell", 1);
    CHECK(run_describe_update(&run) == 0, "update: %s", sl_error());
    const char *coretype = recorded(&run, "OPENBLAS_CORETYPE");
    CHECK(coretype && strcmp(coretype, "Haswell") == 0, "set while measuring: recorded as %s",
          coretype ? coretype : "null");
    CHECK(run_describe_update(&run) == 0 && recorded(&run, "OPENBLAS_CORETYPE") == coretype &&
              run.build.blas == blas,
          "unchanged: nothing copied again");
    unsetenv("OPENBLAS_CORETYPE");
    CHECK(run_describe_update(&run) == 0 && recorded(&run, "OPENBLAS_CORETYPE") == NULL,
          "unset again: null");
    sl_run_free(&run);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--roundtrip") == 0) {
        for (int i = 2; i < argc; i++)
            roundtrip(argv[i]);
        return check_report("record round trip");
    }
    if (argc > 2 && strcmp(argv[1], "--fixpoint") == 0) {
        for (int i = 2; i < argc; i++)
            fixpoint(argv[i]);
        return check_report("record fixed point");
    }
    if (argc > 3 && strcmp(argv[1], "--rewrite") == 0) {
        for (int i = 3; i < argc; i++)
            rewrite(argv[2], argv[i]);
        return check_report("records written again");
    }
    test_derived_figures();
    refused("\"0.5\"", "must be a number, not a string");
    refused("null", "must be a number, not null");
    refused("-0.5", "must be positive");
    refused("0", "must be positive");
    test_describe_update();
    test_noise_verdicts();
    test_console_flags();
    return check_report("record");
}
