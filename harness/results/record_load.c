/* Reading a record back into the result model.  Every value the model takes
 * is checked for its type and range, and the first one that is wrong ends
 * the load with one line naming the file and the field; the derived figures
 * a record stores are not read but computed again (sl_run_derive). */
#include "results/record.h"

#include "kit/files.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct reader {
    const char *path;
    struct sl_run *run;
};

enum { OPTIONAL = 0, REQUIRED = 1, NULLABLE = 2 };

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* "PATH: where.key: what is wrong". */
__attribute__((format(printf, 4, 5))) static int bad(const struct reader *rd, const char *where,
                                                     const char *key, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return sl_fail("%s: %s%s%s: %s", rd->path, where, where[0] && key ? "." : "", key ? key : "",
                   what);
}

static int wrong_type(const struct reader *rd, const char *where, const char *key, const json_t *v,
                      const char *wanted)
{
    return v ? bad(rd, where, key, "must be %s, not %s", wanted, type_name(v))
             : bad(rd, where, key, "missing (must be %s)", wanted);
}

static int get_object(const struct reader *rd, const json_t *obj, const char *where,
                      const char *key, int flags, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = json_is_object(v) ? v : NULL;
    if (json_is_object(v) || (!v && !(flags & REQUIRED)) || (json_is_null(v) && (flags & NULLABLE)))
        return 0;
    return wrong_type(rd, where, key, v, "an object");
}

static int get_array(const struct reader *rd, const json_t *obj, const char *where,
                     const char *key, size_t n, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = v;
    if (!json_is_array(v))
        return wrong_type(rd, where, key, v, "an array");
    if (n != SIZE_MAX && json_array_size(v) != n)
        return bad(rd, where, key, "has %zu entries where %zu were expected",
                   json_array_size(v), n);
    return 0;
}

/* A string the run keeps; absent or null (where allowed) is NULL. */
static int get_string(const struct reader *rd, const json_t *obj, const char *where,
                      const char *key, int flags, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if ((!v && !(flags & REQUIRED)) || (json_is_null(v) && (flags & NULLABLE)))
        return 0;
    if (!json_is_string(v))
        return wrong_type(rd, where, key, v, "a string");
    *out = sl_run_strdup(rd->run, json_string_value(v));
    return *out ? 0 : -1;
}

