/* montecarlo: the generators against independent re-implementations, the
 * three lane implementations against each other (tails included), results
 * that do not depend on the thread count, convergence at 10^6 samples, and
 * validation refusing biased, impossible and incomplete counts. */
#include "check.h"
#include "measure/machine.h"
#include "montecarlo/montecarlo.h"
#include "measure/team.h"
#include "kit/workload_kit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct montecarlo_problem *create(const char *size, uint64_t seed)
{
    struct sl_problem_args args = {.size = size, .seed = seed, .validate = "auto"};
    void *problem = NULL;
    CHECK(montecarlo_workload.problem_create(&args, &problem) == 0, "create %s: %s", size,
          sl_error());
    return problem;
}

static int run(const char *variant, struct montecarlo_problem *p, const struct machine *mach,
               int threads)
{
    const struct sl_variant *v = sl_variant_find(&montecarlo_workload, variant);
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    struct sl_team *team;
    if (!v || team_create(&team, mach, &pin, threads) != 0) {
        CHECK(0, "%s: %s", variant, v ? sl_error() : "no such variant");
        return -1;
    }
    struct sl_exec ex = {.threads = threads, .schedule = SL_SCHED_STATIC, .team = team};
    montecarlo_workload.prepare_validation(p);
    int rc = v->run(p, &ex);
    CHECK(rc == 0, "%s t%d: %s", variant, threads, sl_error());
    team_destroy(team);
    return rc;
}

static bool runs_here(const char *variant)
{
    const struct sl_variant *v = sl_variant_find(&montecarlo_workload, variant);
    return v && !sl_isa_missing(v->requires);
}

/* ---- independent re-implementations ----------------------------------- */

static int hit_by_definition(uint64_t rx, uint64_t ry)
{
    double x = ldexp((double)(rx >> 38), -26), y = ldexp((double)(ry >> 38), -26);
    return x * x + y * y < 1.0;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256+ as its authors publish it (Blackman and Vigna). */
static uint64_t xoshiro256plus_next(uint64_t s[4])
{
    uint64_t result = s[0] + s[3], t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Lane l of block b: four splitmix64 draws from the block's stream each. */
static void seed_lanes(uint64_t seed, uint64_t block, uint64_t lanes[MC_LANES][4])
{
    uint64_t state = sl_rng_stream(seed, block);
    for (int l = 0; l < MC_LANES; l++)
        for (int w = 0; w < 4; w++)
            lanes[l][w] = sl_rng_next(&state);
}

static uint64_t lane_block_hits_by_definition(uint64_t seed, uint64_t block, uint64_t count)
{
    uint64_t lanes[MC_LANES][4], hits = 0;
    seed_lanes(seed, block, lanes);
    for (uint64_t first = 0; first < count; first += MC_LANES) {
        uint64_t rx[MC_LANES], ry[MC_LANES];
        for (int l = 0; l < MC_LANES; l++)
            rx[l] = xoshiro256plus_next(lanes[l]);
        for (int l = 0; l < MC_LANES; l++)
            ry[l] = xoshiro256plus_next(lanes[l]);
        for (uint64_t l = 0; l < MC_LANES && first + l < count; l++)
            hits += (uint64_t)hit_by_definition(rx[l], ry[l]);
    }
    return hits;
}

/* ---- the generators --------------------------------------------------- */

typedef void (*fill_fn)(uint64_t, uint64_t, uint64_t *, size_t);
typedef uint64_t (*hits_fn)(uint64_t, uint64_t, uint64_t);

static const struct {
    const char *name;
    unsigned requires;
    fill_fn fill;
    hits_fn hits;
} lane_impls[] = {
    {"portable", 0, mc_lanes_fill_portable, mc_block_hits_portable},
    {"avx2", SL_ISA_AVX2, mc_lanes_fill_avx2, mc_block_hits_avx2},
    {"avx512", SL_ISA_AVX512F, mc_lanes_fill_avx512, mc_block_hits_avx512},
};
#define N_LANE_IMPLS (sizeof lane_impls / sizeof lane_impls[0])

/* Every implementation gives xoshiro256+'s outputs, and the same hits as
 * the definition for every count up to a block (each tail length). */
static void test_lane_generators(void)
{
    enum { STEPS = 37 };
    /* Every tail length (count % 8) twice over, and whole blocks. */
    static const uint64_t counts[] = {0,  1,  2,  3,  4,  5,  6,    7,        8,           9,
                                      10, 11, 12, 13, 14, 15, 16,   17,       20,          23,
                                      28, 31, 33, 38, 45, 64, 1000, 1003, MC_BLOCK - 3, MC_BLOCK};
    for (size_t i = 0; i < N_LANE_IMPLS; i++) {
        if (sl_isa_missing(lane_impls[i].requires)) {
            printf("skipped lane generator %s: CPU lacks it\n", lane_impls[i].name);
            continue;
        }
        for (uint64_t block = 0; block < 3; block++) {
            uint64_t out[STEPS * MC_LANES], lanes[MC_LANES][4];
            lane_impls[i].fill(77, block, out, STEPS);
            seed_lanes(77, block, lanes);
            size_t mismatches = 0;
            for (int k = 0; k < STEPS; k++)
                for (int l = 0; l < MC_LANES; l++)
                    mismatches += out[k * MC_LANES + l] != xoshiro256plus_next(lanes[l]);
            CHECK(mismatches == 0, "%s block %llu: %zu outputs differ from xoshiro256+",
                  lane_impls[i].name, (unsigned long long)block, mismatches);
        }
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            uint64_t want = lane_block_hits_by_definition(5, 2, counts[c]);
            uint64_t got = lane_impls[i].hits(5, 2, counts[c]);
            CHECK(got == want, "%s: %llu samples give %llu hits, the definition %llu",
                  lane_impls[i].name, (unsigned long long)counts[c], (unsigned long long)got,
                  (unsigned long long)want);
        }
    }
}

/* Outputs look uniform: the mean of u = r / 2^64 is 1/2 within 5 standard
 * errors, every one of the 64 bits takes both values, each about half the
 * time, and the lanes are not copies of each other. */
static void test_lane_uniformity(void)
{
    enum { STEPS = 50000 };
    uint64_t *out = malloc(sizeof(uint64_t) * STEPS * MC_LANES);
    if (!out) {
        CHECK(0, "out of memory");
        return;
    }
    for (size_t i = 0; i < N_LANE_IMPLS; i++) {
        if (sl_isa_missing(lane_impls[i].requires))
            continue;
        lane_impls[i].fill(123, 0, out, STEPS);
        size_t n = (size_t)STEPS * MC_LANES;
        double sum = 0;
        uint64_t ones[64] = {0};
        for (size_t k = 0; k < n; k++) {
            sum += (double)(out[k] >> 11) * 0x1p-53;
            for (int b = 0; b < 64; b++)
                ones[b] += (out[k] >> b) & 1;
        }
        double mean = sum / (double)n;
        CHECK(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12.0 / (double)n), "%s: mean %g",
              lane_impls[i].name, mean);
        for (int b = 0; b < 64; b++) {
            double share = (double)ones[b] / (double)n;
            /* 0.01 is 12 standard errors of a fair bit at this n. */
            CHECK(ones[b] > 0 && ones[b] < n && fabs(share - 0.5) < 0.01,
                  "%s: bit %d is 1 in %.4f of outputs", lane_impls[i].name, b, share);
        }
        size_t same = 0;
        for (size_t k = 0; k < STEPS; k++)
            same += out[k * MC_LANES] == out[k * MC_LANES + 1];
        CHECK(same == 0, "%s: lanes 0 and 1 agree %zu times", lane_impls[i].name, same);
    }
    free(out);
}

