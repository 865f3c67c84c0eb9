/* Drawing through gnuplot: the figures are real scripts under plots/ that
 * read data files; C only passes them variables (file names, titles, cache
 * sizes) and runs them once per output format. */
#ifndef SL_GNUPLOT_H
#define SL_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>

/* Folder of the .gp scripts: $SPEEDLAB_PLOTS_DIR, else the source tree's
 * plots/ (compiled in). */
const char *gnuplot_scripts_dir(void);
/* Whether a usable gnuplot is on PATH; if not, why (one line). */
bool gnuplot_available(char *why, size_t len);

/* Variable assignments handed to a script with `gnuplot -e`.  Values are data
 * (strings are quoted here), never program text. */
struct gp_vars {
    char *text;
    size_t len, cap;
};
void gp_var_str(struct gp_vars *v, const char *name, const char *value);
void gp_var_num(struct gp_vars *v, const char *name, double value);
void gp_var_int(struct gp_vars *v, const char *name, long value);
/* Appends every assignment of `more` to `v`. */
void gp_vars_extend(struct gp_vars *v, const struct gp_vars *more);
void gp_vars_free(struct gp_vars *v);

/* Runs plots/<script> with `vars` twice, writing out_base.png (pngcairo) and
 * out_base.svg; gnuplot's messages go to out_base.log.  0, or -1 with
 * sl_error() holding gnuplot's own complaint. */
int gnuplot_render(const char *script, const struct gp_vars *vars, const char *out_base);

#endif
