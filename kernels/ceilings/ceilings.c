/* ceilings: sizes, placement, pools, validation and the work models.
 * The kernels are in variants.c. */
#include "ceilings/ceilings.h"

#include "kit/memory.h"
#include "kit/util.h"
#include "kit/workload_kit.h"

#include <emmintrin.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSFS_CACHES "/sys/devices/system/cpu/cpu0/cache"
#define LINE_BYTES (CEILINGS_LINE_DOUBLES * sizeof(double))
/* Working sets and traffic up to 64 GiB keep every load sum below 2^53. */
#define MAX_BYTES ((size_t)1 << 36)

static const struct sl_preset ceilings_presets[] = {
    {"auto", "auto",
     "every level at its own working set: half a thread's share of L1d and L2 (sysfs), "
     "4 x a thread's L2 for l3 (within half its L3 share), 4 x the last-level caches for dram"},
    {"small", "auto", "the default suite (scripts/bench): auto"},
    {"tiny", "ws=16K:traffic=16M:steps=65536", "a quick check: 16 KiB per thread, 16 MiB moved"},
    {NULL, NULL, NULL},
};

#define SIZE_SYNTAX                                                                              \
    "auto, a level (l1, l2, l3, dram) or ws=BYTES (every variant at that working set per "       \
    "thread), then optionally :traffic=BYTES (moved per execution, default 256M) and :steps=N "  \
    "(FMA steps per peak chain, default 8388608)"

int ceilings_arrays(enum ceilings_kind kind)
{
    return kind == CEILINGS_LOAD ? 1 : kind == CEILINGS_COPY ? 2 : 4;
}

int ceilings_inputs(enum ceilings_kind kind)
{
    return kind == CEILINGS_TRIAD ? 3 : 1;
}

size_t ceilings_share(size_t total, int t, int threads)
{
    return total * (size_t)(t + 1) / (size_t)threads - total * (size_t)t / (size_t)threads;
}

/* ---- sizes ---------------------------------------------------------------- */

static int bad_size(const char *text)
{
    return sl_fail("ceilings: size must be " SIZE_SYNTAX "; got '%s'", text);
}

static int parse_bytes(const char *value, const char *key, const char *text, size_t *out)
{
    double bytes;
    if (mem_parse_bytes(value, key, &bytes) != 0 || bytes > (double)MAX_BYTES)
        return sl_fail("ceilings: %s in '%s' must be a size from 1 to 64G (512K, 16M)", key, text);
    *out = (size_t)bytes;
    return 0;
}

/* One ":key=value" after the first item. */
static int parse_option(const char *item, const char *text, struct ceilings_size *out)
{
    if (strncmp(item, "traffic=", 8) == 0)
        return parse_bytes(item + 8, "traffic", text, &out->traffic);
    if (strncmp(item, "steps=", 6) == 0) {
        long steps;
        if (util_parse_long(item + 6, 1, (long)CEILINGS_MAX_STEPS, "steps", &steps) != 0)
            return sl_fail("ceilings: steps in '%s' must be an integer from 1 to %zu (fp32 "
                           "chains stay exact)",
                           text, (size_t)CEILINGS_MAX_STEPS);
        out->steps = (size_t)steps;
        return 0;
    }
    return bad_size(text);
}

static int parse_set(const char *item, const char *text, struct ceilings_size *out)
{
    bool all = strcmp(item, "auto") == 0; /* "small" is a preset for it */
    if (strncmp(item, "ws=", 3) == 0) {
        if (parse_bytes(item + 3, "ws", text, &out->ws) != 0)
            return -1;
        all = true;
    }
    for (int l = 0; l < CEILINGS_LEVELS; l++)
        out->level[l] = all || strcmp(item, ceilings_level_name((enum ceilings_level)l)) == 0;
    for (int l = 0; l < CEILINGS_LEVELS; l++)
        if (out->level[l])
            return 0;
    return bad_size(text);
}

