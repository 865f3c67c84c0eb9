/* speedlab compare's hardware comparison of N machines, printed: the
 * machines named, the one-screen summary (analysis/hwcompare.h), the
 * warnings per machine, the skips collapsed, then the details (the machines
 * side by side and every result on each). */
#ifndef SL_COMPARE_MACHINES_H
#define SL_COMPARE_MACHINES_H

#include "analysis/hwcompare.h"

#include <stdbool.h>

/* Prints the comparison; the exit status (EXIT_SUCCESS, or EXIT_USAGE
 * with the error printed when the machines share no result). */
int compare_machines_report(const struct hw_set *s, bool markdown);

#endif
