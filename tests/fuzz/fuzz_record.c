/* libFuzzer target: the record codec's loader (record_load_run,
 * results/record.h) on arbitrary bytes.  Any input must load or be refused
 * with one line: no crash, no sanitizer report, no leak. */
#include "fuzz_input.h"
#include "kit/sl.h"
#include "results/record.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size);
    struct sl_run run;
    int rc = record_load_run(path, &run);
    if (rc != 0 && strchr(sl_error(), '\n'))
        abort(); /* a refusal is one line */
    sl_run_free(&run); /* in every case */
    return 0;
}
