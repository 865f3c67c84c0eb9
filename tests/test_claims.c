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
    /* naive 1.1 s vs fused 1.0 s, very noisy: straddles any edge near 1. */
    result(&recs[0], "rowmajor_naive", "static", 1, 1.1, 0.5);
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
          VERDICT_REPRODUCED, "above 2", "at least");
    judge(CLAIM("1", "", SPEEDUP_CHECK(", \"expect\": \"at_most\", \"value\": 1")), recs, 1, 2,
          VERDICT_NOT_REPRODUCED, "expected at most 1", "at most, confidently above");
    /* Straddling: naive vs fused, noisy; the verdict word stays 'not reproduced'. */
    judge(CLAIM("1", "",
                "{\"kind\": \"speedup\", \"baseline\": " PROBE("rowmajor_naive", "static", "1")
                ", \"candidate\": " PROBE("rowmajor_fused_branchfree", "static", "1")
                ", \"expect\": \"at_least\", \"value\": 1}"),
          recs, 1, 2, VERDICT_NOT_REPRODUCED, "inconclusive: CI", "straddling CI");
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
    test_claim_json();
    return check_report("claims");
}