/* A string into a buffer of the model's own size; null (where allowed) is "". */
static int get_text(const struct reader *rd, const json_t *obj, const char *where,
                    const char *key, int flags, char *buf, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    buf[0] = '\0';
    if ((!v && !(flags & REQUIRED)) || (json_is_null(v) && (flags & NULLABLE)))
        return 0;
    if (!json_is_string(v))
        return wrong_type(rd, where, key, v, "a string");
    if (json_string_length(v) >= size)
        return bad(rd, where, key, "longer than %zu characters", size - 1);
    memcpy(buf, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

static int get_int(const struct reader *rd, const json_t *obj, const char *where,
                   const char *key, long long min, long long max, long long *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return wrong_type(rd, where, key, v, "an integer");
    *out = json_integer_value(v);
    if (*out < min || *out > max)
        return bad(rd, where, key, "%lld is out of range [%lld, %lld]", *out, min, max);
    return 0;
}

static int get_int32(const struct reader *rd, const json_t *obj, const char *where,
                     const char *key, int min, int max, int *out)
{
    long long v = 0;
    if (get_int(rd, obj, where, key, min, max, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

static int get_bool(const struct reader *rd, const json_t *obj, const char *where,
                    const char *key, bool *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_boolean(v))
        return wrong_type(rd, where, key, v, "true or false");
    *out = json_is_true(v);
    return 0;
}

/* A finite number, at least `min`. */
static int check_number(const struct reader *rd, const json_t *v, const char *where,
                        const char *key, double min, double *out)
{
    if (!json_is_number(v))
        return wrong_type(rd, where, key, v, "a number");
    *out = json_number_value(v);
    if (isfinite(*out) && *out >= min)
        return 0;
    return min > 0    ? bad(rd, where, key, "%g: must be positive", *out)
           : min == 0 ? bad(rd, where, key, "%g: must not be negative", *out)
                      : bad(rd, where, key, "%g: must be finite", *out);
}

static int get_number(const struct reader *rd, const json_t *obj, const char *where,
                      const char *key, double min, double *out)
{
    return check_number(rd, json_object_get(obj, key), where, key, min, out);
}

/* A number (at least `min`) or "unavailable (why)": NAN and the why. */
static int check_figure(const struct reader *rd, const json_t *v, const char *where,
                        const char *key, double min, struct sl_figure *out)
{
    static const char prefix[] = "unavailable (";
    out->why = NULL;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (strncmp(s, prefix, sizeof prefix - 1) != 0 || n < sizeof prefix || s[n - 1] != ')')
            return bad(rd, where, key, "must be a number or \"unavailable (reason)\", not \"%.40s\"",
                       s);
        out->value = NAN;
        out->why = sl_run_text(rd->run, "%.*s", (int)(n - sizeof prefix), s + sizeof prefix - 1);
        return out->why ? 0 : -1;
    }
    if (!json_is_number(v))
        return wrong_type(rd, where, key, v, "a number or \"unavailable (reason)\"");
    return check_number(rd, v, where, key, min, &out->value);
}

static int get_figure(const struct reader *rd, const json_t *obj, const char *where,
                      const char *key, double min, struct sl_figure *out)
{
    return check_figure(rd, json_object_get(obj, key), where, key, min, out);
}

/* [lo, hi] or "unavailable (why)". */
static int get_interval(const struct reader *rd, const json_t *obj, const char *where,
                        const char *key, struct sl_interval *out)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_array(v)) {
        if (json_array_size(v) != 2)
            return bad(rd, where, key, "must be [lo, hi]");
        char lo_at[160], hi_at[160];
        snprintf(lo_at, sizeof lo_at, "%s%s%s[0]", where, where[0] ? "." : "", key);
        snprintf(hi_at, sizeof hi_at, "%s%s%s[1]", where, where[0] ? "." : "", key);
        out->why = NULL;
        if (check_number(rd, json_array_get(v, 0), lo_at, NULL, -INFINITY, &out->lo) != 0 ||
            check_number(rd, json_array_get(v, 1), hi_at, NULL, -INFINITY, &out->hi) != 0)
            return -1;
        return 0;
    }
    struct sl_figure f;
    if (check_figure(rd, v, where, key, 0, &f) != 0)
        return -1;
    if (f.why == NULL)
        return bad(rd, where, key, "must be [lo, hi] or \"unavailable (reason)\"");
    *out = (struct sl_interval){NAN, NAN, f.why};
    return 0;
}

/* An array of n numbers (n SIZE_MAX: any length), at least `min` each; with
 * entries_may_be_unavailable an entry may be "unavailable (...)" (NAN). */
static int get_numbers(const struct reader *rd, const json_t *obj, const char *where,
                       const char *key, size_t n, double min, bool entries_may_be_unavailable,
                       double **out)
{
    const json_t *list;
    if (get_array(rd, obj, where, key, n, &list) != 0)
        return -1;
    n = json_array_size(list);
    *out = sl_run_alloc(rd->run, n ? n : 1, sizeof **out);
    if (!*out)
        return -1;
    char at[160];
    snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", key);
    for (size_t i = 0; i < n; i++) {
        char entry[192];
        snprintf(entry, sizeof entry, "%s[%zu]", at, i);
        struct sl_figure f;
        int rc = entries_may_be_unavailable
                     ? check_figure(rd, json_array_get(list, i), entry, NULL, min, &f)
                     : check_number(rd, json_array_get(list, i), entry, NULL, min, &f.value);
        if (rc != 0)
            return -1;
        (*out)[i] = f.value;
    }
    return 0;
}

/* ---- machine, build, environment ------------------------------------------------- */

static int read_caches(const struct reader *rd, const json_t *machine, struct sl_machine_desc *m)
{
    const json_t *caches;
    if (get_array(rd, machine, "machine", "caches", SIZE_MAX, &caches) != 0)
        return -1;
    if (json_array_size(caches) > SL_MAX_CACHES)
        return bad(rd, "machine", "caches", "more than %d entries", SL_MAX_CACHES);
    m->n_caches = (int)json_array_size(caches);
    for (int i = 0; i < m->n_caches; i++) {
        const json_t *c = json_array_get(caches, (size_t)i);
        struct sl_cache_desc *d = &m->caches[i];
        char at[48];
        snprintf(at, sizeof at, "machine.caches[%d]", i);
        long long size;
        int line, ways;
        if (!json_is_object(c))
            return wrong_type(rd, at, NULL, c, "an object");
        if (get_int32(rd, c, at, "level", 1, 9, &d->level) != 0 ||
            get_text(rd, c, at, "type", REQUIRED, d->type, sizeof d->type) != 0 ||
            get_int(rd, c, at, "size_bytes", 0, INT64_MAX, &size) != 0 ||
            get_int32(rd, c, at, "line_bytes", 0, 1 << 20, &line) != 0 ||
            get_int32(rd, c, at, "ways", 0, 1 << 20, &ways) != 0 ||
            get_int32(rd, c, at, "instances", 0, 1 << 24, &d->instances) != 0 ||
            get_int32(rd, c, at, "cpus_per_instance", 0, 1 << 24, &d->pus_per_instance) != 0)
            return -1;
        d->size = (unsigned long long)size;
        d->line = (unsigned)line;
        d->ways = (unsigned)ways;
    }
    return 0;
}

static int read_peak(const struct reader *rd, const json_t *machine, struct sl_machine_desc *m)
{
    const json_t *peak;
    struct sl_figure fp32 = {NAN, NULL}, fp64 = {NAN, NULL};
    if (get_object(rd, machine, "machine", "peak", OPTIONAL, &peak) != 0)
        return -1;
    if (peak && (get_figure(rd, peak, "machine.peak", "gflops_fp32", 0, &fp32) != 0 ||
                 get_figure(rd, peak, "machine.peak", "gflops_fp64", 0, &fp64) != 0 ||
                 get_text(rd, peak, "machine.peak", "basis", REQUIRED, m->peak_basis,
                          sizeof m->peak_basis) != 0))
        return -1;
    if (!peak)
        snprintf(m->peak_basis, sizeof m->peak_basis, "not in this record");
    m->peak_gflops_fp32 = fp32.value;
    m->peak_gflops_fp64 = fp64.value;
    return 0;
}

/* A CPUID number; null (not read on that machine) is -1. */
static int get_cpuid(const struct reader *rd, const json_t *obj, const char *key, int *out)
{
    *out = -1;
    if (json_is_null(json_object_get(obj, key)))
        return 0;
    return get_int32(rd, obj, "machine.identity", key, 0, 1 << 20, out);
}

/* The CPU's identity and the memory's devices; absent in older records. */
static int read_machine_identity(const struct reader *rd, const json_t *machine,
                         struct sl_machine_desc *m)
{
    const json_t *id;
    if (get_object(rd, machine, "machine", "identity", OPTIONAL, &id) != 0)
        return -1;
    m->identity_recorded = id != NULL;
    m->cpu_family = m->cpu_model_number = m->cpu_stepping = -1;
    if (!id)
        return 0;
    const char *at = "machine.identity";
    if (get_cpuid(rd, id, "cpu_family", &m->cpu_family) != 0 ||
        get_cpuid(rd, id, "cpu_model", &m->cpu_model_number) != 0 ||
        get_cpuid(rd, id, "stepping", &m->cpu_stepping) != 0 ||
        get_text(rd, id, at, "microarchitecture", REQUIRED, m->microarchitecture,
                 sizeof m->microarchitecture) != 0 ||
        get_text(rd, id, at, "microcode", REQUIRED, m->microcode, sizeof m->microcode) != 0 ||
        get_text(rd, id, at, "memory_devices", REQUIRED, m->memory_devices,
                 sizeof m->memory_devices) != 0)
        return -1;
    return 0;
}

static int read_machine(const struct reader *rd, const json_t *root)
{
    struct sl_machine_desc *m = &rd->run->machine;
    const json_t *machine, *topology, *allowed;
    if (get_object(rd, root, "", "machine", REQUIRED, &machine) != 0 ||
        get_text(rd, machine, "machine", "hostname", REQUIRED, m->hostname,
                 sizeof m->hostname) != 0 ||
        get_text(rd, machine, "machine", "cpu_model", REQUIRED, m->cpu_model,
                 sizeof m->cpu_model) != 0 ||
        get_text(rd, machine, "machine", "cpu_vendor", REQUIRED, m->cpu_vendor,
                 sizeof m->cpu_vendor) != 0 ||
        get_text(rd, machine, "machine", "isa", REQUIRED, m->isa, sizeof m->isa) != 0 ||
        get_text(rd, machine, "machine", "os", REQUIRED, m->os, sizeof m->os) != 0 ||
        get_object(rd, machine, "machine", "topology", REQUIRED, &topology) != 0 ||
        get_int32(rd, topology, "machine.topology", "packages", 0, 1 << 20, &m->packages) != 0 ||
        get_int32(rd, topology, "machine.topology", "numa_nodes", 0, 1 << 20, &m->numa_nodes) != 0 ||
        get_int32(rd, topology, "machine.topology", "cores", 0, 1 << 24, &m->cores_total) != 0 ||
        get_int32(rd, topology, "machine.topology", "cpus", 0, 1 << 24, &m->pus_total) != 0 ||
        get_object(rd, machine, "machine", "allowed", REQUIRED, &allowed) != 0 ||
        get_text(rd, allowed, "machine.allowed", "cpus", REQUIRED, m->allowed_list,
                 sizeof m->allowed_list) != 0 ||
        get_int32(rd, allowed, "machine.allowed", "count", 0, 1 << 24, &m->pus_allowed) != 0 ||
        get_int32(rd, allowed, "machine.allowed", "cores", 0, 1 << 24, &m->cores_allowed) != 0 ||
        read_caches(rd, machine, m) != 0 ||
        get_number(rd, machine, "machine", "memory_gib", 0, &m->memory_gib) != 0 ||
        read_machine_identity(rd, machine, m) != 0)
        return -1;
    return read_peak(rd, machine, m);
}

static int read_build(const struct reader *rd, const json_t *root)
{
    struct sl_build_desc *b = &rd->run->build;
    const json_t *build;
    return get_object(rd, root, "", "build", REQUIRED, &build) != 0 ||
                   get_string(rd, build, "build", "compiler", REQUIRED, &b->compiler) != 0 ||
                   get_string(rd, build, "build", "flags", REQUIRED, &b->flags) != 0 ||
                   get_string(rd, build, "build", "build_type", REQUIRED, &b->build_type) != 0 ||
                   get_string(rd, build, "build", "sanitizers", REQUIRED, &b->sanitizers) != 0 ||
                   get_string(rd, build, "build", "commit", REQUIRED, &b->commit) != 0 ||
                   get_int32(rd, build, "build", "openmp", 0, INT32_MAX, &b->openmp) != 0 ||
                   get_string(rd, build, "build", "blas", REQUIRED, &b->blas) != 0 ||
                   (json_object_get(build, "inject_slowdown_pct") &&
                    get_int32(rd, build, "build", "inject_slowdown_pct", 1, 1000,
                              &b->inject_slowdown_pct) != 0)
               ? -1
               : 0;
}

static int read_check(const struct reader *rd, const char *name, const json_t *c,
                      struct sl_env_check *out)
{
    char at[96];
    snprintf(at, sizeof at, "environment.checks.%.60s", name);
    if (!json_is_object(c))
        return wrong_type(rd, at, NULL, c, "an object");
    out->name = sl_run_strdup(rd->run, name);
    if (!out->name || get_text(rd, c, at, "value", REQUIRED, out->value, sizeof out->value) != 0 ||
        get_text(rd, c, at, "warning", REQUIRED | NULLABLE, out->warning,
                 sizeof out->warning) != 0)
        return -1;
    out->available = strncmp(out->value, "unavailable (", 13) != 0;
    out->probe = json_object_get(c, "cv") != NULL;
    if (out->probe && (get_number(rd, c, at, "cv", 0, &out->cv) != 0 ||
                       get_int32(rd, c, at, "loops", 1, 1 << 20, &out->loops) != 0 ||
                       get_number(rd, c, at, "loop_s", 0, &out->loop_s) != 0 ||
                       get_number(rd, c, at, "limit", 0, &out->limit) != 0 ||
                       get_bool(rd, c, at, "forced", &out->forced) != 0))
        return -1;
    return 0;
}

static int read_environment(const struct reader *rd, const json_t *root)
{
    struct sl_environment *env = &rd->run->environment;
    const json_t *e, *vars, *checks, *v;
    const char *key;
    if (get_object(rd, root, "", "environment", REQUIRED, &e) != 0 ||
        get_object(rd, e, "environment", "variables", REQUIRED, &vars) != 0 ||
        get_number(rd, e, "environment", "timer_resolution_s", 0, &env->timer_resolution_s) != 0 ||
        get_string(rd, e, "environment", "timer", REQUIRED, &env->timer) != 0 ||
        get_object(rd, e, "environment", "checks", OPTIONAL, &checks) != 0)
        return -1;
    if (json_object_size(vars) > SL_MAX_ENV_VARIABLES)
        return bad(rd, "environment", "variables", "more than %d", SL_MAX_ENV_VARIABLES);
    json_object_foreach((json_t *)vars, key, v)
    {
        int i = env->n_variables++;
        if (!(env->variables[i].name = sl_run_strdup(rd->run, key)) ||
            get_string(rd, vars, "environment.variables", key, REQUIRED | NULLABLE,
                       &env->variables[i].value) != 0)
            return -1;
    }
    env->checked = checks != NULL;
    if (json_object_size(checks) > SL_MAX_ENV_CHECKS)
        return bad(rd, "environment", "checks", "more than %d", SL_MAX_ENV_CHECKS);
    json_object_foreach((json_t *)checks, key, v)
    {
        if (read_check(rd, key, v, &env->checks[env->n_checks++]) != 0)
            return -1;
    }
    return 0;
}

/* ---- config and problems --------------------------------------------------------------- */

static int read_strings(const struct reader *rd, const json_t *obj, const char *where,
                        const char *key, const char ***out, int *n)
{
    const json_t *list;
    if (get_array(rd, obj, where, key, SIZE_MAX, &list) != 0)
        return -1;
    *n = (int)json_array_size(list);
    *out = sl_run_alloc(rd->run, (size_t)*n + 1, sizeof **out);
    if (!*out)
        return -1;
    for (int i = 0; i < *n; i++) {
        const json_t *s = json_array_get(list, (size_t)i);
        if (!json_is_string(s))
            return bad(rd, where, key, "entry %d must be a string, not %s", i, type_name(s));
        if (!((*out)[i] = sl_run_strdup(rd->run, json_string_value(s))))
            return -1;
    }
    return 0;
}

static int read_threads(const struct reader *rd, const json_t *config, struct sl_config *c)
{
    const json_t *list;
    if (get_array(rd, config, "config", "threads", SIZE_MAX, &list) != 0)
        return -1;
    c->n_threads = (int)json_array_size(list);
    c->threads = sl_run_alloc(rd->run, (size_t)c->n_threads + 1, sizeof *c->threads);
    if (!c->threads)
        return -1;
    for (int i = 0; i < c->n_threads; i++) {
        const json_t *t = json_array_get(list, (size_t)i);
        if (!json_is_integer(t) || json_integer_value(t) < 1 || json_integer_value(t) > 1 << 20)
            return bad(rd, "config", "threads", "entry %d must be a positive integer", i);
        c->threads[i] = (int)json_integer_value(t);
    }
    return 0;
}

/* config.<section>: the one object member that is the workload's options. */
static int read_option_facts(const struct reader *rd, const char *section, const json_t *facts,
                             struct sl_option_facts *out)
{
    char at[96];
    snprintf(at, sizeof at, "config.%.60s", section);
    if (out->section)
        return bad(rd, "config", section, "a second block of workload options (after '%s')",
                   out->section);
    if (json_object_size(facts) > SL_MAX_OPTION_FACTS)
        return bad(rd, at, NULL, "more than %d entries", SL_MAX_OPTION_FACTS);
    if (!(out->section = sl_run_strdup(rd->run, section)))
        return -1;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)facts, key, v)
    {
        int i = out->n++;
        out->facts[i].number = NAN;
        if (!(out->facts[i].key = sl_run_strdup(rd->run, key)))
            return -1;
        if (json_is_string(v) && !(out->facts[i].text = sl_run_strdup(rd->run, json_string_value(v))))
            return -1;
        if (json_is_number(v) && check_number(rd, v, at, key, -INFINITY, &out->facts[i].number) != 0)
            return -1;
        if (!json_is_string(v) && !json_is_number(v) && !json_is_null(v))
            return wrong_type(rd, at, key, v, "a string, a number or null");
    }
    return 0;
}

