/* stream: every kernel's output is exact at odd sizes (vector tails, a
 * share per thread smaller than a cache line, one element), the shares
 * cover the array in whole cache lines, the auto size is at least 4 x the
 * last-level cache, bytes are counted as STREAM counts them, and
 * validation catches NaN, wrong elements and modified inputs. */
#include "check.h"
#include "measure/machine.h"
#include "stream/stream.h"
#include "measure/team.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct stream_problem *create(size_t n)
{
    char size[32];
    snprintf(size, sizeof size, "%zu", n);
    struct sl_problem_args args = {.size = size, .seed = 9, .validate = "full"};
    void *problem = NULL;
    CHECK(stream_workload.problem_create(&args, &problem) == 0, "create %zu: %s", n, sl_error());
    return problem;
}

/* Expected output of the variant, computed here from the inputs. */
static double expected(const char *variant, double a, double b)
{
    if (strcmp(variant, "copy") == 0)
        return a;
    if (strcmp(variant, "scale") == 0)
        return 3.0 * a;
    if (strcmp(variant, "add") == 0)
        return a + b;
    return a + 3.0 * b; /* every triad */
}

static void test_kernels_exact(const struct machine *mach)
{
    static const size_t sizes[] = {1, 2, 7, 8, 9, 15, 16, 17, 23, 33, 1000003};
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct stream_problem *p = create(sizes[s]);
        if (!p)
            continue;
        for (const struct sl_variant *v = stream_variants; v->name; v++) {
            const char *missing = sl_isa_missing(v->requires);
            if (missing) {
                if (s == 0)
                    printf("skipped %s: CPU lacks %s\n", v->name, missing);
                continue;
            }
            for (int threads = 1; threads <= 3; threads++) {
                struct sl_team *team;
                if (team_create(&team, mach, &pin, threads) != 0) {
                    CHECK(0, "team: %s", sl_error());
                    continue;
                }
                struct sl_exec ex = {.threads = threads, .schedule = SL_SCHED_STATIC, .team = team};
                stream_workload.prepare_validation(p);
                team_reset(team);
                CHECK(v->run(p, &ex) == 0, "%s: %s", v->name, sl_error());
                size_t wrong = 0, first = p->n;
                for (size_t i = 0; i < p->n; i++) {
                    double a, b;
                    stream_inputs(p->seed, i, &a, &b);
                    if (p->c[i] != expected(v->name, a, b) || p->a[i] != a || p->b[i] != b) {
                        if (wrong++ == 0)
                            first = i;
                    }
                }
                CHECK(wrong == 0, "%s n=%zu t%d: %zu elements wrong, first %zu", v->name, p->n,
                      threads, wrong, first);
                struct sl_validation val;
                CHECK(stream_workload.validate(p, &val) == 0 && val.valid &&
                          val.checked == (double)p->n && val.tolerance_abs == 0,
                      "%s n=%zu t%d: %s", v->name, p->n, threads, val.detail);
                team_destroy(team);
            }
        }
        stream_workload.problem_destroy(p);
    }
}

static void test_inputs(void)
{
    int exact = 1;
    for (size_t i = 0; i < 100000; i++) {
        double a, b;
        stream_inputs(1, i, &a, &b);
        /* Integers below 2^20 and halves below 2^19: a + 3 b is below 2^22
         * with one fractional bit, exact in double. */
        exact &= a >= 0 && a < 1048576 && a == floor(a) && b >= 0 && b < 524288 &&
                 b * 2 == floor(b * 2);
    }
    CHECK(exact, "inputs outside their exact range");
    double a1, b1, a2, b2;
    stream_inputs(1, 5, &a1, &b1);
    stream_inputs(2, 5, &a2, &b2);
    CHECK(a1 != a2 || b1 != b2, "the seed does not change the inputs");
}

static void test_partition(void)
{
    static const size_t sizes[] = {1, 7, 8, 9, 17, 64, 1000, 1000003};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int parts = 1; parts <= 5; parts++) {
            size_t next = 0;
            for (int part = 0; part < parts; part++) {
                size_t begin, end;
                stream_partition(sizes[s], part, parts, &begin, &end);
                CHECK(begin == next && begin <= end, "n=%zu %d/%d: [%zu, %zu) after %zu",
                      sizes[s], part, parts, begin, end, next);
                CHECK(begin % STREAM_BLOCK == 0, "n=%zu %d/%d: share starts mid-line", sizes[s],
                      part, parts);
                next = end;
            }
            CHECK(next == sizes[s], "n=%zu parts=%d: shares end at %zu", sizes[s], parts, next);
        }
}

