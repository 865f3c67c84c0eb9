/* Published speedup claims (SPEC section 3) as data, and their verdicts.
 *
 * claims/claims.json holds each claim: where it comes from, the figure as
 * published, the workload, and the checks that decide it, each naming the
 * measurements it compares (variant, schedule, threads, size).  claims.c
 * loads and validates that file; claims_verdict.c judges a claim against
 * runs of the result model (measured now, or read from records);
 * cli_claims.c runs what is missing and prints the table.
 * The format is documented in claims/README.md. */
#ifndef SL_CLAIMS_H
#define SL_CLAIMS_H

#include "kit/sl.h"
#include "results/model.h"

#include <jansson.h>
#include <stdbool.h>

#define CLAIM_MAX_CHECKS 4
#define CLAIM_MAX_OTHERS 4

enum claim_check_kind {
    CHECK_SPEEDUP,         /* T(baseline) / T(candidate) against an expectation */
    CHECK_EFFICIENCY,      /* the same, divided by candidate threads / baseline threads */
    CHECK_IMBALANCE_LOWER, /* candidate's load imbalance lower, and candidate faster */
    CHECK_FEWER_MISSES,    /* candidate has fewer simulated misses per unit of work */
    CHECK_INVALID,         /* candidate's result fails validation */
    CHECK_FASTEST,         /* candidate not confidently slower than any of `others` */
    CHECK_AFFINITY,        /* under a k-CPU affinity mask: sees k CPUs, runs k threads */
};

enum claim_expect { EXPECT_BAND, EXPECT_AT_LEAST, EXPECT_AT_MOST };

/* How a measurement's thread count is chosen on this machine. */
enum claim_threads {
    THREADS_EXACT, /* exactly `value`; beyond the allowed CPUs it cannot be measured */
    THREADS_P,     /* the claim's count: min(threads_needed, allowed CPUs) */
    THREADS_CPUS,  /* value x allowed CPUs: oversubscribed on purpose when value >= 2 */
};

struct claim_probe {
    const struct sl_variant *variant;
    enum sl_schedule schedule;
    enum claim_threads threads_kind;
    int threads_value;
    const char *size; /* as written (preset or dims); the claim's size when absent */
    bool sim;         /* needs --counters sim */
    bool may_be_invalid; /* the invalid check's own measurement; any other invalid
                            result is no evidence of speed */
};

struct claim_check {
    enum claim_check_kind kind;
    bool required; /* false: not applicable here does not decide the claim */
    struct claim_probe baseline, candidate;
    struct claim_probe others[CLAIM_MAX_OTHERS];
    int n_others;
    enum claim_expect expect;
    double value, tolerance; /* band: [value/(1+tol), value*(1+tol)] */
    const char *counter;     /* fewer_misses: d1_misses, ll_misses or instructions */
    int affinity_cpus;       /* affinity: k */
};

/* A variant that stands for a peer's code (the forum's numba loops): what
 * it stands for and how its time compares with the peer's, stated once in
 * the claims file and named by every claim that measures the variant. */
struct claim_analogue {
    const struct sl_workload *workload;
    const struct sl_variant *variant;
    const char *stands_for, *versus_peer;
};

#define CLAIM_MAX_ANALOGUES 8

/* Strings point into the loaded JSON (struct claim_set.root). */
struct claim {
    const char *id;
    const char *source, *source_figure, *explanation;
    const struct sl_workload *workload;
    const char *size;
    const char *published_size; /* the size of the published figure; NULL: not stated */
    int threads_needed;  /* threads (or workers) of the published figure */
    int threads_minimum; /* fewest at which the checks still mean the claim */
    const char *not_applicable; /* never measured here: why */
    const char *python_only;    /* a Python-only effect; what is measured instead */
    struct claim_check checks[CLAIM_MAX_CHECKS];
    int n_checks;
    /* The analogues among the variants its checks measure, in order. */
    const struct claim_analogue *analogues[CLAIM_MAX_ANALOGUES];
    int n_analogues;
};

struct claim_set {
    json_t *root;
    struct claim *claims;
    size_t n;
    struct claim_analogue *analogues;
    size_t n_analogues;
};

/* Loads and validates a claims file: 0, or -1 with sl_error() = one line
 * naming the file, the claim and the field. */
int claims_load(const char *path, struct claim_set *set);
/* The same from a JSON text; `name` stands for the file in messages. */
int claims_parse(const char *text, const char *name, struct claim_set *set);
void claims_free(struct claim_set *set);
const struct claim *claims_find(const struct claim_set *set, const char *id);

/* The size a claim's measurements are taken at unless a probe has its own;
 * `quick` replaces every size with the workload's 'tiny' preset (tests). */
const char *claim_size(const struct claim *c, bool quick);
/* The size a probe is measured at: its own, else the claim's. */
const char *claim_probe_size(const struct claim *c, const struct claim_probe *p, bool quick);
/* The thread count a probe is measured at with `allowed` CPUs; 0 when it
 * cannot be measured without faking (an exact count beyond them). */
int claim_probe_threads(const struct claim *c, const struct claim_probe *p, int allowed);

const char *claim_check_kind_name(enum claim_check_kind k);

/* Inconclusive: measured, but the intervals do not decide (a check's
 * interval straddles an edge of its band, or there is none); no check says
 * no. */
enum claim_verdict_kind {
    VERDICT_REPRODUCED,
    VERDICT_NOT_REPRODUCED,
    VERDICT_INCONCLUSIVE,
    VERDICT_NOT_APPLICABLE,
    VERDICT_KINDS
};
const char *claim_verdict_name(enum claim_verdict_kind v);

struct claim_verdict {
    enum claim_verdict_kind verdict;
    double measured, measured_lo, measured_hi; /* NAN: unavailable, why below */
    char measured_why[200], ci_why[200];
    char measured_text[600];
    char regime[400]; /* the size measured (rows of a row sample) against the published one */
    char reason[2400];
};

/* What the judge sees: the runs measured (or the records given), the CPUs
 * the measurements were allowed, and why an affinity child could not run. */
struct claims_context {
    const struct sl_run *runs;
    size_t n_runs;
    int allowed_cpus;
    const char *affinity_unavailable; /* NULL, or the reason */
    bool quick;
};

void claims_judge(const struct claim *c, const struct claims_context *ctx, struct claim_verdict *out);
/* The entry of a record's top-level `claims` array (results/SCHEMA.md); its
 * strings are c's and v's. */
void claims_verdict_entry(const struct claim *c, const struct claim_verdict *v,
                          struct sl_claim_entry *out);

#endif
