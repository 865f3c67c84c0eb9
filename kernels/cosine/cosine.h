/* cosine — overlap-scaled cosine similarity of all sample pairs (SPEC 1.1).
 *
 * Reference loop, for every pair i <= j of samples a = X[i], b = X[j] (d values):
 *
 *     ol = qd2 = rd2 = dot = 0
 *     for k in 0 .. d-1:
 *         if a[k] != 0 and b[k] != 0: ol += 1
 *         if b[k] != 0: qd2 += a[k]^2
 *         if a[k] != 0: rd2 += b[k]^2
 *         dot += a[k] * b[k]
 *     if ol == 0: ol = 1
 *     qd = sqrt(qd2) or 1 if 0;  rd = sqrt(rd2) or 1 if 0
 *     S[i][j] = dot / qd / rd * (1 - 1/ol)^2       (0 whenever ol <= 1)
 *
 * Output: the dense upper triangle of S (n x n float32, row-major; the
 * strict lower triangle is not written).  Figure of merit: pairs per second.
 *
 * Row sampling (size NxD@rows=R): the same n x d problem, but only the pairs
 * (i, j >= i) of R rows i spread evenly over 0..n-1 are computed, so a size
 * too large to compute whole is measured with its memory behaviour (the same
 * matrix, strides and cache misses) at R/n of the work.  The output then
 * holds those R rows: output row r is row_index[r] of S.
 */
#ifndef SL_COSINE_H
#define SL_COSINE_H

#include "kit/options.h"
#include "kit/sl.h"

#include <stdbool.h>

#include <math.h>
#include <stddef.h>

struct cosine_problem {
    size_t n;       /* samples */
    size_t d;       /* variables */
    size_t ld;      /* row stride of x in floats (d rounded up to 16) */
    float *x;       /* rowmajor layout: sample i is x[i*ld .. i*ld+d) */
    float *xc;      /* colmajor layout: sample i is xc[i], xc[n+i], ... (d x n) */
    float *out;     /* rows x n; output row r (cosine_out_row) holds S[row i][j] for j >= i */
    size_t nnz;     /* non-zero entries of x */
    double pair_overlap_total; /* sum over pairs of ol, for the sparse work model */
    /* The rows whose pairs are computed: all n (row_index NULL, row r is
     * sample r), or R sampled rows, ascending; row_pairs_before[r]: the
     * computed pairs in rows before r (R + 1 entries, sampled rows only). */
    size_t rows;
    size_t *row_index;
    size_t *row_pairs_before;
    size_t pairs; /* computed pairs: n(n+1)/2, or those of the sampled rows */
    char size_name[48];
    char source[256]; /* "generated, seed 42" or the input path */
    int validate_mode;
    /* This rank's share of the computed pairs, flattened row by row (all of
     * them with one rank). */
    size_t pair_begin, pair_end;
    /* Non-NULL: thresholded sparse output streamed to shards (sparse.c);
     * then out and xc are not allocated. */
    struct cosine_sparse *sparse;
};

enum { COSINE_VALIDATE_AUTO, COSINE_VALIDATE_FULL, COSINE_VALIDATE_SAMPLE };
/* Absolute and relative tolerance of a float32 variant against the double
 * reference: float32 sums of ~d products carry relative errors ~1e-7 * sqrt(d)
 * of sum |a_k b_k| / (qd rd) <= 1, far inside 1e-5. */
#define COSINE_TOL_ABS 1e-5
#define COSINE_TOL_REL 1e-4
/* Above this many element visits (pairs x d) the reference checks a sample. */
#define COSINE_FULL_CHECK_LIMIT 2e9
#define COSINE_SAMPLE_PAIRS 100000

static inline const float *cosine_row(const struct cosine_problem *p, size_t i)
{
    return p->x + i * p->ld;
}

/* Sample i of output row r. */
static inline size_t cosine_row_index(const struct cosine_problem *p, size_t r)
{
    return p->row_index ? p->row_index[r] : r;
}

static inline float *cosine_out_row(const struct cosine_problem *p, size_t r)
{
    return p->out + r * p->n;
}

/* The k-th computed pair (0 <= k < p->pairs): output row r, sample column j. */
void cosine_pair_at(const struct cosine_problem *p, size_t k, size_t *r, size_t *j);

/* The last step shared by every variant: s from the four sums. */
static inline float cosine_finish(int ol, float qd2, float rd2, float dot)
{
    if (ol <= 1)
        return 0.0f;
    float qd = sqrtf(qd2), rd = sqrtf(rd2);
    if (qd == 0.0f)
        qd = 1.0f;
    if (rd == 0.0f)
        rd = 1.0f;
    float scale = 1.0f - 1.0f / (float)ol;
    return dot / qd / rd * (scale * scale);
}

/* Straightforward scalar double-precision reference for one pair. */
double cosine_reference_pair(const struct cosine_problem *p, size_t i, size_t j);

/* Computes out[i][j0..j1) for one row i of the triangle. */
typedef void (*cosine_segment_fn)(const void *ctx, size_t i, size_t j0, size_t j1, float *out_row);

