#!/usr/bin/env bash
# Noise, interleaving and stopping through the command line: every result's
# noise is counted (numbers, their source named) or says why not, and its
# verdict follows its repetitions; the kernel's software events are counted
# or unavailable with the reason; interleaved rounds are seeded
# permutations that give every measurement its repetitions and validate
# each one on its own output; result lines reach a pipe while the run goes
# on; a first SIGINT stops after the
# current repetition and says so, a second one at once, leaving a record of
# what finished and no temporary.  No timing is asserted.
# Usage: noise_test.sh SPEEDLAB
set -u
speedlab=$1
T=$(mktemp -d /tmp/speedlab-noise-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
failures=0
total=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { total=$((total + 1)); if ! eval "$1"; then fail "$2"; fi; }
# run STATUS NAME ARGS...: speedlab run ARGS --record $T/NAME.json, expecting STATUS
run() {
    local want=$1 name=$2
    shift 2
    "$speedlab" run "$@" --record "$T/$name.json" >"$T/$name.out" 2>"$T/$name.err"
    local got=$?
    check "[ $got = $want ]" "run $*: exit $got, expected $want: $(tail -2 "$T/$name.err")"
}
# wait_for FILE PATTERN: until a line of FILE matches (at most 120 s)
wait_for() {
    for _ in $(seq 1200); do grep -Eq "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}

# ---- noise: counted, consistent, or unavailable with a reason ----------------------
SPEEDLAB_TEST_NOISE_CV=0.5 run 0 counted pairsum --size tiny --variants reduction,partials_padded \
    --schedules static --threads 1,2 --oversubscribe --reps 6
# Counted: the source named, each repetition's counts whole numbers >= 0 (or
# migrations null with the reason beside), on_cpu a number, and disturbed exactly
# when the rule says; the verdict and disturbed_reps agree with the flags.
consistent='[.results[] | .noise as $n | .reps as $reps |
    ($n | type == "object") and ($n.source | type == "string" and length > 0) and
    ($n.per_rep | length) == $reps and ($n.workers | length) == .threads and
    ([$n.per_rep[] | (.context_switches | type == "number" and . >= 0 and . == floor) and
        (.involuntary_switches <= .context_switches) and (.page_faults >= 0) and
        (.on_cpu | type == "number") and
        (if .migrations == null then .unavailable.migrations | length > 0 else .migrations >= 0 end) and
        .disturbed == ((.involuntary_switches > 0) or ((.migrations | type) == "number" and .migrations > 0)
                       or .on_cpu < $n.on_cpu_threshold
                       or .late_start_s > ([0.0001, 0.05 * .wall_s] | max))] | all) and
    $n.disturbed_reps == ([$n.per_rep[] | select(.disturbed)] | length) and
    (if $n.disturbed_reps == 0 then $n.verdict == "quiet"
     else ($n.verdict | startswith("disturbed: \($n.disturbed_reps) of \($reps) repetitions")) end) and
    ([$n.workers[] | (.task_clock_s | length) == $reps and (.busy_s | all(. >= 0))] | all) and
    (if ($n.steal | type) == "object" then $n.steal.seconds >= 0 and $n.steal.cpu_seconds > 0
     else $n.steal == null and ($n.unavailable.steal | length > 0) end)] | all'
check "jq -e '$consistent' '$T/counted.json' >/dev/null" "noise counted and consistent with its rule"
check "jq -e '.config.noise == \"on\" and .config.interleave == true' '$T/counted.json' >/dev/null" \
    "config records noise and interleaving"
check "grep -Eq ' (quiet|[0-9]+/6)  yes' '$T/counted.out' && grep -q '(noise counted per worker thread' '$T/counted.out'" \
    "console: a noise column and the source, once"
check "! grep -q '^warning' '$T/counted.out' && grep -q '^warning: noisy machine' '$T/counted.err'" \
    "warnings go to stderr, not stdout"

run 0 off pairsum --size tiny --variants reduction --schedules static --threads 1 --reps 2 --noise off
check "jq -e '.config.noise == \"off\" and .results[0].noise == null and .results[0].unavailable.noise == \"--noise off\"' '$T/off.json' >/dev/null" \
    "--noise off: said in the record"

# The kernel's software events through PAPI: counted (numbers >= 0) or
# unavailable with the reason, never 0 in their place.
run 0 os pairsum --size tiny --variants reduction --schedules static --threads 1 --reps 2 \
    --counters os,perf::CONTEXT-SWITCHES
check "jq -e '[.results[0].counters.events[] | .name] == [\"perf::CONTEXT-SWITCHES\", \"perf::CPU-MIGRATIONS\", \"perf::PAGE-FAULTS\", \"perf::TASK-CLOCK\"]' '$T/os.json' >/dev/null" \
    "--counters os: the four software events, a native name taken once"
check "jq -e '[.results[0].counters.events[] | if .status == \"unavailable\" then (.reason | length > 0) and .per_unit == null and (.unavailable.per_unit | length > 0) else (.per_worker | all(. >= 0)) end] | all' '$T/os.json' >/dev/null" \
    "software events counted or unavailable with a reason"
for bad in nope 'PAPI_NOPE x'; do
    total=$((total + 1))
    "$speedlab" run pairsum --size tiny --counters "$bad" --record "$T/bad.json" >"$T/bad.out" 2>"$T/bad.err"
    st=$?
    if [ $st != 2 ] || [ "$(grep -c '^speedlab: error: --counters' "$T/bad.err")" != 1 ] || [ -e "$T/bad.json" ]; then
        fail "--counters '$bad': exit $st, wanted 2 and one usage line: $(cat "$T/bad.err")"
    fi
done

# ---- interleaving ------------------------------------------------------------------
interleaved() {
    run 0 "$1" pairsum --size tiny --variants reduction,partials_padded --schedules static,guided \
        --threads 1,2 --oversubscribe --reps 5 --seed "$2"
}
interleaved seed42 42
interleaved again42 42
interleaved seed43 43
positions() { jq -c '[.results[] | .round_positions]' "$1"; }
# Round i of a size holds repetition i of every measurement: their places
# are a permutation of 0..n-1.
permutations='[.results | length as $n | range(0; 5) as $i | [.[].round_positions[$i]] | sort == [range(0; $n)]] | all'
check "jq -e '($permutations) and (.results | length) == 8 and ([.results[].reps] | all(. == 5))' '$T/seed42.json' >/dev/null" \
    "every round a permutation, every measurement its 5 repetitions"
check "[ \"\$(positions '$T/seed42.json')\" = \"\$(positions '$T/again42.json')\" ]" "the same seed, the same order"
check "[ \"\$(positions '$T/seed42.json')\" != \"\$(positions '$T/seed43.json')\" ]" "another seed, another order"
check "jq -e '[.results[] | [.variant, .schedule, .threads]] == [[\"reduction\",\"static\",1],[\"reduction\",\"static\",2],[\"reduction\",\"guided\",1],[\"reduction\",\"guided\",2],[\"partials_padded\",\"static\",1],[\"partials_padded\",\"static\",2],[\"partials_padded\",\"guided\",1],[\"partials_padded\",\"guided\",2]]' '$T/seed42.json' >/dev/null" \
    "results in the order of a run without interleaving"
run 0 one pairsum --size tiny --variants reduction,partials_padded --schedules static --threads 1 \
    --reps 3 --no-interleave
check "jq -e '.config.interleave == false and ([.results[] | has(\"round_positions\")] | any | not)' '$T/one.json' >/dev/null" \
    "--no-interleave: no rounds"
total=$((total + 1))
"$speedlab" run pairsum --size tiny --interleave --no-interleave >"$T/both.out" 2>"$T/both.err"
st=$?
[ $st = 2 ] && grep -q 'exclusive' "$T/both.err" || fail "--interleave --no-interleave: exit $st"
# Each measurement validated on its own output, right after its last
# repetition: spoiling one result's output spoils only that result.
SPEEDLAB_TEST_CORRUPT_OUTPUT=pairsum/partials_padded/static/t2 run 3 corrupt pairsum --size tiny \
    --variants reduction,partials_padded --schedules static --threads 1,2 --oversubscribe --reps 3
check "jq -e '[.results[] | .valid] == [true, true, true, false]' '$T/corrupt.json' >/dev/null" \
    "only the spoiled result is invalid: $(jq -c '[.results[].valid]' "$T/corrupt.json")"

# ---- a pipe sees each line when it is said -----------------------------------------
# The first size's result line arrives while the second size (one
# repetition of minutes: 10^10 samples, each drawn inside a critical
# section) still runs.
mkfifo "$T/pipe"
"$speedlab" run montecarlo --sizes 100000,10000000000 --variants shared_generator --threads 1 \
    --warmup 0 --reps 3 --record "$T/piped.json" >"$T/pipe" 2>"$T/piped.err" &
pid=$!
pids+=("$pid")
exec 3<"$T/pipe"
seen=0
while IFS= read -r -t 120 line <&3; do
    case "$line" in montecarlo/shared_generator/static/t1*) seen=1; break ;; esac
