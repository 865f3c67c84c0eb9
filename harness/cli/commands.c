/* The list of speedlab's commands, and the two hidden ones. */
#include "cli/cli.h"
#include "kit/sl.h"

#include <stdio.h>

static int cli_options_markdown(int argc, char **argv, const struct machine *m)
{
    (void)m;
    (void)argv;
    if (argc > 1) {
        sl_fail("__options-markdown takes no arguments");
        return cli_usage_error();
    }
    cli_print_markdown(stdout);
    return EXIT_SUCCESS;
}

/* Hidden: the README's option list (scripts/readme-options). */
static const struct cli_command options_markdown_command = {
    .name = "__options-markdown", .operands = "", .main = cli_options_markdown};

/* Hidden: the child of --counters sim (cli/cli_simulate.c). */
static const struct cli_command simulate_command = {
    .name = "__simulate", .operands = "", .main = cli_simulate};

const struct cli_command *const cli_commands[] = {
    &cli_list_command,    &cli_info_command,    &cli_run_command,
    &cli_plot_command,    &cli_compare_command, &cli_history_command,
    &cli_export_command,  &cli_claims_command,  &options_markdown_command,
    &simulate_command,    NULL,
};
