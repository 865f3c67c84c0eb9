/* Every cosine variant, under every schedule it supports and 1-3 threads,
 * equals the double-precision reference on small, odd and awkward inputs;
 * validation itself catches wrong and unwritten pairs; a row sample
 * (NxD@rows=R) computes, counts and validates exactly its pairs; and the
 * variant pairs that isolate one claim each agree. */
#include "check.h"
#include "cosine/cosine.h"
#include "measure/machine.h"
#include "kit/npy.h"
#include "measure/team.h"
#include "kit/triangle.h"

#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct matrix {
    size_t n, d;
    float *x;
};

static const float *matrix_row(const void *ctx, size_t r, float *buffer)
{
    (void)buffer;
    const struct matrix *m = ctx;
    return m->x + r * m->d;
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 11;
}

/* Random sparse rows plus the cases that break kernels: an all-zero row, a
 * single non-zero in the last column (a SIMD tail), two rows without any
 * overlap, identical rows, and an overlap of exactly one. */
static struct matrix make_matrix(size_t n, size_t d, double density, uint64_t seed)
{
    struct matrix m = {n, d, calloc(n * d, sizeof(float))};
    uint64_t s = seed;
    for (size_t i = 0; i < n * d; i++) {
        double u = (double)lcg(&s) / 9007199254740992.0;
        double v = (double)lcg(&s) / 9007199254740992.0 * 6.0 - 3.0;
        m.x[i] = u < density ? (float)(v == 0 ? 1.0 : v) : 0.0f;
    }
    float *row[8];
    for (size_t i = 0; i < 8 && i < n; i++)
        row[i] = m.x + i * d;
    if (n >= 2) {
        memset(row[0], 0, d * sizeof(float));
        memset(row[1], 0, d * sizeof(float));
        row[1][d - 1] = -2.5f;
    }
    if (n >= 4)
        for (size_t k = 0; k < d; k++) {
            row[2][k] = k % 2 == 0 ? 1.0f + (float)k : 0.0f;
            row[3][k] = k % 2 == 1 ? -1.5f : 0.0f;
        }
    if (n >= 6)
        memcpy(row[5], row[4], d * sizeof(float));
    if (n >= 7 && d >= 2) {
        memset(row[6], 0, d * sizeof(float));
        row[6][0] = 3.0f; /* overlaps row 2 in column 0 only */
    }
    return m;
}

/* Independent of the kernels' code: is this pair's overlap at most one? */
static int overlap_of(const struct matrix *m, size_t i, size_t j)
{
    int ol = 0;
    for (size_t k = 0; k < m->d; k++)
        ol += m->x[i * m->d + k] != 0 && m->x[j * m->d + k] != 0;
    return ol;
}

static void check_variant(const struct cosine_problem *p, const struct matrix *m,
                          const struct sl_variant *v, const char *label)
{
    size_t bad = 0, nonzero_skips = 0;
    double worst = 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = i; j < p->n; j++) {
            double ref = cosine_reference_pair(p, i, j);
            double got = p->out[i * p->n + j];
            double err = fabs(got - ref);
            if (!(err <= 1e-5 + 1e-4 * fabs(ref)))
                bad++;
            if (err > worst || isnan(got))
                worst = isnan(got) ? INFINITY : err;
            if (overlap_of(m, i, j) <= 1 && got != 0.0f)
                nonzero_skips++;
        }
    CHECK(bad == 0, "%s %s: %zu pairs wrong, worst error %g", v->name, label, bad, worst);
    CHECK(nonzero_skips == 0, "%s %s: %zu pairs with ol <= 1 are not exactly 0", v->name, label,
          nonzero_skips);
}

