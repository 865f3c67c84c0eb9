/* The progress line, against a scripted clock and a temporary file. */
#include "check.h"
#include "kit/progress.h"

#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static double fake_time;
static double scripted_now(void)
{
    return fake_time;
}

/* Every reading moves time on by one millisecond, so workers reading it
 * concurrently see it pass and race for the line. */
static atomic_uint_fast64_t ticks;
static double ticking_now(void)
{
    return 1e-3 * (double)atomic_fetch_add(&ticks, 1);
}

/* Everything written to `fp` so far. */
static const char *contents(FILE *fp)
{
    static char buf[1 << 16];
    fflush(fp);
    long end = ftell(fp);
    rewind(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fseek(fp, end, SEEK_SET);
    return buf;
}

static int count_char(const char *text, char c)
{
    int n = 0;
    for (; *text; text++)
        n += *text == c;
    return n;
}

/* The text after the first `skip` lines. */
static const char *line_after(const char *text, int skip)
{
    for (int i = 0; i < skip && text; i++) {
        text = strchr(text, '\n');
        if (text)
            text++;
    }
    return text ? text : "";
}

#define CHECK_TEXT(got, want) CHECK(strcmp((got), (want)) == 0, "got '%s', want '%s'", (got), (want))

static void silent_before_delay_then_throttled(void)
{
    FILE *fp = tmpfile();
    sl_progress_set_stream(fp, 0);
    fake_time = 100;
    struct sl_progress *p =
        sl_progress_start(SL_PROGRESS_ON, "cosine/x/t2", 1.6e9, "pair", 5, 1);
    CHECK(p != NULL, "forced on without a terminal gives a handle");
    const double silent_times[] = {100, 102, 104.999};
    for (int i = 0; i < 3; i++) {
        fake_time = silent_times[i];
        sl_progress_add(p, 1e8);
    }
    CHECK_TEXT(contents(fp), "");

    fake_time = 110;
    sl_progress_add(p, 3.4e8);
    CHECK_TEXT(contents(fp),
               "progress cosine/x/t2: 40.0% (6.4e+08 of 1.6e+09 pairs), 64 Mpair/s, 15 s left\n");

    /* However many adds, nothing more until the interval has passed... */
    for (int i = 0; i < 1000; i++) {
        fake_time = 110 + 0.999 * i / 999;
        sl_progress_add(p, 0);
    }
    CHECK(count_char(contents(fp), '\n') == 1, "one line within the interval:\n%s", contents(fp));
    /* ...then exactly one. */
    fake_time = 111;
    sl_progress_add(p, 1.6e7);
    for (int i = 0; i < 1000; i++)
        sl_progress_add(p, 0);
    CHECK(count_char(contents(fp), '\n') == 2, "two lines:\n%s", contents(fp));
    CHECK_TEXT(line_after(contents(fp), 1),
               "progress cosine/x/t2: 41.0% (6.56e+08 of 1.6e+09 pairs), 59.6 Mpair/s, 16 s left\n");
    CHECK(sl_progress_done(p) == 6.56e8, "done %g", sl_progress_done(p));
    sl_progress_finish(p);
    CHECK(count_char(contents(fp), '\n') == 2, "finish adds nothing off a terminal");
    fclose(fp);
}

static void rate_and_time_left(void)
{
    FILE *fp = tmpfile();
    sl_progress_set_stream(fp, 0);
    fake_time = 0;
    struct sl_progress *p = sl_progress_start(SL_PROGRESS_ON, "w/v", 1e6, "pair", 0, 1);
    sl_progress_add(p, 0);
    CHECK_TEXT(contents(fp), "progress w/v: 0.0% (0 of 1e+06 pairs), rate unknown\n");
    fake_time = 10;
    sl_progress_add(p, 1000);
    CHECK_TEXT(line_after(contents(fp), 1),
               "progress w/v: 0.1% (1e+03 of 1e+06 pairs), 100 pair/s, 2 h 47 min left\n");
    fake_time = 30;
    sl_progress_add(p, 299000);
    CHECK_TEXT(line_after(contents(fp), 2),
               "progress w/v: 30.0% (3e+05 of 1e+06 pairs), 10 kpair/s, 1 min 10 s left\n");
    fake_time = 40;
    sl_progress_add(p, 700000);
    CHECK_TEXT(line_after(contents(fp), 3),
               "progress w/v: 100.0% (1e+06 of 1e+06 pairs), 25 kpair/s, 0 s left\n");
    sl_progress_finish(p);
    fclose(fp);

    /* Unknown total: count and rate only; SI prefixes at their boundaries. */
    fp = tmpfile();
    sl_progress_set_stream(fp, 0);
    fake_time = 0;
    p = sl_progress_start(SL_PROGRESS_ON, "u", 0, "sample", 0, 1);
    fake_time = 10;
    sl_progress_add(p, 5);
    CHECK_TEXT(contents(fp), "progress u: 5 samples, 0.5 sample/s\n");
    fake_time = 20;
    sl_progress_add(p, 19985);
    CHECK_TEXT(line_after(contents(fp), 1), "progress u: 2e+04 samples, 1 ksample/s\n");
    fake_time = 30;
    sl_progress_add(p, 3e10 - 19990);
    CHECK_TEXT(line_after(contents(fp), 2), "progress u: 3e+10 samples, 1 Gsample/s\n");
    sl_progress_finish(p);
    fclose(fp);

    /* Long runs: hours and minutes. */
    fp = tmpfile();
    sl_progress_set_stream(fp, 0);
    fake_time = 0;
    p = sl_progress_start(SL_PROGRESS_ON, "big", 1.68e9, "pair", 0, 60);
    fake_time = 600;
    sl_progress_add(p, 8.4e7);
    CHECK_TEXT(contents(fp),
               "progress big: 5.0% (8.4e+07 of 1.68e+09 pairs), 140 kpair/s, 3 h 10 min left\n");
    sl_progress_finish(p);
    fclose(fp);
}

static void whole_units(void)
{
    FILE *fp = tmpfile();
    sl_progress_set_stream(fp, 0);
    struct sl_progress *p = sl_progress_start(SL_PROGRESS_ON, "r", 10, "row", 1e9, 1);
    sl_progress_add(p, 0.4);
    sl_progress_add(p, -5);
    sl_progress_add(p, NAN);
    CHECK(sl_progress_done(p) == 0, "fractions below a half, negatives and NaN add nothing");
    sl_progress_add(p, 0.6);
    sl_progress_add(p, 5e5);
    CHECK(sl_progress_done(p) == 500001, "done %g", sl_progress_done(p));
    sl_progress_finish(p);
    fclose(fp);
}

static void terminal_mode(void)
{
    FILE *fp = tmpfile();
    sl_progress_set_stream(fp, 1);
    fake_time = 0;
    struct sl_progress *p = sl_progress_start(SL_PROGRESS_AUTO, "t", 100, "pair", 1, 1);
    CHECK(p != NULL, "auto on a terminal is on");
    fake_time = 2;
    sl_progress_add(p, 50);
    fake_time = 3;
    sl_progress_add(p, 25);
    CHECK_TEXT(contents(fp), "\rprogress t: 50.0% (50 of 100 pairs), 25 pair/s, 2 s left\033[K"
                             "\rprogress t: 75.0% (75 of 100 pairs), 25 pair/s, 1 s left\033[K");
    sl_progress_finish(p);
    const char *text = contents(fp);
    size_t len = strlen(text);
    CHECK(len > 4 && strcmp(text + len - 4, "\r\033[K") == 0, "finish clears the line");
    CHECK(strchr(text, '\n') == NULL, "no newline on a terminal");
    fclose(fp);

    /* A short run on a terminal leaves nothing behind, not even a clear. */
    fp = tmpfile();
    sl_progress_set_stream(fp, 1);
    fake_time = 0;
    p = sl_progress_start(SL_PROGRESS_AUTO, "t", 100, "pair", 1, 1);
    fake_time = 0.5;
    sl_progress_add(p, 100);
    sl_progress_finish(p);
    CHECK_TEXT(contents(fp), "");
    fclose(fp);
}

/* Reads what the terminal side received, waiting up to a second for it. */
static const char *from_pty(int master)
{
    static char buf[4096];
    size_t n = 0;
    struct pollfd pfd = {.fd = master, .events = POLLIN};
    while (n < sizeof buf - 1 && poll(&pfd, 1, n ? 50 : 1000) > 0) {
        ssize_t got = read(master, buf + n, sizeof buf - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    return buf;
}

/* On a real (pseudo-)terminal the line fits its width: the label gives way
 * from the left first, then the line is cut. */
static void fits_the_terminal(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        printf("no pseudo-terminal here: width not tested\n");
        if (master >= 0)
            close(master);
        return;
    }
    FILE *tty = fopen(ptsname(master), "w");
    CHECK(tty != NULL, "open the terminal side");
    if (!tty) {
        close(master);
        return;
    }
    sl_progress_set_stream(tty, 1);
    const char *text;
    struct winsize ws = {.ws_row = 24, .ws_col = 60};
    ioctl(fileno(tty), TIOCSWINSZ, &ws);
    fake_time = 0;
    struct sl_progress *p = sl_progress_start(SL_PROGRESS_ON, "cosine/invindex_scalar/fusedindex/t2",
                                              100, "pair", 0, 1);
    fake_time = 2;
    sl_progress_add(p, 50);
    text = from_pty(master);
    CHECK_TEXT(text, "\rprogress ...2: 50.0% (50 of 100 pairs), 25 pair/s, 2 s left\033[K");
    ws.ws_col = 30;
    ioctl(fileno(tty), TIOCSWINSZ, &ws);
    fake_time = 3;
    sl_progress_add(p, 25);
    text = from_pty(master);
    CHECK_TEXT(text, "\rprogress ...: 75.0% (75 of 10\033[K");
    sl_progress_finish(p);
    text = from_pty(master);
    CHECK_TEXT(text, "\r\033[K");
    fclose(tty);
    close(master);
}

static void off_and_null(void)
{
    FILE *fp = tmpfile();
    sl_progress_set_stream(fp, 0);
    CHECK(sl_progress_start(SL_PROGRESS_AUTO, "a", 1, "pair", 0, 0) == NULL,
          "auto off a terminal is off");
    sl_progress_set_stream(fp, 1);
    CHECK(sl_progress_start(SL_PROGRESS_OFF, "a", 1, "pair", 0, 0) == NULL,
          "off is off, even on a terminal");
    sl_progress_add(NULL, 1);
    sl_progress_finish(NULL);
    CHECK(sl_progress_done(NULL) == 0, "NULL has done nothing");
    CHECK_TEXT(contents(fp), "");
    fclose(fp);
}

/* Four workers adding rows of 500,000 and single units at once sum exactly,
 * and the lines they print never interleave or come faster than the interval. */
static void concurrent_adds(void)
{
    FILE *fp = tmpfile();
    sl_progress_set_stream(fp, 0);
    sl_progress_set_clock(ticking_now);
    atomic_store(&ticks, 0);
    enum { ADDS_PER_THREAD = 20000, THREADS = 4 };
    const double per_thread = ADDS_PER_THREAD / 2 * (500000.0 + 1.0);
    const double total = THREADS * per_thread;
    const double delay = 0.5, interval = 1;
    struct sl_progress *p = sl_progress_start(SL_PROGRESS_ON, "c", total, "pair", delay, interval);
    int team = 0;
#pragma omp parallel num_threads(THREADS)
    {
#pragma omp single
        team = omp_get_num_threads();
#pragma omp for schedule(static)
        for (int i = 0; i < THREADS * ADDS_PER_THREAD; i++)
            sl_progress_add(p, i % 2 ? 1 : 500000);
    }
    double elapsed = 1e-3 * (double)atomic_load(&ticks);
    CHECK(team == THREADS, "team of %d", team);
    CHECK(sl_progress_done(p) == total, "done %.17g, want %.17g", sl_progress_done(p), total);
    sl_progress_finish(p);

    const char *text = contents(fp);
    int lines = count_char(text, '\n');
    CHECK(lines >= 1 && lines <= (int)((elapsed - delay) / interval) + 1,
          "%d lines in %.3f s of ticks", lines, elapsed);
    int well_formed = 0;
    for (const char *line = text; *line; line = line_after(line, 1)) {
        const char *tail = strstr(line, " pairs), ");
        well_formed += strncmp(line, "progress c: ", 12) == 0 && tail && tail < strchr(line, '\n');
    }
    CHECK(well_formed == lines, "%d of %d lines whole:\n%s", well_formed, lines, text);
    sl_progress_set_clock(scripted_now);
    fclose(fp);
}

int main(void)
{
    sl_progress_set_clock(scripted_now);
    silent_before_delay_then_throttled();
    rate_and_time_left();
    whole_units();
    terminal_mode();
    fits_the_terminal();
    off_and_null();
    concurrent_adds();
    sl_progress_set_clock(NULL);
    sl_progress_set_stream(NULL, 0);
    return check_report("progress");
}
