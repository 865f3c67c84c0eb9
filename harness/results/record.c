#include "results/record.h"

#include "kit/util.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Free text (paths, reasons) as a JSON string even if it is not UTF-8. */
static json_t *text(const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        return json_null();
    util_make_utf8(copy);
    json_t *j = json_string(copy);
    free(copy);
    return j;
}

static json_t *text_or_null(const char *s)
{
    return s ? text(s) : json_null();
}

/* A measured number, or (while the document is built) the marker
 * "unavailable (reason)": never a 0 or a NaN standing in for a value that
 * was not measured.  unavailable_to_null() turns every marker into the
 * record's form before the document leaves this file. */
static json_t *number_or(double v, const char *why)
{
    if (isfinite(v))
        return json_real(v);
    char words[320];
    snprintf(words, sizeof words, "%s%.300s)", RECORD_UNAVAILABLE_PREFIX, why ? why : "");
    return text(words);
}

/* The reason of a marker; NULL for any other value. */
static const char *marker_reason(const json_t *v, size_t *len)
{
    const char *s = json_string_value(v);
    size_t prefix = strlen(RECORD_UNAVAILABLE_PREFIX);
    if (!s || strncmp(s, RECORD_UNAVAILABLE_PREFIX, prefix) != 0 || s[strlen(s) - 1] != ')')
        return NULL;
    *len = strlen(s) - prefix - 1;
    return s + prefix;
}

/* The record's rule for numbers that are not there (SCHEMA.md): the field is
 * null (an array keeps its length, with null entries), and the object that
 * holds it says why in `unavailable`, keyed by the field's name.  Applied to
 * the number-bearing blocks (results, claims, the machine's peak), whose text
 * fields never start like a marker. */
static void unavailable_to_null(json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) unavailable_to_null(item);
        return;
    }
    if (!json_is_object(v))
        return;
    json_t *why = json_object();
    const char *key;
    json_t *member;
    size_t len;
    json_object_foreach(v, key, member)
    {
        const char *reason = marker_reason(member, &len);
        for (size_t i = 0; !reason && json_is_array(member) && i < json_array_size(member); i++)
            reason = marker_reason(json_array_get(member, i), &len);
        if (!reason) {
            unavailable_to_null(member);
            continue;
        }
        json_object_set_new(why, key, json_stringn(reason, len));
        if (!json_is_array(member)) {
            json_object_set_new(v, key, json_null());
            continue;
        }
        for (size_t i = 0; i < json_array_size(member); i++)
            if (json_is_string(json_array_get(member, i)))
                json_array_set_new(member, i, json_null());
    }
    if (json_object_size(why) > 0)
        json_object_set_new(v, "unavailable", why);
    else
        json_decref(why);
}

static json_t *figure_json(struct sl_figure f)
{
    return number_or(f.value, f.why);
}

static json_t *interval_json(struct sl_interval i)
{
    if (isfinite(i.lo) && isfinite(i.hi))
        return json_pack("[f, f]", i.lo, i.hi);
    return number_or(NAN, i.why);
}

static void put(json_t *obj, const char *key, json_t *value)
{
    json_object_set_new(obj, key, value);
}

static json_t *strings_json(const char *const *items, int n)
{
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, text(items[i]));
    return list;
}

/* ---- machine, build, environment, config, problems ------------------------- */

/* A CPUID number, or null when it could not be read. */
static json_t *cpuid_json(int v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

static json_t *identity_json(const struct sl_machine_desc *m)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "cpu_family", cpuid_json(m->cpu_family),
                     "cpu_model", cpuid_json(m->cpu_model_number), "stepping",
                     cpuid_json(m->cpu_stepping), "microarchitecture", text(m->microarchitecture),
                     "microcode", text(m->microcode), "memory_devices", text(m->memory_devices));
}