static int read_config_blocks(const struct reader *rd, const json_t *config, struct sl_config *c)
{
    const json_t *output, *mpi, *v;
    const char *key, *noise;
    const json_t *interleave = json_object_get(config, "interleave");
    c->interleave_recorded = interleave != NULL;
    if (interleave && get_bool(rd, config, "config", "interleave", &c->interleave) != 0)
        return -1;
    if (get_string(rd, config, "config", "noise", OPTIONAL, &noise) != 0)
        return -1;
    c->noise_recorded = noise != NULL;
    c->noise_counting = noise && strcmp(noise, "on") == 0;
    if (noise && !c->noise_counting && strcmp(noise, "off") != 0)
        return bad(rd, "config", "noise", "'%.40s' is not on or off", noise);
    if (get_object(rd, config, "config", "output", NULLABLE, &output) != 0 ||
        (output && (get_string(rd, output, "config.output", "path", REQUIRED, &c->output) != 0 ||
                    get_string(rd, output, "config.output", "absolute", REQUIRED,
                               &c->output_absolute) != 0)) ||
        get_object(rd, config, "config", "mpi", OPTIONAL, &mpi) != 0)
        return -1;
    c->mpi_recorded = mpi != NULL;
    if (mpi && (get_int32(rd, mpi, "config.mpi", "ranks", 1, 1 << 24, &c->mpi_ranks) != 0 ||
                get_string(rd, mpi, "config.mpi", "library", REQUIRED, &c->mpi_library) != 0 ||
                get_string(rd, mpi, "config.mpi", "rank0_host", REQUIRED, &c->mpi_rank0_host) != 0))
        return -1;
    json_object_foreach((json_t *)config, key, v)
    {
        if (json_is_object(v) && strcmp(key, "output") != 0 && strcmp(key, "mpi") != 0 &&
            read_option_facts(rd, key, v, &c->options) != 0)
            return -1;
    }
    return 0;
}

