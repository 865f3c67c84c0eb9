/* Options declared once: every table (each command's, each kernel's) is
 * well formed; a row checks its argument against its range and its
 * member's type; the command line reaches kernel options only for their
 * kernel; the plan builder applies a kernel's default selection and facts. */
#include "check.h"

#include "cli/cli.h"
#include "cli/plan.h"
#include "cosine/cosine.h"
#include "kit/options.h"
#include "kit/sl.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- every table ------------------------------------------------------- */

static bool kind_takes_argument(enum sl_option_kind k)
{
    return k != SL_OPTION_FLAG;
}

static void check_row(const char *table, const struct sl_option *row)
{
    CHECK(row->name[0] && row->name[0] != '-', "%s: a row without a plain name", table);
    CHECK(row->group && row->help && row->help[0], "%s --%s: group and help", table, row->name);
    CHECK((row->arg != NULL) == kind_takes_argument(row->kind),
          "%s --%s: an argument name exactly when it takes an argument", table, row->name);
    if (row->kind == SL_OPTION_INT)
        CHECK(row->ints.min <= row->ints.max && row->ints.min >= INT_MIN && row->ints.max <= INT_MAX,
              "%s --%s: range inside int", table, row->name);
    if (row->kind == SL_OPTION_SIZE || row->kind == SL_OPTION_U64)
        CHECK(row->ints.min >= 0 && row->ints.min <= row->ints.max,
              "%s --%s: range inside its unsigned type", table, row->name);
    if (row->kind == SL_OPTION_REAL || row->kind == SL_OPTION_PERCENT ||
        row->kind == SL_OPTION_BYTES)
        CHECK(row->reals.min <= row->reals.max, "%s --%s: a range", table, row->name);
    if (row->kind == SL_OPTION_CHOICE)
        CHECK(row->choices && row->choices[0] && row->choices[1], "%s --%s: two choices or more",
              table, row->name);
    if (row->kind == SL_OPTION_CUSTOM)
        CHECK(row->parse != NULL, "%s --%s: a parser", table, row->name);
}

/* Names and letters once per command line; each group in one run of rows
 * (help lists a heading once); every default parses. */
static void check_table(const char *table, const struct sl_option *rows,
                        const struct sl_option *also)
{
    static char scratch[1 << 16]; /* larger than any options object */
    memset(scratch, 0, sizeof scratch);
    CHECK(sl_options_defaults(rows, scratch) == 0, "%s: defaults: %s", table, sl_error());
    for (size_t i = 0; rows && rows[i].name; i++) {
        check_row(table, &rows[i]);
        CHECK(strcmp(rows[i].name, "help") != 0, "%s: --help is every command's", table);
        CHECK(!sl_options_find(also, rows[i].name), "%s --%s: also an option of the command",
              table, rows[i].name);
        bool new_group = i == 0 || strcmp(rows[i - 1].group, rows[i].group) != 0;
        for (size_t k = 0; k < i; k++) {
            CHECK(strcmp(rows[k].name, rows[i].name) != 0, "%s --%s: declared twice", table,
                  rows[i].name);
            CHECK(!rows[i].letter || rows[k].letter != rows[i].letter, "%s -%c: twice", table,
                  rows[i].letter);
            CHECK(!new_group || strcmp(rows[k].group, rows[i].group) != 0,
                  "%s --%s: group '%s' split", table, rows[i].name, rows[i].group);
        }
    }
}

static void test_every_table(void)
{
    size_t n_kernels, visible = 0;
    const struct sl_workload *const *kernels = sl_workloads(&n_kernels);
    for (size_t c = 0; cli_commands[c]; c++) {
        const struct cli_command *cmd = cli_commands[c];
        CHECK(cli_command_find(cmd->name) == cmd, "%s: found by name", cmd->name);
        CHECK(cmd->main && cmd->operands, "%s: a handler and operands", cmd->name);
        visible += cmd->summary != NULL;
        check_table(cmd->name, cmd->options, NULL);
        for (size_t k = 0; cmd->kernel_options && k < n_kernels; k++) {
            const struct sl_workload *w = kernels[k];
            check_table(w->name, w->options, cmd->options);
            CHECK(!w->options || w->options_size > 0, "%s: options need an object", w->name);
        }
    }
    CHECK(visible == 10, "10 visible commands, got %zu", visible);
}

/* ---- one row, its range and its member's type -------------------------- */

struct sample {
    int i;
    size_t z;
    uint64_t u;
    double r, pct, bytes;
    int choice;
    bool flag;
};

static const char *const words[] = {"one", "two", "three", NULL};

