/* gaussmap: the defined exp is accurate against libm over the range the map
 * uses; fixed points land in one bin; column totals are the in-range
 * iterates; every variant's counts equal the reference's exactly at odd
 * column counts (SIMD tails) with 1-3 threads; the image files are right;
 * validation catches wrong and unwritten bins. */
#include "gaussmap/gaussmap.h" /* first: its pragma must precede every function */

#include "check.h"
#include "measure/machine.h"
#include "measure/team.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct gaussmap_problem *create(const char *size)
{
    struct sl_problem_args args = {.size = size, .seed = 1, .validate = "full"};
    void *problem = NULL;
    CHECK(gaussmap_workload.problem_create(&args, &problem) == 0, "create %s: %s", size,
          sl_error());
    return problem;
}

static void test_exp(void)
{
    /* t = -5.8 x^2 for x in (-1, 2]: [-23.2, 0]; a little beyond, too. */
    double worst = 0, worst_t = 0;
    for (int i = 0; i <= 2000000; i++) {
        double t = -30.0 + 35.0 * i / 2000000.0;
        double got = gaussmap_exp(t), want = exp(t);
        double rel = fabs(got - want) / want;
        if (rel > worst) {
            worst = rel;
            worst_t = t;
        }
    }
    CHECK(worst < 1e-15, "exp: relative error %.3g at t = %.17g", worst, worst_t);
    printf("gaussmap_exp: max relative error %.3g over [-30, 5]\n", worst);
    CHECK(gaussmap_exp(0.0) == 1.0 && gaussmap_exp(-0.0) == 1.0, "exp(0) is not exactly 1");
    CHECK(gaussmap_exp(-M_LN2) == 0.5 && gaussmap_exp(-20 * M_LN2) == 0x1p-20,
          "exp(-k ln2) is not 2^-k: %.17g", gaussmap_exp(-M_LN2));
    /* beta = -1 from x0 = 0: exp(0) - 1 = 0, a fixed point from the start. */
    CHECK(gaussmap_step(0.0, -1.0) == 0.0, "0 is not the fixed point of beta = -1");
}

/* Runs variant v under every schedule it declares with 1-3 threads; each
 * result must equal `expected` (W x H counts) exactly. */
static void check_variant(const struct machine *mach, struct gaussmap_problem *p,
                          const struct sl_variant *v, const uint32_t *expected, const char *size)
{
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
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
            gaussmap_workload.prepare_validation(p);
            team_reset(team);
            CHECK(v->run(p, &ex) == 0, "%s: %s", v->name, sl_error());
            size_t differ = 0;
            for (size_t i = 0; i < p->columns * p->bins; i++)
                differ += p->counts[i] != expected[i];
            CHECK(differ == 0, "%s %s %s t%d: %zu bins differ from the reference", size, v->name,
                  sl_schedule_name((enum sl_schedule)s), threads, differ);
            struct sl_validation val;
            CHECK(gaussmap_workload.validate(p, &val) == 0 && val.valid, "%s %s: %s", size,
                  v->name, val.detail);
        }
        team_destroy(team);
    }
}

/* Every variant at column counts around the vector widths, plus the
 * properties of the reference itself. */
static void test_variants_equal_reference(const struct machine *mach)
{
    static const char *const sizes[] = {"1x5", "2x400", "3x50", "7x9", "9x40", "13x7",
                                        "15x64", "17x33", "37x100", "64x40"};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct gaussmap_problem *p = create(sizes[i]);
        if (!p)
            continue;
        size_t w = p->columns, h = p->bins;
        uint32_t *expected = calloc(w * h, sizeof *expected);
        gaussmap_reference(p, expected);
        /* Column totals: the iterates this test sees in [LO, HI), at most 4000. */
        for (size_t c = 0; c < w; c++) {
            double x = 0.0;
            for (int n = 0; n < GAUSSMAP_TRANSIENTS; n++)
                x = gaussmap_step(x, p->beta[c]);
            uint64_t in_range = 0, total = 0;
            for (int n = 0; n < GAUSSMAP_ITERATES; n++) {
                x = gaussmap_step(x, p->beta[c]);
                in_range += x >= GAUSSMAP_LO && x < GAUSSMAP_HI;
            }
            for (size_t b = 0; b < h; b++)
                total += expected[c * h + b];
            CHECK(total == in_range && total <= GAUSSMAP_ITERATES,
                  "%s column %zu: %llu counted, %llu in range", sizes[i], c,
                  (unsigned long long)total, (unsigned long long)in_range);
        }
        for (const struct sl_variant *v = gaussmap_variants; v->name; v++) {
            const char *missing = sl_isa_missing(v->requires);
            if (missing) {
                if (i == 0)
                    printf("skipped %s: CPU lacks %s\n", v->name, missing);
                continue;
            }
            check_variant(mach, p, v, expected, sizes[i]);
        }
        free(expected);
        gaussmap_workload.problem_destroy(p);
    }
}