int ceilings_parse_size(const char *text, struct ceilings_size *out)
{
    memset(out, 0, sizeof *out);
    out->traffic = CEILINGS_DEFAULT_TRAFFIC;
    out->steps = CEILINGS_DEFAULT_STEPS;
    for (const struct sl_preset *p = ceilings_presets; p->name; p++)
        if (strcmp(text, p->name) == 0 && strcmp(text, p->size) != 0)
            return ceilings_parse_size(p->size, out);
    char copy[128];
    if (strlen(text) >= sizeof copy)
        return bad_size(text);
    snprintf(copy, sizeof copy, "%s", text);
    char *rest = copy, *item = strsep(&rest, ":");
    if (parse_set(item, text, out) != 0)
        return -1;
    while ((item = strsep(&rest, ":")))
        if (parse_option(item, text, out) != 0)
            return -1;
    return 0;
}

/* "32K", "256M", or plain bytes when not a whole number of KiB. */
static void format_bytes(size_t bytes, char *buf, size_t len)
{
    static const char units[] = "KMG";
    int u = -1;
    while (u < 2 && bytes >= 1024 && bytes % 1024 == 0) {
        bytes /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%zu", bytes);
    else
        snprintf(buf, len, "%zu%c", bytes, units[u]);
}

/* The canonical name: what was set, then what differs from the defaults. */
static int size_name(const struct ceilings_size *s, char *buf, size_t len)
{
    char set[32], traffic[40] = "", steps[32] = "";
    int levels = 0;
    enum ceilings_level only = CEILINGS_L1;
    for (int l = 0; l < CEILINGS_LEVELS; l++)
        if (s->level[l]) {
            levels++;
            only = (enum ceilings_level)l;
        }
    if (s->ws) {
        char bytes[24];
        format_bytes(s->ws, bytes, sizeof bytes);
        snprintf(set, sizeof set, "ws=%s", bytes);
    } else {
        snprintf(set, sizeof set, "%s", levels == 1 ? ceilings_level_name(only) : "auto");
    }
    if (s->traffic != CEILINGS_DEFAULT_TRAFFIC) {
        char bytes[24];
        format_bytes(s->traffic, bytes, sizeof bytes);
        snprintf(traffic, sizeof traffic, ":traffic=%s", bytes);
    }
    if (s->steps != CEILINGS_DEFAULT_STEPS)
        snprintf(steps, sizeof steps, ":steps=%zu", s->steps);
    if ((size_t)snprintf(buf, len, "%s%s%s", set, traffic, steps) >= len)
        return sl_fail("ceilings: size '%s%s%s' is too long to record; use K, M or G", set,
                       traffic, steps);
    return 0;
}

static int ceilings_check_size(const char *text)
{
    struct ceilings_size s;
    char name[48];
    return ceilings_parse_size(text, &s) != 0 ? -1 : size_name(&s, name, sizeof name);
}

/* ---- placement ------------------------------------------------------------ */

static size_t lines_per_array(const struct ceilings_problem *p, enum ceilings_kind kind,
                              enum ceilings_level level, int threads)
{
    size_t bytes = p->size.ws ? p->size.ws : ceilings_thread_bytes(&p->caches, level, threads);
    size_t lines = bytes / (LINE_BYTES * (size_t)ceilings_arrays(kind));
    return bytes == 0 ? 0 : lines > 0 ? lines : 1;
}

/* Line-steps of one execution: the traffic asked for, and a full sweep of
 * every thread's arrays at every team size up to p->threads. */
static size_t steps_of(const struct ceilings_problem *p, enum ceilings_kind kind,
                       enum ceilings_level level)
{
    size_t step_bytes = LINE_BYTES * (size_t)ceilings_arrays(kind);
    size_t steps = (p->size.traffic + step_bytes - 1) / step_bytes;
    for (int t = 1; t <= p->threads; t++) {
        size_t sweep = (size_t)t * lines_per_array(p, kind, level, t);
        steps = sweep > steps ? sweep : steps;
    }
    return steps;
}

int ceilings_place(const struct ceilings_problem *p, enum ceilings_kind kind,
                   enum ceilings_level level, int threads, struct ceilings_placement *out)
{
    if (threads > p->threads)
        return sl_fail("ceilings: %d threads, but the problem was set up for at most %d",
                       threads, p->threads);
    if (!p->size.level[level])
        return sl_fail("ceilings: size %s does not set up the %s working set", p->size_name,
                       ceilings_level_name(level));
    out->lines = lines_per_array(p, kind, level, threads);
    if (out->lines == 0)
        return sl_fail("ceilings: the %s working set is unknown on this machine at %d "
                       "thread%s (a cache size is unknown, or no working set lies in that "
                       "level alone)",
                       ceilings_level_name(level), threads, threads == 1 ? "" : "s");
    out->steps = p->steps[kind][level];
    out->in_stride = (size_t)ceilings_inputs(kind) * (out->lines + CEILINGS_PAD_LINES);
    out->out_stride = out->lines + CEILINGS_PAD_LINES;
    return 0;
}

/* ---- problem -------------------------------------------------------------- */

static void problem_free(struct ceilings_problem *p)
{
    if (!p)
        return;
    free(p->in);
    free(p->out);
    free(p->sums);
    free(p->start32);
    free(p->end32);
    free(p->start64);
    free(p->end64);
    free(p);
}

static void ceilings_destroy(void *problem)
{
    problem_free(problem);
}

/* The pools' sizes: the largest placement of any kind and level set up, at
 * any team size up to p->threads; also fills p->steps. */
static void size_pools(struct ceilings_problem *p)
{
    static const enum ceilings_kind kinds[] = {CEILINGS_LOAD, CEILINGS_COPY, CEILINGS_TRIAD};
    for (int l = 0; l < CEILINGS_LEVELS; l++)
        for (size_t k = 0; k < 3; k++) {
            enum ceilings_kind kind = kinds[k];
            if (!p->size.level[l] || lines_per_array(p, kind, (enum ceilings_level)l, 1) == 0)
                continue;
            p->steps[kind][l] = steps_of(p, kind, (enum ceilings_level)l);
            for (int t = 1; t <= p->threads; t++) {
                struct ceilings_placement pl;
                if (ceilings_place(p, kind, (enum ceilings_level)l, t, &pl) != 0)
                    continue;
                size_t in = (size_t)t * pl.in_stride;
                size_t out = kind == CEILINGS_LOAD
                                 ? 0
                                 : CEILINGS_OUTPUT_SKEW_LINES + (size_t)t * pl.out_stride;
                p->in_lines = in > p->in_lines ? in : p->in_lines;
                p->out_lines = out > p->out_lines ? out : p->out_lines;
            }
        }
}

static int allocate(struct ceilings_problem *p)
{
    size_t chains = (size_t)p->threads * CEILINGS_ACCUMULATORS * CEILINGS_MAX_LANES;
    double pools = (double)(p->in_lines + p->out_lines) * (double)LINE_BYTES;
    if (sl_check_memory("ceilings", p->size_name, pools, "the input and output arrays") != 0)
        return -1;
    p->in = util_alloc_aligned(p->in_lines ? p->in_lines : 1, LINE_BYTES, "ceilings inputs");
    p->out = util_alloc_aligned(p->out_lines ? p->out_lines : 1, LINE_BYTES, "ceilings outputs");
    p->sums = util_alloc_aligned((size_t)p->threads, sizeof *p->sums, "ceilings sums");
    p->start32 = util_alloc_aligned(chains, sizeof(float), "ceilings chains");
    p->end32 = util_alloc_aligned(chains, sizeof(float), "ceilings chains");
    p->start64 = util_alloc_aligned(chains, sizeof(double), "ceilings chains");
    p->end64 = util_alloc_aligned(chains, sizeof(double), "ceilings chains");
    if (!p->in || !p->out || !p->sums || !p->start32 || !p->end32 || !p->start64 || !p->end64)
        return -1;
    for (size_t i = 0; i < chains; i++) {
        double start = ceilings_value(p->seed ^ 0x5eedull, i);
        p->start32[i] = (float)start;
        p->start64[i] = start;
    }
    /* First touch in equal shares by the default team: a thread's arrays
     * are contiguous, so at that team size its pages are its own. */
    size_t in_doubles = p->in_lines * CEILINGS_LINE_DOUBLES;
    size_t out_doubles = p->out_lines * CEILINGS_LINE_DOUBLES;
#pragma omp parallel
    {
        int t = omp_get_thread_num(), team = omp_get_num_threads();
        size_t begin = in_doubles / (size_t)team * (size_t)t;
        size_t end = t == team - 1 ? in_doubles : begin + in_doubles / (size_t)team;
        for (size_t i = begin; i < end; i++)
            p->in[i] = ceilings_value(p->seed, i);
        begin = out_doubles / (size_t)team * (size_t)t;
        end = t == team - 1 ? out_doubles : begin + out_doubles / (size_t)team;
        for (size_t i = begin; i < end; i++)
            p->out[i] = NAN;
    }
    return 0;
}

static int ceilings_create(const struct sl_problem_args *args, void **out)
{
    if (args->input_path)
        return sl_fail("ceilings: --input is not supported; the arrays are generated (--size)");
    struct ceilings_problem *p = calloc(1, sizeof *p);
    if (!p)
        return sl_fail("out of memory");
    if (ceilings_parse_size(args->size ? args->size : "auto", &p->size) != 0 ||
        size_name(&p->size, p->size_name, sizeof p->size_name) != 0) {
        problem_free(p);
        return -1;
    }
    /* Without sysfs the cache levels stay unknown and their variants are
     * skipped with the reason; ws=BYTES still works. */
    if (ceilings_caches_read(SYSFS_CACHES, &p->caches) != 0)
        memset(&p->caches, 0, sizeof p->caches);
    p->caches.llc_total = sl_last_level_cache_bytes();
    p->threads = args->max_threads > 0 ? args->max_threads : omp_get_max_threads();
    p->seed = args->seed;
    p->fma_scale = 1.0;
    p->fma_step = 1.0;
    p->last.kind = CEILINGS_NONE;
    size_pools(p);
    if (allocate(p) != 0) {
        problem_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

static const char *ceilings_unsupported(const void *problem, const struct sl_variant *v)
{
    const struct ceilings_problem *p = problem;
    const struct ceilings_variant_spec *s = &ceilings_specs[v - ceilings_variants];
    if (s->kind == CEILINGS_PEAK_FP32 || s->kind == CEILINGS_PEAK_FP64)
        return NULL;
    if (!p->size.level[s->level])
        return "this size sets up one level's working set only (--size auto sets up all)";
    if (lines_per_array(p, s->kind, s->level, 1) > 0)
        return NULL;
    return s->level == CEILINGS_DRAM
               ? "the last-level cache size is unknown (hwloc), so no working set is sure to "
                 "be in DRAM; give --size ws=BYTES"
               : "this machine lists no such cache (sysfs); give --size ws=BYTES";
}

/* ---- validation ----------------------------------------------------------- */

/* NaN in every output line the last execution wrote, and in every sum and
 * chain end: a kernel that writes nothing cannot pass on an earlier one's
 * output.  Streaming stores where the outputs were DRAM-sized, so no dirty
 * line is left for the next timed execution to write back. */
static void ceilings_prepare_validation(void *problem)
{
    struct ceilings_problem *p = problem;
    size_t chains = (size_t)p->threads * CEILINGS_ACCUMULATORS * CEILINGS_MAX_LANES;
    for (int t = 0; t < p->threads; t++)
        p->sums[t].value = NAN;
    for (size_t i = 0; i < chains; i++) {
        p->end32[i] = NAN;
        p->end64[i] = NAN;
    }
    struct ceilings_placement pl;
    bool wrote = p->last.kind == CEILINGS_COPY || p->last.kind == CEILINGS_TRIAD;
    if (wrote && ceilings_place(p, p->last.kind, p->last.level, p->last.threads, &pl) == 0) {
        bool stream = p->last.level == CEILINGS_DRAM;
        size_t lines = (size_t)p->last.threads * pl.out_stride;
        double *first = p->out + CEILINGS_OUTPUT_SKEW_LINES * CEILINGS_LINE_DOUBLES;
#pragma omp parallel
        {
            int t = omp_get_thread_num(), team = omp_get_num_threads();
            const __m128d poison = _mm_set1_pd(NAN);
            size_t end = lines * (size_t)(t + 1) / (size_t)team;
            for (size_t line = lines * (size_t)t / (size_t)team; line < end; line++)
                for (size_t i = 0; i < CEILINGS_LINE_DOUBLES; i += 2) {
                    double *at = first + line * CEILINGS_LINE_DOUBLES + i; /* 16-byte aligned */
                    if (stream)
                        _mm_stream_pd(at, poison);
                    else
                        _mm_store_pd(at, poison);
                }
            _mm_sfence(); /* each thread's streaming stores, before validation reads them */
        }
    }
    p->last.kind = CEILINGS_NONE;
}

struct tally {
    double checked, failures, max_abs;
    size_t first_thread, first_index; /* of the first failure */
    double got, want;
};

static void note_failure(struct tally *t, size_t thread, size_t index, double got, double want)
{
    if (t->failures == 0) {
        t->first_thread = thread;
        t->first_index = index;
        t->got = got;
        t->want = want;
    }
    t->max_abs = fmax(t->max_abs, isnan(got) ? INFINITY : fabs(got - want));
}

static void compare(struct tally *t, size_t thread, size_t index, double got, double want)
{
    t->checked += 1;
    if (got == want)
        return;
    note_failure(t, thread, index, got, want);
    t->failures += 1;
}

/* Sum of thread t's input array 0 over its first `lines` lines. */
static double input_sum(const struct ceilings_problem *p, const struct ceilings_placement *pl,
                        int t, size_t lines)
{
    size_t base = (size_t)t * pl->in_stride * CEILINGS_LINE_DOUBLES;
    uint64_t sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum)
    for (size_t i = 0; i < lines * CEILINGS_LINE_DOUBLES; i++)
        sum += (uint64_t)ceilings_value(p->seed, base + i);
    return (double)sum;
}

/* Each thread's sum: whole sweeps of its array, then its first lines. */
static void check_load(const struct ceilings_problem *p, const struct ceilings_placement *pl,
                       struct tally *t)
{
    for (int k = 0; k < p->last.threads; k++) {
        size_t steps = ceilings_share(pl->steps, k, p->last.threads);
        double want = (double)(steps / pl->lines) * input_sum(p, pl, k, pl->lines) +
                      input_sum(p, pl, k, steps % pl->lines);
        compare(t, (size_t)k, 0, p->sums[k].value, want);
    }
}

/* Output element i of a thread whose inputs start at element `in`. */
static double expected_output(const struct ceilings_problem *p, const struct ceilings_placement *pl,
                              size_t in, size_t i)
{
    const size_t array = (pl->lines + CEILINGS_PAD_LINES) * CEILINGS_LINE_DOUBLES;
    double b = ceilings_value(p->seed, in + i);
    if (p->last.kind == CEILINGS_COPY)
        return b;
    return b * ceilings_value(p->seed, in + array + i) +
           ceilings_value(p->seed, in + 2 * array + i);
}

/* Every output element of every thread's array, exactly. */
static void check_outputs(const struct ceilings_problem *p, const struct ceilings_placement *pl,
                          struct tally *t)
{
    const size_t n = pl->lines * CEILINGS_LINE_DOUBLES;
    for (int k = 0; k < p->last.threads; k++) {
        size_t in = (size_t)k * pl->in_stride * CEILINGS_LINE_DOUBLES;
        const double *out = p->out + (CEILINGS_OUTPUT_SKEW_LINES + (size_t)k * pl->out_stride) *
                                         CEILINGS_LINE_DOUBLES;
        double failures = 0, max_abs = 0;
        size_t first = n;
#pragma omp parallel for schedule(static) reduction(+ : failures) reduction(min : first) \
    reduction(max : max_abs)
        for (size_t i = 0; i < n; i++) {
            double want = expected_output(p, pl, in, i);
            if (out[i] != want) {
                failures += 1;
                first = i < first ? i : first;
                max_abs = fmax(max_abs, isnan(out[i]) ? INFINITY : fabs(out[i] - want));
            }
        }
        t->checked += (double)n;
        if (failures > 0) {
            note_failure(t, (size_t)k, first, out[first], expected_output(p, pl, in, first));
            t->failures += failures;
            t->max_abs = fmax(t->max_abs, max_abs);
        }
    }
}

static void check_chains(const struct ceilings_problem *p, struct tally *t)
{
    const size_t per_thread = CEILINGS_ACCUMULATORS * CEILINGS_MAX_LANES;
    const size_t used = CEILINGS_ACCUMULATORS * (size_t)p->last.lanes;
    for (int k = 0; k < p->last.threads; k++) {
        double steps = (double)ceilings_share(p->size.steps, k, p->last.threads);
        for (size_t i = 0; i < used; i++) {
            size_t at = (size_t)k * per_thread + i;
            if (p->last.kind == CEILINGS_PEAK_FP32)
                compare(t, (size_t)k, i, p->end32[at], p->start32[at] + steps);
            else
                compare(t, (size_t)k, i, p->end64[at], p->start64[at] + steps);
        }
    }
}

static const char *kind_name(enum ceilings_kind kind)
{
    static const char *const names[] = {"none", "load", "copy", "triad", "peak_fp32", "peak_fp64"};
    return names[kind];
}

static const char *method_of(enum ceilings_kind kind)
{
    switch (kind) {
    case CEILINGS_LOAD:
        return "each thread's sum exactly against the sum of the data it swept";
    case CEILINGS_COPY:
    case CEILINGS_TRIAD:
        return "every output element of every thread exactly";
    case CEILINGS_PEAK_FP32:
    case CEILINGS_PEAK_FP64:
        return "every lane of every chain exactly: start + its thread's steps";
    case CEILINGS_NONE:
        break;
    }
    return "nothing computed";
}

static int ceilings_validate(void *problem, struct sl_validation *v)
{
    struct ceilings_problem *p = problem;
    memset(v, 0, sizeof *v);
    v->method = method_of(p->last.kind);
    struct tally t = {0};
    struct ceilings_placement pl = {0};
    enum ceilings_kind kind = p->last.kind;
    bool bandwidth = kind == CEILINGS_LOAD || kind == CEILINGS_COPY || kind == CEILINGS_TRIAD;
    if (kind == CEILINGS_NONE ||
        (bandwidth && ceilings_place(p, kind, p->last.level, p->last.threads, &pl) != 0)) {
        v->checked = 1;
        v->failures = 1;
        v->max_abs_error = v->max_rel_error = INFINITY;
        snprintf(v->detail, sizeof v->detail, "no kernel recorded what it computed");
        return 0;
    }
    if (kind == CEILINGS_LOAD)
        check_load(p, &pl, &t);
    else if (bandwidth)
        check_outputs(p, &pl, &t);
    else
        check_chains(p, &t);
    v->checked = v->total = t.checked;
    v->failures = t.failures;
    v->max_abs_error = t.max_abs;
    v->max_rel_error = t.failures ? t.max_abs / fmax(fabs(t.want), 1) : 0;
    v->valid = t.failures == 0;
    if (v->valid)
        snprintf(v->detail, sizeof v->detail, "%s at %d thread%s: all %.0f values exact",
                 kind_name(kind), p->last.threads, p->last.threads == 1 ? "" : "s", t.checked);
    else
        snprintf(v->detail, sizeof v->detail,
                 "%s: %.0f of %.0f values wrong; first: thread %zu, value %zu: got %.17g, "
                 "expected %.17g",
                 kind_name(kind), t.failures, t.checked, t.first_thread, t.first_index, t.got,
                 t.want);
    return 0;
}

/* One value off by one where the last execution wrote. */
static void ceilings_corrupt_output(void *problem)
{
    struct ceilings_problem *p = problem;
    if (p->last.kind == CEILINGS_LOAD)
        p->sums[0].value += 1;
    else if (p->last.kind == CEILINGS_PEAK_FP32)
        p->end32[0] += 1;
    else if (p->last.kind == CEILINGS_PEAK_FP64)
        p->end64[0] += 1;
    else
        p->out[CEILINGS_OUTPUT_SKEW_LINES * CEILINGS_LINE_DOUBLES] += 1;
}

/* ---- description and work ------------------------------------------------- */

static void ceilings_describe(const void *problem, struct sl_problem_info *info)
{
    const struct ceilings_problem *p = problem;
    snprintf(info->size, sizeof info->size, "%s", p->size_name);
    snprintf(info->source, sizeof info->source,
             "generated: integers < 256 hashed from (seed %" PRIu64 ", index); caches from "
             "sysfs (%s), last-level total from hwloc; working sets %s, set up for up to %d "
             "threads",
             p->seed, p->caches.level[0].size ? "read" : "unreadable: cache levels unknown",
             p->size.ws ? "as given, per thread" : "per level (caches.h's rule)",
             p->threads);
    int n = 0;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (double)(v))
    PARAM("l1d_bytes", p->caches.level[CEILINGS_L1].size);
    PARAM("l2_bytes", p->caches.level[CEILINGS_L2].size);
    PARAM("l3_bytes", p->caches.level[CEILINGS_L3].size);
    PARAM("l3_sharing_cpus", p->caches.level[CEILINGS_L3].sharing);
    PARAM("llc_total_bytes", p->caches.llc_total);
    PARAM("threads_set_up", p->threads);
    if (p->size.ws) {
        PARAM("working_set_bytes", p->size.ws); /* per thread */
    } else {
        /* At the largest team: what a likwid-bench -w comparison needs. */
        static const char *const keys[] = {"l1_bytes_per_thread", "l2_bytes_per_thread",
                                           "l3_bytes_per_thread", "dram_bytes_per_thread"};
        for (int l = 0; l < CEILINGS_LEVELS; l++)
            if (p->size.level[l])
                PARAM(keys[l], ceilings_thread_bytes(&p->caches, (enum ceilings_level)l,
                                                     p->threads));
    }
    PARAM("traffic_bytes", p->size.traffic);
    PARAM("fma_steps", p->size.steps);
    PARAM("fma_accumulators", CEILINGS_ACCUMULATORS);
    PARAM("pool_bytes", (double)(p->in_lines + p->out_lines) * (double)LINE_BYTES);
#undef PARAM
    info->n_params = n;
}

void ceilings_work_bandwidth(const void *problem, enum ceilings_kind kind,
                             enum ceilings_level level, struct sl_work *w)
{
    const struct ceilings_problem *p = problem;
    double elements = (double)p->steps[kind][level] * CEILINGS_LINE_DOUBLES;
    w->units = elements;
    w->bytes = elements * sizeof(double) * ceilings_arrays(kind);
    w->flops = kind == CEILINGS_LOAD ? elements : kind == CEILINGS_TRIAD ? 2 * elements : 0;
}

void ceilings_work_peak(const void *problem, int lanes, struct sl_work *w)
{
    const struct ceilings_problem *p = problem;
    double fmas = (double)p->size.steps * CEILINGS_ACCUMULATORS * lanes;
    w->units = fmas;
    w->flops = 2 * fmas;
    w->bytes = 0;
}

static const char *const ceilings_test_sizes[] = {
    "ws=64:traffic=64:steps=1",         /* one line per array, one step */
    "ws=1K:traffic=3000:steps=37",      /* partial sweeps, odd step shares */
    "ws=4160:traffic=100K:steps=1000",  /* 65, 32 and 16 lines: unrolled loops and tails */
    NULL,
};

const struct sl_workload ceilings_workload = {
    .name = "ceilings",
    .summary = "measured ceilings: load/copy/triad bandwidth per memory level, peak FMA FLOP/s",
    .unit = "element",
    .merit = SL_MERIT_GBYTES,
    .size_syntax = SIZE_SYNTAX,
    .presets = ceilings_presets,
    .default_size = "auto",
    .test_sizes = ceilings_test_sizes,
    .variants = ceilings_variants,
    .check_size = ceilings_check_size,
    .problem_create = ceilings_create,
    .problem_destroy = ceilings_destroy,
    .prepare_validation = ceilings_prepare_validation,
    .validate = ceilings_validate,
    .describe = ceilings_describe,
    .unsupported = ceilings_unsupported,
    .corrupt_output = ceilings_corrupt_output,
};
