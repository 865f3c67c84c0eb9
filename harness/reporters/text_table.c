#include "reporters/text_table.h"

#include "kit/sl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int text_table_init(struct text_table *t, size_t n_columns, const char *const *header)
{
    memset(t, 0, sizeof *t);
    if (n_columns == 0 || n_columns > TEXT_TABLE_MAX_COLUMNS)
        return sl_fail("table with %zu columns", n_columns);
    t->n_columns = n_columns;
    const char *cells[TEXT_TABLE_MAX_COLUMNS];
    for (size_t c = 0; c < n_columns; c++) {
        t->left[c] = header[c][0] == '<';
        cells[c] = header[c] + t->left[c];
    }
    return text_table_add(t, cells);
}

int text_table_add(struct text_table *t, const char *const *cells)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        char **grown = realloc(t->cells, cap * t->n_columns * sizeof *grown);
        if (!grown)
            return sl_fail("out of memory");
        t->cells = grown;
        t->cap_rows = cap;
    }
    char **row = t->cells + t->n_rows * t->n_columns;
    for (size_t c = 0; c < t->n_columns; c++) {
        row[c] = strdup(cells[c] ? cells[c] : "");
        if (!row[c]) {
            for (size_t k = 0; k < c; k++)
                free(row[k]);
            return sl_fail("out of memory");
        }
    }
    t->n_rows++;
    return 0;
}

void text_table_print(const struct text_table *t, FILE *fp, bool markdown)
{
    size_t width[TEXT_TABLE_MAX_COLUMNS] = {0};
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < t->n_columns; c++) {
            size_t w = strlen(t->cells[r * t->n_columns + c]);
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->n_rows; r++) {
        char *const *row = t->cells + r * t->n_columns;
        for (size_t c = 0; c < t->n_columns; c++) {
            int w = (int)width[c];
            if (markdown)
                fprintf(fp, "| %s ", row[c]);
            else if (c + 1 == t->n_columns)
                fprintf(fp, "%*s", t->left[c] ? 0 : w, row[c]);
            else
                fprintf(fp, t->left[c] ? "%-*s  " : "%*s  ", w, row[c]);
        }
        fputs(markdown ? "|\n" : "\n", fp);
        if (markdown && r == 0) {
            for (size_t c = 0; c < t->n_columns; c++)
                fputs(t->left[c] ? "|---" : "|---:", fp);
            fputs("|\n", fp);
        }
    }
}

void text_table_free(struct text_table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

void text_seconds(double s, char *out, size_t len)
{
    if (!isfinite(s)) {
        snprintf(out, len, "n/a");
        return;
    }
    static const struct {
        double scale;
        const char *unit;
    } units[] = {{1, "s"}, {1e-3, "ms"}, {1e-6, "us"}, {1e-9, "ns"}};
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && fabs(s) < units[u].scale)
        u++;
    snprintf(out, len, "%.4g %s", s / units[u].scale, units[u].unit);
}
