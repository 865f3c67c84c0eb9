#include "results/record_read.h"

#include "results/record.h"
#include "kit/sl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double record_number(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *string_or(const json_t *obj, const char *key, const char *fallback)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : fallback;
}

static void number_pair(const json_t *obj, const char *key, double *lo, double *hi)
{
    const json_t *v = json_object_get(obj, key);
    *lo = *hi = NAN;
    if (json_is_array(v) && json_array_size(v) == 2 && json_is_number(json_array_get(v, 0)) &&
        json_is_number(json_array_get(v, 1))) {
        *lo = json_number_value(json_array_get(v, 0));
        *hi = json_number_value(json_array_get(v, 1));
    }
}

static size_t numbers_in(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_array(v) ? json_array_size(v) : 0;
}

/* Copies a numeric array into storage; non-numbers become NAN. */
static const double *copy_numbers(const json_t *obj, const char *key, double **cursor, size_t *n)
{
    const json_t *v = json_object_get(obj, key);
    *n = json_is_array(v) ? json_array_size(v) : 0;
    double *start = *cursor;
    for (size_t i = 0; i < *n; i++) {
        const json_t *x = json_array_get(v, i);
        start[i] = json_is_number(x) ? json_number_value(x) : NAN;
    }
    *cursor += *n;
    return start;
}

static int unpack_result(struct loaded_record *rec, size_t index, double **cursor)
{
    json_t *o = json_array_get(json_object_get(rec->root, "results"), index);
    struct loaded_result *r = &rec->results[index];
    if (!json_is_object(o))
        return sl_fail("%s: results[%zu] is not an object", rec->path, index);
    static const char *const required[] = {"kernel", "variant", "schedule", "size", "status"};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (!json_is_string(json_object_get(o, required[k])))
            return sl_fail("%s: results[%zu] has no string '%s'", rec->path, index, required[k]);
    if (!json_is_integer(json_object_get(o, "threads")) ||
        json_integer_value(json_object_get(o, "threads")) < 1)
        return sl_fail("%s: results[%zu] has no positive integer 'threads'", rec->path, index);
    r->json = o;
    r->kernel = string_or(o, "kernel", NULL);
    r->variant = string_or(o, "variant", NULL);
    r->schedule = string_or(o, "schedule", NULL);
    r->size = string_or(o, "size", NULL);
    r->status = string_or(o, "status", NULL);
    r->name = string_or(o, "name", r->variant);
    r->reason = string_or(o, "reason", NULL);
    r->isa = string_or(o, "isa", "-");
    r->layout = string_or(o, "layout", "-");
    r->loops = string_or(o, "loops", "-");
    r->algorithm = string_or(o, "algorithm", "-");
    r->threads = (int)json_integer_value(json_object_get(o, "threads"));
    r->times = copy_numbers(o, "times_s", cursor, &r->n_times);
    for (size_t k = 0; k < r->n_times; k++)
        if (!(isfinite(r->times[k]) && r->times[k] > 0))
            return sl_fail("%s: results[%zu].times_s[%zu]: must be a positive number of seconds",
                           rec->path, index, k);
    r->busy_s = copy_numbers(o, "busy_s", cursor, &r->n_busy);
    r->median_s = record_number(o, "median_s");
    r->min_s = record_number(o, "min_s");
    r->cv = record_number(o, "cv");
    number_pair(o, "ci95_s", &r->ci_lo, &r->ci_hi);
    r->speedup = record_number(o, "speedup");
    number_pair(o, "speedup_ci95", &r->speedup_lo, &r->speedup_hi);
    r->efficiency = record_number(o, "efficiency");
    number_pair(o, "efficiency_ci95", &r->efficiency_lo, &r->efficiency_hi);
    r->imbalance = record_number(o, "imbalance");
    const json_t *work = json_object_get(o, "work");
    r->units = record_number(work, "units");
    r->flops = record_number(work, "flops");
    r->bytes = record_number(work, "bytes");
    r->gflops = record_number(o, "gflops");
    r->gbytes_per_s = record_number(o, "gbytes_per_s");
    const json_t *merit = json_object_get(o, "figure_of_merit");
    r->merit = record_number(merit, "value");
    r->merit_unit = string_or(merit, "unit", "");
    const json_t *valid = json_object_get(o, "valid");
    r->valid = json_is_boolean(valid) ? json_is_true(valid) : -1;
    r->invalid_expected = json_is_true(json_object_get(o, "invalid_expected"));
    r->oversubscribed = json_is_true(json_object_get(o, "oversubscribed"));
    if (strcmp(r->status, "ok") == 0 && (r->n_times == 0 || !isfinite(r->median_s)))
        return sl_fail("%s: results[%zu] (%s) is 'ok' but has no times", rec->path, index,
                       r->name);
    return 0;
}

