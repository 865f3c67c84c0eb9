#include "results/record.h"

#include "measure/envcheck.h"
#include "kit/blas.h"
#include "kit/ranks.h"

#include "build_info.h"
#include "kit/util.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A measured number, or the string "unavailable (reason)": never a 0 or a
 * NaN standing in for a value that was not measured. */
static json_t *number_or(double v, const char *reason)
{
    if (isfinite(v))
        return json_real(v);
    char text[320];
    snprintf(text, sizeof text, "unavailable (%.300s)", reason);
    return json_string(text);
}

json_t *record_machine_json(const struct machine *m)
{
    json_t *caches = json_array();
    for (int i = 0; i < m->n_caches; i++) {
        const struct machine_cache *c = &m->caches[i];
        json_array_append_new(caches, json_pack("{s:i, s:s, s:I, s:i, s:i, s:i, s:i}", "level",
                                                c->level, "type", c->type, "size_bytes",
                                                (json_int_t)c->size, "line_bytes", (int)c->line,
                                                "ways", (int)c->ways, "instances", c->instances,
                                                "cpus_per_instance", c->pus_per_instance));
    }
    char basis32[300], basis64[300];
    double peak32 = machine_peak_gflops(m, false, basis32, sizeof basis32);
    double peak64 = machine_peak_gflops(m, true, basis64, sizeof basis64);
    json_t *peak = json_pack("{s:o, s:o, s:s}", "gflops_fp32", number_or(peak32, "clock unknown"),
                             "gflops_fp64", number_or(peak64, "clock unknown"), "basis", basis32);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:{s:s, s:i, s:i}, "
                     "s:o, s:f, s:o}",
                     "hostname", m->hostname, "cpu_model", m->cpu_model, "cpu_vendor",
                     m->cpu_vendor, "isa", m->isa, "os", m->os, "topology", "packages",
                     m->packages, "numa_nodes", m->numa_nodes, "cores", m->cores_total, "cpus",
                     m->pus_total, "allowed", "cpus", m->allowed_list, "count", m->pus_allowed,
                     "cores", m->cores_allowed, "caches", caches, "memory_gib", m->memory_gib,
                     "peak", peak);
}

json_t *record_build_json(void)
{
    char blas[512];
    blas_config(blas, sizeof blas);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "compiler", "gcc " __VERSION__,
                     "flags", SL_BUILD_FLAGS, "build_type", SL_BUILD_TYPE, "sanitizers",
                     SL_BUILD_SANITIZE[0] ? SL_BUILD_SANITIZE : "none", "commit", SL_BUILD_COMMIT,
                     "openmp", _OPENMP, "blas", blas);
}

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

static json_t *environment_json(const struct run_state *st)
{
    static const char *const vars[] = {"OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES",
                                       "OMP_SCHEDULE",    "OMP_WAIT_POLICY", "GOMP_SPINCOUNT",
                                       "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
                                       "SPEEDLAB_SET_OPENBLAS_CORETYPE"};
    json_t *env = json_object();
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        json_object_set_new(env, vars[i], v ? json_string(v) : json_null());
    }
    json_t *out = json_pack("{s:o, s:f, s:s}", "variables", env, "timer_resolution_s",
                            util_clock_resolution(), "timer", "clock_gettime(CLOCK_MONOTONIC)");
    if (out && st->env)
        json_object_set_new(out, "checks", envcheck_json(st->env));
    return out;
}

/* --output as given and as an absolute path, so a plot made later from
 * another folder still finds the file. */
static json_t *output_json(const char *path)
{
    if (!path)
        return json_null();
    char cwd[4096], absolute[8192];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        snprintf(absolute, sizeof absolute, "%s", path);
    else
        snprintf(absolute, sizeof absolute, "%s/%s", cwd, path);
    return json_pack("{s:o, s:o}", "path", text(path), "absolute", text(absolute));
}

