/* Several records read as one side of a comparison, one history or one set
 * of figures: scripts/bench writes one record per kernel into a folder, so a
 * side is a record, a folder of records, or a comma-separated list of either.
 * Each record is loaded through the record codec into the result model. */
#ifndef SL_RUN_SET_H
#define SL_RUN_SET_H

#include "results/model.h"

#include <stdbool.h>
#include <stddef.h>

struct run_set {
    struct sl_run *runs;
    char **paths; /* the file each run was read from */
    size_t n;
};

/* The files a side names, one by one: fn returns 0 (a record, used), 1 (in a
 * folder: another speedlab document, passed over) or -1 (stop, sl_error()
 * set).  A folder contributes its *.json files (not recursively), sorted by
 * name; a folder none of whose files is used is an error. */
typedef int (*run_file_fn)(const char *path, bool in_folder, void *ctx);
int run_set_each(const char *spec, run_file_fn fn, void *ctx);

/* Loads every record a side names; 0, or -1 with sl_error() naming the file
 * and the problem (one line). */
int run_set_add(struct run_set *set, const char *spec);
void run_set_free(struct run_set *set);

/* The result of (kernel, variant, schedule, threads, size) in a set, or NULL;
 * *where (when given) is the index of the run that holds it. */
const struct sl_result *run_set_find(const struct run_set *set, const char *kernel,
                                     const char *variant, const char *schedule, int threads,
                                     const char *size, size_t *where);
/* 0 when every key is held once; else -1 and sl_error() names both files. */
int run_set_check_unique(const struct run_set *set, const char *side);

/* How two runs' machines differ as hardware: CPU model, ISA, topology,
 * allowed CPUs (a comma-separated list in `what`, empty when the same).  The
 * hostname alone is not hardware: CI runners of one class differ in it. */
bool run_same_hardware(const struct sl_run *a, const struct sl_run *b, char *what, size_t len);
/* Every run of a set on the same hardware; -1 and sl_error() if not. */
int run_set_check_one_machine(const struct run_set *set, const char *side);

#endif