static int read_config(const struct reader *rd, const json_t *root)
{
    struct sl_config *c = &rd->run->config;
    const json_t *config;
    long long seed;
    if (get_object(rd, root, "", "config", REQUIRED, &config) != 0 ||
        get_string(rd, config, "config", "kernel", REQUIRED, &c->kernel) != 0 ||
        read_strings(rd, config, "config", "variants", &c->variants, &c->n_variants) != 0 ||
        read_strings(rd, config, "config", "schedules", &c->schedules, &c->n_schedules) != 0 ||
        read_threads(rd, config, c) != 0 ||
        read_strings(rd, config, "config", "sizes", &c->sizes, &c->n_sizes) != 0 ||
        get_int(rd, config, "config", "seed", 0, INT64_MAX, &seed) != 0 ||
        get_string(rd, config, "config", "input", REQUIRED | NULLABLE, &c->input) != 0 ||
        get_string(rd, config, "config", "validate", REQUIRED, &c->validate) != 0 ||
        get_int32(rd, config, "config", "warmup", 0, INT32_MAX, &c->warmup) != 0 ||
        get_int32(rd, config, "config", "min_reps", 1, INT32_MAX, &c->min_reps) != 0 ||
        get_int32(rd, config, "config", "max_reps", 1, INT32_MAX, &c->max_reps) != 0 ||
        get_number(rd, config, "config", "budget_s", 0, &c->budget_s) != 0 ||
        get_string(rd, config, "config", "pin", REQUIRED, &c->pin) != 0 ||
        get_bool(rd, config, "config", "oversubscribe", &c->oversubscribe) != 0)
        return -1;
    c->seed = (uint64_t)seed;
    return read_config_blocks(rd, config, c);
}

static int read_params(const struct reader *rd, const json_t *params, const char *where,
                       struct sl_problem_info *out)
{
    if (json_object_size(params) > SL_MAX_PARAMS)
        return bad(rd, where, NULL, "more than %d entries", SL_MAX_PARAMS);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)params, key, v)
    {
        int i = out->n_params++;
        if (!(out->params[i].key = sl_run_strdup(rd->run, key)) ||
            check_number(rd, v, where, key, -INFINITY, &out->params[i].value) != 0)
            return -1;
    }
    return 0;
}

static int read_problems(const struct reader *rd, const json_t *root)
{
    const json_t *problems;
    if (get_array(rd, root, "", "problems", SIZE_MAX, &problems) != 0)
        return -1;
    for (size_t i = 0; i < json_array_size(problems); i++) {
        const json_t *p = json_array_get(problems, i), *params;
        char at[48], params_at[64];
        snprintf(at, sizeof at, "problems[%zu]", i);
        snprintf(params_at, sizeof params_at, "%s.parameters", at);
        struct sl_problem_info *info = sl_run_add_problem(rd->run);
        if (!info)
            return -1;
        if (!json_is_object(p))
            return wrong_type(rd, at, NULL, p, "an object");
        if (get_text(rd, p, at, "size", REQUIRED, info->size, sizeof info->size) != 0 ||
            get_text(rd, p, at, "source", REQUIRED, info->source, sizeof info->source) != 0 ||
            get_object(rd, p, at, "parameters", REQUIRED, &params) != 0 ||
            read_params(rd, params, params_at, info) != 0)
            return -1;
    }
    return 0;
}

/* ---- results ------------------------------------------------------------------------------ */

static int read_identity(const struct reader *rd, const json_t *o, const char *at,
                         struct sl_result *r)
{
    const char *status;
    if (get_string(rd, o, at, "kernel", REQUIRED, &r->kernel) != 0 ||
        get_string(rd, o, at, "variant", REQUIRED, &r->variant) != 0 ||
        get_string(rd, o, at, "layout", REQUIRED, &r->layout) != 0 ||
        get_string(rd, o, at, "loops", REQUIRED, &r->loops) != 0 ||
        get_string(rd, o, at, "isa", REQUIRED, &r->isa) != 0 ||
        get_string(rd, o, at, "algorithm", REQUIRED, &r->algorithm) != 0 ||
        get_string(rd, o, at, "schedule", REQUIRED, &r->schedule) != 0 ||
        get_int32(rd, o, at, "threads", 1, 1 << 20, &r->threads) != 0 ||
        get_string(rd, o, at, "size", REQUIRED, &r->size) != 0 ||
        get_string(rd, o, at, "status", REQUIRED, &status) != 0 ||
        get_string(rd, o, at, "reason", REQUIRED | NULLABLE, &r->reason) != 0 ||
        get_string(rd, o, at, "known_defect", NULLABLE, &r->known_defect) != 0)
        return -1;
    if (sl_status_parse(status, &r->status) != 0)
        return bad(rd, at, "status", "'%.40s' is not ok, skipped, error or interrupted", status);
    return 0;
}

static int read_workers(const struct reader *rd, const json_t *o, const char *at,
                        struct sl_result *r)
{
    const json_t *cpus;
    double *busy;
    if (get_array(rd, o, at, "cpus", (size_t)r->threads, &cpus) != 0 ||
        get_numbers(rd, o, at, "busy_s", (size_t)r->threads, 0, true, &busy) != 0)
        return -1;
    r->workers = sl_run_alloc(rd->run, (size_t)r->threads, sizeof *r->workers);
    if (!r->workers)
        return -1;
    for (int t = 0; t < r->threads; t++) {
        const json_t *c = json_array_get(cpus, (size_t)t);
        struct sl_worker *w = &r->workers[t];
        char cpu_at[96];
        snprintf(cpu_at, sizeof cpu_at, "%s.cpus[%d]", at, t);
        if (!json_is_object(c))
            return wrong_type(rd, cpu_at, NULL, c, "an object");
        if (get_int32(rd, c, cpu_at, "cpu", -1, 1 << 24, &w->cpu) != 0 ||
            get_string(rd, c, cpu_at, "target", REQUIRED, &w->target) != 0 ||
            get_string(rd, c, cpu_at, "pinned", REQUIRED, &w->pinned) != 0)
            return -1;
        w->busy_s = busy[t];
    }
    return 0;
}

