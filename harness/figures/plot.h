/* `speedlab plot`: the figures records support, drawn by the gnuplot
 * scripts under plots/, their data as TSV, and report.html beside them. */
#ifndef SL_PLOT_H
#define SL_PLOT_H

#include "results/run_set.h"

struct hw_set;

#include <stddef.h>

/* How plot_runs ended; the exit status of `speedlab plot`. */
enum plot_status { PLOT_DONE = 0, PLOT_FAILED = 1 };

/* Every figure the runs support, their data (<out_dir>/data/) and the report
 * (<out_dir>/report.html, titled with `name`); with `machines` (the same
 * records grouped per machine; NULL or one machine: none) the figures and
 * the report's section comparing them (figures/machines.h).  A figure the runs cannot
 * support is skipped with the reason; one that cannot be drawn or written
 * fails with the reason, and the others are still drawn.  Prints each
 * figure made, skipped or failed and the report's path; errors on stderr.
 * PLOT_FAILED when gnuplot is missing, a figure failed or the report could
 * not be written. */
enum plot_status plot_runs(const struct run_set *runs, const struct hw_set *machines,
                           const char *out_dir, const char *name);

/* `text` as one plain file-name component, deterministically: every byte
 * but [A-Za-z0-9._-] becomes '_' (a '/', a control character, a byte of a
 * multi-byte character), a leading '.' too (no "..", no hidden file), ""
 * becomes "_", and it is cut to len - 1 bytes.  Names from records (run
 * ids, kernels, variants, sizes, schedules) reach paths only through it. */
void plot_safe_name(const char *text, char *out, size_t len);

#endif