static void test_shape(const struct machine *mach, size_t n, size_t d, double density)
{
    char path[] = "/tmp/speedlab-test-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct matrix m = make_matrix(n, d, density, n * 1000003u + d);
    CHECK(npy_write_matrix_f32(path, n, d, matrix_row, &m) == 0, "write fixture");
    struct sl_problem_args args = {.size = NULL, .seed = 1, .input_path = path, .validate = "full"};
    void *problem = NULL;
    CHECK(cosine_workload.problem_create(&args, &problem) == 0, "create %zux%zu: %s", n, d,
          sl_error());
    unlink(path);
    if (!problem) {
        free(m.x);
        return;
    }
    struct cosine_problem *p = problem;
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    for (const struct sl_variant *v = cosine_variants; v->name; v++) {
        const char *missing = sl_isa_missing(v->requires);
        if (missing) {
            if (n == 1 && d == 1)
                printf("skipped %s: CPU lacks %s\n", v->name, missing);
            continue;
        }
        for (int threads = 1; threads <= 3; threads++) {
            struct sl_team *team;
            if (team_create(&team, mach, &pin, threads) != 0) {
                CHECK(0, "team: %s", sl_error());
                continue;
            }
            for (int s = 0; s < SL_SCHED_COUNT; s++) {
                if (!(v->schedules & SL_SCHED_BIT(s)))
                    continue;
                char label[96];
                snprintf(label, sizeof label, "%zux%zu %s t%d", n, d,
                         sl_schedule_name((enum sl_schedule)s), threads);
                struct sl_exec ex = {.threads = threads, .schedule = (enum sl_schedule)s, .team = team};
                cosine_workload.prepare_validation(p);
                team_reset(team);
                int max_threads = omp_get_max_threads();
                CHECK(v->run(p, &ex) == 0, "%s %s: %s", v->name, label, sl_error());
                /* A variant must not change the process's OpenMP defaults. */
                CHECK(omp_get_max_threads() == max_threads, "%s %s changed omp_get_max_threads",
                      v->name, label);
                check_variant(p, &m, v, label);
                struct sl_validation val;
                CHECK(cosine_workload.validate(p, &val) == 0 && val.valid &&
                          val.checked == (double)tri_count(n),
                      "%s %s: validation says %s", v->name, label, val.detail);
            }
            team_destroy(team);
        }
    }
    free(m.x);
    cosine_workload.problem_destroy(problem);
}

/* Validation must fail for a wrong value and for a pair never written. */
static void test_validation_catches_errors(const struct machine *mach)
{
    struct sl_problem_args args = {.size = "40x50", .seed = 7, .validate = "full"};
    void *problem;
    CHECK(cosine_workload.problem_create(&args, &problem) == 0, "create: %s", sl_error());
    struct cosine_problem *p = problem;
    struct pin_config pin = {.policy = PIN_NONE};
    struct sl_team *team;
    CHECK(team_create(&team, mach, &pin, 1) == 0, "team");
    struct sl_exec ex = {.threads = 1, .schedule = SL_SCHED_STATIC, .team = team};
    const struct sl_variant *v = sl_variant_find(&cosine_workload, "rowmajor_fused_branchfree");
    struct sl_validation val;

    cosine_workload.prepare_validation(p);
    v->run(p, &ex);
    p->out[3 * p->n + 17] += 0.01f;
    cosine_workload.validate(p, &val);
    CHECK(!val.valid && val.failures == 1, "a wrong pair: valid=%d failures=%g", val.valid,
          val.failures);
    CHECK(strstr(val.detail, "(3, 17)") != NULL, "detail names the pair: %s", val.detail);

    /* A pair left as prepare_validation poisoned it: never written. */
    cosine_workload.prepare_validation(p);
    float poison = p->out[5 * p->n + 39];
    v->run(p, &ex);
    p->out[5 * p->n + 39] = poison;
    cosine_workload.validate(p, &val);
    CHECK(!val.valid && strstr(val.detail, "1 pairs never written, first (5, 39)"),
          "an unwritten pair: %s", val.detail);

    /* Pairs the kernel wrote as NaN or inf (float32 overflow, issue 15):
     * said as such, not as unwritten. */
    cosine_workload.prepare_validation(p);
    v->run(p, &ex);
    p->out[5 * p->n + 39] = NAN;
    p->out[6 * p->n + 39] = INFINITY;
    cosine_workload.validate(p, &val);
    CHECK(!val.valid && val.failures == 2 &&
              strstr(val.detail, "2 pairs written as inf or NaN (float32 overflowed?), first "
                                 "(5, 39) = nan") &&
              !strstr(val.detail, "never written"),
          "pairs written as NaN and inf: %s", val.detail);

    /* Sampled validation still covers the edges of the triangle. */
    p->validate_mode = COSINE_VALIDATE_SAMPLE;
    cosine_workload.prepare_validation(p);
    v->run(p, &ex);
    p->out[0 * p->n + 39] = 0.5f;
    cosine_workload.validate(p, &val);
    CHECK(!val.valid && val.checked < (double)tri_count(p->n) * 1000,
          "sampled validation catches a corner: %s", val.detail);
    team_destroy(team);
    cosine_workload.problem_destroy(problem);
}