json_t *record_machine_json(const struct sl_machine_desc *m)
{
    json_t *caches = json_array();
    for (int i = 0; i < m->n_caches; i++) {
        const struct sl_cache_desc *c = &m->caches[i];
        json_array_append_new(caches, json_pack("{s:i, s:o, s:I, s:i, s:i, s:i, s:i}", "level",
                                                c->level, "type", text(c->type), "size_bytes",
                                                (json_int_t)c->size, "line_bytes", (int)c->line,
                                                "ways", (int)c->ways, "instances", c->instances,
                                                "cpus_per_instance", c->pus_per_instance));
    }
    json_t *peak = json_pack("{s:o, s:o}", "gflops_fp32",
                             number_or(m->peak_gflops_fp32, "clock unknown"), "gflops_fp64",
                             number_or(m->peak_gflops_fp64, "clock unknown"));
    unavailable_to_null(peak);
    json_object_set_new(peak, "basis", text(m->peak_basis));
    json_t *machine = json_pack("{s:o, s:o, s:o, s:o, s:o, s:{s:i, s:i, s:i, s:i}, s:{s:o, s:i, s:i}, "
                     "s:o, s:f, s:o}",
                     "hostname", text(m->hostname), "cpu_model", text(m->cpu_model), "cpu_vendor",
                     text(m->cpu_vendor), "isa", text(m->isa), "os", text(m->os), "topology",
                     "packages", m->packages, "numa_nodes", m->numa_nodes, "cores", m->cores_total,
                     "cpus", m->pus_total, "allowed", "cpus", text(m->allowed_list), "count",
                     m->pus_allowed, "cores", m->cores_allowed, "caches", caches, "memory_gib",
                     m->memory_gib, "peak", peak);
    if (m->identity_recorded)
        put(machine, "identity", identity_json(m));
    return machine;
}

json_t *record_build_json(const struct sl_build_desc *b)
{
    json_t *build = json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:o}", "compiler", text(b->compiler),
                              "flags", text(b->flags), "build_type", text(b->build_type),
                              "sanitizers", text(b->sanitizers), "commit", text(b->commit),
                              "openmp", b->openmp, "blas", text(b->blas));
    /* Only a build made to slow itself says so: other records stay as they were. */
    if (build && b->inject_slowdown_pct > 0)
        put(build, "inject_slowdown_pct", json_integer(b->inject_slowdown_pct));
    return build;
}

static json_t *environment_json(const struct sl_environment *env)
{
    json_t *vars = json_object();
    for (int i = 0; i < env->n_variables; i++)
        put(vars, env->variables[i].name, text_or_null(env->variables[i].value));
    json_t *out = json_pack("{s:o, s:f, s:o}", "variables", vars, "timer_resolution_s",
                            env->timer_resolution_s, "timer", text(env->timer));
    if (!out || !env->checked)
        return out;
    json_t *checks = json_object();
    for (int i = 0; i < env->n_checks; i++) {
        const struct sl_env_check *c = &env->checks[i];
        json_t *entry = json_pack("{s:o, s:o}", "value", text(c->value), "warning",
                                  c->warning[0] ? text(c->warning) : json_null());
        if (c->probe) {
            put(entry, "cv", json_real(c->cv));
            put(entry, "loops", json_integer(c->loops));
            put(entry, "loop_s", json_real(c->loop_s));
            put(entry, "limit", json_real(c->limit));
            put(entry, "forced", json_boolean(c->forced));
        }
        put(checks, c->name, entry);
    }
    put(out, "checks", checks);
    return out;
}

/* config.<section>: the workload's own options. */
static json_t *option_facts_json(const struct sl_option_facts *f)
{
    json_t *o = json_object();
    for (int i = 0; i < f->n; i++)
        put(o, f->facts[i].key,
            f->facts[i].text               ? text(f->facts[i].text)
            : isfinite(f->facts[i].number) ? json_real(f->facts[i].number)
                                           : json_null());
    return o;
}

static json_t *config_json(const struct sl_config *c)
{
    json_t *threads = json_array();
    for (int i = 0; i < c->n_threads; i++)
        json_array_append_new(threads, json_integer(c->threads[i]));
    json_t *output = c->output ? json_pack("{s:o, s:o}", "path", text(c->output), "absolute",
                                           text(c->output_absolute))
                               : json_null();
    json_t *config = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:i, s:i, s:i, s:f, s:o, s:b}", "kernel",
        text(c->kernel), "variants", strings_json(c->variants, c->n_variants), "schedules",
        strings_json(c->schedules, c->n_schedules), "threads", threads, "sizes",
        strings_json(c->sizes, c->n_sizes), "seed", (json_int_t)c->seed, "input",
        text_or_null(c->input), "output", output, "validate", text(c->validate), "warmup",
        c->warmup, "min_reps", c->min_reps, "max_reps", c->max_reps, "budget_s", c->budget_s,
        "pin", text(c->pin), "oversubscribe", c->oversubscribe);
    if (!config)
        return NULL;
    if (c->interleave_recorded)
        put(config, "interleave", json_boolean(c->interleave));
    if (c->noise_recorded)
        put(config, "noise", json_string(c->noise_counting ? "on" : "off"));
    if (c->options.section)
        put(config, c->options.section, option_facts_json(&c->options));
    if (c->mpi_recorded)
        put(config, "mpi",
            json_pack("{s:i, s:o, s:o}", "ranks", c->mpi_ranks, "library",
                      text(c->mpi_library), "rank0_host", text(c->mpi_rank0_host)));
    return config;
}

