/* analysis/roofs: a ceilings record read as roofs per thread count (the best
 * valid result per level and precision, ws= sweeps and invalid results
 * left out), and the roof that bounds a point. */
#include "analysis/roofs.h"
#include "check.h"

#include <math.h>
#include <string.h>

static void add(struct sl_run *run, const char *variant, const char *size, int threads,
                double gbytes, double gflops, bool valid)
{
    struct sl_result *r = sl_run_add_result(run);
    r->kernel = "ceilings";
    r->variant = variant;
    r->size = size;
    r->threads = threads;
    r->status = SL_STATUS_OK;
    r->reps = 7;
    r->validated = true;
    r->validation.valid = valid;
    r->d.gbytes_per_s.value = gbytes;
    r->d.gflops.value = gflops;
}

static void problem(struct sl_run *run, const char *size, const char *key)
{
    struct sl_problem_info *p = sl_run_add_problem(run);
    snprintf(p->size, sizeof p->size, "%s", size);
    p->params[0].key = key;
    p->params[0].value = 1 << 20;
    p->n_params = 1;
}

static void test_from_run(void)
{
    struct sl_run run;
    sl_run_init(&run);
    run.config.kernel = "ceilings";
    problem(&run, "auto", "l1_bytes_per_thread");
    problem(&run, "ws=1M", "working_set_bytes");
    add(&run, "load_l1_avx2", "auto", 1, 150, 18, true);
    add(&run, "copy_l1_avx512", "auto", 1, 270, 0, true);
    add(&run, "triad_l1_scalar", "auto", 1, 60, 4, true);
    add(&run, "load_l1_avx512", "auto", 1, 900, 100, false); /* invalid: no roof */
    add(&run, "load_dram_avx2", "ws=1M", 1, 130, 16, true);  /* a sweep: no roof */
    add(&run, "triad_dram_avx512", "auto", 1, 9.5, 0.6, true);
    add(&run, "peak_fp32_avx512", "auto", 1, 0, 120, true);
    add(&run, "peak_fp64_avx2", "auto", 1, 0, 40, true);
    add(&run, "peak_fp64_avx512", "auto", 1, 0, 84, true);
    add(&run, "load_l2_avx512", "auto", 2, 190, 20, true);
    struct roof_set s;
    CHECK(roofs_from_run(&run, &s) == 0, "%s", sl_error());
    CHECK(s.n_teams == 2 && s.teams[0].threads == 1 && s.teams[1].threads == 2, "%d teams",
          s.n_teams);
    const struct roofs *t1 = roofs_at(&s, 1), *t2 = roofs_at(&s, 2);
    CHECK(t1 && t1->bandwidth[ROOF_L1].value == 270 &&
              strcmp(t1->bandwidth[ROOF_L1].variant, "copy_l1_avx512") == 0,
          "L1 roof: the best valid of load, copy, triad");
    CHECK(t1 && isnan(t1->bandwidth[ROOF_L2].value) && isnan(t1->bandwidth[ROOF_L3].value),
          "unmeasured levels have a roof");
    CHECK(t1 && t1->bandwidth[ROOF_DRAM].value == 9.5, "DRAM roof %g (a ws= sweep counted?)",
          t1 ? t1->bandwidth[ROOF_DRAM].value : NAN);
    CHECK(t1 && t1->fp32.value == 120 && t1->fp64.value == 84 &&
              strcmp(t1->fp64.variant, "peak_fp64_avx512") == 0,
          "peaks");
    CHECK(t2 && t2->bandwidth[ROOF_L2].value == 190 && isnan(t2->fp32.value), "2-thread roofs");
    CHECK(!roofs_at(&s, 4), "a roof at 4 threads");
    roofs_free(&s);
    run.config.kernel = "stream";
    CHECK(roofs_from_run(&run, &s) != 0 && strstr(sl_error(), "not of ceilings"),
          "a stream record read as roofs");
    roofs_free(&s);
    sl_run_free(&run);
}