static json_t *config_json(const struct run_options *o)
{
    json_t *variants = json_array(), *schedules = json_array(), *threads = json_array(),
           *sizes = json_array();
    for (int i = 0; i < o->n_variants; i++)
        json_array_append_new(variants, json_string(o->variants[i]->name));
    for (int i = 0; i < o->n_schedules; i++)
        json_array_append_new(schedules, json_string(sl_schedule_name(o->schedules[i])));
    for (int i = 0; i < o->n_threads; i++)
        json_array_append_new(threads, json_integer(o->threads[i]));
    for (int i = 0; i < o->n_sizes; i++)
        json_array_append_new(sizes, text(o->input_path ? o->input_path : o->sizes[i]));
    json_t *config = json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:s, s:i, s:i, s:i, s:f, s:s, s:b}",
                     "kernel", o->workload->name, "variants", variants, "schedules", schedules,
                     "threads", threads, "sizes", sizes, "seed", (json_int_t)o->seed, "input",
                     o->input_path ? text(o->input_path) : json_null(), "output",
                     output_json(o->output_path), "validate", o->validate, "warmup", o->warmup, "min_reps",
                     o->min_reps, "max_reps", o->max_reps, "budget_s", o->budget_s, "pin",
                     pin_policy_name(o->pin.policy), "oversubscribe", o->pin.oversubscribe);
    if (o->option_facts.section) {
        const struct sl_option_facts *f = &o->option_facts;
        json_t *section = json_object();
        for (int i = 0; i < f->n; i++)
            json_object_set_new(section, f->facts[i].key,
                                f->facts[i].text                ? text(f->facts[i].text)
                                : isfinite(f->facts[i].number) ? json_real(f->facts[i].number)
                                                                : json_null());
        json_object_set_new(config, f->section, section);
    }
    char host[256];
    ranks_host(host, sizeof host);
    json_object_set_new(config, "mpi",
                        json_pack("{s:i, s:s, s:s}", "ranks", ranks_count(), "library",
                                  ranks_library(), "rank0_host", host));
    return config;
}

static json_t *problems_json(const struct run_state *st)
{
    json_t *list = json_array();
    for (size_t i = 0; i < st->n_problems; i++) {
        const struct sl_problem_info *info = &st->problems[i];
        json_t *params = json_object();
        for (int k = 0; k < info->n_params; k++)
            json_object_set_new(params, info->params[k].key, json_real(info->params[k].value));
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o}", "kernel",
                                              st->opt->workload->name, "size", info->size,
                                              "source", info->source, "parameters", params));
    }
    return list;
}

static json_t *interval_or(bool available, double lo, double hi, const char *reason)
{
    if (available && isfinite(lo) && isfinite(hi))
        return json_pack("[f, f]", lo, hi);
    return number_or(NAN, reason);
}

static json_t *counters_json(const struct ctr_plan *plan, const struct run_result *r)
{
    json_t *events = json_array();
    for (int e = 0; e < plan->n_events; e++) {
        const struct result_counter *c = &r->counters[e];
        const char *reason = c->reason[0] ? c->reason : "not counted";
        json_t *o = json_pack("{s:s, s:s}", "name", plan->events[e].name, "status",
                              ctr_state_name(c->state));
        bool counted = c->state != CTR_UNAVAILABLE && c->per_worker;
        json_object_set_new(o, "reason", counted ? json_null() : text(reason));
        json_object_set_new(o, "per_execution", number_or(counted ? c->total : NAN, reason));
        json_object_set_new(o, "per_unit",
                            number_or(counted ? c->total / r->work.units : NAN, reason));
        json_t *workers = json_array();
        for (int w = 0; counted && w < r->threads; w++)
            json_array_append_new(workers, json_real(c->per_worker[w]));
        json_object_set_new(o, "per_worker", counted ? workers : (json_decref(workers), number_or(NAN, reason)));
        json_array_append_new(events, o);
    }
    return json_pack("{s:s, s:s, s:o}", "backend", "papi", "scope",
                     "per worker thread, around the kernel region only; mean per timed execution",
                     "events", events);
}

static json_t *sim_cache_json(const struct sim_cache *c)
{
    return json_pack("{s:I, s:i, s:i, s:o}", "size_bytes", (json_int_t)c->size, "ways",
                     (int)c->ways, "line_bytes", (int)c->line, "note",
                     c->note[0] ? text(c->note) : json_null());
}

