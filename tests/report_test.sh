#!/usr/bin/env bash
# The report's contents on records shaped for it: a table of contents naming
# every figure, the noise banner when a check warned or a result was
# disturbed (none on quiet records), the environment checks as one table per
# machine with every record's row, and a "best" that is never oversubscribed
# or disturbed, over every thread count.
set -u
speedlab=$1
fixtures=$2
T=${KEEP_T:-$(mktemp -d /tmp/speedlab-report-XXXXXX)}
[ -n "${KEEP_T:-}" ] || trap 'rm -rf "$T"' EXIT
failures=0 total=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { total=$((total + 1)); if ! eval "$1"; then fail "$2"; fi; }

# One pairsum record at 1, 2 and more threads than CPUs; the probe made to warn.
over=$(($(nproc) + 1))
SPEEDLAB_TEST_NOISE_CV=0.5 "$speedlab" run pairsum --size tiny --variants reduction \
    --schedules static --threads 1,2,$over --oversubscribe --reps 7 --record "$T/run.json" \
    >"$T/run.out" 2>&1 || { echo "FAIL: run: $(tail -3 "$T/run.out")"; exit 1; }
SPEEDLAB_TEST_NOISE_CV=0.5 "$speedlab" run stream --size tiny --variants triad --threads 1 --reps 2 --record "$T/stream.json" \
    >"$T/stream.out" 2>&1 || { echo "FAIL: run: $(tail -3 "$T/stream.out")"; exit 1; }

# Raw figures rewritten (speedlab derives the rest again): the oversubscribed
# result is the fastest, the 2-thread one next but disturbed (a worker
# switched out), the 1-thread one quiet and slowest.
quiet='.noise.workers |= map(.involuntary_switches |= map(0) | .context_switches |= map(0)
        | .start_delay_s |= map(0) | .task_clock_s = .busy_s
        | if (.migrations | type) == "array" then .migrations |= map(0) else . end)'
times() { echo ".times_s |= map($1) | .noise.per_rep |= map(.wall_s = $1)"; }
mkdir "$T/in"
jq ".results[0] |= ($quiet | $(times 0.01)) | .results[1] |= ($quiet | $(times 0.002)
    | .noise.workers[0].involuntary_switches |= map(3)) | .results[2] |= ($(times 0.0001))" \
    "$T/run.json" >"$T/in/p.json"
jq '.machine.hostname = "second-host"' "$T/stream.json" >"$T/in/s.json"
"$speedlab" plot "$T/in/p.json" "$T/in/s.json" --out "$T/out" >"$T/plot.out" 2>&1 ||
    fail "plot: $(tail -3 "$T/plot.out")"
report=$T/out/report.html

# Contents: a link to every section and to every figure drawn.
check "grep -q '<nav id=contents>' '$report'" "no table of contents"
for id in $(grep -o '<figure id="[^"]*"' "$report" | sed 's/.*id="//; s/"//') summary environment records; do
    check "grep -q 'href=\"#$id\"' '$report'" "the contents lack $id"
done
check "[ \$(grep -c '<figure id=' '$report') -ge 3 ]" "fewer than 3 figures drawn"

# The banner, before the contents: the disturbed results and the checks that warned.
check "grep -q '<div class=banner id=noise>' '$report' &&
       [ \$(grep -n 'id=noise' '$report' | head -1 | cut -d: -f1) -lt \$(grep -n 'id=contents' '$report' | cut -d: -f1) ]" \
    "no noise banner at the top"
check "grep -o '<div class=banner id=noise>.*</div>' '$report' | grep -q 'results counted for noise had disturbed' &&
       grep -o '<div class=banner id=noise>.*</div>' '$report' | grep -q 'noise_probe (2)'" \
    "the banner does not name the disturbed results and the probe's warnings"

# Best: the quiet 1-thread result, not the faster disturbed or oversubscribed ones.
check "grep -q '<tr><td>pairsum</td><td>500</td><td>reduction</td><td>static</td><td>1</td>' '$report'" \
    "best is not the quiet 1-thread result: $(grep -o '<tr><td>pairsum</td>.\{0,120\}' "$report")"
jq ".results[0] |= (.noise.workers[0].involuntary_switches |= map(3))" "$T/in/p.json" >"$T/in/p.json.tmp" &&
    mv "$T/in/p.json.tmp" "$T/in/p.json"
"$speedlab" plot "$T/in/p.json" --out "$T/none" >"$T/plot.out" 2>&1 || fail "plot: $(tail -3 "$T/plot.out")"
check "grep -q 'no valid result that was quiet and not oversubscribed (2 disturbed, 1 oversubscribed left out)' '$T/none/report.html'" \
    "every candidate left out: the summary does not say why"

# The checks: one table per machine, a row per record, values and warnings as text.
check "[ \$(grep -c '<h3>Checks on ' '$report') = 2 ] && grep -q '<h3>Checks on second-host ' '$report'" \
    "not one checks table per machine"
check "grep -q '<th>noise_probe</th>' '$report' && grep -q '<tr><td>pairsum</td><td>' '$report' &&
       grep -q '<tr><td>stream</td><td>' '$report' && ! grep -q '{&quot;value' '$report'" \
    "the checks table lacks a record's row or shows raw JSON"
check "grep -q 'noisy machine: a fixed spin loop varies by CV 50.0%' '$report'" "the probe's warning is not shown"

# Quiet records (no checks, no noise counted): no banner.
"$speedlab" plot "$fixtures/stream.json" --out "$T/quiet" >"$T/plot.out" 2>&1 || fail "plot: $(tail -3 "$T/plot.out")"
check "! grep -q 'id=noise' '$T/quiet/report.html' && grep -q '<nav id=contents>' '$T/quiet/report.html'" \
    "a banner on quiet records"

echo "$((total - failures)) of $total passed"
[ "$failures" = 0 ]
