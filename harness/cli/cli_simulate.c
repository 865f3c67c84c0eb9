/* The hidden subcommand "__simulate": the child that measure/simcache runs
 * under valgrind for --counters sim.  Its arguments come from sim_measure,
 * never from a user; it parses them and hands the execution to simcache. */
#include "cli/cli.h"
#include "kit/sl.h"
#include "kit/util.h"
#include "measure/simcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* __simulate KERNEL VARIANT SCHEDULE THREADS SIZE SEED INPUT ('-': none). */
int cli_simulate(int argc, char **argv, const struct machine *m)
{
    if (argc != 8) {
        fprintf(stderr, "__simulate: internal command, 7 arguments expected\n");
        return SIM_CHILD_ERROR;
    }
    const struct sl_workload *w = sl_workload_find(argv[1]);
    const struct sl_variant *v = w ? sl_variant_find(w, argv[2]) : NULL;
    enum sl_schedule schedule;
    long threads;
    if (!v || sl_schedule_parse(argv[3], &schedule) != 0 ||
        util_parse_long(argv[4], 1, 1024, "threads", &threads) != 0) {
        fprintf(stderr, "__simulate: bad arguments\n");
        return SIM_CHILD_ERROR;
    }
    struct sl_problem_args args = {.size = strcmp(argv[5], "-") ? argv[5] : NULL,
                                   .seed = strtoull(argv[6], NULL, 10),
                                   .input_path = strcmp(argv[7], "-") ? argv[7] : NULL,
                                   .validate = "full"};
    return sim_child_execute(m, w, v, schedule, (int)threads, &args);
}
