/* Claims: the claims file is validated with one clear line per mistake, and
 * verdicts follow the documented rules on synthetic records (written here,
 * deterministically, never timed). */
#include "check.h"

#include "analysis/claims.h"
#include "results/record.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- claims file validation ---- */

/* A valid file with one claim; `claim` replaces the claim object. */
static int parse_claim_text(const char *claim, struct claim_set *set)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"schema\": \"speedlab-claims\", \"schema_version\": 1, \"claims\": [%s]}", claim);
    return claims_parse(text, "test.json", set);
}

#define HEAD                                                                                      \
    "\"id\": \"X1\", \"source\": \"s\", \"source_figure\": \"2x\", \"explanation\": \"e\", "
#define PROBE(v, s, t) "{\"variant\": \"" v "\", \"schedule\": \"" s "\", \"threads\": " t "}"
#define SPEEDUP_CHECK(extra)                                                                      \
    "{\"kind\": \"speedup\", \"baseline\": " PROBE("colmajor_fused_branchfree", "static", "1")        \
    ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1") extra "}"
#define GOOD_CLAIM                                                                                \
    "{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, \"checks\": [" \
    SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 2.7, \"tolerance\": 0.5") "]}"

static void expect_error(const char *claim, const char *needle)
{
    struct claim_set set;
    int rc = parse_claim_text(claim, &set);
    CHECK(rc != 0, "accepted a bad claim (wanted error with '%s')", needle);
    if (rc == 0) {
        claims_free(&set);
        return;
    }
    const char *msg = sl_error();
    CHECK(strstr(msg, needle) != NULL, "error '%s' lacks '%s'", msg, needle);
    CHECK(strchr(msg, '\n') == NULL, "error is not one line: %s", msg);
}

/* A valid claim under a file whose "analogues" is `analogues`. */
static void expect_analogue_error(const char *analogues, const char *needle)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"schema\": \"speedlab-claims\", \"schema_version\": 1, \"analogues\": %s, "
             "\"claims\": [%s]}",
             analogues, GOOD_CLAIM);
    struct claim_set set;
    int rc = claims_parse(text, "test.json", &set);
    CHECK(rc != 0, "accepted bad analogues (wanted error with '%s')", needle);
    if (rc == 0) {
        claims_free(&set);
        return;
    }
    CHECK(strstr(sl_error(), needle) != NULL, "error '%s' lacks '%s'", sl_error(), needle);
    CHECK(strchr(sl_error(), '\n') == NULL, "error is not one line: %s", sl_error());
}

/* The shipped claims of the forum thread: measured at the forum's n and d
 * (5800 x 1000, rows sampled), F1-F5 each on a pair of variants of its own,
 * and every forum loop they measure named with how it compares with numba. */
static void test_shipped_forum_claims(const struct claim_set *set)
{
    static const char *const forum[] = {"F1", "F2", "F3", "F4", "F5", "F6", "F7"};
    const struct claim *seen[5] = {0};
    for (size_t i = 0; i < sizeof forum / sizeof forum[0]; i++) {
        const struct claim *c = claims_find(set, forum[i]);
        if (!c) {
            CHECK(0, "claim %s missing", forum[i]);
            continue;
        }
        CHECK(strncmp(c->size, "5800x1000@rows=", 15) == 0, "%s measured at %s, not the forum's "
              "5800 x 1000", c->id, c->size);
        CHECK(c->n_analogues >= 1, "%s names no analogue", c->id);
        for (int k = 0; k < c->n_analogues; k++)
            CHECK(strstr(c->analogues[k]->versus_peer, "numba") != NULL,
                  "%s: %s says nothing of numba", c->id, c->analogues[k]->variant->name);
        if (i >= 5)
            continue;
        seen[i] = c;
        const struct claim_check *k = &c->checks[0];
        for (size_t j = 0; j < i; j++) {
            const struct claim_check *o = &seen[j]->checks[0];
            CHECK(!(k->baseline.variant == o->baseline.variant &&
                    k->candidate.variant == o->candidate.variant),
                  "%s and %s are judged from the same measurement (%s vs %s)", c->id,
                  seen[j]->id, k->baseline.variant->name, k->candidate.variant->name);
        }
    }
    const struct claim *f4 = claims_find(set, "F4"), *f5 = claims_find(set, "F5");
    CHECK(f4 && !f4->not_applicable && strcmp(f4->checks[0].baseline.variant->name,
                                              "rowmajor_dot_normalised") == 0 &&
              strcmp(f4->checks[0].candidate.variant->name, "rowmajor_dot_divided") == 0,
          "F4 compares normalising first with dividing the dot");
    CHECK(f5 && strcmp(f5->checks[0].baseline.variant->name, "rowmajor_fused_noskip") == 0 &&
              strcmp(f5->checks[0].candidate.variant->name, "rowmajor_fused") == 0,
          "F5 compares the fused loop without and with the ol == 0 skip");
}

