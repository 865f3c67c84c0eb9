/* libFuzzer target: the .npy reader (kit/npy.c) on arbitrary bytes.  Any
 * input must give a matrix or a one-line error: no crash, no sanitizer
 * report, no leak; and its check (npy_check_matrix_f32) must agree. */
#include "fuzz_input.h"
#include "kit/npy.h"
#include "kit/sl.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t rows = 0, cols = 0, checked_rows = 0, checked_cols = 0;
    float *matrix = NULL;
    const char *path = fuzz_input_path(data, size);
    int read = npy_read_matrix_f32(path, &rows, &cols, &matrix);
    if (read == 0)
        free(matrix);
    else if (matrix || strchr(sl_error(), '\n'))
        abort(); /* a failure returns nothing and says it in one line */
    /* The check before a run (--input) accepts exactly what the reader reads. */
    int checked = npy_check_matrix_f32(path, &checked_rows, &checked_cols);
    if (checked != read || (read == 0 && (checked_rows != rows || checked_cols != cols)) ||
        (checked != 0 && strchr(sl_error(), '\n')))
        abort();
    return 0;
}
