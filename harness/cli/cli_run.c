#include "cli/cli.h"
#include "measure/counters.h"
#include "measure/envcheck.h"
#include "kit/memory.h"
#include "kit/progress.h"
#include "kit/ranks.h"
#include "measure/runner.h"
#include "kit/util.h"
#include "reporters/reporters.h"

#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void run_usage(FILE *fp)
{
    fprintf(fp,
            "usage: speedlab run KERNEL [options]\n"
            "\n"
            "Measures variants of KERNEL: for each size, variant, schedule and thread count,\n"
            "warm-up runs, then timed repetitions until --budget seconds and --min-reps are\n"
            "reached; the last repetition is validated against the reference.  Each result\n"
            "line and the record carry median, 95%% CI of the median, CV, speedup and\n"
            "efficiency against the same variant's 1-thread run, load imbalance (max/mean\n"
            "busy time of the workers) and validity.\n"
            "\n"
            "selection:\n"
            "  --variants LIST     variant names, or 'all' (default: all; see 'speedlab list')\n"
            "  --schedules LIST    static,dynamic,guided,fusedindex or 'all' (default: all:\n"
            "                      the schedules each variant supports); a schedule named\n"
            "                      here that does not apply to a variant is reported skipped\n"
            "  --threads LIST      thread counts, e.g. 1,2,4; 'max' = CPUs this process may use\n"
            "                      (or the CPUs of a --pin list)\n"
            "                      (default: 1,max)\n"
            "  --size SIZE         a preset or explicit dims in the kernel's syntax, e.g.\n"
            "                      cosine 5800x1000, cdist 1000x1000x100, stream auto\n"
            "                      (default: the kernel's; 'speedlab list' shows them all)\n"
            "  --sizes LIST        several sizes, measured one after another (a sweep)\n"
            "  --input FILE.npy    real data: 2-D float32/float64 .npy, rows are samples\n"
            "  --output FILE       write the result: cosine the dense upper triangle (.npy,\n"
            "                      float32, n x n), gaussmap the image (.png or .pgm); needs\n"
            "                      one size; written from the last measurement, after it\n"
            "                      validated (every variant's output is checked against the\n"
            "                      same reference)\n"
            "  --seed N            data generator seed (default: 42)\n"
            "\n"
            "sparse output (cosine; for n where the dense n x n result does not fit):\n"
            "  --threshold T       keep the pairs with |s| >= T (T > 0)\n"
            "  --top-quantile Q    keep the pairs at or above the Q-quantile of the non-zero\n"
            "                      |s| (0 <= Q <= 1, e.g. 0.95), computed exactly over all\n"
            "                      pairs as numpy.quantile does (linear); costs a second pass;\n"
            "                      the threshold it found is recorded\n"
            "                      Kept pairs stream from each thread through a fixed buffer\n"
            "                      to shard files (--spill-dir) and --output FILE.npz merges\n"
            "                      them into one scipy.sparse COO matrix (upper triangle,\n"
            "                      scipy.sparse.load_npz reads it).  Default variant and\n"
            "                      schedule: invindex_scalar, fusedindex.\n"
            "  --memory-budget SIZE  bytes the process may hold (e.g. 512M, 2G): the input,\n"
            "                      per-thread rows, histograms and scratch are planned first,\n"
            "                      the rest becomes the kept-pair buffers; refused before any\n"
            "                      work when it cannot fit.  Each result records its peak\n"
            "                      resident memory.\n"
            "  --spill-dir DIR     where the shards go (default: the --output folder, else\n"
            "                      results/runs); removed at the end.  Under MPI a folder\n"
            "                      every rank can reach.\n"
            "\n"
            "MPI (when built with Open MPI): mpirun -np R speedlab run cosine --threshold ...\n"
            "splits the triangle into R shares of equal pair count, OpenMP inside each rank;\n"
            "the record (rank 0's) has per-rank times and the rank imbalance; --output is\n"
            "the one merged result.\n"
            "\n"
            "measurement:\n"
            "  --reps N            exactly N timed repetitions\n"
            "  --min-reps N        at least N (default: 7: 6 give a 95%% CI of the median,\n"
            "                      7 give the 97.5%% CIs that make a 95%% CI of a speedup)\n"
            "  --max-reps N        at most N (default: 100)\n"
            "  --budget SECONDS    repeat until this much time is measured (default: 1)\n"
            "  --warmup N          untimed runs before timing (default: 1)\n"
            "  --validate MODE     auto, full or sample (cosine: auto checks every pair when\n"
            "                      pairs x variables <= 2e9, else a stated sample; each\n"
            "                      workload states its method and tolerance in the record)\n"
            "\n"
            "counters:\n"
            "  --counters LIST     PAPI events or groups, per worker around the kernel only:\n"
            "                      cache (L1/L2 data, L3 total misses), ipc (cycles,\n"
            "                      instructions), or PAPI event names; and 'sim': the kernel\n"
            "                      once more under valgrind's cache simulation with this\n"
            "                      machine's cache shapes (deterministic; ~50-100x slower, so\n"
            "                      meant for small sizes such as --size tiny or 200x1000).\n"
            "                      Events that cannot be counted say why; never 0.\n"
            "\n"
            "placement:\n"
            "  --pin POLICY        compact (fill cores in order), scatter (spread over the\n"
            "                      topology), none (no binding), or a CPU list like 0,2-3\n"
            "                      (default: compact); every worker's CPU is recorded\n"
            "  --oversubscribe     allow more threads than CPUs; such results are labelled\n"
            "\n"
            "output:\n"
            "  --record FILE       JSON record (default: results/runs/RUN-ID.json)\n"
            "  --csv FILE          CSV table (default: the record path with .csv)\n"
            "  --quiet             fewer messages, no progress\n"
            "  --progress          progress of long executions (done, rate, time left) on\n"
            "                      stderr even when it is not a terminal (default: only on\n"
            "                      a terminal; every 10 s otherwise)\n");
    cli_print_formats(fp, "  --%s FILE", "also write the results (as 'speedlab export --format %s'): ");
    fprintf(fp,
            "\n"
            "environment (checked before every run, recorded under environment.checks,\n"
            "warnings printed first): frequency governor, turbo/boost, SMT, transparent huge\n"
            "pages, ASLR, load average, and a noise probe (CV of 20 fixed ~5 ms spin loops)\n"
            "  --strict-env        refuse to run (exit 2, nothing written) when the noise\n"
            "                      probe's CV exceeds --noise-limit\n"
            "  --noise-limit PCT   the probe's CV above which the machine counts as noisy\n"
            "                      (default: 5)\n"
            "\n"
            "exit status: 0 all results valid, 2 bad command line or input, 3 some result\n"
            "invalid, 1 other error, 130 interrupted (the record keeps what finished).\n"
            "A variant that is wrong on purpose (pairsum/race, a deliberate data race) is\n"
            "validated like every other and shown INVALID (known defect) everywhere, with\n"
            "its error; it alone does not make the exit status 3.\n");
}

