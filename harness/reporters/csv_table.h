/* The CSV table of a run, for gnuplot, spreadsheets and scripts
 * (results/SCHEMA.md): a first line "# speedlab-csv run_id=ID results=N"
 * naming the record it was made from and how many results that record held,
 * the header, then one row per result.  A table whose first line disagrees
 * with its record (another run id, another count: a run killed between the
 * two writes, or a table left from an earlier run) is stale, and
 * `speedlab export --format csv RECORD -o TABLE` makes it again. */
#ifndef SL_CSV_TABLE_H
#define SL_CSV_TABLE_H

#include "results/model.h"

#include <stdio.h>

void csv_table_print(FILE *fp, const struct sl_run *run);
/* Replaces `path` atomically (util_atomic_open); 0, or -1 with sl_error(). */
int csv_table_write(const struct sl_run *run, const char *path);

#endif
