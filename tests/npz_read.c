/* Reading a scipy sparse .npz back whole: what the tests check the streamed
 * writer (kit/npz.h) and scipy's own files with.  Test-only. */
#include "npz_read.h"

#include "kit/npy.h"
#include "kit/sl.h"
#include "kit/files.h"
#include "kit/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#define INDEX_LIMIT ((uint64_t)1 << 31)

/* A member's bytes, read whole; the extra read past the end is what makes
 * libzip compare the CRC. */
static int read_member(zip_t *za, const char *path, const char *name, unsigned char **out, size_t *len)
{
    *out = NULL;
    zip_int64_t idx = zip_name_locate(za, name, 0);
    if (idx < 0)
        return sl_fail("%s: not a scipy sparse .npz (no member %s)", path, name);
    zip_stat_t st;
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return sl_fail("%s: cannot read member %s: %s", path, name, zip_strerror(za));
    if (st.size > SIZE_MAX / 2)
        return sl_fail("%s: member %s is too large (%llu bytes)", path, name, (unsigned long long)st.size);
    size_t size = (size_t)st.size;
    unsigned char *buf = util_alloc(size + 1, 1, name);
    if (!buf)
        return -1;
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!zf) {
        free(buf);
        return sl_fail("%s: cannot read member %s: %s", path, name, zip_strerror(za));
    }
    zip_int64_t got = zip_fread(zf, buf, size);
    zip_int64_t past = got == (zip_int64_t)size ? zip_fread(zf, buf + size, 1) : 0;
    if (got != (zip_int64_t)size || past != 0) {
        sl_fail("%s: cannot read member %s: %s", path, name,
                got < 0 || past < 0 ? zip_file_strerror(zf) : "its length differs from the directory");
        zip_fclose(zf);
        free(buf);
        return -1;
    }
    if (zip_fclose(zf) != 0) {
        free(buf);
        return sl_fail("%s: cannot read member %s: %s", path, name, zip_strerror(za));
    }
    *out = buf;
    *len = size;
    return 0;
}

/* Checks that member `name` is a .npy array of `descr` with `ndim`
 * dimensions; returns its element count and where its data starts. */
static int parse_member(const char *path, const char *name, const unsigned char *bytes, size_t len,
                        const char *descr, int ndim, size_t item_size, uint64_t *count,
                        const unsigned char **data)
{
    static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (len < 10 || memcmp(bytes, magic, 6) != 0)
        return sl_fail("%s: member %s is not a .npy array", path, name);
    size_t prefix = bytes[6] == 1 ? 10 : 12;
    if (bytes[6] < 1 || bytes[6] > 3 || len < prefix)
        return sl_fail("%s: member %s: unsupported .npy format version %d", path, name, bytes[6]);
    size_t header_len = bytes[8] | (size_t)bytes[9] << 8;
    if (prefix == 12)
        header_len |= (size_t)bytes[10] << 16 | (size_t)bytes[11] << 24;
    if (header_len > len - prefix)
        return sl_fail("%s: member %s: truncated .npy header", path, name);
    char *dict_text = strndup((const char *)bytes + prefix, header_len);
    if (!dict_text)
        return sl_fail("out of memory");
    char where[300];
    snprintf(where, sizeof where, "%s: member %s", path, name);
    struct npy_dict dict;
    int parsed = npy_parse_dict(where, dict_text, &dict);
    free(dict_text);
    if (parsed != 0)
        return -1;
    if (strcmp(dict.descr, descr) != 0)
        return sl_fail("%s: dtype %s, expected %s", where, dict.descr, descr);
    if (dict.ndim != ndim)
        return sl_fail("%s: %d dimensions, expected %d", where, dict.ndim, ndim);
    uint64_t n = ndim == 1 ? dict.shape[0] : 1;
    size_t data_len = len - prefix - header_len;
    if (n > SIZE_MAX / item_size || data_len != n * item_size)
        return sl_fail("%s: %zu bytes of data for %llu elements of %s", where, data_len,
                       (unsigned long long)n, descr);
    *count = n;
    *data = bytes + prefix + header_len;
    return 0;
}