static json_t *params_json(const struct sl_problem_info *info)
{
    json_t *params = json_object();
    for (int k = 0; k < info->n_params; k++)
        put(params, info->params[k].key, json_real(info->params[k].value));
    return params;
}

static json_t *problems_json(const struct sl_run *run)
{
    json_t *list = json_array();
    for (size_t i = 0; i < run->n_problems; i++) {
        const struct sl_problem_info *info = &run->problems[i];
        json_array_append_new(list, json_pack("{s:o, s:o, s:o, s:o}", "kernel",
                                              text(run->config.kernel), "size", text(info->size),
                                              "source", text(info->source), "parameters",
                                              params_json(info)));
    }
    return list;
}

/* ---- one result --------------------------------------------------------------- */

static void timing_json(json_t *o, const struct sl_result *r)
{
    const struct sl_derived *d = &r->d;
    json_t *times = json_array();
    for (size_t i = 0; i < r->reps; i++)
        json_array_append_new(times, json_real(r->times_s[i]));
    put(o, "warmup", json_integer(r->warmup));
    put(o, "reps", json_integer((json_int_t)r->reps));
    put(o, "times_s", times);
    if (r->round_positions) {
        json_t *positions = json_array();
        for (size_t i = 0; i < r->reps; i++)
            json_array_append_new(positions, json_integer(r->round_positions[i]));
        put(o, "round_positions", positions);
    }
    put(o, "min_s", figure_json(d->min_s));
    put(o, "median_s", figure_json(d->median_s));
    put(o, "mean_s", figure_json(d->mean_s));
    put(o, "stddev_s", figure_json(d->stddev_s));
    put(o, "cv", figure_json(d->cv));
    put(o, "ci95_s", interval_json(d->ci95_s));
    put(o, "ci95_coverage", figure_json(d->ci95_coverage));
    put(o, "speedup", figure_json(d->speedup));
    put(o, "speedup_ci95", interval_json(d->speedup_ci95));
    put(o, "efficiency", figure_json(d->efficiency));
    put(o, "efficiency_ci95", interval_json(d->efficiency_ci95));
    put(o, "imbalance", number_or(r->imbalance, "no busy times"));
}

static void placement_json(json_t *o, const struct sl_result *r)
{
    json_t *cpus = json_array(), *busy = json_array();
    for (int t = 0; t < r->threads; t++) {
        const struct sl_worker *w = &r->workers[t];
        json_array_append_new(cpus, json_pack("{s:i, s:i, s:o, s:o}", "worker", t, "cpu", w->cpu,
                                              "target", text(w->target), "pinned",
                                              text(w->pinned)));
        json_array_append_new(busy, number_or(w->busy_s, "worker did not report"));
    }
    put(o, "cpus", cpus);
    put(o, "busy_s", busy);
    put(o, "placement_verified", json_boolean(r->placement_verified));
    put(o, "pin", text(r->pin));
    put(o, "oversubscribed", json_boolean(r->oversubscribed));
}

/* A count, or "unavailable (why)". */
static json_t *count_json(double v, const char *why)
{
    return isfinite(v) ? json_integer((json_int_t)v) : number_or(NAN, why);
}

/* Per worker, a column over the repetitions of one of its samples' fields. */
static json_t *worker_column(const struct sl_result *r, int w, size_t offset, bool count,
                             const char *why)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->reps; i++) {
        const struct sl_noise_sample *s = &r->noise.samples[i * (size_t)r->threads + (size_t)w];
        double v = *(const double *)((const char *)s + offset);
        if (!isfinite(v) && count) {
            json_decref(list);
            return number_or(NAN, why);
        }
        json_array_append_new(list, count ? json_integer((json_int_t)v) : json_real(v));
    }
    return list;
}

