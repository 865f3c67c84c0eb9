/* ragged: every variant's total equals hand-computed sums (including
 * entries whose sum overflows int32), at N = 1 and at N smaller than the
 * thread count; both layouts hold the same rows; the generator is
 * deterministic; validation catches wrong and unwritten totals. */
#include "check.h"
#include "measure/machine.h"
#include "ragged/ragged.h"
#include "measure/team.h"

#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct ragged_problem *create(size_t n, uint64_t seed)
{
    char size[32];
    snprintf(size, sizeof size, "%zu", n);
    struct sl_problem_args args = {.size = size, .seed = seed, .validate = "full"};
    void *problem = NULL;
    CHECK(ragged_workload.problem_create(&args, &problem) == 0, "create %zu: %s", n, sl_error());
    return problem;
}

/* Sets entry (i, k) in both layouts and forgets the cached reference. */
static void set_entry(struct ragged_problem *p, size_t i, size_t k, int32_t value)
{
    p->rows[i][k] = value;
    p->flat[p->offsets[i] + k] = value;
    p->reference_known = false;
}

/* Runs every variant under every schedule with 1-3 threads and checks the
 * total is `expected` and validates. */
static void check_all_variants(const struct machine *mach, struct ragged_problem *p,
                               int64_t expected, const char *what)
{
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    for (const struct sl_variant *v = ragged_variants; v->name; v++) {
        if (sl_isa_missing(v->requires))
            continue;
        for (int threads = 1; threads <= 3; threads++) {
            struct sl_team *team;
            if (team_create(&team, mach, &pin, threads) != 0) {
                CHECK(0, "team: %s", sl_error());
                continue;
            }
            for (int s = 0; s < SL_SCHED_COUNT; s++) {
                if (!(v->schedules & SL_SCHED_BIT(s)))
                    continue;
                struct sl_exec ex = {.threads = threads, .schedule = (enum sl_schedule)s, .team = team};
                ragged_workload.prepare_validation(p);
                team_reset(team);
                CHECK(v->run(p, &ex) == 0, "%s: %s", v->name, sl_error());
                CHECK(p->result == expected, "%s %s %s t%d: total %lld, expected %lld", what,
                      v->name, sl_schedule_name((enum sl_schedule)s), threads,
                      (long long)p->result, (long long)expected);
                struct sl_validation val;
                CHECK(ragged_workload.validate(p, &val) == 0 && val.valid, "%s %s: %s", what,
                      v->name, val.detail);
            }
            team_destroy(team);
        }
    }
}

static void test_hand_computed(const struct machine *mach)
{
    /* 1 .. 9 in a 3 x 3 list of lists: 45. */
    struct ragged_problem *p = create(3, 1);
    if (p) {
        for (size_t i = 0; i < 3; i++)
            for (size_t k = 0; k < 3; k++)
                set_entry(p, i, k, (int32_t)(3 * i + k + 1));
        check_all_variants(mach, p, 45, "3x3 of 1..9");
        /* Negative entries cancel: row 1 becomes -4 -5 -6, total 45 - 30. */
        for (size_t k = 0; k < 3; k++)
            set_entry(p, 1, k, -(int32_t)(3 + k + 1));
        check_all_variants(mach, p, 15, "3x3 with a negative row");
        ragged_workload.problem_destroy(p);
    }
    /* 17 x 17 entries of INT32_MAX (SIMD bodies and tails): the total
     * needs 64 bits; then every other row INT32_MIN. */
    p = create(17, 1);
    if (p) {
        for (size_t i = 0; i < 17; i++)
            for (size_t k = 0; k < 17; k++)
                set_entry(p, i, k, INT32_MAX);
        check_all_variants(mach, p, 289 * (int64_t)INT32_MAX, "17x17 of INT32_MAX");
        for (size_t i = 0; i < 17; i += 2)
            for (size_t k = 0; k < 17; k++)
                set_entry(p, i, k, INT32_MIN);
        check_all_variants(mach, p, 9 * 17 * (int64_t)INT32_MIN + 8 * 17 * (int64_t)INT32_MAX,
                           "17x17 of INT32_MIN and INT32_MAX rows");
        ragged_workload.problem_destroy(p);
    }
}

