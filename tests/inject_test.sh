#!/usr/bin/env bash
# -DSPEEDLAB_INJECT_SLOWDOWN=10: a second build of this source tree with
# the option slows every kernel execution by 10 % of its own cost.  Under
# simulation that is deterministic: its instructions are 10 % more than the
# plain build's (the pad's own few instructions aside), its simulated cache
# misses barely move, and its record's build block says 10; the plain
# build's record has no such key.  Then the deterministic gate end to end:
# compare, and scripts/regress --deterministic against a baseline of the
# plain build, pass the plain build and fail the slowed one.
set -u
speedlab=$1
src=$2
sanitizers=$3
build=$4
if [ -n "$sanitizers" ]; then
    echo "skipped in the $sanitizers build (valgrind cannot run sanitized binaries)"; exit 0
elif ! command -v valgrind >/dev/null; then
    echo "SKIP: valgrind not installed"; exit 77
fi
T=$(mktemp -d /tmp/speedlab-inject-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
check() { total=$((total + 1)); if ! eval "$1"; then echo "FAIL: $2"; failures=$((failures + 1)); fi; }

# The build folder is kept between runs, so only changed sources recompile.
if ! { cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSPEEDLAB_WERROR=ON \
           -DSPEEDLAB_INJECT_SLOWDOWN=10 -DBUILD_TESTING=OFF >"$T/configure.log" 2>&1 &&
       cmake --build "$build" --target speedlab -j2 >"$T/build.log" 2>&1; }; then
    echo "FAIL: the build with -DSPEEDLAB_INJECT_SLOWDOWN=10"; tail -20 "$T/configure.log" "$T/build.log"; exit 1
fi
slowed=$build/speedlab

sim() {
    "$1" run cosine --size 100x1000 --variants colmajor_naive,rowmajor_fused_branchfree \
        --schedules static --threads 1 --reps 2 --warmup 1 --counters sim --record "$2" >"$2.out" 2>&1
}
sim "$speedlab" "$T/plain.json"; rc=$?
check '[ $rc = 0 ]' "plain build runs with --counters sim"
sim "$slowed" "$T/slowed.json"; rc=$?
check '[ $rc = 0 ]' "slowed build runs with --counters sim: $(tail -3 "$T/slowed.json.out")"

check 'jq -e ".build | has(\"inject_slowdown_pct\") | not" "$T/plain.json" >/dev/null' "a plain record has no inject_slowdown_pct"
check 'jq -e ".build.inject_slowdown_pct == 10" "$T/slowed.json" >/dev/null' "the slowed record says 10"
check '"$slowed" version | grep -q "^injected    10 % slowdown"' "version names the injected slowdown"
check '! "$speedlab" version | grep -q "^injected"' "a plain version says nothing of it"

# Ratios of the slowed build's simulated counts to the plain one's, per variant.
ratio() {
    jq -n --slurpfile a "$T/plain.json" --slurpfile b "$T/slowed.json" --arg v "$1" --arg k "$2" '
        [$a[0], $b[0]] | map(.results[] | select(.variant == $v) | .simulated_cache[$k])
        | .[1] / .[0]'
}
for v in colmajor_naive rowmajor_fused_branchfree; do
    r=$(ratio $v instructions)
    check "jq -e -n \"$r >= 1.099 and $r <= 1.101\" >/dev/null" "$v: instructions grow by 10 % (ratio $r)"
    r=$(ratio $v d1_misses)
    check "jq -e -n \"$r >= 0.99 and $r <= 1.01\" >/dev/null" "$v: D1 misses stay (ratio $r)"
done
# The deterministic gate end to end: compare finds every result 10 % worse
# in instructions, with certainty.
"$speedlab" compare "$T/plain.json" "$T/slowed.json" >"$T/compare.out" 2>&1; rc=$?
check '[ $rc = 1 ]' "compare of plain and slowed exits 1 (got $rc)"
check 'grep -q "regression (deterministic): 2 worse, 0 better, 0 same" "$T/compare.out"' "compare: both results worse"
check '[ "$(grep -cE "WORSE instructions \+10\.0[0-9]%" "$T/compare.out")" = 2 ]' "compare: instructions +10 %"

# scripts/regress --deterministic: a baseline from the plain build, then the
# gate passes the plain build and fails the slowed one.
regress() { "$src/scripts/regress" --deterministic --baseline "$T/baseline" --speedlab "$@"; }
regress "$speedlab" --update --out "$T/update" >"$T/update.out" 2>&1; rc=$?
check '[ $rc = 0 ] && [ "$(ls "$T/baseline" | wc -l)" = 9 ]' "regress --deterministic --update writes 9 records (exit $rc): $(tail -2 "$T/update.out")"
regress "$speedlab" --out "$T/again" >"$T/again.out" 2>&1; rc=$?
check '[ $rc = 0 ] && grep -q "no regression (deterministic): 0 worse, 0 better, [0-9]* same, 0 unavailable" "$T/again.out"' "regress --deterministic passes the same build (exit $rc): $(grep deterministic "$T/again.out" | tail -1)"
regress "$slowed" --out "$T/slowed" >"$T/slowed.out" 2>&1; rc=$?
check '[ $rc = 1 ] && grep -q "regression (deterministic): [1-9][0-9]* worse, 0 better, 0 same, 0 unavailable" "$T/slowed.out"' "regress --deterministic fails the slowed build on every result (exit $rc): $(grep deterministic "$T/slowed.out" | tail -1)"
check 'grep -q "build: differs in .*injected slowdown (0% in BASE, 10% in NEW" "$T/slowed.out"' "the gate names the injected slowdown"

echo "$((total - failures))/$total checks passed"
[ "$failures" = 0 ]
