#include "analysis/deterministic.h"

#include <math.h>
#include <stdio.h>

const char *det_metric_name(int metric)
{
    static const char *const names[DET_METRICS] = {"instructions", "D1 misses", "LL misses"};
    return metric >= 0 && metric < DET_METRICS ? names[metric] : "?";
}

static bool same_cache(const struct sl_sim_cache *a, const struct sl_sim_cache *b)
{
    return a->size == b->size && a->ways == b->ways && a->line == b->line;
}

/* Why r has no counts to compare (NULL: it has). */
static const char *not_simulated(const struct sl_result *r)
{
    if (!r->simulated)
        return "not simulated (run without --counters sim)";
    if (!r->sim.available)
        return "simulation unavailable";
    return NULL;
}

static void per_unit(const struct sl_result *r, double *out)
{
    out[DET_INSTRUCTIONS] = r->d.sim_instructions_per_unit;
    out[DET_D1_MISSES] = r->d.sim_d1_misses_per_unit;
    out[DET_LL_MISSES] = r->d.sim_ll_misses_per_unit;
}

void det_compare(const struct sl_result *base, const struct sl_result *fresh, double threshold,
                 struct det_comparison *out)
{
    *out = (struct det_comparison){.verdict = DET_UNAVAILABLE, .decisive = -1};
    const char *why_base = not_simulated(base), *why_new = not_simulated(fresh);
    if (why_base || why_new) {
        snprintf(out->reason, sizeof out->reason, "%s in %s", why_base ? why_base : why_new,
                 why_base ? "BASE" : "NEW");
        return;
    }
    if (!same_cache(&base->sim.d1, &fresh->sim.d1) || !same_cache(&base->sim.ll, &fresh->sim.ll)) {
        snprintf(out->reason, sizeof out->reason, "simulated caches shaped differently");
        return;
    }
    per_unit(base, out->base);
    per_unit(fresh, out->fresh);
    double grew = 0, fell = 0;
    int grew_at = -1, fell_at = -1;
    for (int k = 0; k < DET_METRICS; k++) {
        if (!isfinite(out->base[k]) || !isfinite(out->fresh[k])) {
            snprintf(out->reason, sizeof out->reason, "%s per unit not recorded",
                     det_metric_name(k));
            return;
        }
        out->ratio[k] = out->base[k] > 0    ? out->fresh[k] / out->base[k]
                        : out->fresh[k] > 0 ? INFINITY
                                            : 1;
        if (out->ratio[k] - 1 > grew) {
            grew = out->ratio[k] - 1;
            grew_at = k;
        }
        if (1 - out->ratio[k] > fell) {
            fell = 1 - out->ratio[k];
            fell_at = k;
        }
    }
    if (grew > threshold) {
        out->verdict = DET_WORSE;
        out->decisive = grew_at;
    } else if (fell > threshold) {
        out->verdict = DET_BETTER;
        out->decisive = fell_at;
    } else {
        out->verdict = DET_SAME;
    }
}
