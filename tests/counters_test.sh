#!/usr/bin/env bash
# Counters: every PAPI event is either counted (a number) or says why not
# (null with the reason in the record, "unavailable (reason)" in the CSV, never 0); the simulated
# cache backend gives identical counts twice and shows the column-major
# layout's misses.
set -u
speedlab=$1
sanitizers=${2:-}
T=$(mktemp -d /tmp/speedlab-ctr-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
check() { total=$((total + 1)); if ! eval "$1"; then echo "FAIL: $2"; failures=$((failures + 1)); fi; }

"$speedlab" run cosine --size 40x64 --variants rowmajor_fused_branchfree --schedules static \
    --threads 1,2 --oversubscribe --reps 2 --counters cache,ipc --record "$T/papi.json" >"$T/papi.out" 2>&1
rc=$?  # check() itself changes $?
check '[ $rc = 0 ]' "run with --counters cache,ipc"
check 'jq -e "[.results[].counters.events[]] | length == 10" "$T/papi.json" >/dev/null' "5 events x 2 results"
# Counted: a number per execution, per unit and per worker.  Not counted: the
# state, a reason, and null in place of every number, the same reason beside
# each (results/SCHEMA.md).
check 'jq -e "[.results[].counters.events[] |
        if .status == \"unavailable\" then
          (.reason | type == \"string\" and length > 0) and
          .per_unit == null and .per_execution == null and .per_worker == null and
          .unavailable.per_unit == .reason and .unavailable.per_worker == .reason
        else (.per_unit | type == \"number\") and (.per_worker | length > 0) end] | all" \
        "$T/papi.json" >/dev/null' "each event counted or unavailable with its reason"
check '! jq -e "[.results[].counters.events[] | select(.status == \"unavailable\") | .per_unit] | any(. == 0)" "$T/papi.json" >/dev/null' "no unavailable event written as 0"
check 'sed -n 2p "$T/papi.csv" | grep -q "PAPI_L1_DCM_per_unit,PAPI_L2_DCM_per_unit,PAPI_L3_TCM_per_unit,PAPI_TOT_CYC_per_unit,PAPI_TOT_INS_per_unit"' "CSV counter columns"
if jq -e '.results[0].counters.events[0].status == "unavailable"' "$T/papi.json" >/dev/null; then
    reason=$(jq -r '.results[0].counters.events[0].reason' "$T/papi.json")
    check 'grep -qF "unavailable ($reason)" "$T/papi.csv"' "CSV carries the reason"
    check 'grep -qE "^counter PAPI_L1_DCM +unavailable \(.+\)" "$T/papi.out"' "console says why"
fi

if [ -n "$sanitizers" ]; then
    echo "simulated-cache checks skipped in the $sanitizers build (valgrind cannot run sanitized binaries)"
elif ! command -v valgrind >/dev/null; then
    echo "SKIP: valgrind not installed"; exit 77
else
    sim() {
        "$speedlab" run cosine --size 100x1000 --variants colmajor_naive,rowmajor_fused_branchfree \
            --schedules static --threads 1 --reps 1 --warmup 0 --counters sim --record "$1" >"$1.out" 2>&1
    }
    sim "$T/sim1.json"; rc=$?; check '[ $rc = 0 ]' "run with --counters sim"
    sim "$T/sim2.json"
    d1() { jq -r ".results[] | select(.variant == \"$2\") | .simulated_cache.per_unit.d1_misses" "$1"; }
    counts() { jq -c '[.results[].simulated_cache | .instructions, .d1_misses, .ll_misses, .data_refs]' "$1"; }
    check 'jq -e "[.results[].simulated_cache.status] == [\"ok\", \"ok\"]" "$T/sim1.json" >/dev/null' "both variants simulated"
    check '[ "$(counts "$T/sim1.json")" = "$(counts "$T/sim2.json")" ]' "two runs give identical simulated counts: $(counts "$T/sim1.json") vs $(counts "$T/sim2.json")"
    col=$(d1 "$T/sim1.json" colmajor_naive); row=$(d1 "$T/sim1.json" rowmajor_fused_branchfree)
    echo "D1 misses per pair: colmajor_naive $col, rowmajor_fused_branchfree $row"
    check 'awk -v c="$col" -v r="$row" "BEGIN { exit !(r > 0 && c / r >= 4) }"' "colmajor naive has >= 4x the D1 misses per pair of rowmajor fused ($col vs $row)"
    check 'jq -e ".results[0].simulated_cache.geometry.D1.size_bytes > 0" "$T/sim1.json" >/dev/null' "geometry recorded"
    check 'grep -q "^simulated caches (callgrind, kernel only): I1" "$T/sim1.json.out"' "console names the geometry"
fi
echo "$((total - failures)) passed, $failures failed"
[ "$failures" = 0 ]
