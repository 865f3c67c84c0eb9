/* The record of a run (results/record.h writes the JSON) and its CSV table
 * (reporters/csv_table.h), both rewritten atomically after every result, the
 * record first: an interrupted or failed run keeps everything that finished,
 * and a run killed between the two writes leaves a table whose first line
 * names fewer results than its record holds (detectably stale). */
#include "reporters/reporters.h"

#include "reporters/csv_table.h"
#include "results/record.h"

#include <stdlib.h>
#include <string.h>

struct record_files {
    struct sl_reporter base;
    char *record_path, *csv_path;
};

static int record_files_write(struct sl_reporter *self, const struct sl_run *run)
{
    struct record_files *rf = (struct record_files *)self;
    if (record_write(run, rf->record_path) != 0 || csv_table_write(run, rf->csv_path) != 0)
        return -1;
    return 0;
}

static int record_files_result(struct sl_reporter *self, const struct sl_run *run,
                               const struct sl_result *r)
{
    (void)r;
    return record_files_write(self, run);
}

static void record_files_destroy(struct sl_reporter *self)
{
    struct record_files *rf = (struct record_files *)self;
    free(rf->record_path);
    free(rf->csv_path);
    free(rf);
}

struct sl_reporter *record_reporter_create(const char *record_path, const char *csv_path)
{
    struct record_files *rf = calloc(1, sizeof *rf);
    if (!rf) {
        sl_fail("out of memory");
        return NULL;
    }
    rf->base = (struct sl_reporter){.result = record_files_result,
                                    .end = record_files_write,
                                    .destroy = record_files_destroy};
    rf->record_path = strdup(record_path);
    rf->csv_path = strdup(csv_path);
    if (!rf->record_path || !rf->csv_path) {
        record_files_destroy(&rf->base);
        sl_fail("out of memory");
        return NULL;
    }
    return &rf->base;
}
