#!/usr/bin/env bash
# The record codec and the reporters end to end.  Records the command line
# writes (several workloads; skipped, failed, invalid and interrupted
# results; counters, simulated caches, the sparse output, MPI ranks where
# they can run) are read into the result model and written again byte for
# byte; every committed record loads and is a fixed point; Bencher Metric
# Format has its published shape and the record's own figures; `run
# --FORMAT` writes what `export --format FORMAT` makes of the record; the
# reader refuses bad numbers with one line naming the field.
# Usage: record_test.sh SPEEDLAB TEST_RECORD SOURCE_DIR [SANITIZERS]
set -u
speedlab=$1
test_record=$2
src=$3
sanitizers=${4:-}
T=$(mktemp -d /tmp/speedlab-record-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { total=$((total + 1)); if ! eval "$1"; then fail "$2"; fi; }
# run STATUS NAME ARGS...: speedlab run ... --record $T/NAME.json, expecting STATUS
run() {
    local want=$1 name=$2
    shift 2
    "$speedlab" run "$@" --record "$T/$name.json" >"$T/$name.out" 2>&1
    local got=$?
    check "[ $got = $want ]" "run $*: exit $got, expected $want: $(tail -2 "$T/$name.out")"
}
# refused ARGS...: exit 2 and exactly one "speedlab: error:" line naming the problem
refused() {
    local pattern=$1
    shift
    total=$((total + 1))
    "$speedlab" "$@" >"$T/refused.out" 2>"$T/refused.err"
    local got=$?
    if [ $got != 2 ] || [ "$(wc -l <"$T/refused.err")" != 1 ] ||
        ! grep -Eq "^speedlab: error: .*$pattern" "$T/refused.err"; then
        fail "speedlab $*: exit $got, wanted 2 and one line with /$pattern/: $(cat "$T/refused.err")"
    fi
}

# ---- records of every kind ---------------------------------------------------
run 0 counters cosine --size 20x30 --variants rowmajor_fused_branchfree,colmajor_naive \
    --schedules static --threads 1,2 --oversubscribe --reps 7 --counters cache,ipc \
    --bmf "$T/counters.bmf" --gbench "$T/counters.gb"
# Invalid on purpose (the test hook spoils the output) and a known defect.
SPEEDLAB_TEST_CORRUPT_OUTPUT=1 run 3 invalid pairsum --size tiny --variants reduction,race \
    --schedules static --threads 1 --reps 2 --bmf "$T/invalid.bmf"
# A measurement that cannot run as asked: an error result.
OMP_THREAD_LIMIT=1 run 1 error cosine --size 12x8 --variants rowmajor_fused_branchfree \
    --schedules static --threads 1,2 --oversubscribe --reps 1
# The sparse output: a variant the problem rules out, output facts, memory.
run 0 sparse cosine --size 50x40 --threshold 0.3 --memory-budget 64M \
    --variants colmajor_naive,invindex_scalar --schedules static,fusedindex --threads 1 \
    --reps 2 --output "$T/sparse.npz"
# Every schedule: stream's variants run under static alone, and the record
# lists that one (a variant the CPU cannot run is skipped only under the
# schedules it supports, as the sparse record's problem-ruled-out ones are).
run 0 stream stream --size tiny --variants triad --schedules all --threads 1 --reps 6
check "jq -e '.config.schedules == [\"static\"] and ([.results[].schedule] | unique) == [\"static\"]' '$T/stream.json' >/dev/null" \
    "stream: config.schedules and every result under static only"
run 0 cdist cdist --size tiny --variants naive --schedules static --threads 1 --reps 1
run 0 gaussmap gaussmap --size tiny --variants scalar --schedules static --threads 1 --reps 1 \
    --output "$T/image.png"
run 0 ragged ragged --sizes 10,33 --variants contiguous --schedules static --threads 1 --reps 1
if [ -z "$sanitizers" ] && command -v valgrind >/dev/null; then
    run 0 sim cosine --size 40x100 --variants rowmajor_fused_branchfree --schedules static \
        --threads 1 --reps 1 --warmup 0 --counters sim
fi
if [ -z "$sanitizers" ] && command -v mpirun >/dev/null &&
    ! jq -e '.config.mpi.library | startswith("none")' "$T/stream.json" >/dev/null; then
    total=$((total + 1))
    mpirun --allow-run-as-root --oversubscribe -np 2 "$speedlab" run cosine --size 200x100 \
        --threshold 0.3 --threads 1 --reps 2 --record "$T/mpi.json" >"$T/mpi.out" 2>&1 ||
        fail "2 MPI ranks: $(tail -2 "$T/mpi.out")"
fi
# Interrupted: SIGINT once the measurement has begun (its table's header is
# out), long before its 100000 repetitions are done.
"$speedlab" run pairsum --size tiny --variants reduction --schedules static --threads 1 \
    --max-reps 100000 --budget 86400 --record "$T/interrupted.json" >"$T/interrupted.out" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q '^result ' "$T/interrupted.out" && break; sleep 0.1; done
sleep 0.5
kill -INT $pid
wait $pid
st=$?
check "[ $st = 130 ] && jq -e '.complete == false and .results[0].status == \"interrupted\"' '$T/interrupted.json' >/dev/null" \
    "interrupted run: exit $st and an interrupted result"

# build.blas as the process had it at the last write: OpenBLAS starts only
# for a BLAS variant (colmajor_naive's sdot), then says what it is or why not.
not_loaded='OpenBLAS not loaded: no BLAS variant ran'
check "jq -e '.build.blas == \"$not_loaded\"' '$T/stream.json' >/dev/null" "no BLAS variant ran: build.blas"
check "jq -e '.build.blas != \"$not_loaded\" and (.results | any(.variant == \"colmajor_naive\"))' '$T/counters.json' >/dev/null" \
    "a BLAS variant ran: build.blas says what OpenBLAS is, or why it could not start"

# ---- read back and written again ---------------------------------------------------
records=$(ls "$T"/*.json)
total=$((total + 1))
"$test_record" --roundtrip $records >"$T/roundtrip.out" 2>&1 ||
    { fail "round trip:"; cat "$T/roundtrip.out"; }
committed=$(find "$src/results" "$src/tests/fixtures" -name '*.json' ! -name claims.json)
total=$((total + 1))
"$test_record" --fixpoint $committed >"$T/fixpoint.out" 2>&1 ||
    { fail "committed records:"; cat "$T/fixpoint.out"; }

# ---- the rule for numbers that are not there (SCHEMA.md) ------------------------------
# Over every result of the records above (skipped, failed, invalid,
# interrupted, counted and not), and over every committed record (older
# schemas included) once read and written again; and the checker finds a
# breach of each kind in a spoilt copy.
mkdir "$T/rewritten"
total=$((total + 1))
"$test_record" --rewrite "$T/rewritten" $committed >"$T/rewrite.out" 2>&1 ||
    { fail "committed records written again:"; cat "$T/rewrite.out"; }
jq -r -f "$src/tests/record_schema.jq" $records "$T"/rewritten/*.json >"$T/rule.out" 2>&1
rule_status=$?
check "[ $rule_status = 0 ] && [ ! -s '$T/rule.out' ] && [ \$(ls '$T/rewritten' | wc -l) -ge 10 ]" \
    "the rule for absent numbers: $(head -5 "$T/rule.out")"
check "jq -e '[.results[] | select(.status == \"skipped\") | .reps == 0 and (has(\"median_s\") | not)]
              | length > 0 and all' '$T/sparse.json' >/dev/null" "a skipped result: reps 0, no figures"
check "jq -e '.results[0] | .ci95_s == null and (.unavailable.ci95_s | type) == \"string\"' '$T/cdist.json' >/dev/null" \
    "an interval not measured: null, its reason in unavailable"
jq '.results[0].median_s = "unavailable (x)" | .results[0].unavailable.gflops = "y"
    | .results[0].cv = null' "$T/stream.json" >"$T/spoilt.json"
check "[ \$(jq -r -f '$src/tests/record_schema.jq' '$T/spoilt.json' | wc -l) = 3 ]" \
    "the rule's checker finds each breach"

# ---- Bencher Metric Format --------------------------------------------------------------
# The published JSON schema (bencher.dev/bmf.json): an object of benchmarks,
# each an object of measures, each with a number `value` and optional number
# bounds, nothing else; names within Bencher's lengths.
shape='type == "object" and length > 0 and ([to_entries[] | (.key | length) <= 1024 and
       (.value | type == "object" and length > 0) and ([.value | to_entries[] | (.key | length) <= 64 and
       (.value | type == "object" and (.value | type) == "number" and ((keys - ["value", "lower_value", "upper_value"]) == [])
        and (has("lower_value") == has("upper_value"))
        and (if has("lower_value") then (.lower_value | type) == "number" and .lower_value <= .value and .value <= .upper_value else true end))] | all)] | all)'
check "jq -e '$shape' '$T/counters.bmf' >/dev/null" "counters.bmf: not of the published shape"
# Every result that ran and validated, with the record's figures; no other.
close='def close(a; b): (a - b | fabs) <= 1e-12 * (b | fabs);'
expect='[.results[] | select(.status == "ok" and .valid != false)
         | {key: "\(.kernel)/\(.variant)/\(.schedule)/size:\(.size)/threads:\(.threads)", value: .}] | from_entries'
for name in counters invalid; do
    check "jq -e --slurpfile bmf '$T/$name.bmf' '$close ($expect) as \$want | \$bmf[0] as \$got
        | (\$got | keys) == (\$want | keys) and ([\$want | to_entries[] | .value as \$r | \$got[.key] as \$m
          | close(\$m.latency.value; \$r.median_s * 1e9) and close(\$m.throughput.value; \$r.units_per_s)
          and close(\$m[\$r.figure_of_merit.unit].value; \$r.figure_of_merit.value)
          and (if (\$r.ci95_s | type) == \"array\" then close(\$m.latency.lower_value; \$r.ci95_s[0] * 1e9)
               and close(\$m.latency.upper_value; \$r.ci95_s[1] * 1e9)
               and close(\$m.throughput.lower_value; \$r.work.units / \$r.ci95_s[1])
               else (\$m.latency | has(\"lower_value\") | not) end)] | all)' '$T/$name.json' >/dev/null" \
        "$name.bmf: benchmarks or figures differ from the record's"
done
check "[ \"\$(cat '$T/invalid.bmf')\" = '{}' ]" "invalid.bmf: results that failed validation are left out"
check "jq -e '(.[\"cosine/rowmajor_fused_branchfree/static/size:20x30/threads:2\"] | keys) == [\"Mpair/s\", \"latency\", \"throughput\"]' '$T/counters.bmf' >/dev/null" \
    "counters.bmf: latency, throughput and the figure of merit"
# From memory during the run, or from the record afterwards: the same bytes.
for format in bmf gbench; do
    ext=$format; [ $format = gbench ] && ext=gb
    "$speedlab" export --format $format "$T/counters.json" -o "$T/exported.$ext" 2>"$T/export.err"
    check "cmp -s '$T/counters.$ext' '$T/exported.$ext'" "run --$format and export --format $format differ"
done
"$speedlab" export --format bmf "$T/counters.json" "$T/stream.json" "$T/ragged.json" >"$T/several.bmf" 2>"$T/export.err"
check "[ \"\$(jq length '$T/several.bmf')\" = 7 ] && jq -e '$shape' '$T/several.bmf' >/dev/null" "three records, one BMF document"
refused 'comes twice' export --format bmf "$T/counters.json" "$T/counters.json" -o "$T/twice.bmf"
check "[ ! -e '$T/twice.bmf' ]" "a refused export writes nothing"
refused 'comes twice' export --format bmf "$T/counters.json" "$T/counters.json"
check "[ ! -s '$T/refused.out' ]" "a refused export prints nothing on stdout"
refused "unknown --format 'nope' \(there are csv, gbench, bmf\)" export --format nope "$T/counters.json"
check "'$speedlab' export --help | grep -q ' bmf: Bencher Metric Format' && '$speedlab' run --help | grep -q -- '--bmf FILE'" "--help names the formats"

# ---- bad numbers are refused, one line naming the field ------------------------------------
bad() { jq "$2" "$T/stream.json" >"$T/bad-$1.json"; }
bad string '.results[0].times_s[0] = "0.001"'
bad null '.results[0].times_s[0] = null'
bad negative '.results[0].times_s[0] = -0.001'
bad zero '.results[0].times_s[0] = 0'
sed '0,/"times_s": \[/{s/"times_s": \[/"times_s": [NaN, /}' "$T/stream.json" >"$T/bad-nan.json"
bad units '.results[0].work.units = "many"'
for kind in string null negative zero; do
    refused "results\[0\]\.times_s\[0\]" export --format gbench "$T/bad-$kind.json"
    refused "results\[0\]\.times_s\[0\]" compare "$T/stream.json" "$T/bad-$kind.json"
done
refused 'not JSON' export --format bmf "$T/bad-nan.json"
refused 'not JSON' compare "$T/bad-nan.json" "$T/stream.json"
refused "results\[0\]\.work\.units: must be a number, not a string" export --format bmf "$T/bad-units.json"

echo "$((total - failures)) of $total passed"
[ "$failures" = 0 ]
