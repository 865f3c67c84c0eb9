#include "figures/gnuplot.h"

#include "kit/sl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

void gp_var_str(struct gp_vars *v, const char *name, const char *value)
{
    append(v, name);
    append(v, "='");
    /* Inside single quotes gnuplot knows one escape: '' for '. */
    for (const char *c = value ? value : ""; *c; c++) {
        char one[3] = {*c, 0, 0};
        if (*c == '\'')
            one[1] = '\'';
        else if (*c == '\n')
            one[0] = ' ';
        append(v, one);
    }
    append(v, "'; ");
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

/* The last non-empty line of gnuplot's messages, for the error. */
static void last_line(const char *path, char *out, size_t len)
{
    snprintf(out, len, "no message");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return;
    char line[512];
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = 0;
        const char *s = line + strspn(line, " \t^");
        if (*s)
            snprintf(out, len, "%s", s);
    }
    fclose(fp);
}

static int run_once(const char *script_path, const struct gp_vars *vars, const char *format,
                    const char *out_base, const char *log_path)
{
    struct gp_vars all = {0};
    append(&all, vars->text ? vars->text : "");
    char outfile[4096];
    snprintf(outfile, sizeof outfile, "%s.%s", out_base, format);
    gp_var_str(&all, "format", format);
    gp_var_str(&all, "outfile", outfile);
    gp_var_str(&all, "scripts_dir", gnuplot_scripts_dir());

    int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log_fd < 0) {
        gp_vars_free(&all);
        return sl_fail("cannot write %s: %s", log_path, strerror(errno));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, STDIN_FILENO);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        char *argv[] = {"gnuplot", "-e", all.text, (char *)script_path, NULL};
        execvp("gnuplot", argv);
        _exit(127);
    }
    close(log_fd);
    gp_vars_free(&all);
    if (pid < 0)
        return sl_fail("cannot start gnuplot: %s", strerror(errno));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return sl_fail("waiting for gnuplot: %s", strerror(errno));
    struct stat st;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(outfile, &st) != 0 ||
        st.st_size == 0) {
        char msg[400];
        last_line(log_path, msg, sizeof msg);
        return sl_fail("gnuplot failed on %s (%s): %s", script_path, format, msg);
    }
    return 0;
}

int gnuplot_render(const char *script, const struct gp_vars *vars, const char *out_base)
{
    char script_path[4096], log_path[4096];
    snprintf(script_path, sizeof script_path, "%s/%s", gnuplot_scripts_dir(), script);
    if (access(script_path, R_OK) != 0)
        return sl_fail("cannot read gnuplot script %s (set SPEEDLAB_PLOTS_DIR to the plots/ "
                       "folder)",
                       script_path);
    snprintf(log_path, sizeof log_path, "%s.log", out_base);
    unlink(log_path);
    if (run_once(script_path, vars, "png", out_base, log_path) != 0 ||
        run_once(script_path, vars, "svg", out_base, log_path) != 0)
        return -1;
    /* An empty log is noise in the output folder. */
    struct stat st;
    if (stat(log_path, &st) == 0 && st.st_size == 0)
        unlink(log_path);
    return 0;
}