static json_t *noise_workers_json(const struct sl_result *r)
{
    const char *mig_why = r->noise.migrations_why;
    json_t *workers = json_array();
    for (int w = 0; w < r->threads; w++)
        json_array_append_new(
            workers,
            json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "worker", w, "busy_s",
                      worker_column(r, w, offsetof(struct sl_noise_sample, busy_s), false, NULL),
                      "start_delay_s",
                      worker_column(r, w, offsetof(struct sl_noise_sample, start_delay_s), false,
                                    NULL),
                      "task_clock_s",
                      worker_column(r, w, offsetof(struct sl_noise_sample, task_clock_s), false,
                                    NULL),
                      "context_switches",
                      worker_column(r, w, offsetof(struct sl_noise_sample, context_switches),
                                    true, NULL),
                      "involuntary_switches",
                      worker_column(r, w, offsetof(struct sl_noise_sample, involuntary_switches),
                                    true, NULL),
                      "migrations",
                      worker_column(r, w, offsetof(struct sl_noise_sample, migrations), true,
                                    mig_why),
                      "page_faults",
                      worker_column(r, w, offsetof(struct sl_noise_sample, page_faults), true,
                                    NULL)));
    return workers;
}

static json_t *noise_json(const struct sl_result *r)
{
    const struct sl_noise *n = &r->noise;
    const struct sl_noise_derived *nd = &r->d.noise;
    if (!n->counted)
        return number_or(NAN, n->why);
    json_t *per_rep = json_array();
    for (size_t i = 0; i < r->reps; i++) {
        const struct sl_noise_rep *p = &n->per_rep[i];
        json_array_append_new(
            per_rep,
            json_pack("{s:f, s:o, s:f, s:o, s:o, s:o, s:o, s:b}", "wall_s", p->wall_s, "on_cpu",
                      number_or(p->on_cpu, "no busy time"), "late_start_s", p->late_start_s,
                      "context_switches",
                      count_json(p->context_switches, NULL), "involuntary_switches",
                      count_json(p->involuntary_switches, NULL), "migrations",
                      count_json(p->migrations, n->migrations_why), "page_faults",
                      count_json(p->page_faults, NULL), "disturbed", p->disturbed));
    }
    json_t *steal = n->steal_s.why
                        ? number_or(NAN, n->steal_s.why)
                        : json_pack("{s:f, s:f, s:o}", "seconds", n->steal_s.value, "cpu_seconds",
                                    n->steal_cpu_s, "fraction", figure_json(nd->steal_fraction));
    json_t *quiet = json_pack("{s:I, s:o, s:o, s:o}", "reps", (json_int_t)nd->quiet_reps,
                              "median_s", figure_json(nd->quiet_median_s), "ci95_s",
                              interval_json(nd->quiet_ci95_s), "cv", figure_json(nd->quiet_cv));
    return json_pack("{s:o, s:o, s:I, s:f, s:o, s:o, s:o, s:o, s:o}", "verdict",
                     text(nd->verdict), "source", text(n->source), "disturbed_reps",
                     (json_int_t)nd->disturbed_reps, "on_cpu_threshold", SL_ON_CPU_QUIET,
                     "undisturbed", quiet, "on_cpu_imbalance", figure_json(nd->on_cpu_imbalance),
                     "steal", steal, "per_rep", per_rep, "workers", noise_workers_json(r));
}

static void work_json(json_t *o, const struct sl_run *run, const struct sl_result *r)
{
    const struct sl_derived *d = &r->d;
    put(o, "work", json_pack("{s:o, s:f, s:f, s:f}", "unit", text(run->unit), "units",
                             r->work.units, "flops", r->work.flops, "bytes", r->work.bytes));
    put(o, "units_per_s", figure_json(d->units_per_s));
    put(o, "gflops", figure_json(d->gflops));
    put(o, "gbytes_per_s", figure_json(d->gbytes_per_s));
    if (run->merit_recorded) {
        char label[64];
        put(o, "figure_of_merit",
            json_pack("{s:o, s:o}", "unit",
                      text(sl_merit_label(run->merit, run->unit, label, sizeof label)), "value",
                      figure_json(d->merit)));
    }
}

static json_t *counters_json(const struct sl_result *r)
{
    json_t *events = json_array();
    for (int e = 0; e < r->n_counters; e++) {
        const struct sl_counter_result *c = &r->counters[e];
        const char *why = sl_counter_why(c);
        bool counted = c->event.state != SL_COUNTER_UNAVAILABLE && c->per_worker;
        json_t *o = json_pack("{s:o, s:s}", "name", text(c->event.name), "status",
                              sl_counter_state_name(c->event.state));
        put(o, "reason", counted ? json_null() : text(why));
        put(o, "per_execution", number_or(counted ? c->per_execution : NAN, why));
        put(o, "per_unit", number_or(counted ? c->per_unit : NAN, why));
        json_t *workers = counted ? json_array() : number_or(NAN, why);
        for (int w = 0; counted && w < r->threads; w++)
            json_array_append_new(workers, json_real(c->per_worker[w]));
        put(o, "per_worker", workers);
        json_array_append_new(events, o);
    }
    return json_pack("{s:s, s:s, s:o}", "backend", "papi", "scope",
                     "per worker thread, around the kernel region only; mean per timed execution",
                     "events", events);
}

