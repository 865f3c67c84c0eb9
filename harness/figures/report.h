/* report.html: one page that stands alone.  Styles are inline, figures are
 * data URIs, and nothing is fetched, so it opens offline, by mail or from
 * an archive long after the run.  Every string from a record reaches the
 * page through figures/html.h, escaped. */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include "figures/figure.h"

/* Writes the page atomically: the machine, build and environment, a summary
 * per record, the claims the records hold, every figure made (inline), each
 * one skipped or failed with its reason, and the records.  0, or -1 with
 * sl_error() and any earlier page left as it was. */
int report_write(const struct plot_set *set, const char *path);

#endif
