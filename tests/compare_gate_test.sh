#!/usr/bin/env bash
# compare's gate (issue 17) on records edited with jq from one committed
# fixture.  The deterministic check: callgrind's counts per unit of work
# added to both sides, then grown, shrunk, made unavailable or simulated on
# other caches; the timings are the fixture's on both sides, so every
# verdict here is the counts'.  Then the builds' differences.
set -u
speedlab=$1
fixture=$2
T=$(mktemp -d /tmp/speedlab-det-XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

# simulated RESULT-FILTER-EDITS: the fixture, each result simulated with
# 1e6 instructions, 1e4 D1 and 100 LL misses per execution, then edited.
simulated() {
    jq "$1" <(jq '.results |= map(.simulated_cache = {
        backend: "valgrind callgrind (edited record)",
        geometry: {I1: {size_bytes: 32768, ways: 8, line_bytes: 64, note: null},
                   D1: {size_bytes: 49152, ways: 12, line_bytes: 64, note: null},
                   LL: {size_bytes: 1048576, ways: 16, line_bytes: 64, note: null}},
        status: "ok", reason: null, instructions: 1000000, data_refs: 300000,
        d1_misses: 10000, ll_misses: 100})' "$fixture")
}
red='.results |= map(if .variant == "reduction" then'
simulated . >"$T/base.json"
simulated '.' >"$T/same.json"
simulated "$red .simulated_cache.instructions *= 1.02 else . end)" >"$T/instr.json"
simulated "$red .simulated_cache.instructions *= 1.005 else . end)" >"$T/half.json"
simulated "$red .simulated_cache.d1_misses *= 0.9 else . end)" >"$T/fewer.json"
simulated "$red .simulated_cache.ll_misses *= 1.5 | .simulated_cache.d1_misses *= 0.5 else . end)" >"$T/mixed.json"
simulated '.results |= map(.simulated_cache.ll_misses = 0)' >"$T/zero.json"
simulated '.results[0].simulated_cache |= (.status = "unavailable" | .reason = "valgrind cannot be started"
    | del(.instructions, .data_refs, .d1_misses, .ll_misses))' >"$T/unavailable.json"
simulated '.results |= map(.simulated_cache.geometry.D1.size_bytes = 32768)' >"$T/othercache.json"

expect 0 'no regression \(deterministic\): 0 worse, 0 better, 4 same, 0 unavailable' compare "$T/base.json" "$T/same.json"
expect 0 'reduction/static/t1 .* 1\.0000 .* 1\.0000 .* 1\.0000 .* same' compare "$T/base.json" "$T/same.json"
# Timings identical, instructions 2 % up: a regression, with certainty.
expect 1 'reduction/static/t1 .* 1\.0200 .* WORSE instructions \+2\.00%' compare "$T/base.json" "$T/instr.json"
expect 1 'no regression: 0 slower.*' compare "$T/base.json" "$T/instr.json"
expect 1 'regression \(deterministic\): 2 worse, 0 better, 2 same' compare "$T/base.json" "$T/instr.json"
expect 1 '\*\*WORSE\*\* instructions \+2\.00%' compare "$T/base.json" "$T/instr.json" --format md
# Below the default 1 %, beyond a threshold of 0.4 %.
expect 0 'deterministic\): 0 worse, 0 better, 4 same' compare "$T/base.json" "$T/half.json"
expect 1 'WORSE instructions \+0\.50%' compare "$T/base.json" "$T/half.json" --sim-threshold 0.4
expect 0 'better D1 misses -10\.00%' compare "$T/base.json" "$T/fewer.json"
# A count worse and another better: worse decides.
expect 1 'WORSE LL misses \+50\.00%' compare "$T/base.json" "$T/mixed.json"
# From none to some is worse, from some to none better.
expect 1 'from 0 .* WORSE LL misses' compare "$T/zero.json" "$T/base.json"
expect 0 'better LL misses -100\.00%' compare "$T/base.json" "$T/zero.json"
expect 0 'unavailable \(simulation unavailable in NEW\)' compare "$T/base.json" "$T/unavailable.json"
expect 0 'deterministic\): 0 worse, 0 better, 3 same, 1 unavailable' compare "$T/base.json" "$T/unavailable.json"
expect 0 'unavailable \(simulated caches shaped differently\)' compare "$T/base.json" "$T/othercache.json"
expect 0 'unavailable \(not simulated \(run without --counters sim\) in BASE\)' compare "$fixture" "$T/base.json" --mode regression
# Neither side simulated: compare says nothing of it.
expect 0 'no regression: 0 slower' compare "$fixture" "$fixture"
check '! grep -q deterministic "$T/out"' "no deterministic table without simulated counts"
expect 2 '--sim-threshold \(percent\) must be a number' compare "$T/base.json" "$T/same.json" --sim-threshold x

# The builds' differences, named with both values; none for one build.
jq '.build.flags = "-O0 -fopenmp" | .build.build_type = "Debug"' "$fixture" >"$T/o0.json"
jq '.build.compiler = "Debian Clang 14.0.6" | .build.commit = "0123456789ab-dirty"' "$fixture" >"$T/clang.json"
jq '.build.inject_slowdown_pct = 5' "$fixture" >"$T/injected.json"
expect 0 "build: differs in flags \('-O3 -DNDEBUG -fopenmp' in BASE, '-O0 -fopenmp' in NEW\); build type \('Release' in BASE, 'Debug' in NEW\)$" compare "$fixture" "$T/o0.json"
expect 0 "build: differs in commit \('a29d73708ae7' in BASE, '0123456789ab-dirty' in NEW\); compiler \('gcc 12.2.0' in BASE, 'Debian Clang 14.0.6' in NEW\)$" compare "$fixture" "$T/clang.json"
expect 0 "build: differs in injected slowdown \(0% in BASE, 5% in NEW" compare "$fixture" "$T/injected.json"
expect 0 "build: differs in flags" compare "$fixture" "$T/o0.json" --mode hardware
expect 0 'no regression' compare "$fixture" "$fixture"
check '! grep -q "^build:" "$T/out"' "no build line for one build"

echo "$((total - failures)) of $total passed"
[ "$failures" = 0 ]