/* ---- the variants ------------------------------------------------------ */

/* The streams variants count the same samples at any thread count, and the
 * count is the definition's: per-block splitmix64 streams, or the lanes. */
static void test_streams_reproducible(const struct machine *mach)
{
    static const char *const sizes[] = {"1", "9", "16384", "16385", "50001"};
    static const char *const variants[] = {"per_thread_streams", "vectorised_scalar",
                                           "vectorised_avx2", "vectorised_avx512"};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct montecarlo_problem *p = create(sizes[s], 2024);
        if (!p)
            continue;
        uint64_t blocks = (p->samples + MC_BLOCK - 1) / MC_BLOCK;
        uint64_t want_streams = 0, want_lanes = 0;
        for (uint64_t b = 0; b < blocks; b++) {
            uint64_t count = p->samples - b * MC_BLOCK < MC_BLOCK ? p->samples - b * MC_BLOCK
                                                                  : MC_BLOCK;
            uint64_t state = sl_rng_stream(2024, b);
            for (uint64_t i = 0; i < count; i++) {
                uint64_t rx = sl_rng_next(&state);
                want_streams += (uint64_t)hit_by_definition(rx, sl_rng_next(&state));
            }
            want_lanes += lane_block_hits_by_definition(2024, b, count);
        }
        for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
            if (!runs_here(variants[v]))
                continue;
            uint64_t want = v == 0 ? want_streams : want_lanes;
            for (int threads = 1; threads <= 3; threads++)
                for (int again = 0; again < 2; again++) {
                    if (run(variants[v], p, mach, threads) != 0)
                        continue;
                    CHECK(p->hits == (int64_t)want && p->drawn == (int64_t)p->samples,
                          "%s N=%s t%d: %lld hits of %lld drawn, expected %llu of %s",
                          variants[v], sizes[s], threads, (long long)p->hits,
                          (long long)p->drawn, (unsigned long long)want, sizes[s]);
                }
        }
        montecarlo_workload.problem_destroy(p);
    }
}

/* Both shared generators hand out the seed's splitmix64 stream in pairs:
 * whichever thread draws which sample, the samples, and so the count, are
 * those of the plain sequential loop. */
