#include "measure/simcache.h"

#include "measure/inject.h"
#include "measure/team.h"
#include "kit/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef SPEEDLAB_HAVE_VALGRIND_H
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

extern char **environ;

static const struct sl_cache_desc *find_cache(const struct machine *m, int level, bool instruction)
{
    for (int i = 0; i < m->desc.n_caches; i++)
        if (m->desc.caches[i].level == level &&
            (strcmp(m->desc.caches[i].type, "instruction") == 0) == instruction)
            return &m->desc.caches[i];
    return NULL;
}

static bool power_of_two(unsigned long long x)
{
    return x && !(x & (x - 1));
}

/* Valgrind simulates a cache only when its set count is a power of two.
 * Keep size and line exactly: with lines = 2^a * odd, use 2^k sets of
 * odd * 2^(a-k) ways, the fewest ways that are at least hwloc's. */
static void shape(struct sl_sim_cache *out, const struct sl_cache_desc *c, const char *label)
{
    out->size = c->size;
    out->line = c->line ? c->line : 64;
    out->ways = c->ways ? c->ways : 8;
    out->note[0] = '\0';
    unsigned long long lines = out->size / out->line;
    if (lines == 0 || (lines % out->ways == 0 && power_of_two(lines / out->ways)))
        return;
    unsigned hw_ways = out->ways;
    int a = __builtin_ctzll(lines);
    unsigned long long ways = lines >> a;
    while (ways < hw_ways && a > 0) {
        ways *= 2;
        a--;
    }
    out->ways = (unsigned)ways;
    snprintf(out->note, sizeof out->note,
             "%s simulated as %llu sets x %u ways (hwloc: %u-way): valgrind needs a "
             "power-of-two set count",
             label, 1ull << a, out->ways, hw_ways);
}

void sim_geometry(const struct machine *m, struct sl_sim_cache *i1, struct sl_sim_cache *d1,
                  struct sl_sim_cache *ll)
{
    static const struct sl_cache_desc fallback = {1, "data", 32768, 64, 8, 1, 1};
    const struct sl_cache_desc *cd1 = find_cache(m, 1, false);
    const struct sl_cache_desc *ci1 = find_cache(m, 1, true);
    const struct sl_cache_desc *cll = NULL;
    for (int level = 4; level >= 1 && !cll; level--)
        cll = find_cache(m, level, false);
    shape(d1, cd1 ? cd1 : &fallback, "D1");
    shape(i1, ci1 ? ci1 : cd1 ? cd1 : &fallback, "I1");
    shape(ll, cll ? cll : &fallback, "LL");
    if (!cd1)
        snprintf(d1->note, sizeof d1->note, "hwloc reports no L1d: 32 KiB 8-way assumed");
    if (!ci1)
        snprintf(i1->note, sizeof i1->note, "hwloc reports no L1i: D1's shape used");
}

static int read_totals(const char *path, struct sl_sim_result *out)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return sl_fail("callgrind wrote no output (%s)", strerror(errno));
    char line[1024], events[1024] = "";
    double values[16] = {0};
    int n_values = -1;
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, "events:", 7) == 0)
            snprintf(events, sizeof events, "%s", line + 7);
        else if (strncmp(line, "totals:", 7) == 0 || (n_values < 0 && strncmp(line, "summary:", 8) == 0)) {
            n_values = 0;
            char *c = strchr(line, ':') + 1, *end;
            for (double v; n_values < 16 && (v = strtod(c, &end), end != c); c = end)
                values[n_values++] = v;
        }
    }
    fclose(fp);
    if (!events[0] || n_values < 0)
        return sl_fail("callgrind output has no event totals");
    double ir = -1, dr = -1, dw = -1, d1mr = -1, d1mw = -1, dlmr = -1, dlmw = -1;
    int index = 0;
    for (char *name = strtok(events, " \t\n"); name; name = strtok(NULL, " \t\n"), index++) {
        double v = index < n_values ? values[index] : 0; /* trailing zeros are omitted */
        if (!strcmp(name, "Ir")) ir = v;
        else if (!strcmp(name, "Dr")) dr = v;
        else if (!strcmp(name, "Dw")) dw = v;
        else if (!strcmp(name, "D1mr")) d1mr = v;
        else if (!strcmp(name, "D1mw")) d1mw = v;
        else if (!strcmp(name, "DLmr")) dlmr = v;
        else if (!strcmp(name, "DLmw")) dlmw = v;
    }
    if (ir < 0 || dr < 0 || dw < 0 || d1mr < 0 || d1mw < 0 || dlmr < 0 || dlmw < 0)
        return sl_fail("callgrind output lacks cache events (was --cache-sim=yes honoured?)");
    out->instructions = ir;
    out->data_refs = dr + dw;
    out->d1_misses = d1mr + d1mw;
    out->ll_misses = dlmr + dlmw;
    return 0;
}

