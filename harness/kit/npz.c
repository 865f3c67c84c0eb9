#include "kit/npz.h"

#include "kit/npy.h"
#include "kit/sl.h"
#include "kit/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

/* The arrays go out as raw bytes of int32/float, which numpy calls <i4/<f4. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "npz.c writes host order as little-endian");

/* Entries pulled from the stream at a time: 3 MiB of row, col and value. */
#define CHUNK_ENTRIES ((size_t)256 * 1024)
#define INDEX_LIMIT ((uint64_t)1 << 31)
/* numpy's savez stamps every member 1980-01-01 00:00 (the earliest DOS date). */
#define DOS_DATE_1980_01_01 ((0u << 9) | (1u << 5) | 1u)
#define MEMBER_ATTRIBUTES ((zip_uint32_t)0100644 << 16) /* regular file, rw-r--r-- */

enum array_kind { ARRAY_ROW, ARRAY_COL, ARRAY_DATA };
static const char *const array_member[] = {"row.npy", "col.npy", "data.npy"};

struct writer {
    const char *path;
    uint64_t rows, cols, nnz;
    const struct npz_coo_stream *stream;
    int32_t *row;
    int32_t *col;
    float *value;
    bool failed; /* sl_error() holds why; it beats libzip's own message */
    int passes;  /* complete passes over the stream so far */
    uint64_t first_pass_hash;
};

/* One of row.npy, col.npy, data.npy: its .npy header, then the stream's
 * entries one chunk at a time, produced while libzip copies it into the
 * archive. */
struct array_source {
    struct writer *w;
    enum array_kind kind;
    zip_error_t error;
    unsigned char header[NPY_HEADER_MAX];
    size_t header_len;
    uint64_t size;      /* header and data bytes */
    uint64_t delivered; /* bytes handed to libzip since the last open */
    uint64_t entries;   /* entries pulled from the stream since the last open */
    size_t chunk_len;   /* entries in the chunk buffer */
    size_t chunk_pos;   /* bytes of this array's chunk already delivered */
    uint64_t hash;      /* of every entry pulled in this pass */
    bool finished;      /* the pass is complete and checked */
};

static int writer_fail(struct array_source *a, const char *fmt, const char *detail)
{
    /* The stream's own message (or ours) with the path in front; libzip only
     * learns that the read failed. */
    char why[512];
    snprintf(why, sizeof why, fmt, detail);
    sl_fail("cannot write '%s': %s", a->w->path, why);
    a->w->failed = true;
    zip_error_set(&a->error, ZIP_ER_READ, 0);
    return -1;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    /* splitmix64's finaliser over a running value: order-sensitive and cheap. */
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    return h;
}

static int pull_chunk(struct array_source *a)
{
    struct writer *w = a->w;
    uint64_t left = w->nnz - a->entries;
    size_t want = left < CHUNK_ENTRIES ? (size_t)left : CHUNK_ENTRIES;
    long got = w->stream->next(w->stream->ctx, w->row, w->col, w->value, want);
    char detail[200];
    if (got < 0)
        return writer_fail(a, "%s", sl_error());
    if ((size_t)got > want) {
        snprintf(detail, sizeof detail, "%ld entries for a request of %zu", got, want);
        return writer_fail(a, "the entry stream returned %s", detail);
    }
    if (got == 0) {
        snprintf(detail, sizeof detail, "%llu entries, nnz is %llu",
                 (unsigned long long)a->entries, (unsigned long long)w->nnz);
        return writer_fail(a, "the entry stream ended after %s", detail);
    }
    for (size_t k = 0; k < (size_t)got; k++) {
        if (w->row[k] < 0 || (uint64_t)w->row[k] >= w->rows || w->col[k] < 0 ||
            (uint64_t)w->col[k] >= w->cols) {
            snprintf(detail, sizeof detail, "(%d, %d) of entry %llu is outside the %llu x %llu matrix",
                     w->row[k], w->col[k], (unsigned long long)(a->entries + k),
                     (unsigned long long)w->rows, (unsigned long long)w->cols);
            return writer_fail(a, "index %s", detail);
        }
        uint32_t bits;
        memcpy(&bits, &w->value[k], sizeof bits);
        a->hash = mix(a->hash, (uint64_t)(uint32_t)w->row[k] << 32 | (uint32_t)w->col[k]);
        a->hash = mix(a->hash, bits);
    }
    a->entries += (uint64_t)got;
    a->chunk_len = (size_t)got;
    a->chunk_pos = 0;
    return 0;
}

