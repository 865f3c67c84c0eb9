/* A reporter turns a run of the result model into output: the console
 * lines, the record files, an export format.  The runner is given a list of
 * them and calls, in this order: begin once the run is described, problem
 * after each size is set up, result after each measurement, output after
 * --output was written or refused, end when the run is over (only when it
 * has results); estimate, at most once per size, when the measurements of the
 * size that have started already need more than a minute.  The owner then
 * calls finish, which completes and commits
 * files, and destroy, which drops whatever was not committed.  A loaded
 * record goes through the same hooks (begin, result..., end) to be exported.
 *
 * Every hook may be NULL; each returns 0, or -1 with sl_error() set. */
#ifndef SL_REPORTER_H
#define SL_REPORTER_H

#include "results/model.h"

/* How long the rest of a size will take, from each started measurement's
 * last execution (its warm-up, at first) and the repetitions --min-reps,
 * --max-reps and --budget will ask of it (interleaved, every measurement
 * has started after the first round). */
struct sl_estimate {
    const char *size;
    /* The started measurements' repetitions still to take, and for those
     * not started yet (one by one) the started ones' average cost. */
    double remaining_s;
    size_t started, total; /* measurements of the size */
    double longest_s;      /* the longest execution among them */
    const char *longest;   /* its result's name */
    size_t longest_reps;   /* the repetitions it will take */
    bool by_min_reps;      /* that count is --min-reps: one execution outlasts the budget */
};

struct sl_reporter {
    int (*begin)(struct sl_reporter *self, const struct sl_run *run);
    int (*problem)(struct sl_reporter *self, const struct sl_run *run,
                   const struct sl_problem_info *problem);
    int (*result)(struct sl_reporter *self, const struct sl_run *run, const struct sl_result *r);
    int (*output)(struct sl_reporter *self, const struct sl_run *run);
    int (*estimate)(struct sl_reporter *self, const struct sl_run *run,
                    const struct sl_estimate *estimate);
    int (*end)(struct sl_reporter *self, const struct sl_run *run);
    int (*finish)(struct sl_reporter *self);
    void (*destroy)(struct sl_reporter *self);
};

#define SL_MAX_REPORTERS 8
struct sl_reporters {
    struct sl_reporter *items[SL_MAX_REPORTERS];
    int n;
};

/* Takes ownership; a NULL reporter (its constructor failed, sl_error() set)
 * or a full list gives -1. */
int sl_reporters_add(struct sl_reporters *list, struct sl_reporter *reporter);
/* Each hook of every reporter in order, stopping at the first failure. */
int sl_reporters_begin(struct sl_reporters *list, const struct sl_run *run);
int sl_reporters_problem(struct sl_reporters *list, const struct sl_run *run,
                         const struct sl_problem_info *problem);
int sl_reporters_result(struct sl_reporters *list, const struct sl_run *run,
                        const struct sl_result *r);
int sl_reporters_output(struct sl_reporters *list, const struct sl_run *run);
int sl_reporters_estimate(struct sl_reporters *list, const struct sl_run *run,
                          const struct sl_estimate *estimate);
int sl_reporters_end(struct sl_reporters *list, const struct sl_run *run);
int sl_reporters_finish(struct sl_reporters *list);
void sl_reporters_destroy(struct sl_reporters *list);

#endif