static const struct sl_option sample_rows[] = {
    {.name = "int", .arg = "N", .group = "g", .help = "h", .kind = SL_OPTION_INT,
     .offset = offsetof(struct sample, i), .ints = {0, LLONG_MAX}},
    {.name = "size", .arg = "N", .group = "g", .help = "h", .kind = SL_OPTION_SIZE,
     .offset = offsetof(struct sample, z), .ints = {0, 1000}},
    {.name = "u64", .arg = "N", .group = "g", .help = "h", .kind = SL_OPTION_U64,
     .offset = offsetof(struct sample, u), .ints = {0, LLONG_MAX}},
    {.name = "real", .arg = "X", .group = "g", .help = "h", .kind = SL_OPTION_REAL,
     .offset = offsetof(struct sample, r), .reals = {-1, 1}},
    {.name = "pct", .arg = "P", .group = "g", .help = "h", .kind = SL_OPTION_PERCENT,
     .offset = offsetof(struct sample, pct), .reals = {0, 100}},
    {.name = "bytes", .arg = "S", .group = "g", .help = "h", .kind = SL_OPTION_BYTES,
     .offset = offsetof(struct sample, bytes), .reals = {1, 1024}},
    {.name = "choice", .arg = "W", .group = "g", .help = "h", .def = "two",
     .kind = SL_OPTION_CHOICE, .offset = offsetof(struct sample, choice), .choices = words},
    {.name = "flag", .group = "g", .help = "h", .kind = SL_OPTION_FLAG,
     .offset = offsetof(struct sample, flag)},
    {0},
};

static bool refused(const char *name, const char *arg, const char *why)
{
    struct sample s = {0};
    return sl_option_apply(sl_options_find(sample_rows, name), arg, &s) != 0 &&
           strstr(sl_error(), why) != NULL;
}

static void test_rows(void)
{
    struct sample s = {0};
    CHECK(sl_options_defaults(sample_rows, &s) == 0 && s.choice == 1, "choice default: %d",
          s.choice);
    /* The member's type bounds a range declared wider. */
    CHECK(refused("int", "2147483648", "[0, 2147483647]"), "int past INT_MAX: %s", sl_error());
    CHECK(sl_option_apply(&sample_rows[0], "2147483647", &s) == 0 && s.i == INT_MAX, "INT_MAX");
    CHECK(refused("int", "12abc", "must be an integer"), "trailing text: %s", sl_error());
    CHECK(refused("size", "-1", "[0, 1000]"), "size below 0: %s", sl_error());
    CHECK(sl_option_apply(&sample_rows[2], "9223372036854775807", &s) == 0 &&
              s.u == 9223372036854775807ull,
          "u64 at its range's top");
    CHECK(refused("u64", "9223372036854775808", "must be an integer"), "u64 past its range");
    CHECK(refused("u64", "-1", "must be an integer"), "u64 below 0: %s", sl_error());
    CHECK(refused("real", "nan", "must be a number in [-1, 1]"), "NaN: %s", sl_error());
    CHECK(refused("real", "1e400", "must be a number"), "overflow: %s", sl_error());
    CHECK(sl_option_apply(&sample_rows[4], "5%", &s) == 0 && fabs(s.pct - 0.05) < 1e-15,
          "5%% is 0.05: %g", s.pct);
    CHECK(refused("pct", "101", "--pct (percent) must be a number in [0, 100]"), "percent range");
    /* Sizes are held to the range once the unit is applied. */
    CHECK(sl_option_apply(&sample_rows[5], "1K", &s) == 0 && s.bytes == 1024, "1K: %g", s.bytes);
    CHECK(refused("bytes", "2K", "must be a size from 1 B to 1.0 KiB"), "2K: %s", sl_error());
    CHECK(refused("bytes", "1e300T", "too large to be a size"), "1e300T: %s", sl_error());
    CHECK(refused("choice", "four", "--choice must be one, two or three, not 'four'"),
          "choice: %s", sl_error());
    CHECK(sl_option_apply(&sample_rows[7], NULL, &s) == 0 && s.flag, "flag");
}

/* ---- the command line, and kernel options -------------------------------- */

static int parse_run(struct run_args *a, struct cli_parsed *p, int argc, const char *const *args)
{
    char *argv[16];
    for (int i = 0; i < argc; i++)
        argv[i] = (char *)args[i];
    *a = (struct run_args){0};
    return cli_parse(&cli_run_command, argc, argv, a, p);
}