static void test_validation(void)
{
    struct claim_set set;
    CHECK(parse_claim_text(GOOD_CLAIM, &set) == 0, "good claim refused: %s", sl_error());
    if (set.claims) {
        CHECK(set.n == 1 && strcmp(set.claims[0].id, "X1") == 0, "one claim X1");
        CHECK(set.claims[0].checks[0].kind == CHECK_SPEEDUP &&
                  set.claims[0].checks[0].expect == EXPECT_BAND &&
                  set.claims[0].checks[0].tolerance == 0.5 && set.claims[0].checks[0].required,
              "check parsed");
        CHECK(set.claims[0].threads_minimum == 1, "threads_minimum defaults to threads_needed");
    }
    claims_free(&set);

    expect_error("{" HEAD "\"workload\": \"cosines\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": []}",
                 "test.json: claim X1: workload: unknown workload 'cosines'");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [{\"kind\": \"speedup\", \"baseline\": " PROBE("nosuch", "static", "1")
                 ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1")
                 ", \"expect\": \"at_least\", \"value\": 1}]}",
                 "claim X1: checks[0].baseline.variant: unknown cosine variant 'nosuch'");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [{\"kind\": \"speedup\", \"baseline\": "
                 PROBE("colmajor_fused_branchfree", "sometimes", "1") ", \"candidate\": "
                 PROBE("rowmajor_fused_branchfree", "static", "1")
                 ", \"expect\": \"at_least\", \"value\": 1}]}",
                 "checks[0].baseline.schedule: unknown schedule 'sometimes'");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [{\"kind\": \"speedup\", \"baseline\": "
                 PROBE("blas3", "fusedindex", "1") ", \"candidate\": "
                 PROBE("rowmajor_fused_branchfree", "static", "1")
                 ", \"expect\": \"at_least\", \"value\": 1}]}",
                 "variant blas3 does not run under schedule fusedindex");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"checks\": []}",
                 "claim X1: threads_needed: missing");
    expect_error("{\"id\": \"X1\", \"source\": \"s\", \"explanation\": \"e\", \"workload\": "
                 "\"cosine\", \"size\": \"tiny\", \"threads_needed\": 1}",
                 "claim X1: source_figure: missing");
    expect_error("{\"source\": \"s\"}", "claim #1: id: missing");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 2.7, "
                                               "\"tolerance\": 0") "]}",
                 "claim X1: checks[0].tolerance: must be a number above 0");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 2.7, "
                                               "\"tolerance\": \"ten percent\"") "]}",
                 "checks[0].tolerance: must be a number");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 2.7") "]}",
                 "checks[0].tolerance: missing (a band needs one)");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"at_least\", \"value\": 2, "
                                               "\"tolerance\": 0.1") "]}",
                 "checks[0].tolerance: only a \"band\" has a tolerance");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"roughly\", \"value\": 2") "]}",
                 "checks[0].expect: must be \"band\", \"at_least\" or \"at_most\"");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"at_least\", \"value\": -2") "]}",
                 "checks[0].value: must be a positive number");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"at_least\", \"value\": 2, "
                                               "\"tolerence\": 0.1") "]}",
                 "checks[0].tolerence: unknown field");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 2, "
                 "\"checks\": [{\"kind\": \"invalid\", \"candidate\": "
                 PROBE("rowmajor_fused_branchfree", "static", "\"lots\"") "}]}",
                 "checks[0].candidate.threads: must be an integer, \"p\", \"cpus\"");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"huge\", \"threads_needed\": 1, "
                 "\"checks\": []}",
                 "claim X1: size:");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [{\"kind\": \"teleport\"}]}",
                 "checks[0].kind: unknown kind 'teleport'");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"threads_minimum\": 2, \"checks\": []}",
                 "claim X1: threads_minimum: must be an integer from 1 to 1");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [{\"kind\": \"fewer_misses\", \"counter\": \"d1_misses\", "
                 "\"baseline\": " PROBE("colmajor_fused_branchfree", "static", "1") ", \"candidate\": "
                 PROBE("rowmajor_fused_branchfree", "static", "1") "}]}",
                 "both measurements need \"counters\": \"sim\"");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 1.36, "
                                               "\"tolerance\": 0.5") "]}",
                 "checks[0].tolerance: the band 0.907-2.04 around a speedup of 1.36 includes 1");
    expect_error(GOOD_CLAIM ", " GOOD_CLAIM, "claim X1: id: duplicate (also claim #1)");
    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"required\": false, \"expect\": \"at_least\", "
                                               "\"value\": 2") "]}",
                 "claim X1: checks: at least one check must be required");

    expect_error("{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", "
                 "\"published_size\": \"5800x1000@cols=2\", \"threads_needed\": 1, "
                 "\"checks\": [" SPEEDUP_CHECK(", \"expect\": \"at_least\", \"value\": 1") "]}",
                 "claim X1: published_size: cosine: in '5800x1000@cols=2'");
    expect_analogue_error("[{\"workload\": \"cosine\", \"variant\": \"colmajor_nave\", "
                          "\"stands_for\": \"s\", \"versus_peer\": \"v\"}]",
                          "test.json: analogues[0]: variant: unknown cosine variant 'colmajor_nave'");
    expect_analogue_error("[{\"workload\": \"cosine\", \"variant\": \"colmajor_naive\", "
                          "\"stands_for\": \"s\"}]",
                          "analogues[0]: versus_peer: missing");
    expect_analogue_error("[{\"workload\": \"cosine\", \"variant\": \"colmajor_naive\", "
                          "\"stands_for\": \"s\", \"versus_peer\": \"v\", \"ratio\": 2}]",
                          "analogues[0]: ratio: unknown field");
    expect_analogue_error("[{\"workload\": \"cosine\", \"variant\": \"colmajor_naive\", "
                          "\"stands_for\": \"s\", \"versus_peer\": \"v\"}, "
                          "{\"workload\": \"cosine\", \"variant\": \"colmajor_naive\", "
                          "\"stands_for\": \"t\", \"versus_peer\": \"w\"}]",
                          "analogues[1]: variant: cosine/colmajor_naive: a second entry");
    expect_analogue_error("{}", "(file): analogues: must be an array");

    CHECK(claims_parse("{\"claims\": [", "broken.json", &set) != 0 &&
              strstr(sl_error(), "broken.json: not JSON") != NULL,
          "not JSON: %s", sl_error());
    CHECK(claims_parse("{\"schema\": \"speedlab-record\", \"schema_version\": 1, \"claims\": [1]}",
                       "rec.json", &set) != 0 &&
              strstr(sl_error(), "schema: must be \"speedlab-claims\"") != NULL,
          "wrong schema: %s", sl_error());

    /* The shipped file is valid and holds every claim of SPEC section 3. */
    CHECK(claims_load(SPEEDLAB_CLAIMS_FILE, &set) == 0, "claims/claims.json: %s", sl_error());
    static const char *const ids[] = {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "T1",
                                      "T2", "T3", "T4", "P1", "P2", "P3", "H1", "H2"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0] && set.claims; i++)
        CHECK(claims_find(&set, ids[i]) != NULL, "claim %s in claims/claims.json", ids[i]);
    CHECK(set.n == sizeof ids / sizeof ids[0], "%zu claims", set.n);
    if (set.claims)
        test_shipped_forum_claims(&set);
    claims_free(&set);
}

