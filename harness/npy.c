#include "npy.h"

#include "sl.h"
#include "util.h"

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

static int parse_header(const char *path, const char *header, int *item_size, int *fortran,
                        size_t *rows, size_t *cols)
{
    const char *descr = header_value(header, "descr");
    const char *order = header_value(header, "fortran_order");
    const char *shape = header_value(header, "shape");
    if (!descr || !order || !shape)
        return sl_fail("%s: malformed .npy header (needs descr, fortran_order and shape)", path);
    if (strncmp(descr, "'<f4'", 5) == 0)
        *item_size = 4;
    else if (strncmp(descr, "'<f8'", 5) == 0)
        *item_size = 8;
    else {
        int len = (int)strcspn(descr + 1, "'");
        return sl_fail("%s: unsupported dtype %.*s (need little-endian float32 <f4 or float64 <f8)",
                       path, len > 20 ? 20 : len, descr + 1);
    }
    if (strncmp(order, "False", 5) == 0)
        *fortran = 0;
    else if (strncmp(order, "True", 4) == 0)
        *fortran = 1;
    else
        return sl_fail("%s: malformed .npy header (fortran_order is neither True nor False)", path);
    if (*shape != '(')
        return sl_fail("%s: malformed .npy header (shape is not a tuple)", path);
    unsigned long long dims[3];
    int rank = 0;
    const char *c = shape + 1;
    for (;;) {
        while (*c == ' ')
            c++;
        if (*c == ')')
            break;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(c, &end, 10);
        if (end == c || errno || *c == '-')
            return sl_fail("%s: malformed .npy header (bad shape)", path);
        if (rank < 3)
            dims[rank] = v;
        rank++;
        c = end;
        while (*c == ' ')
            c++;
        if (*c == ',')
            c++;
        else if (*c != ')')
            return sl_fail("%s: malformed .npy header (bad shape)", path);
    }
    if (rank != 2)
        return sl_fail("%s: array has %d dimension%s, need 2 (rows are samples)", path, rank,
                       rank == 1 ? "" : "s");
    if (dims[0] == 0 || dims[1] == 0)
        return sl_fail("%s: array is empty (%llu x %llu)", path, dims[0], dims[1]);
    if (dims[0] > SIZE_MAX / dims[1] / 8)
        return sl_fail("%s: array is too large (%llu x %llu)", path, dims[0], dims[1]);
    *rows = (size_t)dims[0];
    *cols = (size_t)dims[1];
    return 0;
}

int npy_read_matrix_f32(const char *path, size_t *rows_out, size_t *cols_out, float **data_out)
{
    int rc = -1;
    char *header = NULL;
    int item_size = 0, fortran = 0;
    size_t rows = 0, cols = 0;
    void *raw = NULL;
    float *data = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return sl_fail("cannot open '%s': %s", path, strerror(errno));

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

    if (parse_header(path, header, &item_size, &fortran, &rows, &cols) != 0)
        goto done;

    size_t count = rows * cols;
    size_t bytes = count * (size_t)item_size;
    long data_start = ftell(fp);
    struct stat st;
    if (data_start < 0 || fstat(fileno(fp), &st) != 0) {
        sl_fail("%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    size_t present = (size_t)st.st_size > (size_t)data_start ? (size_t)st.st_size - (size_t)data_start : 0;
    if (present < bytes) {
        sl_fail("%s: truncated: header says %zu x %zu (%zu bytes of data), file has %zu", path,
                rows, cols, bytes, present);
        goto done;
    }
    if (present > bytes) {
        sl_fail("%s: malformed: %zu bytes after the %zu x %zu array", path, present - bytes, rows,
                cols);
        goto done;
    }
    raw = util_alloc(count, (size_t)item_size, path);
    data = util_alloc(count, sizeof *data, path);
    if (!raw || !data)
        goto done;
    if (fread(raw, 1, bytes, fp) != bytes)
        goto truncated;

    for (size_t idx = 0; idx < count; idx++) {
        /* The file is row-major (C) or column-major (Fortran); we store C. */
        size_t r = fortran ? idx % rows : idx / cols;
        size_t c = fortran ? idx / rows : idx % cols;
        double v = item_size == 4 ? ((const float *)raw)[idx] : ((const double *)raw)[idx];
        if (!isfinite(v)) {
            sl_fail("%s: non-finite value at [%zu, %zu]", path, r, c);
            goto done;
        }
        if (fabs(v) > 3.4e38) {
            sl_fail("%s: value %g at [%zu, %zu] is outside float32 range", path, v, r, c);
            goto done;
        }
        data[r * cols + c] = (float)v;
    }
    *rows_out = rows;
    *cols_out = cols;
    *data_out = data;
    data = NULL;
    rc = 0;
    goto done;
truncated:
    sl_fail("%s: truncated .npy file", path);
done:
    free(header);
    free(raw);
    free(data);
    fclose(fp);
    return rc;
}

int npy_write_matrix_f32(const char *path, size_t rows, size_t cols, npy_row_fn row,
                         const void *ctx)
{
    char header[128];
    int len = snprintf(header, sizeof header,
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu, %zu), }", rows,
                       cols);
    /* Pad so the data starts on a 64-byte boundary, as NumPy does. */
    int total = 10 + len + 1;
    int pad = (64 - total % 64) % 64;
    size_t header_len = (size_t)(len + pad + 1);
    float *buffer = util_alloc(cols, sizeof *buffer, "output row");
    if (!buffer)
        return -1;
    struct util_atomic_file f;
    if (util_atomic_open(&f, path) != 0) {
        free(buffer);
        return -1;
    }
    unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                (unsigned char)(header_len & 0xff),
                                (unsigned char)(header_len >> 8)};
    int ok = fwrite(prefix, 1, 10, f.fp) == 10 && fwrite(header, 1, (size_t)len, f.fp) == (size_t)len &&
             fprintf(f.fp, "%*s\n", pad, "") == pad + 1;
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
