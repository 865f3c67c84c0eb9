/* The run record: one self-describing JSON document per run (schema in
 * results/SCHEMA.md) and a CSV table of its results for gnuplot. */
#ifndef SL_RECORD_H
#define SL_RECORD_H

#include "measure/machine.h"
#include "measure/runner.h"

#include <jansson.h>

#define RECORD_SCHEMA_VERSION 1

/* Rewrites the JSON record and the CSV table atomically. */
int record_write(const struct run_state *st);
/* The machine block, shared with `speedlab info --json`. */
json_t *record_machine_json(const struct machine *m);
json_t *record_build_json(void);

#endif