/* The workload's unit and figure of merit: the first result sets them, the
 * others must agree. */
/* An array of n counts (integers >= 0) into field `offset` of the samples
 * of worker w; or, where `why` is given, "unavailable (reason)" (NAN
 * there, the reason in *why). */
static int read_count_column(const struct reader *rd, const json_t *worker, const char *at,
                             const char *key, struct sl_result *r, int w, size_t offset,
                             const char **why)
{
    const json_t *list = json_object_get(worker, key);
    struct sl_figure f;
    if (why && json_is_string(list)) {
        if (check_figure(rd, list, at, key, 0, &f) != 0)
            return -1;
        if (!f.why)
            return wrong_type(rd, at, key, list, "an array or \"unavailable (reason)\"");
        *why = *why ? *why : f.why;
    } else if (get_array(rd, worker, at, key, r->reps, &list) != 0) {
        return -1;
    }
    for (size_t i = 0; i < r->reps; i++) {
        const json_t *v = json_is_array(list) ? json_array_get(list, i) : NULL;
        double *field = (double *)((char *)&r->noise.samples[i * (size_t)r->threads + (size_t)w] +
                                   offset);
        if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
            return bad(rd, at, key, "entry %zu must be a count (an integer >= 0)", i);
        *field = v ? (double)json_integer_value(v) : NAN;
    }
    return 0;
}

/* A column of seconds (numbers >= 0) into field `offset` of worker w's samples. */
static int read_seconds_column(const struct reader *rd, const json_t *worker, const char *at,
                               const char *key, struct sl_result *r, int w, size_t offset)
{
    double *values;
    if (get_numbers(rd, worker, at, key, r->reps, 0, false, &values) != 0)
        return -1;
    for (size_t i = 0; i < r->reps; i++)
        *(double *)((char *)&r->noise.samples[i * (size_t)r->threads + (size_t)w] + offset) =
            values[i];
    return 0;
}

static int read_noise_workers(const struct reader *rd, const json_t *noise, const char *at,
                              struct sl_result *r)
{
    const json_t *workers;
    if (get_array(rd, noise, at, "workers", (size_t)r->threads, &workers) != 0)
        return -1;
    const char *no_migrations = NULL;
    int with_migrations = 0;
    for (int w = 0; w < r->threads; w++) {
        const json_t *worker = json_array_get(workers, (size_t)w);
        char w_at[128];
        snprintf(w_at, sizeof w_at, "%s.workers[%d]", at, w);
        if (!json_is_object(worker))
            return wrong_type(rd, w_at, NULL, worker, "an object");
        with_migrations += json_is_array(json_object_get(worker, "migrations"));
        if (read_seconds_column(rd, worker, w_at, "busy_s", r, w,
                                offsetof(struct sl_noise_sample, busy_s)) != 0 ||
            read_seconds_column(rd, worker, w_at, "start_delay_s", r, w,
                                offsetof(struct sl_noise_sample, start_delay_s)) != 0 ||
            read_seconds_column(rd, worker, w_at, "task_clock_s", r, w,
                                offsetof(struct sl_noise_sample, task_clock_s)) != 0 ||
            read_count_column(rd, worker, w_at, "context_switches", r, w,
                              offsetof(struct sl_noise_sample, context_switches), NULL) != 0 ||
            read_count_column(rd, worker, w_at, "involuntary_switches", r, w,
                              offsetof(struct sl_noise_sample, involuntary_switches), NULL) != 0 ||
            read_count_column(rd, worker, w_at, "migrations", r, w,
                              offsetof(struct sl_noise_sample, migrations), &no_migrations) != 0 ||
            read_count_column(rd, worker, w_at, "page_faults", r, w,
                              offsetof(struct sl_noise_sample, page_faults), NULL) != 0)
            return -1;
    }
    if (no_migrations && with_migrations)
        return bad(rd, at, "workers", "migrations counted for some workers only");
    r->noise.migrations_why = no_migrations;
    return 0;
}

/* results[].noise: counted (the raw samples, each repetition's wall time,
 * the steal time) or "unavailable (why)"; absent in older records. */
static int read_noise(const struct reader *rd, const json_t *o, const char *at,
                      struct sl_result *r)
{
    const json_t *noise = json_object_get(o, "noise"), *per_rep, *steal;
    char n_at[96];
    snprintf(n_at, sizeof n_at, "%s.noise", at);
    if (!noise)
        return 0;
    if (json_is_string(noise)) {
        struct sl_figure f;
        if (check_figure(rd, noise, at, "noise", 0, &f) != 0)
            return -1;
        if (!f.why)
            return wrong_type(rd, at, "noise", noise, "an object or \"unavailable (reason)\"");
        r->noise.why = f.why;
        return 0;
    }
    if (!json_is_object(noise))
        return wrong_type(rd, at, "noise", noise, "an object or \"unavailable (reason)\"");
    if (sl_noise_alloc(rd->run, r, r->reps) != 0 ||
        get_string(rd, noise, n_at, "source", REQUIRED, &r->noise.source) != 0 ||
        get_array(rd, noise, n_at, "per_rep", r->reps, &per_rep) != 0)
        return -1;
    for (size_t i = 0; i < r->reps; i++) {
        const json_t *rep = json_array_get(per_rep, i);
        char rep_at[128];
        snprintf(rep_at, sizeof rep_at, "%s.per_rep[%zu]", n_at, i);
        if (!json_is_object(rep))
            return wrong_type(rd, rep_at, NULL, rep, "an object");
        if (get_number(rd, rep, rep_at, "wall_s", 0, &r->noise.per_rep[i].wall_s) != 0)
            return -1;
    }
    steal = json_object_get(noise, "steal");
    char s_at[112];
    snprintf(s_at, sizeof s_at, "%s.steal", n_at);
    if (json_is_object(steal))
        return get_number(rd, steal, s_at, "seconds", 0, &r->noise.steal_s.value) != 0 ||
                       get_number(rd, steal, s_at, "cpu_seconds", 0, &r->noise.steal_cpu_s) != 0
                   ? -1
                   : read_noise_workers(rd, noise, n_at, r);
    if (get_figure(rd, noise, n_at, "steal", 0, &r->noise.steal_s) != 0)
        return -1;
    if (!r->noise.steal_s.why)
        return wrong_type(rd, n_at, "steal", steal, "an object or \"unavailable (reason)\"");
    return read_noise_workers(rd, noise, n_at, r);
}

