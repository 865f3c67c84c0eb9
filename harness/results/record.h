/* The record codec: one self-describing JSON document per run (the schema is
 * results/SCHEMA.md), written from the result model and read back into it.
 * record.c writes, record_load.c reads; no other code knows the record's
 * JSON keys. */
#ifndef SL_RECORD_H
#define SL_RECORD_H

#include "results/model.h"

#include <jansson.h>

/* 2: a number that is not there is null with its reason in the holding
 * object's `unavailable` (1: the string "unavailable (reason)"); a result
 * that did not run has `reps` 0.  Version 1 records are still read. */
#define RECORD_SCHEMA_VERSION 2
#define RECORD_OLDEST_SCHEMA_VERSION 1
/* How a reason reads where a text stands for a number (version 1, the CSV). */
#define RECORD_UNAVAILABLE_PREFIX "unavailable ("

/* The whole document; NULL with sl_error() when it cannot be built. */
json_t *record_json(const struct sl_run *run);
/* Rewrites the record at `path` atomically. */
int record_write(const struct sl_run *run, const char *path);

/* Blocks other documents share: `speedlab info --json` (machine, build) and
 * the claims summary (machine, claims). */
json_t *record_machine_json(const struct sl_machine_desc *m);
json_t *record_build_json(const struct sl_build_desc *b);
json_t *record_claim_json(const struct sl_claim_entry *c);

/* Reads a record into `run` (initialised here; sl_run_free() it in every
 * case) and derives every figure from its raw measurements: stored derived
 * figures are not trusted.  0, or -1 with sl_error() = "PATH: field: what is
 * wrong" (one line) for anything that is not a complete record of a schema
 * this program reads; -2 for another speedlab document (a claims summary),
 * which a folder of records may hold beside them. */
int record_load_run(const char *path, struct sl_run *run);

#endif
