/* speedlab info: this machine and build, as the records describe them. */
#include "cli/cli.h"
#include "analysis/roofs.h"
#include "kit/blas.h"
#include "kit/ranks.h"
#include "kit/sl.h"
#include "kit/util.h"
#include "measure/build.h"
#include "measure/counters.h"
#include "measure/noise.h"
#include "results/record.h"
#include "results/run_set.h"

#include <dirent.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void print_size(unsigned long long bytes)
{
    if (bytes >= 1024ull * 1024)
        printf("%.4g MiB", (double)bytes / 1048576.0);
    else
        printf("%llu KiB", bytes / 1024);
}

struct info_args {
    bool json;
    const char *ceilings;
};

/* Where `speedlab info` looks for ceilings records of this machine. */
#define CEILINGS_FOLDER "results"
#define CEILINGS_DEPTH 6

static const struct sl_option info_options[] = {
    {.name = "json", .group = "options", .help = "the record's machine and build blocks",
     .kind = SL_OPTION_FLAG, .offset = offsetof(struct info_args, json)},
    {.name = "ceilings", .arg = "FILE", .group = "options",
     .help = "a record of `speedlab run ceilings` whose measured ceilings to show beside the "
             "nominal peaks (default: the latest record of this machine's hardware under "
             "results/)",
     .kind = SL_OPTION_TEXT, .offset = offsetof(struct info_args, ceilings)},
    {0},
};

/* ---- measured ceilings ------------------------------------------------------------ */

/* The latest ceilings record of `me`'s hardware found so far. */
struct ceilings_found {
    const struct sl_run *me;
    struct sl_run run;
    char path[4096];
    bool any;
};

/* Keeps the record at `path` when it is a later ceilings record of this
 * hardware; files that are not records are passed over. */
static void consider(struct ceilings_found *found, const char *path)
{
    struct sl_run run;
    char what[128];
    if (record_load_run(path, &run) == 0 && roofs_is_ceilings(&run) &&
        run_same_hardware(&run, found->me, what, sizeof what) &&
        (!found->any || strcmp(run.started, found->run.started) > 0)) {
        if (found->any)
            sl_run_free(&found->run);
        found->run = run;
        found->any = true;
        snprintf(found->path, sizeof found->path, "%s", path);
        return;
    }
    sl_run_free(&run);
}

/* Every *.json under `dir` (symbolic links not followed), `depth` levels down. */
static void search(struct ceilings_found *found, const char *dir, int depth)
{
    DIR *d = depth > 0 ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        char path[4096];
        struct stat st;
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' ||
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
            lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            search(found, path, depth - 1);
        else if (S_ISREG(st.st_mode) && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)
            consider(found, path);
    }
    if (d)
        closedir(d);
}

static void print_roofs(const struct roofs *t, const struct sl_machine_desc *d)
{
    printf("  %2d thread%s ", t->threads, t->threads == 1 ? " " : "s");
    for (int l = 0; l < ROOF_LEVELS; l++) {
        printf("%s %s ", l ? "," : "", roof_level_name((enum roof_level)l));
        if (isfinite(t->bandwidth[l].value))
            printf("%.3g GB/s", t->bandwidth[l].value);
        else
            printf("unavailable (not measured)");
    }
    const struct roof *peaks[] = {&t->fp32, &t->fp64};
    double nominal[] = {d->peak_gflops_fp32, d->peak_gflops_fp64};
    int cores = d->cores_allowed > 0 ? d->cores_allowed : 1;
    for (int k = 0; k < 2; k++) {
        printf("%s fp%d ", k ? "," : ";", k ? 64 : 32);
        if (!isfinite(peaks[k]->value)) {
            printf("unavailable (not measured)");
            continue;
        }
        printf("%.4g GFLOP/s", peaks[k]->value);
        /* The nominal peak of this many threads' cores. */
        double share = nominal[k] * (t->threads < cores ? t->threads : cores) / cores;
        if (isfinite(share))
            printf(" (%.2f x nominal)", peaks[k]->value / share);
    }
    printf("\n");
}

/* The record named by --ceilings into found (to be freed in every case): 0,
 * or -1 with sl_error() when it is no ceilings record. */
static int load_given(const char *given, struct ceilings_found *found)
{
    int rc = record_load_run(given, &found->run);
    found->any = true;
    snprintf(found->path, sizeof found->path, "%s", given);
    if (rc == -2)
        return sl_fail("info: %s is not the record of a run", given);
    if (rc == 0 && !roofs_is_ceilings(&found->run))
        return sl_fail("info: %s is a record of %s, not of ceilings", given,
                       found->run.config.kernel ? found->run.config.kernel : "no workload");
    return rc;
}

static int print_found(const struct ceilings_found *found, const struct machine *m)
{
    char what[128] = "";
    if (!found->any) {
        printf("measured     unavailable (no ceilings record of this machine's hardware under "
               "%s/; run speedlab run ceilings --record FILE, then --ceilings FILE)\n",
               CEILINGS_FOLDER);
        return 0;
    }
    struct roof_set roofs;
    if (roofs_from_run(&found->run, &roofs) != 0)
        return -1;
    run_same_hardware(&found->run, found->me, what, sizeof what);
    printf("measured     %s (started %s%s%s%s)%s\n", found->path, found->run.started,
           what[0] ? "; another machine: its " : "", what, what[0] ? " differ" : "",
           roofs.n_teams ? "" : ": no valid ceiling in it");
    for (int i = 0; i < roofs.n_teams; i++)
        print_roofs(&roofs.teams[i], &m->desc);
    roofs_free(&roofs);
    return 0;
}

