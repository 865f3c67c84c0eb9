/* The contract every workload keeps with the harness, checked for all of
 * them: its metadata is complete, bad sizes are refused, and every variant
 * that runs on this CPU, under every schedule it declares and 1-3 threads,
 * computes a result its workload validates on the workload's small and odd
 * test sizes (unless the workload declares it cannot run on one: skipped,
 * as the runner skips it).  Every worker reports in (so busy times and
 * placement are real), no variant changes the process's OpenMP defaults,
 * and a spoiled output is caught by validation.
 *
 * usage: test_workloads [--exclude WORKLOAD/VARIANT]... [--only WORKLOAD]
 * (the ThreadSanitizer build excludes the deliberately racy variant by name) */
#include "check.h"
#include "measure/machine.h"
#include "kit/sl.h"
#include "measure/team.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* The largest team a variant runs in here; problems are told (max_threads). */
#define MOST_THREADS 3

static const char *excluded[16];
static int n_excluded;

static bool is_excluded(const struct sl_workload *w, const struct sl_variant *v)
{
    char name[128];
    snprintf(name, sizeof name, "%s/%s", w->name, v->name);
    for (int i = 0; i < n_excluded; i++)
        if (strcmp(excluded[i], name) == 0)
            return true;
    return false;
}

static void test_metadata(const struct sl_workload *w)
{
    CHECK(w->summary && w->unit && w->size_syntax && w->default_size, "%s: metadata missing",
          w->name);
    CHECK(w->presets && w->presets[0].name, "%s: no presets", w->name);
    bool has_small = false; /* the default suite (scripts/bench) runs every workload at "small" */
    for (const struct sl_preset *p = w->presets; p && p->name; p++)
        has_small |= strcmp(p->name, "small") == 0;
    CHECK(has_small, "%s: no 'small' preset for the default suite", w->name);
    CHECK(w->test_sizes && w->test_sizes[0], "%s: no test sizes", w->name);
    CHECK(w->check_size(w->default_size) == 0, "%s: default size refused: %s", w->name,
          sl_error());
    for (const struct sl_preset *p = w->presets; p && p->name; p++)
        CHECK(w->check_size(p->name) == 0 && w->check_size(p->size) == 0 && p->purpose,
              "%s: preset %s refused: %s", w->name, p->name, sl_error());
    static const char *const bad[] = {"", "abc", "0", "-5", "1x", "x1", "3.5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = w->check_size(bad[i]);
        CHECK(rc != 0, "%s: size '%s' accepted", w->name, bad[i]);
        CHECK(rc == 0 || (sl_error()[0] && !strchr(sl_error(), '\n')),
              "%s: size '%s' refused without a one-line reason", w->name, bad[i]);
    }
    int n = 0;
    for (const struct sl_variant *v = w->variants; v->name; v++, n++) {
        CHECK(v->summary && v->run && v->work && v->schedules, "%s/%s: descriptor incomplete",
              w->name, v->name);
        for (const struct sl_variant *u = w->variants; u != v; u++)
            CHECK(strcmp(u->name, v->name) != 0, "%s: variant %s twice", w->name, v->name);
    }
    CHECK(n > 0, "%s: no variants", w->name);
}

