/* The CSV table (reporters/csv_table.h) as an export format: the table of
 * one record, made again from the record alone.  It names its record's run
 * id, so it is one record's table: a second record is refused. */
#include "reporters/reporters.h"

#include "reporters/csv_table.h"
#include "reporters/json_stream.h"

#include <stdlib.h>

struct csv {
    struct sl_reporter base;
    struct json_stream out; /* text, replaced atomically on commit ("-": stdout) */
    bool written;
};

static int csv_end(struct sl_reporter *self, const struct sl_run *run)
{
    struct csv *c = (struct csv *)self;
    if (c->written)
        return sl_fail("csv: a table is one record's (it names its run id): export one record");
    csv_table_print(c->out.fp, run);
    c->written = true;
    return 0;
}

static int csv_finish(struct sl_reporter *self)
{
    struct csv *c = (struct csv *)self;
    return json_stream_commit(&c->out);
}

static void csv_destroy(struct sl_reporter *self)
{
    struct csv *c = (struct csv *)self;
    json_stream_abort(&c->out);
    free(c);
}

struct sl_reporter *csv_reporter_create(const char *path)
{
    struct csv *c = calloc(1, sizeof *c);
    if (!c) {
        sl_fail("out of memory");
        return NULL;
    }
    c->base = (struct sl_reporter){.end = csv_end, .finish = csv_finish, .destroy = csv_destroy};
    if (json_stream_open(&c->out, path) != 0) {
        free(c);
        return NULL;
    }
    return &c->base;
}