static void test_shared_generators(const struct machine *mach)
{
    struct montecarlo_problem *p = create("20011", 31);
    if (!p)
        return;
    uint64_t state = 31, want = 0;
    for (uint64_t i = 0; i < p->samples; i++) {
        uint64_t rx = sl_rng_next(&state);
        want += (uint64_t)hit_by_definition(rx, sl_rng_next(&state));
    }
    static const char *const variants[] = {"shared_generator", "shared_atomic"};
    for (size_t v = 0; v < 2; v++)
        for (int threads = 1; threads <= 3; threads++) {
            if (run(variants[v], p, mach, threads) != 0)
                continue;
            CHECK(p->hits == (int64_t)want && p->drawn == (int64_t)p->samples,
                  "%s t%d: %lld hits of %lld drawn, the sequential stream gives %llu",
                  variants[v], threads, (long long)p->hits, (long long)p->drawn,
                  (unsigned long long)want);
        }
    montecarlo_workload.problem_destroy(p);
}

/* At 10^6 samples every variant is within 5 standard errors, for several
 * seeds (a fixed seed makes each outcome fixed); the shared generators,
 * slow by design, for one. */
static void test_convergence(const struct machine *mach)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct montecarlo_problem *p = create("1000000", seed);
        if (!p)
            continue;
        for (const struct sl_variant *v = montecarlo_variants; v->name; v++) {
            bool shared = strncmp(v->name, "shared_", 7) == 0;
            if (sl_isa_missing(v->requires) || (shared && seed > 1) || run(v->name, p, mach, 2) != 0)
                continue;
            struct sl_validation val;
            CHECK(montecarlo_workload.validate(p, &val) == 0 && val.valid,
                  "%s seed %llu: %s", v->name, (unsigned long long)seed, val.detail);
            double pi_hat = 4.0 * (double)p->hits / 1e6;
            CHECK(val.max_abs_error == fabs(pi_hat - M_PI) &&
                      val.tolerance_abs == 5 * mc_standard_error(1000000),
                  "%s: error %g, tolerance %g", v->name, val.max_abs_error, val.tolerance_abs);
            CHECK(fabs(val.tolerance_abs - 5 * 4 * sqrt(M_PI / 4 * (1 - M_PI / 4) / 1e6)) < 1e-15,
                  "tolerance %g is not 5 SE", val.tolerance_abs);
        }
        montecarlo_workload.problem_destroy(p);
    }
}

/* A count biased by 1 %, an impossible count, a missing sample and an
 * unwritten result all fail validation, each with its reason. */
static void test_validation_catches_errors(const struct machine *mach)
{
    struct montecarlo_problem *p = create("1000000", 8);
    if (!p)
        return;
    struct sl_validation val;
    montecarlo_workload.validate(p, &val);
    CHECK(!val.valid && strstr(val.detail, "never written"), "unwritten: %s", val.detail);

    run("per_thread_streams", p, mach, 1);
    int64_t hits = p->hits;
    CHECK(montecarlo_workload.validate(p, &val) == 0 && val.valid, "fresh: %s", val.detail);

    /* 1 % fewer hits moves pi_hat by 0.031, 3.8 times the tolerance 5 SE = 0.0082. */
    p->hits = hits - hits / 100;
    CHECK(montecarlo_workload.validate(p, &val) == 0 && !val.valid && strstr(val.detail, "beyond"),
          "a 1%% biased count passed: %s", val.detail);
    p->hits = hits + hits / 100;
    CHECK(montecarlo_workload.validate(p, &val) == 0 && !val.valid, "biased up: %s", val.detail);

    p->hits = (int64_t)p->samples + 1;
    CHECK(montecarlo_workload.validate(p, &val) == 0 && !val.valid && strstr(val.detail, "hits in"),
          "more hits than samples: %s", val.detail);

    p->hits = hits;
    p->drawn = (int64_t)p->samples - 1;
    CHECK(montecarlo_workload.validate(p, &val) == 0 && !val.valid && strstr(val.detail, "drew"),
          "a missing sample: %s", val.detail);

    p->drawn = (int64_t)p->samples;
    montecarlo_workload.corrupt_output(p);
    CHECK(montecarlo_workload.validate(p, &val) == 0 && !val.valid, "corrupt_output passed: %s",
          val.detail);
    montecarlo_workload.problem_destroy(p);

    /* At one sample 5 SE is 8.2, so only the counts can be wrong. */
    p = create("1", 8);
    if (p) {
        run("shared_generator", p, mach, 1);
        montecarlo_workload.corrupt_output(p);
        CHECK(montecarlo_workload.validate(p, &val) == 0 && !val.valid,
              "corrupt_output at N=1 passed: %s", val.detail);
        montecarlo_workload.problem_destroy(p);
    }
}

int main(void)
{
    struct machine mach;
    if (machine_load(&mach) != 0)
        return 1;
    test_lane_generators();
    test_lane_uniformity();
    test_streams_reproducible(&mach);
    test_shared_generators(&mach);
    test_convergence(&mach);
    test_validation_catches_errors(&mach);
    machine_free(&mach);
    return check_report("test_montecarlo");
}
