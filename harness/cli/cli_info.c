#include "cli/cli.h"
#include "kit/blas.h"
#include "kit/ranks.h"
#include "measure/build.h"
#include "measure/counters.h"
#include "measure/noise.h"
#include "results/record.h"
#include "kit/sl.h"
#include "kit/util.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void schedule_list(unsigned schedules, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int s = 0; s < SL_SCHED_COUNT; s++)
        if (schedules & SL_SCHED_BIT(s))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                     sl_schedule_name((enum sl_schedule)s));
}

static int widest(int width, const char *text)
{
    int len = (int)strlen(text);
    return len > width ? len : width;
}

struct list_args {
    bool names;
};

static const struct sl_option list_options[] = {
    {.name = "names", .group = "options",
     .help = "only the kernel names, one per line (for scripts)", .kind = SL_OPTION_FLAG,
     .offset = offsetof(struct list_args, names)},
    {0},
};

static int cli_list(int argc, char **argv, const struct machine *m);

const struct cli_command cli_list_command = {
    .name = "list",
    .operands = "[KERNEL]",
    .summary = "kernels and variants, and which run on this CPU",
    .about = "Lists kernels and their variants: axes (layout, loops, isa, algorithm),\n"
             "the schedules each can run under, and whether it runs on this CPU (and why not).\n",
    .options = list_options,
    .main = cli_list,
};

static int cli_list(int argc, char **argv, const struct machine *m)
{
    (void)m;
    struct list_args a = {0};
    struct cli_parsed p;
    int parsed = cli_parse(&cli_list_command, argc, argv, &a, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_list_command, parsed);
    if (p.n_operands > 1 || (a.names && p.n_operands)) {
        sl_fail(a.names ? "list: --names lists every kernel; give no kernel name"
                        : "list takes at most one kernel name");
        return cli_usage_error();
    }
    if (a.names) {
        size_t n;
        const struct sl_workload *const *names = sl_workloads(&n);
        for (size_t i = 0; i < n; i++)
            printf("%s\n", names[i]->name);
        return 0;
    }
    size_t count;
    const struct sl_workload *const *all = sl_workloads(&count);
    const struct sl_workload *only = NULL;
    if (p.n_operands == 1 && !(only = sl_workload_find(p.operands[0]))) {
        sl_fail("unknown kernel '%s' (see 'speedlab list')", p.operands[0]);
        return cli_usage_error();
    }
    for (size_t i = 0; i < count; i++) {
        const struct sl_workload *w = all[i];
        if (only && w != only)
            continue;
        char merit[32];
        printf("%s — %s\n  unit: %s; figure of merit: %s; size: %s; default %s; presets:",
               w->name, w->summary, w->unit, sl_merit_label(w->merit, w->unit, merit, sizeof merit),
               w->size_syntax, w->default_size);
        for (const struct sl_preset *preset = w->presets; preset && preset->name; preset++)
            printf(" %s=%s", preset->name, preset->size);
        /* Columns as wide as this workload's longest entry. */
        int wn = 7, wl = 6, wo = 5, wi = 3, wa = 9, ws = 9;
        for (const struct sl_variant *v = w->variants; v->name; v++) {
            char scheds[64];
            schedule_list(v->schedules, scheds, sizeof scheds);
            wn = widest(wn, v->name);
            wl = widest(wl, sl_axis(v->axes.layout));
            wo = widest(wo, sl_axis(v->axes.loops));
            wi = widest(wi, sl_axis(v->axes.isa));
            wa = widest(wa, sl_axis(v->axes.algorithm));
            ws = widest(ws, scheds);
        }
        printf("\n  %-*s %-*s %-*s %-*s %-*s %-*s %s\n", wn, "variant", wl, "layout", wo, "loops",
               wi, "isa", wa, "algorithm", ws, "schedules", "runs here");
        for (const struct sl_variant *v = w->variants; v->name; v++) {
            char scheds[64];
            schedule_list(v->schedules, scheds, sizeof scheds);
            const char *missing = sl_isa_missing(v->requires);
            char here[64] = "yes";
            if (missing)
                snprintf(here, sizeof here, "no (CPU lacks %s)", missing);
            printf("  %-*s %-*s %-*s %-*s %-*s %-*s %s\n", wn, v->name, wl,
                   sl_axis(v->axes.layout), wo, sl_axis(v->axes.loops), wi, sl_axis(v->axes.isa),
                   wa, sl_axis(v->axes.algorithm), ws, scheds, here);
            printf("  %-*s   %s\n", wn, "", v->summary);
            if (v->known_defect)
                printf("  %-*s   known defect, on purpose: %s\n", wn, "", v->known_defect);
        }
    }
    return 0;
}

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
        return 0;
    }
    const struct sl_machine_desc *d = &m->desc;
    printf("host         %s (%s)\n", d->hostname, d->os);
    printf("cpu          %s (%s)\n", d->cpu_model, d->cpu_vendor);
    printf("isa          %s\n", d->isa[0] ? d->isa : "baseline x86-64 only");
    printf("topology     %d package%s, %d NUMA node%s, %d cores, %d CPUs, %.1f GiB\n",
           d->packages, d->packages == 1 ? "" : "s", d->numa_nodes, d->numa_nodes == 1 ? "" : "s",
           d->cores_total, d->pus_total, d->memory_gib);
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
    return 0;
}