int record_load(const char *path, struct loaded_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->path = strdup(path);
    if (!rec->path)
        return sl_fail("out of memory");
    json_error_t err;
    rec->root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!rec->root) {
        int failed;
        if (err.line < 0) /* jansson could not open or read it */
            failed = sl_fail("%s: %s", path, err.text);
        else if (strstr(err.text, "premature end of input") || strstr(err.text, "near end of file"))
            failed = sl_fail("%s: truncated JSON (ends at line %d): not a complete record", path,
                             err.line);
        else
            failed = sl_fail("%s: not JSON (line %d: %s)", path, err.line, err.text);
        record_unload(rec);
        return failed;
    }
    const json_t *root = rec->root;
    const char *schema = json_string_value(json_object_get(root, "schema"));
    if (!schema || strcmp(schema, "speedlab-record") != 0) {
        /* Other speedlab documents (a claims summary) live beside records. */
        int other = schema && strncmp(schema, "speedlab-", 9) == 0 ? -2 : -1;
        if (other == -2)
            sl_fail("%s: a %.60s, not a speedlab record", path, schema);
        else
            sl_fail("%s: not a speedlab record (no \"schema\": \"speedlab-record\")", path);
        record_unload(rec);
        return other;
    }
    const json_t *version = json_object_get(root, "schema_version");
    rec->schema_version = json_is_integer(version) ? (int)json_integer_value(version) : -1;
    if (rec->schema_version != RECORD_SCHEMA_VERSION) {
        int v = rec->schema_version;
        record_unload(rec);
        return sl_fail("%s: record schema_version %d is not supported (this speedlab reads "
                       "version %d)",
                       path, v, RECORD_SCHEMA_VERSION);
    }
    const json_t *results = json_object_get(root, "results");
    const json_t *machine = json_object_get(root, "machine");
    const json_t *config = json_object_get(root, "config");
    if (!json_is_array(results) || !json_is_object(machine) || !json_is_object(config)) {
        record_unload(rec);
        return sl_fail("%s: incomplete record (needs 'results', 'machine' and 'config')", path);
    }
    rec->run_id = string_or(root, "run_id", "unnamed-run");
    rec->kernel = string_or(config, "kernel", "?");
    rec->started = string_or(root, "started", "");
    rec->command = string_or(root, "command", "");
    rec->complete = json_is_true(json_object_get(root, "complete"));
    rec->hostname = string_or(machine, "hostname", "?");
    rec->cpu_model = string_or(machine, "cpu_model", "?");
    rec->isa = string_or(machine, "isa", "");
    rec->commit = string_or(json_object_get(root, "build"), "commit", "unknown");
    const json_t *allowed = json_object_get(json_object_get(machine, "allowed"), "count");
    rec->allowed_cpus = json_is_integer(allowed) ? (int)json_integer_value(allowed) : 0;

    rec->n_results = json_array_size(results);
    size_t n_numbers = 0;
    for (size_t i = 0; i < rec->n_results; i++)
        n_numbers += numbers_in(json_array_get(results, i), "times_s") +
                     numbers_in(json_array_get(results, i), "busy_s");
    rec->results = calloc(rec->n_results ? rec->n_results : 1, sizeof *rec->results);
    rec->numbers = malloc((n_numbers ? n_numbers : 1) * sizeof *rec->numbers);
    if (!rec->results || !rec->numbers) {
        record_unload(rec);
        return sl_fail("out of memory reading %s", path);
    }
    double *cursor = rec->numbers;
    for (size_t i = 0; i < rec->n_results; i++)
        if (unpack_result(rec, i, &cursor) != 0) {
            record_unload(rec);
            return -1;
        }
    return 0;
}

void record_unload(struct loaded_record *rec)
{
    free(rec->path);
    free(rec->results);
    free(rec->numbers);
    if (rec->root)
        json_decref(rec->root);
    memset(rec, 0, sizeof *rec);
}

const json_t *record_problem(const struct loaded_record *rec, const char *size)
{
    const json_t *problems = json_object_get(rec->root, "problems");
    size_t i;
    const json_t *p;
    json_array_foreach(problems, i, p)
    {
        const json_t *s = json_object_get(p, "size");
        if (json_is_string(s) && strcmp(json_string_value(s), size) == 0)
            return p;
    }
    return NULL;
}

double record_problem_parameter(const struct loaded_record *rec, const char *size, const char *key)
{
    const json_t *p = record_problem(rec, size);
    return p ? record_number(json_object_get(p, "parameters"), key) : NAN;
}
