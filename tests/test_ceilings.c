/* ceilings: sizes and their canonical names, cache levels read from a sysfs
 * tree, the per-level sizing rule, placements that fit the pools and sweep
 * every thread's arrays, the FMA chains' flop count against what the loop
 * executed, validation that sees skipped work, and plateau detection on
 * synthetic sweeps. */
#include "ceilings/ceilings.h"
#include "ceilings/plateaus.h"
#include "check.h"
#include "measure/machine.h"
#include "run_variant.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct ceilings_problem *create(const char *size, int threads)
{
    struct sl_problem_args args = {.size = size, .seed = 5, .max_threads = threads};
    void *problem = NULL;
    CHECK(ceilings_workload.problem_create(&args, &problem) == 0, "create %s: %s", size,
          sl_error());
    return problem;
}

static const struct sl_variant *variant(const char *name)
{
    const struct sl_variant *v = sl_variant_find(&ceilings_workload, name);
    CHECK(v != NULL, "no variant %s", name);
    return v;
}

static const struct ceilings_variant_spec *spec_of(const struct sl_variant *v)
{
    return &ceilings_specs[v - ceilings_variants];
}

static void test_sizes(void)
{
    static const struct {
        const char *text, *name;
    } good[] = {
        {"auto", "auto"},
        {"small", "auto"},
        {"l2", "l2"},
        {"dram:traffic=1G", "dram:traffic=1G"},
        {"ws=32K", "ws=32K"},
        {"ws=32768:traffic=256M:steps=8388608", "ws=32K"},
        {"ws=1000:steps=7", "ws=1000:steps=7"},
        {"tiny", "ws=16K:traffic=16M:steps=65536"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct ceilings_problem *p = NULL;
        CHECK(ceilings_workload.check_size(good[i].text) == 0, "%s refused: %s", good[i].text,
              sl_error());
        if (strncmp(good[i].name, "ws=", 3) == 0 && (p = create(good[i].text, 1))) {
            CHECK(strcmp(p->size_name, good[i].name) == 0, "%s named %s, expected %s",
                  good[i].text, p->size_name, good[i].name);
            ceilings_workload.problem_destroy(p);
        }
    }
    static const char *const bad[] = {"ws=", "ws=0", "ws=-1K", "l4", "auto:steps=0",
                                      "auto:steps=16777000", "auto:traffic=1T", "auto:speed=3",
                                      "auto:", "ws=65G", "traffic=1M"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(ceilings_workload.check_size(bad[i]) != 0, "%s accepted", bad[i]);
        CHECK(strstr(sl_error(), "ceilings:") && !strchr(sl_error(), '\n'),
              "%s refused without a one-line reason: %s", bad[i], sl_error());
    }
    struct ceilings_size s;
    CHECK(ceilings_parse_size("l3:traffic=1M:steps=9", &s) == 0 && s.level[CEILINGS_L3] &&
              !s.level[CEILINGS_L2] && s.traffic == 1 << 20 && s.steps == 9 && s.ws == 0,
          "l3:traffic=1M:steps=9 parsed wrong");
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL, "cannot write %s", path);
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* A sysfs cache folder: index0 L1d, index1 L1i, index2 L2, index3 L3. */
static void test_sysfs(void)
{
    char root[] = "/tmp/speedlab-caches-XXXXXX";
    CHECK(mkdtemp(root) != NULL, "no temporary folder");
    static const char *const rows[][4] = {{"1", "Data", "48K", "0,4"},
                                          {"1", "Instruction", "32K", "0,4"},
                                          {"2", "Unified", "2048K", "0,4"},
                                          {"3", "Unified", "260M", "0-7,16-23"}};
    char dir[600];
    for (int i = 0; i < 4; i++) {
        snprintf(dir, sizeof dir, "%s/index%d", root, i);
        mkdir(dir, 0700);
        write_file(dir, "level", rows[i][0]);
        write_file(dir, "type", rows[i][1]);
        write_file(dir, "size", rows[i][2]);
        write_file(dir, "shared_cpu_list", rows[i][3]);
    }
    struct ceilings_caches c;
    CHECK(ceilings_caches_read(root, &c) == 0, "read: %s", sl_error());
    CHECK(c.level[0].size == 48 << 10 && c.level[0].sharing == 2, "L1d %zu shared by %d",
          c.level[0].size, c.level[0].sharing);
    CHECK(c.level[1].size == 2 << 20 && c.level[1].sharing == 2, "L2 %zu", c.level[1].size);
    CHECK(c.level[2].size == (size_t)260 << 20 && c.level[2].sharing == 16, "L3 %zu shared by %d",
          c.level[2].size, c.level[2].sharing);
    CHECK(c.llc_total == 0, "llc_total is the caller's");
    for (int i = 3; i >= 0; i--) {
        static const char *const files[] = {"level", "type", "size", "shared_cpu_list"};
        snprintf(dir, sizeof dir, "%s/index%d", root, i);
        for (int f = 0; f < 4; f++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", dir, files[f]);
            unlink(path);
        }
        rmdir(dir);
        if (i == 2) {
            CHECK(ceilings_caches_read(root, &c) == 0 && c.level[2].size == 0 &&
                      c.level[1].size == 0 && c.level[0].size == 48 << 10,
                  "without index2 and index3: L1d only");
        }
    }
    CHECK(ceilings_caches_read(root, &c) != 0 && strstr(sl_error(), "no data cache"),
          "an empty folder read without an error");
    rmdir(root);
}

/* The rule of caches.h on a machine like this one's host: 48 KiB L1d and
 * 2 MiB L2 per core, 260 MiB L3 shared by 2 CPUs (as the VM's sysfs says;
 * the measured L3 plateau ends near 32 MiB). */
static void test_sizing_rule(void)
{
    struct ceilings_caches c = {
        .level = {{48 << 10, 1}, {2 << 20, 1}, {(size_t)260 << 20, 2}},
        .llc_total = (size_t)260 << 20};
    for (int t = 1; t <= 4; t++) {
        size_t l1 = ceilings_thread_bytes(&c, CEILINGS_L1, t);
        size_t l2 = ceilings_thread_bytes(&c, CEILINGS_L2, t);
        size_t l3 = ceilings_thread_bytes(&c, CEILINGS_L3, t);
        size_t dram = ceilings_thread_bytes(&c, CEILINGS_DRAM, t);
        CHECK(l1 == 24 << 10 && l2 == 1 << 20, "t%d: l1 %zu, l2 %zu", t, l1, l2);
        /* Four times the private L2, far below half the nominal L3 (the
         * old rule's 130 MiB measured DRAM), inside the measured plateau. */
        CHECK(l3 == (size_t)8 << 20, "t%d: l3 %zu", t, l3);
        CHECK(dram == ((size_t)1040 << 20) / (size_t)t, "t%d: dram %zu", t, dram);
        /* Each level's share lies beyond the level below and within its own. */
        CHECK(l1 <= c.level[0].size && l2 > c.level[0].size && l2 <= c.level[1].size &&
                  l3 >= 2 * c.level[1].size && (size_t)(t < 2 ? t : 2) * l3 <= c.level[2].size &&
                  l3 <= (size_t)32 << 20 && (size_t)t * (dram + 1) > 4 * c.llc_total,
              "t%d: levels out of order", t);
    }
    /* A desktop: 1 MiB L2 per core, 32 MiB L3 shared by 16 CPUs.  The L3
     * working set clears L2 at every team size until the L3 share of a
     * thread is under twice its L2: then no working set lies in L3 alone. */
    struct ceilings_caches desk = {.level = {{32 << 10, 1}, {1 << 20, 1}, {32 << 20, 16}},
                                   .llc_total = 32 << 20};
    static const struct {
        int threads;
        size_t l3;
    } want[] = {{1, 4 << 20}, {4, 4 << 20}, {8, 2 << 20}, {9, 0}, {16, 0}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t l3 = ceilings_thread_bytes(&desk, CEILINGS_L3, want[i].threads);
        CHECK(l3 == want[i].l3, "desktop t%d: l3 %zu, want %zu", want[i].threads, l3,
              want[i].l3);
        CHECK(l3 == 0 || (l3 >= 2 * desk.level[1].size &&
                          l3 * (size_t)want[i].threads <= desk.level[2].size / 2),
              "desktop t%d: l3 %zu outside L3 alone", want[i].threads, l3);
    }
    /* Without an L2 the L3 working set is half a thread's L3 share. */
    struct ceilings_caches no_l2 = {.level = {{32 << 10, 1}, {0, 0}, {8 << 20, 4}}};
    CHECK(ceilings_thread_bytes(&no_l2, CEILINGS_L3, 2) == 2 << 20, "no L2: l3 %zu",
          ceilings_thread_bytes(&no_l2, CEILINGS_L3, 2));
    struct ceilings_caches unknown = {0};
    CHECK(ceilings_thread_bytes(&unknown, CEILINGS_L3, 1) == 0 &&
              ceilings_thread_bytes(&unknown, CEILINGS_DRAM, 2) == 0,
          "unknown levels have a size");
}

/* Every placement of a set-up problem lies inside the pools and its
 * steps give every thread at least one full sweep of its arrays. */
static void test_placements(void)
{
    static const char *const sizes[] = {"l1", "l2:traffic=1M", "ws=200:traffic=1", "ws=4160"};
    static const enum ceilings_kind kinds[] = {CEILINGS_LOAD, CEILINGS_COPY, CEILINGS_TRIAD};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct ceilings_problem *p = create(sizes[s], 3);
        if (!p)
            continue;
        for (int l = 0; l < CEILINGS_LEVELS; l++)
            for (size_t k = 0; k < 3; k++)
                for (int t = 1; t <= 3; t++) {
                    struct ceilings_placement pl;
                    if (!p->size.level[l]) {
                        CHECK(ceilings_place(p, kinds[k], (enum ceilings_level)l, t, &pl) != 0,
                              "%s: level %d placed though not set up", sizes[s], l);
                        continue;
                    }
                    CHECK(ceilings_place(p, kinds[k], (enum ceilings_level)l, t, &pl) == 0,
                          "%s: %s", sizes[s], sl_error());
                    size_t bytes = (p->size.ws ? p->size.ws
                                               : ceilings_thread_bytes(&p->caches,
                                                                       (enum ceilings_level)l, t));
                    size_t want = bytes / (64 * (size_t)ceilings_arrays(kinds[k]));
                    CHECK(pl.lines == (want ? want : 1), "%s: %zu lines, rule says %zu",
                          sizes[s], pl.lines, want);
                    CHECK((size_t)t * pl.in_stride <= p->in_lines &&
                              (kinds[k] == CEILINGS_LOAD ||
                               CEILINGS_OUTPUT_SKEW_LINES + (size_t)t * pl.out_stride <=
                                   p->out_lines),
                          "%s kind %zu t%d: outside the pools", sizes[s], k, t);
                    CHECK(ceilings_share(pl.steps, t - 1, t) >= pl.lines &&
                              pl.steps * 64 * (size_t)ceilings_arrays(kinds[k]) >=
                                  p->size.traffic,
                          "%s kind %zu t%d: %zu steps for %zu lines", sizes[s], k, t, pl.steps,
                          pl.lines);
                }
        struct ceilings_placement pl;
        CHECK(ceilings_place(p, CEILINGS_LOAD, CEILINGS_L1, 4, &pl) != 0 &&
                  strstr(sl_error(), "set up for at most 3"),
              "%s: 4 threads placed in a problem set up for 3", sizes[s]);
        ceilings_workload.problem_destroy(p);
    }
}

