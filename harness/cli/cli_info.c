/* speedlab info: this machine and build, as the records describe them. */
#include "cli/cli.h"
#include "kit/blas.h"
#include "kit/ranks.h"
#include "kit/sl.h"
#include "kit/util.h"
#include "measure/build.h"
#include "measure/counters.h"
#include "results/record.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static void print_size(unsigned long long bytes)
{
    if (bytes >= 1024ull * 1024)
        printf("%.4g MiB", (double)bytes / 1048576.0);
    else
        printf("%llu KiB", bytes / 1024);
}

struct info_args {
    bool json;
};

static const struct sl_option info_options[] = {
    {.name = "json", .group = "options", .help = "the record's machine and build blocks",
     .kind = SL_OPTION_FLAG, .offset = offsetof(struct info_args, json)},
    {0},
};

static int cli_info(int argc, char **argv, const struct machine *m);

const struct cli_command cli_info_command = {
    .name = "info",
    .operands = "",
    .summary = "this machine: CPU, ISA, topology, caches, allowed CPUs",
    .about = "Describes this machine as the records will: CPU, ISA extensions, hwloc\n"
             "topology, caches, the CPUs this process may use (affinity mask and cgroup),\n"
             "and the build.\n",
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
        printf("peak fp32    %s\n", d->peak_basis);
    else
        printf("peak fp32    %.1f GFLOP/s = %s\n", d->peak_gflops_fp32, d->peak_basis);
    if (!isnan(d->peak_gflops_fp64))
        printf("peak fp64    %.1f GFLOP/s\n", d->peak_gflops_fp64);
    ctr_describe(counters, sizeof counters);
    printf("counters     %s\n", counters);
    printf("simulated    valgrind callgrind cache simulation (--counters sim)\n");
    return EXIT_SUCCESS;
}
