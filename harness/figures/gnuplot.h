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
 * (strings are quoted here), never program text: inside gnuplot's single
 * quotes neither backquotes nor @macros are expanded, a ' is doubled and a
 * newline becomes a space, so no value can end its string early. */
struct gp_vars {
    char *text;
    size_t len, cap;
};
void gp_var_str(struct gp_vars *v, const char *name, const char *value);
void gp_var_num(struct gp_vars *v, const char *name, double value);
void gp_var_int(struct gp_vars *v, const char *name, long value);
/* A file name, in a form gnuplot cannot take for a command: gnuplot reads a
 * name beginning with '<' as a command to read from and one beginning with
 * '|' as a command to write to, and '-', '+', '++' and '' as special files,
 * so a relative path is given "./" in front (an absolute one is plain
 * already).  An empty path stays '' (the scripts' "none"). */
void gp_var_path(struct gp_vars *v, const char *name, const char *path);
/* Appends every assignment of `more` to `v`. */
void gp_vars_extend(struct gp_vars *v, const struct gp_vars *more);
void gp_vars_free(struct gp_vars *v);

/* Runs plots/<script> with `vars` twice, writing out_base.png (pngcairo) and
 * out_base.svg; gnuplot's messages go to out_base.log.
 *
 * Both figures are drawn into unpredictable temporaries beside them
 * (util_atomic_open) and renamed into place only when gnuplot succeeded and
 * each is complete (the PNG ends with its IEND chunk, the SVG with </svg>):
 * a failed or cut-short figure (disk full) leaves the previous files as they
 * were and no temporary.  gnuplot is given SPEEDLAB_GNUPLOT_TIMEOUT seconds
 * (default 60) per format, then killed: "gnuplot did not finish in 60 s".
 * It runs confined: a seccomp filter installed before exec denies it every
 * new process (fork, vfork, clone without CLONE_THREAD), so a '<command'
 * file name, `system()` or a backquote that reached it runs nothing.
 * 0, or -1 with sl_error() holding gnuplot's own complaint. */
int gnuplot_render(const char *script, const struct gp_vars *vars, const char *out_base);

#endif