static int read_work(const struct reader *rd, const json_t *o, const char *at,
                     struct sl_result *r)
{
    struct sl_run *run = rd->run;
    const json_t *work, *merit;
    const char *unit, *label = NULL;
    char work_at[96], merit_at[96];
    snprintf(work_at, sizeof work_at, "%s.work", at);
    snprintf(merit_at, sizeof merit_at, "%s.figure_of_merit", at);
    if (get_object(rd, o, at, "work", REQUIRED, &work) != 0 ||
        get_string(rd, work, work_at, "unit", REQUIRED, &unit) != 0 ||
        get_number(rd, work, work_at, "units", 0, &r->work.units) != 0 ||
        get_number(rd, work, work_at, "flops", 0, &r->work.flops) != 0 ||
        get_number(rd, work, work_at, "bytes", 0, &r->work.bytes) != 0 ||
        get_object(rd, o, at, "figure_of_merit", OPTIONAL, &merit) != 0 ||
        (merit && get_string(rd, merit, merit_at, "unit", REQUIRED, &label) != 0))
        return -1;
    if (run->unit && strcmp(run->unit, unit) != 0)
        return bad(rd, work_at, "unit", "'%.40s' differs from the record's '%.40s'", unit,
                   run->unit);
    run->unit = unit;
    if (!label)
        return 0;
    static const enum sl_merit kinds[] = {SL_MERIT_UNITS, SL_MERIT_GBYTES, SL_MERIT_GFLOPS};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char known[64];
        if (strcmp(label, sl_merit_label(kinds[k], unit, known, sizeof known)) != 0)
            continue;
        if (run->merit_recorded && run->merit != kinds[k])
            return bad(rd, merit_at, "unit", "'%.40s' differs from the record's", label);
        run->merit = kinds[k];
        run->merit_recorded = true;
        return 0;
    }
    return bad(rd, merit_at, "unit", "'%.40s' is none this speedlab knows", label);
}

static int read_counters(const struct reader *rd, const json_t *o, const char *at,
                         struct sl_result *r)
{
    const json_t *block, *events;
    char block_at[96];
    snprintf(block_at, sizeof block_at, "%s.counters", at);
    if (get_object(rd, o, at, "counters", OPTIONAL, &block) != 0)
        return -1;
    if (!block)
        return 0;
    if (get_array(rd, block, block_at, "events", SIZE_MAX, &events) != 0)
        return -1;
    if (json_array_size(events) > SL_MAX_COUNTERS)
        return bad(rd, block_at, "events", "more than %d", SL_MAX_COUNTERS);
    r->n_counters = (int)json_array_size(events);
    r->counters = sl_run_alloc(rd->run, (size_t)r->n_counters + 1, sizeof *r->counters);
    if (!r->counters)
        return -1;
    for (int e = 0; e < r->n_counters; e++) {
        const json_t *ev = json_array_get(events, (size_t)e);
        struct sl_counter_result *c = &r->counters[e];
        char ev_at[128];
        const char *state;
        snprintf(ev_at, sizeof ev_at, "%s.events[%d]", block_at, e);
        c->per_execution = NAN;
        if (!json_is_object(ev))
            return wrong_type(rd, ev_at, NULL, ev, "an object");
        if (get_text(rd, ev, ev_at, "name", REQUIRED, c->event.name, sizeof c->event.name) != 0 ||
            get_string(rd, ev, ev_at, "status", REQUIRED, &state) != 0 ||
            get_text(rd, ev, ev_at, "reason", REQUIRED | NULLABLE, c->event.reason,
                     sizeof c->event.reason) != 0)
            return -1;
        if (sl_counter_state_parse(state, &c->event.state) != 0)
            return bad(rd, ev_at, "status", "'%.40s' is not ok, multiplexed or unavailable", state);
        if (c->event.state != SL_COUNTER_UNAVAILABLE &&
            (get_number(rd, ev, ev_at, "per_execution", 0, &c->per_execution) != 0 ||
             get_numbers(rd, ev, ev_at, "per_worker", (size_t)r->threads, 0, false,
                         &c->per_worker) != 0))
            return -1;
    }
    return 0;
}

static int read_sim_cache(const struct reader *rd, const json_t *geometry, const char *where,
                          const char *key, struct sl_sim_cache *out)
{
    const json_t *c;
    char at[128];
    snprintf(at, sizeof at, "%s.%s", where, key);
    long long size;
    int ways, line;
    if (get_object(rd, geometry, where, key, REQUIRED, &c) != 0 ||
        get_int(rd, c, at, "size_bytes", 0, INT64_MAX, &size) != 0 ||
        get_int32(rd, c, at, "ways", 0, 1 << 20, &ways) != 0 ||
        get_int32(rd, c, at, "line_bytes", 0, 1 << 20, &line) != 0 ||
        get_text(rd, c, at, "note", REQUIRED | NULLABLE, out->note, sizeof out->note) != 0)
        return -1;
    out->size = (unsigned long long)size;
    out->ways = (unsigned)ways;
    out->line = (unsigned)line;
    return 0;
}

static int read_sim(const struct reader *rd, const json_t *o, const char *at, struct sl_result *r)
{
    const json_t *sim, *geometry;
    const char *status;
    char sim_at[96], geo_at[112];
    snprintf(sim_at, sizeof sim_at, "%s.simulated_cache", at);
    snprintf(geo_at, sizeof geo_at, "%s.geometry", sim_at);
    struct sl_sim_result *s = &r->sim;
    if (get_object(rd, o, at, "simulated_cache", OPTIONAL, &sim) != 0)
        return -1;
    r->simulated = sim != NULL;
    if (!sim)
        return 0;
    if (get_object(rd, sim, sim_at, "geometry", REQUIRED, &geometry) != 0 ||
        read_sim_cache(rd, geometry, geo_at, "I1", &s->i1) != 0 ||
        read_sim_cache(rd, geometry, geo_at, "D1", &s->d1) != 0 ||
        read_sim_cache(rd, geometry, geo_at, "LL", &s->ll) != 0 ||
        get_string(rd, sim, sim_at, "status", REQUIRED, &status) != 0 ||
        get_text(rd, sim, sim_at, "reason", REQUIRED | NULLABLE, s->reason, sizeof s->reason) != 0)
        return -1;
    s->available = strcmp(status, "ok") == 0;
    if (!s->available && strcmp(status, "unavailable") != 0)
        return bad(rd, sim_at, "status", "'%.40s' is not ok or unavailable", status);
    s->instructions = s->data_refs = s->d1_misses = s->ll_misses = NAN;
    if (s->available && (get_number(rd, sim, sim_at, "instructions", 0, &s->instructions) != 0 ||
                         get_number(rd, sim, sim_at, "data_refs", 0, &s->data_refs) != 0 ||
                         get_number(rd, sim, sim_at, "d1_misses", 0, &s->d1_misses) != 0 ||
                         get_number(rd, sim, sim_at, "ll_misses", 0, &s->ll_misses) != 0))
        return -1;
    return 0;
}

