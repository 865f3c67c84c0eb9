/* speedlab run KERNEL: its options, then plan (cli/plan.c), environment
 * check, measurement with its reporters (cli/cli_measure.c). */
#include "cli/cli.h"
#include "cli/plan.h"
#include "cli/suggest.h"
#include "kit/util.h"
#include "measure/envcheck.h"
#include "reporters/reporters.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_OPTION(member) .offset = offsetof(struct run_args, member)
/* --NAME FILE for each export format, a row generated from the format table. */
#define FORMAT_OPTION(fmt, description)                                                          \
    {.name = #fmt, .arg = "FILE", .group = "output",                                              \
     .help = "also write the results as " description " (as 'speedlab export --format " #fmt    \
             "' does)",                                                                           \
     .kind = SL_OPTION_TEXT, RUN_OPTION(formats[SL_EXPORT_FORMAT_##fmt])},

static const struct sl_option run_options[] = {
    {.name = "variants", .arg = "LIST", .group = "selection",
     .help = "variant names, or 'all' (see 'speedlab list')",
     .def_text = "all, or what the kernel's options choose", .kind = SL_OPTION_TEXT,
     RUN_OPTION(variants)},
    {.name = "schedules", .arg = "LIST", .group = "selection",
     .help = "static, dynamic, guided, fusedindex, or 'all': a variant runs only under the "
             "schedules it supports; one that no selected variant supports is refused",
     .def_text = "all, or what the kernel's options choose", .kind = SL_OPTION_TEXT,
     RUN_OPTION(schedules)},
    {.name = "threads", .arg = "LIST", .group = "selection",
     .help = "thread counts, e.g. 1,2,4; 'max' = the CPUs this process may use (or the CPUs of "
             "a --pin list)",
     .def = "1,max", .kind = SL_OPTION_TEXT, RUN_OPTION(threads)},
    {.name = "size", .arg = "SIZE", .group = "selection",
     .help = "a preset or explicit dims in the kernel's syntax, e.g. cosine 5800x1000, cdist "
             "1000x1000x100, stream auto",
     .def_text = "the kernel's; 'speedlab list' shows them all", .kind = SL_OPTION_TEXT,
     RUN_OPTION(sizes)},
    {.name = "sizes", .arg = "LIST", .group = "selection",
     .help = "several sizes, measured one after another (a sweep)", .kind = SL_OPTION_TEXT,
     RUN_OPTION(sizes)},
    {.name = "input", .arg = "FILE.npy", .group = "selection",
     .help = "real data: a 2-D float32/float64 .npy, rows are samples", .kind = SL_OPTION_TEXT,
     RUN_OPTION(input)},
    {.name = "output", .arg = "FILE", .group = "selection",
     .help = "write the result: cosine the dense upper triangle (.npy, float32, n x n), gaussmap "
             "the image (.png or .pgm); needs one size; written from the last measurement, "
             "after it validated (every variant's output is checked against the same "
             "reference)",
     .kind = SL_OPTION_TEXT, RUN_OPTION(output)},
    {.name = "seed", .arg = "N", .group = "selection", .help = "data generator seed",
     .def = "42", .kind = SL_OPTION_U64, RUN_OPTION(seed), .ints = {0, INT64_MAX}},

    {.name = "reps", .arg = "N", .group = "measurement", .help = "exactly N timed repetitions",
     .kind = SL_OPTION_INT, RUN_OPTION(reps), .ints = {1, 100000}},
    {.name = "min-reps", .arg = "N", .group = "measurement",
     .help = "at least N timed repetitions: 6 give a 95% CI of the median, 7 the 97.5% CIs "
             "that make a 95% CI of a speedup",
     .def = "7", .kind = SL_OPTION_INT, RUN_OPTION(min_reps), .ints = {1, 100000}},
    {.name = "max-reps", .arg = "N", .group = "measurement",
     .help = "at most N timed repetitions", .def = "100", .kind = SL_OPTION_INT,
     RUN_OPTION(max_reps), .ints = {1, 100000}},
    {.name = "budget", .arg = "SECONDS", .group = "measurement",
     .help = "repeat until this much time is measured", .def = "1", .kind = SL_OPTION_REAL,
     RUN_OPTION(budget), .reals = {0, 86400}},
    {.name = "warmup", .arg = "N", .group = "measurement",
     .help = "untimed runs before timing", .def = "1", .kind = SL_OPTION_INT,
     RUN_OPTION(warmup), .ints = {0, 1000}},
    {.name = "interleave", .group = "measurement",
     .help = "take the repetitions of a size's measurements in rounds, one of each per round in "
             "an order drawn from --seed for every round, so a slow minute of the machine "
             "spreads over all of them (warm-up stays per measurement, before its first round)",
     .def_text = "on", .kind = SL_OPTION_FLAG, RUN_OPTION(interleave)},
    {.name = "no-interleave", .group = "measurement",
     .help = "each measurement's repetitions one after another, to its end",
     .kind = SL_OPTION_FLAG, RUN_OPTION(no_interleave)},
    {.name = "noise", .arg = "on|off", .group = "measurement",
     .help = "count what disturbs each repetition, per worker around the kernel: context "
             "switches, migrations, page faults, on-CPU time; each result's noise verdict and "
             "its statistics over the undisturbed repetitions follow.  'off' only to measure "
             "what the counting costs",
     .def = "on", .kind = SL_OPTION_CHOICE, RUN_OPTION(noise), .choices = plan_noise_modes},
    {.name = "validate", .arg = "MODE", .group = "measurement",
     .help = "auto, full or sample (cosine: auto checks every pair when pairs x variables <= "
             "2e9, else a stated sample; each workload states its method and tolerance in the "
             "record)",
     .def = "auto", .kind = SL_OPTION_CHOICE, RUN_OPTION(validate),
     .choices = plan_validate_modes},

    {.name = "counters", .arg = "LIST", .group = "counters",
     .help = "PAPI events or groups, per worker around the kernel only: cache (L1/L2 data, L3 "
             "total misses), ipc (cycles, instructions), os (the kernel's software events: "
             "context switches, migrations, page faults, task clock), or PAPI event names, "
             "presets and native ones (perf::CONTEXT-SWITCHES); and 'sim': the "
             "kernel once more under valgrind's cache simulation with this machine's cache "
             "shapes (deterministic; ~50-100x slower, so meant for small sizes such as --size "
             "tiny or 200x1000).  Events that cannot be counted say why; never 0.",
     .def_text = "none", .kind = SL_OPTION_TEXT, RUN_OPTION(counters)},

    {.name = "pin", .arg = "POLICY", .group = "placement",
     .help = "compact (fill cores in order), scatter (spread over the topology), none (no "
             "binding), or a CPU list like 0,2-3; every worker's CPU is recorded",
     .def = "compact", .kind = SL_OPTION_TEXT, RUN_OPTION(pin)},
    {.name = "oversubscribe", .group = "placement",
     .help = "allow more threads than CPUs; such results are labelled", .kind = SL_OPTION_FLAG,
     RUN_OPTION(oversubscribe)},

    {.name = "record", .arg = "FILE", .group = "output",
     .help = "the JSON record, rewritten after every result and locked while this run writes "
             "it (a second writer is refused); not a FIFO, but a character device such as "
             "/dev/null is written through",
     .def_text = "results/runs/RUN-ID.json", .kind = SL_OPTION_TEXT, RUN_OPTION(record)},
    {.name = "csv", .arg = "FILE", .group = "output",
     .help = "the CSV table; its first line names the record's run id and result count",
     .def_text = "the record's path with .csv", .kind = SL_OPTION_TEXT, RUN_OPTION(csv)},
    {.name = "quiet", .group = "output", .help = "fewer messages, no progress",
     .kind = SL_OPTION_FLAG, RUN_OPTION(quiet)},
    {.name = "progress", .group = "output",
     .help = "progress of long executions (done, rate, time left) on stderr also when it is "
             "not a terminal, every 10 s",
     .def_text = "only on a terminal", .kind = SL_OPTION_FLAG, RUN_OPTION(progress)},
    SL_RUN_EXPORT_FORMATS(FORMAT_OPTION)

    {.name = "strict-env", .group = "environment",
     .help = "refuse to run (exit 2, nothing written) when the noise probe's CV exceeds "
             "--noise-limit",
     .kind = SL_OPTION_FLAG, RUN_OPTION(strict_env)},
    {.name = "noise-limit", .arg = "PCT", .group = "environment",
     .help = "the probe's CV above which the machine counts as noisy", .def = "5",
     .kind = SL_OPTION_PERCENT, RUN_OPTION(noise_limit), .reals = {0, 1000}},
    {0},
};

static int cli_run(int argc, char **argv, const struct machine *m);

const struct cli_command cli_run_command = {
    .name = "run",
    .operands = "KERNEL",
    .summary = "measure variants; writes a JSON record and a CSV table",
    .about =
        "Measures variants of KERNEL: for each size, variant, schedule and thread count,\n"
        "warm-up runs, then timed repetitions until --budget seconds and --min-reps are\n"
        "reached (the measurements of a size interleaved: one repetition of each per\n"
        "round); the last repetition is validated against the reference.  Each result\n"
        "line and the record carry median, 95% CI of the median, CV, speedup and\n"
        "efficiency against the same variant's 1-thread run, load imbalance (max/mean\n"
        "busy time of the workers), validity, and a noise verdict: the repetitions in\n"
        "which a worker was switched out, migrated or kept off its CPU, with the\n"
        "statistics over the undisturbed ones beside.\n",
    .notes =
        "The environment is checked before every run (recorded under environment.checks,\n"
        "warnings printed first): frequency governor, turbo/boost, SMT, transparent huge\n"
        "pages, ASLR, load average, and a noise probe (CV of 20 fixed ~5 ms spin loops).\n"
        "\n"
        "exit status: 0 all results valid, 2 bad command line or input (or nothing\n"
        "measured: every combination skipped), 3 some result invalid, 1 other error,\n"
        "130 interrupted (the record keeps what finished).  The first Ctrl-C stops after\n"
        "the current repetition, a second one at once.\n"
        "A variant that is wrong on purpose (pairsum/race, a deliberate data race) is\n"
        "validated like every other and shown INVALID (known defect) everywhere, with\n"
        "its error; it alone does not make the exit status 3.\n",
    .options = run_options,
    .kernel_options = true,
    .main = cli_run,
};

/* The command line: run's options into `a`, the kernel, and the kernel's
 * own options into its options object.  CLI_PARSED, CLI_HELP (*w: the
 * kernel named, if any) or -1. */
static int run_parse(int argc, char **argv, struct run_args *a, const struct sl_workload **w,
                     void **options)
{
    struct cli_parsed p;
    int parsed = cli_parse(&cli_run_command, argc, argv, a, &p);
    if (parsed < 0)
        return -1;
    *w = p.n_operands > 0 ? sl_workload_find(p.operands[0]) : NULL;
    int rc = parsed;
    if (parsed == CLI_PARSED && p.n_operands != 1)
        rc = sl_fail(p.n_operands == 0 ? "run: which kernel? (see 'speedlab list')"
                                       : "run: expected one kernel, got extra argument '%s'",
                     p.n_operands > 1 ? p.operands[1] : "");
    else if (parsed == CLI_PARSED && !*w)
        rc = suggest_fail_kernel(p.operands[0]);
    else if (parsed == CLI_PARSED && (plan_workload_options(*w, options) != 0 ||
                                      cli_apply_kernel_options(&p, *w, *options) != 0))
        rc = -1;
    cli_parsed_free(&p);
    return rc;
}

/* A run that finished without measuring anything (every combination
 * skipped) is a command line that asked for nothing this machine can do:
 * EXIT_USAGE, with the first reason. */
static int nothing_measured(const struct sl_run *run)
{
    for (size_t i = 0; i < run->n_results; i++)
        if (run->results[i].status != SL_STATUS_SKIPPED)
            return 0;
    if (run->n_results == 0)
        sl_fail("nothing was measured: the selection is empty");
    else
        sl_fail("nothing was measured: %s skipped (%s/%s: %s)",
                run->n_results == 1 ? "the one selected combination was" : "every selected combination was",
                run->results[0].variant, run->results[0].schedule, run->results[0].reason);
    return cli_usage_error();
}

/* The environment check, then the measurement with its reporters. */
static int run_checked(const struct run_plan *plan, const struct run_args *a,
                       const struct machine *m, struct sl_run *run)
{
    const struct sl_env_check *noise = &run->environment.checks[ENV_NOISE];
    envcheck_run(&run->environment, m->desc.pus_total, a->noise_limit);
    if (a->strict_env && envcheck_noisy(&run->environment)) {
        sl_fail("--strict-env: the noise probe varies by CV %.1f%% (limit %.1f%%, --noise-limit): "
                "too noisy to measure; nothing was run",
                100 * noise->cv, 100 * noise->limit);
        return cli_usage_error();
    }
    /* Warnings on stderr: stdout is the results, for a file or a pipe. */
    envcheck_print(&run->environment, stderr);
    int status = cli_measure(plan, m, run);
    return status == 0 ? nothing_measured(run) : status;
}

/* The record locked, the environment checked, then the measurement with
 * its reporters. */
static int run_execute(const struct run_plan *plan, const struct run_args *a,
                       const struct machine *m, struct sl_run *run)
{
    /* The default record's folder, made now that the run starts (the plan
     * checked that it can be, and nothing was probed yet). */
    if (!a->record && util_make_parent_dirs(plan->record_path) != 0)
        return cli_error(EXIT_FAILURE);
    struct plan_locks locks;
    if (plan_lock(plan, &locks) != 0)
        return cli_usage_error();
    int status = run_checked(plan, a, m, run);
    plan_unlock(&locks);
    return status;
}

static int cli_run(int argc, char **argv, const struct machine *m)
{
    char command[2048];
    plan_command_line(argc, argv, command, sizeof command);
    struct run_args a = {0};
    const struct sl_workload *w = NULL;
    void *options = NULL;
    int parsed = run_parse(argc, argv, &a, &w, &options);
    if (parsed == CLI_HELP) {
        cli_print_help(&cli_run_command, w, stdout);
        return EXIT_SUCCESS;
    }
    struct sl_run run;
    sl_run_init(&run);
    struct run_plan plan;
    int status;
    if (parsed != CLI_PARSED ||
        plan_build(&a, w, options, command, m, &plan, run.run_id, sizeof run.run_id) != 0) {
        if (parsed != CLI_PARSED)
            free(options);
        status = cli_usage_error();
    } else {
        status = run_execute(&plan, &a, m, &run);
        plan_free(&plan);
    }
    sl_run_free(&run);
    return status;
}
