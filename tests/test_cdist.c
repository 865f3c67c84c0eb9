/* cdist: hand-computed distances, every variant on odd shapes (SIMD tails,
 * fewer rows than threads or than a vector), the GEMM identity's measured
 * accuracy loss on near-duplicates, the generator, and validation catching
 * wrong, unwritten and negative distances. */
#include "check.h"
#include "run_variant.h"
#include "cdist/cdist.h"
#include "measure/machine.h"
#include "measure/team.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static struct machine mach;

static struct cdist_problem *create(const char *size, uint64_t seed)
{
    struct sl_problem_args args = {.size = size, .seed = seed, .validate = "full"};
    void *problem = NULL;
    CHECK(cdist_workload.problem_create(&args, &problem) == 0, "create %s: %s", size, sl_error());
    return problem;
}

static bool is_direct(const struct sl_variant *v)
{
    return strcmp(v->axes.algorithm, "direct") == 0;
}

/* Runs a variant; true when it ran and its output validates. */
static bool run_one(struct cdist_problem *p, const struct sl_variant *v, int threads,
                    enum sl_schedule s, const char *label, struct sl_validation *val)
{
    int rc = run_variant_once(&mach, &cdist_workload, p, v, threads, s, label);
    if (rc != 0)
        return false;
    CHECK(cdist_workload.validate(p, val) == 0 && val->valid, "%s %s: %s", v->name, label,
          val->detail);
    return val->valid;
}

/* ---- hand-computed ------------------------------------------------------ */

static void test_hand_computed(void)
{
    /* X = (0,0), (3,4); Y = (3,4), (0,0), (-3,-4), (6,8):
     * D = [[5, 0, 5, 10], [0, 5, 10, 5]]. */
    struct cdist_problem *p = create("2x4x2", 1);
    if (!p)
        return;
    static const double x[4] = {0, 0, 3, 4};
    static const double y[8] = {3, 4, 0, 0, -3, -4, 6, 8};
    static const double expect[8] = {5, 0, 5, 10, 0, 5, 10, 5};
    memcpy(p->x, x, sizeof x);
    memcpy(p->y, y, sizeof y);
    for (const struct sl_variant *v = cdist_variants; v->name; v++) {
        if (sl_isa_missing(v->requires))
            continue;
        for (int threads = 1; threads <= 3; threads++) {
            struct sl_validation val;
            if (!run_one(p, v, threads, SL_SCHED_STATIC, "2x4x2", &val))
                continue;
            for (size_t e = 0; e < 8; e++)
                CHECK(p->out[e] == expect[e], "%s t%d: D[%zu][%zu] = %.17g, expected %g",
                      v->name, threads, e / 4, e % 4, p->out[e], expect[e]);
        }
    }
    cdist_workload.problem_destroy(p);

    /* p = 3: (1, 2, 3) to (4, 6, 3) is 5, to itself 0, to (1, 2, 15) 12. */
    p = create("1x3x3", 1);
    if (!p)
        return;
    static const double x3[3] = {1, 2, 3};
    static const double y3[9] = {4, 6, 3, 1, 2, 3, 1, 2, 15};
    memcpy(p->x, x3, sizeof x3);
    memcpy(p->y, y3, sizeof y3);
    for (const struct sl_variant *v = cdist_variants; v->name; v++) {
        struct sl_validation val;
        if (sl_isa_missing(v->requires) || !run_one(p, v, 2, SL_SCHED_DYNAMIC, "1x3x3", &val))
            continue;
        CHECK(p->out[0] == 5.0 && p->out[2] == 12.0, "%s: %.17g %.17g", v->name, p->out[0],
              p->out[2]);
        /* The identity's cancellation may leave a tiny nonzero for equal
         * rows; the direct methods must give exactly 0. */
        CHECK(is_direct(v) ? p->out[1] == 0.0 : p->out[1] * p->out[1] <= 28 * 1e-13,
              "%s: identical rows at %.17g", v->name, p->out[1]);
    }
    cdist_workload.problem_destroy(p);
}

/* ---- odd shapes --------------------------------------------------------- */

