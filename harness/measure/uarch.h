/* The microarchitecture of an x86 CPU from its CPUID vendor, family, model
 * and stepping: a table of the Intel and AMD families of the last ten years
 * (Broadwell and Zen onwards), so two records say in a word what they ran
 * on even when the model string is a VM's generic "Intel Xeon Processor". */
#ifndef SL_UARCH_H
#define SL_UARCH_H

#include <stddef.h>

/* The name ("Emerald Rapids", "Zen 3"), or NULL when the table does not
 * know the CPU.  family and model are the display values (base plus
 * extended, as /proc/cpuinfo shows them); stepping -1 when unknown. */
const char *uarch_name(const char *vendor, int family, int model, int stepping);

/* The name, or "unknown (family F, model M)". */
void uarch_describe(const char *vendor, int family, int model, int stepping, char *out,
                    size_t len);

#endif
