/* The upper triangle {(i, j) : 0 <= i <= j < n} flattened row by row:
 * k = row_start(i) + (j - i).  Used by the fused-index schedule, which gives
 * every thread the same number of pairs instead of the same number of rows. */
#ifndef SL_TRIANGLE_H
#define SL_TRIANGLE_H

#include <math.h>
#include <stddef.h>

static inline size_t tri_count(size_t n)
{
    return n * (n + 1) / 2;
}

/* Index of (i, i): rows 0..i-1 hold n, n-1, ..., n-i+1 entries. */
static inline size_t tri_row_start(size_t n, size_t i)
{
    return i * n - i * (i - 1) / 2; /* i = 0: 0 * (size_t)-1 == 0 */
}

static inline void tri_index_to_pair(size_t n, size_t k, size_t *i, size_t *j)
{
    /* Solve row_start(i) <= k for the largest i in floating point, then
     * correct the rounding exactly in integers. */
    double b = 2.0 * (double)n + 1.0;
    double r = (b - sqrt(b * b - 8.0 * (double)k)) / 2.0;
    size_t row = r > 0 ? (size_t)r : 0;
    if (row >= n)
        row = n - 1;
    while (row > 0 && tri_row_start(n, row) > k)
        row--;
    while (row + 1 < n && tri_row_start(n, row + 1) <= k)
        row++;
    *i = row;
    *j = row + (k - tri_row_start(n, row));
}

/* Part `part` of `parts` equal contiguous shares of [0, total). */
static inline void tri_partition(size_t total, int parts, int part, size_t *begin, size_t *end)
{
    *begin = (size_t)((unsigned __int128)total * (unsigned)part / (unsigned)parts);
    *end = (size_t)((unsigned __int128)total * (unsigned)(part + 1) / (unsigned)parts);
}

#endif