done
check "[ $seen = 1 ] && kill -0 $pid 2>/dev/null" "a result line reaches the pipe while the run goes on"

# ---- Ctrl-C twice ------------------------------------------------------------------------
# Once the second size is set up (its line said) and its repetition of
# minutes has begun: the first signal gives the message, and the run goes
# on with its current repetition; the second: exit 130 at once, the
# finished result's record kept, no temporary left beside it.
while IFS= read -r -t 600 line <&3; do
    case "$line" in "montecarlo 10000000000 "*) break ;; esac
done
sleep 1
kill -INT $pid
check "wait_for '$T/piped.err' '^stopping after the current repetition \\((about [0-9]+ s; )?Ctrl-C again to stop now\\)$'" \
    "first SIGINT: $(tail -1 "$T/piped.err")"
check "kill -0 $pid 2>/dev/null" "first SIGINT: the run goes on with its repetition"
kill -INT $pid
wait $pid
st=$?
exec 3<&-
check "[ $st = 130 ]" "second SIGINT: exit $st, wanted 130"
check "jq -e '.complete == false and (.results | length) == 1 and .results[0].status == \"ok\" and .results[0].size == \"100000\"' '$T/piped.json' >/dev/null" \
    "second SIGINT: the record keeps the finished result"
check "\"$speedlab\" export --format bmf '$T/piped.json' -o '$T/piped.bmf' 2>/dev/null" "the record loads"
check "[ -z \"\$(find '$T' -name '*.tmp.*')\" ]" "no temporary left: $(find "$T" -name '*.tmp.*')"

# One SIGINT during repetitions: the estimate of the current one, then the
# run ends by itself with the repetitions it took.
"$speedlab" run pairsum --size 2000 --variants reduction --schedules static --threads 1 \
    --max-reps 100000 --budget 86400 --record "$T/once.json" >"$T/once.out" 2>"$T/once.err" &
pid=$!
pids+=("$pid")
wait_for "$T/once.out" '^result '
sleep 2
kill -INT $pid
wait $pid
st=$?
check "[ $st = 130 ] && grep -Eq '^stopping after the current repetition \\(about [0-9]+ s; Ctrl-C again to stop now\\)$' '$T/once.err'" \
    "one SIGINT: exit $st, $(tail -1 "$T/once.err")"
check "jq -e '.results[0].status == \"interrupted\" and .results[0].reps >= 1' '$T/once.json' >/dev/null" \
    "one SIGINT: the repetitions taken are kept"

echo "$((total - failures)) passed, $failures failed"
[ "$failures" = 0 ]
