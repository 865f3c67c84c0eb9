/* cosine's sparse output against the dense result filtered by the same
 * threshold: every kept pair present with the same value, none extra, for
 * several sizes, variants, schedules and thread counts; the exact quantile
 * against a brute-force sort; validation that catches a spoiled shard; the
 * memory plan refusing a budget that cannot hold the input. */
#include "check.h"
#include "kit/coo_shards.h"
#include "kit/memory.h"
#include "cosine/cosine.h"
#include "kit/npz.h"
#include "npz_read.h"
#include "run_variant.h"
#include "kit/triangle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char spill[256];

/* The dense upper triangle of `variant` at `size` (1 thread, static). */
static float *dense_result(const struct machine *m, const char *size, const char *variant)
{
    struct sl_problem_args args = {.size = size, .seed = 3, .validate = "full"};
    void *problem;
    if (cosine_workload.problem_create(&args, &problem) != 0) {
        CHECK(0, "dense %s: %s", size, sl_error());
        return NULL;
    }
    struct cosine_problem *p = problem;
    const struct sl_variant *v = sl_variant_find(&cosine_workload, variant);
    run_variant_once(m, &cosine_workload, p, v, 1, SL_SCHED_STATIC, "dense");
    float *out = malloc(p->n * p->n * sizeof *out);
    if (out)
        memcpy(out, p->out, p->n * p->n * sizeof *out);
    cosine_workload.problem_destroy(problem);
    return out;
}

static void *sparse_problem(const char *size, enum cosine_keep keep, double value,
                            int max_threads)
{
    struct cosine_options options = {.keep = keep, .keep_value = value};
    snprintf(options.spill_prefix, sizeof options.spill_prefix, "%s", spill);
    struct sl_problem_args args = {.size = size, .seed = 3, .validate = "full",
                                   .max_threads = max_threads, .options = &options};
    void *problem;
    if (cosine_workload.problem_create(&args, &problem) != 0) {
        CHECK(0, "sparse %s: %s", size, sl_error());
        return NULL;
    }
    return problem;
}

static double fact(void *problem, const char *key)
{
    struct sl_problem_info facts;
    cosine_workload.facts(problem, &facts);
    for (int k = 0; k < facts.n_params; k++)
        if (strcmp(facts.params[k].key, key) == 0)
            return facts.params[k].value;
    return NAN;
}

/* The written .npz holds exactly the pairs with |dense| >= cut, in (i, j)
 * order, with the dense values bit for bit. */
static void check_output(void *problem, const float *dense, size_t n, float cut,
                         const char *label)
{
    char path[300];
    snprintf(path, sizeof path, "%s.npz", spill);
    if (cosine_workload.save_output(problem, path) != 0) {
        CHECK(0, "%s: save: %s", label, sl_error());
        return;
    }
    uint64_t rows, cols, nnz;
    int32_t *row = NULL, *col = NULL;
    float *value = NULL;
    if (npz_read_coo(path, &rows, &cols, &nnz, &row, &col, &value) != 0) {
        CHECK(0, "%s: read back: %s", label, sl_error());
        return;
    }
    CHECK(rows == n && cols == n, "%s: shape %llu x %llu", label, (unsigned long long)rows,
          (unsigned long long)cols);
    uint64_t at = 0, missing = 0, wrong = 0, expected = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++) {
            float s = dense[i * n + j];
            if (!(fabsf(s) >= cut))
                continue;
            expected++;
            if (at < nnz && (size_t)row[at] == i && (size_t)col[at] == j) {
                wrong += memcmp(&value[at], &s, sizeof s) != 0;
                at++;
            } else {
                missing++;
            }
        }
    CHECK(missing == 0 && wrong == 0 && nnz == expected && at == nnz,
          "%s: %llu kept of %llu expected, %llu missing, %llu values differ, %llu extra", label,
          (unsigned long long)nnz, (unsigned long long)expected, (unsigned long long)missing,
          (unsigned long long)wrong, (unsigned long long)(nnz - at));
    free(row);
    free(col);
    free(value);
    unlink(path);
}