static void run_variant(const struct sl_workload *w, void *problem, const struct sl_variant *v,
                        struct sl_team *team, int threads, enum sl_schedule s, const char *size)
{
    char label[200];
    snprintf(label, sizeof label, "%s/%s/%s/t%d at %s", w->name, v->name, sl_schedule_name(s),
             threads, size);
    struct sl_exec ex = {.threads = threads, .schedule = s, .team = team};
    if (w->prepare_validation)
        w->prepare_validation(problem);
    team_reset(team);
    int max_threads = omp_get_max_threads();
    if (v->run(problem, &ex) != 0) {
        CHECK(0, "%s: %s", label, sl_error());
        return;
    }
    CHECK(omp_get_max_threads() == max_threads, "%s changed omp_get_max_threads", label);
    CHECK(team->team_size_seen == threads, "%s: %d workers reported, %d expected", label,
          team->team_size_seen, threads);
    for (int t = 0; t < threads; t++)
        CHECK(isfinite(team->workers[t].busy_s), "%s: worker %d never called sl_worker_end",
              label, t);
    struct sl_work work = {0};
    v->work(problem, &work);
    CHECK(work.units > 0 && work.bytes >= 0 && work.flops >= 0, "%s: work model %g units",
          label, work.units);
    struct sl_validation val;
    memset(&val, 0, sizeof val);
    CHECK(w->validate(problem, &val) == 0, "%s: validate failed: %s", label, sl_error());
    /* A known defect may show only with several threads; alone it is right. */
    if (!v->known_defect || threads == 1)
        CHECK(val.valid, "%s: invalid: %s", label, val.detail);
    CHECK(val.method && val.checked > 0 && val.detail[0], "%s: validation says too little",
          label);
    if (val.valid && w->corrupt_output) {
        w->corrupt_output(problem);
        struct sl_validation spoiled;
        CHECK(w->validate(problem, &spoiled) == 0 && !spoiled.valid && spoiled.detail[0],
              "%s: a spoiled output passed validation", label);
    }
}

static void test_workload(const struct machine *mach, const struct sl_workload *w)
{
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    for (const char *const *size = w->test_sizes; size && *size; size++) {
        struct sl_problem_args args = {
            .size = *size, .seed = 11, .validate = "full", .max_threads = MOST_THREADS};
        void *problem = NULL;
        if (w->problem_create(&args, &problem) != 0) {
            CHECK(0, "%s: create %s: %s", w->name, *size, sl_error());
            continue;
        }
        struct sl_problem_info info;
        memset(&info, 0, sizeof info);
        w->describe(problem, &info);
        CHECK(info.size[0] && info.source[0], "%s %s: describe is empty", w->name, *size);
        for (const struct sl_variant *v = w->variants; v->name; v++) {
            const char *missing = sl_isa_missing(v->requires);
            if (missing || is_excluded(w, v)) {
                if (size == w->test_sizes)
                    printf("skipped %s/%s: %s\n", w->name, v->name,
                           missing ? "CPU lacks the ISA" : "excluded by name");
                continue;
            }
            /* What the workload says a variant cannot run on (a sample of
             * the problem, say) is skipped, as the runner skips it, with a
             * one-line reason. */
            const char *why = w->unsupported ? w->unsupported(problem, v) : NULL;
            if (why) {
                CHECK(why[0] && !strchr(why, '\n'), "%s/%s at %s: skipped without a one-line reason",
                      w->name, v->name, *size);
                printf("skipped %s/%s at %s: %s\n", w->name, v->name, *size, why);
                continue;
            }
            for (int threads = 1; threads <= MOST_THREADS; threads++) {
                struct sl_team *team;
                if (team_create(&team, mach, &pin, threads) != 0) {
                    CHECK(0, "team: %s", sl_error());
                    continue;
                }
                for (int s = 0; s < SL_SCHED_COUNT; s++)
                    if (v->schedules & SL_SCHED_BIT(s))
                        run_variant(w, problem, v, team, threads, (enum sl_schedule)s, *size);
                team_destroy(team);
            }
        }
        w->problem_destroy(problem);
    }
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--exclude") == 0 && n_excluded < 16)
            excluded[n_excluded++] = argv[i + 1];
        else if (strcmp(argv[i], "--only") == 0)
            only = argv[i + 1];
    }
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    size_t count;
    const struct sl_workload *const *all = sl_workloads(&count);
    for (size_t i = 0; i < count; i++) {
        if (only && strcmp(only, all[i]->name) != 0)
            continue;
        test_metadata(all[i]);
        test_workload(&mach, all[i]);
    }
    machine_free(&mach);
    return check_report("test_workloads");
}
