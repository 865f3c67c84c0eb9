#include "kit/ranks.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SPEEDLAB_HAVE_MPI
#include <mpi.h>
#endif

static int rank_self, rank_total = 1;
#ifdef SPEEDLAB_HAVE_MPI
static int mpi_active; /* MPI_Init ran: a launcher started this process */
#endif
static double waited_s;

double ranks_wait_seconds(void)
{
    return waited_s;
}

void ranks_wait_reset(void)
{
    waited_s = 0;
}

/* The variables Open MPI, MPICH (Hydra) and PMIx set in the processes they
 * launch; a plain start of speedlab never initialises MPI. */
static long launcher_size(void)
{
    static const char *const names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return strtol(v, NULL, 10);
    }
    return getenv("PMIX_RANK") ? 2 : 0;
}

int ranks_init(int *argc, char ***argv)
{
    long size = launcher_size();
#ifdef SPEEDLAB_HAVE_MPI
    if (size > 0) {
        int provided;
        /* Only the main thread calls MPI, between parallel regions. */
        if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            return sl_fail("MPI_Init_thread failed");
        mpi_active = 1;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_self);
        MPI_Comm_size(MPI_COMM_WORLD, &rank_total);
    }
#else
    (void)argc;
    (void)argv;
    if (size > 1)
        return sl_fail("started by an MPI launcher with %ld processes, but this speedlab was "
                       "built without MPI (apt-get install libopenmpi-dev, then rebuild)",
                       size);
#endif
    return 0;
}

void ranks_finalize(void)
{
#ifdef SPEEDLAB_HAVE_MPI
    if (mpi_active)
        MPI_Finalize();
    mpi_active = 0;
#endif
}

void ranks_abort(int status)
{
#ifdef SPEEDLAB_HAVE_MPI
    if (mpi_active && rank_total > 1)
        MPI_Abort(MPI_COMM_WORLD, status);
#endif
    exit(status);
}

int ranks_rank(void)
{
    return rank_self;
}

int ranks_count(void)
{
    return rank_total;
}

const char *ranks_library(void)
{
#ifdef SPEEDLAB_HAVE_MPI
    static char version[MPI_MAX_LIBRARY_VERSION_STRING];
    if (!version[0]) {
        int len = 0;
        MPI_Get_library_version(version, &len);
        /* The first line is the name and version; the rest is build detail. */
        version[strcspn(version, "\n")] = 0;
    }
    return version;
#else
    return "none (built without MPI)";
#endif
}

void ranks_host(char *buf, size_t len)
{
#ifdef SPEEDLAB_HAVE_MPI
    if (mpi_active) {
        char name[MPI_MAX_PROCESSOR_NAME];
        int n = 0;
        MPI_Get_processor_name(name, &n);
        snprintf(buf, len, "%.*s", n, name);
        return;
    }
#endif
    if (gethostname(buf, len) != 0)
        snprintf(buf, len, "unknown");
    buf[len - 1] = 0;
}

#ifdef SPEEDLAB_HAVE_MPI
static bool several(void)
{
    return mpi_active && rank_total > 1;
}

void ranks_barrier(void)
{
    if (mpi_active)
        MPI_Barrier(MPI_COMM_WORLD);
}

/* In place, timed as waiting (see ranks_wait_seconds). */
static void allreduce(void *values, size_t count, MPI_Datatype type, MPI_Op op)
{
    if (several() && count > 0) {
        double start = util_now();
        MPI_Allreduce(MPI_IN_PLACE, values, (int)count, type, op, MPI_COMM_WORLD);
        waited_s += util_now() - start;
    }
}

void ranks_sum_u64(uint64_t *values, size_t count)
{
    allreduce(values, count, MPI_UINT64_T, MPI_SUM);
}

void ranks_sum_double(double *values, size_t count)
{
    allreduce(values, count, MPI_DOUBLE, MPI_SUM);
}

void ranks_max_double(double *values, size_t count)
{
    allreduce(values, count, MPI_DOUBLE, MPI_MAX);
}

void ranks_min_int(int *values, size_t count)
{
    allreduce(values, count, MPI_INT, MPI_MIN);
}

void ranks_broadcast(void *buffer, size_t bytes, int root)
{
    if (several() && bytes > 0)
        MPI_Bcast(buffer, (int)bytes, MPI_BYTE, root, MPI_COMM_WORLD);
}

void ranks_gather_double(double value, double *all)
{
    if (several())
        MPI_Gather(&value, 1, MPI_DOUBLE, all, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    else
        all[0] = value;
}
#else
/* One rank: every collective is a no-op. */
void ranks_barrier(void) {}
void ranks_sum_u64(uint64_t *values, size_t count) { (void)values, (void)count; }
void ranks_sum_double(double *values, size_t count) { (void)values, (void)count; }
void ranks_max_double(double *values, size_t count) { (void)values, (void)count; }
void ranks_min_int(int *values, size_t count) { (void)values, (void)count; }
void ranks_broadcast(void *buffer, size_t bytes, int root)
{
    (void)buffer, (void)bytes, (void)root;
}
void ranks_gather_double(double value, double *all)
{
    all[0] = value;
}
#endif