static json_t *sim_json(const struct run_result *r)
{
    const struct sim_result *s = &r->sim;
    json_t *o = json_pack("{s:s, s:{s:o, s:o, s:o}}", "backend",
                          "valgrind callgrind --cache-sim=yes, collection on around one kernel "
                          "execution after an uncounted one",
                          "geometry", "I1", sim_cache_json(&s->i1), "D1", sim_cache_json(&s->d1),
                          "LL", sim_cache_json(&s->ll));
    const char *reason = s->available ? "" : s->reason;
    double u = r->work.units;
    json_object_set_new(o, "status", json_string(s->available ? "ok" : "unavailable"));
    json_object_set_new(o, "reason", s->available ? json_null() : text(reason));
    json_object_set_new(o, "instructions", number_or(s->available ? s->instructions : NAN, reason));
    json_object_set_new(o, "data_refs", number_or(s->available ? s->data_refs : NAN, reason));
    json_object_set_new(o, "d1_misses", number_or(s->available ? s->d1_misses : NAN, reason));
    json_object_set_new(o, "ll_misses", number_or(s->available ? s->ll_misses : NAN, reason));
    json_object_set_new(o, "per_unit",
                        json_pack("{s:o, s:o, s:o}", "instructions",
                                  number_or(s->available ? s->instructions / u : NAN, reason),
                                  "d1_misses", number_or(s->available ? s->d1_misses / u : NAN, reason),
                                  "ll_misses", number_or(s->available ? s->ll_misses / u : NAN, reason)));
    return o;
}

