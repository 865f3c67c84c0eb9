/* Google Benchmark JSON (the --benchmark_format=json layout), so dashboards
 * and tools built for it (compare.py, bencher, github-action-benchmark) can
 * ingest speedlab results: a context from the first run, and per result one
 * 'iteration' entry per repetition (iterations 1, real_time in ns) and the
 * aggregates mean, median, stddev and cv, named
 * kernel/variant/schedule/size:SIZE/threads:N[_aggregate].  Results that did
 * not run carry error_occurred and the reason.  speedlab measures wall-clock
 * time only: cpu_time repeats real_time (said in context.speedlab_note). */
#include "reporters/reporters.h"

#include "reporters/json_stream.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct gbench {
    struct sl_reporter base;
    struct json_stream out;
    bool begun;
    long family; /* family_index of the next result */
};

static json_t *caches_json(const struct sl_machine_desc *m)
{
    json_t *caches = json_array();
    for (int i = 0; i < m->n_caches; i++) {
        const struct sl_cache_desc *c = &m->caches[i];
        const char *type = strcmp(c->type, "data") == 0          ? "Data"
                           : strcmp(c->type, "instruction") == 0 ? "Instruction"
                                                                 : "Unified";
        json_array_append_new(caches, json_pack("{s:s, s:I, s:I, s:I}", "type", type, "level",
                                                (json_int_t)c->level, "size", (json_int_t)c->size,
                                                "num_sharing", (json_int_t)c->pus_per_instance));
    }
    return caches;
}

