/* pairsum: the reference on hand-computed vectors, the algebra (sum x)^2
 * against the reference, every synchronised variant on small and odd
 * sizes, the same summation order as the reference at one thread, and
 * validation catching a lost update with the size of the error. */
#include "check.h"
#include "measure/machine.h"
#include "pairsum/pairsum.h"
#include "measure/team.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static struct pairsum_problem *create(const char *size, uint64_t seed)
{
    struct sl_problem_args args = {.size = size, .seed = seed, .validate = "auto"};
    void *problem = NULL;
    CHECK(pairsum_workload.problem_create(&args, &problem) == 0, "create %s: %s", size,
          sl_error());
    return problem;
}

static double tolerance(const struct pairsum_problem *p)
{
    return PAIRSUM_TOL_SCALE * p->scale;
}

static int run(const struct sl_variant *v, struct pairsum_problem *p, struct sl_team *team,
               int threads, enum sl_schedule s)
{
    struct sl_exec ex = {.threads = threads, .schedule = s, .team = team};
    pairsum_workload.prepare_validation(p);
    team_reset(team);
    return v->run(p, &ex);
}

/* The reference on vectors whose S is known exactly, cancellation included. */
static void test_reference_by_hand(void)
{
    static const struct {
        size_t n;
        double x[4];
        double expected;
    } cases[] = {
        {1, {0.5}, 0.25},
        {1, {-3}, 9},
        {2, {1, -1}, 0},
        {3, {1, 2, 3}, 36},
        {4, {3, -1, 2, -4}, 0},
        {3, {1e8, 1, -1e8}, 1}, /* terms of 1e16 cancel; the 1 survives */
        {4, {0.25, 0.25, 0.25, 0.25}, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char size[8];
        snprintf(size, sizeof size, "%zu", cases[c].n);
        struct pairsum_problem *p = create(size, 1);
        if (!p)
            continue;
        memcpy(p->x, cases[c].x, cases[c].n * sizeof(double));
        pairsum_refresh(p);
        double ref = pairsum_reference(p);
        CHECK(ref == cases[c].expected, "case %zu: reference %.17g, expected %.17g", c, ref,
              cases[c].expected);
        p->sum = cases[c].expected;
        struct sl_validation val;
        CHECK(pairsum_workload.validate(p, &val) == 0 && val.valid && val.max_abs_error == 0,
              "case %zu: the exact sum is not valid: %s", c, val.detail);
        pairsum_workload.problem_destroy(p);
    }
}

/* (sum x)^2 agrees with the n^2 loop within the tolerance, far inside it. */
static void test_algebra_matches_reference(void)
{
    static const char *const sizes[] = {"1", "2", "3", "7", "500", "5000"};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct pairsum_problem *p = create(sizes[s], 3);
        if (!p)
            continue;
        double ref = pairsum_reference(p);
        double algebra = p->sum_x * p->sum_x;
        CHECK(fabs(algebra - ref) <= 1e-3 * tolerance(p),
              "n=%s: (sum x)^2 = %.17g, reference %.17g, tolerance %g", sizes[s], algebra, ref,
              tolerance(p));
        pairsum_workload.problem_destroy(p);
    }
}

/* Every variant but the race is valid at every size, schedule and 1-3
 * threads (more threads than elements included); at one thread every loop
 * variant adds the terms in the reference's order, so they agree exactly. */
static void test_variants(const struct machine *mach)
{
    static const char *const sizes[] = {"1", "2", "3", "5", "17", "101", "301"};
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct pairsum_problem *p = create(sizes[s], 5);
        if (!p)
            continue;
        double ref = pairsum_reference(p);
        double one_thread_sum = NAN;
        for (int threads = 1; threads <= 3; threads++) {
            struct sl_team *team;
            if (team_create(&team, mach, &pin, threads) != 0) {
                CHECK(0, "team: %s", sl_error());
                continue;
            }
            for (const struct sl_variant *v = pairsum_variants; v->name; v++) {
                if (v->known_defect && threads > 1)
                    continue;
                for (int sched = 0; sched < SL_SCHED_COUNT; sched++) {
                    if (!(v->schedules & SL_SCHED_BIT(sched)))
                        continue;
                    int max_threads = omp_get_max_threads();
                    CHECK(run(v, p, team, threads, (enum sl_schedule)sched) == 0,
                          "%s n=%s t%d: %s", v->name, sizes[s], threads, sl_error());
                    CHECK(omp_get_max_threads() == max_threads, "%s changed the thread count",
                          v->name);
                    struct sl_validation val;
                    CHECK(pairsum_workload.validate(p, &val) == 0 && val.valid,
                          "%s n=%s %s t%d: %s", v->name, sizes[s],
                          sl_schedule_name((enum sl_schedule)sched), threads, val.detail);
                    CHECK(fabs(p->sum - ref) <= tolerance(p), "%s n=%s t%d: %.17g vs %.17g",
                          v->name, sizes[s], threads, p->sum, ref);
                    if (threads == 1 && strcmp(v->name, "algebraic") != 0) {
                        if (isnan(one_thread_sum))
                            one_thread_sum = p->sum;
                        CHECK(p->sum == one_thread_sum,
                              "%s n=%s: one thread gives %.17g, another variant %.17g",
                              v->name, sizes[s], p->sum, one_thread_sum);
                    }
                }
            }
            team_destroy(team);
        }
        pairsum_workload.problem_destroy(p);
    }
}