/* Each step adds exactly 1 to each lane of each chain: the ends minus the
 * starts count the FMAs the loop executed, which must be the work model's. */
static void test_flop_count(const struct machine *mach)
{
    static const char *const sizes[] = {"ws=64:steps=1", "ws=64:steps=5", "ws=64:steps=7"};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct ceilings_problem *p = create(sizes[s], 3);
        if (!p)
            continue;
        for (const struct sl_variant *v = ceilings_variants; v->name; v++) {
            const struct ceilings_variant_spec *spec = spec_of(v);
            bool fp32 = spec->kind == CEILINGS_PEAK_FP32;
            if ((!fp32 && spec->kind != CEILINGS_PEAK_FP64) || sl_isa_missing(v->requires))
                continue;
            for (int t = 1; t <= 3; t++) {
                if (run_variant_once(mach, &ceilings_workload, p, v, t, SL_SCHED_STATIC,
                                     sizes[s]) != 0)
                    continue;
                double fmas = 0;
                for (int k = 0; k < t; k++)
                    for (int i = 0; i < CEILINGS_ACCUMULATORS * spec->lanes; i++) {
                        size_t at = (size_t)k * CEILINGS_ACCUMULATORS * CEILINGS_MAX_LANES +
                                    (size_t)i;
                        fmas += fp32 ? (double)(p->end32[at] - p->start32[at])
                                     : p->end64[at] - p->start64[at];
                    }
                struct sl_work w;
                v->work(p, &w);
                CHECK(w.flops == 2 * fmas && w.units == fmas && w.bytes == 0,
                      "%s %s t%d: model %g flops, loop executed %g FMAs", v->name, sizes[s], t,
                      w.flops, fmas);
            }
        }
        ceilings_workload.problem_destroy(p);
    }
}