/* ---- verdicts on synthetic records ---- */

/* A result measured 7 times around `median` (spread relative, symmetric),
 * valid, with imbalance 1 and one unit of work. */
static struct sl_result *result(struct sl_run *run, const char *variant, const char *schedule,
                                int threads, double median, double spread)
{
    struct sl_result *r = sl_run_add_result(run);
    double *times = sl_run_alloc(run, 7, sizeof *times);
    CHECK(r && times, "out of memory");
    if (!r || !times)
        exit(1);
    for (int i = 0; i < 7; i++)
        times[i] = median * (1 + spread * (i - 3) / 3.0);
    *r = (struct sl_result){.kernel = run->config.kernel, .variant = variant,
                            .schedule = schedule, .threads = threads,
                            .size = run->problems[0].size, .status = SL_STATUS_OK, .reps = 7,
                            .times_s = times, .imbalance = 1.0, .validated = true,
                            .validation = {.valid = true}, .oversubscribed = threads > 2,
                            .work = {.units = 1}};
    return r;
}

/* A run of `kernel` at one size ("tiny" measured as `size`) on a machine
 * allowing `allowed` CPUs, made by `command`; its results come next. */
static void make_run(struct sl_run *run, const char *kernel, const char *size, int allowed,
                     const char *command)
{
    static const char *sizes[] = {"tiny"};
    sl_run_init(run);
    snprintf(run->run_id, sizeof run->run_id, "synthetic");
    run->command = command;
    run->complete = true;
    run->machine.pus_allowed = allowed;
    run->config.kernel = kernel;
    run->config.sizes = sizes;
    run->config.n_sizes = 1;
    struct sl_problem_info *p = sl_run_add_problem(run);
    CHECK(p != NULL, "out of memory");
    if (!p)
        exit(1);
    snprintf(p->size, sizeof p->size, "%s", size);
}

static const struct claim *claim_from(struct claim_set *set, const char *text)
{
    int rc = parse_claim_text(text, set);
    CHECK(rc == 0, "test claim refused: %s", sl_error());
    return rc == 0 ? &set->claims[0] : NULL;
}