static json_t *result_json(const struct run_state *st, const struct run_result *r)
{
    const struct sl_variant *v = r->variant;
    char name[200];
    snprintf(name, sizeof name, "%s/%s/%s/t%d", st->opt->workload->name, v->name,
             sl_schedule_name(r->schedule), r->threads);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "name", name,
                          "kernel", st->opt->workload->name, "variant", v->name, "layout",
                          sl_axis(v->axes.layout), "loops", sl_axis(v->axes.loops), "isa",
                          sl_axis(v->axes.isa), "algorithm", sl_axis(v->axes.algorithm), "schedule",
                          sl_schedule_name(r->schedule), "threads", r->threads, "size", r->size,
                          "status", result_status_name(r->status));
    json_object_set_new(o, "reason", r->reason[0] ? text(r->reason) : json_null());
    json_object_set_new(o, "known_defect", v->known_defect ? text(v->known_defect) : json_null());
    if (r->status == RESULT_SKIPPED || (r->status == RESULT_ERROR && r->reps == 0)) {
        json_object_set_new(o, "valid", json_null());
        return o;
    }
    const char *few = "fewer than 6 repetitions";
    json_t *times = json_array();
    for (size_t i = 0; i < r->reps; i++)
        json_array_append_new(times, json_real(r->times_s[i]));
    json_object_set_new(o, "warmup", json_integer(r->warmup));
    json_object_set_new(o, "reps", json_integer((json_int_t)r->reps));
    json_object_set_new(o, "times_s", times);
    json_object_set_new(o, "min_s", number_or(r->stats.min, "no repetitions"));
    json_object_set_new(o, "median_s", number_or(r->stats.median, "no repetitions"));
    json_object_set_new(o, "mean_s", number_or(r->stats.mean, "no repetitions"));
    json_object_set_new(o, "stddev_s", number_or(r->stats.stddev, "needs 2 repetitions"));
    json_object_set_new(o, "cv", number_or(r->stats.cv, "needs 2 repetitions"));
    json_object_set_new(o, "ci95_s",
                        interval_or(r->stats.ci_available, r->stats.ci_lo, r->stats.ci_hi, few));
    json_object_set_new(o, "ci95_coverage", number_or(r->stats.ci_level, few));

    const char *why = r->speedup_available ? "its interval needs 7 repetitions of both runs"
                                           : r->speedup_reason + strlen("unavailable (");
    char reason[120];
    snprintf(reason, sizeof reason, "%.*s", (int)strcspn(why, ")"), why);
    double speedup = r->speedup_available ? r->speedup : NAN;
    json_object_set_new(o, "speedup", number_or(speedup, reason));
    json_object_set_new(o, "speedup_ci95",
                        interval_or(true, r->speedup_lo, r->speedup_hi, reason));
    json_object_set_new(o, "efficiency", number_or(speedup / r->threads, reason));
    json_object_set_new(o, "efficiency_ci95",
                        interval_or(true, r->speedup_lo / r->threads, r->speedup_hi / r->threads,
                                    reason));
    json_object_set_new(o, "imbalance", number_or(r->imbalance, "no busy times"));

    json_t *cpus = json_array(), *busy = json_array();
    for (int t = 0; t < r->threads; t++) {
        json_t *c = json_pack("{s:i, s:i, s:s}", "worker", t, "cpu", r->cpus[t], "target",
                              r->bound_to[t]);
        if (r->bind_errno[t])
            json_object_set_new(c, "pinned", json_sprintf("no (%s)", strerror(r->bind_errno[t])));
        else
            json_object_set_new(c, "pinned", json_string(r->pin == PIN_NONE ? "no (--pin none)" : "yes"));
        json_array_append_new(cpus, c);
        json_array_append_new(busy, number_or(r->busy_s[t], "worker did not report"));
    }
    json_object_set_new(o, "cpus", cpus);
    json_object_set_new(o, "busy_s", busy);
    json_object_set_new(o, "placement_verified", json_boolean(r->placement_verified));
    json_object_set_new(o, "pin", json_string(pin_policy_name(r->pin)));
    json_object_set_new(o, "oversubscribed", json_boolean(r->oversubscribed));

    double t = r->stats.median;
    json_object_set_new(o, "work", json_pack("{s:s, s:f, s:f, s:f}", "unit",
                                             st->opt->workload->unit, "units", r->work.units,
                                             "flops", r->work.flops, "bytes", r->work.bytes));
    json_object_set_new(o, "units_per_s", number_or(r->work.units / t, "no repetitions"));
    json_object_set_new(o, "gflops", number_or(r->work.flops / t / 1e9, "no repetitions"));
    json_object_set_new(o, "gbytes_per_s", number_or(r->work.bytes / t / 1e9, "no repetitions"));
    char merit[32];
    json_object_set_new(o, "figure_of_merit",
                        json_pack("{s:s, s:o}", "unit",
                                  sl_merit_label(st->opt->workload, merit, sizeof merit), "value",
                                  number_or(sl_merit_value(st->opt->workload, &r->work, t),
                                            "no repetitions")));

    if (st->opt->counters.n_events > 0)
        json_object_set_new(o, "counters", counters_json(&st->opt->counters, r));
    if (r->simulated)
        json_object_set_new(o, "simulated_cache", sim_json(r));
    if (r->validated) {
        const struct sl_validation *val = &r->validation;
        json_object_set_new(o, "valid", json_boolean(val->valid));
        json_object_set_new(o, "invalid_expected",
                            json_boolean(!val->valid && v->known_defect != NULL));
        json_object_set_new(o, "max_error", number_or(val->max_abs_error, "output not written"));
        json_object_set_new(
            o, "validation",
            json_pack("{s:s, s:f, s:f, s:f, s:o, s:o, s:f, s:f, s:s}", "method", val->method,
                      "checked", val->checked, "total", val->total, "failures", val->failures,
                      "max_abs_error", number_or(val->max_abs_error, "output not written"),
                      "max_rel_error", number_or(val->max_rel_error, "output not written"),
                      "tolerance_abs", val->tolerance_abs, "tolerance_rel", val->tolerance_rel,
                      "detail", val->detail));
    } else {
        json_object_set_new(o, "valid", json_null());
        json_object_set_new(o, "max_error", number_or(NAN, "not validated"));
    }
    if (r->facts.n_params) {
        json_t *facts = json_object();
        for (int k = 0; k < r->facts.n_params; k++)
            json_object_set_new(facts, r->facts.params[k].key,
                                json_real(r->facts.params[k].value));
        json_object_set_new(o, "output", facts);
    }
    json_t *memory = json_object();
    json_object_set_new(memory, "peak_rss_bytes",
                        number_or(r->peak_rss, r->peak_rss_reason[0] ? r->peak_rss_reason
                                                                     : "not measured"));
    json_object_set_new(memory, "method",
                        json_string("VmHWM of /proc/self/status, reset through "
                                    "/proc/self/clear_refs before the measurement"));
    double budget = sl_option_facts_number(&st->opt->option_facts, SL_FACT_MEMORY_BUDGET);
    if (isfinite(budget))
        json_object_set_new(memory, "budget_bytes", json_real(budget));
    json_object_set_new(o, "memory", memory);
    if (r->ranks > 1) {
        json_t *rank_times = json_array(), *peaks = json_array();
        for (int k = 0; k < r->ranks; k++) {
            json_array_append_new(rank_times, number_or(r->rank_times_s ? r->rank_times_s[k] : NAN,
                                                   "no repetitions"));
            json_array_append_new(peaks, number_or(r->rank_peak_rss ? r->rank_peak_rss[k] : NAN,
                                                   "unreadable on that rank"));
        }
        json_object_set_new(
            o, "ranks",
            json_pack("{s:i, s:o, s:o, s:o, s:s}", "count", r->ranks, "median_s", rank_times,
                      "imbalance", number_or(r->rank_imbalance, "no repetitions"),
                      "peak_rss_bytes", peaks, "note",
                      "times_s are the slowest rank's per repetition (ranks start together); "
                      "median_s is each rank's own busy time (its wall time less its waits in "
                      "collectives); imbalance is the median over repetitions of the largest "
                      "busy time over the mean"));
    }
    return o;
}

