/* figures/gnuplot: nothing that reaches gnuplot (a file name beginning with
 * '<' or '|', a title with quotes and backquotes, system() in a script) runs
 * a command; a hung gnuplot is killed after SPEEDLAB_GNUPLOT_TIMEOUT; a failed
 * or cut-short figure leaves the previous files and no temporary.  Scripts
 * and data live in a temporary folder. */
#include "check.h"
#include "figures/gnuplot.h"
#include "kit/sl.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/speedlab-gnuplot-XXXXXX";

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    rewind(fp);
    char *text = calloc(1, (size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, fp) != (size_t)size)
        text[0] = '\0';
    fclose(fp);
    return text;
}

static int temporaries(void)
{
    DIR *d = opendir(".");
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void expect_failure(int rc, const char *fragment, const char *what)
{
    CHECK(rc == -1, "%s: should fail", what);
    CHECK(strstr(sl_error(), fragment) != NULL, "%s: error '%s' lacks '%s'", what, sl_error(),
          fragment);
    CHECK(temporaries() == 0, "%s: no temporary left", what);
}

static const char line_script[] =
    "if (format eq 'svg') { set terminal svg noenhanced } else { set terminal pngcairo noenhanced }\n"
    "set output outfile\n"
    "set title figure_title\n"
    "plot data using 1:2 with lines title 'series'\n";

static int draw(const char *data, bool as_path, const char *title, const char *base)
{
    struct gp_vars v = {0};
    if (as_path)
        gp_var_path(&v, "data", data);
    else
        gp_var_str(&v, "data", data);
    gp_var_str(&v, "figure_title", title);
    int rc = gnuplot_render("line.gp", &v, base);
    gp_vars_free(&v);
    return rc;
}

static void test_no_command_runs(void)
{
    /* The case: a file really named "<sh p;cat g" and a script p. */
    write_text("p", "touch RAN\n");
    write_text("<sh p;cat g", "1 2\n2 3\n3 5\n");
    CHECK(draw("<sh p;cat g", true, "plain", "fig") == 0, "a '<' name as a path: %s", sl_error());
    CHECK(!exists("RAN"), "the '<' name ran nothing");
    CHECK(exists("fig.png") && exists("fig.svg"), "both figures drawn");
    char *before = slurp("fig.svg");

    /* The same name as a plain string (how a caller that does not use
     * gp_var_path hands it over): gnuplot would run it; confined, it cannot. */
    expect_failure(draw("<sh p;cat g", false, "plain", "fig"), "cannot create pipe",
                   "a '<' name as a string");
    CHECK(!exists("RAN"), "the unprefixed '<' name ran nothing either");
    char *after = slurp("fig.svg");
    CHECK(before && after && strcmp(before, after) == 0, "a failed figure keeps the old one");
    free(before);
    free(after);

    /* Quotes, backquotes, a macro and a newline stay text. */
    CHECK(draw("<sh p;cat g", true, "it's `touch RAN` @data\nnext", "title") == 0, "title: %s",
          sl_error());
    char *svg = slurp("title.svg");
    CHECK(svg && strstr(svg, "touch RAN` @data next"), "the title is drawn as given");
    free(svg);
    CHECK(!exists("RAN"), "the backquote ran nothing");

    /* An output name beginning with '|'. */
    CHECK(draw("<sh p;cat g", true, "pipe", "|sh p") == 0, "'|' output: %s", sl_error());
    CHECK(exists("|sh p.png") && !exists("RAN"), "'|sh p' is a file name, not a command");

    /* system() in a script. */
    write_text("system.gp", "system('touch RAN')\n" "set terminal svg\nset output outfile\nplot x\n");
    struct gp_vars v = {0};
    gnuplot_render("system.gp", &v, "system");
    CHECK(!exists("RAN"), "system() ran nothing");
}

static void test_timeout(void)
{
    write_text("hang.gp", "pause 600\n");
    setenv("SPEEDLAB_GNUPLOT_TIMEOUT", "0.5", 1);
    struct gp_vars v = {0};
    expect_failure(gnuplot_render("hang.gp", &v, "hang"), "gnuplot did not finish in 0.5 s",
                   "hung gnuplot");
    CHECK(!exists("hang.png"), "a hung figure leaves no PNG");
    setenv("SPEEDLAB_GNUPLOT_TIMEOUT", "soon", 1);
    expect_failure(gnuplot_render("line.gp", &v, "fig"), "SPEEDLAB_GNUPLOT_TIMEOUT must be a number",
                   "bad timeout");
    unsetenv("SPEEDLAB_GNUPLOT_TIMEOUT");
}

/* A disk that fills up: the file size limit with SIGXFSZ ignored makes
 * gnuplot's writes fail as ENOSPC would (EFBIG). */
static void test_full_disk(void)
{
    struct rlimit old, small = {.rlim_cur = 300, .rlim_max = RLIM_INFINITY};
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &small);
    int rc = draw("<sh p;cat g", true, "a long title so the svg passes three hundred bytes", "full");
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    expect_failure(rc, "gnuplot", "full disk");
    CHECK(!exists("full.png") && !exists("full.svg"), "a cut-short figure is not kept");
}

static void test_target_kinds(void)
{
    mkfifo("fifo.png", 0600);
    expect_failure(draw("<sh p;cat g", true, "t", "fifo"), "a FIFO with no reader", "FIFO target");
    struct stat st;
    CHECK(lstat("fifo.png", &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is kept");
}

int main(void)
{
    char why[200];
    if (!gnuplot_available(why, sizeof why)) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    if (!mkdtemp(dir) || chdir(dir) != 0)
        return 1;
    setenv("SPEEDLAB_PLOTS_DIR", dir, 1);
    write_text("line.gp", line_script);
    test_no_command_runs();
    test_timeout();
    test_full_disk();
    test_target_kinds();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (chdir("/") != 0 || system(cmd) != 0)
        return 1;
    return check_report("gnuplot");
}