static void test_threshold_equals_dense(const struct machine *m)
{
    static const char *const sizes[] = {"1x1", "7x33", "40x129", "150x300"};
    static const char *const variants[] = {"rowmajor_naive", "rowmajor_fused",
                                           "rowmajor_fused_branchfree", "rowmajor_fused_avx2",
                                           "bitmask_scalar", "invindex_scalar"};
    const double threshold = 0.3;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
        for (size_t vi = 0; vi < sizeof variants / sizeof variants[0]; vi++) {
            const struct sl_variant *v = sl_variant_find(&cosine_workload, variants[vi]);
            if (sl_isa_missing(v->requires))
                continue;
            float *dense = dense_result(m, sizes[si], variants[vi]);
            void *problem = sparse_problem(sizes[si], COSINE_KEEP_THRESHOLD, threshold, 3);
            if (!dense || !problem)
                continue;
            struct cosine_problem *p = problem;
            for (int s = 0; s < SL_SCHED_COUNT; s++)
                for (int threads = 1; threads <= 3; threads++) {
                    char label[160];
                    snprintf(label, sizeof label, "%s %s %s t%d", sizes[si], variants[vi],
                             sl_schedule_name((enum sl_schedule)s), threads);
                    if (run_variant_once(m, &cosine_workload, p, v, threads, (enum sl_schedule)s,
                                         label) != 0)
                        continue;
                    struct sl_validation val;
                    CHECK(cosine_workload.validate(p, &val) == 0 && val.valid,
                          "%s: validation: %s", label, val.detail);
                    check_output(p, dense, p->n, (float)threshold, label);
                }
            free(dense);
            cosine_workload.problem_destroy(problem);
        }
}

static int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* numpy.quantile(|s|[s != 0], q) by sorting every value. */
static double brute_quantile(const float *dense, size_t n, double q, size_t *nonzero)
{
    float *values = malloc(tri_count(n) * sizeof *values);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            if (dense[i * n + j] != 0.0f)
                values[m++] = fabsf(dense[i * n + j]);
    qsort(values, m, sizeof *values, compare_float);
    *nonzero = m;
    double position = q * (double)(m - 1), result = NAN;
    if (m > 0) {
        size_t k = (size_t)floor(position);
        double fraction = position - (double)k;
        double next = k + 1 < m ? values[k + 1] : values[k];
        result = (double)values[k] + fraction * (next - (double)values[k]);
    }
    free(values);
    return result;
}

static void test_quantile_equals_brute_force(const struct machine *m)
{
    static const char *const sizes[] = {"40x129", "150x300", "300x1000"};
    static const double quantiles[] = {0.0, 0.5, 0.95, 0.999, 1.0};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        float *dense = dense_result(m, sizes[si], "invindex_scalar");
        if (!dense)
            continue;
        for (size_t qi = 0; qi < sizeof quantiles / sizeof quantiles[0]; qi++) {
            void *problem = sparse_problem(sizes[si], COSINE_KEEP_QUANTILE, quantiles[qi], 2);
            if (!problem)
                continue;
            struct cosine_problem *p = problem;
            const struct sl_variant *v = sl_variant_find(&cosine_workload, "invindex_scalar");
            enum sl_schedule schedule = qi % 2 ? SL_SCHED_FUSEDINDEX : SL_SCHED_DYNAMIC;
            char label[120];
            snprintf(label, sizeof label, "%s q=%g %s", sizes[si], quantiles[qi],
                     sl_schedule_name(schedule));
            if (run_variant_once(m, &cosine_workload, p, v, 2, schedule, label) == 0) {
                size_t nonzero;
                double expected = brute_quantile(dense, p->n, quantiles[qi], &nonzero);
                double got = fact(p, "threshold"), cut = fact(p, "cut_abs_value");
                CHECK(got == expected, "%s: quantile %.9g, brute force %.9g", label, got,
                      expected);
                CHECK(fact(p, "nonzero_pairs") == (double)nonzero, "%s: %g non-zero, brute %zu",
                      label, fact(p, "nonzero_pairs"), nonzero);
                CHECK(cut >= expected, "%s: cut %.9g below the quantile %.9g", label, cut,
                      expected);
                struct sl_validation val;
                CHECK(cosine_workload.validate(p, &val) == 0 && val.valid, "%s: validation: %s",
                      label, val.detail);
                /* Kept: exactly |s| >= the quantile, as numpy's S[|S| >= q]. */
                check_output(p, dense, p->n, (float)cut, label);
                size_t kept = 0;
                for (size_t i = 0; i < p->n; i++)
                    for (size_t j = i; j < p->n; j++)
                        kept += fabs((double)dense[i * p->n + j]) >= expected &&
                                dense[i * p->n + j] != 0.0f;
                CHECK(fact(p, "kept_pairs") == (double)kept, "%s: kept %g, brute force %zu", label,
                      fact(p, "kept_pairs"), kept);
            }
            cosine_workload.problem_destroy(problem);
        }
        free(dense);
    }
}

