#include "measure/noise.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

void noise_plan_make(struct noise_plan *p, bool on, const struct ctr_plan *counters)
{
    memset(p, 0, sizeof *p);
    p->on = on;
    if (!on)
        return;
    p->migrations = ctr_migrations_probe(counters, p->migrations_why, sizeof p->migrations_why) == 0;
    snprintf(p->source, sizeof p->source,
             "per worker thread around the kernel only: getrusage(RUSAGE_THREAD) for context "
             "switches and page faults, CLOCK_THREAD_CPUTIME_ID for on-CPU time, %s%s%s",
             p->migrations ? "PAPI perf::CPU-MIGRATIONS for migrations"
                           : "migrations not counted (",
             p->migrations ? "" : p->migrations_why, p->migrations ? "" : ")");
}

void noise_thread_begin(const struct noise_plan *p, struct noise_mark *mark)
{
    struct rusage ru;
    struct timespec ts;
    getrusage(RUSAGE_THREAD, &ru);
    mark->voluntary = ru.ru_nvcsw;
    mark->involuntary = ru.ru_nivcsw;
    mark->faults = ru.ru_minflt + ru.ru_majflt;
    if (p->migrations)
        ctr_migrations_start();
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    mark->cpu_s = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void noise_thread_end(const struct noise_plan *p, const struct noise_mark *mark,
                      struct noise_counts *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    double cpu_s = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    long long migrations = 0;
    out->error = p->migrations ? ctr_migrations_stop(&migrations) : 0;
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    out->task_clock_s = cpu_s - mark->cpu_s;
    out->involuntary_switches = (double)(ru.ru_nivcsw - mark->involuntary);
    out->context_switches = out->involuntary_switches + (double)(ru.ru_nvcsw - mark->voluntary);
    out->page_faults = (double)(ru.ru_minflt + ru.ru_majflt - mark->faults);
    out->migrations = p->migrations && out->error == 0 ? (double)migrations : NAN;
}

int noise_steal_seconds(hwloc_const_bitmap_t cpus, double *seconds, char *why, size_t len)
{
    FILE *fp = fopen("/proc/stat", "r");
    if (!fp) {
        snprintf(why, len, "/proc/stat: %s", strerror(errno));
        return -1;
    }
    char line[512];
    unsigned long long steal = 0;
    int cpus_seen = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        unsigned cpu;
        unsigned long long v[8];
        int n = sscanf(line, "cpu%u %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1],
                       &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
        if (n < 1 || !hwloc_bitmap_isset(cpus, cpu))
            continue;
        if (n < 9) {
            snprintf(why, len, "the kernel reports no steal time in /proc/stat");
            rc = -1;
        }
        steal += v[7];
        cpus_seen++;
    }
    fclose(fp);
    if (rc == 0 && cpus_seen == 0) {
        snprintf(why, len, "/proc/stat lists none of the team's CPUs");
        rc = -1;
    }
    *seconds = (double)steal / (double)sysconf(_SC_CLK_TCK);
    return rc;
}