static void judge(const char *claim_text, const struct sl_run *runs, size_t n, int allowed,
                  enum claim_verdict_kind want, const char *reason_part, const char *what)
{
    struct claim_set set;
    const struct claim *c = claim_from(&set, claim_text);
    if (!c)
        return;
    struct claims_context ctx = {runs, n, allowed, NULL, false};
    struct claim_verdict v;
    claims_judge(c, &ctx, &v);
    CHECK(v.verdict == want, "%s: verdict %s, wanted %s (reason: %s)", what,
          claim_verdict_name(v.verdict), claim_verdict_name(want), v.reason);
    CHECK(strstr(v.reason, reason_part) != NULL, "%s: reason '%s' lacks '%s'", what, v.reason,
          reason_part);
    struct sl_claim_entry entry;
    claims_verdict_entry(c, &v, &entry);
    json_t *j = record_claim_json(&entry);
    static const char *const fields[] = {"id", "source_figure", "measured", "measured_ci95",
                                         "measured_text", "verdict", "reason", "explanation",
                                         "workload"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        CHECK(json_object_get(j, fields[i]) != NULL, "%s: JSON lacks %s", what, fields[i]);
    const json_t *m = json_object_get(j, "measured");
    const json_t *why = json_object_get(json_object_get(j, "unavailable"), "measured");
    CHECK(json_is_number(m) || (json_is_null(m) && json_string_length(why) > 0),
          "%s: measured is a number, or null with its reason in unavailable", what);
    json_decref(j);
    claims_free(&set);
}

#define CLAIM(threads_needed, extra, checks)                                                      \
    "{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": " threads_needed  \
    extra ", \"checks\": [" checks "]}"

static void test_verdicts(void)
{
    struct sl_run recs[3];
    make_run(&recs[0], "cosine", "64x100", 2, "speedlab claims");
    /* colmajor 2.7 s, rowmajor 1.0 s: a 2.7x layout speedup, tight. */
    result(&recs[0], "colmajor_fused_branchfree", "static", 1, 2.7, 0.01);
    result(&recs[0], "rowmajor_fused_branchfree", "static", 1, 1.0, 0.01);
    /* naive 1.1 s vs fused 1.0 s, very noisy: straddles any edge near 1;
     * its imbalance higher (as if measured at 2 threads). */
    result(&recs[0], "rowmajor_naive", "static", 1, 1.1, 0.5)->imbalance = 1.2;
    /* Five repetitions only: no interval. */
    result(&recs[0], "rowmajor_fused", "static", 1, 2.0, 0.01)->reps = 5;
    /* static with imbalance 1.5 and slower than fusedindex at 2 threads. */
    result(&recs[0], "rowmajor_fused_avx2", "static", 2, 1.5, 0.01)->imbalance = 1.5;
    result(&recs[0], "rowmajor_fused_avx2", "fusedindex", 2, 1.0, 0.01);
    result(&recs[0], "rowmajor_fused_avx2", "guided", 2, 1.0, 0.01);
    result(&recs[0], "rowmajor_fused_avx2", "dynamic", 2, 0.5, 0.01);
    /* A validated race that lost updates, oversubscribed twice over. */
    result(&recs[0], "colmajor_naive", "static", 4, 1.0, 0.01)->validation.valid = false;
    sl_run_derive(&recs[0]);
    /* The layout pair with simulated caches: rowmajor misses less. */
    make_run(&recs[1], "cosine", "64x100", 2, "speedlab claims");
    struct sl_result *cs = result(&recs[1], "colmajor_fused_branchfree", "static", 1, 2.7, 0.01);
    struct sl_result *rs = result(&recs[1], "rowmajor_fused_branchfree", "static", 1, 1.0, 0.01);
    cs->simulated = rs->simulated = cs->sim.available = rs->sim.available = true;
    cs->sim.d1_misses = 9.0;
    rs->sim.d1_misses = 3.0;
    sl_run_derive(&recs[1]);

    const char *layout = SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 2.7, \"tolerance\": 0.5");
    judge(CLAIM("1", "", SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 2.7, \"tolerance\": 0.5")),
          recs, 1, 2, VERDICT_REPRODUCED, "within the band 1.8-4.05", "ratio inside the band");
    judge(CLAIM("1", "", SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 1.36, \"tolerance\": 0.25")),
          recs, 1, 2, VERDICT_NOT_REPRODUCED, "above the band", "ratio above the band");
    judge(CLAIM("1", "", SPEEDUP_CHECK(", \"expect\": \"at_least\", \"value\": 2")), recs, 1, 2,
          VERDICT_REPRODUCED, "at least 2, as published", "at least");
    judge(CLAIM("1", "", SPEEDUP_CHECK(", \"expect\": \"at_most\", \"value\": 1")), recs, 1, 2,
          VERDICT_NOT_REPRODUCED, "expected at most 1", "at most, confidently above");
    /* Straddling: naive vs fused, noisy: a verdict of its own. */