/* Bytes and flops of the bandwidth kinds, as likwid-bench counts them. */
static void test_bandwidth_work(void)
{
    struct ceilings_problem *p = create("ws=4K:traffic=1M", 2);
    if (!p)
        return;
    static const struct {
        const char *name;
        double bytes_per_element, flops_per_element;
    } want[] = {{"load_l1_avx2", 8, 1}, {"copy_l2_scalar", 16, 0}, {"triad_dram_avx512", 32, 2}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct sl_variant *v = variant(want[i].name);
        if (!v)
            continue;
        struct sl_work w;
        v->work(p, &w);
        CHECK(w.units * want[i].bytes_per_element == (double)(1 << 20) &&
                  w.bytes == (double)(1 << 20) && w.flops == want[i].flops_per_element * w.units,
              "%s: %g units, %g bytes, %g flops", want[i].name, w.units, w.bytes, w.flops);
    }
    ceilings_workload.problem_destroy(p);
}

/* A kernel that did less than the work model says fails validation. */
static void test_validation_sees_skipped_work(const struct machine *mach)
{
    struct ceilings_problem *p = create("ws=1K:traffic=5000:steps=10", 2);
    if (!p)
        return;
    struct sl_validation val;
    ceilings_workload.prepare_validation(p);
    CHECK(ceilings_workload.validate(p, &val) == 0 && !val.valid, "no kernel ran, yet valid");
    static const char *const names[] = {"load_l2_scalar", "copy_l1_scalar", "triad_dram_scalar",
                                        "peak_fp64_scalar"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const struct sl_variant *v = variant(names[i]);
        if (!v || sl_isa_missing(v->requires) ||
            run_variant_once(mach, &ceilings_workload, p, v, 2, SL_SCHED_STATIC, "skip") != 0)
            continue;
        CHECK(ceilings_workload.validate(p, &val) == 0 && val.valid, "%s: %s", names[i],
              val.detail);
        /* The model now claims one step more than the kernel made. */
        const struct ceilings_variant_spec *spec = spec_of(v);
        if (spec->kind == CEILINGS_PEAK_FP64) {
            p->size.steps++;
            CHECK(ceilings_workload.validate(p, &val) == 0 && !val.valid,
                  "%s: a missing FMA step passed", names[i]);
            p->size.steps--;
        } else if (spec->kind == CEILINGS_LOAD) {
            p->steps[spec->kind][spec->level]++;
            CHECK(ceilings_workload.validate(p, &val) == 0 && !val.valid,
                  "%s: a missing line passed", names[i]);
            p->steps[spec->kind][spec->level]--;
        } else {
            p->out[CEILINGS_OUTPUT_SKEW_LINES * CEILINGS_LINE_DOUBLES + 3] = NAN;
            CHECK(ceilings_workload.validate(p, &val) == 0 && !val.valid && val.failures == 1 &&
                      strstr(val.detail, "value 3"),
                  "%s: an unwritten element passed: %s", names[i], val.detail);
        }
        /* The next execution starts from poisoned outputs. */
        ceilings_workload.prepare_validation(p);
        CHECK(ceilings_workload.validate(p, &val) == 0 && !val.valid,
              "%s: valid after prepare_validation without a run", names[i]);
    }
    ceilings_workload.problem_destroy(p);
}

