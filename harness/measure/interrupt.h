/* Stopping a run by SIGINT or SIGTERM.  The first signal asks the runner to
 * stop after the current repetition (runner_interrupted) and says so on
 * stderr, with the time the repetition should still take; a second one ends
 * the process at once (status `exit_status`), leaving every file the run
 * has written whole: the record of each finished measurement stays, and a
 * record being rewritten just then is finished first (kit/files.h,
 * util_atomic_exit). */
#ifndef SL_INTERRUPT_H
#define SL_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t runner_interrupted;

void interrupt_install(int exit_status);
/* Before an execution: it should take about `seconds` (NAN: unknown), for
 * the first signal's message.  Async-signal-safe to race with a handler. */
void interrupt_expect(double seconds);

#endif
