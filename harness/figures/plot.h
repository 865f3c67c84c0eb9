/* `speedlab plot`: figures of one or more records through the gnuplot
 * scripts under plots/, and the run's HTML report beside them. */
#ifndef SL_PLOT_H
#define SL_PLOT_H

#include "results/record_read.h"

#include <stdbool.h>
#include <stddef.h>

#define PLOT_MAX_FIGURES 256

/* One figure the records could or could not support. */
struct plot_figure {
    char name[96];     /* file stem: speedup-cosine-600x1000 */
    char title[320];
    char caption[640]; /* what it shows, and how to read it */
    bool made;
    char why_not[400]; /* when not made: the reason, for the console and the report */
};

struct plot_set {
    struct loaded_record *records;
    size_t n_records;
    char (*labels)[96];         /* per record, for file names */
    char out_dir[4096];
    char run_name[256];
    struct plot_figure *figures; /* PLOT_MAX_FIGURES, allocated once */
    size_t n_figures;
};

/* How plot_records ended; the exit status of `speedlab plot`. */
enum plot_status { PLOT_DONE = 0, PLOT_FAILED = 1, PLOT_BAD_INPUT = 2 };
/* Every figure the records in `inputs` (record files, or folders of them)
 * support, and the report, into `out` (NULL: plots/<name>); `name` (NULL:
 * from the inputs) names the run.  Prints what it made and skipped, and
 * its errors. */
enum plot_status plot_records(char *const *inputs, int n_inputs, const char *out,
                              const char *name);

/* Writes <out_dir>/report.html: machine, build, environment, a summary per
 * workload, claims when a record holds them, and every figure inline (PNG as
 * data URIs, so the file stands alone and works offline). 0 or -1. */
int report_write(const struct plot_set *set, const char *path);

#endif
