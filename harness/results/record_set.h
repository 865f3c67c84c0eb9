/* Several records read as one side of a comparison or one history:
 * scripts/bench writes one record per kernel into a folder, so a side is a
 * record, a folder of records, or a comma-separated list of either. */
#ifndef SL_RECORD_SET_H
#define SL_RECORD_SET_H

#include "results/record_read.h"

#include <stdbool.h>
#include <stddef.h>

struct record_set {
    struct loaded_record *recs;
    size_t n;
};

/* 0, or -1 with sl_error() naming the file and the problem (one line).  A
 * folder contributes its *.json files (not recursively), sorted by name. */
int record_set_add(struct record_set *set, const char *spec);

void record_set_free(struct record_set *set);

/* The result of (kernel, variant, schedule, threads, size) in a set, or NULL;
 * *where says which record holds it. */
const struct loaded_result *record_set_find(const struct record_set *set, const char *kernel,
                                            const char *variant, const char *schedule,
                                            int threads, const char *size,
                                            const struct loaded_record **where);
/* 0 when every key is held once; else -1 and sl_error() names both files. */
int record_set_check_unique(const struct record_set *set, const char *side);

/* How two records' machines differ as hardware: cpu_model, isa, topology,
 * allowed CPUs (a comma-separated list in `what`, empty when the same).
 * The hostname alone is not hardware: CI runners of one class differ in it. */
bool record_same_hardware(const struct loaded_record *a, const struct loaded_record *b,
                          char *what, size_t len);
/* Every record of a set on the same hardware; -1 and sl_error() if not. */
int record_set_check_one_machine(const struct record_set *set, const char *side);

#endif