/* ---- row samples: NxD@rows=R -------------------------------------------- */

static void *create(const char *size)
{
    struct sl_problem_args args = {.size = size, .seed = 5, .validate = "full"};
    void *problem = NULL;
    CHECK(cosine_workload.problem_create(&args, &problem) == 0, "create %s: %s", size,
          sl_error());
    return problem;
}

/* A segment that only counts the pairs it is given, n x n counters. */
struct visits {
    size_t n;
    unsigned *count;
};

static void count_segment(const void *ctx, size_t i, size_t j0, size_t j1, float *out)
{
    const struct visits *v = ctx;
    for (size_t j = j0; j < j1; j++) {
#pragma omp atomic
        v->count[i * v->n + j]++;
        out[j] = 0.0f;
    }
}

static bool is_sampled(const struct cosine_problem *p, size_t i)
{
    for (size_t r = 0; r < p->rows; r++)
        if (cosine_row_index(p, r) == i)
            return true;
    return false;
}

/* The rows are where they should be, the pair loop visits exactly the pairs
 * (i, j >= i) of those rows once each under every schedule and 1-3 threads,
 * and the work model, the overlap total and the description count them. */
static void test_row_sample_covers_its_pairs(const struct machine *mach, const char *size,
                                             const size_t *expected_rows, size_t n_expected)
{
    struct cosine_problem *p = create(size);
    if (!p)
        return;
    CHECK(p->rows == n_expected, "%s: %zu rows", size, p->rows);
    size_t pairs = 0;
    for (size_t r = 0; r < p->rows && r < n_expected; r++) {
        CHECK(cosine_row_index(p, r) == expected_rows[r], "%s: row %zu is %zu, expected %zu", size,
              r, cosine_row_index(p, r), expected_rows[r]);
        pairs += p->n - expected_rows[r];
    }
    CHECK(p->pairs == pairs, "%s: %zu pairs, expected %zu", size, p->pairs, pairs);
    struct sl_work work = {0};
    cosine_work_dense(p, &work);
    CHECK(work.units == (double)pairs, "%s: work model counts %g pairs", size, work.units);
    double overlaps = 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = i; j < p->n && is_sampled(p, i); j++)
            for (size_t k = 0; k < p->d; k++)
                overlaps += cosine_row(p, i)[k] != 0.0f && cosine_row(p, j)[k] != 0.0f;
    CHECK(p->pair_overlap_total == overlaps, "%s: overlap total %g, counted %g", size,
          p->pair_overlap_total, overlaps);
    struct sl_problem_info info;
    memset(&info, 0, sizeof info);
    cosine_workload.describe(p, &info);
    CHECK(strcmp(info.size, size) == 0, "%s: described as %s", size, info.size);

    struct visits v = {p->n, calloc(p->n * p->n, sizeof(unsigned))};
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    for (int threads = 1; threads <= 3; threads++) {
        struct sl_team *team;
        if (team_create(&team, mach, &pin, threads) != 0) {
            CHECK(0, "team: %s", sl_error());
            continue;
        }
        for (int s = 0; s < SL_SCHED_COUNT; s++) {
            struct sl_exec ex = {.threads = threads, .schedule = (enum sl_schedule)s, .team = team};
            memset(v.count, 0, p->n * p->n * sizeof *v.count);
            team_reset(team);
            CHECK(cosine_run_pairs(p, &ex, count_segment, &v, 1) == 0, "run: %s", sl_error());
            size_t wrong = 0, visited = 0;
            for (size_t i = 0; i < p->n; i++)
                for (size_t j = 0; j < p->n; j++) {
                    unsigned want = j >= i && is_sampled(p, i);
                    wrong += v.count[i * p->n + j] != want;
                    visited += v.count[i * p->n + j];
                }
            CHECK(wrong == 0 && visited == pairs, "%s %s t%d: %zu pairs visited, %zu wrong", size,
                  sl_schedule_name((enum sl_schedule)s), threads, visited, wrong);
        }
        /* Tiles need every row: refused, not run on some of them. */
        struct sl_exec ex = {.threads = threads, .schedule = SL_SCHED_STATIC, .team = team};
        if (p->rows < p->n)
            CHECK(cosine_run_pairs(p, &ex, count_segment, &v, 4) != 0, "%s: tiles accepted", size);
        team_destroy(team);
    }
    free(v.count);
    cosine_workload.problem_destroy(p);
}

