/* Records as Google Benchmark JSON (the --benchmark_format=json layout), so
 * dashboards and tools built for it (compare.py, bencher, github-action-
 * benchmark) can ingest speedlab results. */
#ifndef SL_GBENCH_H
#define SL_GBENCH_H

#include "results/record_read.h"

#include <jansson.h>
#include <stddef.h>

/* One document for several records: context from the first, benchmarks of all. */
json_t *gbench_document(const struct loaded_record *recs, size_t n);
/* Loads the records and writes the document atomically; "-" is stdout. */
int gbench_export_files(const char *const *paths, size_t n, const char *out_path);

#endif
