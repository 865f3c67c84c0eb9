/* Subcommands of the speedlab program: each a struct cli_command (its
 * option table, help and handler; cli/options.h), listed in cli_commands.
 * Each handler returns the exit status. */
#ifndef SL_CLI_H
#define SL_CLI_H

#include "cli/options.h"
#include "measure/machine.h"

extern const struct cli_command cli_run_command, cli_list_command, cli_info_command,
    cli_plot_command, cli_compare_command, cli_history_command, cli_export_command,
    cli_claims_command;

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