static int parse_threads(const char *text, const struct machine *m, struct run_options *o)
{
    char **items;
    int count = util_split(text, &items);
    if (count < 0)
        return -1;
    o->n_threads = 0;
    for (int i = 0; i < count; i++) {
        /* 'max': every CPU this process may use, or every CPU of a --pin list. */
        long t = o->pin.policy == PIN_LIST ? o->pin.n_cpus : m->desc.pus_allowed;
        if (strcmp(items[i], "max") != 0 &&
            util_parse_long(items[i], 1, 1024, "--threads entry", &t) != 0) {
            util_free_list(items, count);
            return -1;
        }
        /* Keep the list sorted and distinct: speedups need t=1 first. */
        int at = 0;
        while (at < o->n_threads && o->threads[at] < t)
            at++;
        if (at < o->n_threads && o->threads[at] == t)
            continue;
        if (o->n_threads == (int)(sizeof o->threads / sizeof o->threads[0])) {
            util_free_list(items, count);
            return sl_fail("--threads: too many entries");
        }
        memmove(o->threads + at + 1, o->threads + at, (size_t)(o->n_threads - at) * sizeof(int));
        o->threads[at] = (int)t;
        o->n_threads++;
    }
    util_free_list(items, count);
    return 0;
}

static int parse_variants(const char *text, struct run_options *o)
{
    const struct sl_workload *w = o->workload;
    size_t total = 0;
    while (w->variants[total].name)
        total++;
    free(o->variants);
    o->variants = calloc(total ? total : 1, sizeof *o->variants);
    o->n_variants = 0;
    if (!o->variants)
        return sl_fail("out of memory");
    if (strcmp(text, "all") == 0) {
        for (size_t i = 0; i < total; i++)
            o->variants[o->n_variants++] = &w->variants[i];
        return 0;
    }
    char **items;
    int count = util_split(text, &items);
    if (count < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        const struct sl_variant *v = sl_variant_find(w, items[i]);
        if (!v)
            rc = sl_fail("unknown %s variant '%s' (see 'speedlab list %s')", w->name, items[i],
                         w->name);
        else if ((size_t)o->n_variants < total) {
            bool seen = false;
            for (int k = 0; k < o->n_variants; k++)
                seen |= o->variants[k] == v;
            if (!seen)
                o->variants[o->n_variants++] = v;
        }
    }
    util_free_list(items, count);
    return rc;
}