int npz_read_coo(const char *path, uint64_t *rows_out, uint64_t *cols_out, uint64_t *nnz_out,
                 int32_t **row_out, int32_t **col_out, float **value_out)
{
    *row_out = *col_out = NULL;
    *value_out = NULL;
    int fd = util_open_input(path);
    if (fd < 0)
        return -1;
    int code = 0;
    zip_t *za = zip_fdopen(fd, ZIP_CHECKCONS, &code); /* owns fd from here on */
    if (!za) {
        close(fd);
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        sl_fail("cannot read '%s': %s", path, zip_error_strerror(&error));
        zip_error_fini(&error);
        return -1;
    }
    enum { M_FORMAT, M_SHAPE, M_ROW, M_COL, M_DATA, M_COUNT };
    static const char *const names[M_COUNT] = {"format.npy", "shape.npy", "row.npy", "col.npy", "data.npy"};
    static const char *const descrs[M_COUNT] = {"|S3", "<i8", "<i4", "<i4", "<f4"};
    static const int ndims[M_COUNT] = {0, 1, 1, 1, 1};
    static const size_t item_sizes[M_COUNT] = {3, 8, 4, 4, 4};
    unsigned char *bytes[M_COUNT] = {0};
    const unsigned char *data[M_COUNT] = {0};
    uint64_t counts[M_COUNT] = {0};
    int32_t *row = NULL, *col = NULL;
    float *value = NULL;
    int rc = -1;
    for (int m = 0; m < M_COUNT; m++) {
        size_t len = 0;
        if (read_member(za, path, names[m], &bytes[m], &len) != 0 ||
            parse_member(path, names[m], bytes[m], len, descrs[m], ndims[m], item_sizes[m],
                         &counts[m], &data[m]) != 0)
            goto done;
    }
    if (memcmp(data[M_FORMAT], "coo", 3) != 0) {
        sl_fail("%s: sparse format '%.3s', expected 'coo'", path, (const char *)data[M_FORMAT]);
        goto done;
    }
    int64_t shape[2];
    if (counts[M_SHAPE] != 2) {
        sl_fail("%s: shape has %llu entries, expected 2", path, (unsigned long long)counts[M_SHAPE]);
        goto done;
    }
    memcpy(shape, data[M_SHAPE], sizeof shape);
    if (shape[0] < 0 || shape[1] < 0 || (uint64_t)shape[0] >= INDEX_LIMIT ||
        (uint64_t)shape[1] >= INDEX_LIMIT) {
        sl_fail("%s: shape (%lld, %lld) is outside [0, 2^31)", path, (long long)shape[0],
                (long long)shape[1]);
        goto done;
    }
    uint64_t nnz = counts[M_ROW];
    if (counts[M_COL] != nnz || counts[M_DATA] != nnz) {
        sl_fail("%s: lengths differ: row %llu, col %llu, data %llu", path, (unsigned long long)nnz,
                (unsigned long long)counts[M_COL], (unsigned long long)counts[M_DATA]);
        goto done;
    }
    if (nnz > 0) {
        row = util_alloc((size_t)nnz, sizeof *row, path);
        col = util_alloc((size_t)nnz, sizeof *col, path);
        value = util_alloc((size_t)nnz, sizeof *value, path);
        if (!row || !col || !value)
            goto done;
        memcpy(row, data[M_ROW], (size_t)nnz * sizeof *row);
        memcpy(col, data[M_COL], (size_t)nnz * sizeof *col);
        memcpy(value, data[M_DATA], (size_t)nnz * sizeof *value);
    }
    for (uint64_t k = 0; k < nnz; k++)
        if (row[k] < 0 || row[k] >= shape[0] || col[k] < 0 || col[k] >= shape[1]) {
            sl_fail("%s: entry %llu at (%d, %d) is outside the %lld x %lld matrix", path,
                    (unsigned long long)k, row[k], col[k], (long long)shape[0], (long long)shape[1]);
            goto done;
        }
    *rows_out = (uint64_t)shape[0];
    *cols_out = (uint64_t)shape[1];
    *nnz_out = nnz;
    *row_out = row;
    *col_out = col;
    *value_out = value;
    row = col = NULL;
    value = NULL;
    rc = 0;
done:
    for (int m = 0; m < M_COUNT; m++)
        free(bytes[m]);
    free(row);
    free(col);
    free(value);
    zip_discard(za);
    return rc;
}

