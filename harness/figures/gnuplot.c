#include "figures/gnuplot.h"

#include "kit/files.h"
#include "kit/sl.h"
#include "kit/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SPEEDLAB_PLOTS_DIR
#define SPEEDLAB_PLOTS_DIR "plots"
#endif

const char *gnuplot_scripts_dir(void)
{
    const char *dir = getenv("SPEEDLAB_PLOTS_DIR");
    return dir && dir[0] ? dir : SPEEDLAB_PLOTS_DIR;
}

bool gnuplot_available(char *why, size_t len)
{
    const char *path = getenv("PATH");
    char candidate[4096];
    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        snprintf(candidate, sizeof candidate, "%.*s/gnuplot", (int)n, p);
        if (access(candidate, X_OK) == 0)
            return true;
        p += n + (end ? 1 : 0);
    }
    snprintf(why, len, "gnuplot is not installed (apt-get install gnuplot-nox)");
    return false;
}

static void append(struct gp_vars *v, const char *s)
{
    size_t n = strlen(s);
    if (v->len + n + 1 > v->cap) {
        size_t cap = v->cap ? v->cap : 256;
        while (cap < v->len + n + 1)
            cap *= 2;
        char *grown = realloc(v->text, cap);
        if (!grown)
            abort(); /* a few kB of variable text */
        v->text = grown;
        v->cap = cap;
    }
    memcpy(v->text + v->len, s, n + 1);
    v->len += n;
}

/* name='<prefix><value>'; */
static void assign_quoted(struct gp_vars *v, const char *name, const char *prefix,
                          const char *value)
{
    append(v, name);
    append(v, "='");
    append(v, prefix);
    /* Inside single quotes gnuplot knows one escape: '' for '. */
    for (const char *c = value; *c; c++) {
        char one[3] = {*c, 0, 0};
        if (*c == '\'')
            one[1] = '\'';
        else if (*c == '\n')
            one[0] = ' ';
        append(v, one);
    }
    append(v, "'; ");
}

void gp_var_str(struct gp_vars *v, const char *name, const char *value)
{
    assign_quoted(v, name, "", value ? value : "");
}

void gp_var_path(struct gp_vars *v, const char *name, const char *path)
{
    path = path ? path : "";
    assign_quoted(v, name, path[0] && path[0] != '/' ? "./" : "", path);
}

void gp_var_num(struct gp_vars *v, const char *name, double value)
{
    char buf[64];
    /* Always a real: gnuplot divides integers as integers (2/200 = 0). */
    if (isfinite(value))
        snprintf(buf, sizeof buf, "%s=%.17g%s; ", name, value,
                 value == floor(value) && fabs(value) < 1e15 ? ".0" : "");
    else
        snprintf(buf, sizeof buf, "%s=NaN; ", name);
    append(v, buf);
}

void gp_var_int(struct gp_vars *v, const char *name, long value)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s=%ld; ", name, value);
    append(v, buf);
}

void gp_vars_extend(struct gp_vars *v, const struct gp_vars *more)
{
    if (more->text)
        append(v, more->text);
}

void gp_vars_free(struct gp_vars *v)
{
    free(v->text);
    memset(v, 0, sizeof *v);
}

/* The last non-empty line of gnuplot's messages, for the error; the line
 * before a "system error: ..." says what gnuplot was doing. */
static void last_line(const char *path, char *out, size_t len)
{
    snprintf(out, len, "no message");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return;
    char line[512];
    bool any = false;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = 0;
        const char *s = line + strspn(line, " \t^");
        if (*s && !(any && strncmp(s, "system error:", 13) == 0)) {
            snprintf(out, len, "%s", s);
            any = true;
        }
    }
    fclose(fp);
}

#define GNUPLOT_TIMEOUT_S 60.0

/* Seconds gnuplot may take per format: $SPEEDLAB_GNUPLOT_TIMEOUT or 60. */
static int gnuplot_timeout(double *seconds)
{
    const char *text = getenv("SPEEDLAB_GNUPLOT_TIMEOUT");
    *seconds = GNUPLOT_TIMEOUT_S;
    return text && text[0] ? util_parse_double(text, 0.1, 86400, "SPEEDLAB_GNUPLOT_TIMEOUT", seconds)
                           : 0;
}

/* The system calls the sandbox checks; where one does not exist (aarch64
 * has no fork or vfork), a number no call has. */
#if defined(__x86_64__)
#define SANDBOX_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_ARCH AUDIT_ARCH_AARCH64
#else
#error "gnuplot's sandbox: name this architecture's AUDIT_ARCH"
#endif
#ifdef __NR_fork
#define NR_FORK __NR_fork
#else
#define NR_FORK 0xffffffffu
#endif
#ifdef __NR_vfork
#define NR_VFORK __NR_vfork
#else
#define NR_VFORK 0xffffffffu
#endif
/* x86-64 numbers x32 calls from 0x40000000; no call of ours is that high. */
#define X32_SYSCALL_BIT 0x40000000u

/* gnuplot runs a shell for a data file named '<command', an output named
 * '|command', system() and backquotes: every one needs a new process.  This
 * filter, installed in the child just before exec, fails fork, vfork and
 * clone without CLONE_THREAD with EPERM (threads are still allowed), and
 * clone3, whose flags a filter cannot read, with ENOSYS so that the C library
 * falls back to clone.  Another architecture's calls kill the process. */
static int confine(void)
{
    static struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* Offsets count instructions to skip: to DENY, ENOSYS, CLONE. */
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 7, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_FORK, 6, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_VFORK, 5, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 5, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* CLONE: its flags are the first argument (the low word on a
         * little-endian machine holds CLONE_THREAD). */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 2, 0),
        /* DENY */
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        /* ENOSYS */
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    _Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "clone's flags in the low word");
    struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
        return -1;
    return 0;
}

