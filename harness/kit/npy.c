#include "kit/npy.h"

#include "kit/sl.h"
#include "kit/util.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* Finds `'key':` in the header dict and returns what follows, spaces skipped. */
static const char *header_value(const char *header, const char *key)
{
    char quoted[32];
    snprintf(quoted, sizeof quoted, "'%s'", key);
    const char *at = strstr(header, quoted);
    if (!at)
        return NULL;
    at += strlen(quoted);
    while (*at == ' ')
        at++;
    if (*at != ':')
        return NULL;
    at++;
    while (*at == ' ')
        at++;
    return at;
}

int npy_parse_dict(const char *path, const char *dict, struct npy_dict *out)
{
    memset(out, 0, sizeof *out);
    const char *descr = header_value(dict, "descr");
    const char *order = header_value(dict, "fortran_order");
    const char *shape = header_value(dict, "shape");
    if (!descr || !order || !shape)
        return sl_fail("%s: malformed .npy header (needs descr, fortran_order and shape)", path);
    size_t descr_len = *descr == '\'' ? strcspn(descr + 1, "'") : 0;
    if (descr_len == 0 || descr[1 + descr_len] != '\'' || descr_len >= sizeof out->descr)
        return sl_fail("%s: malformed .npy header (descr is not a short quoted string)", path);
    memcpy(out->descr, descr + 1, descr_len);
    if (strncmp(order, "False", 5) == 0)
        out->fortran_order = false;
    else if (strncmp(order, "True", 4) == 0)
        out->fortran_order = true;
    else
        return sl_fail("%s: malformed .npy header (fortran_order is neither True nor False)", path);
    if (*shape != '(')
        return sl_fail("%s: malformed .npy header (shape is not a tuple)", path);
    const char *c = shape + 1;
    for (;;) {
        while (*c == ' ')
            c++;
        if (*c == ')')
            break;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(c, &end, 10);
        if (end == c || errno || *c == '-' || out->ndim == INT32_MAX)
            return sl_fail("%s: malformed .npy header (bad shape)", path);
        if (out->ndim < NPY_MAX_DIMS)
            out->shape[out->ndim] = v;
        out->ndim++;
        c = end;
        while (*c == ' ')
            c++;
        if (*c == ',')
            c++;
        else if (*c != ')')
            return sl_fail("%s: malformed .npy header (bad shape)", path);
    }
    return 0;
}

long npy_format_header(unsigned char *out, size_t cap, const char *descr, bool fortran_order,
                       int ndim, const uint64_t *shape)
{
    if (ndim < 0 || ndim > NPY_MAX_DIMS)
        return sl_fail(".npy header: %d dimensions (at most %d)", ndim, NPY_MAX_DIMS);
    char dict[NPY_HEADER_MAX];
    size_t len = (size_t)snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': %s, 'shape': (",
                                  descr, fortran_order ? "True" : "False");
    for (int d = 0; d < ndim && len < sizeof dict; d++)
        len += (size_t)snprintf(dict + len, sizeof dict - len, d == 0 ? "%llu" : ", %llu",
                                (unsigned long long)shape[d]);
    if (len < sizeof dict)
        len += (size_t)snprintf(dict + len, sizeof dict - len, "%s), }", ndim == 1 ? "," : "");
    /* numpy leaves room to grow the first axis (the last in Fortran order) in
     * place: spaces up to the 21 digits of the largest conceivable extent. */
    if (ndim > 0 && len < sizeof dict) {
        char digits[24];
        int n = snprintf(digits, sizeof digits, "%llu",
                         (unsigned long long)shape[fortran_order ? ndim - 1 : 0]);
        for (int i = n; i < 21 && len < sizeof dict; i++)
            dict[len++] = ' ';
    }
    if (len >= sizeof dict)
        return sl_fail(".npy header: too long");
    /* As numpy's _wrap_header: 1 to 64 spaces and a newline so that magic,
     * version, length and dict end on a 64-byte boundary. */
    size_t with_newline = len + 1;
    size_t prefix = 10;
    size_t pad = 64 - (prefix + with_newline) % 64;
    if (with_newline + pad > UINT16_MAX) {
        prefix = 12;
        pad = 64 - (prefix + with_newline) % 64;
    }
    size_t total = prefix + with_newline + pad;
    if (total > cap)
        return sl_fail(".npy header: %zu bytes do not fit in %zu", total, cap);
    size_t header_len = with_newline + pad;
    memcpy(out, magic, sizeof magic);
    out[6] = prefix == 10 ? 1 : 2;
    out[7] = 0;
    for (size_t b = 0; b < prefix - 8; b++)
        out[8 + b] = (unsigned char)(header_len >> (8 * b));
    memcpy(out + prefix, dict, len);
    memset(out + prefix + len, ' ', pad);
    out[total - 1] = '\n';
    return (long)total;
}

