#include "reporters/gbench.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *context_json(const struct loaded_record *r)
{
    const json_t *machine = json_object_get(r->root, "machine");
    const json_t *build = json_object_get(r->root, "build");
    json_t *ctx = json_object();
    json_object_set_new(ctx, "date", json_string(r->started));
    json_object_set_new(ctx, "host_name", json_string(r->hostname));
    json_object_set_new(ctx, "executable", json_string(r->command));
    json_object_set_new(ctx, "num_cpus",
                        json_integer(json_integer_value(
                            json_object_get(json_object_get(machine, "topology"), "cpus"))));
    /* Google Benchmark reads the clock from cpuinfo; the record's peak
     * basis names the clock it used.  Left out when the record has none. */
    const char *basis = json_string_value(json_object_get(json_object_get(machine, "peak"), "basis"));
    const char *ghz = basis ? strstr(basis, " GHz") : NULL;
    if (ghz) {
        const char *start = ghz;
        while (start > basis && (isdigit((unsigned char)start[-1]) || start[-1] == '.'))
            start--;
        double v = atof(start);
        if (v > 0)
            json_object_set_new(ctx, "mhz_per_cpu", json_integer((json_int_t)llround(v * 1000)));
    }
    json_t *caches = json_array();
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(machine, "caches"), i, c)
    {
        const char *type = json_string_value(json_object_get(c, "type"));
        const char *gtype = !type ? "Unified"
                            : strcmp(type, "data") == 0        ? "Data"
                            : strcmp(type, "instruction") == 0 ? "Instruction"
                                                               : "Unified";
        json_array_append_new(
            caches, json_pack("{s:s, s:I, s:I, s:I}", "type", gtype, "level",
                              json_integer_value(json_object_get(c, "level")), "size",
                              (json_int_t)record_number(c, "size_bytes"), "num_sharing",
                              json_integer_value(json_object_get(c, "cpus_per_instance"))));
    }
    json_object_set_new(ctx, "caches", caches);
    const char *type = json_string_value(json_object_get(build, "build_type"));
    char lower[32] = "unknown";
    if (type) {
        snprintf(lower, sizeof lower, "%s", type);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    json_object_set_new(ctx, "library_build_type", json_string(lower));
    json_object_set_new(ctx, "library_version", json_string("speedlab"));
    json_object_set_new(ctx, "speedlab_record", json_string(r->run_id));
    json_object_set_new(ctx, "speedlab_commit", json_string(r->commit));
    json_object_set_new(ctx, "speedlab_note",
                        json_string("real_time is wall-clock time around the kernel; speedlab "
                                    "does not measure CPU time, so cpu_time repeats real_time"));
    return ctx;
}

static void add_rates(json_t *b, const struct loaded_result *r, double seconds)
{
    if (isfinite(r->units) && r->units > 0 && seconds > 0)
        json_object_set_new(b, "items_per_second", json_real(r->units / seconds));
    if (isfinite(r->bytes) && r->bytes > 0 && seconds > 0)
        json_object_set_new(b, "bytes_per_second", json_real(r->bytes / seconds));
    if (isfinite(r->flops) && r->flops > 0 && seconds > 0)
        json_object_set_new(b, "flops_per_second", json_real(r->flops / seconds));
}

static json_t *entry(const char *name, const struct loaded_result *r, long family, const char *run_type)
{
    return json_pack("{s:s, s:I, s:I, s:s, s:s, s:I, s:I}", "name", name, "family_index",
                     (json_int_t)family, "per_family_instance_index", (json_int_t)0, "run_name",
                     name, "run_type", run_type, "repetitions", (json_int_t)r->n_times, "threads",
                     (json_int_t)r->threads);
}

