#include "measure/uarch.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Models [model_lo, model_hi] of a family, steppings [step_lo, step_hi]. */
struct uarch_row {
    const char *vendor;
    int family, model_lo, model_hi, step_lo, step_hi;
    const char *name;
};

#define ANY_STEP 0, 255
/* Intel family 6 from Linux's arch/x86/include/asm/intel-family.h; AMD from
 * its processor programming references (family 17h: Zen to Zen 2, 19h: Zen 3
 * and 4, 1Ah: Zen 5).  The first row that matches wins. */
static const struct uarch_row table[] = {
    {"GenuineIntel", 6, 0x3D, 0x3D, ANY_STEP, "Broadwell"},
    {"GenuineIntel", 6, 0x47, 0x47, ANY_STEP, "Broadwell"},
    {"GenuineIntel", 6, 0x4F, 0x4F, ANY_STEP, "Broadwell-EP"},
    {"GenuineIntel", 6, 0x56, 0x56, ANY_STEP, "Broadwell-DE"},
    {"GenuineIntel", 6, 0x4E, 0x4E, ANY_STEP, "Skylake"},
    {"GenuineIntel", 6, 0x5E, 0x5E, ANY_STEP, "Skylake"},
    {"GenuineIntel", 6, 0x55, 0x55, 0, 4, "Skylake-SP"},
    {"GenuineIntel", 6, 0x55, 0x55, 5, 7, "Cascade Lake"},
    {"GenuineIntel", 6, 0x55, 0x55, 10, 11, "Cooper Lake"},
    {"GenuineIntel", 6, 0x55, 0x55, ANY_STEP, "Skylake-SP family"},
    {"GenuineIntel", 6, 0x8E, 0x8E, ANY_STEP, "Kaby Lake (mobile: Kaby/Amber/Whiskey/Comet Lake)"},
    {"GenuineIntel", 6, 0x9E, 0x9E, ANY_STEP, "Kaby Lake / Coffee Lake"},
    {"GenuineIntel", 6, 0xA5, 0xA6, ANY_STEP, "Comet Lake"},
    {"GenuineIntel", 6, 0x66, 0x66, ANY_STEP, "Cannon Lake"},
    {"GenuineIntel", 6, 0x7D, 0x7E, ANY_STEP, "Ice Lake"},
    {"GenuineIntel", 6, 0x6A, 0x6A, ANY_STEP, "Ice Lake-SP"},
    {"GenuineIntel", 6, 0x6C, 0x6C, ANY_STEP, "Ice Lake-D"},
    {"GenuineIntel", 6, 0x8C, 0x8D, ANY_STEP, "Tiger Lake"},
    {"GenuineIntel", 6, 0xA7, 0xA7, ANY_STEP, "Rocket Lake"},
    {"GenuineIntel", 6, 0x97, 0x97, ANY_STEP, "Alder Lake"},
    {"GenuineIntel", 6, 0x9A, 0x9A, ANY_STEP, "Alder Lake"},
    {"GenuineIntel", 6, 0xBE, 0xBE, ANY_STEP, "Alder Lake-N (Gracemont)"},
    {"GenuineIntel", 6, 0xB7, 0xB7, ANY_STEP, "Raptor Lake"},
    {"GenuineIntel", 6, 0xBA, 0xBA, ANY_STEP, "Raptor Lake"},
    {"GenuineIntel", 6, 0xBF, 0xBF, ANY_STEP, "Raptor Lake"},
    {"GenuineIntel", 6, 0xAA, 0xAC, ANY_STEP, "Meteor Lake"},
    {"GenuineIntel", 6, 0xB5, 0xB5, ANY_STEP, "Arrow Lake"},
    {"GenuineIntel", 6, 0xC5, 0xC6, ANY_STEP, "Arrow Lake"},
    {"GenuineIntel", 6, 0xBD, 0xBD, ANY_STEP, "Lunar Lake"},
    {"GenuineIntel", 6, 0x8F, 0x8F, ANY_STEP, "Sapphire Rapids"},
    {"GenuineIntel", 6, 0xCF, 0xCF, ANY_STEP, "Emerald Rapids"},
    {"GenuineIntel", 6, 0xAD, 0xAE, ANY_STEP, "Granite Rapids"},
    {"GenuineIntel", 6, 0xAF, 0xAF, ANY_STEP, "Sierra Forest"},
    {"GenuineIntel", 6, 0xB6, 0xB6, ANY_STEP, "Grand Ridge"},
    {"GenuineIntel", 6, 0xDD, 0xDD, ANY_STEP, "Clearwater Forest"},
    {"GenuineIntel", 6, 0x5C, 0x5C, ANY_STEP, "Goldmont"},
    {"GenuineIntel", 6, 0x5F, 0x5F, ANY_STEP, "Goldmont (Denverton)"},
    {"GenuineIntel", 6, 0x7A, 0x7A, ANY_STEP, "Goldmont Plus"},
    {"GenuineIntel", 6, 0x86, 0x86, ANY_STEP, "Tremont (Snow Ridge)"},
    {"GenuineIntel", 6, 0x96, 0x96, ANY_STEP, "Tremont (Elkhart Lake)"},
    {"GenuineIntel", 6, 0x9C, 0x9C, ANY_STEP, "Tremont (Jasper Lake)"},
    {"GenuineIntel", 6, 0x57, 0x57, ANY_STEP, "Knights Landing"},
    {"GenuineIntel", 6, 0x85, 0x85, ANY_STEP, "Knights Mill"},
    {"AuthenticAMD", 0x17, 0x00, 0x07, ANY_STEP, "Zen"},
    {"AuthenticAMD", 0x17, 0x08, 0x0F, ANY_STEP, "Zen+"},
    {"AuthenticAMD", 0x17, 0x10, 0x17, ANY_STEP, "Zen"},
    {"AuthenticAMD", 0x17, 0x18, 0x1F, ANY_STEP, "Zen+"},
    {"AuthenticAMD", 0x17, 0x20, 0x2F, ANY_STEP, "Zen"},
    {"AuthenticAMD", 0x17, 0x30, 0xFF, ANY_STEP, "Zen 2"},
    {"AuthenticAMD", 0x19, 0x00, 0x0F, ANY_STEP, "Zen 3"},
    {"AuthenticAMD", 0x19, 0x10, 0x1F, ANY_STEP, "Zen 4"},
    {"AuthenticAMD", 0x19, 0x20, 0x3F, ANY_STEP, "Zen 3"},
    {"AuthenticAMD", 0x19, 0x40, 0x4F, ANY_STEP, "Zen 3+"},
    {"AuthenticAMD", 0x19, 0x50, 0x5F, ANY_STEP, "Zen 3"},
    {"AuthenticAMD", 0x19, 0x60, 0x7F, ANY_STEP, "Zen 4"},
    {"AuthenticAMD", 0x19, 0xA0, 0xAF, ANY_STEP, "Zen 4c"},
    {"AuthenticAMD", 0x1A, 0x00, 0xFF, ANY_STEP, "Zen 5"},
    {"HygonGenuine", 0x18, 0x00, 0xFF, ANY_STEP, "Dhyana (Zen)"},
};

const char *uarch_name(const char *vendor, int family, int model, int stepping)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct uarch_row *r = &table[i];
        /* An unknown stepping (-1) matches only rows for every stepping. */
        bool step = stepping < 0 ? r->step_lo == 0 && r->step_hi == 255
                                 : stepping >= r->step_lo && stepping <= r->step_hi;
        if (strcmp(r->vendor, vendor) == 0 && r->family == family && model >= r->model_lo &&
            model <= r->model_hi && step)
            return r->name;
    }
    return NULL;
}

void uarch_describe(const char *vendor, int family, int model, int stepping, char *out,
                    size_t len)
{
    const char *name = uarch_name(vendor, family, model, stepping);
    if (name)
        snprintf(out, len, "%s", name);
    else
        snprintf(out, len, "unknown (family %d, model %d)", family, model);
}