static void test_shapes(void)
{
    /* p = 1, 3, 7, 9, 17 (SIMD tails of features are none here: lanes run
     * over Y rows, so n mod 4 and n mod 8 are the tails), rows fewer than
     * threads, than a vector and than a register tile, and a few bigger. */
    static const char *const shapes[] = {"1x1x1",  "2x3x1",  "5x3x3",   "3x9x7",   "9x5x9",
                                         "4x17x17", "17x4x17", "33x1x9", "1x33x7",  "2x2x100",
                                         "37x23x3", "65x41x17", "70x129x9"};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        struct cdist_problem *p = create(shapes[s], 17 + s);
        if (!p)
            continue;
        for (const struct sl_variant *v = cdist_variants; v->name; v++) {
            if (sl_isa_missing(v->requires))
                continue;
            for (int threads = 1; threads <= 3; threads++)
                for (int sc = 0; sc < SL_SCHED_COUNT; sc++) {
                    if (!(v->schedules & SL_SCHED_BIT(sc)))
                        continue;
                    char label[64];
                    snprintf(label, sizeof label, "%s %s t%d", shapes[s],
                             sl_schedule_name((enum sl_schedule)sc), threads);
                    struct sl_validation val;
                    if (!run_one(p, v, threads, (enum sl_schedule)sc, label, &val) ||
                        !is_direct(v))
                        continue;
                    /* Direct methods: a few ulp of each distance, exact zeros. */
                    size_t bad = 0;
                    double ulps = 4.0 * (double)(p->p + 3) * DBL_EPSILON;
                    for (size_t e = 0; e < p->m * p->n; e++) {
                        double ref = sqrt(p->ref_sq[e]);
                        if (!(fabs(p->out[e] - ref) <= ulps * ref))
                            bad++;
                    }
                    CHECK(bad == 0, "%s %s: %zu distances off by more than a few ulp", v->name,
                          label, bad);
                }
        }
        cdist_workload.problem_destroy(p);
    }
}

/* ---- the GEMM identity's accuracy -------------------------------------- */

static void test_identity_accuracy(void)
{
    struct cdist_problem *p = create("200x160x100", 5);
    if (!p)
        return;
    for (const struct sl_variant *v = cdist_variants; v->name; v++) {
        struct sl_validation val;
        if (sl_isa_missing(v->requires) || !run_one(p, v, 2, SL_SCHED_STATIC, "200x160x100", &val))
            continue;
        double near_rel = 0.0, far_rel = 0.0, zero_max = 0.0, ratio = 0.0;
        for (size_t j = 0; j < p->n; j++) {
            size_t phase = j % 16, src = cdist_source_row(j, p->m);
            for (size_t i = 0; i < p->m; i++) {
                double got = p->out[i * p->n + j], ref = sqrt(p->ref_sq[i * p->n + j]);
                double scale = p->x_norm2[i] + p->y_norm2[j];
                ratio = fmax(ratio, fabs(got * got - p->ref_sq[i * p->n + j]) / scale);
                if (i == src && phase == CDIST_IDENTICAL_PHASE)
                    zero_max = fmax(zero_max, got);
                else if (i == src && phase == CDIST_NEAR_DUPLICATE_PHASE)
                    near_rel = fmax(near_rel, fabs(got - ref) / ref);
                else
                    far_rel = fmax(far_rel, fabs(got - ref) / ref);
            }
        }
        printf("%s: near-duplicates rel error %.2g, others %.2g, identical rows up to %.2g, "
               "max |got^2-ref^2|/(|x|^2+|y|^2) %.2g (tolerance %.2g)\n",
               v->name, near_rel, far_rel, zero_max, ratio, cdist_tolerance(p->p));
        CHECK(ratio <= cdist_tolerance(p->p), "%s: within the stated tolerance", v->name);
        CHECK(val.max_abs_error >= 0 && val.max_rel_error >= 0, "%s: errors recorded", v->name);
        if (is_direct(v)) {
            CHECK(near_rel < 1e-12 && far_rel < 1e-14 && zero_max == 0.0,
                  "%s: direct method accurate: near %g, far %g, zero %g", v->name, near_rel,
                  far_rel, zero_max);
        } else {
            /* Cancellation: d^2 ~ 1e-10 from norms ~ 200 leaves ~1e-4 of
             * relative error; the far pairs keep full accuracy. */
            CHECK(near_rel > 1e-9 && near_rel < 0.1, "%s: near-duplicate error %g is visible "
                  "and small", v->name, near_rel);
            CHECK(far_rel < 1e-12, "%s: far pairs accurate (%g)", v->name, far_rel);
            CHECK(zero_max < 1e-5, "%s: identical rows %g", v->name, zero_max);
            CHECK(val.max_rel_error == near_rel || val.max_rel_error >= near_rel,
                  "%s: validation reports the near-duplicate error (%g vs %g)", v->name,
                  val.max_rel_error, near_rel);
        }
    }
    cdist_workload.problem_destroy(p);
}