static int parse_schedules(const char *text, struct run_options *o)
{
    o->n_schedules = 0;
    o->schedules_all = strcmp(text, "all") == 0;
    if (o->schedules_all) {
        for (int s = 0; s < SL_SCHED_COUNT; s++)
            o->schedules[o->n_schedules++] = (enum sl_schedule)s;
        return 0;
    }
    char **items;
    int count = util_split(text, &items);
    if (count < 0)
        return -1;
    unsigned seen = 0;
    for (int i = 0; i < count; i++) {
        enum sl_schedule s;
        if (sl_schedule_parse(items[i], &s) != 0) {
            util_free_list(items, count);
            return -1;
        }
        if (!(seen & SL_SCHED_BIT(s)))
            o->schedules[o->n_schedules++] = s;
        seen |= SL_SCHED_BIT(s);
    }
    util_free_list(items, count);
    return 0;
}

static char *replace_extension(const char *path, const char *ext)
{
    size_t len = strlen(path);
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash))
        len = (size_t)(dot - path);
    char *out = malloc(len + strlen(ext) + 1);
    if (out) {
        memcpy(out, path, len);
        strcpy(out + len, ext);
    }
    return out;
}

/* <dir>/<run id>, dir from --spill-dir, the --output folder or results/runs;
 * checked writable now, before any work. */
static int make_spill_prefix(struct run_options *o, const char *spill_dir, const char *run_id)
{
    char dir[4096];
    if (spill_dir)
        snprintf(dir, sizeof dir, "%s", spill_dir);
    else if (o->output_path && strrchr(o->output_path, '/'))
        snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(o->output_path, '/') - o->output_path),
                 o->output_path);
    else if (o->output_path)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "results/runs");
    if (dir[0] == 0)
        snprintf(dir, sizeof dir, "/");
    struct stat info;
    if (!spill_dir && !o->output_path && stat(dir, &info) != 0) {
        char probe[4200];
        snprintf(probe, sizeof probe, "%s/x", dir);
        if (util_make_parent_dirs(probe) != 0)
            return -1;
    }
    if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode))
        return sl_fail("--spill-dir '%s' is not a folder", dir);
    if (access(dir, W_OK | X_OK) != 0)
        return sl_fail("cannot write shards into '%s': %s", dir, strerror(errno));
    size_t len = strlen(dir) + strlen(run_id) + 2;
    o->spill_prefix = malloc(len);
    if (!o->spill_prefix)
        return sl_fail("out of memory");
    snprintf(o->spill_prefix, len, "%s/%s", dir, run_id);
    return 0;
}