static int parse_header(const char *path, const char *header, int *item_size, int *fortran,
                        size_t *rows, size_t *cols)
{
    struct npy_dict d;
    if (npy_parse_dict(path, header, &d) != 0)
        return -1;
    if (strcmp(d.descr, "<f4") == 0)
        *item_size = 4;
    else if (strcmp(d.descr, "<f8") == 0)
        *item_size = 8;
    else
        return sl_fail("%s: unsupported dtype %s (need little-endian float32 <f4 or float64 <f8)",
                       path, d.descr);
    *fortran = d.fortran_order;
    if (d.ndim != 2)
        return sl_fail("%s: array has %d dimension%s, need 2 (rows are samples)", path, d.ndim,
                       d.ndim == 1 ? "" : "s");
    unsigned long long dims[2] = {d.shape[0], d.shape[1]};
    if (dims[0] == 0 || dims[1] == 0)
        return sl_fail("%s: array is empty (%llu x %llu)", path, dims[0], dims[1]);
    if (dims[0] > SIZE_MAX / dims[1] / 8)
        return sl_fail("%s: array is too large (%llu x %llu)", path, dims[0], dims[1]);
    *rows = (size_t)dims[0];
    *cols = (size_t)dims[1];
    return 0;
}

/* A 2-D float .npy opened at its data, its header checked against its length. */
struct matrix_file {
    FILE *fp;
    int item_size, fortran;
    size_t rows, cols;
};