static void add_result(json_t *benchmarks, const struct loaded_result *r, long family)
{
    char name[512];
    snprintf(name, sizeof name, "%s/%s/%s/size:%s/threads:%d", r->kernel, r->variant, r->schedule,
             r->size, r->threads);
    if (strcmp(r->status, "ok") != 0 || r->n_times == 0) {
        json_t *b = entry(name, r, family, "iteration");
        char msg[320];
        snprintf(msg, sizeof msg, "%s%s%s", r->status, r->reason ? ": " : "",
                 r->reason ? r->reason : "");
        json_object_set_new(b, "error_occurred", json_true());
        json_object_set_new(b, "error_message", json_string(msg));
        json_object_set_new(b, "iterations", json_integer(0));
        json_array_append_new(benchmarks, b);
        return;
    }
    for (size_t k = 0; k < r->n_times; k++) {
        json_t *b = entry(name, r, family, "iteration");
        json_object_set_new(b, "repetition_index", json_integer((json_int_t)k));
        json_object_set_new(b, "iterations", json_integer(1));
        json_object_set_new(b, "real_time", json_real(r->times[k] * 1e9));
        json_object_set_new(b, "cpu_time", json_real(r->times[k] * 1e9));
        json_object_set_new(b, "time_unit", json_string("ns"));
        add_rates(b, r, r->times[k]);
        if (r->valid >= 0)
            json_object_set_new(b, "valid", json_integer(r->valid));
        json_array_append_new(benchmarks, b);
    }
    double mean = 0, var = 0;
    for (size_t k = 0; k < r->n_times; k++)
        mean += r->times[k];
    mean /= (double)r->n_times;
    for (size_t k = 0; k < r->n_times; k++)
        var += (r->times[k] - mean) * (r->times[k] - mean);
    double stddev = r->n_times > 1 ? sqrt(var / (double)(r->n_times - 1)) : 0;
    const struct {
        const char *agg;
        double value;
        bool time;
    } aggs[] = {{"mean", mean, true},
                {"median", r->median_s, true},
                {"stddev", stddev, true},
                {"cv", mean > 0 ? stddev / mean : 0, false}};
    for (size_t a = 0; a < sizeof aggs / sizeof aggs[0]; a++) {
        char aname[560];
        snprintf(aname, sizeof aname, "%s_%s", name, aggs[a].agg);
        json_t *b = entry(aname, r, family, "aggregate");
        json_object_set_new(b, "run_name", json_string(name));
        json_object_set_new(b, "aggregate_name", json_string(aggs[a].agg));
        json_object_set_new(b, "aggregate_unit", json_string(aggs[a].time ? "time" : "percentage"));
        json_object_set_new(b, "iterations", json_integer((json_int_t)r->n_times));
        double v = aggs[a].time ? aggs[a].value * 1e9 : aggs[a].value;
        json_object_set_new(b, "real_time", json_real(v));
        json_object_set_new(b, "cpu_time", json_real(v));
        json_object_set_new(b, "time_unit", json_string("ns"));
        if (a < 2)
            add_rates(b, r, aggs[a].value);
        json_array_append_new(benchmarks, b);
    }
}

json_t *gbench_document(const struct loaded_record *recs, size_t n)
{
    if (n == 0)
        return NULL;
    json_t *benchmarks = json_array();
    long family = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < recs[i].n_results; k++)
            add_result(benchmarks, &recs[i].results[k], family++);
    return json_pack("{s:o, s:o}", "context", context_json(&recs[0]), "benchmarks", benchmarks);
}

int gbench_export_files(const char *const *paths, size_t n, const char *out_path)
{
    struct loaded_record *recs = calloc(n ? n : 1, sizeof *recs);
    if (!recs)
        return sl_fail("out of memory");
    size_t loaded = 0;
    int rc = 0;
    for (; loaded < n && rc == 0; loaded++)
        if (record_load(paths[loaded], &recs[loaded]) != 0) {
            rc = -1;
            break;
        }
    json_t *doc = rc == 0 ? gbench_document(recs, n) : NULL;
    if (rc == 0 && !doc)
        rc = sl_fail("cannot build the Google Benchmark document");
    if (rc == 0) {
        if (strcmp(out_path, "-") == 0) {
            if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
                rc = sl_fail("cannot write to stdout");
            putchar('\n');
        } else {
            struct util_atomic_file f;
            rc = util_atomic_open(&f, out_path);
            if (rc == 0) {
                if (json_dumpf(doc, f.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
                    fputc('\n', f.fp) == EOF) {
                    util_atomic_abort(&f);
                    rc = sl_fail("cannot write '%s'", out_path);
                } else
                    rc = util_atomic_commit(&f);
            }
        }
    }
    json_decref(doc);
    for (size_t i = 0; i < loaded && i < n; i++)
        record_unload(&recs[i]);
    free(recs);
    return rc;
}