static int read_validation(const struct reader *rd, const json_t *o, const char *at,
                           struct sl_result *r)
{
    const json_t *valid = json_object_get(o, "valid"), *v;
    struct sl_validation *val = &r->validation;
    char v_at[96];
    snprintf(v_at, sizeof v_at, "%s.validation", at);
    if (json_is_null(valid))
        return 0;
    if (!json_is_boolean(valid))
        return wrong_type(rd, at, "valid", valid, "true, false or null");
    r->validated = true;
    val->valid = json_is_true(valid);
    struct sl_figure abs_error, rel_error;
    if (get_object(rd, o, at, "validation", REQUIRED, &v) != 0 ||
        get_string(rd, v, v_at, "method", REQUIRED, &val->method) != 0 ||
        get_number(rd, v, v_at, "checked", 0, &val->checked) != 0 ||
        get_number(rd, v, v_at, "total", 0, &val->total) != 0 ||
        get_number(rd, v, v_at, "failures", 0, &val->failures) != 0 ||
        get_figure(rd, v, v_at, "max_abs_error", 0, &abs_error) != 0 ||
        get_figure(rd, v, v_at, "max_rel_error", 0, &rel_error) != 0 ||
        get_number(rd, v, v_at, "tolerance_abs", 0, &val->tolerance_abs) != 0 ||
        get_number(rd, v, v_at, "tolerance_rel", 0, &val->tolerance_rel) != 0 ||
        get_text(rd, v, v_at, "detail", REQUIRED, val->detail, sizeof val->detail) != 0)
        return -1;
    val->max_abs_error = abs_error.value;
    val->max_rel_error = rel_error.value;
    return 0;
}

static int read_memory_and_ranks(const struct reader *rd, const json_t *o, const char *at,
                                 struct sl_result *r)
{
    const json_t *memory, *ranks;
    char m_at[96], r_at[96];
    snprintf(m_at, sizeof m_at, "%s.memory", at);
    snprintf(r_at, sizeof r_at, "%s.ranks", at);
    if (get_object(rd, o, at, "memory", OPTIONAL, &memory) != 0 ||
        get_object(rd, o, at, "ranks", OPTIONAL, &ranks) != 0)
        return -1;
    if (!memory)
        r->peak_rss_bytes = (struct sl_figure){NAN, "not in this record"};
    else if (get_figure(rd, memory, m_at, "peak_rss_bytes", 0, &r->peak_rss_bytes) != 0 ||
             (json_object_get(memory, "budget_bytes") &&
              get_number(rd, memory, m_at, "budget_bytes", 1, &r->memory_budget_bytes) != 0))
        return -1;
    if (!ranks)
        return 0;
    struct sl_figure imbalance;
    if (get_int32(rd, ranks, r_at, "count", 2, 1 << 24, &r->ranks) != 0 ||
        get_numbers(rd, ranks, r_at, "median_s", (size_t)r->ranks, 0, true, &r->rank_median_s) != 0 ||
        get_figure(rd, ranks, r_at, "imbalance", 0, &imbalance) != 0 ||
        get_numbers(rd, ranks, r_at, "peak_rss_bytes", (size_t)r->ranks, 0, true,
                    &r->rank_peak_rss_bytes) != 0)
        return -1;
    r->rank_imbalance = imbalance.value;
    return 0;
}

/* Interleaved: each repetition's place in its round. */
static int read_round_positions(const struct reader *rd, const json_t *o, const char *at,
                                struct sl_result *r)
{
    const json_t *list = json_object_get(o, "round_positions");
    if (!list)
        return 0;
    if (get_array(rd, o, at, "round_positions", r->reps, &list) != 0 ||
        !(r->round_positions = sl_run_alloc(rd->run, r->reps + 1, sizeof *r->round_positions)))
        return -1;
    for (size_t i = 0; i < r->reps; i++) {
        const json_t *v = json_array_get(list, i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)
            return bad(rd, at, "round_positions", "entry %zu must be an integer >= 0", i);
        r->round_positions[i] = (int)json_integer_value(v);
    }
    return 0;
}

/* Everything a measured result holds beyond its identity. */
static int read_measurement(const struct reader *rd, const json_t *o, const char *at,
                            struct sl_result *r)
{
    long long reps;
    struct sl_figure imbalance;
    if (get_int32(rd, o, at, "warmup", 0, INT32_MAX, &r->warmup) != 0 ||
        get_int(rd, o, at, "reps", 0, INT32_MAX, &reps) != 0 ||
        get_numbers(rd, o, at, "times_s", (size_t)reps, 1e-300, false, &r->times_s) != 0 ||
        get_figure(rd, o, at, "imbalance", 0, &imbalance) != 0 || read_workers(rd, o, at, r) != 0 ||
        get_bool(rd, o, at, "placement_verified", &r->placement_verified) != 0 ||
        get_string(rd, o, at, "pin", REQUIRED, &r->pin) != 0 ||
        get_bool(rd, o, at, "oversubscribed", &r->oversubscribed) != 0 ||
        read_work(rd, o, at, r) != 0 || read_counters(rd, o, at, r) != 0 ||
        read_sim(rd, o, at, r) != 0 || read_validation(rd, o, at, r) != 0)
        return -1;
    r->reps = (size_t)reps;
    r->imbalance = imbalance.value;
    if (read_round_positions(rd, o, at, r) != 0 || read_noise(rd, o, at, r) != 0)
        return -1;
    const json_t *output;
    char out_at[96];
    snprintf(out_at, sizeof out_at, "%s.output", at);
    if (get_object(rd, o, at, "output", OPTIONAL, &output) != 0 ||
        (output && read_params(rd, output, out_at, &r->output) != 0))
        return -1;
    return read_memory_and_ranks(rd, o, at, r);
}

static int read_result(const struct reader *rd, const json_t *o, size_t index)
{
    char at[48];
    snprintf(at, sizeof at, "results[%zu]", index);
    struct sl_result *r = sl_run_add_result(rd->run);
    if (!r)
        return -1;
    if (!json_is_object(o))
        return wrong_type(rd, at, NULL, o, "an object");
    if (read_identity(rd, o, at, r) != 0)
        return -1;
    bool measured = r->status != SL_STATUS_SKIPPED &&
                    (r->status != SL_STATUS_ERROR || json_object_get(o, "times_s"));
    if (measured && read_measurement(rd, o, at, r) != 0)
        return -1;
    if (r->status == SL_STATUS_OK && r->reps == 0)
        return bad(rd, at, "times_s", "the result is 'ok' but has no times");
    return 0;
}

/* ---- claims and the document ------------------------------------------------------------- */

static int read_claims(const struct reader *rd, const json_t *root)
{
    const json_t *claims = json_object_get(root, "claims");
    struct sl_run *run = rd->run;
    if (!claims)
        return 0;
    if (!json_is_array(claims))
        return wrong_type(rd, "", "claims", claims, "an array");
    run->has_claims = true;
    run->n_claims = json_array_size(claims);
    run->claims = sl_run_alloc(run, run->n_claims + 1, sizeof *run->claims);
    if (!run->claims)
        return -1;
    for (size_t i = 0; i < run->n_claims; i++) {
        const json_t *c = json_array_get(claims, i);
        struct sl_claim_entry *e = &run->claims[i];
        char at[48];
        snprintf(at, sizeof at, "claims[%zu]", i);
        if (!json_is_object(c))
            return wrong_type(rd, at, NULL, c, "an object");
        if (get_string(rd, c, at, "id", REQUIRED, &e->id) != 0 ||
            get_string(rd, c, at, "source_figure", REQUIRED, &e->source_figure) != 0 ||
            get_figure(rd, c, at, "measured", -INFINITY, &e->measured) != 0 ||
            get_interval(rd, c, at, "measured_ci95", &e->measured_ci95) != 0 ||
            get_string(rd, c, at, "measured_text", REQUIRED, &e->measured_text) != 0 ||
            get_string(rd, c, at, "regime", NULLABLE, &e->regime) != 0 ||
            get_string(rd, c, at, "verdict", REQUIRED, &e->verdict) != 0 ||
            get_string(rd, c, at, "reason", REQUIRED, &e->reason) != 0 ||
            get_string(rd, c, at, "explanation", REQUIRED, &e->explanation) != 0 ||
            get_string(rd, c, at, "workload", REQUIRED, &e->workload) != 0)
            return -1;
    }
    return 0;
}