/* The child's own message is its last line (libraries may warn before it). */
static void last_line_of(const char *path, char *buf, size_t len)
{
    FILE *fp = fopen(path, "r");
    char line[512];
    buf[0] = '\0';
    while (fp && fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            snprintf(buf, len, "%.180s", line);
    }
    if (fp)
        fclose(fp);
}

/* One simulation of v's counted execution into out (its geometry set). */
static void simulate(const struct sl_workload *w, const struct sl_variant *v,
                     enum sl_schedule schedule, int threads, const struct sl_problem_args *args,
                     struct sl_sim_result *out)
{
    out->available = false;
    out->reason[0] = '\0';
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) {
        snprintf(out->reason, sizeof out->reason, "cannot find this program (%s)", strerror(errno));
        return;
    }
    exe[len] = '\0';

    char dir[] = "/tmp/speedlab-sim-XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(out->reason, sizeof out->reason, "no temporary directory (%s)", strerror(errno));
        return;
    }
    char data[sizeof dir + 16], log[sizeof dir + 16], messages[sizeof dir + 16];
    snprintf(data, sizeof data, "%s/out", dir);
    snprintf(log, sizeof log, "%s/log", dir);
    snprintf(messages, sizeof messages, "%s/msg", dir);
    char a_i1[64], a_d1[64], a_ll[64], a_out[64], a_log[64], a_threads[16], a_seed[32];
    snprintf(a_i1, sizeof a_i1, "--I1=%llu,%u,%u", out->i1.size, out->i1.ways, out->i1.line);
    snprintf(a_d1, sizeof a_d1, "--D1=%llu,%u,%u", out->d1.size, out->d1.ways, out->d1.line);
    snprintf(a_ll, sizeof a_ll, "--LL=%llu,%u,%u", out->ll.size, out->ll.ways, out->ll.line);
    snprintf(a_out, sizeof a_out, "--callgrind-out-file=%s", data);
    snprintf(a_log, sizeof a_log, "--log-file=%s", log);
    snprintf(a_threads, sizeof a_threads, "%d", threads);
    snprintf(a_seed, sizeof a_seed, "%" PRIu64, args->seed);
    char *argv[] = {"valgrind", "--tool=callgrind", "--cache-sim=yes", "--instr-atstart=no",
                    "--collect-atstart=no",
                    a_i1, a_d1, a_ll, a_out, a_log, exe, "__simulate", (char *)w->name,
                    (char *)v->name, (char *)sl_schedule_name(schedule), a_threads,
                    (char *)(args->size ? args->size : "-"), a_seed,
                    (char *)(args->input_path ? args->input_path : "-"), NULL};

    /* Valgrind emulates no AVX-512: a SkylakeX kernel choice speedlab made
     * for OpenBLAS natively becomes Haswell (AVX2) for the simulated child. */
    const char *forced = getenv("SPEEDLAB_SET_OPENBLAS_CORETYPE");
    if (forced && strcmp(forced, "SkylakeX") == 0)
        setenv("OPENBLAS_CORETYPE", "Haswell", 1);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, messages, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, "valgrind", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (forced)
        setenv("OPENBLAS_CORETYPE", forced, 1);
    int status = 0;
    if (rc != 0) {
        snprintf(out->reason, sizeof out->reason, "valgrind cannot be started (%s%s)",
                 strerror(rc), rc == ENOENT ? ": install the Debian package valgrind" : "");
    } else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
        snprintf(out->reason, sizeof out->reason, "the simulation did not finish");
    } else if (WEXITSTATUS(status) != 0) {
        char first[200];
        last_line_of(messages, first, sizeof first);
        if (!first[0])
            last_line_of(log, first, sizeof first);
        snprintf(out->reason, sizeof out->reason, "%s%s",
                 WEXITSTATUS(status) == SIM_CHILD_SKIPPED ? "under valgrind: " : "simulation failed: ",
                 first[0] ? first : "no message");
    } else if (read_totals(data, out) != 0) {
        snprintf(out->reason, sizeof out->reason, "%s", sl_error());
    } else {
        out->available = true;
    }
    unlink(data);
    unlink(log);
    unlink(messages);
    rmdir(dir);
}