/* The measured ceilings: of `given`, else of the latest record of this
 * machine's hardware under results/.  -1 with sl_error() when `given` is
 * not a ceilings record. */
static int print_ceilings(const char *given, const struct machine *m)
{
    struct sl_run me;
    sl_run_init(&me);
    me.machine = m->desc;
    struct ceilings_found found = {.me = &me};
    int rc = 0;
    if (given)
        rc = load_given(given, &found);
    else
        search(&found, CEILINGS_FOLDER, CEILINGS_DEPTH);
    if (rc == 0)
        rc = print_found(&found, m);
    if (found.any)
        sl_run_free(&found.run);
    sl_run_free(&me);
    return rc;
}

static int cli_info(int argc, char **argv, const struct machine *m);

const struct cli_command cli_info_command = {
    .name = "info",
    .operands = "",
    .summary = "this machine: CPU, ISA, topology, caches, allowed CPUs",
    .about = "Describes this machine as the records will: CPU, ISA extensions, hwloc\n"
             "topology, caches, the CPUs this process may use (affinity mask and cgroup),\n"
             "and the build; and what counting does here: one hardware and one software\n"
             "event are tried, and how a run counts its noise.\n",
    .options = info_options,
    .main = cli_info,
};

static int cli_info(int argc, char **argv, const struct machine *m)
{
    struct info_args a = {0};
    struct cli_parsed p;
    int parsed = cli_parse(&cli_info_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_info_command, parsed);
    if (p.n_operands > 0) {
        sl_fail("info: unexpected argument '%s' (see 'speedlab info --help')", p.operands[0]);
        return cli_usage_error();
    }
    /* OpenBLAS as it is now: not loaded, since info runs no BLAS variant. */
    char blas[512];
    struct sl_build_desc build;
    build_describe(&build);
    build.blas = blas_config(blas, sizeof blas);
    if (a.json) {
        json_t *doc = json_pack("{s:o, s:o}", "machine", record_machine_json(&m->desc), "build",
                                record_build_json(&build));
        json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(doc);
        return EXIT_SUCCESS;
    }
    const struct sl_machine_desc *d = &m->desc;
    printf("host         %s (%s)\n", d->hostname, d->os);
    printf("cpu          %s (%s)\n", d->cpu_model, d->cpu_vendor);
    printf("uarch        %s (family %d, model %d, stepping %d), microcode %s\n",
           d->microarchitecture, d->cpu_family, d->cpu_model_number, d->cpu_stepping,
           d->microcode);
    printf("isa          %s\n", d->isa[0] ? d->isa : "baseline x86-64 only");
    printf("topology     %d package%s, %d NUMA node%s, %d cores, %d CPUs, %.1f GiB\n",
           d->packages, d->packages == 1 ? "" : "s", d->numa_nodes, d->numa_nodes == 1 ? "" : "s",
           d->cores_total, d->pus_total, d->memory_gib);
    printf("memory       %s\n", d->memory_devices);
    printf("allowed      %d CPU%s (%s) on %d core%s: this process's affinity mask and cpuset\n",
           d->pus_allowed, d->pus_allowed == 1 ? "" : "s", d->allowed_list, d->cores_allowed,
           d->cores_allowed == 1 ? "" : "s");
    for (int i = 0; i < d->n_caches; i++) {
        const struct sl_cache_desc *c = &d->caches[i];
        printf("cache L%d     ", c->level);
        print_size(c->size);
        printf(" %s, %u-byte lines, %u-way, %d instance%s shared by %d CPU%s\n", c->type, c->line,
               c->ways, c->instances, c->instances == 1 ? "" : "s", c->pus_per_instance,
               c->pus_per_instance == 1 ? "" : "s");
    }
    printf("build        %s; %s; commit %s\n", build.compiler, build.flags, build.commit);
    printf("blas         %s\n", build.blas);
    printf("mpi          %s\n", ranks_library());
    if (getenv("SPEEDLAB_SET_OPENBLAS_CORETYPE"))
        printf("             OPENBLAS_CORETYPE=%s set by speedlab: this OpenBLAS does not know "
               "this CPU and chose Prescott (SSE3) kernels\n",
               getenv("SPEEDLAB_SET_OPENBLAS_CORETYPE"));
    printf("timer        clock_gettime(CLOCK_MONOTONIC), resolution %.3g s\n",
           util_clock_resolution());
    char counters[300];
    if (isnan(d->peak_gflops_fp32))
        printf("peak fp32    nominal %s\n", d->peak_basis);
    else
        printf("peak fp32    nominal %.1f GFLOP/s = %s\n", d->peak_gflops_fp32, d->peak_basis);
    if (!isnan(d->peak_gflops_fp64))
        printf("peak fp64    nominal %.1f GFLOP/s (the same with fp64 lanes)\n",
               d->peak_gflops_fp64);
    if (print_ceilings(a.ceilings, m) != 0)
        return cli_usage_error();
    ctr_describe(counters, sizeof counters);
    printf("counters     %s\n", counters);
    /* What counting does here, tried now rather than read from a table. */
    ctr_trial("PAPI_TOT_CYC", false, counters, sizeof counters);
    printf("             hardware event PAPI_TOT_CYC: %s\n", counters);
    ctr_trial("perf::CONTEXT-SWITCHES", true, counters, sizeof counters);
    printf("             software event perf::CONTEXT-SWITCHES (user and kernel mode): %s\n",
           counters);
    struct noise_plan noise;
    struct ctr_plan none = {0};
    noise_plan_make(&noise, true, &none);
    printf("noise        counted %s\n", noise.source);
    printf("simulated    valgrind callgrind cache simulation (--counters sim)\n");
    return EXIT_SUCCESS;
}
