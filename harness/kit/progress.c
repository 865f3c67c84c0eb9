/* Live progress line; see progress.h.
 *
 * The count is an atomic uint64 of whole units, not a double: a 64-bit
 * fetch_add is one wait-free instruction however many workers add at once,
 * where a double needs a compare-and-swap loop that retries under contention;
 * and integer sums are exact and independent of the order of the adds, where
 * a double sum rounds differently with every interleaving.  Units are pairs,
 * samples, rows: whole things, and 2^64 of them is far beyond any run.
 *
 * Printing is guarded by an atomic_flag used as a try-lock: the worker that
 * finds the interval passed and wins the flag prints, the others go straight
 * back to work.  The time of the next allowed line is an atomic double read
 * by every add, so the common path takes no lock at all. */
#include "kit/progress.h"
#include "kit/util.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct sl_progress {
    atomic_uint_fast64_t done;
    _Atomic double next_line_at; /* start + delay, then last line + interval */
    atomic_flag printing;
    /* Fixed at start. */
    double (*now)(void);
    FILE *stream;
    bool is_terminal;
    double started_at, interval_s, total_units;
    char *label, *unit;
    /* Only touched by the holder of `printing`. */
    bool line_drawn;
};

static double (*clock_override)(void);
static FILE *stream_override;
static int stream_override_is_terminal;

void sl_progress_set_clock(double (*now)(void))
{
    clock_override = now;
}

void sl_progress_set_stream(FILE *fp, int is_terminal)
{
    stream_override = fp;
    stream_override_is_terminal = is_terminal;
}

struct sl_progress *sl_progress_start(enum sl_progress_mode mode, const char *label,
                                      double total_units, const char *unit, double delay_s,
                                      double interval_s)
{
    FILE *stream = stream_override ? stream_override : stderr;
    bool is_terminal = stream_override ? stream_override_is_terminal != 0 : isatty(STDERR_FILENO);
    if (mode == SL_PROGRESS_OFF || (mode == SL_PROGRESS_AUTO && !is_terminal))
        return NULL;
    struct sl_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->label = strdup(label ? label : "");
    p->unit = strdup(unit && *unit ? unit : "unit");
    if (!p->label || !p->unit) {
        free(p->label);
        free(p->unit);
        free(p);
        return NULL;
    }
    atomic_init(&p->done, 0);
    atomic_flag_clear(&p->printing);
    p->now = clock_override ? clock_override : util_now;
    p->stream = stream;
    p->is_terminal = is_terminal;
    p->started_at = p->now();
    p->interval_s = interval_s > 0 ? interval_s : 0;
    p->total_units = total_units > 0 && isfinite(total_units) ? total_units : 0;
    atomic_init(&p->next_line_at, p->started_at + (delay_s > 0 ? delay_s : 0));
    return p;
}

/* "1.68e+09": three significant digits, whatever the scale. */
static void format_count(char *buf, size_t len, double count)
{
    snprintf(buf, len, "%.3g", count);
}

/* "54.1 Mpair/s": three significant digits with an SI prefix. */
static void format_rate(char *buf, size_t len, double per_second, const char *unit)
{
    static const char prefixes[] = {'\0', 'k', 'M', 'G', 'T', 'P'};
    size_t i = 0;
    /* 999.5 would print as "1e+03" at three digits: it belongs to the next prefix. */
    while (per_second >= 999.5 && i + 1 < sizeof prefixes) {
        per_second /= 1000;
        i++;
    }
    if (prefixes[i])
        snprintf(buf, len, "%.3g %c%s/s", per_second, prefixes[i], unit);
    else
        snprintf(buf, len, "%.3g %s/s", per_second, unit);
}

/* "18 s", "3 min 12 s", "1 h 52 min": rounded to the unit shown last. */
static void format_duration(char *buf, size_t len, double seconds)
{
    if (!(seconds < 1e15)) { /* a rate so low the time left means nothing */
        snprintf(buf, len, "a very long time");
        return;
    }
    long long s = llround(seconds > 0 ? seconds : 0);
    if (s < 60)
        snprintf(buf, len, "%lld s", s);
    else if (s < 3600)
        snprintf(buf, len, "%lld min %lld s", s / 60, s % 60);
    else {
        long long minutes = (s + 30) / 60;
        snprintf(buf, len, "%lld h %lld min", minutes / 60, minutes % 60);
    }
}