static void test_unsupported(void)
{
    struct ceilings_problem *p = create("l1", 1);
    if (!p)
        return;
    const char *why = ceilings_workload.unsupported(p, variant("copy_l2_avx2"));
    CHECK(why && strstr(why, "one level"), "l2 variant on an l1 size: %s", why ? why : "runs");
    CHECK(!ceilings_workload.unsupported(p, variant("copy_l1_avx2")) &&
              !ceilings_workload.unsupported(p, variant("peak_fp32_avx2")),
          "l1 and peak variants refused on an l1 size");
    p->caches.level[CEILINGS_L1].size = 0;
    why = ceilings_workload.unsupported(p, variant("load_l1_scalar"));
    CHECK(why && strstr(why, "no such cache"), "unknown L1d: %s", why ? why : "runs");
    ceilings_workload.problem_destroy(p);
}

/* ---- plateaus ---------------------------------------------------------------- */

/* Deterministic noise in [-amplitude, +amplitude]. */
static double noise(unsigned i, double amplitude)
{
    unsigned h = (i + 1) * 2654435761u;
    h ^= h >> 15;
    return amplitude * (2.0 * (h % 1000) / 999.0 - 1.0);
}

/* Points at 1 KiB x 2^(i/2); levels of `steps` (value, points), with
 * `transition` interpolated points between them. */
