/* cosine's thresholded sparse output: the pairs with |s| >= T, streamed from
 * each worker through a fixed buffer into its own shard file (sorted by
 * (i, j) because every worker visits its pairs in that order), never the
 * dense matrix.  With --top-quantile Q, T is the exact Q-quantile of the
 * non-zero |s| over all pairs (numpy's default, linear interpolation), found
 * in two passes over the pairs by a two-level histogram of the float bits:
 * the first pass counts |s| by their top 16 bits, the second writes the
 * candidates at or above the bin that holds the quantile and counts that
 * bin's low 16 bits, which pins the order statistics down exactly.
 *
 * Memory is planned at creation against --memory-budget: the process's own
 * resident set, the input, every worker's row buffer and histograms, the
 * largest variant scratch and the merge buffers are fixed; what is left
 * becomes the workers' kept-pair buffers, so n only moves how often they are
 * flushed. */
#include "cosine.h"

#include "kit/coo_shards.h"
#include "kit/memory.h"
#include "kit/npz.h"
#include "kit/ranks.h"
#include "kit/triangle.h"
#include "kit/util.h"
#include "kit/workload_kit.h"

#include <float.h>
#include <inttypes.h>
#include <stdarg.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIGH_BINS 32768u /* top 16 bits of a non-negative float */
#define LOW_BINS 65536u
/* A worker_hist as plain words: high bins, both low ones, the non-zero count. */
#define HIST_WORDS (HIGH_BINS + 2 * LOW_BINS + 1)
/* Kept-pair buffer per worker without a budget (12 MiB), and the most a
 * budget gives one (48 MiB): beyond that, larger writes buy nothing. */
#define KEPT_BUFFER_DEFAULT ((size_t)1 << 20)
#define KEPT_BUFFER_MAX ((size_t)1 << 22)
#define KEPT_BUFFER_MIN ((size_t)4096)
#define MERGE_BUFFER_ENTRIES ((size_t)1 << 16)
/* Not planned item by item: thread stacks in use, the OpenMP and OpenBLAS
 * runtimes' own buffers, the npz writer's chunk, stdio. */
#define UNPLANNED_BYTES (8.0 * 1048576)

enum pass { PASS_KEEP, PASS_COUNT, PASS_CANDIDATES };

struct worker_hist {
    uint64_t high[HIGH_BINS];
    uint64_t low[2][LOW_BINS]; /* the low bits within bin_lo and bin_hi */
    uint64_t nonzero;
} __attribute__((aligned(64)));

struct cosine_sparse {
    double threshold; /* --threshold, or NAN */
    double quantile;  /* --top-quantile, or NAN */
    int workers;      /* row buffers, histograms and shards: the largest team */
    struct coo_shards shards;
    char prefix[4096]; /* shards of rank r: <prefix>.r<r>.<worker>.coo */
    float *rows;       /* workers x n */
    struct worker_hist *hist;
    uint64_t *sums; /* quantile only: this rank's, all ranks' and one pass's histogram sums */

    /* The pass under way, and what it keeps. */
    enum pass pass;
    float cut;               /* kept: |s| >= cut */
    uint32_t bin_lo, bin_hi; /* PASS_CANDIDATES: the bins of ranks k and k+1 */

    /* The last execution. */
    uint64_t nonzero;       /* pairs with s != 0, all ranks */
    uint64_t kept;          /* kept pairs, all ranks */
    uint64_t kept_here;     /* kept pairs of this rank */
    uint64_t shard_entries; /* entries this rank wrote (candidates included) */
    double quantile_value;  /* the Q-quantile itself, NAN without one */
    bool executed;

    /* The memory plan, bytes. */
    double budget, planned, baseline, input, per_worker, scratch, merge;
    size_t buffer_entries;
};

static uint32_t abs_bits(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits & 0x7fffffffu;
}

