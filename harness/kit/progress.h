/* A live progress line on stderr for long executions (hours at real scale):
 * units done, rate and time left, throttled, safe to feed from every worker.
 *
 *   progress cosine/invindex_scalar/fusedindex/t2: 41.2% (6.93e+08 of 1.68e+09 pairs), 54.1 Mpair/s, 18 s left
 *
 * On a terminal the line is redrawn in place (\r, cut to the terminal's width
 * so it never wraps) and cleared at the end; elsewhere, when forced on, one
 * newline-terminated line per interval.  The rate is the average since start:
 * rows differ in cost (sparsity), so a short window would jump about while
 * the whole-run average settles on the time left.  Lines appear only from within
 * sl_progress_add(): a single add that takes longer than the interval shows
 * nothing new until it returns. */
#ifndef SL_PROGRESS_H
#define SL_PROGRESS_H

#include <stdio.h>

enum sl_progress_mode {
    SL_PROGRESS_AUTO, /* on only when the stream (stderr) is a terminal */
    SL_PROGRESS_ON,
    SL_PROGRESS_OFF,
};

struct sl_progress;

/* label e.g. "cosine/invindex_scalar/fusedindex/t2"; total units of work (e.g.
 * pairs; <= 0 when unknown: no percentage or time left); unit e.g. "pair".
 * Nothing is printed before `delay_s` have passed (short runs stay silent),
 * then at most once per `interval_s`.  Returns NULL (a valid no-op handle)
 * when the mode resolves to off or on allocation failure. */
struct sl_progress *sl_progress_start(enum sl_progress_mode mode, const char *label,
                                      double total_units, const char *unit, double delay_s,
                                      double interval_s);

/* Thread-safe and cheap (one atomic add and one clock read; call it per row
 * or chunk of work, not per pair): adds units, counted as whole units (each
 * add rounded to the nearest; negative and NaN adds ignored).  When the
 * interval has passed, exactly one caller prints (try-lock: the others never
 * wait).  NULL is a no-op. */
void sl_progress_add(struct sl_progress *p, double units);

/* Units added so far (exact); 0 for NULL. */
double sl_progress_done(const struct sl_progress *p);

/* Ends it: on a terminal clears the line if one was drawn; frees.  Call it
 * after the workers are done.  NULL is a no-op. */
void sl_progress_finish(struct sl_progress *p);

/* Tests: replace the clock (seconds, monotonic) and the output stream and
 * whether it counts as a terminal; NULL restores util_now() and stderr.  Not
 * thread-safe; a handle keeps the stream it was started with. */
void sl_progress_set_clock(double (*now)(void));
void sl_progress_set_stream(FILE *fp, int is_terminal);

#endif