#define NOISY_CHECK(expect)                                                                        \
    "{\"kind\": \"speedup\", \"baseline\": " PROBE("rowmajor_naive", "static", "1")                 \
    ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1") ", " expect "}"
    judge(CLAIM("1", "", NOISY_CHECK("\"expect\": \"at_least\", \"value\": 1")), recs, 1, 2,
          VERDICT_INCONCLUSIVE, "speedup: inconclusive (CI 0.545-1.67 contains 1 (expected at least))",
          "straddling CI");
    judge(CLAIM("1", "", NOISY_CHECK("\"expect\": \"at_most\", \"value\": 1.67")), recs, 1, 2,
          VERDICT_REPRODUCED, "at most 1.67, as published", "interval ending on the bound");
    judge(CLAIM("1", "", NOISY_CHECK("\"expect\": \"band\", \"value\": 1.3, \"tolerance\": 0.15")),
          recs, 1, 2, VERDICT_INCONCLUSIVE, "straddles both edges of the band 1.13-",
          "interval wider than the band");
    judge(CLAIM("1", "", NOISY_CHECK("\"expect\": \"band\", \"value\": 2, \"tolerance\": 0.5")),
          recs, 1, 2, VERDICT_INCONCLUSIVE, "straddles the edge 1.33 of the band 1.33-3",
          "interval across the band's lower edge");
    /* A check that says no decides, whatever another leaves open. */
    char two[4096];
    snprintf(two, sizeof two, CLAIM("1", "", "%s, %s"),
             NOISY_CHECK("\"expect\": \"at_least\", \"value\": 1"),
             SPEEDUP_CHECK(", \"expect\": \"at_most\", \"value\": 1"));
    judge(two, recs, 1, 2, VERDICT_NOT_REPRODUCED, "speedup: inconclusive", "no beats inconclusive");
    /* Too few repetitions for an interval. */
    judge(CLAIM("1", "",
                "{\"kind\": \"speedup\", \"baseline\": " PROBE("rowmajor_fused", "static", "1")
                ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1")
                ", \"expect\": \"at_least\", \"value\": 1}"),
          recs, 1, 2, VERDICT_INCONCLUSIVE, "no 95% interval (each measurement needs 7 repetitions)",
          "too few repetitions");
    /* More threads than allowed: measured at what is allowed, not judged. */
    judge(CLAIM("4", "",
                "{\"kind\": \"speedup\", \"baseline\": " PROBE("rowmajor_fused_avx2", "static", "\"p\"")
                ", \"candidate\": " PROBE("rowmajor_fused_avx2", "fusedindex", "\"p\"")
                ", \"expect\": \"band\", \"value\": 1.5, \"tolerance\": 0.2}"),
          recs, 1, 2, VERDICT_NOT_APPLICABLE, "needs 4 threads and this process may use 2 CPUs: measured at 2",
          "threads beyond the allowed CPUs");
    /* An exact count beyond the allowed CPUs is never measured or faked. */
    judge(CLAIM("16", "",
                "{\"kind\": \"speedup\", \"baseline\": " PROBE("rowmajor_fused_avx2", "static", "8")
                ", \"candidate\": " PROBE("rowmajor_fused_avx2", "static", "16")
                ", \"expect\": \"at_most\", \"value\": 1.25}"),
          recs, 1, 2, VERDICT_NOT_APPLICABLE, "not measured (never faked)", "exact threads");
    /* Judged at fewer threads when the claim allows it. */
    judge(CLAIM("64", ", \"threads_minimum\": 2",
                "{\"kind\": \"imbalance_lower\", \"baseline\": " PROBE("rowmajor_fused_avx2", "static", "\"p\"")
                ", \"candidate\": " PROBE("rowmajor_fused_avx2", "fusedindex", "\"p\"") "}"),
          recs, 1, 2, VERDICT_REPRODUCED, "published with 64 threads; judged at 2", "imbalance lower");
    judge(CLAIM("64", ", \"threads_minimum\": 2",
                "{\"kind\": \"imbalance_lower\", \"baseline\": " PROBE("rowmajor_fused_avx2", "fusedindex", "\"p\"")
                ", \"candidate\": " PROBE("rowmajor_fused_avx2", "static", "\"p\"") "}"),
          recs, 1, 2, VERDICT_NOT_REPRODUCED, "not lower", "imbalance higher");
    judge(CLAIM("1", "",
                "{\"kind\": \"imbalance_lower\", \"baseline\": " PROBE("rowmajor_naive", "static", "1")
                ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1") "}"),
          recs, 1, 2, VERDICT_INCONCLUSIVE, "imbalance lower, time ratio CI 0.545-1.67 contains 1",
          "imbalance lower, times tied");
    /* Missing from the record. */
    judge(CLAIM("1", "",
                "{\"kind\": \"speedup\", \"baseline\": " PROBE("blas3", "static", "1")
                ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1")
                ", \"expect\": \"at_least\", \"value\": 1}"),
          recs, 1, 2, VERDICT_NOT_APPLICABLE, "the record lacks cosine/blas3/static/t1 at tiny",
          "absent measurement");
    judge(CLAIM("1", "", "{\"kind\": \"speedup\", \"baseline\": " PROBE("colmajor_fused_branchfree", "static", "1")
                ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1")
                ", \"expect\": \"at_least\", \"value\": 1}"),
          NULL, 0, 2, VERDICT_NOT_APPLICABLE, "no record of cosine", "no record");
    /* Properties. */
    judge(CLAIM("2", "", "{\"kind\": \"invalid\", \"candidate\": " PROBE("colmajor_naive", "static", "\"2xcpus\"") "}"),
          recs, 1, 2, VERDICT_REPRODUCED, "fails validation", "invalid result");
    judge(CLAIM("1", "", "{\"kind\": \"invalid\", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1") "}"),
          recs, 1, 2, VERDICT_NOT_REPRODUCED, "came out right", "valid result");
    judge(CLAIM("2", "", "{\"kind\": \"fastest\", \"candidate\": " PROBE("rowmajor_fused_avx2", "guided", "\"p\"")
                ", \"others\": [" PROBE("rowmajor_fused_avx2", "static", "\"p\"") "]}"),
          recs, 1, 2, VERDICT_REPRODUCED, "confidently the fastest", "guided fastest");
    judge(CLAIM("2", "", "{\"kind\": \"fastest\", \"candidate\": " PROBE("rowmajor_fused_avx2", "guided", "\"p\"")
                ", \"others\": [" PROBE("rowmajor_fused_avx2", "static", "\"p\"") ", "
                PROBE("rowmajor_fused_avx2", "dynamic", "\"p\"") "]}"),
          recs, 1, 2, VERDICT_NOT_REPRODUCED, "dynamic is confidently faster", "guided not fastest");
    /* T4's "fastest" on a tie: guided and fusedindex take the same time. */
    judge(CLAIM("2", "", "{\"kind\": \"fastest\", \"candidate\": " PROBE("rowmajor_fused_avx2", "guided", "\"p\"")
                ", \"others\": [" PROBE("rowmajor_fused_avx2", "static", "\"p\"") ", "
                PROBE("rowmajor_fused_avx2", "fusedindex", "\"p\"") "]}"),
          recs, 1, 2, VERDICT_INCONCLUSIVE,
          "fastest: inconclusive (fusedindex ties with guided within the CI: not confidently the fastest)",
          "guided tied with fusedindex");
    /* Simulated misses: decide when present, ignored when absent and not required. */
    const char *misses = "{\"kind\": \"fewer_misses\", \"required\": false, \"counter\": \"d1_misses\", "
                         "\"baseline\": {\"variant\": \"colmajor_fused_branchfree\", \"schedule\": \"static\", "
                         "\"threads\": 1, \"counters\": \"sim\"}, \"candidate\": {\"variant\": "
                         "\"rowmajor_fused_branchfree\", \"schedule\": \"static\", \"threads\": 1, "
                         "\"counters\": \"sim\"}}";
    char claim[4096];
    snprintf(claim, sizeof claim, CLAIM("1", "", "%s, %s"), layout, misses);
    judge(claim, recs, 2, 2, VERDICT_REPRODUCED, "fewer d1_misses (3x)", "fewer misses");
    judge(claim, recs, 1, 2, VERDICT_REPRODUCED, "[does not decide]", "misses absent, optional");
    /* A speed measured on a wrong result is no evidence. */
    judge(CLAIM("4", "", "{\"kind\": \"speedup\", \"baseline\": " PROBE("rowmajor_fused_branchfree", "static", "1")
                ", \"candidate\": " PROBE("colmajor_naive", "static", "4")
                ", \"expect\": \"at_least\", \"value\": 0.1}"),
          recs, 1, 4, VERDICT_NOT_APPLICABLE, "is invalid: its time is no evidence", "invalid speed");
    /* Python-only and not-applicable claims. */
    judge(CLAIM("1", ", \"python_only\": \"numpy temporaries\"", SPEEDUP_CHECK(", \"expect\": \"band\", \"value\": 2.7, \"tolerance\": 0.5")),
          recs, 1, 2, VERDICT_NOT_APPLICABLE, "Python-only effect; C analogue measured instead: numpy temporaries",
          "python only");
    judge("{" HEAD "\"workload\": \"cosine\", \"threads_needed\": 64, \"not_applicable\": \"needs streamed output\"}",
          recs, 1, 2, VERDICT_NOT_APPLICABLE, "needs streamed output", "not applicable claim");

    /* Affinity: a default-threads run under a 1-CPU mask. */
    make_run(&recs[2], "gaussmap", "64x40", 1, "speedlab run gaussmap --size tiny");
    result(&recs[2], "scalar", "static", 1, 1.0, 0.01);
    sl_run_derive(&recs[2]);
    const char *affinity = "{" HEAD "\"workload\": \"gaussmap\", \"size\": \"tiny\", "
                           "\"threads_needed\": 4, \"threads_minimum\": 1, "
                           "\"checks\": [{\"kind\": \"affinity\", \"cpus\": 1}]}";
    judge(affinity, &recs[2], 1, 2, VERDICT_REPRODUCED, "detected the mask", "affinity");
    judge(affinity, recs, 1, 2, VERDICT_NOT_APPLICABLE, "no record of a default-threads", "no masked run");
    for (int i = 0; i < 3; i++)
        sl_run_free(&recs[i]);

    /* Measured on disturbed repetitions: the reason says which and how. */
    struct sl_run noisy;
    make_run(&noisy, "cosine", "64x100", 2, "speedlab claims");
    result(&noisy, "colmajor_fused_branchfree", "static", 1, 2.7, 0.01);
    result(&noisy, "rowmajor_fused_branchfree", "static", 1, 1.0, 0.01);
    sl_run_derive(&noisy);
    noisy.results[1].d.noise.disturbed_reps = 4;
    snprintf(noisy.results[1].d.noise.verdict, sizeof noisy.results[1].d.noise.verdict,
             "disturbed: 4 of 7 repetitions, worker 0 switched out 9 times");
    snprintf(claim, sizeof claim, CLAIM("1", "", "%s"), layout);
    judge(claim, &noisy, 1, 2, VERDICT_REPRODUCED,
          "; measured on disturbed repetitions (other work took CPU time; the intervals "
          "carry it): cosine/rowmajor_fused_branchfree/static/t1 disturbed: 4 of 7 repetitions, "
          "worker 0 switched out 9 times",
          "disturbed repetitions");
    /* Two checks on the same measurements name it once. */
    snprintf(claim, sizeof claim, CLAIM("1", "", "%s, %s"), layout, layout);
    struct claim_set set;
    const struct claim *twice = claim_from(&set, claim);
    if (twice) {
        struct claims_context ctx = {&noisy, 1, 2, NULL, false};
        struct claim_verdict v;
        claims_judge(twice, &ctx, &v);
        const char *first = strstr(v.reason, "rowmajor_fused_branchfree/static/t1 disturbed");
        CHECK(first && !strstr(first + 1, "rowmajor_fused_branchfree/static/t1 disturbed"),
              "a disturbed measurement named once: %s", v.reason);
        CHECK(!strstr(v.reason, "colmajor_fused_branchfree/static/t1 disturbed"),
              "a quiet measurement is not named: %s", v.reason);
        claims_free(&set);
    }
    sl_run_free(&noisy);
}

