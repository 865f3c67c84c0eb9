/* Subcommands of the speedlab program: each a struct cli_command (its
 * option table, help and handler; cli/options.h), listed in cli_commands.
 * Each handler returns the exit status. */
#ifndef SL_CLI_H
#define SL_CLI_H

#include "cli/options.h"
#include "measure/machine.h"
#include "results/model.h"

struct run_plan;

extern const struct cli_command cli_run_command, cli_list_command, cli_info_command,
    cli_plot_command, cli_compare_command, cli_history_command, cli_export_command,
    cli_claims_command, cli_version_command, cli_completion_command;

/* Hidden: one kernel execution under valgrind, for --counters sim. */
int cli_simulate(int argc, char **argv, const struct machine *m);

/* Exit statuses shared by all subcommands, with EXIT_SUCCESS (0) and
 * EXIT_FAILURE (1: any other error: a measurement, a file, memory).  A
 * handler returns one of these names, never a number. */
enum {
    EXIT_REGRESSION = 1,    /* compare: slower or newly invalid; history: a step */
    EXIT_USAGE = 2,         /* bad command line or input */
    EXIT_INVALID = 3,       /* a result failed validation */
    EXIT_INTERRUPTED = 130, /* SIGINT or SIGTERM; the record keeps what finished */
};

/* Prints sl_error() as "speedlab: error: ..." and returns EXIT_USAGE. */
int cli_usage_error(void);
/* The same, returning `status`. */
int cli_error(int status);

/* Measures `run` (its run_id and, for `run`, its environment checks set)
 * as planned, with the console, the record files and the export formats the
 * plan names, and returns the exit status (cli_run_status). */
int cli_measure(const struct run_plan *p, const struct machine *m, struct sl_run *run);
/* The exit status of a measured run: 130 interrupted, 2 bad input, 1 an
 * error (a failed measurement, --output not written, nothing measured), 3
 * an invalid result (not of a variant wrong on purpose), else 0. */
int cli_run_status(const struct sl_run *run);

#endif
