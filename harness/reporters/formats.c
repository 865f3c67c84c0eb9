#include "reporters/reporters.h"

#include <string.h>

#define SL_EXPORT_FORMAT_ROW(name, description)                                                   \
    [SL_EXPORT_FORMAT_##name] = {#name, description, name##_reporter_create},
const struct sl_export_format sl_export_formats[SL_N_EXPORT_FORMATS] = {
    SL_EXPORT_FORMATS(SL_EXPORT_FORMAT_ROW)};

const struct sl_export_format *sl_export_format_find(const char *name)
{
    for (int i = 0; i < SL_N_EXPORT_FORMATS; i++)
        if (strcmp(sl_export_formats[i].name, name) == 0)
            return &sl_export_formats[i];
    return NULL;
}