static int write_json(const struct run_state *st)
{
    json_t *results = json_array();
    for (size_t i = 0; i < st->n_results; i++)
        json_array_append_new(results, result_json(st, &st->results[i]));
    json_t *doc = json_pack(
        "{s:s, s:i, s:s, s:s, s:s?, s:b, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "schema",
        "speedlab-record", "schema_version", RECORD_SCHEMA_VERSION, "run_id", st->run_id,
        "started", st->started, "finished", st->finished[0] ? st->finished : NULL, "complete",
        st->complete, "command", st->opt->command, "machine", record_machine_json(st->machine),
        "build", record_build_json(), "environment", environment_json(st), "config",
        config_json(st->opt), "problems", problems_json(st), "results", results);
    if (!doc)
        return sl_fail("cannot build the JSON record");
    struct util_atomic_file f;
    int rc = util_atomic_open(&f, st->opt->record_path);
    if (rc == 0) {
        if (json_dumpf(doc, f.fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0 ||
            fputc('\n', f.fp) == EOF) {
            util_atomic_abort(&f);
            rc = sl_fail("cannot write '%s'", st->opt->record_path);
        } else {
            rc = util_atomic_commit(&f);
        }
    }
    json_decref(doc);
    return rc;
}

/* CSV: a number, or a quoted "unavailable (reason)" that gnuplot skips. */
static void csv_number(FILE *fp, double v, const char *reason)
{
    if (isfinite(v)) {
        fprintf(fp, ",%.9g", v);
        return;
    }
    fputs(",\"unavailable (", fp);
    for (const char *c = reason; *c; c++)
        fputc(*c == '"' ? '\'' : *c, fp);
    fputs(")\"", fp);
}

static int write_csv(const struct run_state *st)
{
    struct util_atomic_file f;
    if (util_atomic_open(&f, st->opt->csv_path) != 0)
        return -1;
    FILE *fp = f.fp;
    fprintf(fp, "kernel,variant,layout,loops,isa,algorithm,schedule,threads,size,status,reps,"
                "min_s,median_s,mean_s,stddev_s,cv,ci95_lo_s,ci95_hi_s,speedup,speedup_lo,"
                "speedup_hi,efficiency,imbalance,units_per_s,gflops,gbytes_per_s,merit,"
                "merit_unit,valid,max_error");
    const struct ctr_plan *plan = &st->opt->counters;
    for (int e = 0; e < plan->n_events; e++)
        fprintf(fp, ",%s_per_unit", plan->events[e].name);
    if (plan->sim)
        fprintf(fp, ",sim_instructions_per_unit,sim_d1_misses_per_unit,sim_ll_misses_per_unit");
    fprintf(fp, ",reason\n");
    for (size_t i = 0; i < st->n_results; i++) {
        const struct run_result *r = &st->results[i];
        const struct sl_variant *v = r->variant;
        fprintf(fp, "%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%zu", st->opt->workload->name, v->name,
                sl_axis(v->axes.layout), sl_axis(v->axes.loops), sl_axis(v->axes.isa),
                sl_axis(v->axes.algorithm),
                sl_schedule_name(r->schedule), r->threads, r->size, result_status_name(r->status),
                r->reps);
        bool ran = r->reps > 0;
        const char *none = ran ? "fewer than 6 repetitions" : "not measured";
        const char *not_run = ran ? "needs 2 repetitions" : "not measured";
        csv_number(fp, ran ? r->stats.min : NAN, "not measured");
        csv_number(fp, ran ? r->stats.median : NAN, "not measured");
        csv_number(fp, ran ? r->stats.mean : NAN, "not measured");
        csv_number(fp, ran ? r->stats.stddev : NAN, not_run);
        csv_number(fp, ran ? r->stats.cv : NAN, not_run);
        csv_number(fp, r->stats.ci_available ? r->stats.ci_lo : NAN, none);
        csv_number(fp, r->stats.ci_available ? r->stats.ci_hi : NAN, none);
        char sr[96];
        if (r->speedup_available)
            snprintf(sr, sizeof sr, "fewer than 7 repetitions");
        else /* "unavailable (why)" -> "why" */
            snprintf(sr, sizeof sr, "%.*s", (int)strcspn(r->speedup_reason + 13, ")"),
                     r->speedup_reason + 13);
        double speedup = r->speedup_available ? r->speedup : NAN;
        csv_number(fp, speedup, sr);
        csv_number(fp, r->speedup_lo, sr);
        csv_number(fp, r->speedup_hi, sr);
        csv_number(fp, speedup / r->threads, sr);
        csv_number(fp, ran ? r->imbalance : NAN, "not measured");
        double t = ran ? r->stats.median : NAN;
        csv_number(fp, r->work.units / t, "not measured");
        csv_number(fp, r->work.flops / t / 1e9, "not measured");
        csv_number(fp, r->work.bytes / t / 1e9, "not measured");
        char merit[32];
        csv_number(fp, sl_merit_value(st->opt->workload, &r->work, t), "not measured");
        fprintf(fp, ",%s", sl_merit_label(st->opt->workload, merit, sizeof merit));
        if (r->validated)
            fprintf(fp, ",%s", r->validation.valid ? "true" : "false");
        else
            fprintf(fp, ",\"unavailable (not validated)\"");
        csv_number(fp, r->validated ? r->validation.max_abs_error : NAN,
                   r->validated ? "output not written" : "not validated");
        for (int e = 0; e < plan->n_events; e++) {
            const struct result_counter *c = &r->counters[e];
            bool counted = c->state != CTR_UNAVAILABLE && c->per_worker;
            csv_number(fp, counted ? c->total / r->work.units : NAN,
                       c->reason[0] ? c->reason : "not measured");
        }
        if (plan->sim) {
            const char *why = r->simulated ? r->sim.reason : "not measured";
            bool ok = r->simulated && r->sim.available;
            csv_number(fp, ok ? r->sim.instructions / r->work.units : NAN, why);
            csv_number(fp, ok ? r->sim.d1_misses / r->work.units : NAN, why);
            csv_number(fp, ok ? r->sim.ll_misses / r->work.units : NAN, why);
        }
        /* The reason is free text: quote it, doubling embedded quotes. */
        fputs(",\"", fp);
        const char *reason = r->reason[0] ? r->reason
                             : (r->validated && !r->validation.valid) ? r->validation.detail
                                                                      : "";
        for (const char *c = reason; *c; c++) {
            if (*c == '"')
                fputc('"', fp);
            fputc(*c, fp);
        }
        fputs("\"\n", fp);
    }
    if (ferror(fp)) {
        util_atomic_abort(&f);
        return sl_fail("cannot write '%s'", st->opt->csv_path);
    }
    return util_atomic_commit(&f);
}

int record_write(const struct run_state *st)
{
    if (write_json(st) != 0 || write_csv(st) != 0)
        return -1;
    return 0;
}
