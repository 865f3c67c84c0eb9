/* The list of speedlab's commands, `version`, and the two hidden ones. */
#include "cli/cli.h"
#include "measure/build.h"
#include "kit/sl.h"

#include <stdio.h>

static const struct sl_option no_options[] = {{0}};

static int cli_version(int argc, char **argv, const struct machine *m);

/* Also 'speedlab --version'.  The first line is "speedlab VERSION", as
 * help2man (the man page) and other tools read it. */
const struct cli_command cli_version_command = {
    .name = "version",
    .operands = "",
    .summary = "the version, commit and build (flags, sanitizers, compiler)",
    .about = "Prints \"speedlab VERSION\", then the build: the commit it was built from,\n"
             "build type, compiler flags, sanitizers, compiler and OpenMP version (what\n"
             "every record keeps under \"build\").  Also 'speedlab --version'.\n",
    .options = no_options,
    .without_machine = true,
    .main = cli_version,
};

static int cli_version(int argc, char **argv, const struct machine *m)
{
    (void)m;
    struct cli_parsed p;
    int parsed = cli_parse(&cli_version_command, argc, argv, NULL, &p);
    if (parsed != CLI_PARSED)
        return cli_parse_status(&cli_version_command, parsed);
    if (p.n_operands > 0) {
        sl_fail("version: unexpected argument '%s' (see 'speedlab version --help')",
                p.operands[0]);
        return cli_usage_error();
    }
    struct sl_build_desc b;
    build_describe(&b);
    printf("speedlab %s\n\n", build_version());
    printf("commit      %s\n", b.commit);
    printf("build type  %s\n", b.build_type);
    printf("flags       %s\n", b.flags);
    printf("sanitizers  %s\n", b.sanitizers);
    printf("compiler    %s\n", b.compiler);
    printf("OpenMP      %d\n", b.openmp);
    if (b.inject_slowdown_pct > 0)
        printf("injected    %d %% slowdown (-DSPEEDLAB_INJECT_SLOWDOWN, for evaluating the gate)\n",
               b.inject_slowdown_pct);
    return 0;
}

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
    &cli_list_command,     &cli_info_command,         &cli_run_command,
    &cli_plot_command,     &cli_compare_command,      &cli_history_command,
    &cli_export_command,   &cli_claims_command,       &cli_version_command,
    &cli_completion_command, &options_markdown_command, &simulate_command,
    NULL,
};
