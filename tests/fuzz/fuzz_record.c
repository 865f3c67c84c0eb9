/* libFuzzer target: the record loaders on arbitrary bytes, the older one
 * (results/record_read.h) and the codec's (record_load_run, results/record.h).
 * Any input must load or be refused with one line: no crash, no sanitizer
 * report, no leak. */
#include "fuzz_input.h"
#include "kit/sl.h"
#include "results/record.h"
#include "results/record_read.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size);
    struct loaded_record rec;
    int rc = record_load(path, &rec);
    if (rc != 0 && strchr(sl_error(), '\n'))
        abort(); /* a refusal is one line */
    record_unload(&rec); /* after a failure too: the loader leaves rec empty */
    struct sl_run run;
    rc = record_load_run(path, &run);
    if (rc == -1 && strchr(sl_error(), '\n'))
        abort();
    sl_run_free(&run); /* in every case */
    return 0;
}