static void test_bound(void)
{
    struct roofs r = {.threads = 1,
                      .bandwidth = {{200, "l1"}, {100, "l2"}, {25, "l3"}, {10, "dram"}},
                      .fp32 = {120, "p32"},
                      .fp64 = {60, "p64"}};
    struct roof_bound b;
    /* At 0.1 flop/byte: L1 20, L2 10, L3 2.5, DRAM 1 GFLOP/s. */
    CHECK(roofs_bound(&r, 0.1, 5, &b) == 0 && strcmp(b.name, "L2 roof") == 0 &&
              fabs(b.fraction - 0.5) < 1e-12 && b.attainable == 10,
          "between L3 and L2: %s %g", b.name, b.fraction);
    CHECK(roofs_bound(&r, 0.1, 0.5, &b) == 0 && strcmp(b.name, "DRAM roof") == 0 &&
              fabs(b.fraction - 0.5) < 1e-12,
          "under DRAM: %s", b.name);
    CHECK(roofs_bound(&r, 0.1, 2.5, &b) == 0 && strcmp(b.name, "L3 roof") == 0 &&
              fabs(b.fraction - 1) < 1e-12,
          "on the L3 roof: %s", b.name);
    CHECK(roofs_bound(&r, 0.1, 30, &b) == 0 && strcmp(b.name, "L1 roof") == 0 &&
              fabs(b.fraction - 1.5) < 1e-12,
          "above every roof: the highest, %s %g", b.name, b.fraction);
    /* At 20 flop/byte every level reaches the fp32 peak. */
    CHECK(roofs_bound(&r, 20, 90, &b) == 0 && strcmp(b.name, "fp32 peak") == 0 &&
              fabs(b.fraction - 0.75) < 1e-12 && fabs(b.fp64_fraction - 1.5) < 1e-12,
          "compute-bound: %s %g (fp64 %g)", b.name, b.fraction, b.fp64_fraction);
    /* At 1 flop/byte: DRAM 10, L3 25, L2 100 slanted, L1 at the peak. */
    CHECK(roofs_bound(&r, 1, 50, &b) == 0 && strcmp(b.name, "L2 roof") == 0,
          "under the L2 ridge: %s", b.name);
    CHECK(roofs_bound(&r, 1, 110, &b) == 0 && strcmp(b.name, "fp32 peak") == 0,
          "past the L2 roof, under the peak: %s", b.name);
    struct roofs peak_only = {.threads = 1,
                              .bandwidth = {{NAN, NULL}, {NAN, NULL}, {NAN, NULL}, {NAN, NULL}},
                              .fp32 = {100, "p"},
                              .fp64 = {NAN, NULL}};
    CHECK(roofs_bound(&peak_only, 0.01, 10, &b) == 0 && strcmp(b.name, "fp32 peak") == 0 &&
              isnan(b.fp64_fraction),
          "the peak alone: %s", b.name);
    struct roofs none = {.threads = 1,
                         .bandwidth = {{NAN, NULL}, {NAN, NULL}, {NAN, NULL}, {NAN, NULL}},
                         .fp32 = {NAN, NULL},
                         .fp64 = {NAN, NULL}};
    CHECK(roofs_bound(&none, 1, 1, &b) != 0, "a bound without roofs");
    /* Bandwidth only (no peak): the slanted roofs unbounded. */
    struct roofs bw_only = none;
    bw_only.bandwidth[ROOF_DRAM] = (struct roof){10, "d"};
    CHECK(roofs_bound(&bw_only, 2, 10, &b) == 0 && strcmp(b.name, "DRAM roof") == 0 &&
              fabs(b.fraction - 0.5) < 1e-12,
          "bandwidth only: %s %g", b.name, b.fraction);
}

int main(void)
{
    test_from_run();
    test_bound();
    return check_report("roofs");
}
