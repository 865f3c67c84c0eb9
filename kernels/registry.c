/* The workloads this build knows.  Adding a workload: one line here. */
#include "cosine/cosine.h"
#include "sl.h"

#include <string.h>

static const struct sl_workload *const workloads[] = {
    &cosine_workload,
};

const struct sl_workload *const *sl_workloads(size_t *count)
{
    *count = sizeof workloads / sizeof workloads[0];
    return workloads;
}

const struct sl_workload *sl_workload_find(const char *name)
{
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
        if (strcmp(workloads[i]->name, name) == 0)
            return workloads[i];
    return NULL;
}

const struct sl_variant *sl_variant_find(const struct sl_workload *w, const char *name)
{
    for (const struct sl_variant *v = w->variants; v->name; v++)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}
