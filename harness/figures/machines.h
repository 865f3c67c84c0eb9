/* Several machines' records compared in figures and in report.html: the
 * best figure of merit per workload and machine as bars (ratio to the first
 * machine, with intervals), the same variant's speedup and efficiency
 * against threads overlaid per machine, and the report's comparison section
 * (the machines side by side and the summary of analysis/hwcompare.h).
 * Every string from a record reaches gnuplot as a quoted variable and the
 * page through figures/html.h, escaped. */
#ifndef SL_FIGURES_MACHINES_H
#define SL_FIGURES_MACHINES_H

#include "figures/figure.h"
#include "figures/html.h"

/* The comparison figures when set->machines holds two machines or more;
 * -1 only when out of memory. */
int plot_machines(struct plot_set *set);
/* The report's comparison section (nothing with fewer than two machines). */
void report_machines(struct html *h, const struct plot_set *set);

#endif
