/* analysis/hwcompare.h on runs made in memory: a problem's question (its
 * size rule, or its size) and what differs between machines, each item
 * named once (issue 20). */
#include "analysis/hwcompare.h"
#include "check.h"

#include <string.h>

static void problem_class(void)
{
    struct sl_run run;
    sl_run_init(&run);
    struct sl_problem_info *auto_size = sl_run_add_problem(&run),
                           *fixed = sl_run_add_problem(&run);
    struct sl_result *r = sl_run_add_result(&run);
    CHECK(auto_size && fixed && r, "out of memory");
    if (!auto_size || !fixed || !r)
        return;
    snprintf(auto_size->size, sizeof auto_size->size, "157286400");
    snprintf(auto_size->source, sizeof auto_size->source,
             "generated: a integers, seed 42; auto: 4 x last-level cache of 300 MiB");
    snprintf(fixed->size, sizeof fixed->size, "2048");
    snprintf(fixed->source, sizeof fixed->source, "generated: seed 42");
    char class[96];
    r->size = "157286400";
    hw_problem_class(&run, r, class, sizeof class);
    CHECK(strcmp(class, "4 x last-level cache") == 0, "auto size: '%s'", class);
    r->size = "2048";
    hw_problem_class(&run, r, class, sizeof class);
    CHECK(strcmp(class, "2048") == 0, "fixed size: '%s'", class);
    r->size = "999";
    hw_problem_class(&run, r, class, sizeof class);
    CHECK(strcmp(class, "999") == 0, "a size without a problem: '%s'", class);
    sl_run_free(&run);
}

/* Three machines, M2 with other memory devices and a smaller L3, M3 with
 * less memory: each named, "memory" not taken for a part of "memory
 * devices". */
static void differences(void)
{
    static struct sl_run runs[3];
    struct hw_set s = {.n = 3};
    for (int m = 0; m < 3; m++) {
        sl_run_init(&runs[m]);
        struct sl_machine_desc *d = &runs[m].machine;
        snprintf(d->cpu_model, sizeof d->cpu_model, "Example CPU");
        snprintf(d->os, sizeof d->os, "Linux");
        snprintf(d->hostname, sizeof d->hostname, "h");
        snprintf(d->microarchitecture, sizeof d->microarchitecture, "Zen 3");
        snprintf(d->memory_devices, sizeof d->memory_devices, "%s",
                 m == 1 ? "8 x 16 GiB DDR4" : "4 x 16 GiB DDR4");
        d->identity_recorded = true;
        d->memory_gib = m == 2 ? 16 : 64;
        d->n_caches = 1;
        d->caches[0] = (struct sl_cache_desc){.level = 3, .type = "unified",
                                              .size = m == 1 ? 260u << 20 : 300u << 20};
        runs[m].build.compiler = "gcc 12";
        runs[m].build.commit = "abc";
        s.machines[m].set = (struct run_set){.runs = &runs[m], .n = 1};
    }
    char out[256];
    hw_differences(&s, out, sizeof out);
    CHECK(strcmp(out, "caches, memory devices, memory") == 0, "differences: '%s'", out);
    /* A record without the identity block says nothing about it. */
    runs[1].machine.identity_recorded = false;
    runs[1].machine.caches[0].size = 300u << 20;
    s.n = 2;
    hw_differences(&s, out, sizeof out);
    CHECK(strcmp(out, "") == 0, "differences without identity: '%s'", out);
    for (int m = 0; m < 3; m++)
        sl_run_free(&runs[m]);
}

int main(void)
{
    problem_class();
    differences();
    return check_report("hwcompare");
}
