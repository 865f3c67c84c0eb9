#include "results/run_set.h"

#include "results/record.h"
#include "kit/sl.h"
#include "kit/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int each_in_folder(const char *dir, run_file_fn fn, void *ctx)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, alphasort);
    if (n < 0)
        return sl_fail("%s: cannot read the folder", dir);
    int rc = 0, used = 0;
    for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        if (rc >= 0 && name[0] != '.' && ends_with(name, ".json")) {
            size_t len = strlen(dir) + strlen(name) + 2;
            char *path = malloc(len);
            if (!path)
                rc = sl_fail("out of memory");
            else {
                snprintf(path, len, "%s/%s", dir, name);
                struct stat st;
                if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (rc = fn(path, true, ctx)) == 0)
                    used++;
                free(path);
            }
        }
        free(entries[i]);
    }
    free(entries);
    if (rc >= 0 && used == 0)
        return sl_fail("%s: no .json records in this folder", dir);
    return rc < 0 ? -1 : 0;
}

int run_set_each(const char *spec, run_file_fn fn, void *ctx)
{
    char **items;
    int count = util_split(spec, &items);
    if (count < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        struct stat st;
        if (stat(items[i], &st) != 0)
            rc = sl_fail("%s: no such file or folder", items[i]);
        else if (S_ISDIR(st.st_mode))
            rc = each_in_folder(items[i], fn, ctx);
        else if (fn(items[i], false, ctx) != 0)
            rc = -1;
    }
    util_free_list(items, count);
    return rc;
}

/* A record loaded into the set; 1 for another speedlab document in a folder
 * (passed over). */
static int add_file(const char *path, bool in_folder, void *ctx)
{
    struct run_set *set = ctx;
    struct sl_run *runs = realloc(set->runs, (set->n + 1) * sizeof *runs);
    if (!runs)
        return sl_fail("out of memory reading %s", path);
    set->runs = runs;
    char **paths = realloc(set->paths, (set->n + 1) * sizeof *paths);
    if (!paths)
        return sl_fail("out of memory reading %s", path);
    set->paths = paths;
    struct sl_run *run = &set->runs[set->n];
    int rc = record_load_run(path, run);
    if (rc != 0) {
        sl_run_free(run);
        return rc == -2 && in_folder ? 1 : -1;
    }
    if (!(set->paths[set->n] = strdup(path))) {
        sl_run_free(run);
        return sl_fail("out of memory reading %s", path);
    }
    set->n++;
    return 0;
}

int run_set_add(struct run_set *set, const char *spec)
{
    return run_set_each(spec, add_file, set);
}

void run_set_free(struct run_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        sl_run_free(&set->runs[i]);
        free(set->paths[i]);
    }
    free(set->runs);
    free(set->paths);
    memset(set, 0, sizeof *set);
}

static bool same_key(const struct sl_result *r, const char *kernel, const char *variant,
                     const char *schedule, int threads, const char *size)
{
    return r->threads == threads && strcmp(r->kernel, kernel) == 0 &&
           strcmp(r->variant, variant) == 0 && strcmp(r->schedule, schedule) == 0 &&
           strcmp(r->size, size) == 0;
}

const struct sl_result *run_set_find(const struct run_set *set, const char *kernel,
                                     const char *variant, const char *schedule, int threads,
                                     const char *size, size_t *where)
{
    for (size_t i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->runs[i].n_results; k++)
            if (same_key(&set->runs[i].results[k], kernel, variant, schedule, threads, size)) {
                if (where)
                    *where = i;
                return &set->runs[i].results[k];
            }
    return NULL;
}

int run_set_check_unique(const struct run_set *set, const char *side)
{
    for (size_t i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->runs[i].n_results; k++) {
            const struct sl_result *r = &set->runs[i].results[k];
            size_t first;
            if (run_set_find(set, r->kernel, r->variant, r->schedule, r->threads, r->size,
                             &first) != r) {
                char name[256];
                sl_result_name(r, name, sizeof name);
                return sl_fail("%s holds %s at size %s twice (%s and %s): give one run per side",
                               side, name, r->size, set->paths[first], set->paths[i]);
            }
        }
    return 0;
}

static void append(char *what, size_t len, const char *item)
{
    size_t used = strlen(what);
    snprintf(what + used, len - used, "%s%s", used ? ", " : "", item);
}

bool run_same_hardware(const struct sl_run *a, const struct sl_run *b, char *what, size_t len)
{
    const struct sl_machine_desc *ma = &a->machine, *mb = &b->machine;
    what[0] = '\0';
    if (strcmp(ma->cpu_model, mb->cpu_model) != 0)
        append(what, len, "CPU model");
    if (strcmp(ma->isa, mb->isa) != 0)
        append(what, len, "ISA");
    if (ma->packages != mb->packages || ma->numa_nodes != mb->numa_nodes ||
        ma->cores_total != mb->cores_total || ma->pus_total != mb->pus_total)
        append(what, len, "topology");
    if (ma->pus_allowed != mb->pus_allowed)
        append(what, len, "allowed CPUs");
    return what[0] == '\0';
}

int run_set_check_one_machine(const struct run_set *set, const char *side)
{
    char what[128];
    for (size_t i = 1; i < set->n; i++)
        if (!run_same_hardware(&set->runs[0], &set->runs[i], what, sizeof what))
            return sl_fail("%s mixes machines: %s and %s differ in %s", side, set->paths[0],
                           set->paths[i], what);
    return 0;
}
