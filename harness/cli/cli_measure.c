/* One measurement run with its reporters, for `speedlab run` and `speedlab
 * claims`: the console, the record files and the export formats asked for;
 * the exit status from the result model. */
#include "cli/cli.h"
#include "cli/plan.h"
#include "kit/ranks.h"
#include "measure/runner.h"
#include "reporters/reporters.h"

#include <stdio.h>
#include <stdlib.h>

int cli_run_status(const struct sl_run *run)
{
    switch (run->end) {
    case SL_RUN_INTERRUPTED: return EXIT_INTERRUPTED;
    case SL_RUN_BAD_INPUT: return EXIT_USAGE;
    case SL_RUN_FAILED: return EXIT_FAILURE;
    case SL_RUN_FINISHED: break;
    }
    if (run->output_state == SL_OUTPUT_INVALID)
        return EXIT_INVALID;
    if (run->output_state == SL_OUTPUT_FAILED || run->n_results == 0)
        return EXIT_FAILURE;
    bool invalid = false;
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        if (r->status == SL_STATUS_ERROR)
            return EXIT_FAILURE;
        invalid |= r->validated && !r->validation.valid && !r->known_defect;
    }
    return invalid ? EXIT_INVALID : 0;
}

/* The reporters of a run, on rank 0: the record files, the export formats
 * asked for and the console, last so that it names a record written. */
static int add_reporters(struct sl_reporters *reps, const struct run_plan *p)
{
    if (ranks_rank() != 0)
        return 0;
    if (sl_reporters_add(reps, record_reporter_create(p->record_path, p->csv_path)) != 0)
        return -1;
    for (int f = 0; f < SL_N_EXPORT_FORMATS; f++)
        if (p->format_paths[f] &&
            sl_reporters_add(reps, sl_export_formats[f].create(p->format_paths[f])) != 0)
            return -1;
    return sl_reporters_add(reps,
                            console_reporter_create(p->options->quiet, p->record_path, p->csv_path));
}

int cli_measure(const struct run_plan *p, const struct machine *m, struct sl_run *run)
{
    struct sl_reporters reps = {0};
    int rc = add_reporters(&reps, p);
    /* Every rank measures, or none. */
    ranks_broadcast(&rc, sizeof rc, 0);
    int status;
    if (rc != 0 || runner_execute(p->options, m, run, &reps) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", rc != 0 && ranks_rank() != 0
                                                      ? "rank 0 could not set up its reports"
                                                      : sl_error());
        status = rc != 0 ? EXIT_FAILURE : cli_run_status(run);
    } else if (run->n_results > 0 && ranks_rank() == 0 && sl_reporters_finish(&reps) != 0) {
        fprintf(stderr, "speedlab: error: %s\n", sl_error());
        status = EXIT_FAILURE;
    } else {
        status = cli_run_status(run);
    }
    sl_reporters_destroy(&reps);
    return status;
}
