/* Memory: byte sizes on the command line, and the process's resident set,
 * now and at its peak, for --memory-budget and the records' peak RSS. */
#ifndef SL_MEMORY_H
#define SL_MEMORY_H

#include <stddef.h>

/* "512M", "2G", "1.5GiB", "64KiB", "800000000" (bytes; K/M/G/T are powers
 * of 1024 with or without "iB"); -1 with one line naming `what`. */
int mem_parse_bytes(const char *text, const char *what, double *bytes);

/* "234.0 MiB"-style text. */
void mem_format_bytes(double bytes, char *buf, size_t len);

/* Resident set now (VmRSS) and its high-water mark (VmHWM) from
 * /proc/self/status; -1 with sl_fail() when unreadable. */
int mem_rss_now(size_t *bytes);
int mem_rss_peak(size_t *bytes);

/* Restarts the high-water mark at the current resident set (Linux >= 4.0:
 * "5" to /proc/self/clear_refs), so a peak belongs to one measurement;
 * -1 with sl_fail() saying why it cannot. */
int mem_rss_peak_reset(void);

#endif