/* Runs `segment` over every computed pair i <= j of this rank's share under
 * ex->schedule: into the dense output, or (sparse) through the passes of the
 * sparse output.  tile == 1: the outer loop is over rows (static/dynamic/
 * guided) or over the flattened pair index (fusedindex).  tile > 1 (dense
 * output of all rows only): the same over tiles of `tile` rows, so a tile of
 * b rows stays in cache while a tile of a rows passes over it. */
int cosine_run_pairs(const struct cosine_problem *p, const struct sl_exec *ex,
                     cosine_segment_fn segment, const void *ctx, size_t tile);
/* One pass of that loop; sparse rows go to cosine_sparse_take(). */
void cosine_run_pass(const struct cosine_problem *p, const struct sl_exec *ex,
                     cosine_segment_fn segment, const void *ctx, size_t tile);

/* ---- cosine's own options (options.c) ---- */
/* The sparse output: dense, or keeping the pairs with |s| >= keep_value,
 * or those at or above the keep_value-quantile of the non-zero |s|. */
enum cosine_keep { COSINE_KEEP_DENSE, COSINE_KEEP_THRESHOLD, COSINE_KEEP_QUANTILE };
struct cosine_options {
    enum cosine_keep keep; /* --threshold, --top-quantile */
    double keep_value;
    double memory_budget;  /* --memory-budget: bytes the process may hold; 0: no budget */
    const char *spill_dir; /* --spill-dir, or NULL */
    char spill_prefix[4096]; /* <folder>/<run id>: where the shards go, set for the run */
};
/* The variants and schedules the sparse output measures unless the command
 * line names others. */
#define COSINE_SPARSE_VARIANTS "invindex_scalar"
#define COSINE_SPARSE_SCHEDULES "fusedindex"
extern const struct sl_option cosine_option_rows[];
int cosine_options_check(const void *options, const struct sl_run_context *ctx,
                         struct sl_selection *defaults);
int cosine_options_prepare(void *options, const struct sl_run_context *ctx);
void cosine_option_facts(const void *options, struct sl_option_facts *facts);
/* True when `options` (NULL: the defaults) ask for the sparse output. */
bool cosine_sparse_asked(const struct cosine_options *options);

/* ---- the sparse output (sparse.c) ---- */
struct sl_problem_info;
/* Refuses, before the input is allocated, a budget the input alone exceeds. */
int cosine_sparse_check_input(const struct cosine_problem *p, double budget, size_t baseline_rss);
/* Plans memory against opt->memory_budget for a team of up to max_threads
 * and opens this rank's shards at opt->spill_prefix; `baseline_rss` is the
 * process's resident set before the input existed. */
int cosine_sparse_create(struct cosine_problem *p, const struct cosine_options *opt,
                         int max_threads, size_t baseline_rss);
void cosine_sparse_destroy(struct cosine_problem *p);
int cosine_sparse_execute(const struct cosine_problem *p, const struct sl_exec *ex,
                          cosine_segment_fn segment, const void *ctx);
/* Worker w's row buffer (n floats) that segments write into. */
float *cosine_sparse_row_buffer(const struct cosine_problem *p, int w);
/* Worker w's computed row segment s[i][j0..j1), in row[j0..j1). */
void cosine_sparse_take(const struct cosine_problem *p, int w, size_t i, size_t j0, size_t j1,
                        const float *row);
/* Progress units per computed pair: passes and this rank's share folded in. */
double cosine_sparse_progress_scale(const struct cosine_problem *p);
int cosine_sparse_validate(struct cosine_problem *p, struct sl_validation *v);
int cosine_sparse_save(struct cosine_problem *p, const char *path);
void cosine_sparse_facts(const struct cosine_problem *p, struct sl_problem_info *facts);
void cosine_sparse_describe(const struct cosine_problem *p, struct sl_problem_info *info);
const char *cosine_sparse_unsupported(const struct cosine_problem *p, const struct sl_variant *v);


/* Work models (per execution) shared by the variants. */
void cosine_work_dense(const void *problem, struct sl_work *w);
void cosine_work_sparse(const void *problem, struct sl_work *w);

/* The forum's loops in C (forum.c); their rows are in the variant table. */
int cosine_run_colmajor_naive(void *problem, const struct sl_exec *ex);
int cosine_run_rowmajor_naive(void *problem, const struct sl_exec *ex);
int cosine_run_colmajor_split(void *problem, const struct sl_exec *ex);
int cosine_run_rowmajor_split(void *problem, const struct sl_exec *ex);
int cosine_run_colmajor_fused(void *problem, const struct sl_exec *ex);
int cosine_run_rowmajor_fused(void *problem, const struct sl_exec *ex);
int cosine_run_rowmajor_fused_noskip(void *problem, const struct sl_exec *ex);
int cosine_run_rowmajor_dot_divided(void *problem, const struct sl_exec *ex);
int cosine_run_rowmajor_dot_normalised(void *problem, const struct sl_exec *ex);

/* The variant table (variants.c), terminated by an entry without a name. */
extern const struct sl_variant cosine_variants[];
extern const struct sl_workload cosine_workload;

#endif