static json_t *sim_cache_json(const struct sl_sim_cache *c)
{
    return json_pack("{s:I, s:i, s:i, s:o}", "size_bytes", (json_int_t)c->size, "ways",
                     (int)c->ways, "line_bytes", (int)c->line, "note",
                     c->note[0] ? text(c->note) : json_null());
}

static json_t *sim_json(const struct sl_result *r)
{
    const struct sl_sim_result *s = &r->sim;
    json_t *o = json_pack("{s:s, s:{s:o, s:o, s:o}}", "backend",
                          "valgrind callgrind --cache-sim=yes, collection on around one kernel "
                          "execution after an uncounted one",
                          "geometry", "I1", sim_cache_json(&s->i1), "D1", sim_cache_json(&s->d1),
                          "LL", sim_cache_json(&s->ll));
    const char *why = s->available ? "" : s->reason;
    put(o, "status", json_string(s->available ? "ok" : "unavailable"));
    put(o, "reason", s->available ? json_null() : text(why));
    put(o, "instructions", number_or(s->available ? s->instructions : NAN, why));
    put(o, "data_refs", number_or(s->available ? s->data_refs : NAN, why));
    put(o, "d1_misses", number_or(s->available ? s->d1_misses : NAN, why));
    put(o, "ll_misses", number_or(s->available ? s->ll_misses : NAN, why));
    put(o, "per_unit",
        json_pack("{s:o, s:o, s:o}", "instructions",
                  number_or(r->d.sim_instructions_per_unit, why), "d1_misses",
                  number_or(r->d.sim_d1_misses_per_unit, why), "ll_misses",
                  number_or(r->d.sim_ll_misses_per_unit, why)));
    return o;
}

static void validation_json(json_t *o, const struct sl_result *r)
{
    if (!r->validated) {
        put(o, "valid", json_null());
        put(o, "max_error", number_or(NAN, "not validated"));
        return;
    }
    const struct sl_validation *v = &r->validation;
    put(o, "valid", json_boolean(v->valid));
    put(o, "invalid_expected", json_boolean(r->d.invalid_expected));
    put(o, "max_error", number_or(v->max_abs_error, "output not written"));
    put(o, "validation",
        json_pack("{s:o, s:f, s:f, s:f, s:o, s:o, s:f, s:f, s:o}", "method", text(v->method),
                  "checked", v->checked, "total", v->total, "failures", v->failures,
                  "max_abs_error", number_or(v->max_abs_error, "output not written"),
                  "max_rel_error", number_or(v->max_rel_error, "output not written"),
                  "tolerance_abs", v->tolerance_abs, "tolerance_rel", v->tolerance_rel, "detail",
                  text(v->detail)));
}

static void memory_and_ranks_json(json_t *o, const struct sl_result *r)
{
    json_t *memory = json_object();
    put(memory, "peak_rss_bytes", figure_json(r->peak_rss_bytes));
    put(memory, "method",
        json_string("VmHWM of /proc/self/status, reset through /proc/self/clear_refs before "
                    "the measurement"));
    if (r->memory_budget_bytes > 0)
        put(memory, "budget_bytes", json_real(r->memory_budget_bytes));
    put(o, "memory", memory);
    if (r->ranks <= 1)
        return;
    json_t *times = json_array(), *peaks = json_array();
    for (int k = 0; k < r->ranks; k++) {
        json_array_append_new(times, number_or(r->rank_median_s ? r->rank_median_s[k] : NAN,
                                               "no repetitions"));
        json_array_append_new(peaks,
                              number_or(r->rank_peak_rss_bytes ? r->rank_peak_rss_bytes[k] : NAN,
                                        "unreadable on that rank"));
    }
    put(o, "ranks",
        json_pack("{s:i, s:o, s:o, s:o, s:s}", "count", r->ranks, "median_s", times, "imbalance",
                  number_or(r->rank_imbalance, "no repetitions"), "peak_rss_bytes", peaks, "note",
                  "times_s are the slowest rank's per repetition (ranks start together); "
                  "median_s is each rank's own busy time (its wall time less its waits in "
                  "collectives); imbalance is the median over repetitions of the largest "
                  "busy time over the mean"));
}

