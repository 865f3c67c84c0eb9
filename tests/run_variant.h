/* For workload tests: one execution of a variant in a team of its own,
 * from a poisoned output, checking it ran and left OpenMP's defaults alone.
 * Returns the variant's status (0 ran). */
#ifndef SL_TEST_RUN_VARIANT_H
#define SL_TEST_RUN_VARIANT_H

#include "check.h"
#include "measure/machine.h"
#include "kit/sl.h"
#include "measure/team.h"

#include <omp.h>

static inline int run_variant_once(const struct machine *mach, const struct sl_workload *w,
                                   void *problem, const struct sl_variant *v, int threads,
                                   enum sl_schedule s, const char *label)
{
    struct pin_config pin = {.policy = PIN_NONE, .oversubscribe = true};
    struct sl_team *team;
    if (team_create(&team, mach, &pin, threads) != 0) {
        CHECK(0, "team: %s", sl_error());
        return -1;
    }
    struct sl_exec ex = {.threads = threads, .schedule = s, .team = team};
    w->prepare_validation(problem);
    team_reset(team);
    int max_threads = omp_get_max_threads();
    int rc = v->run(problem, &ex);
    CHECK(rc == 0, "%s %s: %s", v->name, label, sl_error());
    CHECK(omp_get_max_threads() == max_threads, "%s %s changed omp_get_max_threads", v->name,
          label);
    team_destroy(team);
    return rc;
}

#endif
