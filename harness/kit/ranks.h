/* Processes of one run: MPI ranks when launched by mpirun (and built with
 * Open MPI), otherwise a single rank.  Everything here is a collective the
 * ranks call in the same order, or a no-op with one rank. */
#ifndef SL_RANKS_H
#define SL_RANKS_H

#include <stddef.h>
#include <stdint.h>

/* Joins MPI when a launcher started this process; 0, or -1 with sl_fail()
 * (launched by mpirun with more than one process but built without MPI). */
int ranks_init(int *argc, char ***argv);
void ranks_finalize(void);
/* Ends every rank (after an error on one of them). */
void ranks_abort(int status) __attribute__((noreturn));

int ranks_rank(void);
int ranks_count(void);
/* "Open MPI v4.1.4, ...": the library's own version string, or why none. */
const char *ranks_library(void);
/* The processor name of this rank (MPI) or the host name. */
void ranks_host(char *buf, size_t len);

/* Seconds this rank has spent inside the collectives below (waiting for the
 * others, mostly) since the last reset: a rank's busy time is its wall time
 * less this. */
double ranks_wait_seconds(void);
void ranks_wait_reset(void);

void ranks_barrier(void);
void ranks_sum_u64(uint64_t *values, size_t count);
void ranks_sum_double(double *values, size_t count);
void ranks_max_double(double *values, size_t count);
void ranks_min_int(int *values, size_t count);
/* Rank `root`'s bytes to every rank. */
void ranks_broadcast(void *buffer, size_t bytes, int root);
/* Every rank's value, on rank 0 into all[ranks_count()] (ignored elsewhere). */
void ranks_gather_double(double value, double *all);

#endif