/* Once the last byte is out: the stream must be exhausted, and yield the same
 * entries on every pass, or the three arrays would not describe one matrix. */
static int finish_pass(struct array_source *a)
{
    struct writer *w = a->w;
    char detail[120];
    long extra = w->stream->next(w->stream->ctx, w->row, w->col, w->value, 1);
    if (extra < 0)
        return writer_fail(a, "%s", sl_error());
    if (extra > 0) {
        snprintf(detail, sizeof detail, "%llu", (unsigned long long)w->nnz);
        return writer_fail(a, "the entry stream yields more entries than nnz (%s)", detail);
    }
    if (w->passes > 0 && a->hash != w->first_pass_hash)
        return writer_fail(a, "the entry stream yielded different entries for %s than before "
                              "(it must repeat itself exactly after rewind)",
                           array_member[a->kind]);
    if (w->passes++ == 0)
        w->first_pass_hash = a->hash;
    return 0;
}

static zip_int64_t array_read(struct array_source *a, unsigned char *out, zip_uint64_t len)
{
    zip_uint64_t done = 0;
    while (done < len && a->delivered < a->size) {
        if (a->delivered < a->header_len) {
            size_t n = a->header_len - (size_t)a->delivered;
            if (n > len - done)
                n = (size_t)(len - done);
            memcpy(out + done, a->header + a->delivered, n);
            done += n;
            a->delivered += n;
            continue;
        }
        size_t chunk_bytes = a->chunk_len * 4;
        if (a->chunk_pos == chunk_bytes && pull_chunk(a) != 0)
            return -1;
        chunk_bytes = a->chunk_len * 4;
        const void *array = a->kind == ARRAY_ROW   ? (const void *)a->w->row
                            : a->kind == ARRAY_COL ? (const void *)a->w->col
                                                   : (const void *)a->w->value;
        size_t n = chunk_bytes - a->chunk_pos;
        if (n > len - done)
            n = (size_t)(len - done);
        memcpy(out + done, (const unsigned char *)array + a->chunk_pos, n);
        a->chunk_pos += n;
        done += n;
        a->delivered += n;
    }
    if (a->delivered == a->size && done < len && !a->finished) {
        if (finish_pass(a) != 0)
            return -1;
        a->finished = true;
    }
    return (zip_int64_t)done;
}

