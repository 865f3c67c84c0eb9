/* Small shared helpers: clock, checked allocation, list parsing. */
#ifndef SL_UTIL_H
#define SL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Monotonic clock in seconds; never goes backwards, unaffected by NTP steps. */
double util_now(void);
/* Resolution of util_now() as reported by the kernel, in seconds. */
double util_clock_resolution(void);

/* malloc(count * size) with overflow check; NULL and sl_error() on failure. */
void *util_alloc(size_t count, size_t size, const char *what);
/* Same, 64-byte aligned (cache line, and one AVX-512 vector). */
void *util_alloc_aligned(size_t count, size_t size, const char *what);

/* Splits a comma-separated list in place-safe copies; returns count or -1. */
int util_split(const char *list, char ***items);
void util_free_list(char **items, int count);
/* Strict decimal parse of a whole string; -1 with sl_error() if not. */
int util_parse_long(const char *text, long min, long max, const char *what, long *out);
int util_parse_double(const char *text, double min, double max, const char *what, double *out);

/* Replaces every byte of a string that is not valid UTF-8 with '?'. */
void util_make_utf8(char *text);

/* The file helpers (atomic replacement, safe inputs, locks, one file in two
 * roles) are declared in kit/files.h, included here for the callers that
 * still reach them through this header. */
#include "kit/files.h"

#endif