static void test_sizes_and_work(void)
{
    size_t llc = sl_last_level_cache_bytes();
    size_t n = stream_auto_elements(llc);
    if (llc) {
        CHECK(n * sizeof(double) >= 4 * llc && (n - 1) * sizeof(double) < 4 * llc,
              "auto: %zu elements for a %zu-byte cache", n, llc);
        printf("auto size: %zu elements (%.0f MiB per array) for a %.0f MiB last-level cache\n",
               n, n * 8.0 / 1048576.0, llc / 1048576.0);
    }
    CHECK(stream_auto_elements(300u << 20) == 157286400, "auto for 300 MiB: %zu",
          stream_auto_elements(300u << 20));
    CHECK(stream_auto_elements(1) == 1, "auto for 1 byte");
    CHECK(stream_auto_elements(0) == STREAM_FALLBACK_ELEMENTS, "auto without a cache size");
    CHECK(stream_workload.check_size("auto") == 0 && stream_workload.check_size("tiny") == 0 &&
              stream_workload.check_size("1000") == 0,
          "sizes refused: %s", sl_error());

    struct stream_problem *p = create(1000);
    if (!p)
        return;
    static const struct {
        const char *name;
        double bytes, flops;
    } want[] = {{"copy", 16, 0},  {"scale", 16, 1},          {"add", 24, 1},
                {"triad", 24, 2}, {"triad_avx2", 24, 2},     {"triad_avx512", 24, 2},
                {"triad_avx512_nt", 24, 2}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct sl_variant *v = sl_variant_find(&stream_workload, want[i].name);
        CHECK(v != NULL, "no variant %s", want[i].name);
        if (!v)
            continue;
        struct sl_work w = {0};
        v->work(p, &w);
        CHECK(w.units == 1000 && w.bytes == want[i].bytes * 1000 && w.flops == want[i].flops * 1000,
              "%s: %g units, %g bytes, %g flops", want[i].name, w.units, w.bytes, w.flops);
    }
    stream_workload.problem_destroy(p);
}

static void test_validation_catches_errors(const struct machine *mach)
{
    struct stream_problem *p = create(101);
    if (!p)
        return;
    struct sl_validation val;
    stream_workload.prepare_validation(p);
    CHECK(stream_workload.validate(p, &val) == 0 && !val.valid, "no kernel ran, yet valid");
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    struct sl_team *team;
    if (team_create(&team, mach, &pin, 1) != 0) {
        stream_workload.problem_destroy(p);
        return;
    }
    struct sl_exec ex = {.threads = 1, .schedule = SL_SCHED_STATIC, .team = team};
    const struct sl_variant *triad = sl_variant_find(&stream_workload, "triad");
    triad->run(p, &ex);
    CHECK(stream_workload.validate(p, &val) == 0 && val.valid, "triad: %s", val.detail);
    p->c[100] = NAN;
    CHECK(stream_workload.validate(p, &val) == 0 && !val.valid && val.failures == 1 &&
              strstr(val.detail, "first at 100"),
          "an unwritten element passed: %s", val.detail);
    triad->run(p, &ex);
    p->c[3] = nextafter(p->c[3], INFINITY);
    CHECK(stream_workload.validate(p, &val) == 0 && !val.valid && val.failures == 1,
          "an element 1 ulp off passed: %s", val.detail);
    triad->run(p, &ex);
    p->b[50] += 1;
    CHECK(stream_workload.validate(p, &val) == 0 && !val.valid && val.failures == 1,
          "a modified input passed: %s", val.detail);
    team_destroy(team);
    stream_workload.problem_destroy(p);
}

int main(void)
{
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    test_inputs();
    test_partition();
    test_sizes_and_work();
    test_kernels_exact(&mach);
    test_validation_catches_errors(&mach);
    machine_free(&mach);
    return check_report("test_stream");
}