/* 0 with the file at its first data byte, or -1 with sl_error() (nothing open). */
static int matrix_open(const char *path, struct matrix_file *m)
{
    *m = (struct matrix_file){0};
    char *header = NULL;
    FILE *fp = util_fopen_input(path);
    if (!fp)
        return -1;
    int rc = -1;
    unsigned char prefix[10];
    if (fread(prefix, 1, 8, fp) != 8 || memcmp(prefix, magic, 6) != 0) {
        sl_fail("%s: not a .npy file (bad magic)", path);
        goto done;
    }
    int major = prefix[6];
    size_t header_len;
    if (major == 1) {
        if (fread(prefix, 1, 2, fp) != 2)
            goto truncated;
        header_len = prefix[0] | (size_t)prefix[1] << 8;
    } else if (major == 2 || major == 3) {
        if (fread(prefix, 1, 4, fp) != 4)
            goto truncated;
        header_len = prefix[0] | (size_t)prefix[1] << 8 | (size_t)prefix[2] << 16 |
                     (size_t)prefix[3] << 24;
    } else {
        sl_fail("%s: unsupported .npy format version %d", path, major);
        goto done;
    }
    if (header_len > (1u << 20)) {
        sl_fail("%s: malformed .npy header (length %zu)", path, header_len);
        goto done;
    }
    header = malloc(header_len + 1);
    if (!header) {
        sl_fail("out of memory");
        goto done;
    }
    if (fread(header, 1, header_len, fp) != header_len)
        goto truncated;
    header[header_len] = '\0';

    if (parse_header(path, header, &m->item_size, &m->fortran, &m->rows, &m->cols) != 0)
        goto done;

    size_t bytes = m->rows * m->cols * (size_t)m->item_size;
    long data_start = ftell(fp);
    struct stat st;
    if (data_start < 0 || fstat(fileno(fp), &st) != 0) {
        sl_fail("%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    size_t present = (size_t)st.st_size > (size_t)data_start ? (size_t)st.st_size - (size_t)data_start : 0;
    if (present < bytes) {
        sl_fail("%s: truncated: header says %zu x %zu (%zu bytes of data), file has %zu", path,
                m->rows, m->cols, bytes, present);
        goto done;
    }
    if (present > bytes) {
        sl_fail("%s: malformed: %zu bytes after the %zu x %zu array", path, present - bytes,
                m->rows, m->cols);
        goto done;
    }
    m->fp = fp;
    fp = NULL;
    rc = 0;
    goto done;
truncated:
    sl_fail("%s: truncated .npy file", path);
done:
    free(header);
    if (fp)
        fclose(fp);
    return rc;
}

/* Reads the next `count` items of the data into `raw`, and checks each is a
 * finite float32 value; `first` is the index in the file of the first one.
 * Where `data` is given, the values go there in row-major order. */
static int matrix_read(const char *path, const struct matrix_file *m, void *raw, size_t first,
                       size_t count, float *data)
{
    if (fread(raw, (size_t)m->item_size, count, m->fp) != count)
        return sl_fail("%s: truncated .npy file", path);
    for (size_t i = 0; i < count; i++) {
        /* The file is row-major (C) or column-major (Fortran); we store C. */
        size_t idx = first + i;
        size_t r = m->fortran ? idx % m->rows : idx / m->cols;
        size_t c = m->fortran ? idx / m->rows : idx % m->cols;
        double v = m->item_size == 4 ? ((const float *)raw)[i] : ((const double *)raw)[i];
        if (!isfinite(v))
            return sl_fail("%s: non-finite value at [%zu, %zu]", path, r, c);
        if (fabs(v) > 3.4e38)
            return sl_fail("%s: value %g at [%zu, %zu] is outside float32 range", path, v, r, c);
        if (data)
            data[r * m->cols + c] = (float)v;
    }
    return 0;
}

int npy_read_matrix_f32(const char *path, size_t *rows_out, size_t *cols_out, float **data_out)
{
    struct matrix_file m;
    if (matrix_open(path, &m) != 0)
        return -1;
    size_t count = m.rows * m.cols;
    void *raw = util_alloc(count, (size_t)m.item_size, path);
    float *data = util_alloc(count, sizeof *data, path);
    int rc = raw && data ? matrix_read(path, &m, raw, 0, count, data) : -1;
    free(raw);
    fclose(m.fp);
    if (rc != 0) {
        free(data);
        return -1;
    }
    *rows_out = m.rows;
    *cols_out = m.cols;
    *data_out = data;
    return 0;
}

int npy_check_matrix_f32(const char *path, size_t *rows_out, size_t *cols_out)
{
    enum { CHUNK = 8192 }; /* items read at a time: 64 KiB of float64 */
    struct matrix_file m;
    if (matrix_open(path, &m) != 0)
        return -1;
    double *raw = util_alloc(CHUNK, sizeof *raw, path);
    size_t count = m.rows * m.cols;
    int rc = raw ? 0 : -1;
    for (size_t first = 0; rc == 0 && first < count; first += CHUNK)
        rc = matrix_read(path, &m, raw, first, count - first < CHUNK ? count - first : CHUNK, NULL);
    free(raw);
    fclose(m.fp);
    if (rc == 0) {
        *rows_out = m.rows;
        *cols_out = m.cols;
    }
    return rc;
}

int npy_write_matrix_f32(const char *path, size_t rows, size_t cols, npy_row_fn row,
                         const void *ctx)
{
    unsigned char header[NPY_HEADER_MAX];
    const uint64_t shape[2] = {rows, cols};
    long header_len = npy_format_header(header, sizeof header, "<f4", false, 2, shape);
    if (header_len < 0)
        return -1;
    float *buffer = util_alloc(cols, sizeof *buffer, "output row");
    if (!buffer)
        return -1;
    struct util_atomic_file f;
    if (util_atomic_open(&f, path) != 0) {
        free(buffer);
        return -1;
    }
    int ok = fwrite(header, 1, (size_t)header_len, f.fp) == (size_t)header_len;
    for (size_t r = 0; ok && r < rows; r++)
        ok = fwrite(row(ctx, r, buffer), sizeof(float), cols, f.fp) == cols;
    free(buffer);
    if (!ok) {
        int e = errno;
        util_atomic_abort(&f);
        return sl_fail("cannot write '%s': %s", path, strerror(e));
    }
    return util_atomic_commit(&f);
}