/* Waits for gnuplot at most `timeout` seconds, then kills it: 0 when it
 * ended (status set), 1 when it was killed. */
static int wait_at_most(pid_t pid, double timeout, int *status)
{
    double deadline = util_now() + timeout;
    for (;;) {
        pid_t got = waitpid(pid, status, WNOHANG);
        if (got == pid)
            return 0;
        if (got < 0 && errno != EINTR)
            return sl_fail("waiting for gnuplot: %s", strerror(errno));
        if (util_now() >= deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return 1;
        }
        /* Figures take a tenth of a second or more: 10 ms polls cost nothing. */
        nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
    }
}

/* Whether gnuplot finished the file: a PNG ends with its IEND chunk, an SVG
 * with </svg> (a full disk cuts either short, and gnuplot may not say so). */
static bool complete(const char *path, const char *format)
{
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    unsigned char tail[64] = {0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
    long from = size > (long)sizeof tail ? size - (long)sizeof tail : 0;
    size_t got = size > 0 && fseek(fp, from, SEEK_SET) == 0 ? fread(tail, 1, sizeof tail, fp) : 0;
    fclose(fp);
    if (strcmp(format, "png") == 0)
        return got >= sizeof iend && memcmp(tail + got - sizeof iend, iend, sizeof iend) == 0;
    tail[got < sizeof tail ? got : sizeof tail - 1] = '\0';
    char *end = strstr((char *)tail, "</svg>");
    return end && strspn(end + 6, " \r\n") == strlen(end + 6);
}

/* One gnuplot run drawing `format` into `outfile`. */
static int run_once(const char *script_path, const struct gp_vars *vars, const char *format,
                    const char *outfile, const char *log_path, double timeout)
{
    struct gp_vars all = {0};
    append(&all, vars->text ? vars->text : "");
    gp_var_str(&all, "format", format);
    gp_var_path(&all, "outfile", outfile);
    gp_var_path(&all, "scripts_dir", gnuplot_scripts_dir());
    char script_arg[4200];
    snprintf(script_arg, sizeof script_arg, "%s%s", script_path[0] == '/' ? "" : "./", script_path);

    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (log_fd < 0) {
        gp_vars_free(&all);
        return sl_fail("cannot write %s: %s", log_path, strerror(errno));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        static const char unconfined[] =
            "speedlab: gnuplot not started: seccomp filters are unavailable here\n";
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, STDIN_FILENO);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        if (confine() != 0) {
            ssize_t ignored = write(STDERR_FILENO, unconfined, sizeof unconfined - 1);
            (void)ignored;
            _exit(126);
        }
        char *argv[] = {"gnuplot", "-e", all.text, script_arg, NULL};
        execvp("gnuplot", argv);
        /* Into the log, where the error message is taken from (E2BIG: the
         * variables outgrew one argument). */
        char why[160];
        int n = snprintf(why, sizeof why, "speedlab: cannot run gnuplot: %s\n", strerror(errno));
        ssize_t ignored = write(STDERR_FILENO, why, n > 0 ? (size_t)n : 0);
        (void)ignored;
        _exit(127);
    }
    close(log_fd);
    gp_vars_free(&all);
    if (pid < 0)
        return sl_fail("cannot start gnuplot: %s", strerror(errno));
    int status = 0;
    int waited = wait_at_most(pid, timeout, &status);
    if (waited < 0)
        return -1;
    if (waited == 1)
        return sl_fail("gnuplot did not finish in %g s (on %s, %s); SPEEDLAB_GNUPLOT_TIMEOUT sets "
                       "the limit",
                       timeout, script_path, format);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char msg[400];
        last_line(log_path, msg, sizeof msg);
        return sl_fail("gnuplot failed on %s (%s): %s", script_path, format, msg);
    }
    if (!complete(outfile, format))
        return sl_fail("gnuplot's %s from %s is incomplete (disk full?)", format, script_path);
    return 0;
}

int gnuplot_render(const char *script, const struct gp_vars *vars, const char *out_base)
{
    static const char *const formats[2] = {"png", "svg"};
    char script_path[4096], log_path[4096], out_path[4096];
    double timeout;
    if (gnuplot_timeout(&timeout) != 0)
        return -1;
    snprintf(script_path, sizeof script_path, "%s/%s", gnuplot_scripts_dir(), script);
    if (access(script_path, R_OK) != 0)
        return sl_fail("cannot read gnuplot script %s (set SPEEDLAB_PLOTS_DIR to the plots/ "
                       "folder)",
                       script_path);
    snprintf(log_path, sizeof log_path, "%s.log", out_base);
    unlink(log_path);
    struct util_atomic_file out[2] = {{0}};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        snprintf(out_path, sizeof out_path, "%s.%s", out_base, formats[k]);
        rc = util_atomic_open(&out[k], out_path);
        if (rc == 0 && !out[k].tmp_path)
            rc = sl_fail("cannot draw into '%s': it is not a regular file", out_path);
        if (rc == 0)
            rc = run_once(script_path, vars, formats[k], out[k].tmp_path, log_path, timeout);
    }
    /* Both figures, or neither. */
    for (int k = 0; k < 2; k++) {
        if (rc == 0)
            rc = util_atomic_commit(&out[k]);
        else
            util_atomic_abort(&out[k]);
    }
    if (rc != 0)
        return -1;
    /* An empty log is noise in the output folder. */
    struct stat st;
    if (stat(log_path, &st) == 0 && st.st_size == 0)
        unlink(log_path);
    return 0;
}