static void test_command_line(void)
{
    struct run_args a;
    struct cli_parsed p;
    const char *line[] = {"run", "--threshold", "0.5", "cosine", "--reps", "4", "--quiet"};
    CHECK(parse_run(&a, &p, 7, line) == CLI_PARSED, "parse: %s", sl_error());
    CHECK(p.n_operands == 1 && strcmp(p.operands[0], "cosine") == 0, "the kernel is an operand");
    CHECK(a.reps == 4 && a.quiet && a.min_reps == 7 && a.max_reps == 100 &&
              strcmp(a.threads, "1,max") == 0 && fabs(a.noise_limit - 0.05) < 1e-15,
          "values and the table's defaults");
    CHECK(p.n_kernel == 1 && strcmp(p.kernel[0].name, "threshold") == 0, "a kernel option kept");
    void *options = NULL;
    CHECK(plan_workload_options(&cosine_workload, &options) == 0 &&
              cli_apply_kernel_options(&p, &cosine_workload, options) == 0,
          "cosine takes --threshold: %s", sl_error());
    const struct cosine_options *co = options;
    CHECK(co && co->keep == COSINE_KEEP_THRESHOLD && co->keep_value == 0.5, "stored in cosine's");
    free(options);
    const struct sl_workload *stream = sl_workload_find("stream");
    CHECK(stream && cli_apply_kernel_options(&p, stream, NULL) != 0 &&
              strstr(sl_error(), "--threshold is an option of kernel cosine, not of stream"),
          "another kernel's option: %s", sl_error());
    cli_parsed_free(&p);

    const char *help[] = {"run", "cosine", "--reps", "0", "--help"};
    CHECK(parse_run(&a, &p, 5, help) == CLI_HELP && a.reps == 0, "--help wins, nothing applied");
    cli_parsed_free(&p);
    const char *missing[] = {"run", "cosine", "--reps"};
    CHECK(parse_run(&a, &p, 3, missing) < 0 &&
              strstr(sl_error(), "option '--reps' needs an argument (N;"),
          "missing argument: %s", sl_error());
}

/* ---- the plan builder ---------------------------------------------------- */

