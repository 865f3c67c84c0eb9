/* Subcommands of the speedlab program. Each returns the exit status. */
#ifndef SL_CLI_H
#define SL_CLI_H

#include "measure/machine.h"

int cli_run(int argc, char **argv, const struct machine *m);
int cli_list(int argc, char **argv, const struct machine *m);
int cli_info(int argc, char **argv, const struct machine *m);
int cli_plot(int argc, char **argv, const struct machine *m);
int cli_compare(int argc, char **argv, const struct machine *m);
int cli_history(int argc, char **argv, const struct machine *m);
int cli_export(int argc, char **argv, const struct machine *m);
int cli_claims(int argc, char **argv, const struct machine *m);
/* Hidden: one kernel execution under valgrind, for --counters sim. */
int cli_simulate(int argc, char **argv, const struct machine *m);

/* Prints sl_error() as "speedlab: error: ..." and returns EXIT_USAGE. */
int cli_usage_error(void);

/* Exit statuses shared by all subcommands. */
enum {
    EXIT_USAGE = 2,   /* bad command line or input */
    EXIT_INVALID = 3, /* a result failed validation */
};

#endif
