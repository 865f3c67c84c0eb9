/* libFuzzer target: the record loader (results/record_read.h) on arbitrary
 * bytes.  Any input must load or be refused with one line: no crash, no
 * sanitizer report, no leak. */
#include "fuzz_input.h"
#include "kit/sl.h"
#include "results/record_read.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct loaded_record rec;
    int rc = record_load(fuzz_input_path(data, size), &rec);
    if (rc != 0 && strchr(sl_error(), '\n'))
        abort(); /* a refusal is one line */
    record_unload(&rec); /* after a failure too: the loader leaves rec empty */
    return 0;
}