static void format_line(const struct sl_progress *p, const char *label, double done, double now,
                        char *buf, size_t len)
{
    char count[32], of[32], tail[96];
    format_count(count, sizeof count, done);
    double elapsed = now - p->started_at;
    if (done > 0 && elapsed > 0) {
        double rate = done / elapsed;
        char rate_text[48];
        format_rate(rate_text, sizeof rate_text, rate, p->unit);
        if (p->total_units > 0) {
            char left[40];
            format_duration(left, sizeof left,
                            done >= p->total_units ? 0 : (p->total_units - done) / rate);
            snprintf(tail, sizeof tail, "%s, %s left", rate_text, left);
        } else
            snprintf(tail, sizeof tail, "%s", rate_text);
    } else
        snprintf(tail, sizeof tail, "rate unknown");

    const char *plural = p->total_units == 1 || (p->total_units <= 0 && done == 1) ? "" : "s";
    if (p->total_units > 0) {
        format_count(of, sizeof of, p->total_units);
        snprintf(buf, len, "progress %s: %.1f%% (%s of %s %s%s), %s", label,
                 100.0 * done / p->total_units, count, of, p->unit, plural, tail);
    } else
        snprintf(buf, len, "progress %s: %s %s%s, %s", label, count, p->unit, plural, tail);
}

/* Columns of the terminal behind the stream, 0 if unknown; read at every line
 * so a resized window is followed. */
static size_t terminal_columns(FILE *stream)
{
    struct winsize ws;
    int fd = fileno(stream);
    if (fd < 0 || ioctl(fd, TIOCGWINSZ, &ws) != 0)
        return 0;
    return ws.ws_col;
}

/* Called with `printing` held. */
static void print_line(struct sl_progress *p, double now)
{
    char line[1024];
    double done = (double)atomic_load_explicit(&p->done, memory_order_relaxed);
    format_line(p, p->label, done, now, line, sizeof line);
    if (p->is_terminal) {
        /* A line that wraps cannot be redrawn with \r: fit it to the width,
         * shortening the label from the left (its end, variant/schedule/threads,
         * tells runs apart) before cutting into the figures. */
        size_t columns = terminal_columns(p->stream);
        size_t label_len = strlen(p->label), line_len = strlen(line);
        if (columns > 1 && line_len > columns - 1) {
            size_t excess = line_len - (columns - 1);
            if (label_len > 3) {
                size_t keep = label_len > excess + 3 ? label_len - excess - 3 : 0;
                char label[1024];
                snprintf(label, sizeof label, "...%s", p->label + label_len - keep);
                format_line(p, label, done, now, line, sizeof line);
            }
            if (strlen(line) > columns - 1)
                line[columns - 1] = '\0';
        }
        fprintf(p->stream, "\r%s\033[K", line);
    } else
        fprintf(p->stream, "%s\n", line);
    fflush(p->stream);
    p->line_drawn = true;
}

void sl_progress_add(struct sl_progress *p, double units)
{
    if (!p)
        return;
    if (units >= 0.5) {
        uint64_t whole = units < 0x1p64 ? (uint64_t)(units + 0.5) : UINT64_MAX;
        atomic_fetch_add_explicit(&p->done, whole, memory_order_relaxed);
    }
    if (p->now() < atomic_load_explicit(&p->next_line_at, memory_order_relaxed))
        return;
    if (atomic_flag_test_and_set_explicit(&p->printing, memory_order_acquire))
        return; /* another worker is printing this line */
    /* Read again under the flag: another worker may have printed since. */
    double now = p->now();
    if (now >= atomic_load_explicit(&p->next_line_at, memory_order_relaxed)) {
        print_line(p, now);
        atomic_store_explicit(&p->next_line_at, now + p->interval_s, memory_order_relaxed);
    }
    atomic_flag_clear_explicit(&p->printing, memory_order_release);
}

double sl_progress_done(const struct sl_progress *p)
{
    return p ? (double)atomic_load_explicit(&p->done, memory_order_relaxed) : 0;
}

void sl_progress_finish(struct sl_progress *p)
{
    if (!p)
        return;
    /* Workers should be done; if one is still mid-line, let it finish it. */
    while (atomic_flag_test_and_set_explicit(&p->printing, memory_order_acquire))
        ;
    if (p->is_terminal && p->line_drawn) {
        fputs("\r\033[K", p->stream);
        fflush(p->stream);
    }
    free(p->label);
    free(p->unit);
    free(p);
}
