#include "reporters/json_stream.h"

#include "kit/sl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { INDENT = 2 };

int json_stream_open(struct json_stream *s, const char *path)
{
    memset(s, 0, sizeof *s);
    if (!(s->path = strdup(path)))
        return sl_fail("out of memory");
    s->to_stdout = strcmp(path, "-") == 0;
    if (s->to_stdout) {
        /* Held aside until committed: a failed export prints nothing. */
        if (!(s->fp = tmpfile())) {
            free(s->path);
            s->path = NULL;
            return sl_fail("no temporary file for the document: %s", strerror(errno));
        }
        return 0;
    }
    if (util_atomic_open(&s->file, path) != 0) {
        free(s->path);
        s->path = NULL;
        return -1;
    }
    s->fp = s->file.fp;
    return 0;
}

void json_stream_text(struct json_stream *s, const char *text)
{
    fputs(text, s->fp);
}

static void newline(struct json_stream *s, int depth)
{
    fputc('\n', s->fp);
    for (int i = 0; i < depth * INDENT; i++)
        fputc(' ', s->fp);
}

int json_stream_value(struct json_stream *s, int depth, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_INDENT(INDENT) | JSON_PRESERVE_ORDER |
                                               JSON_ENCODE_ANY)
                       : NULL;
    json_decref(value);
    if (!text)
        return sl_fail("cannot build the JSON for '%s'", s->path);
    /* Strings escape their newlines: every raw one is the printer's. */
    for (const char *c = text; *c; c++)
        if (*c == '\n')
            newline(s, depth);
        else
            fputc(*c, s->fp);
    free(text);
    return 0;
}

int json_stream_item(struct json_stream *s, int depth, bool first, const char *key,
                     json_t *value)
{
    if (!first)
        fputc(',', s->fp);
    newline(s, depth);
    if (key && json_stream_value(s, depth, json_string(key)) != 0) {
        json_decref(value);
        return -1;
    }
    if (key)
        fputs(": ", s->fp);
    return json_stream_value(s, depth, value);
}

/* The document held aside, to stdout. */
static int copy_to_stdout(FILE *fp)
{
    char buf[65536];
    size_t n;
    rewind(fp);
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            break;
    bool failed = ferror(fp) || fflush(stdout) != 0 || ferror(stdout);
    fclose(fp);
    return failed ? sl_fail("cannot write to stdout") : 0;
}

int json_stream_commit(struct json_stream *s)
{
    int rc = 0;
    if (s->to_stdout)
        rc = copy_to_stdout(s->fp);
    else if (ferror(s->fp)) {
        util_atomic_abort(&s->file);
        rc = sl_fail("cannot write '%s'", s->path);
    } else
        rc = util_atomic_commit(&s->file);
    s->fp = NULL;
    free(s->path);
    s->path = NULL;
    return rc;
}

void json_stream_abort(struct json_stream *s)
{
    if (s->fp && s->to_stdout)
        fclose(s->fp);
    else if (s->fp)
        util_atomic_abort(&s->file);
    s->fp = NULL;
    free(s->path);
    s->path = NULL;
}
