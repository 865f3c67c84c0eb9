/* A JSON document written piece by piece, each piece exactly as jansson's
 * pretty printer (JSON_INDENT(2), members in order) would place it in the
 * whole document: an export need not hold every result in memory at once.
 * The file is replaced atomically on commit; "-" is stdout, where the
 * document goes on commit too (held in a temporary file until then). */
#ifndef SL_JSON_STREAM_H
#define SL_JSON_STREAM_H

#include "kit/util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

struct json_stream {
    struct util_atomic_file file;
    FILE *fp; /* the file being written (stdout's: a temporary); NULL: not open */
    bool to_stdout;
    char *path;
};

int json_stream_open(struct json_stream *s, const char *path);
/* Text as it is ("{", ",\n  \"benchmarks\": ["). */
void json_stream_text(struct json_stream *s, const char *text);
/* One member (key) or array entry (key NULL) of a container at nesting
 * `depth` (1: of the document itself), after `first` or after a comma.
 * Takes the reference to value; -1 with sl_error() if it is NULL. */
int json_stream_item(struct json_stream *s, int depth, bool first, const char *key,
                     json_t *value);
/* Writes the value at `depth` without a separator. */
int json_stream_value(struct json_stream *s, int depth, json_t *value);
int json_stream_commit(struct json_stream *s);
/* Drops an uncommitted file; harmless after commit or when never opened. */
void json_stream_abort(struct json_stream *s);

#endif