/* An unwritten sum, a lost update of the largest term and a few lost average
 * terms all fail, and the detail says by how much. */
static void test_validation_catches_errors(const struct machine *mach)
{
    struct pairsum_problem *p = create("tiny", 42);
    if (!p)
        return;
    struct pin_config pin = {.policy = PIN_NONE};
    struct sl_team *team;
    if (team_create(&team, mach, &pin, 1) != 0) {
        CHECK(0, "team: %s", sl_error());
        pairsum_workload.problem_destroy(p);
        return;
    }
    const struct sl_variant *v = sl_variant_find(&pairsum_workload, "reduction");
    struct sl_validation val;

    pairsum_workload.prepare_validation(p);
    CHECK(pairsum_workload.validate(p, &val) == 0 && !val.valid &&
              strstr(val.detail, "never written"),
          "an unwritten sum: %s", val.detail);

    run(v, p, team, 1, SL_SCHED_STATIC);
    pairsum_workload.corrupt_output(p);
    CHECK(pairsum_workload.validate(p, &val) == 0 && !val.valid && val.failures == 1,
          "a lost update of the largest term passed: %s", val.detail);
    CHECK(strstr(val.detail, "error") && strstr(val.detail, "reference") &&
              strstr(val.detail, "average terms"),
          "detail does not give the error: %s", val.detail);
    CHECK(fabs(val.max_abs_error - p->largest_term) < 1e-6 * p->largest_term + tolerance(p),
          "max_abs_error %g is not the lost term %g", val.max_abs_error, p->largest_term);

    /* Ten lost terms of average size (scale / n^2) are far beyond the tolerance. */
    run(v, p, team, 1, SL_SCHED_STATIC);
    double average_term = p->scale / ((double)p->n * (double)p->n);
    p->sum -= 10 * average_term;
    CHECK(pairsum_workload.validate(p, &val) == 0 && !val.valid, "ten lost terms passed: %s",
          val.detail);

    /* The race variant is exact alone. */
    const struct sl_variant *race = sl_variant_find(&pairsum_workload, "race");
    CHECK(race && race->known_defect, "race must declare its defect");
    for (int sched = 0; race && sched < SL_SCHED_COUNT; sched++)
        if (race->schedules & SL_SCHED_BIT(sched)) {
            run(race, p, team, 1, (enum sl_schedule)sched);
            CHECK(pairsum_workload.validate(p, &val) == 0 && val.valid,
                  "race at one thread: %s", val.detail);
        }
    team_destroy(team);
    pairsum_workload.problem_destroy(p);
}

/* Same seed, same vector; the values lie in (-1, 1] and average about 0. */
static void test_generator(void)
{
    struct pairsum_problem *a = create("10001", 9), *b = create("10001", 9),
                           *c = create("10001", 10);
    if (a && b && c) {
        CHECK(memcmp(a->x, b->x, a->n * sizeof(double)) == 0, "same seed, different data");
        CHECK(memcmp(a->x, c->x, a->n * sizeof(double)) != 0, "another seed, same data");
        double mean = 0;
        for (size_t i = 0; i < a->n; i++) {
            CHECK(a->x[i] > -1.0 && a->x[i] <= 1.0, "x[%zu] = %g out of range", i, a->x[i]);
            mean += a->x[i];
        }
        mean /= (double)a->n;
        /* Standard error of the mean: sqrt(1/3 / n) ~ 0.0058. */
        CHECK(fabs(mean) < 0.03, "mean %g", mean);
    }
    pairsum_workload.problem_destroy(a);
    pairsum_workload.problem_destroy(b);
    pairsum_workload.problem_destroy(c);
}

int main(void)
{
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    test_reference_by_hand();
    test_algebra_matches_reference();
    test_variants(&mach);
    test_validation_catches_errors(&mach);
    test_generator();
    machine_free(&mach);
    return check_report("test_pairsum");
}