static size_t sweep(double *bytes, double *rate, const double *levels, const int *points,
                    int n_levels, int transition, double amplitude)
{
    size_t n = 0;
    for (int l = 0; l < n_levels; l++) {
        for (int i = 0; i < points[l]; i++, n++)
            rate[n] = levels[l] * (1 + noise((unsigned)n, amplitude));
        for (int i = 1; l + 1 < n_levels && i <= transition; i++, n++)
            rate[n] = levels[l] * pow(levels[l + 1] / levels[l], (double)i / (transition + 1));
    }
    for (size_t i = 0; i < n; i++)
        bytes[i] = 1024.0 * pow(2.0, (double)i / 2);
    return n;
}

static void expect_plateaus(const char *what, const double *bytes, const double *rate, size_t n,
                            const double *levels, size_t n_levels)
{
    struct ceilings_plateau found[8];
    size_t count;
    CHECK(ceilings_find_plateaus(bytes, rate, n, 0.15, 3, found, 8, &count) == 0, "%s: %s", what,
          sl_error());
    CHECK(count == n_levels, "%s: %zu plateaus, expected %zu", what, count, n_levels);
    for (size_t i = 0; i < count && i < n_levels; i++) {
        CHECK(fabs(found[i].level / levels[i] - 1) < 0.06, "%s: plateau %zu at %g, expected %g",
              what, i, found[i].level, levels[i]);
        CHECK(found[i].bytes_lo == bytes[found[i].first] &&
                  found[i].bytes_hi == bytes[found[i].last] && found[i].last - found[i].first >= 2,
              "%s: plateau %zu spans points %zu..%zu", what, i, found[i].first, found[i].last);
        CHECK(i == 0 || found[i].first > found[i - 1].last, "%s: plateaus overlap", what);
    }
}

static void test_plateaus(void)
{
    double bytes[64], rate[64];
    const double levels[] = {300, 120, 60, 15};
    const int points[] = {6, 7, 8, 6};
    size_t n = sweep(bytes, rate, levels, points, 4, 0, 0);
    expect_plateaus("clean steps", bytes, rate, n, levels, 4);
    n = sweep(bytes, rate, levels, points, 4, 2, 0.05);
    expect_plateaus("noisy steps with transitions", bytes, rate, n, levels, 4);
    struct ceilings_plateau found[8];
    size_t count;
    CHECK(ceilings_find_plateaus(bytes, rate, n, 0.15, 3, found, 8, &count) == 0 &&
              found[0].first == 0 && found[0].last == 5 && found[1].first == 8,
          "noisy steps: the first plateau is points %zu..%zu, the second starts at %zu",
          found[0].first, found[0].last, found[1].first);
    n = sweep(bytes, rate, levels, (const int[]){12}, 1, 0, 0.04);
    expect_plateaus("a single plateau", bytes, rate, n, levels, 1);
    for (size_t i = 0; i < 20; i++) {
        bytes[i] = 1024.0 * (double)(i + 1);
        rate[i] = 300 * pow(0.85, (double)i);
    }
    CHECK(ceilings_find_plateaus(bytes, rate, 20, 0.15, 3, found, 8, &count) == 0 && count == 0,
          "a monotone ramp has %zu plateaus", count);
    /* An outlier inside a plateau does not split it. */
    n = sweep(bytes, rate, levels, (const int[]){7, 6}, 2, 0, 0);
    rate[3] = 150;
    expect_plateaus("an outlier inside the first plateau", bytes, rate, n, levels, 2);
    CHECK(ceilings_find_plateaus(bytes, rate, n, 0.15, 3, found, 8, &count) == 0 &&
              found[0].first == 0,
          "the outlier's plateau starts at %zu", found[0].first);

    double unsorted[] = {2, 1, 3}, positive[] = {1, 2, 3}, nan_rate[] = {1, NAN, 1};
    CHECK(ceilings_find_plateaus(unsorted, positive, 3, 0.1, 2, found, 8, &count) != 0 &&
              strstr(sl_error(), "increase"),
          "unsorted working sets accepted");
    CHECK(ceilings_find_plateaus(positive, nan_rate, 3, 0.1, 2, found, 8, &count) != 0,
          "a NaN rate accepted");
    CHECK(ceilings_find_plateaus(positive, positive, 3, 0, 2, found, 8, &count) != 0,
          "tolerance 0 accepted");
    n = sweep(bytes, rate, levels, points, 4, 0, 0);
    CHECK(ceilings_find_plateaus(bytes, rate, n, 0.15, 3, found, 2, &count) != 0,
          "4 plateaus written into room for 2");
}

int main(void)
{
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    test_sizes();
    test_sysfs();
    test_sizing_rule();
    test_placements();
    test_flop_count(&mach);
    test_bandwidth_work();
    test_validation_sees_skipped_work(&mach);
    test_unsupported();
    test_plateaus();
    machine_free(&mach);
    return check_report("test_ceilings");
}