static void test_plan(const struct machine *m, const char *dir)
{
    char record[512], run_id[96];
    snprintf(record, sizeof record, "%s/r.json", dir);
    struct run_args a;
    CHECK(plan_run_defaults(&a) == 0, "run's defaults: %s", sl_error());
    a.threads = "2,1,2,1";
    a.sizes = "tiny";
    a.record = record;
    a.oversubscribe = true;
    struct run_plan plan;
    CHECK(plan_build(&a, &cosine_workload, NULL, "speedlab test", m, &plan, run_id,
                     sizeof run_id) == 0,
          "dense plan: %s", sl_error());
    const struct run_options *o = plan.options;
    if (o) {
        CHECK(o->n_threads == 2 && o->threads[0] == 1 && o->threads[1] == 2, "threads sorted");
        CHECK(!o->option_facts.section && o->min_reps == 7 && strcmp(o->validate, "auto") == 0,
              "no options used; defaults");
        CHECK(strstr(plan.csv_path, "/r.csv") && strstr(run_id, "-cosine-"), "csv and run id");
        for (int f = 0; f < SL_N_EXPORT_FORMATS; f++)
            CHECK(!plan.format_paths[f], "no --%s asked for", sl_export_formats[f].name);
        size_t all = 0;
        while (cosine_workload.variants[all].name)
            all++;
        CHECK(o->n_variants == (int)all && o->n_schedules == SL_SCHED_COUNT,
              "every variant, every schedule one of them supports");
    }
    plan_free(&plan);

    /* 'all' is what the selected variants support (stream: static alone); a
     * schedule none of them supports is refused, never planned as skips. */
    const struct sl_workload *stream = sl_workload_find("stream");
    a.sizes = "tiny";
    CHECK(stream && plan_build(&a, stream, NULL, "speedlab test", m, &plan, run_id,
                               sizeof run_id) == 0 &&
              plan.options->n_schedules == 1 && plan.options->schedules[0] == SL_SCHED_STATIC,
          "stream's schedules: %s", sl_error());
    plan_free(&plan);
    a.schedules = "static,dynamic";
    CHECK(stream &&
              plan_build(&a, stream, NULL, "speedlab test", m, &plan, run_id, sizeof run_id) != 0 &&
              strstr(sl_error(), "no selected stream variant runs under dynamic"),
          "a schedule no variant supports: %s", sl_error());
    plan_free(&plan);
    a.schedules = NULL;

    /* cosine's options change the default selection and fill the facts. */
    struct cosine_options *co = NULL;
    CHECK(plan_workload_options(&cosine_workload, (void **)&co) == 0 && co, "cosine's object");
    co->keep = COSINE_KEEP_QUANTILE;
    co->keep_value = 0.9;
    co->memory_budget = 256.0 * 1048576;
    co->spill_dir = dir;
    CHECK(plan_build(&a, &cosine_workload, co, "speedlab test", m, &plan, run_id,
                     sizeof run_id) == 0,
          "sparse plan: %s", sl_error());
    o = plan.options;
    if (o) {
        CHECK(o->n_variants == 1 && strcmp(o->variants[0]->name, COSINE_SPARSE_VARIANTS) == 0 &&
                  o->n_schedules == 1 && o->schedules[0] == SL_SCHED_FUSEDINDEX,
              "the sparse default selection");
        CHECK(o->option_facts.section && strcmp(o->option_facts.section, "sparse_output") == 0 &&
                  sl_option_facts_number(&o->option_facts, SL_FACT_MEMORY_BUDGET) ==
                      256.0 * 1048576 &&
                  isnan(sl_option_facts_number(&o->option_facts, "keep")),
              "facts: section, budget; a string is not a number");
        const struct cosine_options *prepared = o->workload_options;
        CHECK(strncmp(prepared->spill_prefix, dir, strlen(dir)) == 0 &&
                  strstr(prepared->spill_prefix, run_id),
              "shards under --spill-dir, named by the run: %s", prepared->spill_prefix);
    }
    plan_free(&plan);

    /* A selection given on the command line stays; a cross-option rule is
     * the kernel's. */
    CHECK(plan_workload_options(&cosine_workload, (void **)&co) == 0 && co, "cosine's object");
    co->memory_budget = 1048576;
    CHECK(plan_build(&a, &cosine_workload, co, "speedlab test", m, &plan, run_id,
                     sizeof run_id) != 0 &&
              !plan.options && strstr(sl_error(), "--memory-budget bounds the streamed sparse output"),
          "--memory-budget alone: %s", sl_error());
    CHECK(plan_workload_options(&cosine_workload, (void **)&co) == 0 && co, "cosine's object");
    co->keep = COSINE_KEEP_THRESHOLD;
    co->keep_value = 0.5;
    co->spill_dir = dir;
    a.variants = "bitmask_scalar";
    CHECK(plan_build(&a, &cosine_workload, co, "speedlab test", m, &plan, run_id,
                     sizeof run_id) == 0 &&
              (o = plan.options) && o->n_variants == 1 &&
              strcmp(o->variants[0]->name, "bitmask_scalar") == 0 && o->n_schedules == 1 &&
              o->schedules[0] == SL_SCHED_FUSEDINDEX,
          "named variants stay, schedules follow the kernel: %s", sl_error());
    plan_free(&plan);

    /* The --FORMAT files: each a file of its own, handed to the plan. */
    char gbench[512], bmf[512];
    snprintf(gbench, sizeof gbench, "%s/r.gb.json", dir);
    snprintf(bmf, sizeof bmf, "%s/r.bmf.json", dir);
    a.variants = NULL;
    a.formats[SL_EXPORT_FORMAT_gbench] = gbench;
    a.formats[SL_EXPORT_FORMAT_bmf] = bmf;
    CHECK(plan_build(&a, &cosine_workload, NULL, "speedlab test", m, &plan, run_id,
                     sizeof run_id) == 0 &&
              strcmp(plan.format_paths[SL_EXPORT_FORMAT_gbench], gbench) == 0 &&
              strcmp(plan.format_paths[SL_EXPORT_FORMAT_bmf], bmf) == 0,
          "--gbench and --bmf in the plan: %s", sl_error());
    plan_free(&plan);
    a.formats[SL_EXPORT_FORMAT_bmf] = gbench;
    CHECK(plan_build(&a, &cosine_workload, NULL, "speedlab test", m, &plan, run_id,
                     sizeof run_id) != 0 &&
              strstr(sl_error(), "--bmf") && strstr(sl_error(), "is the same file as --gbench"),
          "--bmf the same file as --gbench: %s", sl_error());
    a.formats[SL_EXPORT_FORMAT_bmf] = record;
    CHECK(plan_build(&a, &cosine_workload, NULL, "speedlab test", m, &plan, run_id,
                     sizeof run_id) != 0 &&
              strstr(sl_error(), "is the same file as --record"),
          "--bmf the record: %s", sl_error());
}

int main(void)
{
    test_every_table();
    test_rows();
    test_command_line();
    struct machine m;
    char dir[] = "/tmp/speedlab-options-XXXXXX";
    if (machine_load(&m) == 0 && mkdtemp(dir)) {
        test_plan(&m, dir);
        rmdir(dir);
        machine_free(&m);
    } else {
        CHECK(0, "machine or temporary folder: %s", sl_error());
    }
    return check_report("options");
}
