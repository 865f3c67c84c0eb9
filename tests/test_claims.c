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

/* A result measured 7 times around `median` (spread relative, symmetric). */
static json_t *result(const char *kernel, const char *variant, const char *schedule, int threads,
                      const char *size, double median, double spread)
{
    json_t *times = json_array();
    for (int i = 0; i < 7; i++)
        json_array_append_new(times, json_real(median * (1 + spread * (i - 3) / 3.0)));
    char name[160];
    snprintf(name, sizeof name, "%s/%s/%s/t%d", kernel, variant, schedule, threads);
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:f, s:f, s:b, s:b, s:f}", "name",
                     name, "kernel", kernel, "variant", variant, "schedule", schedule, "threads",
                     threads, "size", size, "status", "ok", "times_s", times, "median_s", median,
                     "imbalance", 1.0, "valid", 1, "oversubscribed", threads > 2, "max_error", 0.0);
}

/* Writes a record of `results` (stolen) and loads it. */
static void make_record(const char *kernel, const char *size_name, const char *size, int allowed,
                        const char *command, json_t *results, struct loaded_record *rec)
{
    char path[] = "/tmp/speedlab-claims-test-XXXXXX";
    int fd = mkstemp(path);
    json_t *doc = json_pack(
        "{s:s, s:i, s:s, s:s, s:b, s:{s:s, s:{s:i}}, s:{s:s, s:[s]}, s:[{s:s}], s:o}", "schema",
        "speedlab-record", "schema_version", 1, "run_id", "synthetic", "command", command,
        "complete", 1, "machine", "hostname", "test", "allowed", "count", allowed, "config",
        "kernel", kernel, "sizes", size_name, "problems", "size", size, "results", results);
    FILE *fp = fdopen(fd, "w");
    json_dumpf(doc, fp, JSON_INDENT(1));
    fclose(fp);
    json_decref(doc);
    CHECK(record_load(path, rec) == 0, "synthetic record: %s", sl_error());
    unlink(path);
}

static const struct claim *claim_from(struct claim_set *set, const char *text)
{
    int rc = parse_claim_text(text, set);
    CHECK(rc == 0, "test claim refused: %s", sl_error());
    return rc == 0 ? &set->claims[0] : NULL;
}

static void judge(const char *claim_text, const struct loaded_record *recs, size_t n, int allowed,
                  enum claim_verdict_kind want, const char *reason_part, const char *what)
{
    struct claim_set set;
    const struct claim *c = claim_from(&set, claim_text);
    if (!c)
        return;
    struct claims_context ctx = {recs, n, allowed, NULL, false};
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
    CHECK(json_is_number(m) ||
              (json_is_string(m) && strncmp(json_string_value(m), "unavailable (", 13) == 0),
          "%s: measured is a number or 'unavailable (...)'", what);
    json_decref(j);
    claims_free(&set);
}

#define CLAIM(threads_needed, extra, checks)                                                      \
    "{" HEAD "\"workload\": \"cosine\", \"size\": \"tiny\", \"threads_needed\": " threads_needed  \
    extra ", \"checks\": [" checks "]}"

static void test_verdicts(void)
{
    struct loaded_record recs[3];
    json_t *results = json_array();
    /* colmajor 2.7 s, rowmajor 1.0 s: a 2.7x layout speedup, tight. */
    json_array_append_new(results, result("cosine", "colmajor_fused_branchfree", "static", 1, "64x100", 2.7, 0.01));
    json_array_append_new(results, result("cosine", "rowmajor_fused_branchfree", "static", 1, "64x100", 1.0, 0.01));
    /* naive 1.1 s vs fused 1.0 s, very noisy: straddles any edge near 1. */
    json_array_append_new(results, result("cosine", "rowmajor_naive", "static", 1, "64x100", 1.1, 0.5));
    /* static with imbalance 1.5 and slower than fusedindex at 2 threads. */
    json_t *st = result("cosine", "rowmajor_fused_avx2", "static", 2, "64x100", 1.5, 0.01);
    json_object_set_new(st, "imbalance", json_real(1.5));
    json_array_append_new(results, st);
    json_array_append_new(results, result("cosine", "rowmajor_fused_avx2", "fusedindex", 2, "64x100", 1.0, 0.01));
    json_array_append_new(results, result("cosine", "rowmajor_fused_avx2", "guided", 2, "64x100", 1.0, 0.01));
    json_array_append_new(results, result("cosine", "rowmajor_fused_avx2", "dynamic", 2, "64x100", 0.5, 0.01));
    /* The layout pair with simulated caches: rowmajor misses less. */
    json_t *cs = result("cosine", "colmajor_fused_branchfree", "static", 1, "64x100", 2.7, 0.01);
    json_t *rs = result("cosine", "rowmajor_fused_branchfree", "static", 1, "64x100", 1.0, 0.01);
    json_object_set_new(cs, "simulated_cache", json_pack("{s:{s:f}}", "per_unit", "d1_misses", 9.0));
    json_object_set_new(rs, "simulated_cache", json_pack("{s:{s:f}}", "per_unit", "d1_misses", 3.0));
    /* A validated race that lost updates, oversubscribed twice over. */
    json_t *race = result("cosine", "colmajor_naive", "static", 4, "64x100", 1.0, 0.01);
    json_object_set_new(race, "valid", json_false());
    json_array_append_new(results, race);
    make_record("cosine", "tiny", "64x100", 2, "speedlab claims", results, &recs[0]);
    json_t *sim = json_array();
    json_array_append_new(sim, cs);
    json_array_append_new(sim, rs);
    make_record("cosine", "tiny", "64x100", 2, "speedlab claims", sim, &recs[1]);

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
    json_t *masked = json_array();
    json_array_append_new(masked, result("gaussmap", "scalar", "static", 1, "64x40", 1.0, 0.01));
    make_record("gaussmap", "tiny", "64x40", 1, "speedlab run gaussmap --size tiny", masked, &recs[2]);
    const char *affinity = "{" HEAD "\"workload\": \"gaussmap\", \"size\": \"tiny\", "
                           "\"threads_needed\": 4, \"threads_minimum\": 1, "
                           "\"checks\": [{\"kind\": \"affinity\", \"cpus\": 1}]}";
    judge(affinity, &recs[2], 1, 2, VERDICT_REPRODUCED, "detected the mask", "affinity");
    judge(affinity, recs, 1, 2, VERDICT_NOT_APPLICABLE, "no record of a default-threads", "no masked run");
    for (int i = 0; i < 3; i++)
        record_unload(&recs[i]);
}

int main(void)
{
    test_validation();
    test_verdicts();
    return check_report("claims");
}