static zip_int64_t array_callback(void *userdata, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    struct array_source *a = userdata;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        /* libzip opens each member once, when zip_close() copies it. */
        if (a->w->stream->rewind(a->w->stream->ctx) != 0)
            return writer_fail(a, "%s", sl_error());
        a->delivered = a->entries = 0;
        a->chunk_len = a->chunk_pos = 0;
        a->hash = 0;
        a->finished = false;
        return 0;
    case ZIP_SOURCE_READ:
        return array_read(a, data, len);
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE: /* the writer owns `a` */
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &a->error);
        if (!st)
            return -1;
        zip_stat_init(st);
        /* The size up front lets libzip write the ZIP64 local header a member
         * over 4 GiB needs before its data, not discover it afterwards. */
        st->valid |= ZIP_STAT_SIZE;
        st->size = a->size;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&a->error, data, len);
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              ZIP_SOURCE_SUPPORTS, -1);
    default:
        zip_error_set(&a->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/* The archive itself, written through the atomic file's stream: libzip sees
 * an empty archive it may write, seek and tell on; the rename is ours. */
struct archive_sink {
    FILE *fp;
    zip_error_t error;
};

static zip_int64_t sink_callback(void *userdata, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    struct archive_sink *sink = userdata;
    switch (cmd) {
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_WRITABLE;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &sink->error);
        if (!st)
            return -1;
        zip_stat_init(st);
        st->valid |= ZIP_STAT_SIZE;
        st->size = 0;
        return sizeof *st;
    }
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
    case ZIP_SOURCE_BEGIN_WRITE:
    case ZIP_SOURCE_ROLLBACK_WRITE: /* the caller removes the temporary */
    case ZIP_SOURCE_REMOVE:
    case ZIP_SOURCE_READ: /* nothing to read: the old archive is never opened */
    case ZIP_SOURCE_TELL:
        return 0;
    case ZIP_SOURCE_SEEK:
        return zip_source_seek_compute_offset(0, 0, data, len, &sink->error) < 0 ? -1 : 0;
    case ZIP_SOURCE_WRITE:
        if (fwrite(data, 1, (size_t)len, sink->fp) != (size_t)len) {
            zip_error_set(&sink->error, ZIP_ER_WRITE, errno);
            return -1;
        }
        return (zip_int64_t)len;
    case ZIP_SOURCE_SEEK_WRITE: {
        struct zip_source_args_seek *args =
            ZIP_SOURCE_GET_ARGS(struct zip_source_args_seek, data, len, &sink->error);
        if (!args)
            return -1;
        if (fseeko(sink->fp, (off_t)args->offset, args->whence) != 0) {
            zip_error_set(&sink->error, ZIP_ER_SEEK, errno);
            return -1;
        }
        return 0;
    }
    case ZIP_SOURCE_TELL_WRITE: {
        off_t at = ftello(sink->fp);
        if (at < 0) {
            zip_error_set(&sink->error, ZIP_ER_TELL, errno);
            return -1;
        }
        return (zip_int64_t)at;
    }
    case ZIP_SOURCE_COMMIT_WRITE:
        if (fflush(sink->fp) != 0) {
            zip_error_set(&sink->error, ZIP_ER_WRITE, errno);
            return -1;
        }
        return 0;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&sink->error, data, len);
    default:
        zip_error_set(&sink->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/* Adds `src` as a stored member with numpy's fixed time; frees `src` on failure. */
static int add_member(zip_t *za, const char *name, zip_source_t *src)
{
    if (!src)
        return -1;
    zip_int64_t idx = zip_file_add(za, name, src, ZIP_FL_ENC_GUESS);
    if (idx < 0) {
        zip_source_free(src);
        return -1;
    }
    zip_uint64_t i = (zip_uint64_t)idx;
    if (zip_set_file_compression(za, i, ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_dostime(za, i, 0, DOS_DATE_1980_01_01, 0) != 0 ||
        zip_file_set_external_attributes(za, i, 0, ZIP_OPSYS_UNIX, MEMBER_ATTRIBUTES) != 0)
        return -1;
    return 0;
}

/* A whole small array (.npy header and data) in one buffer. */
struct small_member {
    unsigned char bytes[NPY_HEADER_MAX + 16];
    size_t len;
};

static int small_array(struct small_member *m, const char *descr, int ndim, const uint64_t *shape,
                       const void *data, size_t bytes)
{
    long header = npy_format_header(m->bytes, sizeof m->bytes - bytes, descr, false, ndim, shape);
    if (header < 0)
        return -1;
    memcpy(m->bytes + header, data, bytes);
    m->len = (size_t)header + bytes;
    return 0;
}

int npz_write_coo(const char *path, uint64_t rows, uint64_t cols, uint64_t nnz,
                  const struct npz_coo_stream *s)
{
    if (rows >= INDEX_LIMIT || cols >= INDEX_LIMIT)
        return sl_fail("cannot write '%s': a %llu x %llu matrix needs 64-bit indices; the .npz "
                       "output stores int32 (rows and cols below 2^31)",
                       path, (unsigned long long)rows, (unsigned long long)cols);
    if (nnz > ((uint64_t)1 << 60))
        return sl_fail("cannot write '%s': nnz %llu is implausible", path, (unsigned long long)nnz);
    if (!s || !s->rewind || !s->next)
        return sl_fail("cannot write '%s': no entry stream", path);

    int rc = -1;
    struct writer w = {.path = path, .rows = rows, .cols = cols, .nnz = nnz, .stream = s};
    struct array_source *arrays = calloc(3, sizeof *arrays);
    struct small_member *shape_member = calloc(1, sizeof *shape_member);
    struct small_member *format_member = calloc(1, sizeof *format_member);
    w.row = util_alloc(CHUNK_ENTRIES, sizeof *w.row, "npz chunk");
    w.col = util_alloc(CHUNK_ENTRIES, sizeof *w.col, "npz chunk");
    w.value = util_alloc(CHUNK_ENTRIES, sizeof *w.value, "npz chunk");
    struct util_atomic_file f = {0};
    struct archive_sink sink = {0};
    zip_error_init(&sink.error);
    zip_t *za = NULL;
    if (!arrays || !shape_member || !format_member) {
        sl_fail("out of memory");
        goto done;
    }
    for (int k = 0; k < 3; k++)
        zip_error_init(&arrays[k].error);
    if (!w.row || !w.col || !w.value)
        goto done;

    const int64_t shape_values[2] = {(int64_t)rows, (int64_t)cols};
    const uint64_t two = 2;
    if (small_array(shape_member, "<i8", 1, &two, shape_values, sizeof shape_values) != 0 ||
        small_array(format_member, "|S3", 0, NULL, "coo", 3) != 0)
        goto done;
    for (int k = 0; k < 3; k++) {
        struct array_source *a = &arrays[k];
        a->w = &w;
        a->kind = (enum array_kind)k;
        long header = npy_format_header(a->header, sizeof a->header, k == ARRAY_DATA ? "<f4" : "<i4",
                                        false, 1, &nnz);
        if (header < 0)
            goto done;
        a->header_len = (size_t)header;
        a->size = (uint64_t)header + 4 * nnz;
    }

    if (util_atomic_open(&f, path) != 0)
        goto done;
    sink.fp = f.fp;
    zip_error_t open_error;
    zip_error_init(&open_error);
    zip_source_t *archive = zip_source_function_create(sink_callback, &sink, &open_error);
    if (archive) {
        za = zip_open_from_source(archive, ZIP_CREATE | ZIP_TRUNCATE, &open_error);
        if (!za)
            zip_source_free(archive);
    }
    if (!za) {
        sl_fail("cannot write '%s': %s", path, zip_error_strerror(&open_error));
        zip_error_fini(&open_error);
        goto done;
    }
    zip_error_fini(&open_error);

    /* scipy's order: row, col, then format, shape, data. */
    if (add_member(za, "row.npy", zip_source_function(za, array_callback, &arrays[ARRAY_ROW])) != 0 ||
        add_member(za, "col.npy", zip_source_function(za, array_callback, &arrays[ARRAY_COL])) != 0 ||
        add_member(za, "format.npy",
                   zip_source_buffer(za, format_member->bytes, format_member->len, 0)) != 0 ||
        add_member(za, "shape.npy",
                   zip_source_buffer(za, shape_member->bytes, shape_member->len, 0)) != 0 ||
        add_member(za, "data.npy", zip_source_function(za, array_callback, &arrays[ARRAY_DATA])) != 0) {
        sl_fail("cannot write '%s': %s", path, zip_strerror(za));
        goto done;
    }
    if (zip_close(za) != 0) {
        if (!w.failed)
            sl_fail("cannot write '%s': %s", path, zip_strerror(za));
        goto done;
    }
    za = NULL;
    sink.fp = NULL;
    rc = util_atomic_commit(&f);
done:
    if (za)
        zip_discard(za);
    if (rc != 0)
        util_atomic_abort(&f);
    zip_error_fini(&sink.error);
    if (arrays)
        for (int k = 0; k < 3; k++)
            zip_error_fini(&arrays[k].error);
    free(arrays);
    free(shape_member);
    free(format_member);
    free(w.row);
    free(w.col);
    free(w.value);
    return rc;
}

int npz_check_path(const char *path)
{
    size_t len = strlen(path);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (len < 4 || strcmp(path + len - 4, ".npz") != 0 || strlen(base) <= 4)
        return sl_fail("'%s': sparse output must be a file name ending in .npz", path);
    return util_check_writable(path);
}
