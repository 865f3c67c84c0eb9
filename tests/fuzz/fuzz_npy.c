/* libFuzzer target: the .npy reader (kit/npy.c) on arbitrary bytes.  Any
 * input must give a matrix or a one-line error: no crash, no sanitizer
 * report, no leak. */
#include "fuzz_input.h"
#include "kit/npy.h"
#include "kit/sl.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t rows = 0, cols = 0;
    float *matrix = NULL;
    if (npy_read_matrix_f32(fuzz_input_path(data, size), &rows, &cols, &matrix) == 0)
        free(matrix);
    else if (matrix || strchr(sl_error(), '\n'))
        abort(); /* a failure returns nothing and says it in one line */
    return 0;
}
