/* Test-only: reads a scipy sparse .npz (COO, as kit/npz.h writes it and
 * scipy.sparse.save_npz(..., compressed=False) does) back whole. */
#ifndef SL_TEST_NPZ_READ_H
#define SL_TEST_NPZ_READ_H

#include <stdint.h>

/* Checks format == coo, dtypes and lengths; -1 + sl_fail() on any problem
 * (missing, not a zip, missing member, wrong dtype, lengths differ, index out
 * of range, CRC mismatch).  The caller frees the arrays (NULL when nnz is 0). */
int npz_read_coo(const char *path, uint64_t *rows, uint64_t *cols, uint64_t *nnz, int32_t **row,
                 int32_t **col, float **value);

#endif
