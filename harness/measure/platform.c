#include "measure/platform.h"

#include "measure/uarch.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first CPU's "key : value" lines of a /proc/cpuinfo. */
static void read_cpuinfo(struct sl_machine_desc *d, const char *path)
{
    d->cpu_family = d->cpu_model_number = d->cpu_stepping = -1;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(d->microcode, sizeof d->microcode, "unavailable (%s: %s)", path,
                 strerror(errno));
        return;
    }
    snprintf(d->microcode, sizeof d->microcode, "unavailable (not in %s)", path);
    char line[512];
    while (fgets(line, sizeof line, f) && line[0] != '\n') {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        char *value = colon + 1 + (colon[1] == ' ');
        value[strcspn(value, "\n")] = '\0';
        size_t key = strcspn(line, "\t:");
        if (strncmp(line, "cpu family", key) == 0 && key == 10)
            d->cpu_family = atoi(value);
        else if (strncmp(line, "model", key) == 0 && key == 5)
            d->cpu_model_number = atoi(value);
        else if (strncmp(line, "stepping", key) == 0 && key == 8)
            d->cpu_stepping = atoi(value);
        else if (strncmp(line, "microcode", key) == 0 && key == 9)
            snprintf(d->microcode, sizeof d->microcode, "%.60s", value);
    }
    fclose(f);
}

static const char *memory_type_name(unsigned type)
{
    switch (type) {
    case 0x18: return "DDR3";
    case 0x1A: return "DDR4";
    case 0x1B: return "LPDDR";
    case 0x1C: return "LPDDR2";
    case 0x1D: return "LPDDR3";
    case 0x1E: return "LPDDR4";
    case 0x22: return "DDR5";
    case 0x23: return "LPDDR5";
    default: return "memory";
    }
}

/* One SMBIOS memory device (type 17): installed size in MiB (0: empty
 * slot), type and configured speed (MT/s, 0 unknown); -1 unreadable. */
static int read_device(const char *path, unsigned long long *mib, unsigned *type,
                       unsigned *speed)
{
    uint8_t raw[0x28] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(raw, 1, sizeof raw, f);
    fclose(f);
    if (n < 0x17 || raw[0] != 17)
        return -1;
    unsigned size = raw[0x0C] | raw[0x0D] << 8;
    if (size == 0x7FFF && n >= 0x20)
        *mib = (unsigned long long)(raw[0x1C] | raw[0x1D] << 8 | raw[0x1E] << 16 |
                                    (unsigned)raw[0x1F] << 24);
    else
        *mib = size == 0xFFFF ? 0 : (size & 0x8000) ? (size & 0x7FFF) / 1024 : size;
    *type = raw[0x12];
    unsigned configured = n >= 0x22 ? (unsigned)(raw[0x20] | raw[0x21] << 8) : 0;
    *speed = configured ? configured : (unsigned)(raw[0x15] | raw[0x16] << 8);
    return 0;
}

/* "4 x 16 GiB DDR4 at 3200 MT/s (4 of 8 slots)"; channels are not in SMBIOS. */
static void read_memory_devices(struct sl_machine_desc *d, const char *dir)
{
    DIR *entries = opendir(dir);
    if (!entries) {
        snprintf(d->memory_devices, sizeof d->memory_devices,
                 "unavailable (no SMBIOS tables: %s: %s)", dir, strerror(errno));
        return;
    }
    unsigned slots = 0, populated = 0, unreadable = 0, type = 0, speed = 0;
    unsigned long long mib = 0;
    int err = 0;
    struct dirent *e;
    while ((e = readdir(entries))) {
        if (strncmp(e->d_name, "17-", 3) != 0)
            continue;
        char path[4096];
        unsigned long long one = 0;
        unsigned t = 0, s = 0;
        snprintf(path, sizeof path, "%s/%s/raw", dir, e->d_name);
        slots++;
        errno = 0;
        if (read_device(path, &one, &t, &s) != 0) {
            unreadable++;
            err = errno ? errno : err;
        } else if (one > 0) {
            populated++;
            mib = one;
            type = t;
            speed = s > speed ? s : speed;
        }
    }
    closedir(entries);
    if (slots == 0 || unreadable > 0)
        snprintf(d->memory_devices, sizeof d->memory_devices,
                 "unavailable (%s)",
                 slots == 0 ? "SMBIOS lists no memory devices"
                 : err == EACCES ? "SMBIOS memory devices are readable by root only"
                                 : "SMBIOS memory devices unreadable");
    else if (speed)
        snprintf(d->memory_devices, sizeof d->memory_devices,
                 "%u x %llu GiB %s at %u MT/s (%u of %u slots; channels not in SMBIOS)",
                 populated, mib / 1024, memory_type_name(type), speed, populated, slots);
    else
        snprintf(d->memory_devices, sizeof d->memory_devices,
                 "%u x %llu GiB %s, speed unavailable (not in SMBIOS) (%u of %u slots)",
                 populated, mib / 1024, memory_type_name(type), populated, slots);
}

void platform_describe_from(struct sl_machine_desc *d, const char *cpuinfo,
                            const char *dmi_entries)
{
    read_cpuinfo(d, cpuinfo);
    if (d->cpu_family >= 0 && d->cpu_model_number >= 0)
        uarch_describe(d->cpu_vendor, d->cpu_family, d->cpu_model_number, d->cpu_stepping,
                       d->microarchitecture, sizeof d->microarchitecture);
    else
        snprintf(d->microarchitecture, sizeof d->microarchitecture,
                 "unavailable (no CPU family and model in %s)", cpuinfo);
    read_memory_devices(d, dmi_entries);
    d->identity_recorded = true;
}

void platform_describe(struct sl_machine_desc *d)
{
    platform_describe_from(d, "/proc/cpuinfo", "/sys/firmware/dmi/entries");
}