static json_t *result_json(const struct sl_run *run, const struct sl_result *r)
{
    char name[512];
    sl_result_name(r, name, sizeof name);
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:s}", "name",
                          text(name), "kernel", text(r->kernel), "variant", text(r->variant),
                          "layout", text(r->layout), "loops", text(r->loops), "isa",
                          text(r->isa), "algorithm", text(r->algorithm), "schedule",
                          text(r->schedule), "threads", r->threads, "size", text(r->size),
                          "status", sl_status_name(r->status));
    if (!o)
        return NULL;
    put(o, "reason", text_or_null(r->reason));
    put(o, "known_defect", text_or_null(r->known_defect));
    if (r->status == SL_STATUS_SKIPPED || (r->status == SL_STATUS_ERROR && r->reps == 0)) {
        put(o, "reps", json_integer(0));
        put(o, "valid", json_null());
        return o;
    }
    timing_json(o, r);
    placement_json(o, r);
    if (r->noise.counted || r->noise.why)
        put(o, "noise", noise_json(r));
    work_json(o, run, r);
    if (r->n_counters > 0)
        put(o, "counters", counters_json(r));
    if (r->simulated)
        put(o, "simulated_cache", sim_json(r));
    validation_json(o, r);
    if (r->output.n_params)
        put(o, "output", params_json(&r->output));
    memory_and_ranks_json(o, r);
    return o;
}

/* ---- claims and the document ------------------------------------------------------ */

json_t *record_claim_json(const struct sl_claim_entry *c)
{
    /* The rule for absent numbers on the numbers alone: measured_text may
     * say "unavailable (...)" as text. */
    json_t *numbers = json_pack("{s:o, s:o}", "measured", figure_json(c->measured),
                                "measured_ci95", interval_json(c->measured_ci95));
    unavailable_to_null(numbers);
    json_t *o = json_pack("{s:o, s:o, s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                          text(c->id), "source_figure", text(c->source_figure), "measured",
                          json_object_get(numbers, "measured"), "measured_ci95",
                          json_object_get(numbers, "measured_ci95"), "measured_text",
                          text(c->measured_text), "regime", text_or_null(c->regime), "verdict", text(c->verdict), "reason",
                          text(c->reason), "explanation", text(c->explanation), "workload",
                          text(c->workload));
    json_t *why = json_object_get(numbers, "unavailable");
    if (o && why)
        json_object_set(o, "unavailable", why);
    json_decref(numbers);
    return o;
}

json_t *record_json(const struct sl_run *run)
{
    json_t *results = json_array();
    for (size_t i = 0; i < run->n_results; i++)
        if (json_array_append_new(results, result_json(run, &run->results[i])) != 0) {
            json_decref(results);
            sl_fail("cannot build the JSON record");
            return NULL;
        }
    unavailable_to_null(results);
    json_t *doc = json_pack(
        "{s:s, s:i, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "schema",
        "speedlab-record", "schema_version", RECORD_SCHEMA_VERSION, "run_id", text(run->run_id),
        "started", text(run->started), "finished",
        run->finished[0] ? text(run->finished) : json_null(), "complete", run->complete,
        "command", text(run->command), "machine", record_machine_json(&run->machine), "build",
        record_build_json(&run->build), "environment", environment_json(&run->environment),
        "config", config_json(&run->config), "problems", problems_json(run), "results",
        results);
    if (doc && run->has_claims) {
        json_t *claims = json_array();
        for (size_t i = 0; i < run->n_claims; i++)
            json_array_append_new(claims, record_claim_json(&run->claims[i]));
        put(doc, "claims", claims);
    }
    if (!doc)
        sl_fail("cannot build the JSON record");
    return doc;
}

int record_write(const struct sl_run *run, const char *path)
{
    json_t *doc = record_json(run);
    if (!doc)
        return -1;
    struct util_atomic_file f;
    int rc = util_atomic_open(&f, path);
    if (rc == 0) {
        if (json_dumpf(doc, f.fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
            fputc('\n', f.fp) == EOF) {
            util_atomic_abort(&f);
            rc = sl_fail("cannot write '%s'", path);
        } else {
            rc = util_atomic_commit(&f);
        }
    }
    json_decref(doc);
    return rc;
}
