/* SciPy sparse .npz files: a COO matrix streamed out in bounded memory (the
 * tests read it back with tests/npz_read.h).  The file is what
 * scipy.sparse.save_npz(path, coo_matrix(...), compressed=False) writes, so
 * scipy.sparse.load_npz reads it. */
#ifndef SL_NPZ_H
#define SL_NPZ_H

#include <stddef.h>
#include <stdint.h>

/* A COO stream: entries (row, col, value) produced in a fixed order, possibly many GB, so
 * the writer pulls them in chunks and may read the stream several times (once per array). */
struct npz_coo_stream {
    void *ctx;
    int (*rewind)(void *ctx); /* back to the first entry; 0 or -1 with sl_fail() */
    /* Fills up to `max` entries into the three arrays; returns how many (0 at the end), or -1 with sl_fail(). */
    long (*next)(void *ctx, int32_t *row, int32_t *col, float *value, size_t max);
};

/* Writes members row.npy (<i4), col.npy (<i4), format.npy (|S3 b'coo', shape
 * ()), shape.npy (<i8, (2,)) and data.npy (<f4), stored uncompressed, ZIP64
 * where a member needs it, with fixed member times (1980-01-01, as numpy's
 * savez) so the same matrix gives a byte-identical file.  The stream is read
 * once per index/value array at zip_close() time through a chunk buffer of
 * about 3 MiB, whatever nnz is.  `nnz` must equal the number of entries the
 * stream yields, every row < rows and col < cols, and rows, cols < 2^31.
 * Atomic: written to a temporary beside `path` and renamed; on any error the
 * old file at `path` is untouched and no temporary is left.  0, or -1 with a
 * one-line sl_error(). */
int npz_write_coo(const char *path, uint64_t rows, uint64_t cols, uint64_t nnz,
                  const struct npz_coo_stream *s);

/* Checks, before any work, that `path` can become an .npz: ends in .npz, its directory
 * exists and is writable; -1 + one line. */
int npz_check_path(const char *path);

#endif
