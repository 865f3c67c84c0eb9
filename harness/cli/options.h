/* speedlab's commands and their options, as tables one can walk: every
 * command names its option table (rows of kit/options.h), and `run` also
 * takes the options of the kernel it measures (struct sl_workload.options).
 * From these tables come the getopt parsing, the --help text, and the
 * README's option list (speedlab __options-markdown). */
#ifndef SL_CLI_OPTIONS_H
#define SL_CLI_OPTIONS_H

#include "kit/options.h"
#include "kit/sl.h"
#include "measure/machine.h"

#include <stdbool.h>
#include <stdio.h>

struct cli_command {
    const char *name;     /* "run" */
    const char *operands; /* what follows the name in usage lines: "KERNEL" ("" none) */
    const char *summary;  /* its line in 'speedlab --help'; NULL: a hidden command */
    const char *about;    /* --help text before the options (lines as printed) */
    const char *notes;    /* --help text after them: exit status ... */
    const struct sl_option *options; /* NULL: the command reads its arguments itself */
    bool kernel_options;  /* a kernel's own options are accepted too (run) */
    bool without_machine; /* runs without the machine's description (m is NULL) */
    int (*main)(int argc, char **argv, const struct machine *m);
};

/* Every command, visible ones in the order 'speedlab --help' lists them;
 * NULL-terminated. */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_command_find(const char *name);

/* A command line as parsed. */
struct cli_parsed {
    char **operands; /* the arguments that are not options, in order (into argv) */
    int n_operands;
    bool help;       /* -h or --help */
    /* Options of kernels (commands with kernel_options), for
     * cli_apply_kernel_options once the kernel is known. */
    struct cli_kernel_option {
        const char *name, *arg;
    } *kernel;
    int n_kernel;
};

enum { CLI_PARSED, CLI_HELP };
/* Reads argv (argv[0] is the command's name) with getopt_long: stores the
 * table's defaults into `dest` (zeroed by the caller: a member without a
 * default stays as it is), then each option given, in order.  Returns
 * CLI_PARSED, CLI_HELP (nothing stored beyond the defaults), or -1 with
 * sl_error() (an unknown option, a missing or bad argument). */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, void *dest,
              struct cli_parsed *out);
/* Frees what cli_parse allocated: only for a command with kernel_options. */
void cli_parsed_free(struct cli_parsed *p);
/* Stores the kernel options of `p` into `options`, w's options object; an
 * option of another kernel is an error.  0 or -1 with sl_error(). */
int cli_apply_kernel_options(const struct cli_parsed *p, const struct sl_workload *w,
                             void *options);
/* For a handler whose cli_parse did not return CLI_PARSED: prints the help
 * (exit status 0) or the error (EXIT_USAGE). */
int cli_parse_status(const struct cli_command *cmd, int parsed);

/* The command's --help; with `kernel` (run) that kernel's options too. */
void cli_print_help(const struct cli_command *cmd, const struct sl_workload *kernel, FILE *fp);
/* 'speedlab --help'. */
void cli_print_commands(FILE *fp);
/* Every visible command's options and every kernel's, as markdown (the
 * README's option list). */
void cli_print_markdown(FILE *fp);

#endif
