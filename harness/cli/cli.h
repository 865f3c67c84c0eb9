/* Subcommands of the speedlab program. Each returns the exit status. */
#ifndef SL_CLI_H
#define SL_CLI_H

#include "measure/machine.h"
#include "results/model.h"

#include <stdio.h>

struct run_options;

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

/* Exit statuses shared by all subcommands (EXIT_FAILURE, 1: any other error). */
enum {
    EXIT_USAGE = 2,         /* bad command line or input */
    EXIT_INVALID = 3,       /* a result failed validation */
    EXIT_INTERRUPTED = 130, /* SIGINT or SIGTERM; the record keeps what finished */
};

/* "<UTC time>-<kernel>-<pid>". */
void cli_run_id(struct sl_run *run, const char *kernel);
/* Measures `run` (its run_id and environment checks set) with the console,
 * the record files and the export formats whose paths are given (NULL, or
 * one per row of the format table), and returns the exit status. */
int cli_measure(const struct run_options *o, const struct machine *m, struct sl_run *run,
                const char *record_path, const char *csv_path, const char *const *format_paths);
/* The exit status of a measured run: 130 interrupted, 2 bad input, 1 an
 * error (a failed measurement, --output not written, nothing measured), 3
 * an invalid result (not of a variant wrong on purpose), else 0. */
int cli_run_status(const struct sl_run *run);
/* One line per export format: `name_fmt` (with the name) then its
 * description, after `lead_fmt` (with the name), wrapped under the name. */
void cli_print_formats(FILE *fp, const char *name_fmt, const char *lead_fmt);

#endif
