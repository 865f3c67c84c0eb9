#include "results/reporter.h"

int sl_reporters_add(struct sl_reporters *list, struct sl_reporter *reporter)
{
    if (!reporter)
        return -1;
    if (list->n == SL_MAX_REPORTERS) {
        reporter->destroy(reporter);
        return sl_fail("too many reporters (%d at most)", SL_MAX_REPORTERS);
    }
    list->items[list->n++] = reporter;
    return 0;
}

int sl_reporters_begin(struct sl_reporters *list, const struct sl_run *run)
{
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->begin && list->items[i]->begin(list->items[i], run) != 0)
            return -1;
    return 0;
}

int sl_reporters_problem(struct sl_reporters *list, const struct sl_run *run,
                         const struct sl_problem_info *problem)
{
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->problem && list->items[i]->problem(list->items[i], run, problem) != 0)
            return -1;
    return 0;
}

int sl_reporters_estimate(struct sl_reporters *list, const struct sl_run *run,
                          const struct sl_estimate *estimate)
{
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->estimate &&
            list->items[i]->estimate(list->items[i], run, estimate) != 0)
            return -1;
    return 0;
}

int sl_reporters_result(struct sl_reporters *list, const struct sl_run *run,
                        const struct sl_result *r)
{
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->result && list->items[i]->result(list->items[i], run, r) != 0)
            return -1;
    return 0;
}

int sl_reporters_output(struct sl_reporters *list, const struct sl_run *run)
{
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->output && list->items[i]->output(list->items[i], run) != 0)
            return -1;
    return 0;
}

int sl_reporters_end(struct sl_reporters *list, const struct sl_run *run)
{
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->end && list->items[i]->end(list->items[i], run) != 0)
            return -1;
    return 0;
}

int sl_reporters_finish(struct sl_reporters *list)
{
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->finish && list->items[i]->finish(list->items[i]) != 0)
            return -1;
    return 0;
}

void sl_reporters_destroy(struct sl_reporters *list)
{
    for (int i = 0; i < list->n; i++)
        list->items[i]->destroy(list->items[i]);
    list->n = 0;
}
