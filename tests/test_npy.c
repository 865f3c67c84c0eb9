#include "check.h"
#include "kit/npy.h"
#include "kit/sl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/speedlab-npy-XXXXXX";

static const char *path_of(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* Writes a v1.0 .npy file with the given header dict and raw data bytes. */
static void write_raw(const char *name, const char *dict, const void *data, size_t bytes)
{
    FILE *fp = fopen(path_of(name), "wb");
    size_t len = strlen(dict) + 1;
    unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)len,
                                (unsigned char)(len >> 8)};
    fwrite(prefix, 1, 10, fp);
    fwrite(dict, 1, len - 1, fp);
    fputc('\n', fp);
    fwrite(data, 1, bytes, fp);
    fclose(fp);
}

static const float *row_of(const void *ctx, size_t r, float *buffer)
{
    (void)buffer;
    return (const float *)ctx + r * 3;
}

static void expect_error(const char *name, const char *fragment)
{
    size_t rows, cols;
    float *data = NULL;
    int rc = npy_read_matrix_f32(path_of(name), &rows, &cols, &data);
    CHECK(rc == -1 && data == NULL, "%s: read should fail", name);
    CHECK(strstr(sl_error(), fragment) != NULL, "%s: error '%s' lacks '%s'", name, sl_error(),
          fragment);
    CHECK(strchr(sl_error(), '\n') == NULL, "%s: error is one line", name);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const float m[6] = {1, 2, 3, 4, 5, -6};

    /* Round trip through our writer. */
    CHECK(npy_write_matrix_f32(path_of("rt.npy"), 2, 3, row_of, m) == 0, "write: %s", sl_error());
    size_t rows, cols;
    float *data;
    CHECK(npy_read_matrix_f32(path_of("rt.npy"), &rows, &cols, &data) == 0, "read back");
    CHECK(rows == 2 && cols == 3 && memcmp(data, m, sizeof m) == 0, "round trip values");
    free(data);
    FILE *fp = fopen(path_of("rt.npy"), "rb");
    fseek(fp, 0, SEEK_END);
    CHECK(ftell(fp) % 64 == 24 % 64, "data starts 64-byte aligned (size %ld)", ftell(fp));
    fclose(fp);

    /* Fortran order and float64 are converted to row-major float32. */
    const float col_major[6] = {1, 4, 2, 5, 3, -6};
    write_raw("f.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", col_major,
              sizeof col_major);
    CHECK(npy_read_matrix_f32(path_of("f.npy"), &rows, &cols, &data) == 0, "fortran: %s",
          sl_error());
    CHECK(rows == 2 && cols == 3 && memcmp(data, m, sizeof m) == 0, "fortran order transposed");
    free(data);
    const double d8[6] = {1, 2, 3, 4, 5, -6};
    write_raw("d.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", d8,
              sizeof d8);
    CHECK(npy_read_matrix_f32(path_of("d.npy"), &rows, &cols, &data) == 0, "f8: %s", sl_error());
    CHECK(memcmp(data, m, sizeof m) == 0, "float64 converted");
    free(data);

    /* Every broken input is a one-line error. */
    expect_error("missing.npy", "cannot read '");
    /* A FIFO as input is refused at once (it used to block forever). */
    mkfifo(path_of("in.fifo"), 0600);
    alarm(20);
    expect_error("in.fifo", "a FIFO, not a regular file");
    alarm(0);
    write_raw("short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", m, 20);
    expect_error("short.npy", "truncated");
    write_raw("long.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", m, 24);
    expect_error("long.npy", "after the");
    /* A dtype quoted from the file keeps the error on one line (fuzzing
     * found "unsupported dtype <\nf8" printed over two). */
    write_raw("newline.npy", "{'descr': '<\nf8', 'fortran_order': False, 'shape': (2, 3), }", m, 24);
    expect_error("newline.npy", "unsupported dtype <?f8");
    write_raw("int.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", m, 24);
    expect_error("int.npy", "unsupported dtype <i4");
    write_raw("big.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", m, 24);
    expect_error("big.npy", "unsupported dtype");
    write_raw("rank1.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", m, 24);
    expect_error("rank1.npy", "1 dimension");
    write_raw("rank3.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", m,
              24);
    expect_error("rank3.npy", "3 dimensions");
    write_raw("empty.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", m, 0);
    expect_error("empty.npy", "empty");
    write_raw("nokey.npy", "{'descr': '<f4', 'shape': (2, 3), }", m, 24);
    expect_error("nokey.npy", "malformed");
    write_raw("badshape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", m,
              24);
    expect_error("badshape.npy", "malformed");
    const float bad[6] = {1, 2, NAN, 4, 5, 6};
    write_raw("nan.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", bad, 24);
    expect_error("nan.npy", "non-finite value at [0, 2]");
    const double huge[2] = {1e300, 1};
    write_raw("range.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", huge,
              16);
    expect_error("range.npy", "outside float32 range");
    fp = fopen(path_of("magic.npy"), "wb");
    fputs("PK\x03\x04 not numpy at all", fp);
    fclose(fp);
    expect_error("magic.npy", "not a .npy file");
    fp = fopen(path_of("cut.npy"), "wb");
    fwrite("\x93NUMPY\x01\x00\x40", 1, 9, fp);
    fclose(fp);
    expect_error("cut.npy", "truncated");

    /* An unwritable target fails cleanly and leaves nothing behind. */
    CHECK(npy_write_matrix_f32("/nonexistent-dir/x.npy", 2, 3, row_of, m) == -1, "unwritable");
    CHECK(strstr(sl_error(), "cannot write") != NULL, "error: %s", sl_error());

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return check_report("test_npy");
}