static json_t *context_json(const struct sl_run *run)
{
    json_t *ctx = json_object();
    json_object_set_new(ctx, "date", json_string(run->started));
    json_object_set_new(ctx, "host_name", json_string(run->machine.hostname));
    json_object_set_new(ctx, "executable", json_string(run->command));
    json_object_set_new(ctx, "num_cpus", json_integer(run->machine.pus_total));
    /* Google Benchmark reads the clock from cpuinfo; the record's peak
     * basis names the clock it used.  Left out when the record has none. */
    const char *basis = run->machine.peak_basis, *ghz = strstr(basis, " GHz");
    if (ghz) {
        const char *start = ghz;
        while (start > basis && (isdigit((unsigned char)start[-1]) || start[-1] == '.'))
            start--;
        double v = atof(start);
        if (v > 0)
            json_object_set_new(ctx, "mhz_per_cpu", json_integer((json_int_t)llround(v * 1000)));
    }
    json_object_set_new(ctx, "caches", caches_json(&run->machine));
    char lower[32] = "unknown";
    if (run->build.build_type) {
        snprintf(lower, sizeof lower, "%s", run->build.build_type);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    json_object_set_new(ctx, "library_build_type", json_string(lower));
    json_object_set_new(ctx, "library_version", json_string("speedlab"));
    json_object_set_new(ctx, "speedlab_record", json_string(run->run_id));
    json_object_set_new(ctx, "speedlab_commit", json_string(run->build.commit));
    json_object_set_new(ctx, "speedlab_note",
                        json_string("real_time is wall-clock time around the kernel; speedlab "
                                    "does not measure CPU time, so cpu_time repeats real_time"));
    return ctx;
}

static int gbench_begin(struct sl_reporter *self, const struct sl_run *run)
{
    struct gbench *g = (struct gbench *)self;
    if (g->begun)
        return 0;
    g->begun = true;
    json_stream_text(&g->out, "{\n  \"context\": ");
    if (json_stream_value(&g->out, 1, context_json(run)) != 0)
        return -1;
    json_stream_text(&g->out, ",\n  \"benchmarks\": [");
    return 0;
}

static void add_rates(json_t *b, const struct sl_result *r, double seconds)
{
    const struct sl_work *w = &r->work;
    if (isfinite(w->units) && w->units > 0 && seconds > 0)
        json_object_set_new(b, "items_per_second", json_real(w->units / seconds));
    if (isfinite(w->bytes) && w->bytes > 0 && seconds > 0)
        json_object_set_new(b, "bytes_per_second", json_real(w->bytes / seconds));
    if (isfinite(w->flops) && w->flops > 0 && seconds > 0)
        json_object_set_new(b, "flops_per_second", json_real(w->flops / seconds));
}

static json_t *entry(const char *name, const struct sl_result *r, long family,
                     const char *run_type)
{
    return json_pack("{s:s, s:I, s:I, s:s, s:s, s:I, s:I}", "name", name, "family_index",
                     (json_int_t)family, "per_family_instance_index", (json_int_t)0, "run_name",
                     name, "run_type", run_type, "repetitions", (json_int_t)r->reps, "threads",
                     (json_int_t)r->threads);
}

static json_t *failed_entry(const char *name, const struct sl_result *r, long family)
{
    json_t *b = entry(name, r, family, "iteration");
    char msg[320];
    snprintf(msg, sizeof msg, "%s%s%s", sl_status_name(r->status), r->reason ? ": " : "",
             r->reason ? r->reason : "");
    json_object_set_new(b, "error_occurred", json_true());
    json_object_set_new(b, "error_message", json_string(msg));
    json_object_set_new(b, "iterations", json_integer(0));
    return b;
}

static json_t *repetition_entry(const char *name, const struct sl_result *r, long family,
                                size_t k)
{
    json_t *b = entry(name, r, family, "iteration");
    json_object_set_new(b, "repetition_index", json_integer((json_int_t)k));
    json_object_set_new(b, "iterations", json_integer(1));
    json_object_set_new(b, "real_time", json_real(r->times_s[k] * 1e9));
    json_object_set_new(b, "cpu_time", json_real(r->times_s[k] * 1e9));
    json_object_set_new(b, "time_unit", json_string("ns"));
    add_rates(b, r, r->times_s[k]);
    if (r->validated)
        json_object_set_new(b, "valid", json_integer(r->validation.valid));
    return b;
}

static json_t *aggregate_entry(const char *name, const struct sl_result *r, long family,
                               const char *aggregate, double value, bool time)
{
    char aname[600];
    snprintf(aname, sizeof aname, "%s_%s", name, aggregate);
    json_t *b = entry(aname, r, family, "aggregate");
    json_object_set_new(b, "run_name", json_string(name));
    json_object_set_new(b, "aggregate_name", json_string(aggregate));
    json_object_set_new(b, "aggregate_unit", json_string(time ? "time" : "percentage"));
    json_object_set_new(b, "iterations", json_integer((json_int_t)r->reps));
    double v = time ? value * 1e9 : value;
    json_object_set_new(b, "real_time", json_real(v));
    json_object_set_new(b, "cpu_time", json_real(v));
    json_object_set_new(b, "time_unit", json_string("ns"));
    if (strcmp(aggregate, "mean") == 0 || strcmp(aggregate, "median") == 0)
        add_rates(b, r, value);
    return b;
}

static int gbench_result(struct sl_reporter *self, const struct sl_run *run,
                         const struct sl_result *r)
{
    (void)run;
    struct gbench *g = (struct gbench *)self;
    long family = g->family++;
    char name[512];
    snprintf(name, sizeof name, "%s/%s/%s/size:%s/threads:%d", r->kernel, r->variant, r->schedule,
             r->size, r->threads);
    if (r->status != SL_STATUS_OK || r->reps == 0)
        return json_stream_item(&g->out, 2, family == 0, NULL, failed_entry(name, r, family));
    for (size_t k = 0; k < r->reps; k++)
        if (json_stream_item(&g->out, 2, family == 0 && k == 0, NULL,
                             repetition_entry(name, r, family, k)) != 0)
            return -1;
    /* Google Benchmark's spread of one repetition is 0. */
    const struct sl_derived *d = &r->d;
    double stddev = isfinite(d->stddev_s.value) ? d->stddev_s.value : 0;
    double cv = isfinite(d->cv.value) ? d->cv.value : 0;
    if (json_stream_item(&g->out, 2, false, NULL,
                         aggregate_entry(name, r, family, "mean", d->mean_s.value, true)) != 0 ||
        json_stream_item(&g->out, 2, false, NULL,
                         aggregate_entry(name, r, family, "median", d->median_s.value, true)) != 0 ||
        json_stream_item(&g->out, 2, false, NULL,
                         aggregate_entry(name, r, family, "stddev", stddev, true)) != 0 ||
        json_stream_item(&g->out, 2, false, NULL,
                         aggregate_entry(name, r, family, "cv", cv, false)) != 0)
        return -1;
    return 0;
}

static int gbench_finish(struct sl_reporter *self)
{
    struct gbench *g = (struct gbench *)self;
    if (!g->begun)
        return sl_fail("gbench: no run to export");
    json_stream_text(&g->out, g->family > 0 ? "\n  ]\n}\n" : "]\n}\n");
    return json_stream_commit(&g->out);
}

static void gbench_destroy(struct sl_reporter *self)
{
    struct gbench *g = (struct gbench *)self;
    json_stream_abort(&g->out);
    free(g);
}

struct sl_reporter *gbench_reporter_create(const char *path)
{
    struct gbench *g = calloc(1, sizeof *g);
    if (!g) {
        sl_fail("out of memory");
        return NULL;
    }
    g->base = (struct sl_reporter){.begin = gbench_begin,
                                   .result = gbench_result,
                                   .finish = gbench_finish,
                                   .destroy = gbench_destroy};
    if (json_stream_open(&g->out, path) != 0) {
        free(g);
        return NULL;
    }
    return &g->base;
}