/* A masked run whose avx512 variant was skipped (a CPU without AVX-512) is
 * a finished run: H1's affinity check judges it.  One that failed or was
 * interrupted, or measured nothing, is not. */
static void test_affinity_with_skipped_variant(void)
{
    const char *affinity = "{" HEAD "\"workload\": \"gaussmap\", \"size\": \"tiny\", "
                           "\"threads_needed\": 4, \"threads_minimum\": 1, "
                           "\"checks\": [{\"kind\": \"affinity\", \"cpus\": 1}]}";
    static const struct {
        enum sl_status scalar, avx512;
        enum claim_verdict_kind want;
        const char *reason, *what;
    } cases[] = {
        {SL_STATUS_OK, SL_STATUS_SKIPPED, VERDICT_REPRODUCED, "detected the mask",
         "a skipped variant is not an unfinished run"},
        {SL_STATUS_OK, SL_STATUS_ERROR, VERDICT_NOT_APPLICABLE, "did not finish every measurement",
         "a failed variant"},
        {SL_STATUS_OK, SL_STATUS_INTERRUPTED, VERDICT_NOT_APPLICABLE,
         "did not finish every measurement", "an interrupted run"},
        {SL_STATUS_SKIPPED, SL_STATUS_SKIPPED, VERDICT_NOT_APPLICABLE,
         "did not finish every measurement", "nothing measured"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sl_run run;
        make_run(&run, "gaussmap", "64x40", 1, "speedlab run gaussmap --size tiny");
        struct sl_result *scalar = result(&run, "scalar", "static", 1, 1.0, 0.01);
        struct sl_result *avx512 = result(&run, "avx512", "static", 1, 1.0, 0.01);
        struct sl_result *set[] = {scalar, avx512};
        enum sl_status status[] = {cases[i].scalar, cases[i].avx512};
        for (int k = 0; k < 2; k++)
            if (status[k] != SL_STATUS_OK) {
                set[k]->status = status[k];
                set[k]->reason = status[k] == SL_STATUS_SKIPPED ? "CPU lacks avx512f" : "failed";
                set[k]->reps = 0;
                set[k]->times_s = NULL;
            }
        sl_run_derive(&run);
        judge(affinity, &run, 1, 2, cases[i].want, cases[i].reason, cases[i].what);
        sl_run_free(&run);
    }
}

/* The verdict of the one claim of a whole claims file's text. */
static bool verdict_of(const char *file_text, const struct sl_run *runs, size_t n, bool quick,
                       struct claim_verdict *v)
{
    struct claim_set set;
    if (claims_parse(file_text, "test.json", &set) != 0) {
        CHECK(0, "test claims refused: %s", sl_error());
        return false;
    }
    struct claims_context ctx = {runs, n, 2, NULL, quick};
    claims_judge(&set.claims[0], &ctx, v);
    struct sl_claim_entry entry;
    claims_verdict_entry(&set.claims[0], v, &entry);
    json_t *j = record_claim_json(&entry);
    CHECK(json_is_string(json_object_get(j, "regime")) &&
              strcmp(json_string_value(json_object_get(j, "regime")), v->regime) == 0,
          "the record's claim entry carries the regime: %s", v->regime);
    json_decref(j);
    claims_free(&set);
    return true;
}

#define FILE_WITH(analogues, claim)                                                               \
    "{\"schema\": \"speedlab-claims\", \"schema_version\": 1, " analogues "\"claims\": [" claim   \
    "]}"
#define REGIME_CLAIM(size, extra)                                                                 \
    "{" HEAD "\"workload\": \"cosine\", \"size\": \"" size "\", " extra                          \
    "\"threads_needed\": 1, \"checks\": [{\"kind\": \"speedup\", \"baseline\": "                  \
    PROBE("colmajor_split", "static", "1") ", \"candidate\": " PROBE("rowmajor_split", "static", "1") \
    ", \"expect\": \"at_least\", \"value\": 1}]}"

static void expect_regime(const char *file_text, const struct sl_run *runs, size_t n, bool quick,
                          const char *want, const char *what)
{
    struct claim_verdict v;
    if (!verdict_of(file_text, runs, n, quick, &v))
        return;
    CHECK(strstr(v.regime, want) != NULL, "%s: regime '%s' lacks '%s'", what, v.regime, want);
}

/* Every verdict says the size it was measured at (the rows and pairs of a
 * row sample) and the size of the published figure; the reason names each
 * analogue measured and how it compares with its peer. */
static void test_regime(void)
{
    struct sl_run sampled, tiny;
    static const char *sampled_sizes[] = {"5800x1000@rows=32"};
    make_run(&sampled, "cosine", "5800x1000@rows=32", 2, "speedlab claims");
    sampled.config.sizes = sampled_sizes;
    struct sl_problem_info *p = &sampled.problems[0];
    static const struct {
        const char *key;
        double value;
    } params[] = {{"samples", 5800}, {"variables", 1000}, {"pairs", 92816},
                  {"sampled_rows", 32}, {"triangle_pairs", 16822900}};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        p->params[i].key = params[i].key;
        p->params[i].value = params[i].value;
    }
    p->n_params = (int)(sizeof params / sizeof params[0]);
    result(&sampled, "colmajor_split", "static", 1, 3.0, 0.01);
    result(&sampled, "rowmajor_split", "static", 1, 1.0, 0.01);
    sl_run_derive(&sampled);
    make_run(&tiny, "cosine", "64x100", 2, "speedlab claims --quick");
    result(&tiny, "colmajor_split", "static", 1, 1.2, 0.01);
    result(&tiny, "rowmajor_split", "static", 1, 1.0, 0.01);
    sl_run_derive(&tiny);

    expect_regime(FILE_WITH("", REGIME_CLAIM("5800x1000@rows=32", "\"published_size\": \"5800x1000\", ")),
                  &sampled, 1, false,
                  "measured at 5800x1000@rows=32: 32 of its 5800 rows, 92816 of 16822900 pairs "
                  "(0.55 %); the published n and d",
                  "a row sample at the published n and d");
    expect_regime(FILE_WITH("", REGIME_CLAIM("5800x1000@rows=32", "\"published_size\": \"580000x1000\", ")),
                  &sampled, 1, false, "(0.55 %); published at 580000x1000",
                  "a row sample smaller than published");
    expect_regime(FILE_WITH("", REGIME_CLAIM("5800x1000@rows=32", "")), &sampled, 1, false,
                  "; the published figure states no size", "no published size");
    expect_regime(FILE_WITH("", REGIME_CLAIM("tiny", "\"published_size\": \"64x100\", ")), &tiny, 1,
                  false, "measured at 64x100; the published size", "every pair of the published size");
    expect_regime(FILE_WITH("", REGIME_CLAIM("5800x1000@rows=32", "\"published_size\": \"5800x1000\", ")),
                  &tiny, 1, true,
                  "quick: measured at 64x100, the workload's tiny preset instead of the claim's "
                  "5800x1000@rows=32; published at 5800x1000: tests the machinery, not the claim",
                  "quick");
    expect_regime(FILE_WITH("", REGIME_CLAIM("5800x1000@rows=32", "\"published_size\": \"5800x1000\", ")),
                  &tiny, 1, false,
                  "nothing measured; its size is 5800x1000@rows=32 (no record of that size)",
                  "a size no record has");
    /* The size is in the record, but the claim's measurements are not (more
     * threads than allowed): it does not say it was measured. */
    expect_regime(FILE_WITH("", "{" HEAD "\"workload\": \"cosine\", \"size\": \"5800x1000@rows=32\", "
                                "\"threads_needed\": 16, \"checks\": [{\"kind\": \"speedup\", "
                                "\"baseline\": " PROBE("colmajor_split", "static", "8") ", \"candidate\": "
                                PROBE("colmajor_split", "static", "16") ", \"expect\": \"at_most\", "
                                "\"value\": 1.25}]}"),
                  &sampled, 1, false,
                  "nothing measured; its size is 5800x1000@rows=32: 32 of its 5800 rows, 92816 of "
                  "16822900 pairs (0.55 %); the published figure states no size",
                  "nothing measured at a sampled size");
    expect_regime(FILE_WITH("", "{" HEAD "\"workload\": \"cosine\", \"published_size\": \"580000x1000\", "
                                "\"threads_needed\": 64, \"not_applicable\": \"hours\"}"),
                  &sampled, 1, false, "not measured; published at 580000x1000", "not applicable");

    /* The analogues of the variants measured, each with its peer, once. */
    struct claim_verdict v;
    if (verdict_of(FILE_WITH("\"analogues\": [{\"workload\": \"cosine\", \"variant\": "
                             "\"rowmajor_split\", \"stands_for\": \"the forum's helper loops\", "
                             "\"versus_peer\": \"numba/C time 1.09\"}, {\"workload\": \"cosine\", "
                             "\"variant\": \"rowmajor_fused\", \"stands_for\": \"the fused loop\", "
                             "\"versus_peer\": \"numba/C time 1.53\"}], ",
                             REGIME_CLAIM("5800x1000@rows=32", "")),
                   &sampled, 1, false, &v)) {
        CHECK(strstr(v.reason, "; analogues: rowmajor_split stands for the forum's helper loops "
                               "(numba/C time 1.09)") != NULL,
              "the reason names the analogue measured: %s", v.reason);
        CHECK(strstr(v.reason, "rowmajor_fused") == NULL,
              "the reason names an analogue not measured: %s", v.reason);
    }
    sl_run_free(&sampled);
    sl_run_free(&tiny);
}

