/* The microarchitecture table (measure/uarch.h) and the machine identity
 * read from a /proc/cpuinfo and SMBIOS memory devices (measure/platform.h),
 * on files written here. */
#include "check.h"
#include "measure/platform.h"
#include "measure/uarch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check_name(const char *vendor, int family, int model, int stepping,
                       const char *want)
{
    char got[96];
    uarch_describe(vendor, family, model, stepping, got, sizeof got);
    CHECK(strcmp(got, want) == 0, "%s %d/%d/%d: got '%s', want '%s'", vendor, family, model,
          stepping, got, want);
}

static void table(void)
{
    check_name("GenuineIntel", 6, 207, 2, "Emerald Rapids");
    check_name("GenuineIntel", 6, 0x8F, 8, "Sapphire Rapids");
    check_name("GenuineIntel", 6, 0x55, 4, "Skylake-SP");
    check_name("GenuineIntel", 6, 0x55, 7, "Cascade Lake");
    check_name("GenuineIntel", 6, 0x55, 11, "Cooper Lake");
    check_name("GenuineIntel", 6, 0x55, -1, "Skylake-SP family");
    check_name("GenuineIntel", 6, 0x6A, 6, "Ice Lake-SP");
    check_name("GenuineIntel", 6, 0x97, 2, "Alder Lake");
    check_name("AuthenticAMD", 0x17, 0x31, 0, "Zen 2");
    check_name("AuthenticAMD", 0x17, 0x08, 2, "Zen+");
    check_name("AuthenticAMD", 0x19, 0x01, 1, "Zen 3");
    check_name("AuthenticAMD", 0x19, 0x21, 0, "Zen 3");
    check_name("AuthenticAMD", 0x19, 0x11, 1, "Zen 4");
    check_name("AuthenticAMD", 0x19, 0x61, 2, "Zen 4");
    check_name("AuthenticAMD", 0x1A, 0x44, 0, "Zen 5");
    /* Unknown: a model the table lacks, a vendor mismatch, an old family. */
    check_name("GenuineIntel", 6, 999, 0, "unknown (family 6, model 999)");
    check_name("GenuineIntel", 0x19, 0x01, 1, "unknown (family 25, model 1)");
    check_name("AuthenticAMD", 0x15, 0x02, 0, "unknown (family 21, model 2)");
    CHECK(uarch_name("GenuineIntel", 6, 0x3A, 9) == NULL, "Ivy Bridge is older than the table");
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, n, f) == n, "cannot write %s", path);
    if (f)
        fclose(f);
}

/* An SMBIOS type 17 entry: size in MiB, memory type, configured speed. */
static void write_device(const char *dir, int index, unsigned mib, uint8_t type, unsigned speed)
{
    uint8_t raw[0x28] = {17, 0x28};
    raw[0x0C] = (uint8_t)(mib & 0xFF);
    raw[0x0D] = (uint8_t)(mib >> 8);
    raw[0x12] = type;
    raw[0x20] = (uint8_t)(speed & 0xFF);
    raw[0x21] = (uint8_t)(speed >> 8);
    char path[512];
    snprintf(path, sizeof path, "%s/17-%d", dir, index);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/17-%d/raw", dir, index);
    write_file(path, raw, sizeof raw);
}

static void identity(void)
{
    char tmp[] = "/tmp/speedlab-uarch-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
    char cpuinfo[512], dmi[512], missing[512];
    snprintf(cpuinfo, sizeof cpuinfo, "%s/cpuinfo", tmp);
    snprintf(dmi, sizeof dmi, "%s/entries", tmp);
    snprintf(missing, sizeof missing, "%s/none", tmp);
    const char *text = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
                       "model\t\t: 33\nmodel name\t: AMD Ryzen 9 5950X\nstepping\t: 0\n"
                       "microcode\t: 0xa201016\n\nprocessor\t: 1\nmodel\t\t: 99\n";
    write_file(cpuinfo, text, strlen(text));
    mkdir(dmi, 0700);
    write_device(dmi, 0, 16384, 0x1A, 3200);
    write_device(dmi, 1, 0, 0, 0); /* an empty slot */
    write_device(dmi, 2, 16384, 0x1A, 3200);

    struct sl_machine_desc d = {0};
    snprintf(d.cpu_vendor, sizeof d.cpu_vendor, "AuthenticAMD");
    platform_describe_from(&d, cpuinfo, dmi);
    CHECK(d.identity_recorded, "identity recorded");
    CHECK(d.cpu_family == 25 && d.cpu_model_number == 33 && d.cpu_stepping == 0,
          "first CPU's family/model/stepping: %d/%d/%d", d.cpu_family, d.cpu_model_number,
          d.cpu_stepping);
    CHECK(strcmp(d.microarchitecture, "Zen 3") == 0, "uarch '%s'", d.microarchitecture);
    CHECK(strcmp(d.microcode, "0xa201016") == 0, "microcode '%s'", d.microcode);
    CHECK(strcmp(d.memory_devices,
                 "2 x 16 GiB DDR4 at 3200 MT/s (2 of 3 slots; channels not in SMBIOS)") == 0,
          "memory devices '%s'", d.memory_devices);

    struct sl_machine_desc none = {0};
    snprintf(none.cpu_vendor, sizeof none.cpu_vendor, "GenuineIntel");
    platform_describe_from(&none, missing, missing);
    CHECK(none.cpu_family == -1 && strncmp(none.microcode, "unavailable (", 13) == 0,
          "no cpuinfo: '%s'", none.microcode);
    CHECK(strncmp(none.microarchitecture, "unavailable (", 13) == 0, "uarch '%s'",
          none.microarchitecture);
    CHECK(strstr(none.memory_devices, "unavailable (no SMBIOS tables") == none.memory_devices,
          "memory devices '%s'", none.memory_devices);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK(system(cmd) == 0, "cleanup");
}

int main(void)
{
    table();
    identity();
    return check_report("uarch");
}
