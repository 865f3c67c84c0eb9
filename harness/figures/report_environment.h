/* The report's account of what disturbed the measurements: a banner at the
 * top of the page when any record's environment checks warned or any result
 * had disturbed repetitions, and the environment checks of every record as
 * one table per machine.  Written through figures/html.h, escaped. */
#ifndef SL_REPORT_ENVIRONMENT_H
#define SL_REPORT_ENVIRONMENT_H

#include "figures/figure.h"
#include "figures/html.h"

/* A result whose noise was counted and had a disturbed repetition. */
bool report_result_disturbed(const struct sl_result *r);

/* The banner (id "noise"); nothing when every check was quiet and no result
 * was disturbed. */
void report_noise_banner(struct html *h, const struct plot_set *set);
/* Whether report_noise_banner writes one. */
bool report_has_noise(const struct plot_set *set);

/* "Environment" (id "environment"): the first record's variables and timer,
 * then per machine a table of every record's checks, warnings beside the
 * value they are about. */
void report_environment(struct html *h, const struct plot_set *set);

#endif