/* A claim entry as the record writes it: a number that is not there is null
 * with its reason beside; text stays text, even text that reads like the
 * version 1 marker. */
static void test_claim_json(void)
{
    struct sl_claim_entry entry = {.id = "X1",
                                   .source_figure = "2x",
                                   .measured = {NAN, "not run"},
                                   .measured_ci95 = {NAN, NAN, "not run"},
                                   .measured_text = "unavailable (not run)",
                                   .verdict = "not applicable",
                                   .reason = "needs 4 threads",
                                   .explanation = "a test claim",
                                   .workload = "stream"};
    json_t *j = record_claim_json(&entry);
    const json_t *why = json_object_get(j, "unavailable");
    CHECK(json_is_null(json_object_get(j, "measured")) &&
              json_is_null(json_object_get(j, "measured_ci95")) &&
              strcmp(json_string_value(json_object_get(why, "measured")), "not run") == 0 &&
              strcmp(json_string_value(json_object_get(why, "measured_ci95")), "not run") == 0,
          "absent numbers: null, their reasons in unavailable");
    CHECK(json_is_string(json_object_get(j, "measured_text")) &&
              strcmp(json_string_value(json_object_get(j, "measured_text")),
                     "unavailable (not run)") == 0,
          "measured_text stays text");
    json_decref(j);
}

int main(void)
{
    test_validation();
    test_verdicts();
    test_affinity_with_skipped_variant();
    test_regime();
    test_claim_json();
    return check_report("claims");
}
