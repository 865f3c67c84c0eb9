/* What a run is, for the result model: when, on what machine and build,
 * in which environment, with which options. */
#include "measure/describe.h"

#include "kit/ranks.h"
#include "measure/build.h"
#include "measure/envcheck.h"
#include "measure/simcache.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void run_describe_time(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* config.<section>: the workload's own options as it states them, its
 * strings copied into the run (the options object may go first). */
static int option_facts(const struct run_options *o, struct sl_run *run)
{
    struct sl_option_facts *f = &run->config.options;
    *f = o->option_facts;
    for (int i = 0; i < f->n; i++)
        if (f->facts[i].text && !(f->facts[i].text = sl_run_strdup(run, f->facts[i].text)))
            return -1;
    return 0;
}

/* --output as given and as an absolute path, so a plot made later from
 * another folder still finds the file. */
static const char *absolute_path(struct sl_run *run, const char *path)
{
    char cwd[4096];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return sl_run_strdup(run, path);
    return sl_run_text(run, "%s/%s", cwd, path);
}

static int describe_config(const struct run_options *o, struct sl_run *run)
{
    struct sl_config *c = &run->config;
    c->kernel = o->workload->name;
    c->variants = sl_run_alloc(run, (size_t)o->n_variants + 1, sizeof *c->variants);
    c->schedules = sl_run_alloc(run, (size_t)o->n_schedules + 1, sizeof *c->schedules);
    c->threads = sl_run_alloc(run, (size_t)o->n_threads + 1, sizeof *c->threads);
    c->sizes = sl_run_alloc(run, (size_t)o->n_sizes + 1, sizeof *c->sizes);
    if (!c->variants || !c->schedules || !c->threads || !c->sizes)
        return -1;
    for (int i = 0; i < o->n_variants; i++)
        c->variants[c->n_variants++] = o->variants[i]->name;
    for (int i = 0; i < o->n_schedules; i++)
        c->schedules[c->n_schedules++] = sl_schedule_name(o->schedules[i]);
    for (int i = 0; i < o->n_threads; i++)
        c->threads[c->n_threads++] = o->threads[i];
    for (int i = 0; i < o->n_sizes; i++)
        if (!(c->sizes[c->n_sizes++] = sl_run_strdup(run, o->input_path ? o->input_path
                                                                          : o->sizes[i])))
            return -1;
    c->seed = o->seed;
    c->input = sl_run_strdup(run, o->input_path);
    c->output = sl_run_strdup(run, o->output_path);
    c->output_absolute = o->output_path ? absolute_path(run, o->output_path) : NULL;
    c->validate = o->validate;
    c->warmup = o->warmup;
    c->min_reps = o->min_reps;
    c->max_reps = o->max_reps;
    c->budget_s = o->budget_s;
    c->pin = pin_policy_name(o->pin.policy);
    c->oversubscribe = o->pin.oversubscribe;
    c->interleave_recorded = c->noise_recorded = true;
    c->interleave = o->interleave;
    c->noise_counting = o->noise.on;
    if (option_facts(o, run) != 0)
        return -1;
    char host[256];
    ranks_host(host, sizeof host);
    c->mpi_recorded = true;
    c->mpi_ranks = ranks_count();
    c->mpi_library = ranks_library();
    c->mpi_rank0_host = sl_run_strdup(run, host);
    if ((o->output_path && (!c->output || !c->output_absolute)) || (o->input_path && !c->input) ||
        !c->mpi_rank0_host)
        return -1;
    return 0;
}

int run_describe(const struct run_options *o, const struct machine *m, struct sl_run *run)
{
    run_describe_time(run->started, sizeof run->started);
    run->command = sl_run_strdup(run, o->command);
    run->machine = m->desc;
    build_describe(&run->build);
    run->unit = o->workload->unit;
    run->merit = o->workload->merit;
    run->merit_recorded = true;
    const struct ctr_plan *plan = &o->counters;
    memcpy(run->counter_plan, plan->events, sizeof run->counter_plan);
    run->n_counter_plan = plan->n_events;
    run->sim = plan->sim;
    if (plan->sim)
        sim_geometry(m, &run->sim_i1, &run->sim_d1, &run->sim_ll);
    if (!run->command || envcheck_describe(run) != 0 || build_describe_blas(run) != 0 ||
        describe_config(o, run) != 0)
        return -1;
    return 0;
}

int run_describe_update(struct sl_run *run)
{
    return build_describe_blas(run) != 0 || envcheck_describe_variables(run) != 0 ? -1 : 0;
}

