#!/usr/bin/env bash
# speedlab claims end to end at tiny sizes (--quick): the table, the verdict
# words, the claims array in the records and in claims.json, judging again
# from the records it wrote, and thread counts that are never faked.
set -u
speedlab=$1
sanitizers=${2:-}
T=$(mktemp -d /tmp/speedlab-claims-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
check() { total=$((total + 1)); if ! eval "$1"; then echo "FAIL: $2"; failures=$((failures + 1)); fi; }
one_error_line() { [ "$(wc -l < "$1")" = 1 ] && grep -q '^speedlab: error: ' "$1"; }

"$speedlab" claims --help >"$T/help" 2>&1
st=$?
check '[ $st = 0 ] && grep -q "exit status" "$T/help"' "claims --help"
"$speedlab" claims --list >"$T/list" 2>&1
st=$?
check '[ $st = 0 ]' "claims --list"
for id in F1 F2 F3 F4 F5 F6 F7 F8 T1 T2 T3 T4 P1 P2 P3 H1 H2; do
    check 'grep -q "^$id " "$T/list"' "--list shows $id"
done
"$speedlab" claims NOPE >"$T/out" 2>"$T/err"
st=$?
check '[ $st = 2 ] && one_error_line "$T/err" && grep -q "unknown claim .NOPE." "$T/err"' "unknown claim id"
"$speedlab" claims --budget -1 >"$T/out" 2>"$T/err"
st=$?
check '[ $st = 2 ] && one_error_line "$T/err"' "bad --budget"
sed 's/"id": "T2"/"id": "T1"/' "$(dirname "$0")/../claims/claims.json" > "$T/dup.json"
"$speedlab" claims --claims "$T/dup.json" --list >"$T/out" 2>"$T/err"
st=$?
check '[ $st = 2 ] && one_error_line "$T/err" && grep -q "claim T1: id: duplicate" "$T/err"' "duplicate id in a claims file"
sed 's/"variant": "race"/"variant": "racy"/' "$(dirname "$0")/../claims/claims.json" > "$T/bad.json"
"$speedlab" claims --claims "$T/bad.json" >"$T/out" 2>"$T/err"
st=$?
check '[ $st = 2 ] && one_error_line "$T/err" && grep -q "claim T1: checks\[0\].candidate.variant: unknown pairsum variant .racy." "$T/err"' "unknown variant in a claims file"
"$speedlab" claims --record /nonexistent.json >"$T/out" 2>"$T/err"
st=$?
check '[ $st = 2 ] && one_error_line "$T/err"' "unreadable --record"

# Measure a few claims: a layout ratio (with simulated misses where valgrind
# can run), imbalance, a deliberate race, oversubscription on purpose, an
# affinity mask, and a claim that is never applicable.
# Under ThreadSanitizer T1 is left out: its pairsum/race is a deliberate data race.
race=T1
case "$sanitizers" in *thread*) race= ;; esac
ids="F1 F6 F8 $race T2 P2 H1"
n_ids=$(echo $ids | wc -w)
ids_json=$(printf '"%s",' $ids); ids_json="[${ids_json%,}]"
"$speedlab" claims $ids --quick --out "$T/run" >"$T/run.out" 2>"$T/run.err"
st=$?
check '[ $st = 0 ]' "claims --quick exits 0 (got $st: $(head -3 "$T/run.err"))"
for id in $ids; do
    check 'grep -Eq "^$id +[a-z]+ +(reproduced|not reproduced|inconclusive|not applicable) " "$T/run.out"' "table row for $id"
done
check 'grep -Eq "^F8 .*not applicable" "$T/run.out" && grep -q "streamed sparse output in bounded memory" "$T/run.out"' "F8 not applicable with its reason"
if [ -n "$race" ]; then
    # A race loses updates only when the threads overlap, which a loaded
    # machine may not let them do at --quick sizes: the row must say which.
    check 'grep -Eq "pairsum/race/static/t[0-9]*: (invalid|valid)" "$T/run.out"' "T1 shows whether the race's result was valid"
fi
check 'grep -q "oversubscribed" "$T/run.out"' "P2 and H1 run oversubscribed on purpose"
if command -v taskset >/dev/null; then
    check 'grep -q "under a 1-CPU mask: saw 1 CPU, ran at most 1 thread" "$T/run.out"' "H1 under taskset sees 1 CPU and runs 1 thread"
fi
allowed=$(nproc)
if [ "$allowed" -lt 4 ]; then
    check 'grep -Eq "^T2 .*not applicable" "$T/run.out" && grep -q "needs 4 threads and this process may use $allowed CPUs: measured at $allowed" "$T/run.out"' "T2 not faked at 4 threads"
