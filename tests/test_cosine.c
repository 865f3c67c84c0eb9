/* Every cosine variant, under every schedule it supports and 1-3 threads,
 * equals the double-precision reference on small, odd and awkward inputs;
 * and validation itself catches wrong and unwritten pairs. */
#include "check.h"
#include "cosine/cosine.h"
#include "measure/machine.h"
#include "kit/npy.h"
#include "measure/team.h"
#include "kit/triangle.h"

#include <math.h>
#include <omp.h>
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
    const struct sl_variant *v = sl_variant_find(&cosine_workload, "rowmajor_fused_scalar");
    struct sl_validation val;

    cosine_workload.prepare_validation(p);
    v->run(p, &ex);
    p->out[3 * p->n + 17] += 0.01f;
    cosine_workload.validate(p, &val);
    CHECK(!val.valid && val.failures == 1, "a wrong pair: valid=%d failures=%g", val.valid,
          val.failures);
    CHECK(strstr(val.detail, "(3, 17)") != NULL, "detail names the pair: %s", val.detail);

    cosine_workload.prepare_validation(p);
    v->run(p, &ex);
    p->out[5 * p->n + 39] = NAN;
    cosine_workload.validate(p, &val);
    CHECK(!val.valid && strstr(val.detail, "never written"), "an unwritten pair: %s", val.detail);

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
    test_generator();
    machine_free(&mach);
    return check_report("test_cosine");
}
