/* The streamed scipy .npz writer and its reader.  For the scipy test
 * (npz_scipy_test.sh): `--write-sample FILE` writes the sample matrix and
 * prints its entries, one "row col value" per line; `--read FILE` prints
 * "rows cols nnz" and then the entries of a file scipy wrote. */
#include "check.h"
#include "kit/npy.h"
#include "kit/npz.h"
#include "npz_read.h"
#include "kit/sl.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

static char dir[] = "/tmp/speedlab-npz-XXXXXX";

static const char *path_of(const char *name)
{
    static char buf[4][256];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

/* A matrix held in memory, served in pulls of at most `pull` entries. */
struct matrix {
    uint64_t rows, cols, nnz;
    int32_t *row, *col;
    float *value;
    size_t pull;
    uint64_t at;
    int rewinds;
    long pulls;
    int fail_after_pulls; /* > 0: that pull fails */
    int drift_on_rewind;  /* > 0: from that rewind on, the first value changes */
};

static int matrix_rewind(void *ctx)
{
    struct matrix *m = ctx;
    m->at = 0;
    m->rewinds++;
    return 0;
}

static long matrix_next(void *ctx, int32_t *row, int32_t *col, float *value, size_t max)
{
    struct matrix *m = ctx;
    m->pulls++;
    if (m->fail_after_pulls > 0 && m->pulls >= m->fail_after_pulls)
        return sl_fail("test stream: disk on fire");
    size_t n = 0;
    while (n < max && n < m->pull && m->at < m->nnz) {
        row[n] = m->row[m->at];
        col[n] = m->col[m->at];
        value[n] = m->value[m->at];
        if (m->at == 0 && m->drift_on_rewind > 0 && m->rewinds >= m->drift_on_rewind)
            value[n] += 1;
        m->at++;
        n++;
    }
    return (long)n;
}

static struct npz_coo_stream stream_of(struct matrix *m)
{
    return (struct npz_coo_stream){.ctx = m, .rewind = matrix_rewind, .next = matrix_next};
}

/* Entries spread over the matrix in a scrambled but fixed order, values with
 * fractions and signs, so a transposed or shifted array cannot pass. */
static struct matrix make_matrix(uint64_t rows, uint64_t cols, uint64_t nnz, size_t pull)
{
    struct matrix m = {.rows = rows, .cols = cols, .nnz = nnz, .pull = pull};
    m.row = malloc((nnz + 1) * sizeof *m.row);
    m.col = malloc((nnz + 1) * sizeof *m.col);
    m.value = malloc((nnz + 1) * sizeof *m.value);
    for (uint64_t k = 0; k < nnz; k++) {
        uint64_t cell = (k * 7919u) % (rows * cols);
        m.row[k] = (int32_t)(cell / cols);
        m.col[k] = (int32_t)(cell % cols);
        m.value[k] = (float)((double)(k % 97) * 0.125 - 3.0);
    }
    return m;
}

static void free_matrix(struct matrix *m)
{
    free(m->row);
    free(m->col);
    free(m->value);
}

static void round_trip(const char *name, uint64_t rows, uint64_t cols, uint64_t nnz, size_t pull)
{
    struct matrix m = make_matrix(rows, cols, nnz, pull);
    struct npz_coo_stream s = stream_of(&m);
    const char *path = path_of(name);
    int rc = npz_write_coo(path, rows, cols, nnz, &s);
    CHECK(rc == 0, "%s: write: %s", name, sl_error());
    CHECK(m.rewinds == 3, "%s: one pass per array, got %d rewinds", name, m.rewinds);
    uint64_t r = 0, c = 0, n = 0;
    int32_t *row = NULL, *col = NULL;
    float *value = NULL;
    rc = npz_read_coo(path, &r, &c, &n, &row, &col, &value);
    CHECK(rc == 0, "%s: read: %s", name, sl_error());
    if (rc == 0) {
        CHECK(r == rows && c == cols && n == nnz, "%s: shape %llu x %llu nnz %llu", name,
              (unsigned long long)r, (unsigned long long)c, (unsigned long long)n);
        CHECK(nnz == 0 || (memcmp(row, m.row, nnz * 4) == 0 && memcmp(col, m.col, nnz * 4) == 0 &&
                           memcmp(value, m.value, nnz * 4) == 0),
              "%s: entries differ", name);
    }
    free(row);
    free(col);
    free(value);
    free_matrix(&m);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static char *slurp(const char *path, long *len)
{
    *len = file_size(path);
    FILE *fp = fopen(path, "rb");
    if (!fp || *len < 0)
        return NULL;
    char *buf = malloc((size_t)*len + 1);
    if (fread(buf, 1, (size_t)*len, fp) != (size_t)*len) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

static int same_bytes(const char *a, const char *b)
{
    long la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    int same = x && y && la == lb && memcmp(x, y, (size_t)la) == 0;
    free(x);
    free(y);
    return same;
}

/* Entries of the test directory that are not in `expected` (temporaries). */
static int stray_files(const char *const *expected)
{
    DIR *d = opendir(dir);
    int stray = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int known = 0;
        for (const char *const *x = expected; *x; x++)
            known |= strcmp(e->d_name, *x) == 0;
        if (!known) {
            fprintf(stderr, "stray file %s\n", e->d_name);
            stray++;
        }
    }
    closedir(d);
    return stray;
}

static void expect_read_error(const char *name, const char *fragment)
{
    uint64_t r, c, n;
    int32_t *row = NULL, *col = NULL;
    float *value = NULL;
    int rc = npz_read_coo(path_of(name), &r, &c, &n, &row, &col, &value);
    CHECK(rc == -1 && !row && !col && !value, "%s: read should fail", name);
    CHECK(strstr(sl_error(), fragment) != NULL, "%s: error '%s' lacks '%s'", name, sl_error(), fragment);
    CHECK(strchr(sl_error(), '\n') == NULL, "%s: error is one line", name);
}

/* A zip holding the given members (name, bytes, length), written by libzip. */
static void write_zip(const char *name, int count, const char *const *names,
                      const unsigned char *const *bytes, const size_t *lens)
{
    int err;
    zip_t *za = zip_open(path_of(name), ZIP_CREATE | ZIP_TRUNCATE, &err);
    for (int k = 0; k < count; k++)
        zip_file_add(za, names[k], zip_source_buffer(za, bytes[k], lens[k], 0), 0);
    if (zip_close(za) != 0)
        fprintf(stderr, "write_zip %s: %s\n", name, zip_strerror(za));
}

static size_t npy_bytes(unsigned char *out, const char *descr, int ndim, uint64_t n, const void *data,
                        size_t len)
{
    long h = npy_format_header(out, NPY_HEADER_MAX, descr, false, ndim, &n);
    memcpy(out + h, data, len);
    return (size_t)h + len;
}

/* A .npz like ours but with one member's dtype or length changed. */
static void write_variant(const char *name, const char *data_descr, uint64_t data_count, const char *format)
{
    static unsigned char buf[5][NPY_HEADER_MAX + 64];
    const int32_t idx[2] = {0, 1};
    const double values[2] = {1.5, 2.5}; /* 16 bytes: two <f8 or four <f4 */
    const int64_t shape[2] = {2, 2};
    const char *const names[5] = {"row.npy", "col.npy", "format.npy", "shape.npy", "data.npy"};
    size_t lens[5];
    lens[0] = npy_bytes(buf[0], "<i4", 1, 2, idx, sizeof idx);
    lens[1] = npy_bytes(buf[1], "<i4", 1, 2, idx, sizeof idx);
    lens[2] = npy_bytes(buf[2], "|S3", 0, 0, format, 3);
    lens[3] = npy_bytes(buf[3], "<i8", 1, 2, shape, sizeof shape);
    size_t item = strcmp(data_descr, "<f8") == 0 ? 8 : 4;
    lens[4] = npy_bytes(buf[4], data_descr, 1, data_count, values, item * data_count);
    const unsigned char *const bytes[5] = {buf[0], buf[1], buf[2], buf[3], buf[4]};
    write_zip(name, 5, names, bytes, lens);
}

static int write_sample(const char *path)
{
    /* 7 x 5 with entries in no particular order, one per cell at most, and
     * values that float32 holds exactly. */
    struct matrix m = make_matrix(7, 5, 23, 4);
    struct npz_coo_stream s = stream_of(&m);
    int rc = npz_write_coo(path, m.rows, m.cols, m.nnz, &s);
    if (rc != 0)
        fprintf(stderr, "test_npz: %s\n", sl_error());
    else
        for (uint64_t k = 0; k < m.nnz; k++)
            printf("%d %d %.9g\n", m.row[k], m.col[k], (double)m.value[k]);
    free_matrix(&m);
    return rc == 0 ? 0 : 1;
}

/* What np.save (numpy 1.24) writes before the data: magic, version 1.0, the
 * length, the dict, spaces, newline; `total` as numpy's own output measured. */
static int is_numpy_header(const unsigned char *h, long len, long total, const char *dict)
{
    size_t dict_len = strlen(dict);
    if (len != total || memcmp(h, "\x93NUMPY\x01\x00", 8) != 0 || h[8] != (unsigned char)(total - 10) ||
        h[9] != 0 || memcmp(h + 10, dict, dict_len) != 0 || h[total - 1] != '\n')
        return 0;
    for (long k = 10 + (long)dict_len; k < total - 1; k++)
        if (h[k] != ' ')
            return 0;
    return 1;
}

static int print_file(const char *path)
{
    uint64_t rows, cols, nnz;
    int32_t *row, *col;
    float *value;
    if (npz_read_coo(path, &rows, &cols, &nnz, &row, &col, &value) != 0) {
        fprintf(stderr, "test_npz: %s\n", sl_error());
        return 1;
    }
    printf("%llu %llu %llu\n", (unsigned long long)rows, (unsigned long long)cols,
           (unsigned long long)nnz);
    for (uint64_t k = 0; k < nnz; k++)
        printf("%d %d %.9g\n", row[k], col[k], (double)value[k]);
    free(row);
    free(col);
    free(value);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-sample") == 0)
        return write_sample(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--read") == 0)
        return print_file(argv[2]);
    if (!mkdtemp(dir))
        return 1;

    /* .npy headers byte for byte as numpy 1.24 writes them (np.save): the
     * totals are those of numpy's own files. */
    unsigned char h[NPY_HEADER_MAX];
    uint64_t n3 = 3;
    long len = npy_format_header(h, sizeof h, "<i4", false, 1, &n3);
    CHECK(is_numpy_header(h, len, 128, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"),
          "1-D header (len %ld)", len);
    len = npy_format_header(h, sizeof h, "|S3", false, 0, NULL);
    CHECK(is_numpy_header(h, len, 128, "{'descr': '|S3', 'fortran_order': False, 'shape': (), }"),
          "0-d header (len %ld)", len);
    const uint64_t big[2] = {123456789012345ull, 7};
    len = npy_format_header(h, sizeof h, "<f4", false, 2, big);
    CHECK(is_numpy_header(h, len, 128,
                          "{'descr': '<f4', 'fortran_order': False, 'shape': (123456789012345, 7), }"),
          "2-D header (len %ld)", len);

    /* Round trips: empty, one entry, many entries in small pulls, rows != cols. */
    round_trip("empty.npz", 4, 6, 0, 16);
    round_trip("one.npz", 1, 1, 1, 16);
    round_trip("many.npz", 300, 170, 5000, 37);
    round_trip("wide.npz", 3, 100000, 4000, 1000);
    round_trip("tall.npz", 100000, 2, 150, 1);
    struct matrix pulls = make_matrix(300, 170, 5000, 37);
    struct npz_coo_stream ps = stream_of(&pulls);
    CHECK(npz_write_coo(path_of("pulls.npz"), 300, 170, 5000, &ps) == 0, "pulls: %s", sl_error());
    CHECK(pulls.pulls >= 3 * (5000 / 37), "the writer pulls in the stream's chunks (%ld pulls)",
          pulls.pulls);
    free_matrix(&pulls);

    /* The same matrix gives the same bytes, whatever the time zone. */
    struct matrix m = make_matrix(300, 170, 5000, 37);
    struct npz_coo_stream s = stream_of(&m);
    CHECK(npz_write_coo(path_of("again.npz"), 300, 170, 5000, &s) == 0, "again: %s", sl_error());
    CHECK(same_bytes(path_of("many.npz"), path_of("again.npz")), "two writes are byte-identical");
    setenv("TZ", "Pacific/Chatham", 1);
    tzset();
    CHECK(npz_write_coo(path_of("again.npz"), 300, 170, 5000, &s) == 0, "tz: %s", sl_error());
    CHECK(same_bytes(path_of("many.npz"), path_of("again.npz")), "byte-identical in another time zone");
    unsetenv("TZ");
    tzset();

    /* Stored, not compressed: the file is the arrays plus headers and zip records. */
    long size = file_size(path_of("many.npz"));
    CHECK(size > 3 * 5000 * 4 && size < 3 * 5000 * 4 + 5 * 128 + 1024, "stored size %ld", size);

    /* Every refusal keeps the old file and leaves no temporary. */
    const char *const kept[] = {"empty.npz", "one.npz", "many.npz", "wide.npz", "tall.npz",
                                "pulls.npz", "again.npz", NULL};
    long before = file_size(path_of("one.npz"));
    CHECK(npz_write_coo(path_of("one.npz"), 300, 170, 5001, &s) == -1, "nnz above the stream's");
    CHECK(strstr(sl_error(), "ended after 5000 entries, nnz is 5001") != NULL, "error: %s", sl_error());
    CHECK(npz_write_coo(path_of("one.npz"), 300, 170, 4999, &s) == -1, "nnz below the stream's");
    CHECK(strstr(sl_error(), "more entries than nnz (4999)") != NULL, "error: %s", sl_error());
    CHECK(npz_write_coo(path_of("one.npz"), 300, 169, 5000, &s) == -1, "column out of range");
    CHECK(strstr(sl_error(), "outside the 300 x 169 matrix") != NULL, "error: %s", sl_error());
    m.fail_after_pulls = 200;
    CHECK(npz_write_coo(path_of("one.npz"), 300, 170, 5000, &s) == -1, "stream failure");
    CHECK(strstr(sl_error(), "one.npz': test stream: disk on fire") != NULL, "error: %s", sl_error());
    m.fail_after_pulls = 0;
    m.rewinds = 0;
    m.drift_on_rewind = 2;
    CHECK(npz_write_coo(path_of("one.npz"), 300, 170, 5000, &s) == -1, "stream changing between passes");
    CHECK(strstr(sl_error(), "different entries for col.npy") != NULL, "error: %s", sl_error());
    m.drift_on_rewind = 0;
    CHECK(npz_write_coo(path_of("one.npz"), (uint64_t)1 << 31, 5, 5000, &s) == -1, "rows >= 2^31");
    CHECK(strstr(sl_error(), "below 2^31") != NULL, "error: %s", sl_error());
    CHECK(npz_write_coo(path_of("one.npz"), 5, (uint64_t)1 << 31, 5000, &s) == -1, "cols >= 2^31");
    CHECK(strchr(sl_error(), '\n') == NULL, "errors are one line");
    CHECK(file_size(path_of("one.npz")) == before, "old file untouched");
    round_trip("one.npz", 1, 1, 1, 16); /* and still the old contents */
    CHECK(stray_files(kept) == 0, "no temporary left behind");
    CHECK(npz_write_coo("/nonexistent-dir/x.npz", 1, 1, 1, &s) == -1 &&
              strstr(sl_error(), "cannot write '/nonexistent-dir/x.npz'") != NULL,
          "unwritable: %s", sl_error());
    free_matrix(&m);

    /* Paths are checked before any work. */
    CHECK(npz_check_path(path_of("fine.npz")) == 0, "good path: %s", sl_error());
    CHECK(npz_check_path(path_of("x.npy")) == -1 && strstr(sl_error(), "ending in .npz"), "extension");
    CHECK(npz_check_path(path_of(".npz")) == -1, "bare extension");
    CHECK(npz_check_path("/nonexistent-dir/x.npz") == -1 && strstr(sl_error(), "No such file"),
          "missing directory: %s", sl_error());
    CHECK(npz_check_path(path_of("many.npz/x.npz")) == -1, "a file as directory: %s", sl_error());
    if (geteuid() != 0) { /* root writes anywhere */
        CHECK(mkdir(path_of("ro"), 0555) == 0, "mkdir");
        CHECK(npz_check_path(path_of("ro/x.npz")) == -1 && strstr(sl_error(), "Permission denied"),
              "read-only directory: %s", sl_error());
        rmdir(path_of("ro"));
    }
    CHECK(stray_files(kept) == 0, "checking paths leaves nothing");

    /* Broken and foreign files: one line each. */
    expect_read_error("missing.npz", "No such file");
    FILE *fp = fopen(path_of("text.npz"), "w");
    fputs("not a zip at all\n", fp);
    fclose(fp);
    expect_read_error("text.npz", "Not a zip archive");
    long full;
    char *bytes = slurp(path_of("many.npz"), &full);
    fp = fopen(path_of("cut.npz"), "wb");
    fwrite(bytes, 1, (size_t)full / 2, fp);
    fclose(fp);
    expect_read_error("cut.npz", "cannot read");
    /* A FIFO as input is refused at once (libzip would block opening it). */
    mkfifo(path_of("in.fifo"), 0600);
    alarm(20);
    expect_read_error("in.fifo", "a FIFO, not a regular file");
    alarm(0);
    bytes[300] ^= 0x40; /* inside row.npy's data */
    fp = fopen(path_of("flipped.npz"), "wb");
    fwrite(bytes, 1, (size_t)full, fp);
    fclose(fp);
    free(bytes);
    expect_read_error("flipped.npz", "CRC error");
    const char *const foreign_names[1] = {"hello.txt"};
    const unsigned char *const foreign_bytes[1] = {(const unsigned char *)"hello"};
    const size_t foreign_lens[1] = {5};
    write_zip("foreign.npz", 1, foreign_names, foreign_bytes, foreign_lens);
    expect_read_error("foreign.npz", "no member format.npy");
    write_variant("f8.npz", "<f8", 2, "coo");
    expect_read_error("f8.npz", "data.npy: dtype <f8, expected <f4");
    write_variant("long.npz", "<f4", 4, "coo");
    expect_read_error("long.npz", "lengths differ: row 2, col 2, data 4");
    write_variant("csr.npz", "<f4", 2, "csr");
    expect_read_error("csr.npz", "sparse format 'csr', expected 'coo'");
    write_variant("ok.npz", "<f4", 2, "coo");
    uint64_t r, c, n;
    int32_t *row, *col;
    float *value;
    CHECK(npz_read_coo(path_of("ok.npz"), &r, &c, &n, &row, &col, &value) == 0, "control variant: %s",
          sl_error());
    free(row);
    free(col);
    free(value);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return check_report("test_npz");
}
