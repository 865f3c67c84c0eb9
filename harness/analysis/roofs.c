#include "analysis/roofs.h"

#include "kit/sl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *roof_level_name(enum roof_level level)
{
    static const char *const names[] = {"L1", "L2", "L3", "DRAM"};
    return level < ROOF_LEVELS ? names[level] : "?";
}

bool roofs_is_ceilings(const struct sl_run *run)
{
    return run->config.kernel && strcmp(run->config.kernel, "ceilings") == 0;
}

/* Whether a size was sized by the level rule (no ws=BYTES working set). */
static bool sized_per_level(const struct sl_run *run, const char *size)
{
    for (size_t i = 0; i < run->n_problems; i++) {
        const struct sl_problem_info *p = &run->problems[i];
        if (strcmp(p->size, size) != 0)
            continue;
        for (int k = 0; k < p->n_params; k++)
            if (strcmp(p->params[k].key, "working_set_bytes") == 0)
                return false;
        return true;
    }
    return false;
}

/* The roof a variant name measures ("triad_l2_avx2", "peak_fp64_avx512") and
 * whether it is a bandwidth (GB/s) or a peak (GFLOP/s); NULL: none. */
static struct roof *roof_of(struct roofs *t, const char *variant, bool *bandwidth)
{
    static const char *const kinds[] = {"load_", "copy_", "triad_"};
    static const char *const levels[] = {"l1_", "l2_", "l3_", "dram_"};
    *bandwidth = false;
    if (strncmp(variant, "peak_fp32_", 10) == 0)
        return &t->fp32;
    if (strncmp(variant, "peak_fp64_", 10) == 0)
        return &t->fp64;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = strlen(kinds[k]);
        if (strncmp(variant, kinds[k], n) != 0)
            continue;
        for (int l = 0; l < ROOF_LEVELS; l++)
            if (strncmp(variant + n, levels[l], strlen(levels[l])) == 0) {
                *bandwidth = true;
                return &t->bandwidth[l];
            }
    }
    return NULL;
}

static struct roofs *team_of(struct roof_set *s, int threads)
{
    for (int i = 0; i < s->n_teams; i++)
        if (s->teams[i].threads == threads)
            return &s->teams[i];
    int at = s->n_teams++;
    while (at > 0 && s->teams[at - 1].threads > threads) {
        s->teams[at] = s->teams[at - 1];
        at--;
    }
    struct roofs *t = &s->teams[at];
    *t = (struct roofs){.threads = threads, .fp32 = {NAN, NULL}, .fp64 = {NAN, NULL}};
    for (int l = 0; l < ROOF_LEVELS; l++)
        t->bandwidth[l] = (struct roof){NAN, NULL};
    return t;
}

int roofs_from_run(const struct sl_run *run, struct roof_set *out)
{
    memset(out, 0, sizeof *out);
    out->run = run;
    if (!roofs_is_ceilings(run))
        return sl_fail("roofs: %s is a record of %s, not of ceilings", run->run_id,
                       run->config.kernel ? run->config.kernel : "no workload");
    out->teams = calloc(run->n_results + 1, sizeof *out->teams);
    if (!out->teams)
        return sl_fail("out of memory");
    for (size_t i = 0; i < run->n_results; i++) {
        const struct sl_result *r = &run->results[i];
        bool valid = r->validated && r->validation.valid;
        if (r->status != SL_STATUS_OK || r->reps == 0 || !valid || !sized_per_level(run, r->size))
            continue;
        struct roofs probe;
        bool bandwidth;
        if (!roof_of(&probe, r->variant, &bandwidth))
            continue;
        double value = bandwidth ? r->d.gbytes_per_s.value : r->d.gflops.value;
        if (!isfinite(value) || value <= 0)
            continue;
        struct roof *roof = roof_of(team_of(out, r->threads), r->variant, &bandwidth);
        if (!(roof->value >= value))
            *roof = (struct roof){value, r->variant};
    }
    return 0;
}

void roofs_free(struct roof_set *s)
{
    free(s->teams);
    memset(s, 0, sizeof *s);
}

const struct roofs *roofs_at(const struct roof_set *s, int threads)
{
    for (int i = 0; s && i < s->n_teams; i++)
        if (s->teams[i].threads == threads)
            return &s->teams[i];
    return NULL;
}

int roofs_bound(const struct roofs *r, double intensity, double gflops, struct roof_bound *out)
{
    static const char *const names[] = {"L1 roof", "L2 roof", "L3 roof", "DRAM roof"};
    double cap = r->fp32.value;
    bool any_level = false;
    for (int l = 0; l < ROOF_LEVELS; l++)
        any_level |= isfinite(r->bandwidth[l].value);
    struct roof_bound best = {.name = NULL, .attainable = NAN};
    struct roof_bound highest = best;
    /* l == -1: the peak alone, the only roof when no level is measured. */
    for (int l = any_level ? 0 : -1; l < ROOF_LEVELS; l++) {
        double slope = l < 0 ? NAN : r->bandwidth[l].value * intensity;
        if (l >= 0 && !isfinite(slope))
            continue;
        bool capped = isfinite(cap) && !(slope < cap);
        double roof = capped ? cap : slope;
        if (!isfinite(roof))
            continue;
        struct roof_bound b = {capped ? "fp32 peak" : names[l], roof, gflops / roof, NAN};
        if (roof >= gflops && !(best.attainable <= roof))
            best = b;
        if (!(highest.attainable >= roof))
            highest = b;
    }
    if (!highest.name)
        return -1;
    *out = best.name ? best : highest;
    out->fp64_fraction = gflops / r->fp64.value;
    return 0;
}