static int read_header(const struct reader *rd, const json_t *root)
{
    struct sl_run *run = rd->run;
    return get_text(rd, root, "", "run_id", REQUIRED, run->run_id, sizeof run->run_id) != 0 ||
                   get_text(rd, root, "", "started", REQUIRED, run->started,
                            sizeof run->started) != 0 ||
                   get_text(rd, root, "", "finished", REQUIRED | NULLABLE, run->finished,
                            sizeof run->finished) != 0 ||
                   get_bool(rd, root, "", "complete", &run->complete) != 0 ||
                   get_string(rd, root, "", "command", REQUIRED, &run->command) != 0
               ? -1
               : 0;
}

/* What the run held in memory only and the record implies: the counter
 * plan (every result of a run with --counters has its events, in the plan's
 * order) and the simulated caches' geometry, which the CSV table's columns
 * follow. */
static void recover_plan(struct sl_run *run)
{
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        if (run->n_counter_plan == 0 && r->n_counters > 0) {
            run->n_counter_plan = r->n_counters;
            for (int e = 0; e < r->n_counters; e++)
                run->counter_plan[e] = r->counters[e].event;
        }
        if (!run->sim && r->simulated) {
            run->sim = true;
            run->sim_i1 = r->sim.i1;
            run->sim_d1 = r->sim.d1;
            run->sim_ll = r->sim.ll;
        }
    }
}

static int read_record(const struct reader *rd, const json_t *root)
{
    const json_t *results;
    if (read_header(rd, root) != 0 || read_machine(rd, root) != 0 || read_build(rd, root) != 0 ||
        read_environment(rd, root) != 0 || read_config(rd, root) != 0 ||
        read_problems(rd, root) != 0 ||
        get_array(rd, root, "", "results", SIZE_MAX, &results) != 0)
        return -1;
    for (size_t i = 0; i < json_array_size(results); i++)
        if (read_result(rd, json_array_get(results, i), i) != 0)
            return -1;
    recover_plan(rd->run);
    return read_claims(rd, root);
}

/* A version 2 record's nulls with their reasons (`unavailable`, SCHEMA.md)
 * as version 1 wrote them, "unavailable (reason)", which the readers above
 * take: one reader for both versions.  `where` names the object. */
static int unavailable_to_text(const struct reader *rd, json_t *v, const char *where)
{
    char at[256];
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            snprintf(at, sizeof at, "%s[%zu]", where, i);
            if (unavailable_to_text(rd, item, at) != 0)
                return -1;
        }
        return 0;
    }
    if (!json_is_object(v))
        return 0;
    const char *key;
    json_t *member;
    json_object_foreach(v, key, member)
    {
        snprintf(at, sizeof at, "%s%s%s", where, where[0] ? "." : "", key);
        if (strcmp(key, "unavailable") != 0 && unavailable_to_text(rd, member, at) != 0)
            return -1;
    }
    json_t *why = json_object_get(v, "unavailable");
    if (!why)
        return 0;
    if (!json_is_object(why))
        return wrong_type(rd, where, "unavailable", why, "an object");
    snprintf(at, sizeof at, "%s%sunavailable", where, where[0] ? "." : "");
    json_object_foreach(why, key, member)
    {
        json_t *field = json_object_get(v, key);
        if (!json_is_string(member))
            return wrong_type(rd, at, key, member, "a string (the reason)");
        json_t *marker =
            json_sprintf("%s%s)", RECORD_UNAVAILABLE_PREFIX, json_string_value(member));
        bool used = false;
        if (json_is_null(field)) {
            json_object_set(v, key, marker);
            used = true;
        }
        for (size_t i = 0; json_is_array(field) && i < json_array_size(field); i++)
            if (json_is_null(json_array_get(field, i))) {
                json_array_set(field, i, marker);
                used = true;
            }
        json_decref(marker);
        if (!used)
            return bad(rd, at, key, "names no null field here");
    }
    json_object_del(v, "unavailable");
    return 0;
}

/* The schema version of a record this program reads, into *version: 0; -2
 * for another speedlab document; -1 for anything else. */
static int check_schema(const char *path, const json_t *root, json_int_t *version_out)
{
    const char *schema = json_string_value(json_object_get(root, "schema"));
    if (!schema || strcmp(schema, "speedlab-record") != 0) {
        /* Other speedlab documents (a claims summary) live beside records. */
        if (schema && strncmp(schema, "speedlab-", 9) == 0) {
            sl_fail("%s: a %.60s, not a speedlab record", path, schema);
            return -2;
        }
        return sl_fail("%s: not a speedlab record (no \"schema\": \"speedlab-record\")", path);
    }
    const json_t *version = json_object_get(root, "schema_version");
    if (!json_is_integer(version))
        return sl_fail("%s: schema_version must be an integer, not %s", path,
                       !version               ? "missing"
                       : json_is_real(version) ? "a real number"
                                               : type_name(version));
    *version_out = json_integer_value(version);
    if (*version_out < RECORD_OLDEST_SCHEMA_VERSION || *version_out > RECORD_SCHEMA_VERSION)
        return sl_fail("%s: record schema_version %lld is not supported (this speedlab reads "
                       "versions %d to %d)",
                       path, (long long)*version_out, RECORD_OLDEST_SCHEMA_VERSION,
                       RECORD_SCHEMA_VERSION);
    return 0;
}

/* The document, read only from a regular file: a FIFO or device given as a
 * record is refused at once instead of blocking (kit/files.h). */
static json_t *load_json(const char *path)
{
    FILE *fp = util_fopen_input(path);
    if (!fp)
        return NULL;
    json_error_t err;
    json_t *root = json_loadf(fp, JSON_REJECT_DUPLICATES, &err);
    bool read_failed = ferror(fp);
    fclose(fp);
    if (root)
        return root;
    if (read_failed)
        sl_fail("%s: cannot read it", path);
    else if (err.line < 0) /* jansson could not read it */
        sl_fail("%s: %s", path, err.text);
    else if (strstr(err.text, "premature end of input") || strstr(err.text, "near end of file"))
        sl_fail("%s: truncated JSON (ends at line %d): not a complete record", path, err.line);
    else
        sl_fail("%s: not JSON (line %d: %s)", path, err.line, err.text);
    return NULL;
}

int record_load_run(const char *path, struct sl_run *run)
{
    sl_run_init(run);
    json_t *root = load_json(path);
    if (!root)
        return -1;
    struct reader rd = {.path = path, .run = run};
    json_int_t version = 0;
    int rc = check_schema(path, root, &version);
    if (rc == 0 && version >= 2)
        rc = unavailable_to_text(&rd, root, "");
    if (rc == 0)
        rc = read_record(&rd, root);
    json_decref(root);
    if (rc == 0)
        sl_run_derive(run);
    return rc;
}
