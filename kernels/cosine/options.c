/* cosine's own options: the streamed sparse output (--threshold,
 * --top-quantile), its memory budget and where its shards go. */
#include "cosine.h"

#include "kit/options.h"
#include "kit/util.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cosine_sparse_asked(const struct cosine_options *options)
{
    return options && options->keep != COSINE_KEEP_DENSE;
}

static int keep(struct cosine_options *o, enum cosine_keep mode, double value)
{
    if (o->keep != COSINE_KEEP_DENSE && o->keep != mode)
        return sl_fail("--threshold and --top-quantile are exclusive: give one");
    o->keep = mode;
    o->keep_value = value;
    return 0;
}

static int parse_threshold(const struct sl_option *row, const char *arg, void *options)
{
    double t;
    if (sl_option_real(row, arg, &t) != 0)
        return -1;
    if (!(t > 0))
        return sl_fail("--threshold must be above 0 (zeros are never stored); got '%s'", arg);
    return keep(options, COSINE_KEEP_THRESHOLD, t);
}

static int parse_top_quantile(const struct sl_option *row, const char *arg, void *options)
{
    double q;
    if (sl_option_real(row, arg, &q) != 0)
        return -1;
    return keep(options, COSINE_KEEP_QUANTILE, q);
}

const struct sl_option cosine_option_rows[] = {
    {.name = "threshold", .arg = "T", .group = "sparse output",
     .help = "keep the pairs with |s| >= T (T > 0)",
     .kind = SL_OPTION_CUSTOM, .reals = {0, 1e30}, .parse = parse_threshold},
    {.name = "top-quantile", .arg = "Q", .group = "sparse output",
     .help = "keep the pairs at or above the Q-quantile of the non-zero |s| (0 <= Q <= 1, e.g. "
             "0.95), computed exactly over all pairs as numpy.quantile does (linear); costs a "
             "second pass; the threshold it found is recorded",
     .kind = SL_OPTION_CUSTOM, .reals = {0, 1}, .parse = parse_top_quantile},
    {.name = "memory-budget", .arg = "SIZE", .group = "sparse output",
     .help = "bytes the process may hold (e.g. 512M, 2G): the input, per-thread rows, "
             "histograms and scratch are planned first, the rest becomes the kept-pair "
             "buffers; refused before any work when it cannot fit.  Each result records its "
             "peak resident memory.",
     .def_text = "none", .kind = SL_OPTION_BYTES,
     .offset = offsetof(struct cosine_options, memory_budget), .reals = {1, 0x1p50}},
    {.name = "spill-dir", .arg = "DIR", .group = "sparse output",
     .help = "where the shards go; removed at the end.  Under MPI a folder every rank can "
             "reach.",
     .def_text = "the --output folder, else results/runs", .kind = SL_OPTION_TEXT,
     .offset = offsetof(struct cosine_options, spill_dir)},
    {0},
};

int cosine_options_check(const void *options, const struct sl_run_context *ctx,
                         struct sl_selection *defaults)
{
    (void)ctx;
    const struct cosine_options *o = options;
    bool sparse = cosine_sparse_asked(o);
    if (o->memory_budget > 0 && !sparse)
        return sl_fail("--memory-budget bounds the streamed sparse output: add --threshold T or "
                       "--top-quantile Q");
    if (o->spill_dir && !sparse)
        return sl_fail("--spill-dir holds the sparse output's shards: add --threshold T or "
                       "--top-quantile Q");
    if (sparse) {
        defaults->variants = COSINE_SPARSE_VARIANTS;
        defaults->schedules = COSINE_SPARSE_SCHEDULES;
    }
    return 0;
}

/* The shards' folder: --spill-dir, the --output folder, or results/runs
 * (made when missing); checked writable now, before any work. */
static int spill_folder(const struct cosine_options *o, const char *output, char *dir, size_t len)
{
    const char *slash = output ? strrchr(output, '/') : NULL;
    if (o->spill_dir)
        snprintf(dir, len, "%s", o->spill_dir);
    else if (slash)
        snprintf(dir, len, "%.*s", (int)(slash - output), output);
    else
        snprintf(dir, len, "%s", output ? "." : "results/runs");
    if (dir[0] == 0)
        snprintf(dir, len, "/");
    struct stat info;
    if (!o->spill_dir && !output && stat(dir, &info) != 0) {
        char probe[4200];
        snprintf(probe, sizeof probe, "%s/x", dir);
        if (util_make_parent_dirs(probe) != 0)
            return -1;
    }
    if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode))
        return sl_fail("--spill-dir '%s' is not a folder", dir);
    if (access(dir, W_OK | X_OK) != 0)
        return sl_fail("cannot write shards into '%s': %s", dir, strerror(errno));
    return 0;
}

int cosine_options_prepare(void *options, const struct sl_run_context *ctx)
{
    struct cosine_options *o = options;
    if (!cosine_sparse_asked(o))
        return 0;
    char dir[4096];
    if (spill_folder(o, ctx->output_path, dir, sizeof dir) != 0)
        return -1;
    int len = snprintf(o->spill_prefix, sizeof o->spill_prefix, "%s/%s", dir, ctx->run_id);
    if (len < 0 || (size_t)len >= sizeof o->spill_prefix)
        return sl_fail("--spill-dir '%s': the path is too long", dir);
    return 0;
}

void cosine_option_facts(const void *options, struct sl_option_facts *facts)
{
    const struct cosine_options *o = options;
    *facts = (struct sl_option_facts){0};
    if (!cosine_sparse_asked(o))
        return;
    facts->section = "sparse_output";
    facts->facts[0].key = "keep";
    facts->facts[0].text = o->keep == COSINE_KEEP_THRESHOLD ? "threshold" : "top_quantile";
    facts->facts[1].key = "value";
    facts->facts[1].number = o->keep_value;
    facts->facts[2].key = SL_FACT_MEMORY_BUDGET;
    facts->facts[2].number = o->memory_budget > 0 ? o->memory_budget : NAN;
    facts->facts[3].key = "spill_prefix";
    facts->facts[3].text = o->spill_prefix;
    facts->n = 4;
}