static float from_bits(uint32_t bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* The smallest float f with f >= t, so |s| >= t can be tested in float. */
static float float_at_or_above(double t)
{
    if (t > FLT_MAX)
        return INFINITY;
    float f = (float)t;
    return (double)f < t ? nextafterf(f, INFINITY) : f;
}

/* ---- memory plan -------------------------------------------------------- */

/* The largest scratch a variant takes on top of the input (see variants.c):
 * invindex's postings and row entries plus a sums array per worker, the
 * bitmasks, or the naive variants' masks. */
static double variant_scratch(const struct cosine_problem *p, int workers)
{
    double n = (double)p->n, d = (double)p->d, nnz = (double)p->nnz;
    double invindex = 8.0 * (d + 1) + 8.0 * (n + 1) + 20.0 * nnz + 16.0 * n * workers;
    double bitmask = 8.0 * n * (double)((p->d + 63) / 64);
    double naive = 2.0 * d * workers;
    return fmax(invindex, fmax(bitmask, naive));
}

static double input_bytes(const struct cosine_problem *p)
{
    return 4.0 * (double)p->n * (double)p->ld;
}

int cosine_sparse_check_input(const struct cosine_problem *p, double budget, size_t baseline_rss)
{
    double need = (double)baseline_rss + input_bytes(p);
    if (budget <= 0 || need <= budget)
        return 0;
    char need_text[32], budget_text[32];
    mem_format_bytes(need, need_text, sizeof need_text);
    mem_format_bytes(budget, budget_text, sizeof budget_text);
    return sl_fail("cosine %s: --memory-budget %s is smaller than the input alone (%s with the "
                   "process's own %zu MiB); nothing was run",
                   p->size_name, budget_text, need_text, baseline_rss >> 20);
}

static int plan_memory(struct cosine_problem *p, struct cosine_sparse *sp, double budget,
                       size_t baseline_rss)
{
    int ranks = ranks_count();
    sp->budget = budget;
    sp->baseline = (double)baseline_rss;
    sp->input = input_bytes(p);
    sp->per_worker = 4.0 * (double)p->n + (double)sizeof(struct worker_hist);
    sp->scratch = variant_scratch(p, sp->workers);
    /* Rank 0 merges every rank's shards for --output; validation merges its
     * own and holds its sample of pairs. */
    sp->merge = (double)ranks * sp->workers * (double)MERGE_BUFFER_ENTRIES *
                    sizeof(struct coo_entry) +
                8.0 * (3.0 * (double)p->n + COSINE_SAMPLE_PAIRS);
    double sums = isnan(sp->quantile) ? 0 : 3.0 * HIST_WORDS * sizeof(uint64_t);
    double fixed = sp->baseline + sp->input + sp->workers * sp->per_worker + sp->scratch +
                   sp->merge + sums + UNPLANNED_BYTES;
    double entry = sizeof(struct coo_entry);
    if (budget <= 0) {
        sp->buffer_entries = KEPT_BUFFER_DEFAULT;
    } else {
        double fit = (budget - fixed) / (sp->workers * entry);
        if (fit < (double)KEPT_BUFFER_MIN) {
            char need[32], have[32];
            mem_format_bytes(fixed + sp->workers * entry * (double)KEPT_BUFFER_MIN, need,
                             sizeof need);
            mem_format_bytes(budget, have, sizeof have);
            return sl_fail("cosine %s: --memory-budget %s is too small for %d worker%s: it needs "
                           "at least %s (input %.0f MiB, rows and histograms %.0f MiB, variant "
                           "scratch %.0f MiB, merge %.0f MiB, process %.0f MiB); nothing was run",
                           p->size_name, have, sp->workers, sp->workers == 1 ? "" : "s", need,
                           sp->input / 1048576, sp->workers * sp->per_worker / 1048576,
                           sp->scratch / 1048576, sp->merge / 1048576, sp->baseline / 1048576);
        }
        sp->buffer_entries = fit > (double)KEPT_BUFFER_MAX ? KEPT_BUFFER_MAX : (size_t)fit;
    }
    sp->planned = fixed + sp->workers * entry * (double)sp->buffer_entries;
    return 0;
}

int cosine_sparse_create(struct cosine_problem *p, const struct cosine_options *opt,
                         int max_threads, size_t baseline_rss)
{
    struct cosine_sparse *sp = calloc(1, sizeof *sp);
    if (!sp)
        return sl_fail("out of memory");
    p->sparse = sp;
    sp->threshold = opt->keep == COSINE_KEEP_THRESHOLD ? opt->keep_value : NAN;
    sp->quantile = opt->keep == COSINE_KEEP_QUANTILE ? opt->keep_value : NAN;
    sp->quantile_value = NAN;
    sp->workers = max_threads > 0 ? max_threads : omp_get_max_threads();
    if (!opt->spill_prefix[0])
        return sl_fail("cosine: no place for the sparse output's shards");
    if (plan_memory(p, sp, opt->memory_budget, baseline_rss) != 0)
        return -1;
    snprintf(sp->prefix, sizeof sp->prefix, "%s", opt->spill_prefix);
    sp->rows = util_alloc_aligned((size_t)sp->workers, p->n * sizeof(float), "row buffers");
    sp->hist = util_alloc_aligned((size_t)sp->workers, sizeof *sp->hist, "histograms");
    if (!isnan(sp->quantile))
        sp->sums = util_alloc(3 * HIST_WORDS, sizeof *sp->sums, "histogram sums");
    if (!sp->rows || !sp->hist || (!isnan(sp->quantile) && !sp->sums))
        return -1;
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s.r%d", sp->prefix, ranks_rank());
    return coo_shards_create(&sp->shards, prefix, sp->workers, sp->buffer_entries);
}

void cosine_sparse_destroy(struct cosine_problem *p)
{
    struct cosine_sparse *sp = p->sparse;
    if (!sp)
        return;
    coo_shards_destroy(&sp->shards, true);
    free(sp->rows);
    free(sp->hist);
    free(sp->sums);
    free(sp);
    p->sparse = NULL;
}

float *cosine_sparse_row_buffer(const struct cosine_problem *p, int w)
{
    return p->sparse->rows + (size_t)w * p->n;
}

double cosine_sparse_progress_scale(const struct cosine_problem *p)
{
    /* Every rank reports the whole job's progress as if the others kept
     * pace, so the total is the pairs of all ranks over all passes. */
    double share = (double)tri_count(p->n) / (double)(p->pair_end - p->pair_begin);
    return share / (isnan(p->sparse->quantile) ? 1.0 : 2.0);
}

const char *cosine_sparse_unsupported(const struct cosine_problem *p, const struct sl_variant *v)
{
    (void)p;
    const char *layout = v->axes.layout ? v->axes.layout : "";
    const char *algorithm = v->axes.algorithm ? v->axes.algorithm : "";
    if (strcmp(layout, "colmajor") == 0)
        return "the sparse output keeps one row-major copy of the input; column-major variants "
               "need a second";
    if (strcmp(algorithm, "blocked") == 0)
        return "tiles of rows visit pairs out of row order; the streamed shards need each "
               "worker's pairs in (i, j) order";
    if (strcmp(algorithm, "blas3") == 0)
        return "writes 64-row panels straight into the dense n x n output";
    return NULL;
}

/* ---- the passes --------------------------------------------------------- */

void cosine_sparse_take(const struct cosine_problem *p, int w, size_t i, size_t j0, size_t j1,
                        const float *row)
{
    struct cosine_sparse *sp = p->sparse;
    struct worker_hist *h = &sp->hist[w];
    uint64_t nonzero = 0;
    switch (sp->pass) {
    case PASS_KEEP:
        for (size_t j = j0; j < j1; j++) {
            float a = fabsf(row[j]);
            nonzero += a != 0.0f;
            if (a >= sp->cut)
                coo_shards_push(&sp->shards, w, (uint32_t)i, (uint32_t)j, row[j]);
        }
        break;
    case PASS_COUNT:
        for (size_t j = j0; j < j1; j++) {
            uint32_t bits = abs_bits(row[j]);
            if (bits) {
                h->high[bits >> 16]++;
                nonzero++;
            }
        }
        break;
    case PASS_CANDIDATES:
        for (size_t j = j0; j < j1; j++) {
            uint32_t bits = abs_bits(row[j]), bin = bits >> 16;
            if (!bits || bin < sp->bin_lo)
                continue;
            if (bin == sp->bin_lo)
                h->low[0][bits & 0xffffu]++;
            else if (bin == sp->bin_hi)
                h->low[1][bits & 0xffffu]++;
            coo_shards_push(&sp->shards, w, (uint32_t)i, (uint32_t)j, row[j]);
        }
        break;
    }
    h->nonzero += nonzero;
}

/* Sums the workers' histograms into `into` (high bins, then both low ones,
 * then the non-zero count). */
static void sum_workers(const struct cosine_sparse *sp, uint64_t *into)
{
    memset(into, 0, HIST_WORDS * sizeof *into);
    for (int w = 0; w < sp->workers; w++) {
        const uint64_t *h = (const uint64_t *)&sp->hist[w];
        for (size_t b = 0; b < HIST_WORDS; b++)
            into[b] += h[b];
    }
}

/* Bin of the value of rank `rank` (0-based, ascending) in counts[0..bins),
 * and how many values lie in the bins below it. */
static uint32_t bin_of_rank(const uint64_t *counts, uint32_t bins, uint64_t rank,
                            uint64_t *below)
{
    uint64_t seen = 0;
    for (uint32_t b = 0; b < bins; b++) {
        if (seen + counts[b] > rank) {
            *below = seen;
            return b;
        }
        seen += counts[b];
    }
    *below = seen;
    return bins - 1;
}

/* Pairs of counts (high bins, and the low bins of bin_lo/bin_hi) with |s|
 * at or above the float with bits `cut_bits`. */
static uint64_t count_at_or_above(const struct cosine_sparse *sp, const uint64_t *hist,
                                  uint32_t cut_bits)
{
    uint32_t bin = cut_bits >> 16, low = cut_bits & 0xffffu;
    uint64_t total = 0;
    for (uint32_t b = bin + 1; b < HIGH_BINS; b++)
        total += hist[b];
    const uint64_t *lows = hist + HIGH_BINS + (bin == sp->bin_lo ? 0 : LOW_BINS);
    for (uint32_t l = low; l < LOW_BINS; l++)
        total += lows[l];
    return total;
}

/* The histograms are 1.25 MiB per worker: cleared only where a pass
 * counts into them, so a threshold pass pays for its non-zero count alone. */
static void clear_histograms(struct cosine_sparse *sp)
{
    memset(sp->hist, 0, (size_t)sp->workers * sizeof *sp->hist);
}

int cosine_sparse_execute(const struct cosine_problem *p, const struct sl_exec *ex,
                          cosine_segment_fn segment, const void *ctx)
{
    struct cosine_sparse *sp = p->sparse;
    if (ex->threads > sp->workers)
        return sl_fail("cosine: %d threads, but the sparse output was planned for %d",
                       ex->threads, sp->workers);
    if (coo_shards_restart(&sp->shards) != 0)
        return -1;
    sp->executed = false;

    if (isnan(sp->quantile)) {
        for (int w = 0; w < sp->workers; w++)
            sp->hist[w].nonzero = 0;
        sp->pass = PASS_KEEP;
        sp->cut = float_at_or_above(sp->threshold);
        cosine_run_pass(p, ex, segment, ctx, 1);
        uint64_t counts[2] = {coo_shards_total(&sp->shards), 0};
        for (int w = 0; w < sp->workers; w++)
            counts[1] += sp->hist[w].nonzero;
        sp->kept_here = counts[0];
        ranks_sum_u64(counts, 2);
        sp->kept = counts[0];
        sp->nonzero = counts[1];
    } else {
        /* This rank's histograms, all ranks', and the workers' sums of a pass. */
        uint64_t *local = sp->sums, *global = local + HIST_WORDS, *pass_sum = global + HIST_WORDS;
        clear_histograms(sp);
        sp->pass = PASS_COUNT;
        cosine_run_pass(p, ex, segment, ctx, 1);
        sum_workers(sp, local);
        memcpy(global, local, HIST_WORDS * sizeof *local);
        ranks_sum_u64(global, HIST_WORDS);
        uint64_t m = global[HIST_WORDS - 1];
        sp->nonzero = m;
        if (m == 0) {
            sp->cut = INFINITY;
            sp->kept = sp->kept_here = 0;
            sp->quantile_value = NAN;
        } else {
            /* numpy.quantile(|s|[s != 0], Q): position Q (m - 1) between
             * the order statistics k and k + 1. */
            double position = sp->quantile * (double)(m - 1);
            uint64_t k = (uint64_t)floor(position);
            if (k > m - 1)
                k = m - 1;
            double fraction = position - (double)k;
            uint64_t next = k + 1 < m ? k + 1 : k, below_lo, below_hi;
            sp->bin_lo = bin_of_rank(global, HIGH_BINS, k, &below_lo);
            sp->bin_hi = bin_of_rank(global, HIGH_BINS, next, &below_hi);
            clear_histograms(sp);
            sp->pass = PASS_CANDIDATES;
            cosine_run_pass(p, ex, segment, ctx, 1);
            sum_workers(sp, pass_sum);
            uint64_t *low_lo = pass_sum + HIGH_BINS, *low_hi = low_lo + LOW_BINS;
            if (sp->bin_hi == sp->bin_lo)
                memcpy(low_hi, low_lo, LOW_BINS * sizeof *low_lo);
            /* The first pass's high bins with this pass's low ones. */
            memcpy(local + HIGH_BINS, low_lo, 2 * LOW_BINS * sizeof *local);
            memcpy(global + HIGH_BINS, low_lo, 2 * LOW_BINS * sizeof *local);
            ranks_sum_u64(global + HIGH_BINS, 2 * LOW_BINS);
            uint64_t unused;
            uint32_t low_k = bin_of_rank(global + HIGH_BINS, LOW_BINS, k - below_lo, &unused);
            uint32_t low_next =
                bin_of_rank(global + HIGH_BINS + LOW_BINS, LOW_BINS, next - below_hi, &unused);
            float v_k = from_bits(sp->bin_lo << 16 | low_k);
            float v_next = from_bits(sp->bin_hi << 16 | low_next);
            sp->quantile_value = (double)v_k + fraction * ((double)v_next - (double)v_k);
            /* No |s| lies strictly between the two order statistics. */
            sp->cut = fraction > 0 ? v_next : v_k;
            sp->kept = count_at_or_above(sp, global, abs_bits(sp->cut));
            sp->kept_here = count_at_or_above(sp, local, abs_bits(sp->cut));
        }
    }
    if (coo_shards_finish(&sp->shards) != 0)
        return -1;
    sp->shard_entries = coo_shards_total(&sp->shards);
    sp->executed = true;
    return 0;
}

/* ---- validation --------------------------------------------------------- */

struct sparse_check {
    double checked, failures, max_abs, max_rel;
    char first[180];
};

static void check_failed(struct sparse_check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void check_failed(struct sparse_check *c, const char *fmt, ...)
{
    if (c->failures++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->first, sizeof c->first, fmt, ap);
        va_end(ap);
    }
}

/* Pair (i, j) against the reference: kept exactly when |s| >= threshold,
 * except within the tolerance of the threshold, where float32 and the double
 * reference may fairly disagree. */
static void check_pair(const struct cosine_problem *p, double threshold, size_t i, size_t j,
                       bool present, float got, struct sparse_check *c)
{
    double ref = cosine_reference_pair(p, i, j);
    double tol = COSINE_TOL_ABS + COSINE_TOL_REL * fabs(ref);
    bool expected = fabs(ref) >= threshold;
    bool borderline = fabs(fabs(ref) - threshold) <= tol;
    c->checked += 1;
    if (present) {
        double err = fabs((double)got - ref);
        c->max_abs = fmax(c->max_abs, err);
        if (ref != 0)
            c->max_rel = fmax(c->max_rel, err / fabs(ref));
        if (!(err <= tol))
            check_failed(c, "(%zu, %zu): got %.9g, reference %.9g", i, j, got, ref);
        else if (!expected && !borderline)
            check_failed(c, "(%zu, %zu) kept, but |reference| %.9g is below the threshold %.9g", i,
                         j, fabs(ref), threshold);
    } else if (expected && !borderline) {
        check_failed(c, "(%zu, %zu) missing: |reference| %.9g is at or above the threshold %.9g", i,
                     j, fabs(ref), threshold);
    }
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The sample pairs of this rank's share, as sorted distinct pair indices:
 * the diagonal, the first row, the last column, then seeded random pairs. */
static size_t sample_pairs(const struct cosine_problem *p, uint64_t **out)
{
    size_t n = p->n, begin = p->pair_begin, end = p->pair_end, count = 0;
    uint64_t *k = malloc((3 * n + COSINE_SAMPLE_PAIRS) * sizeof *k);
    if (!k)
        return (size_t)-1;
#define ADD(i, j)                                                                                  \
    do {                                                                                           \
        uint64_t at = tri_row_start(n, (i)) + ((j) - (i));                                         \
        if (at >= begin && at < end)                                                               \
            k[count++] = at;                                                                       \
    } while (0)
    for (size_t i = 0; i < n; i++)
        ADD(i, i);
    for (size_t j = 1; j < n; j++)
        ADD((size_t)0, j);
    for (size_t i = 1; i + 1 < n; i++)
        ADD(i, n - 1);
#undef ADD
    uint64_t state = 12345 + (uint64_t)ranks_rank();
    for (int s = 0; s < COSINE_SAMPLE_PAIRS && end > begin; s++)
        k[count++] = begin + (uint64_t)(sl_rng_uniform01(&state) * (double)(end - begin)) %
                                 (end - begin);
    qsort(k, count, sizeof *k, compare_u64);
    size_t distinct = 0;
    for (size_t at = 0; at < count; at++)
        if (distinct == 0 || k[at] != k[distinct - 1])
            k[distinct++] = k[at];
    *out = k;
    return distinct;
}

int cosine_sparse_validate(struct cosine_problem *p, struct sl_validation *v)
{
    struct cosine_sparse *sp = p->sparse;
    const size_t n = p->n, begin = p->pair_begin, end = p->pair_end;
    const double pairs = (double)(end - begin);
    bool quantile = !isnan(sp->quantile);
    /* Quantile shards also hold the candidates under the cut. */
    double threshold = quantile ? (double)sp->cut : sp->threshold;
    bool full = p->validate_mode == COSINE_VALIDATE_FULL ||
                (p->validate_mode == COSINE_VALIDATE_AUTO &&
                 pairs * (double)p->d <= COSINE_FULL_CHECK_LIMIT);
    struct sparse_check c = {0};
    memset(v, 0, sizeof *v);
    if (!sp->executed)
        return sl_fail("cosine: nothing to validate (no execution finished)");

    struct coo_merge *m = coo_merge_open(sp->shards.paths, sp->shards.count, MERGE_BUFFER_ENTRIES,
                                         quantile ? sp->cut : 0.0f);
    uint64_t *sample = NULL;
    size_t n_sample = full ? 0 : sample_pairs(p, &sample);
    if (!m || n_sample == (size_t)-1) {
        coo_merge_close(m);
        return m ? sl_fail("out of memory for the validation sample") : -1;
    }
    /* Every stride-th kept entry is checked against the reference too. */
    uint64_t stride = full || sp->kept_here <= COSINE_SAMPLE_PAIRS
                          ? 1
                          : sp->kept_here / COSINE_SAMPLE_PAIRS;
    struct coo_entry chunk[4096];
    long got = 0, at = 0;
    uint64_t seen = 0, next_pair = begin; /* full: every pair up to here is done */
    size_t next_sample = 0;
    int rc = 0;
    for (;;) {
        if (at == got) {
            got = coo_merge_next(m, chunk, sizeof chunk / sizeof chunk[0]);
            at = 0;
            if (got < 0) {
                rc = -1;
                break;
            }
        }
        bool have = got > 0;
        const struct coo_entry *e = have ? &chunk[at] : NULL;
        uint64_t key = end;
        if (have) {
            if (e->row >= n || e->col < e->row || e->col >= n) {
                check_failed(&c, "entry (%u, %u) is outside the upper triangle of %zu x %zu",
                             e->row, e->col, n, n);
                at++;
                continue;
            }
            key = tri_row_start(n, e->row) + (e->col - e->row);
            if (key < begin || key >= end) {
                check_failed(&c, "entry (%u, %u) is outside this rank's pairs", e->row, e->col);
                at++;
                continue;
            }
            if (!(fabsf(e->value) >= sp->cut))
                check_failed(&c, "entry (%u, %u) = %.9g is below the cut %.9g", e->row, e->col,
                             e->value, sp->cut);
        }
        /* The absent pairs before this entry (or the end). */
        if (full) {
            for (; next_pair < key; next_pair++) {
                size_t i, j;
                tri_index_to_pair(n, next_pair, &i, &j);
                check_pair(p, threshold, i, j, false, 0.0f, &c);
            }
        } else {
            for (; next_sample < n_sample && sample[next_sample] < key; next_sample++) {
                size_t i, j;
                tri_index_to_pair(n, sample[next_sample], &i, &j);
                check_pair(p, threshold, i, j, false, 0.0f, &c);
            }
        }
        if (!have)
            break;
        bool in_sample = !full && next_sample < n_sample && sample[next_sample] == key;
        if (full || in_sample || seen % stride == 0)
            check_pair(p, threshold, e->row, e->col, true, e->value, &c);
        if (full)
            next_pair = key + 1;
        if (in_sample)
            next_sample++;
        seen++;
        at++;
    }
    coo_merge_close(m);
    free(sample);
    if (rc != 0)
        return -1;
    if (seen != sp->kept_here)
        check_failed(&c, "the shards hold %" PRIu64 " kept pairs, the execution counted %" PRIu64,
                     seen, sp->kept_here);

    v->method = full ? "every pair of the triangle: kept exactly when |reference| >= threshold, "
                       "values against the double-precision reference"
                     : "diagonal, first row, last column and 100000 seeded random pairs for "
                       "presence, and 100000 evenly spaced kept pairs for their values";
    v->checked = c.checked;
    v->total = pairs;
    v->failures = c.failures;
    v->max_abs_error = c.max_abs;
    v->max_rel_error = c.max_rel;
    v->tolerance_abs = COSINE_TOL_ABS;
    v->tolerance_rel = COSINE_TOL_REL;
    v->valid = c.failures == 0;
    if (c.failures)
        snprintf(v->detail, sizeof v->detail, "%.0f failures; first: %s", c.failures, c.first);
    else
        snprintf(v->detail, sizeof v->detail,
                 "%" PRIu64 " kept pairs (|s| >= %.9g); %.0f pairs checked, within %g + %g |ref|",
                 seen, threshold, c.checked, COSINE_TOL_ABS, COSINE_TOL_REL);
    return 0;
}

/* ---- output ------------------------------------------------------------- */

struct merged_stream {
    struct coo_merge *merge;
    struct coo_entry chunk[8192];
};

static int stream_rewind(void *ctx)
{
    return coo_merge_rewind(((struct merged_stream *)ctx)->merge);
}

static long stream_next(void *ctx, int32_t *row, int32_t *col, float *value, size_t max)
{
    struct merged_stream *s = ctx;
    size_t want = max < 8192 ? max : 8192;
    long got = coo_merge_next(s->merge, s->chunk, want);
    for (long e = 0; e < got; e++) {
        row[e] = (int32_t)s->chunk[e].row;
        col[e] = (int32_t)s->chunk[e].col;
        value[e] = s->chunk[e].value;
    }
    return got;
}

int cosine_sparse_save(struct cosine_problem *p, const char *path)
{
    struct cosine_sparse *sp = p->sparse;
    if (!sp->executed)
        return sl_fail("cosine: no sparse output to write (no execution finished)");
    int ranks = ranks_count(), count = ranks * sp->workers;
    char **paths = calloc((size_t)count, sizeof *paths);
    struct merged_stream *s = calloc(1, sizeof *s);
    int rc = -1;
    if (!paths || !s) {
        sl_fail("out of memory");
        goto done;
    }
    for (int r = 0, k = 0; r < ranks; r++)
        for (int w = 0; w < sp->workers; w++, k++) {
            size_t len = strlen(sp->prefix) + 48;
            paths[k] = malloc(len);
            if (!paths[k]) {
                sl_fail("out of memory");
                goto done;
            }
            snprintf(paths[k], len, "%s.r%d.%d.coo", sp->prefix, r, w);
        }
    s->merge = coo_merge_open(paths, count, MERGE_BUFFER_ENTRIES,
                              isnan(sp->quantile) ? 0.0f : sp->cut);
    if (!s->merge)
        goto done;
    struct npz_coo_stream stream = {s, stream_rewind, stream_next};
    rc = npz_write_coo(path, p->n, p->n, sp->kept, &stream);
done:
    if (s)
        coo_merge_close(s->merge);
    free(s);
    for (int k = 0; paths && k < count; k++)
        free(paths[k]);
    free(paths);
    return rc;
}

/* ---- description -------------------------------------------------------- */

void cosine_sparse_describe(const struct cosine_problem *p, struct sl_problem_info *info)
{
    const struct cosine_sparse *sp = p->sparse;
    int n = info->n_params;
#define PARAM(k, v) (info->params[n].key = (k), info->params[n++].value = (v))
    if (isnan(sp->quantile))
        PARAM("threshold", sp->threshold);
    else
        PARAM("top_quantile", sp->quantile);
    PARAM("ranks", ranks_count());
    PARAM("rank_pairs", (double)(p->pair_end - p->pair_begin));
    if (sp->budget > 0)
        PARAM("memory_budget_bytes", sp->budget);
    PARAM("memory_planned_bytes", sp->planned);
    PARAM("input_bytes", sp->input);
    PARAM("baseline_rss_bytes", sp->baseline);
    PARAM("kept_buffer_entries", (double)sp->buffer_entries);
    /* One execution touches the input and every worker's row buffer. */
    PARAM("working_set_bytes", sp->input + 4.0 * (double)p->n * sp->workers);
#undef PARAM
    info->n_params = n;
}

void cosine_sparse_facts(const struct cosine_problem *p, struct sl_problem_info *facts)
{
    const struct cosine_sparse *sp = p->sparse;
    int n = 0;
#define FACT(k, v) (facts->params[n].key = (k), facts->params[n++].value = (v))
    if (sp->executed) {
        FACT("kept_pairs", (double)sp->kept);
        FACT("nonzero_pairs", (double)sp->nonzero);
        FACT("kept_fraction", (double)sp->kept / (double)tri_count(p->n));
        if (isnan(sp->quantile)) {
            FACT("threshold", sp->threshold);
        } else {
            FACT("top_quantile", sp->quantile);
            if (!isnan(sp->quantile_value))
                FACT("threshold", sp->quantile_value);
        }
        if (isfinite(sp->cut))
            FACT("cut_abs_value", sp->cut);
        FACT("rank_kept_pairs", (double)sp->kept_here);
        FACT("rank_shard_bytes", (double)sp->shard_entries * sizeof(struct coo_entry));
    }
#undef FACT
    facts->n_params = n;
}
