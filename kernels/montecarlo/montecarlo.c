/* montecarlo: problem set-up and statistical validation.  The generators
 * are in generators.c, the variants in variants.c. */
#include "montecarlo.h"
#include "kit/workload_kit.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Hit and sample counts stay exact in int64 and double. */
#define MC_MAX_SAMPLES (1ull << 50)

static const struct sl_preset montecarlo_presets[] = {
    {"tiny", "100000", "smoke test, milliseconds (the shared generator too)"},
    {"small", "10000000", "the default suite: well under a second per execution for the "
                          "stream variants, about a second for the shared generator"},
    {"p2", "100000000", "the parallel-computing notes' P2: 10 x 10^7 samples"},
    {NULL, NULL, NULL},
};

static int parse_samples(const char *text, uint64_t *samples)
{
    size_t n;
    if (sl_parse_dims("montecarlo", text, montecarlo_presets, "N (samples, >= 1)", &n, 1,
                      MC_MAX_SAMPLES) != 0)
        return -1;
    *samples = n;
    return 0;
}

static int montecarlo_check_size(const char *size)
{
    uint64_t samples;
    return parse_samples(size, &samples);
}

static int montecarlo_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("montecarlo: --input is not supported (the samples are drawn from the "
                       "seed; give --size N)");
    if (args->validate && strcmp(args->validate, "auto") != 0 &&
        strcmp(args->validate, "full") != 0 && strcmp(args->validate, "sample") != 0)
        return sl_fail("--validate must be auto, full or sample; got '%s'", args->validate);
    uint64_t samples;
    if (parse_samples(args->size, &samples) != 0)
        return -1;
    struct montecarlo_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    p->samples = samples;
    p->seed = args->seed;
    p->hits = -1;
    p->drawn = -1;
    snprintf(p->size_name, sizeof p->size_name, "%" PRIu64, samples);
    snprintf(p->source, sizeof p->source,
             "generated: (x, y) uniform on a 2^-26 grid in [0, 1)^2, seed %" PRIu64, args->seed);
    *out = p;
    return 0;
}

static void montecarlo_destroy(void *problem)
{
    free(problem);
}

/* ---- validation ----------------------------------------------------------- */

double mc_standard_error(uint64_t samples)
{
    double p = M_PI / 4.0;
    return 4.0 * sqrt(p * (1.0 - p) / (double)samples);
}

static void montecarlo_prepare_validation(void *problem)
{
    struct montecarlo_problem *p = problem;
    p->hits = -1;
    p->drawn = -1;
}

/* Valid when every sample was drawn, the hit count is possible, and
 * |pi_hat - pi| <= 5 SE: statistical, so a correct variant fails with
 * probability 5.7e-7 per check (for a given seed the outcome is fixed). */
static int montecarlo_validate(void *problem, struct sl_validation *v)
{
    struct montecarlo_problem *p = problem;
    double n = (double)p->samples;
    double se = mc_standard_error(p->samples);
    double tol = MC_SE_LIMIT * se;

    memset(v, 0, sizeof *v);
    v->method = "statistical: within 5 standard errors of pi, SE = 4 sqrt(p(1-p)/N), p = pi/4; "
                "all N samples drawn";
    v->checked = 1;
    v->total = 1;
    v->tolerance_abs = tol;
    v->tolerance_rel = 0;
    v->failures = 1;
    v->max_abs_error = INFINITY;
    v->max_rel_error = INFINITY;
    if (p->hits < 0 || p->drawn < 0) {
        snprintf(v->detail, sizeof v->detail, "result never written (hits %" PRId64
                 ", samples drawn %" PRId64 ")", p->hits, p->drawn);
        return 0;
    }
    if ((uint64_t)p->drawn != p->samples) {
        snprintf(v->detail, sizeof v->detail,
                 "drew %" PRId64 " samples, %" PRIu64 " asked for (%" PRId64 " hits)", p->drawn,
                 p->samples, p->hits);
        return 0;
    }
    if ((uint64_t)p->hits > p->samples) {
        snprintf(v->detail, sizeof v->detail, "%" PRId64 " hits in %" PRIu64 " samples", p->hits,
                 p->samples);
        return 0;
    }
    double pi_hat = 4.0 * (double)p->hits / n;
    double err = fabs(pi_hat - M_PI);
    v->max_abs_error = err;
    v->max_rel_error = err / M_PI;
    v->valid = err <= tol;
    v->failures = v->valid ? 0 : 1;
    snprintf(v->detail, sizeof v->detail,
             "pi_hat %.9f from %" PRId64 " hits in %" PRIu64 " samples: error %.3g = %.2f SE, %s "
             "%g SE (%.3g)",
             pi_hat, p->hits, p->samples, err, err / se, v->valid ? "within" : "beyond",
             MC_SE_LIMIT, tol);
    return 0;
}

/* A lost update of the shared counts: one sample's draw and 1 % of the hits
 * go missing.  The lost draw fails validation at every size; the lost hits
 * alone would at large N only. */
static void montecarlo_corrupt_output(void *problem)
{
    struct montecarlo_problem *p = problem;
    p->drawn -= 1;
    p->hits -= p->hits / 100;
}

/* ---- description and work model ----------------------------------------- */

static void montecarlo_describe(const void *problem, struct sl_problem_info *info)
{
    const struct montecarlo_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%s", p->size_name);
    snprintf(info->source, sizeof info->source, "%s", p->source);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    PARAM("samples", (double)p->samples);
    PARAM("stream_blocks", ceil((double)p->samples / MC_BLOCK));
    PARAM("block_samples", MC_BLOCK);
    PARAM("standard_error", mc_standard_error(p->samples));
    PARAM("tolerance_abs", MC_SE_LIMIT * mc_standard_error(p->samples));
#undef PARAM
    info->n_params = n;
}

void montecarlo_work(const void *problem, struct sl_work *w)
{
    const struct montecarlo_problem *p = problem;
    double n = (double)p->samples;
    w->units = n;
    /* x*x + y*y: two multiplies and an add per sample; the generator is
     * integer work and is not counted. */
    w->flops = 3.0 * n;
    /* Nothing streams from memory: the generator state stays in registers
     * (the shared generator's one cache line moves between cores, which is
     * coherence traffic, not memory traffic). */
    w->bytes = 0.0;
}

static const char *const montecarlo_test_sizes[] = {"1", "7", "9", "1000", "16385", "40007",
                                                     "tiny", NULL};

const struct sl_workload montecarlo_workload = {
    .name = "montecarlo",
    .summary = "Monte Carlo estimate of pi from N samples in the unit square",
    .unit = "sample",
    .merit = SL_MERIT_UNITS,
    .size_syntax = "N (samples) or a preset",
    .presets = montecarlo_presets,
    .default_size = "small",
    .test_sizes = montecarlo_test_sizes,
    .variants = montecarlo_variants,
    .check_size = montecarlo_check_size,
    .problem_create = montecarlo_create,
    .problem_destroy = montecarlo_destroy,
    .prepare_validation = montecarlo_prepare_validation,
    .validate = montecarlo_validate,
    .describe = montecarlo_describe,
    .corrupt_output = montecarlo_corrupt_output,
};
