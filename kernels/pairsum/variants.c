/* pairsum variants and the table that registers them.  Every loop variant
 * runs the same n x n loop, rows i split over the threads under
 * schedule(runtime), all of row i's terms x_i x_j added one by one; they
 * differ only in where each term is added. */
#include "pairsum.h"

#include "kit/util.h"

#include <omp.h>
#include <stdlib.h>

/* ---- one shared accumulator, every term added to it ------------------- */

/* The tutorial's unsynchronised counter: load, add, store with no lock.
 * volatile makes every term a real load and store to the one shared
 * variable, so concurrent updates overwrite each other (lost updates).  A
 * deliberate data race; with one thread it is exact. */
static int run_race(void *problem, const struct sl_exec *ex)
{
    struct pairsum_problem *p = problem;
    const double *x = p->x;
    size_t n = p->n;
    volatile double shared_sum = 0.0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                shared_sum += x[i] * x[j];
        sl_worker_end(ex);
    }
    p->sum = shared_sum;
    return 0;
}

static int run_atomic(void *problem, const struct sl_exec *ex)
{
    struct pairsum_problem *p = problem;
    const double *x = p->x;
    size_t n = p->n;
    double shared_sum = 0.0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double term = x[i] * x[j];
#pragma omp atomic update
                shared_sum += term;
            }
        sl_worker_end(ex);
    }
    p->sum = shared_sum;
    return 0;
}

/* The tutorial's lock around every update: right, and serial. */
static int run_critical(void *problem, const struct sl_exec *ex)
{
    struct pairsum_problem *p = problem;
    const double *x = p->x;
    size_t n = p->n;
    double shared_sum = 0.0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double term = x[i] * x[j];
#pragma omp critical(pairsum_shared_sum)
                shared_sum += term;
            }
        sl_worker_end(ex);
    }
    p->sum = shared_sum;
    return 0;
}

/* ---- private sums --------------------------------------------------------- */

/* Each thread's sum lives in a register; OpenMP adds the thread sums once,
 * at the end of the region (after sl_worker_end). */
static int run_reduction(void *problem, const struct sl_exec *ex)
{
    struct pairsum_problem *p = problem;
    const double *x = p->x;
    size_t n = p->n;
    double sum = 0.0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads) reduction(+ : sum)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(runtime) nowait
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                sum += x[i] * x[j];
        sl_worker_end(ex);
    }
    p->sum = sum;
    return 0;
}

/* A per-thread partial sum that goes through memory on every term (volatile,
 * as an array slot a compiler could not keep in a register would), so the
 * cache line it lives in matters. */
static void add_rows_to_partial(const double *x, size_t n, volatile double *partial)
{
#pragma omp for schedule(runtime) nowait
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            *partial += x[i] * x[j];
}

/* Partials side by side in one array: up to eight threads' slots share a
 * 64-byte line, and every store by one thread takes the line away from the
 * others (false sharing). */
static int run_partials_packed(void *problem, const struct sl_exec *ex)
{
    struct pairsum_problem *p = problem;
    double *partial = calloc((size_t)ex->threads, sizeof *partial);
    if (!partial)
        return sl_fail("pairsum: out of memory for %d partial sums", ex->threads);
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        add_rows_to_partial(p->x, p->n, &partial[omp_get_thread_num()]);
        sl_worker_end(ex);
    }
    double sum = 0.0;
    for (int t = 0; t < ex->threads; t++)
        sum += partial[t];
    free(partial);
    p->sum = sum;
    return 0;
}

/* The same partials, one per 64-byte cache line. */
struct padded_partial {
    _Alignas(64) double value;
};

static int run_partials_padded(void *problem, const struct sl_exec *ex)
{
    struct pairsum_problem *p = problem;
    struct padded_partial *partial =
        util_alloc_aligned((size_t)ex->threads, sizeof *partial, "pairsum partial sums");
    if (!partial)
        return -1;
    for (int t = 0; t < ex->threads; t++)
        partial[t].value = 0.0;
    sl_exec_apply_outer_schedule(ex);
#pragma omp parallel num_threads(ex->threads)
    {
        sl_worker_begin(ex);
        add_rows_to_partial(p->x, p->n, &partial[omp_get_thread_num()].value);
        sl_worker_end(ex);
    }
    double sum = 0.0;
    for (int t = 0; t < ex->threads; t++)
        sum += partial[t].value;
    free(partial);
    p->sum = sum;
    return 0;
}

/* ---- the algebra: S = (sum x)^2 ----------------------------------------- */

static int run_algebraic(void *problem, const struct sl_exec *ex)
{
    struct pairsum_problem *p = problem;
    const double *x = p->x;
    size_t n = p->n;
    double sum_x = 0.0;
#pragma omp parallel num_threads(ex->threads) reduction(+ : sum_x)
    {
        sl_worker_begin(ex);
#pragma omp for schedule(static) nowait
        for (size_t i = 0; i < n; i++)
            sum_x += x[i];
        sl_worker_end(ex);
    }
    p->sum = sum_x * sum_x;
    return 0;
}

/* ---- the table -------------------------------------------------------- */

#define PAIRSUM_SCHEDS (SL_SCHED_BIT(SL_SCHED_STATIC) | SL_SCHED_BIT(SL_SCHED_GUIDED))

const struct sl_variant pairsum_variants[] = {
    {.name = "race",
     .axes = {.isa = "scalar", .algorithm = "race"},
     .schedules = PAIRSUM_SCHEDS,
     .summary = "unsynchronised += of every term on one shared volatile double (tutorial T1)",
     .run = run_race,
     .work = pairsum_work_pairs,
     .known_defect = "deliberate data race: unsynchronised += on one shared accumulator loses "
                     "updates"},
    {.name = "atomic",
     .axes = {.isa = "scalar", .algorithm = "atomic"},
     .schedules = PAIRSUM_SCHEDS,
     .summary = "omp atomic update of one shared sum per term",
     .run = run_atomic,
     .work = pairsum_work_pairs},
    {.name = "critical",
     .axes = {.isa = "scalar", .algorithm = "critical"},
     .schedules = PAIRSUM_SCHEDS,
     .summary = "omp critical around every update of one shared sum (a lock per term)",
     .run = run_critical,
     .work = pairsum_work_pairs},
    {.name = "reduction",
     .axes = {.isa = "scalar", .algorithm = "reduction"},
     .schedules = PAIRSUM_SCHEDS,
     .summary = "OpenMP reduction(+:sum): a private sum per thread in a register",
     .run = run_reduction,
     .work = pairsum_work_pairs},
    {.name = "partials_packed",
     .axes = {.layout = "packed", .isa = "scalar", .algorithm = "partials"},
     .schedules = PAIRSUM_SCHEDS,
     .summary = "per-thread partials adjacent in one array, stored every term (false sharing)",
     .run = run_partials_packed,
     .work = pairsum_work_pairs},
    {.name = "partials_padded",
     .axes = {.layout = "padded", .isa = "scalar", .algorithm = "partials"},
     .schedules = PAIRSUM_SCHEDS,
     .summary = "per-thread partials, one 64-byte cache line each, stored every term",
     .run = run_partials_padded,
     .work = pairsum_work_pairs},
    {.name = "algebraic",
     .axes = {.isa = "scalar", .algorithm = "algebraic"},
     .schedules = SL_SCHED_BIT(SL_SCHED_STATIC),
     .summary = "(sum x)^2 with a parallel reduction: O(n), not O(n^2); units still n^2 pairs",
     .run = run_algebraic,
     .work = pairsum_work_algebraic},
    {0},
};