/* A value changed in a shard, or a pair dropped from it, is caught. */
static void test_validation_catches_spoiled_shards(const struct machine *m)
{
    void *problem = sparse_problem("60x200", COSINE_KEEP_THRESHOLD, 0.2, 1);
    if (!problem)
        return;
    const struct sl_variant *v = sl_variant_find(&cosine_workload, "rowmajor_fused_branchfree");
    char shard[300];
    snprintf(shard, sizeof shard, "%s.r0.0.coo", spill);
    for (int spoil = 0; spoil < 2; spoil++) {
        run_variant_once(m, &cosine_workload, problem, v, 1, SL_SCHED_STATIC, "spoil");
        FILE *fp = fopen(shard, "r+b");
        CHECK(fp != NULL, "open %s", shard);
        if (!fp)
            break;
        struct coo_entry entry;
        fseek(fp, 5 * sizeof entry, SEEK_SET);
        CHECK(fread(&entry, sizeof entry, 1, fp) == 1, "read an entry");
        if (spoil == 0) {
            entry.value *= 1.01f;
            fseek(fp, 5 * sizeof entry, SEEK_SET);
            fwrite(&entry, sizeof entry, 1, fp);
        } else {
            /* Drop the last entry: the file one entry shorter. */
            fseek(fp, 0, SEEK_END);
            long size = ftell(fp);
            CHECK(ftruncate(fileno(fp), size - (long)sizeof entry) == 0, "truncate");
        }
        fclose(fp);
        struct sl_validation val;
        cosine_workload.validate(problem, &val);
        CHECK(!val.valid, "spoil %d: validation passed: %s", spoil, val.detail);
        CHECK(strstr(val.detail, spoil == 0 ? "reference" : "missing") != NULL,
              "spoil %d: detail says what: %s", spoil, val.detail);
    }
    cosine_workload.problem_destroy(problem);
}

/* A budget below the input is refused before anything is allocated for
 * the pairs; a budget that fits plans buffers inside it. */
static void test_memory_plan(void)
{
    struct cosine_options options = {.keep = COSINE_KEEP_THRESHOLD, .keep_value = 0.5,
                                     .memory_budget = 4.0 * 1048576};
    snprintf(options.spill_prefix, sizeof options.spill_prefix, "%s", spill);
    struct sl_problem_args args = {.size = "2000x1000", .seed = 3, .validate = "auto",
                                   .max_threads = 2, .options = &options};
    void *problem = NULL;
    CHECK(cosine_workload.problem_create(&args, &problem) != 0 &&
              strstr(sl_error(), "smaller than the input"),
          "a 4 MiB budget for an 8 MiB input: %s", sl_error());
    /* Room for the input (2000 x 1008 floats) and this process, not for
     * the rows, histograms, scratch and buffers. */
    size_t rss = 0;
    CHECK(mem_rss_now(&rss) == 0, "VmRSS: %s", sl_error());
    options.memory_budget = (double)rss + 2000.0 * 1008 * 4 + 1048576;
    CHECK(cosine_workload.problem_create(&args, &problem) != 0 && strstr(sl_error(), "too small"),
          "a budget without room for buffers: %s", sl_error());
    options.memory_budget = 256.0 * 1048576;
    if (cosine_workload.problem_create(&args, &problem) != 0) {
        CHECK(0, "a 256 MiB budget: %s", sl_error());
        return;
    }
    struct sl_problem_info info;
    cosine_workload.describe(problem, &info);
    double planned = NAN, budget = NAN;
    for (int k = 0; k < info.n_params; k++) {
        if (strcmp(info.params[k].key, "memory_planned_bytes") == 0)
            planned = info.params[k].value;
        if (strcmp(info.params[k].key, "memory_budget_bytes") == 0)
            budget = info.params[k].value;
    }
    CHECK(planned <= budget && budget == options.memory_budget, "planned %g of budget %g", planned,
          budget);
    cosine_workload.problem_destroy(problem);
}

int main(void)
{
    struct machine m;
    if (machine_load(&m) != 0)
        return 1;
    snprintf(spill, sizeof spill, "/tmp/speedlab-sparse-test-%ld", (long)getpid());
    test_threshold_equals_dense(&m);
    test_quantile_equals_brute_force(&m);
    test_validation_catches_spoiled_shards(&m);
    test_memory_plan();
    machine_free(&m);
    return check_report("test_cosine_sparse");
}
