/* NumPy .npy files: 2-D float32/float64 in, float32 out. */
#ifndef SL_NPY_H
#define SL_NPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads a 2-D little-endian float32 or float64 array, C or Fortran order,
 * into a new row-major float32 buffer (rows x cols).  Every problem (missing,
 * truncated, malformed header, wrong dtype or rank, non-finite or
 * out-of-range values) is -1 with a one-line sl_error(). */
int npy_read_matrix_f32(const char *path, size_t *rows, size_t *cols, float **data);
/* The same checks, every value included, without keeping the data: the file
 * is read in small pieces, so any size is checked in bounded memory.  0 with
 * its shape, or -1 with sl_error() as npy_read_matrix_f32 would say it. */
int npy_check_matrix_f32(const char *path, size_t *rows, size_t *cols);

/* Writes rows x cols float32, row r taken from `row(ctx, r, buffer)`, which
 * returns a pointer to `cols` floats (it may fill and return `buffer`).
 * Atomic: the file appears complete or not at all. */
typedef const float *(*npy_row_fn)(const void *ctx, size_t r, float *buffer);
int npy_write_matrix_f32(const char *path, size_t rows, size_t cols, npy_row_fn row,
                         const void *ctx);

/* The header block numpy (1.24, Debian 12) writes in front of an array's data:
 * magic, version, length, then the dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (N, M), }` with numpy's
 * spare spaces for growing the first axis, padded with spaces and a newline so
 * the data starts on a 64-byte boundary; version 1.0 while the length fits in
 * 16 bits, 2.0 beyond.  `ndim` 0 is a scalar (`'shape': ()`).  Returns the
 * block's length (a multiple of 64) written into `out`, or -1 with sl_error()
 * when `cap` is too small or ndim is outside [0, NPY_MAX_DIMS]. */
#define NPY_MAX_DIMS 32
#define NPY_HEADER_MAX 4096 /* enough for any rank up to NPY_MAX_DIMS */
long npy_format_header(unsigned char *out, size_t cap, const char *descr, bool fortran_order,
                       int ndim, const uint64_t *shape);

/* What a header dict says.  `ndim` may exceed NPY_MAX_DIMS (then only the
 * first NPY_MAX_DIMS extents are kept), so callers can say how many there were. */
struct npy_dict {
    char descr[16]; /* "<f4", "|S3" */
    bool fortran_order;
    int ndim;
    uint64_t shape[NPY_MAX_DIMS];
};
/* Parses the NUL-terminated header dict text of `path`; -1 with a one-line
 * sl_error() ("<path>: malformed .npy header (...)") if it is not one. */
int npy_parse_dict(const char *path, const char *dict, struct npy_dict *out);

#endif