/* ---- generator ---------------------------------------------------------- */

static void test_generator(void)
{
    int threads_before = omp_get_max_threads();
    omp_set_num_threads(1);
    struct cdist_problem *a = create("64x100x10", 3);
    omp_set_num_threads(3);
    struct cdist_problem *b = create("64x100x10", 3);
    omp_set_num_threads(threads_before);
    struct cdist_problem *c = create("64x100x10", 4);
    struct cdist_problem *fewer = create("64x48x10", 3);
    if (!a || !b || !c || !fewer)
        return;
    CHECK(memcmp(a->x, b->x, 640 * sizeof(double)) == 0 &&
              memcmp(a->y, b->y, 1000 * sizeof(double)) == 0,
          "same seed, 1 and 3 generating threads: same data");
    CHECK(memcmp(a->x, c->x, 640 * sizeof(double)) != 0, "another seed, other data");
    CHECK(memcmp(a->y, fewer->y, 480 * sizeof(double)) == 0,
          "Y row j does not depend on the number of Y rows");
    for (size_t j = 0; j < a->n; j++) {
        const double *y = a->y + j * 10, *x = a->x + cdist_source_row(j, a->m) * 10;
        double d2 = 0;
        for (size_t k = 0; k < 10; k++)
            d2 += (x[k] - y[k]) * (x[k] - y[k]);
        if (j % 16 == CDIST_IDENTICAL_PHASE)
            CHECK(d2 == 0, "Y row %zu copies its X row", j);
        else if (j % 16 == CDIST_NEAR_DUPLICATE_PHASE)
            CHECK(d2 > 0 && sqrt(d2) < 10 * CDIST_NEAR_NOISE * sqrt(10.0),
                  "Y row %zu is a near-duplicate (distance %g)", j, sqrt(d2));
        else
            CHECK(d2 > 1e-3, "Y row %zu is independent", j);
    }
    struct sl_problem_info info;
    memset(&info, 0, sizeof info);
    cdist_workload.describe(a, &info);
    CHECK(strcmp(info.size, "64x100x10") == 0 && info.n_params > 0, "describe: %s", info.size);
    /* Y rows 5, 21, .., 85 and 11, 27, .., 91 of 100. */
    CHECK(a->near_duplicates == 6 && a->identical == 6, "near-duplicates %zu, identical %zu",
          a->near_duplicates, a->identical);
    cdist_workload.problem_destroy(a);
    cdist_workload.problem_destroy(b);
    cdist_workload.problem_destroy(c);
    cdist_workload.problem_destroy(fewer);
}

/* ---- validation catches errors ------------------------------------------ */

static void test_validation_catches_errors(void)
{
    struct cdist_problem *p = create("30x20x8", 9);
    if (!p)
        return;
    const struct sl_variant *v = sl_variant_find(&cdist_workload, "naive");
    struct sl_validation val;

    run_one(p, v, 1, SL_SCHED_STATIC, "wrong", &val);
    p->out[7 * 20 + 13] *= 1.0 + 1e-9;
    cdist_workload.validate(p, &val);
    CHECK(!val.valid && val.failures == 1 && strstr(val.detail, "(7, 13)"),
          "a distance off by 1e-9 relative: %s", val.detail);

    run_one(p, v, 1, SL_SCHED_STATIC, "unwritten", &val);
    p->out[29 * 20 + 19] = NAN;
    cdist_workload.validate(p, &val);
    CHECK(!val.valid && strstr(val.detail, "(29, 19)") && isinf(val.max_abs_error),
          "an unwritten distance: %s", val.detail);

    run_one(p, v, 1, SL_SCHED_STATIC, "negative", &val);
    p->out[3] = -p->out[3];
    cdist_workload.validate(p, &val);
    CHECK(!val.valid, "a negative distance with the right square: %s", val.detail);

    cdist_workload.prepare_validation(p);
    cdist_workload.validate(p, &val);
    CHECK(!val.valid && val.failures == val.total, "nothing written: %g of %g fail",
          val.failures, val.total);
    CHECK(cdist_tolerance(100) == 216 * DBL_EPSILON, "tolerance (2p + 16) eps");
    cdist_workload.problem_destroy(p);
}

int main(void)
{
    if (machine_load(&mach) != 0)
        return 1;
    test_hand_computed();
    test_shapes();
    test_identity_accuracy();
    test_generator();
    test_validation_catches_errors();
    machine_free(&mach);
    return check_report("test_cdist");
}
