/* The workloads this build knows.  CMake lists every folder under kernels/
 * in workload_list.h, and each folder defines <folder>_workload, so adding a
 * workload touches no file outside its own folder. */
#include "kit/sl.h"

#include <string.h>

#define SL_WORKLOAD(name) extern const struct sl_workload name##_workload;
#include "workload_list.h"
#undef SL_WORKLOAD

static const struct sl_workload *const workloads[] = {
#define SL_WORKLOAD(name) &name##_workload,
#include "workload_list.h"
#undef SL_WORKLOAD
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