/* beta = -1 stays at x = 0 (bin H * 1 / 2.5); beta = 1 converges to
 * x = 1 + exp(-5.8 x^2) ~ 1.0031 (bin ~ H * 2.0031 / 2.5).  Both columns
 * hold all 4000 iterates in one bin. */
static void test_fixed_points(void)
{
    struct gaussmap_problem *p = create("2x400");
    if (!p)
        return;
    CHECK(p->beta[0] == -1.0 && p->beta[1] == 1.0, "betas %g %g", p->beta[0], p->beta[1]);
    uint32_t *counts = calloc(2 * 400, sizeof *counts);
    gaussmap_reference(p, counts);
    CHECK(counts[160] == GAUSSMAP_ITERATES, "beta = -1: bin 160 holds %u", counts[160]);
    CHECK(counts[400 + 320] == GAUSSMAP_ITERATES, "beta = 1: bin 320 holds %u",
          counts[400 + 320]);
    free(counts);
    gaussmap_workload.problem_destroy(p);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_image_files(void)
{
    struct gaussmap_problem *p = create("37x50");
    if (!p)
        return;
    gaussmap_reference(p, p->counts);
    char dir[] = "/tmp/test_gaussmap.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        gaussmap_workload.problem_destroy(p);
        return;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/diagram.pgm", dir);
    CHECK(gaussmap_workload.save_output(p, path) == 0, "save pgm: %s", sl_error());
    const char header[] = "P5\n37 50\n255\n";
    CHECK(file_size(path) == (long)(strlen(header) + 37 * 50), "pgm size %ld", file_size(path));
    FILE *fp = fopen(path, "rb");
    unsigned char data[32 + 37 * 50];
    size_t got = fp ? fread(data, 1, sizeof data, fp) : 0;
    if (fp)
        fclose(fp);
    CHECK(got == strlen(header) + 37 * 50 && memcmp(data, header, strlen(header)) == 0,
          "pgm header");
    if (got == strlen(header) + 37 * 50) {
        const unsigned char *pixels = data + strlen(header);
        /* Column 0 (beta = -1): all 4000 iterates in bin 20 of 50, which
         * is row 29 from the top; the densest bin of the image is black,
         * an empty one white. */
        CHECK(pixels[29 * 37 + 0] == 0, "fixed point pixel %u", pixels[29 * 37]);
        CHECK(pixels[0 * 37 + 0] == 255, "empty pixel %u", pixels[0]);
    }
    unlink(path);

    snprintf(path, sizeof path, "%s/diagram.png", dir);
    int rc = gaussmap_workload.save_output(p, path);
#ifdef SPEEDLAB_HAVE_LIBPNG
    CHECK(rc == 0, "save png: %s", sl_error());
    fp = fopen(path, "rb");
    unsigned char signature[8] = {0};
    if (fp) {
        CHECK(fread(signature, 1, 8, fp) == 8, "png short");
        fclose(fp);
    }
    CHECK(memcmp(signature, "\x89PNG\r\n\x1a\n", 8) == 0, "png signature");
    unlink(path);
#else
    CHECK(rc != 0 && strstr(sl_error(), "libpng") && file_size(path) < 0,
          "png without libpng: %s", sl_error());
#endif
    snprintf(path, sizeof path, "%s/diagram.txt", dir);
    CHECK(gaussmap_workload.save_output(p, path) != 0 && file_size(path) < 0,
          "an image to .txt was accepted");
    rmdir(dir);
    gaussmap_workload.problem_destroy(p);
}

static void test_validation_catches_errors(void)
{
    struct gaussmap_problem *p = create("9x40");
    if (!p)
        return;
    struct sl_validation val;
    gaussmap_workload.prepare_validation(p);
    CHECK(gaussmap_workload.validate(p, &val) == 0 && !val.valid && val.failures == 9 * 40,
          "poisoned counts passed: %s", val.detail);
    gaussmap_reference(p, p->counts);
    CHECK(gaussmap_workload.validate(p, &val) == 0 && val.valid && val.tolerance_abs == 0,
          "the reference failed: %s", val.detail);
    p->counts[3 * 40 + 7] += 1;
    CHECK(gaussmap_workload.validate(p, &val) == 0 && !val.valid && val.failures == 1 &&
              strstr(val.detail, "column 3, bin 7"),
          "one wrong bin: %s", val.detail);
    gaussmap_workload.problem_destroy(p);
}

int main(void)
{
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    test_exp();
    test_fixed_points();
    test_variants_equal_reference(&mach);
    test_image_files();
    test_validation_catches_errors();
    machine_free(&mach);
    return check_report("test_gaussmap");
}
