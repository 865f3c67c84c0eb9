/* Bencher Metric Format (BMF) JSON, what `bencher run --adapter json`
 * ingests: {"<benchmark>": {"<measure>": {"value": v, "lower_value": lo,
 * "upper_value": hi}}}, value required, the bounds optional.  Per result that
 * ran to the end and did not fail validation, named like Google Benchmark's
 * kernel/variant/schedule/size:SIZE/threads:N:
 *   latency     the median time in nanoseconds (Bencher's built-in Latency),
 *               bounds: the 95 % CI of the median (from 6 repetitions on)
 *   throughput  units of work per second at the median (Bencher's built-in
 *               Throughput, operations/s), bounds at the CI's ends
 *   <merit>     the workload's figure of merit under its own name ("Mpair/s",
 *               "GB/s", "GFLOP/s"), bounds at the CI's ends
 * Results that did not run, or ran wrong, have no honest measure: they are
 * left out.  A benchmark name may appear once; two records holding the same
 * one are refused. */
#include "reporters/reporters.h"

#include "reporters/json_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct bmf {
    struct sl_reporter base;
    struct json_stream out;
    bool begun;
    char **names; /* every benchmark written, to refuse a second of the same */
    size_t n_names, cap_names;
};

static json_t *measure_json(double value, struct sl_interval bounds)
{
    json_t *m = json_pack("{s:f}", "value", value);
    if (m && isfinite(bounds.lo) && isfinite(bounds.hi)) {
        json_object_set_new(m, "lower_value", json_real(bounds.lo));
        json_object_set_new(m, "upper_value", json_real(bounds.hi));
    }
    return m;
}

static json_t *measures_json(const struct sl_run *run, const struct sl_result *r)
{
    const struct sl_derived *d = &r->d;
    struct sl_interval ns = {d->ci95_s.lo * 1e9, d->ci95_s.hi * 1e9, d->ci95_s.why};
    json_t *m = json_object();
    json_object_set_new(m, "latency", measure_json(d->median_s.value * 1e9, ns));
    json_object_set_new(m, "throughput", measure_json(d->units_per_s.value, d->units_per_s_ci95));
    if (run->merit_recorded) {
        char label[64];
        json_object_set_new(m, sl_merit_label(run->merit, run->unit, label, sizeof label),
                            measure_json(d->merit.value, d->merit_ci95));
    }
    return m;
}

static int remember(struct bmf *b, const char *name)
{
    if (b->n_names == b->cap_names) {
        size_t cap = b->cap_names ? 2 * b->cap_names : 64;
        char **grown = realloc(b->names, cap * sizeof *grown);
        if (!grown)
            return sl_fail("out of memory");
        b->names = grown;
        b->cap_names = cap;
    }
    if (!(b->names[b->n_names] = strdup(name)))
        return sl_fail("out of memory");
    b->n_names++;
    return 0;
}

static int bmf_begin(struct sl_reporter *self, const struct sl_run *run)
{
    (void)run;
    struct bmf *b = (struct bmf *)self;
    if (!b->begun)
        json_stream_text(&b->out, "{");
    b->begun = true;
    return 0;
}

static int bmf_result(struct sl_reporter *self, const struct sl_run *run,
                      const struct sl_result *r)
{
    struct bmf *b = (struct bmf *)self;
    if (r->status != SL_STATUS_OK || r->reps == 0 || (r->validated && !r->validation.valid))
        return 0;
    char name[512];
    snprintf(name, sizeof name, "%s/%s/%s/size:%s/threads:%d", r->kernel, r->variant, r->schedule,
             r->size, r->threads);
    bool first = b->n_names == 0;
    if (remember(b, name) != 0)
        return -1;
    return json_stream_item(&b->out, 1, first, name, measures_json(run, r));
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int bmf_finish(struct sl_reporter *self)
{
    struct bmf *b = (struct bmf *)self;
    if (b->n_names > 1)
        qsort(b->names, b->n_names, sizeof *b->names, compare_names);
    for (size_t i = 1; i < b->n_names; i++)
        if (strcmp(b->names[i - 1], b->names[i]) == 0)
            return sl_fail("bmf: benchmark %s comes twice (two records of the same "
                           "configuration): give one run per benchmark",
                           b->names[i]);
    json_stream_text(&b->out, !b->begun ? "{}\n" : b->n_names ? "\n}\n" : "}\n");
    return json_stream_commit(&b->out);
}

static void bmf_destroy(struct sl_reporter *self)
{
    struct bmf *b = (struct bmf *)self;
    json_stream_abort(&b->out);
    for (size_t i = 0; i < b->n_names; i++)
        free(b->names[i]);
    free(b->names);
    free(b);
}

struct sl_reporter *bmf_reporter_create(const char *path)
{
    struct bmf *b = calloc(1, sizeof *b);
    if (!b) {
        sl_fail("out of memory");
        return NULL;
    }
    b->base = (struct sl_reporter){.begin = bmf_begin,
                                   .result = bmf_result,
                                   .finish = bmf_finish,
                                   .destroy = bmf_destroy};
    if (json_stream_open(&b->out, path) != 0) {
        free(b);
        return NULL;
    }
    return &b->base;
}