/* Each --FORMAT file is a file of its own, writable now, before any work. */
static int check_format_paths(const char *const *paths, const char *record, const char *csv,
                              const char *output)
{
    for (int f = 0; f < SL_N_EXPORT_FORMATS; f++) {
        const char *p = paths[f];
        if (!p)
            continue;
        bool taken = strcmp(p, record) == 0 || strcmp(p, csv) == 0 || (output && strcmp(p, output) == 0);
        for (int k = 0; k < f; k++)
            taken |= paths[k] && strcmp(paths[k], p) == 0;
        if (taken)
            return sl_fail("--%s must be a file of its own, not the record, table, --output or "
                           "another format's",
                           sl_export_formats[f].name);
        if (util_check_writable(p) != 0)
            return -1;
    }
    return 0;
}

int cli_usage_error(void)
{
    fprintf(stderr, "speedlab: error: %s\n", sl_error());
    return EXIT_USAGE;
}

int cli_run(int argc, char **argv, const struct machine *m)
{
    enum {
        OPT_VARIANTS = 256, OPT_SCHEDULES, OPT_THREADS, OPT_SIZE, OPT_SIZES, OPT_INPUT,
        OPT_OUTPUT, OPT_SEED, OPT_REPS, OPT_MIN_REPS, OPT_MAX_REPS, OPT_BUDGET, OPT_WARMUP,
        OPT_VALIDATE, OPT_PIN, OPT_OVERSUBSCRIBE, OPT_RECORD, OPT_CSV, OPT_QUIET, OPT_COUNTERS,
        OPT_STRICT_ENV, OPT_NOISE_LIMIT, OPT_THRESHOLD, OPT_TOP_QUANTILE,
        OPT_MEMORY_BUDGET, OPT_SPILL_DIR, OPT_PROGRESS, OPT_FORMAT /* + the format's index */
    };
    static const struct option options[] = {
        {"variants", required_argument, NULL, OPT_VARIANTS},
        {"schedules", required_argument, NULL, OPT_SCHEDULES},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"size", required_argument, NULL, OPT_SIZE},
        {"sizes", required_argument, NULL, OPT_SIZES},
        {"input", required_argument, NULL, OPT_INPUT},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"seed", required_argument, NULL, OPT_SEED},
        {"reps", required_argument, NULL, OPT_REPS},
        {"min-reps", required_argument, NULL, OPT_MIN_REPS},
        {"max-reps", required_argument, NULL, OPT_MAX_REPS},
        {"budget", required_argument, NULL, OPT_BUDGET},
        {"warmup", required_argument, NULL, OPT_WARMUP},
        {"validate", required_argument, NULL, OPT_VALIDATE},
        {"pin", required_argument, NULL, OPT_PIN},
        {"oversubscribe", no_argument, NULL, OPT_OVERSUBSCRIBE},
        {"record", required_argument, NULL, OPT_RECORD},
        {"csv", required_argument, NULL, OPT_CSV},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"counters", required_argument, NULL, OPT_COUNTERS},
        {"strict-env", no_argument, NULL, OPT_STRICT_ENV},
        {"noise-limit", required_argument, NULL, OPT_NOISE_LIMIT},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"top-quantile", required_argument, NULL, OPT_TOP_QUANTILE},
        {"memory-budget", required_argument, NULL, OPT_MEMORY_BUDGET},
        {"spill-dir", required_argument, NULL, OPT_SPILL_DIR},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"help", no_argument, NULL, 'h'},
    };
    /* --FORMAT FILE for every export format. */
    struct option all_options[sizeof options / sizeof options[0] + SL_N_EXPORT_FORMATS + 1];
    size_t n_options = sizeof options / sizeof options[0];
    memcpy(all_options, options, sizeof options);
    for (int f = 0; f < SL_N_EXPORT_FORMATS; f++)
        all_options[n_options++] =
            (struct option){sl_export_formats[f].name, required_argument, NULL, OPT_FORMAT + f};
    all_options[n_options] = (struct option){NULL, 0, NULL, 0};
    const char *variants = "all", *schedules = "all", *threads = "1,max", *sizes = NULL,
               *pin = "compact", *record = NULL, *csv = NULL;
    long reps = 0, min_reps = 7, max_reps = 100, warmup = 1, seed = 42;
    double budget = 1.0, noise_limit = 100 * ENV_DEFAULT_NOISE_LIMIT;
    const char *format_paths[SL_N_EXPORT_FORMATS] = {NULL}, *spill_dir = NULL;
    char *record_path = NULL, *csv_path = NULL;
    bool strict_env = false, variants_given = false, schedules_given = false;
    struct run_options *o = calloc(1, sizeof *o);
    if (!o)
        return 1;
    struct sl_run run;
    sl_run_init(&run);
    o->validate = "auto";

    /* The command line goes into the record; JSON needs it as UTF-8. */
    size_t used = (size_t)snprintf(o->command, sizeof o->command, "speedlab");
    for (int i = 0; i < argc && used < sizeof o->command; i++)
        used += (size_t)snprintf(o->command + used, sizeof o->command - used, " %s", argv[i]);
    util_make_utf8(o->command);

    int status = EXIT_USAGE, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", all_options, NULL)) != -1) {
        int rc = 0;
        if (c >= OPT_FORMAT && c < OPT_FORMAT + SL_N_EXPORT_FORMATS) {
            format_paths[c - OPT_FORMAT] = optarg;
            continue;
        }
        switch (c) {
        case OPT_VARIANTS: variants = optarg; variants_given = true; break;
        case OPT_SCHEDULES: schedules = optarg; schedules_given = true; break;
        case OPT_THREADS: threads = optarg; break;
        case OPT_SIZE:
        case OPT_SIZES: sizes = optarg; break;
        case OPT_INPUT: o->input_path = optarg; break;
        case OPT_OUTPUT: o->output_path = optarg; break;
        case OPT_SEED: rc = util_parse_long(optarg, 0, __LONG_MAX__, "--seed", &seed); break;
        case OPT_REPS: rc = util_parse_long(optarg, 1, 100000, "--reps", &reps); break;
        case OPT_MIN_REPS: rc = util_parse_long(optarg, 1, 100000, "--min-reps", &min_reps); break;
        case OPT_MAX_REPS: rc = util_parse_long(optarg, 1, 100000, "--max-reps", &max_reps); break;
        case OPT_BUDGET: rc = util_parse_double(optarg, 0, 86400, "--budget", &budget); break;
        case OPT_WARMUP: rc = util_parse_long(optarg, 0, 1000, "--warmup", &warmup); break;
        case OPT_VALIDATE: o->validate = optarg; break;
        case OPT_PIN: pin = optarg; break;
        case OPT_OVERSUBSCRIBE: o->pin.oversubscribe = true; break;
        case OPT_RECORD: record = optarg; break;
        case OPT_CSV: csv = optarg; break;
        case OPT_QUIET: o->quiet = true; break;
        case OPT_COUNTERS: rc = ctr_plan_parse(optarg, &o->counters); break;
        case OPT_STRICT_ENV: strict_env = true; break;
        case OPT_NOISE_LIMIT:
            rc = util_parse_double(optarg, 0, 1000, "--noise-limit (percent)", &noise_limit);
            break;
        case OPT_THRESHOLD:
            rc = util_parse_double(optarg, 0, 1e30, "--threshold", &o->keep_value);
            if (rc == 0 && !(o->keep_value > 0))
                rc = sl_fail("--threshold must be above 0 (zeros are never stored); got '%s'",
                             optarg);
            if (rc == 0 && o->keep == SL_KEEP_QUANTILE)
                rc = sl_fail("--threshold and --top-quantile are exclusive: give one");
            o->keep = SL_KEEP_THRESHOLD;
            break;
        case OPT_TOP_QUANTILE:
            rc = util_parse_double(optarg, 0, 1, "--top-quantile", &o->keep_value);
            if (rc == 0 && o->keep == SL_KEEP_THRESHOLD)
                rc = sl_fail("--threshold and --top-quantile are exclusive: give one");
            o->keep = SL_KEEP_QUANTILE;
            break;
        case OPT_MEMORY_BUDGET:
            rc = mem_parse_bytes(optarg, "--memory-budget", &o->memory_budget);
            break;
        case OPT_SPILL_DIR: spill_dir = optarg; break;
        case OPT_PROGRESS: o->progress = SL_PROGRESS_ON; break;
        case 'h':
            run_usage(stdout);
            status = 0;
            goto done;
        default:
            if (optopt > 0 && optopt < 256)
                sl_fail("run: unknown or incomplete option '-%c' (see 'speedlab run --help')",
                        optopt);
            else
                sl_fail("run: unknown or incomplete option '%s' (see 'speedlab run --help')",
                        argv[optind - 1]);
            rc = -1;
        }
        if (rc != 0) {
            status = cli_usage_error();
            goto done;
        }
    }
    if (optind != argc - 1) {
        sl_fail(optind >= argc ? "run: which kernel? (see 'speedlab list')"
                               : "run: expected one kernel, got extra argument '%s'",
                argv[optind + (optind < argc - 1)]);
        status = cli_usage_error();
        goto done;
    }
    o->workload = sl_workload_find(argv[optind]);
    if (!o->workload) {
        sl_fail("unknown kernel '%s' (see 'speedlab list')", argv[optind]);
        status = cli_usage_error();
        goto done;
    }
    bool sparse = o->keep != SL_KEEP_DENSE;
    if (sparse && !o->workload->sparse_variants) {
        sl_fail("--threshold/--top-quantile: kernel %s has no sparse output (cosine has)",
                o->workload->name);
        status = cli_usage_error();
        goto done;
    }
    if (o->memory_budget > 0 && !sparse) {
        sl_fail("--memory-budget bounds the streamed sparse output: add --threshold T or "
                "--top-quantile Q");
        status = cli_usage_error();
        goto done;
    }
    if (spill_dir && !sparse) {
        sl_fail("--spill-dir holds the sparse output's shards: add --threshold T or "
                "--top-quantile Q");
        status = cli_usage_error();
        goto done;
    }
    if (ranks_count() > 1 && !o->workload->splits_across_ranks) {
        sl_fail("kernel %s does not split across MPI ranks; run it without mpirun",
                o->workload->name);
        status = cli_usage_error();
        goto done;
    }
    if (sparse && !variants_given)
        variants = o->workload->sparse_variants;
    if (sparse && !schedules_given)
        schedules = o->workload->sparse_schedules;
    bool oversubscribe = o->pin.oversubscribe;
    if (parse_variants(variants, o) != 0 || parse_schedules(schedules, o) != 0 ||
        pin_parse(pin, &o->pin) != 0 || parse_threads(threads, m, o) != 0) {
        status = cli_usage_error();
        goto done;
    }
    o->pin.oversubscribe = oversubscribe;
    if (o->input_path && sizes) {
        sl_fail("--input and --size/--sizes are exclusive: the input decides the size");
        status = cli_usage_error();
        goto done;
    }
    if (o->input_path && access(o->input_path, R_OK) != 0) {
        sl_fail("cannot read --input '%s'", o->input_path);
        status = cli_usage_error();
        goto done;
    }
    o->n_sizes = util_split(sizes ? sizes : o->workload->default_size, &o->sizes);
    if (o->n_sizes < 0) {
        status = cli_usage_error();
        goto done;
    }
    for (int i = 0; i < o->n_sizes && !o->input_path; i++)
        if (o->workload->check_size(o->sizes[i]) != 0) {
            status = cli_usage_error();
            goto done;
        }
    /* Impossible placements are input errors too: check them all now. */
    for (int i = 0; i < o->n_threads; i++) {
        struct sl_team *team;
        if (team_create(&team, m, &o->pin, o->threads[i]) != 0) {
            status = cli_usage_error();
            goto done;
        }
        team_destroy(team);
    }
    ctr_plan_probe(&o->counters);
    if (o->counters.sim && (sparse || ranks_count() > 1)) {
        sl_fail("--counters sim simulates the dense output in one process: drop --threshold/"
                "--top-quantile and mpirun, or the simulation");
        status = cli_usage_error();
        goto done;
    }
    if (reps)
        min_reps = max_reps = reps;
    if (min_reps > max_reps) {
        sl_fail("--min-reps (%ld) is larger than --max-reps (%ld)", min_reps, max_reps);
        status = cli_usage_error();
        goto done;
    }
    o->min_reps = (int)min_reps;
    o->max_reps = (int)max_reps;
    o->warmup = (int)warmup;
    o->budget_s = budget;
    o->seed = (uint64_t)seed;

    cli_run_id(&run, o->workload->name);
    /* One run, one name: rank 0's. */
    ranks_broadcast(run.run_id, sizeof run.run_id, 0);
    if (record)
        record_path = strdup(record);
    else {
        record_path = malloc(strlen(run.run_id) + 32);
        if (record_path)
            sprintf(record_path, "results/runs/%s.json", run.run_id);
    }
    csv_path = csv ? strdup(csv) : record_path ? replace_extension(record_path, ".csv") : NULL;
    if (!record_path || !csv_path) {
        sl_fail("out of memory");
        status = cli_usage_error();
        goto done;
    }
    if (o->output_path && o->n_sizes != 1) {
        sl_fail("--output needs exactly one size (got %d)", o->n_sizes);
        status = cli_usage_error();
        goto done;
    }
    if (o->output_path && !o->workload->save_output) {
        sl_fail("--output: kernel %s has no output to write", o->workload->name);
        status = cli_usage_error();
        goto done;
    }
    struct sl_problem_args output_args = {.keep = o->keep, .keep_value = o->keep_value};
    if (o->output_path && o->workload->check_output_path &&
        o->workload->check_output_path(o->output_path, &output_args) != 0) {
        status = cli_usage_error();
        goto done;
    }
    if (strcmp(record_path, csv_path) == 0 ||
        (o->output_path && (strcmp(o->output_path, record_path) == 0 ||
                            strcmp(o->output_path, csv_path) == 0))) {
        sl_fail("the record, the CSV table and --output must be different files");
        status = cli_usage_error();
        goto done;
    }
    if ((!record && util_make_parent_dirs(record_path) != 0) ||
        util_check_writable(record_path) != 0 || util_check_writable(csv_path) != 0 ||
        (o->output_path && util_check_writable(o->output_path) != 0) ||
        check_format_paths(format_paths, record_path, csv_path, o->output_path) != 0) {
        status = cli_usage_error();
        goto done;
    }
    if (sparse && make_spill_prefix(o, spill_dir, run.run_id) != 0) {
        status = cli_usage_error();
        goto done;
    }

    const struct sl_env_check *noise = &run.environment.checks[ENV_NOISE];
    envcheck_run(&run.environment, m->desc.pus_total, noise_limit / 100);
    if (strict_env && envcheck_noisy(&run.environment)) {
        sl_fail("--strict-env: the noise probe varies by CV %.1f%% (limit %.1f%%, --noise-limit): "
                "too noisy to measure; nothing was run",
                100 * noise->cv, 100 * noise->limit);
        status = cli_usage_error();
        goto done;
    }
    envcheck_print(&run.environment, stdout);
    status = cli_measure(o, m, &run, record_path, csv_path, format_paths);
done:
    sl_run_free(&run);
    free(o->variants);
    util_free_list(o->sizes, o->n_sizes > 0 ? o->n_sizes : 0);
    free(record_path);
    free(csv_path);
    free(o->spill_prefix);
    free(o);
    return status;
}
