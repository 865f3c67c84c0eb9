/* NumPy .npy files: 2-D float32/float64 in, float32 out. */
#ifndef SL_NPY_H
#define SL_NPY_H

#include <stddef.h>

/* Reads a 2-D little-endian float32 or float64 array, C or Fortran order,
 * into a new row-major float32 buffer (rows x cols).  Every problem (missing,
 * truncated, malformed header, wrong dtype or rank, non-finite or
 * out-of-range values) is -1 with a one-line sl_error(). */
int npy_read_matrix_f32(const char *path, size_t *rows, size_t *cols, float **data);

/* Writes rows x cols float32, row r taken from `row(ctx, r, buffer)`, which
 * returns a pointer to `cols` floats (it may fill and return `buffer`).
 * Atomic: the file appears complete or not at all. */
typedef const float *(*npy_row_fn)(const void *ctx, size_t r, float *buffer);
int npy_write_matrix_f32(const char *path, size_t rows, size_t cols, npy_row_fn row,
                         const void *ctx);

#endif