/* Every variant that runs on a row sample gives the reference on exactly the
 * sampled pairs and writes nothing else; the others say why they do not. */
static void test_row_sample_variants(const struct machine *mach)
{
    struct cosine_problem *p = create("37x70@rows=6");
    if (!p)
        return;
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    struct sl_team *team;
    CHECK(team_create(&team, mach, &pin, 2) == 0, "team");
    for (const struct sl_variant *v = cosine_variants; v->name; v++) {
        const char *why = cosine_workload.unsupported(p, v);
        if (sl_isa_missing(v->requires) || why) {
            CHECK(!why || strstr(why, "row sample"), "%s: %s", v->name, why);
            continue;
        }
        for (int s = 0; s < SL_SCHED_COUNT; s++) {
            if (!(v->schedules & SL_SCHED_BIT(s)))
                continue;
            struct sl_exec ex = {.threads = 2, .schedule = (enum sl_schedule)s, .team = team};
            cosine_workload.prepare_validation(p);
            team_reset(team);
            CHECK(v->run(p, &ex) == 0, "%s: %s", v->name, sl_error());
            size_t bad = 0, stray = 0;
            for (size_t r = 0; r < p->rows; r++) {
                size_t i = cosine_row_index(p, r);
                for (size_t j = 0; j < p->n; j++) {
                    double got = cosine_out_row(p, r)[j];
                    if (j < i)
                        stray += !isnan(got);
                    else
                        bad += !(fabs(got - cosine_reference_pair(p, i, j)) <= 1e-5 + 1e-4 * fabs(got));
                }
            }
            struct sl_validation val;
            CHECK(cosine_workload.validate(p, &val) == 0 && val.valid &&
                      val.checked == (double)p->pairs && val.total == (double)p->pairs,
                  "%s %s: validation says %s", v->name, sl_schedule_name((enum sl_schedule)s),
                  val.detail);
            CHECK(bad == 0 && stray == 0, "%s %s: %zu pairs wrong, %zu entries outside written",
                  v->name, sl_schedule_name((enum sl_schedule)s), bad, stray);
        }
    }
    team_destroy(team);
    cosine_workload.problem_destroy(p);
}

/* Validation of a row sample catches a wrong pair, an unwritten one and a
 * write outside the sampled pairs, in full and in sampled checking. */
static void test_row_sample_validation(const struct machine *mach)
{
    struct cosine_problem *p = create("40x50@rows=4"); /* rows 5, 15, 25, 35 */
    if (!p)
        return;
    struct pin_config pin = {.policy = PIN_NONE};
    struct sl_team *team;
    CHECK(team_create(&team, mach, &pin, 1) == 0, "team");
    struct sl_exec ex = {.threads = 1, .schedule = SL_SCHED_STATIC, .team = team};
    const struct sl_variant *v = sl_variant_find(&cosine_workload, "rowmajor_fused");
    struct sl_validation val;
    for (int mode = 0; mode < 2; mode++) {
        p->validate_mode = mode ? COSINE_VALIDATE_SAMPLE : COSINE_VALIDATE_FULL;
        cosine_workload.prepare_validation(p);
        v->run(p, &ex);
        cosine_out_row(p, 1)[39] += 0.01f;
        cosine_workload.validate(p, &val);
        CHECK(!val.valid && strstr(val.detail, "(15, 39)"), "a wrong pair: %s", val.detail);

        cosine_workload.prepare_validation(p);
        float poison = cosine_out_row(p, 2)[30];
        v->run(p, &ex);
        cosine_out_row(p, 2)[30] = poison;
        cosine_workload.validate(p, &val);
        CHECK(!val.valid && strstr(val.detail, "never written, first (25, 30)"),
              "an unwritten pair: %s", val.detail);

        cosine_workload.prepare_validation(p);
        v->run(p, &ex);
        cosine_out_row(p, 3)[34] = 0.0f;
        cosine_workload.validate(p, &val);
        CHECK(!val.valid && strstr(val.detail, "outside the computed pairs, first (35, 34)"),
              "a write outside: %s", val.detail);
    }
    team_destroy(team);
    cosine_workload.problem_destroy(p);
}

