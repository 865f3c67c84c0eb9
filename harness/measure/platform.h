/* What hwloc does not say about a machine, for the record's machine.identity:
 * the CPU's family, model and stepping and its microcode (/proc/cpuinfo),
 * the microarchitecture they name (measure/uarch.h), and the memory's
 * devices (SMBIOS type 17 under /sys/firmware/dmi), each "unavailable
 * (reason)" where it cannot be read (a VM, no root). */
#ifndef SL_PLATFORM_H
#define SL_PLATFORM_H

#include "results/model.h"

/* Fills d's identity fields (cpu_vendor must be set) and sets
 * identity_recorded. */
void platform_describe(struct sl_machine_desc *d);

/* The same from the given files (tests): a /proc/cpuinfo and an SMBIOS
 * entries folder. */
void platform_describe_from(struct sl_machine_desc *d, const char *cpuinfo,
                            const char *dmi_entries);

#endif
