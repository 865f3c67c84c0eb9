/* ragged — sum of a list of lists of N rows x N int32 entries (SPEC 1.6).
 *
 * Reference loop:
 *
 *     total = 0                        (int64: exact, no overflow below 2^32 entries)
 *     for i in 0 .. N-1:
 *         for k in 0 .. N-1:
 *             total += rows[i][k]
 *
 * The same values are held in two layouts: one allocation per row reached
 * through a pointer table (a Python list of lists), and one contiguous
 * buffer with row offsets (CSR-like).  Output: the one int64 total.
 * Figure of merit: elements summed per second.
 */
#ifndef SL_RAGGED_H
#define SL_RAGGED_H

#include "kit/sl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entries are uniform in 0 .. RAGGED_VALUE_RANGE-1. */
#define RAGGED_VALUE_RANGE 1000

struct ragged_problem {
    size_t n;            /* rows, and entries per row */
    int32_t **rows;      /* pointer_per_row layout: rows[i] is its own allocation */
    size_t *row_length;  /* entries of rows[i] (all n here; kept as a list of lists has them) */
    int32_t *flat;       /* contiguous layout: row i is flat[offsets[i] .. offsets[i+1]) */
    size_t *offsets;     /* n + 1 entries */
    int64_t result;      /* written by the variant */
    int64_t reference;   /* serial sum, computed once when first needed */
    bool reference_known;
    uint64_t seed;
};

/* Value k of row i: depends only on (seed, i, k). */
void ragged_generate_row(int32_t *row, size_t length, uint64_t seed, size_t i);

/* The serial reference sum over the pointer-per-row layout. */
int64_t ragged_reference_sum(const struct ragged_problem *p);

extern const struct sl_variant ragged_variants[];
extern const struct sl_workload ragged_workload;

#endif