static void test_row_sample_sizes(void)
{
    static const char *const good[] = {"40x30@rows=1", "40x30@rows=40", "forum@rows=64",
                                       "small@rows=3"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK(cosine_workload.check_size(good[i]) == 0, "%s refused: %s", good[i], sl_error());
    static const char *const bad[] = {"40x30@rows=0", "40x30@rows=41", "40x30@", "40x30@rows",
                                      "40x30@rows=", "@rows=3", "40x30@rows=3@rows=2",
                                      "40x30@cols=3", "40x30@rows=-1", "40x30@rows=2.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(cosine_workload.check_size(bad[i]) != 0, "%s accepted", bad[i]);
        CHECK(sl_error()[0] && !strchr(sl_error(), '\n'), "%s: no one-line reason", bad[i]);
    }
    /* A sample is a dense output: not with the streamed sparse one. */
    struct cosine_options sparse = {.keep = COSINE_KEEP_THRESHOLD, .keep_value = 0.5};
    struct sl_problem_args args = {.size = "40x30@rows=4", .seed = 1, .validate = "auto",
                                   .options = &sparse};
    void *problem = NULL;
    CHECK(cosine_workload.problem_create(&args, &problem) != 0 &&
              strstr(sl_error(), "does not combine with --threshold"),
          "a sparse row sample: %s", sl_error());
}

/* A row sample of the forum's 5800 x 1000, as the claims measure it: its
 * rows are the middles of equal strips, and validation (auto) compares every
 * one of its pairs with the reference, not a sample of them. */
static void test_forum_row_sample(const struct machine *mach)
{
    struct sl_problem_args args = {.size = "forum@rows=32", .seed = 42, .validate = "auto"};
    void *problem = NULL;
    CHECK(cosine_workload.problem_create(&args, &problem) == 0, "create: %s", sl_error());
    if (!problem)
        return;
    struct cosine_problem *p = problem;
    size_t pairs = 0;
    for (size_t r = 0; r < p->rows; r++) {
        CHECK(cosine_row_index(p, r) == (2 * r + 1) * 5800 / 64, "row %zu is %zu", r,
              cosine_row_index(p, r));
        pairs += 5800 - cosine_row_index(p, r);
    }
    CHECK(p->n == 5800 && p->d == 1000 && p->rows == 32 && p->pairs == pairs,
          "%zux%zu, %zu rows, %zu pairs (expected %zu)", p->n, p->d, p->rows, p->pairs, pairs);
    struct pin_config pin = {.policy = PIN_NONE};
    struct sl_team *team;
    CHECK(team_create(&team, mach, &pin, 1) == 0, "team");
    struct sl_exec ex = {.threads = 1, .schedule = SL_SCHED_STATIC, .team = team};
    cosine_workload.prepare_validation(p);
    CHECK(sl_variant_find(&cosine_workload, "rowmajor_fused")->run(p, &ex) == 0, "run: %s",
          sl_error());
    struct sl_validation val;
    CHECK(cosine_workload.validate(p, &val) == 0 && val.valid && val.checked == (double)pairs &&
              val.total == (double)pairs && strstr(val.method, "every pair of the sampled rows"),
          "validation: %s (%s, %g of %g pairs)", val.detail, val.method, val.checked, val.total);
    team_destroy(team);
    cosine_workload.problem_destroy(problem);
}

/* The two pairs that each isolate one of the forum's claims: the skip when
 * ol == 0 changes no value, and dividing the dot or normalising first agree
 * to float rounding (both equal the reference in test_shape). */
static void test_pairs_differ_in_one_respect(const struct machine *mach)
{
    struct cosine_problem *p = create("120x300");
    if (!p)
        return;
    struct pin_config pin = {.policy = PIN_NONE};
    struct sl_team *team;
    CHECK(team_create(&team, mach, &pin, 1) == 0, "team");
    struct sl_exec ex = {.threads = 1, .schedule = SL_SCHED_STATIC, .team = team};
    static const char *const pairs[][2] = {{"rowmajor_fused", "rowmajor_fused_noskip"},
                                           {"rowmajor_dot_divided", "rowmajor_dot_normalised"}};
    size_t cells = p->rows * p->n;
    float *first = malloc(cells * sizeof *first);
    for (size_t k = 0; k < 2; k++) {
        const struct sl_variant *a = sl_variant_find(&cosine_workload, pairs[k][0]);
        const struct sl_variant *b = sl_variant_find(&cosine_workload, pairs[k][1]);
        cosine_workload.prepare_validation(p);
        CHECK(a->run(p, &ex) == 0, "%s", sl_error());
        memcpy(first, p->out, cells * sizeof *first);
        cosine_workload.prepare_validation(p);
        CHECK(b->run(p, &ex) == 0, "%s", sl_error());
        size_t differ = 0;
        for (size_t i = 0; i < p->n; i++)
            for (size_t j = i; j < p->n; j++) {
                float x = first[i * p->n + j], y = p->out[i * p->n + j];
                differ += k == 0 ? x != y : !(fabsf(x - y) <= 4e-7f * fabsf(x) + 1e-7f);
            }
        CHECK(differ == 0, "%s and %s differ in %zu pairs", pairs[k][0], pairs[k][1], differ);
    }
    free(first);
    team_destroy(team);
    cosine_workload.problem_destroy(p);
}

/* The generator is deterministic and has the density the spec states. */
static void test_generator(void)
{
    struct sl_problem_args args = {.size = "300x1000", .seed = 42, .validate = "auto"};
    void *a, *b;
    CHECK(cosine_workload.problem_create(&args, &a) == 0, "create");
    CHECK(cosine_workload.problem_create(&args, &b) == 0, "create");
    struct cosine_problem *pa = a, *pb = b;
    CHECK(memcmp(pa->x, pb->x, pa->n * pa->ld * sizeof(float)) == 0, "same seed, same data");
    double density = (double)pa->nnz / (300.0 * 1000.0);
    /* P(|N(0,1)| >= 2) = 0.0455; 300k draws put the estimate within +-0.002. */
    CHECK(fabs(density - 0.0455) < 0.002, "density %g", density);
    for (size_t i = 0; i < pa->n * pa->ld; i++)
        if (pa->x[i] != 0 && fabsf(pa->x[i]) < 2.0f) {
            CHECK(0, "entry %g below the threshold survived", pa->x[i]);
            break;
        }
    cosine_workload.problem_destroy(a);
    cosine_workload.problem_destroy(b);
}

int main(void)
{
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    static const struct {
        size_t n, d;
        double density;
    } shapes[] = {
        {1, 1, 1.0},   {1, 5, 0.6},   {2, 1, 1.0},    {3, 7, 0.5},    {5, 8, 0.5},
        {6, 9, 0.7},   {9, 15, 0.5},  {10, 16, 0.4},  {11, 17, 0.5},  {13, 31, 0.3},
        {17, 32, 0.5}, {19, 33, 0.5}, {23, 63, 0.2},  {29, 64, 0.3},  {31, 65, 0.3},
        {37, 100, 0.1}, {40, 129, 0.05}, {70, 1000, 0.046}, {67, 200, 1.0},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        test_shape(&mach, shapes[i].n, shapes[i].d, shapes[i].density);
    test_validation_catches_errors(&mach);
    static const size_t rows_40_4[] = {5, 15, 25, 35}, rows_10_3[] = {1, 5, 8},
                        rows_9_9[] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, rows_1_1[] = {0},
                        rows_23_1[] = {11};
    test_row_sample_covers_its_pairs(&mach, "40x30@rows=4", rows_40_4, 4);
    test_row_sample_covers_its_pairs(&mach, "10x7@rows=3", rows_10_3, 3);
    test_row_sample_covers_its_pairs(&mach, "9x5@rows=9", rows_9_9, 9);
    test_row_sample_covers_its_pairs(&mach, "1x3@rows=1", rows_1_1, 1);
    test_row_sample_covers_its_pairs(&mach, "23x17@rows=1", rows_23_1, 1);
    test_row_sample_variants(&mach);
    test_row_sample_validation(&mach);
    test_row_sample_sizes();
    test_forum_row_sample(&mach);
    test_pairs_differ_in_one_respect(&mach);
    test_generator();
    machine_free(&mach);
    return check_report("test_cosine");
}