void sim_measure(const struct machine *m, const struct sl_workload *w, const struct sl_variant *v,
                 enum sl_schedule schedule, int threads, const struct sl_problem_args *args,
                 struct sl_sim_result *out)
{
    memset(out, 0, sizeof *out);
    sim_geometry(m, &out->i1, &out->d1, &out->ll);
    simulate(w, v, schedule, threads, args, out);
#ifdef SPEEDLAB_INJECT_SLOWDOWN
    /* The injected slowdown is PCT % of the kernel's own simulated
     * instructions, which only a simulation without it can count. */
    if (out->available) {
        char iterations[32];
        snprintf(iterations, sizeof iterations, "%" PRIu64, inject_pad_iterations(out->instructions));
        setenv(INJECT_PAD_VARIABLE, iterations, 1);
        simulate(w, v, schedule, threads, args, out);
        unsetenv(INJECT_PAD_VARIABLE);
    }
#endif
}

int sim_child_execute(const struct machine *m, const struct sl_workload *w,
                      const struct sl_variant *v, enum sl_schedule schedule, int threads,
                      const struct sl_problem_args *args)
{
    const char *missing = sl_isa_missing(v->requires);
    if (missing) {
        fprintf(stderr, "CPU lacks %s (valgrind does not emulate it)\n", missing);
        return SIM_CHILD_SKIPPED;
    }
    void *problem = NULL;
    struct sl_team *team = NULL;
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    bool created = w->problem_create(args, &problem) == 0;
    bool teamed = created && team_create(&team, m, &pin, threads) == 0;
    int rc = teamed ? 0 : -1;
    if (teamed) {
        team_bind(team);
        struct sl_exec ex = {.threads = threads, .schedule = schedule, .team = team};
#ifdef SPEEDLAB_INJECT_SLOWDOWN
        uint64_t pad_iterations = inject_pad_requested();
#endif
        /* Instrumented from here only (data generation is not simulated).
         * One execution outside collection warms the simulated caches, as
         * the warm-up does for the timed runs; the second is the one
         * counted.  Validation is the timed runs' job; here only the counts
         * matter. */
        CALLGRIND_START_INSTRUMENTATION;
        rc = v->run(problem, &ex);
        if (w->prepare_validation)
            w->prepare_validation(problem);
        if (rc == 0) {
            CALLGRIND_TOGGLE_COLLECT;
            rc = v->run(problem, &ex);
#ifdef SPEEDLAB_INJECT_SLOWDOWN
            inject_pad(pad_iterations);
#endif
            CALLGRIND_TOGGLE_COLLECT;
        }
        CALLGRIND_STOP_INSTRUMENTATION;
    }
    if (rc != 0)
        fprintf(stderr, "%s\n", sl_error());
    if (teamed)
        team_destroy(team);
    if (created)
        w->problem_destroy(problem);
    return rc == 0 ? 0 : SIM_CHILD_ERROR;
}
