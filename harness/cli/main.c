/* speedlab: benchmarks SIMD- and cache-optimised parallel kernels. */
#include "cli/cli.h"
#include "cli/suggest.h"
#include "kit/ranks.h"
#include "measure/machine.h"
#include "measure/interrupt.h"
#include "kit/sl.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* With these set, libgomp binds the main thread to one place before main()
 * runs, and speedlab could no longer see which CPUs it may use; the
 * variable's name, or NULL.  list and plot place no threads. */
static const char *omp_binding_conflict(const char *command)
{
    const char *bind = getenv("OMP_PROC_BIND");
    const char *conflict = bind && strcasecmp(bind, "false") != 0 ? "OMP_PROC_BIND"
                           : getenv("OMP_PLACES")                  ? "OMP_PLACES"
                           : getenv("GOMP_CPU_AFFINITY")           ? "GOMP_CPU_AFFINITY"
                                                                   : NULL;
    return strcmp(command, "list") != 0 && strcmp(command, "plot") != 0 ? conflict : NULL;
}

/* The command on this machine; only a run joins MPI (when a launcher
 * started it), and its other ranks stay silent on stdout: rank 0 speaks and
 * writes for all. */
static int run_command(const struct cli_command *command, int argc, char **argv,
                       const struct machine *m)
{
    bool in_ranks = command == &cli_run_command;
    if (in_ranks && ranks_init(&argc, &argv) != 0)
        return cli_usage_error();
    if (in_ranks && ranks_rank() != 0 && !freopen("/dev/null", "w", stdout))
        ranks_abort(EXIT_FAILURE);
    int status = command->main(argc - 1, argv + 1, m);
    if (in_ranks)
        ranks_finalize();
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        cli_print_commands(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_SUCCESS;
    }
    const struct cli_command *command =
        cli_command_find(strcmp(argv[1], "--version") == 0 ? "version" : argv[1]);
    if (!command) {
        struct suggestion s;
        suggest_begin(&s, argv[1]);
        for (size_t i = 0; cli_commands[i]; i++)
            if (cli_commands[i]->summary)
                suggest_consider(&s, cli_commands[i]->name);
        char hint[128];
        sl_fail("unknown command '%s'%s", argv[1],
                suggest_hint(&s, "", " (see 'speedlab --help')", hint, sizeof hint));
        return cli_usage_error();
    }
    if (command->without_machine)
        return command->main(argc - 1, argv + 1, NULL);

    /* Each line when it is said, also into a pipe or a file. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* An interrupted measurement stops after the current repetition and
     * keeps a complete record of what finished; the other commands stop at
     * once, as programs do. */
    if (command == &cli_run_command || command == &cli_claims_command)
        interrupt_install(EXIT_INTERRUPTED);
    omp_set_dynamic(0);

    const char *conflict = omp_binding_conflict(argv[1]);
    if (conflict) {
        sl_fail("unset %s: speedlab places its threads itself (--pin), and with it set the "
                "OpenMP runtime binds the main thread before speedlab can read its allowed CPUs",
                conflict);
        return cli_usage_error();
    }
    struct machine m;
    if (machine_load(&m) != 0)
        return cli_error(EXIT_FAILURE);
    int status = run_command(command, argc, argv, &m);
    machine_free(&m);
    return status;
}
