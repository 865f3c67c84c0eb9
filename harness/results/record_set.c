#include "results/record_set.h"

#include "results/run_set.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A record loaded into the set; 1 for another speedlab document in a
 * folder (passed over). */
static int add_file(const char *path, bool in_folder, void *ctx)
{
    struct record_set *set = ctx;
    struct loaded_record *grown = realloc(set->recs, (set->n + 1) * sizeof *grown);
    if (!grown)
        return sl_fail("out of memory reading %s", path);
    set->recs = grown;
    int rc = record_load(path, &set->recs[set->n]);
    if (rc == -2 && in_folder)
        return 1;
    if (rc != 0)
        return -1;
    set->n++;
    return 0;
}

int record_set_add(struct record_set *set, const char *spec)
{
    return run_set_each(spec, add_file, set);
}

void record_set_free(struct record_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        record_unload(&set->recs[i]);
    free(set->recs);
    set->recs = NULL;
    set->n = 0;
}

static bool same_key(const struct loaded_result *r, const char *kernel, const char *variant,
                     const char *schedule, int threads, const char *size)
{
    return r->threads == threads && strcmp(r->kernel, kernel) == 0 &&
           strcmp(r->variant, variant) == 0 && strcmp(r->schedule, schedule) == 0 &&
           strcmp(r->size, size) == 0;
}

const struct loaded_result *record_set_find(const struct record_set *set, const char *kernel,
                                            const char *variant, const char *schedule,
                                            int threads, const char *size,
                                            const struct loaded_record **where)
{
    for (size_t i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->recs[i].n_results; k++)
            if (same_key(&set->recs[i].results[k], kernel, variant, schedule, threads, size)) {
                if (where)
                    *where = &set->recs[i];
                return &set->recs[i].results[k];
            }
    return NULL;
}

int record_set_check_unique(const struct record_set *set, const char *side)
{
    for (size_t i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->recs[i].n_results; k++) {
            const struct loaded_result *r = &set->recs[i].results[k];
            const struct loaded_record *first;
            const struct loaded_result *f =
                record_set_find(set, r->kernel, r->variant, r->schedule, r->threads, r->size, &first);
            if (f != r)
                return sl_fail("%s holds %s at size %s twice (%s and %s): give one run per side",
                               side, r->name, r->size, first->path, set->recs[i].path);
        }
    return 0;
}

static void append(char *what, size_t len, const char *item)
{
    size_t used = strlen(what);
    snprintf(what + used, len - used, "%s%s", used ? ", " : "", item);
}

bool record_same_hardware(const struct loaded_record *a, const struct loaded_record *b,
                          char *what, size_t len)
{
    what[0] = '\0';
    const json_t *ma = json_object_get(a->root, "machine"), *mb = json_object_get(b->root, "machine");
    if (strcmp(a->cpu_model, b->cpu_model) != 0)
        append(what, len, "CPU model");
    if (strcmp(a->isa, b->isa) != 0)
        append(what, len, "ISA");
    if (!json_equal(json_object_get(ma, "topology"), json_object_get(mb, "topology")))
        append(what, len, "topology");
    if (a->allowed_cpus != b->allowed_cpus)
        append(what, len, "allowed CPUs");
    return what[0] == '\0';
}

int record_set_check_one_machine(const struct record_set *set, const char *side)
{
    char what[128];
    for (size_t i = 1; i < set->n; i++)
        if (!record_same_hardware(&set->recs[0], &set->recs[i], what, sizeof what))
            return sl_fail("%s mixes machines: %s and %s differ in %s", side, set->recs[0].path,
                           set->recs[i].path, what);
    return 0;
}