/* N = 1 (one entry) and N = 2 (fewer rows than 3 threads) on generated
 * data, against a sum computed here. */
static void test_small_n(const struct machine *mach)
{
    for (size_t n = 1; n <= 2; n++) {
        struct ragged_problem *p = create(n, 5);
        if (!p)
            continue;
        int64_t expected = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n; k++)
                expected += p->rows[i][k];
        CHECK(ragged_reference_sum(p) == expected, "reference at N=%zu", n);
        check_all_variants(mach, p, expected, n == 1 ? "N=1" : "N=2");
        ragged_workload.problem_destroy(p);
    }
}

static void test_layouts_and_generator(void)
{
    struct ragged_problem *a = create(333, 42), *b = create(333, 42), *c = create(333, 43);
    if (!a || !b || !c)
        return;
    int in_range = 1, same_layouts = 1, row_order = 1;
    for (size_t i = 0; i < a->n; i++) {
        CHECK(a->row_length[i] == a->n && a->offsets[i + 1] - a->offsets[i] == a->n,
              "row %zu length", i);
        same_layouts &= memcmp(a->rows[i], a->flat + a->offsets[i], a->n * sizeof(int32_t)) == 0;
        for (size_t k = 0; k < a->n; k++)
            in_range &= a->rows[i][k] >= 0 && a->rows[i][k] < RAGGED_VALUE_RANGE;
        if (i + 1 < a->n)
            row_order &= a->rows[i + 1] > a->rows[i];
    }
    CHECK(same_layouts, "the two layouts hold different rows");
    CHECK(in_range, "entries outside 0..%d", RAGGED_VALUE_RANGE - 1);
    CHECK(!row_order, "rows were allocated in row order, not shuffled");
    CHECK(memcmp(a->flat, b->flat, a->n * a->n * sizeof(int32_t)) == 0,
          "same seed, different rows");
    CHECK(memcmp(a->flat, c->flat, a->n * a->n * sizeof(int32_t)) != 0,
          "different seeds, same rows");
    /* Row i depends on (seed, i) only: row 7 of a 333 problem is the start
     * of row 7 of a 400 problem. */
    struct ragged_problem *d = create(400, 42);
    if (d) {
        CHECK(memcmp(a->rows[7], d->rows[7], 333 * sizeof(int32_t)) == 0,
              "rows depend on N");
        ragged_workload.problem_destroy(d);
    }
    ragged_workload.problem_destroy(a);
    ragged_workload.problem_destroy(b);
    ragged_workload.problem_destroy(c);
}

static void test_validation_catches_errors(void)
{
    struct ragged_problem *p = create(10, 3);
    if (!p)
        return;
    struct sl_validation val;
    ragged_workload.prepare_validation(p);
    CHECK(ragged_workload.validate(p, &val) == 0 && !val.valid && val.failures == 1,
          "an unwritten total passed: %s", val.detail);
    p->result = ragged_reference_sum(p) + 1;
    CHECK(ragged_workload.validate(p, &val) == 0 && !val.valid && val.max_abs_error == 1,
          "a total off by one passed: %s", val.detail);
    p->result -= 1;
    CHECK(ragged_workload.validate(p, &val) == 0 && val.valid && val.tolerance_abs == 0,
          "the right total failed: %s", val.detail);
    ragged_workload.problem_destroy(p);
}

int main(void)
{
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    test_hand_computed(&mach);
    test_small_n(&mach);
    test_layouts_and_generator();
    test_validation_catches_errors();
    machine_free(&mach);
    return check_report("test_ragged");
}
