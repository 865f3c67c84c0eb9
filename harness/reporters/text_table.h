/* A table of text cells printed aligned for a terminal or as GitHub markdown
 * (for CI comments): compare, history and export share it. */
#ifndef SL_TEXT_TABLE_H
#define SL_TEXT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TEXT_TABLE_MAX_COLUMNS 16

struct text_table {
    size_t n_columns;
    char **cells; /* row-major, n_rows x n_columns; row 0 is the header */
    size_t n_rows, cap_rows;
    bool left[TEXT_TABLE_MAX_COLUMNS]; /* left-aligned columns (else right) */
};

/* Header cells: a leading '<' makes a column left-aligned. */
int text_table_init(struct text_table *t, size_t n_columns, const char *const *header);
/* A row of n_columns cells (copied); NULL cells print as "". */
int text_table_add(struct text_table *t, const char *const *cells);
void text_table_print(const struct text_table *t, FILE *fp, bool markdown);
void text_table_free(struct text_table *t);

/* 16.86 ms, 3.2 us, 1.204 s: four significant digits and a unit. */
void text_seconds(double seconds, char *out, size_t len);

#endif