fi
sum=$T/run/claims.json
check 'jq -e ".claims | length == $n_ids" "$sum" >/dev/null' "claims.json holds $n_ids claims"
check 'jq -e "[.claims[] | has(\"id\") and has(\"source_figure\") and has(\"measured\") and has(\"measured_ci95\")
        and has(\"measured_text\") and has(\"verdict\") and has(\"reason\") and has(\"explanation\") and has(\"workload\")] | all" "$sum" >/dev/null' "every field of a claim entry"
check 'jq -e "[.claims[] | .verdict | IN(\"reproduced\", \"not reproduced\", \"inconclusive\", \"not applicable\")] | all" "$sum" >/dev/null' "verdicts are the four words"
check 'grep -Eq "^[0-9]+ reproduced, [0-9]+ not reproduced, [0-9]+ inconclusive, [0-9]+ not applicable$" "$T/run.out"' "the count of each verdict"
# The environment checks, as run does them: in every record measured, warnings on stderr.
for rec in "$T"/run/cosine.json "$T"/run/pairsum.json; do
    check 'jq -e ".environment.checks | has(\"noise_probe\") and has(\"load_average\") and has(\"governor\")" "$rec" >/dev/null' "$(basename "$rec") carries the environment checks"
done
check '! grep -q "^warning: " "$T/run.out"' "no environment warning on stdout"
# Each verdict states its regime: the size measured against the published one.
check '[ "$(grep -c "^      regime:   " "$T/run.out")" = "$n_ids" ]' "a regime line per claim"
check 'jq -e "[.claims[] | .regime | type == \"string\"] | all" "$sum" >/dev/null' "every claim entry carries its regime"
check 'grep -q "regime:   quick: measured at 64x100, the workload.s tiny preset instead of the claim.s 5800x1000@rows=[0-9]*; published at 5800x1000: tests the machinery" "$T/run.out"' "F1 says it was measured at tiny instead of the forum's size"
check 'grep -q "regime:   not measured; published at 580000x1000" "$T/run.out"' "F8 says what it would have been measured at"
check 'grep -q "analogues: colmajor_split stands for numba colmajor_split" "$T/run.out"' "F1 names its analogue and its numba peer"
check 'jq -e "[.claims[] | (.measured | type == \"number\") or (.measured == null and (.unavailable.measured | length > 0))] | all" "$sum" >/dev/null' "measured: a number, or null with its reason"
check 'jq -e "[.claims[] | .id] == $ids_json" "$sum" >/dev/null' "claims in the order asked"
check 'jq -e ".schema == \"speedlab-record\" and (.claims | map(.id) == [\"F1\",\"F6\",\"F8\"])" "$T/run/cosine.json" >/dev/null' "the cosine record carries its claims"
check 'jq -e "[.results[] | .kernel == \"pairsum\"] | all" "$T/run/pairsum.json" >/dev/null' "one record per workload"

# The same records judged again give the same verdicts; a workload without
# a record is not applicable.
"$speedlab" claims F6 T2 --quick --record "$T/run/cosine.json" --record "$T/run/pairsum.json" >"$T/re.out" 2>"$T/re.err"
st=$?
check '[ $st = 0 ]' "claims --record"
for id in F6 T2; do
    a=$(jq -r ".claims[] | select(.id == \"$id\") | .verdict" "$sum")
    check 'grep -Eq "^$id +[a-z]+ +$a " "$T/re.out"' "$id judged again from the record: $a"
done
check '[ ! -e "$T/re.out.json" ]' "nothing written without --out"
"$speedlab" claims F6 --quick --record "$T/run/pairsum.json" >"$T/re2.out" 2>&1
st=$?
check 'grep -Eq "^F6 .*not applicable" "$T/re2.out" && grep -q "no record of cosine" "$T/re2.out"' "claim without its record: not applicable"

# A noisy machine (the probe's outcome forced by the test hook): warned on
# stderr and recorded, as by run.
SPEEDLAB_TEST_NOISE_CV=0.5 "$speedlab" claims T4 --quick --out "$T/noisy" >"$T/noisy.out" 2>"$T/noisy.err"
st=$?
check '[ $st = 0 ] && grep -q "^warning: noisy machine: a fixed spin loop varies by CV 50.0%" "$T/noisy.err"' "claims: the noise warning on stderr"
check 'jq -e ".environment.checks.noise_probe.forced and .environment.checks.noise_probe.cv == 0.5" "$T/noisy/pairsum.json" >/dev/null' "claims: the noise probe in the record"

# Under a 1-CPU mask a claim that needs 2 threads is measured at 1 and not judged.
if command -v taskset >/dev/null; then
    taskset -c 0 "$speedlab" claims T4 --quick --out "$T/one" >"$T/one.out" 2>&1
st=$?
    check '[ $st = 0 ] && grep -Eq "^T4 .*not applicable" "$T/one.out" && grep -q "needs 2 threads and this process may use 1 CPUs" "$T/one.out"' "T4 under a 1-CPU mask: not applicable"
    check 'jq -e "[.results[].threads] | max == 1" "$T/one/pairsum.json" >/dev/null' "no more threads than the mask allows"
fi

echo "claims: $total checks, $failures failed"
[ "$failures" = 0 ]
