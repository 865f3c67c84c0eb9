#!/usr/bin/env bash
# Runs the command-line cases in a cases file against the speedlab binary,
# then checks the files the successful cases wrote.
set -u
speedlab=$1
cases=$2
T=$(mktemp -d /tmp/speedlab-cli-XXXXXX)
FIX=$T/fixtures
OUT=$T/out
mkdir -p "$FIX" "$OUT"
trap 'rm -rf "$T"' EXIT
failures=0
total=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# npy NAME DESCR SHAPE DATA_BYTES [BYTE]: a v1.0 .npy whose data bytes are all
# BYTE (octal; default 077: every float32 0.747, so every pair overlaps
# everywhere; 377 makes every float32 a NaN)
npy() {
    local dict="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
    local len=$(( ${#dict} + 1 ))
    { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((len % 256)))\\x$(printf %02x $((len / 256)))";
      printf '%s\n' "$dict"; head -c "$4" /dev/zero | tr '\0' "\\${5:-077}"; } > "$FIX/$1"
}
npy good.npy '<f4' '(9, 4)' 144
npy truncated.npy '<f4' '(9, 4)' 100
npy malformed.npy '<f4' '[9, 4]' 144
npy int64.npy '<i8' '(9, 4)' 288
npy rank1.npy '<f4' '(36,)' 144
npy rank3.npy '<f4' '(3, 3, 4)' 144
npy nan.npy '<f4' '(9, 4)' 144 377
echo "this is not numpy" > "$FIX/notnpy.npy"

while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    expected=$(echo "${line%%|*}" | xargs)
    rest=${line#*|}
    pattern=$(echo "${rest%%|*}" | sed 's/ *$//; s/^ *//')
    args=${rest#*|}
    args=${args//\$FIX/$FIX}
    args=${args//\$OUT/$OUT}
    args=${args//\$T/$T}
    total=$((total + 1))
    # shellcheck disable=SC2086
    "$speedlab" $args >"$T/stdout" 2>"$T/stderr"
    status=$?
    if [ "$status" != "$expected" ]; then
        fail "speedlab$args: exit $status, expected $expected"; sed 's/^/    /' "$T/stderr" | head -5
        continue
    fi
    if ! cat "$T/stdout" "$T/stderr" | grep -Eq -- "$pattern"; then
        fail "speedlab$args: output lacks /$pattern/"; cat "$T/stdout" "$T/stderr" | head -5 | sed 's/^/    /'
    fi
    if [ "$expected" != 0 ]; then
        # Bad input is refused before the environment probe; what only a
        # kernel's set-up can see (or a run with nothing measured) comes after
        # its warnings (stderr, not stdout, which is the results): besides
        # them, one line.
        lines=$(grep -cv '^warning: \|^environment: ' "$T/stderr")
        if [ "$lines" != 1 ] || ! grep -q '^speedlab: error: \|^Usage:' "$T/stderr"; then
            if [ -n "$args" ] || ! grep -q '^Usage:' "$T/stderr"; then
                fail "speedlab$args: stderr is not one error line:"; sed 's/^/    /' "$T/stderr" | head -5
            fi
        fi
        if [ -n "$(ls -A "$OUT")" ]; then
            fail "speedlab$args: left files behind: $(ls -A "$OUT")"; rm -rf "${OUT:?}"/* "$OUT"/.[!.]*
        fi
    fi
done < "$cases"

# The files written by the successful cases are what they claim to be.
check() { total=$((total + 1)); if ! eval "$1"; then fail "$2"; fi; }
check 'jq -e ".schema_version == 2 and .complete == true" "$T/ok.json" >/dev/null' "record header"
for field in kernel variant layout loops isa schedule threads size times_s median_s ci95_s cv \
             speedup efficiency imbalance cpus valid max_error status; do
    check "jq -e '.results[0] | has(\"$field\")' '$T/ok.json' >/dev/null" "record result lacks $field"
done
check 'jq -e ".machine | has(\"cpu_model\") and has(\"isa\") and has(\"caches\") and has(\"allowed\") and has(\"topology\")" "$T/ok.json" >/dev/null' "machine block"
check 'jq -e ".build | has(\"compiler\") and has(\"flags\") and has(\"commit\")" "$T/ok.json" >/dev/null' "build block"
check 'jq -e ".results[0].valid == true and (.results[0].times_s | length) == 2" "$T/ok.json" >/dev/null' "2 valid repetitions"
# Two repetitions cannot give a 95 % CI: it must say so, not print a number.
check 'jq -e ".results[0] | .ci95_s == null and (.unavailable.ci95_s | startswith(\"fewer than 6\"))" "$T/ok.json" >/dev/null' "CI unavailable is said"
check 'jq -e ".results[0].speedup == 1" "$T/ok.json" >/dev/null' "1-thread speedup is 1"
check 'jq -e ".results[0].cpus[0].cpu >= 0" "$T/ok.json" >/dev/null' "worker CPU recorded"
check 'jq -e "[.results[] | select(.status == \"skipped\") | .valid == null and .reps == 0] == [true, true]" "$T/rows.json" >/dev/null' "skipped result"
check '[ "$(head -1 "$T/ok.csv")" = "# speedlab-csv run_id=$(jq -r .run_id "$T/ok.json") results=1" ]' "csv names its record's run id and result count"
check 'sed -n 2p "$T/ok.csv" | grep -q "^kernel,variant,layout,loops,isa,algorithm,schedule,threads,size"' "csv header"
check '[ "$(wc -l < "$T/ok.csv")" = 3 ]' "csv has one result row"
check 'grep -q "unavailable (fewer than 6 repetitions)" "$T/ok.csv"' "csv says unavailable"
check '! ls -A "$T" | grep -q "\.tmp\."' "no temporary files left"
# The dense output: 9 x 9 float32 after a 128-byte header; lower triangle zero.
check '[ "$(stat -c %s "$T/s.npy")" = $((128 + 9 * 9 * 4)) ]' "output size"
check 'head -c 128 "$T/s.npy" | grep -aq "shape.: (9, 9)"' "output header"
# All-equal rows of 4 non-zeros: S = dot/qd/rd (1 - 1/4)^2 = 1 * 0.5625 = 0.5625 on and above the diagonal.
check '[ "$(od -v -An -tf4 -j 128 -N 36 "$T/s.npy" | xargs)" = "0.5625 0.5625 0.5625 0.5625 0.5625 0.5625 0.5625 0.5625 0.5625" ]' "first output row"
check '[ "$(od -v -An -tf4 -j $((128 + 9 * 4)) -N 8 "$T/s.npy" | xargs)" = "0 0.5625" ]' "lower triangle is zero"

# A row sample of 40x30: rows 5, 15, 25, 35, so 35 + 25 + 15 + 5 = 80 pairs,
# each measured, counted as work and validated; blocked tiles are skipped.
check 'jq -e ".problems[0].size == \"40x30@rows=4\" and .problems[0].parameters.sampled_rows == 4 and .problems[0].parameters.pairs == 80 and .problems[0].parameters.triangle_pairs == 820" "$T/rows.json" >/dev/null' "row sample: the problem says 80 pairs of 4 rows"
check 'jq -e "[.results[] | select(.variant == \"rowmajor_fused\") | .work.units == 80 and .validation.checked == 80 and .validation.total == 80 and .valid] == [true, true]" "$T/rows.json" >/dev/null' "row sample: 80 pairs of work, 80 validated"
check 'jq -e "[.results[] | select(.variant == \"blocked_avx2\") | .status == \"skipped\" and (.reason | test(\"row sample\"))] == [true, true]" "$T/rows.json" >/dev/null' "row sample: blocked tiles skipped with the reason"

# Every workload's record carries its figure of merit and stated validation.
check 'jq -e ".results[0].figure_of_merit.unit == \"GB/s\" and (.results[0].figure_of_merit.value > 0)" "$T/st.json" >/dev/null' "stream: GB/s figure of merit"
check 'jq -e "(.results | length) == 1 and .results[0].schedule == \"static\"" "$T/st.json" >/dev/null' "default schedules: only those the variant supports, no skipped rows"
check 'jq -e ".results[0].figure_of_merit.unit == \"GFLOP/s\" and .results[0].validation.method != null" "$T/c.json" >/dev/null' "cdist: GFLOP/s and a stated method"
check 'jq -e "[.results[].size] == [\"10\", \"33\"] and (.problems | length) == 2" "$T/rg.json" >/dev/null' "ragged: a --sizes sweep in one record"
check 'jq -e ".results[0].validation.method | test(\"standard errors\")" "$T/m.json" >/dev/null' "montecarlo: statistical validation stated"
check 'jq -e ".results[0].known_defect | test(\"data race\")" "$T/race.json" >/dev/null' "pairsum race: its known defect is recorded"
check '[ "$(head -c 8 "$T/bifurcation.png" | od -An -tx1 | xargs)" = "89 50 4e 47 0d 0a 1a 0a" ]' "gaussmap: a PNG image"
check '[ "$(head -n 3 "$T/bifurcation.pgm" | tr "\n" " ")" = "P5 33 20 255 " ]' "gaussmap: a 33 x 20 PGM image"

# A wrong result is invalid in every output and exits 3.  The test hook
# spoils the output the way a lost update would, so this is deterministic.
SPEEDLAB_TEST_CORRUPT_OUTPUT=1 "$speedlab" run pairsum --size tiny --variants reduction --schedules static \
    --threads 1 --reps 1 --record "$T/bad.json" >"$T/bad.out" 2>&1
bad_status=$?
check '[ $bad_status = 3 ] && grep -Eq "reduction/static/t1 .* INVALID$" "$T/bad.out" && grep -q "invalid: sum .*error" "$T/bad.out"' "invalid result: exit 3, INVALID and the error size on the console"
check 'jq -e ".results[0].valid == false and .results[0].invalid_expected == false and (.results[0].max_error > 0)" "$T/bad.json" >/dev/null' "invalid result: valid false and its error in the record"
check 'grep -q ",false," "$T/bad.csv"' "invalid result: false in the CSV"
# The same failure in the variant that is wrong on purpose is shown just as
# invalid, labelled, and does not fail the run.
SPEEDLAB_TEST_CORRUPT_OUTPUT=1 "$speedlab" run pairsum --size tiny --variants race --schedules static \
    --threads 1 --reps 1 --record "$T/race2.json" >"$T/race2.out" 2>&1
race_status=$?
check '[ $race_status = 0 ] && grep -q "INVALID (known defect)" "$T/race2.out" && grep -q "known defect, shown on purpose: deliberate data race" "$T/race2.out"' "known defect: labelled INVALID, exit 0"
check 'jq -e ".results[0].valid == false and .results[0].invalid_expected == true" "$T/race2.json" >/dev/null' "known defect: valid false, invalid_expected true"

# Bad input is refused before the environment checks (their noise probe and
# warnings, on stdout) and before any folder is made: in a fresh folder, with
# the default record path, one line on stderr and nothing else (issue 21).
mkdir "$T/fresh"
for bad in "--input /etc/hostname" "--input $FIX/nan.npy" "--variants rowmajor_fusd" "--size 0x1" \
           "--size 40x30@rows=4 --output x.npy"; do
    # shellcheck disable=SC2086
    (cd "$T/fresh" && "$speedlab" run cosine $bad >"$T/fresh.out" 2>"$T/fresh.err")
    fresh_status=$?
    check '[ $fresh_status = 2 ] && [ ! -s "$T/fresh.out" ] && [ "$(wc -l < "$T/fresh.err")" = 1 ] && [ -z "$(ls -A "$T/fresh")" ]' \
        "run cosine $bad: exit 2, one line on stderr, no probe output, no folder made (got $fresh_status: $(cat "$T/fresh.out" "$T/fresh.err"); $(ls -A "$T/fresh"))"
done
# A run that starts makes the default record's folder.
(cd "$T/fresh" && "$speedlab" run cosine --size 12x8 --variants rowmajor_fused_branchfree --schedules static \
    --threads 1 --reps 1 --quiet >/dev/null 2>&1)
check 'ls "$T/fresh/results/runs/"*-cosine-*.json >/dev/null 2>&1' "a run without --record writes results/runs/RUN-ID.json"
# A default record folder that cannot be made is refused before any work.
mkdir "$T/blocked" && touch "$T/blocked/results"
(cd "$T/blocked" && "$speedlab" run cosine --size 12x8 >"$T/blocked.out" 2>"$T/blocked.err")
blocked_status=$?
check '[ $blocked_status = 2 ] && [ ! -s "$T/blocked.out" ] && grep -q "'"'"'results'"'"' is not a folder" "$T/blocked.err"' "results/ a file: refused before any work"

# A size whose measurements need more than a minute is announced on stderr
# once, from the warm-ups, with what makes it shorter (the test hook lowers
# the minute to nothing, so any run shows it; no timing is asserted).
SPEEDLAB_TEST_ESTIMATE_ABOVE=0 "$speedlab" run pairsum --sizes tiny,small --variants reduction \
    --schedules static --threads 1 --record "$T/est.json" >"$T/est.out" 2>"$T/est.err"
check '[ "$(grep -c "^estimate: pairsum 500 needs about .* more (1 measurement); the longest, pairsum/reduction/static/t1, takes .* an execution x [0-9]* repetitions. Shorter: a smaller --budget" "$T/est.err")" = 1 ] &&
       [ "$(grep -c "^estimate: pairsum 5000 " "$T/est.err")" = 1 ] && ! grep -q estimate "$T/est.out"' \
    "the estimate: once per size, on stderr, naming --budget: $(cat "$T/est.err")"
SPEEDLAB_TEST_ESTIMATE_ABOVE=0 "$speedlab" run pairsum --size tiny --variants reduction,race --schedules static \
    --threads 1 --budget 0 --min-reps 3 --no-interleave --record "$T/est2.json" >/dev/null 2>"$T/est2.err"
check 'grep -q "^estimate: .*(2 measurements, 1 not started yet, guessed from the others).* x 3 repetitions. Shorter: --reps N below --min-reps" "$T/est2.err"' \
    "the estimate of repetitions bound by --min-reps: $(grep estimate "$T/est2.err")"
check '! SPEEDLAB_TEST_ESTIMATE_ABOVE=0 "$speedlab" run pairsum --size tiny --variants reduction --schedules static --threads 1 --quiet --record "$T/est3.json" 2>&1 | grep -q estimate' \
    "--quiet: no estimate"
check '! "$speedlab" run pairsum --size tiny --variants reduction --schedules static --threads 1 --reps 2 --record "$T/est4.json" 2>&1 | grep -q estimate' \
    "a short run: no estimate"

# The OpenMP runtime must not bind the main thread before speedlab reads its CPUs.
check "OMP_PROC_BIND=true '$speedlab' run cosine --size tiny --record '$OUT/r.json' 2>&1 | grep -q 'unset OMP_PROC_BIND'" "OMP_PROC_BIND refused"
# A measurement that cannot run as asked is an error result, and exit 1.
OMP_THREAD_LIMIT=1 "$speedlab" run cosine --size 12x8 --variants rowmajor_fused_branchfree --schedules static \
    --threads 2 --oversubscribe --reps 1 --record "$T/lim.json" >"$T/lim.out" 2>&1
lim_status=$?
check '[ $lim_status = 1 ] && grep -q "OpenMP ran 1 threads where 2 were asked" "$T/lim.out"' "failed measurement exits 1"
check 'jq -e ".results[0].status == \"error\" and .complete == true" "$T/lim.json" >/dev/null' "error result recorded"
# 'max' with a --pin list means the CPUs of the list.
check "'$speedlab' run cosine --size 12x8 --variants rowmajor_fused_branchfree --schedules static --pin 0 --reps 1 --record '$T/pin.json' >/dev/null && jq -e '.config.threads == [1] and .results[0].cpus[0].cpu == 0 and .results[0].placement_verified' '$T/pin.json' >/dev/null" "--pin 0: max is 1, on CPU 0"

# Under an affinity mask of one CPU the suite sees one CPU and 'max' means 1.
if command -v taskset >/dev/null; then
    cpu=$(taskset -pc $$ | sed 's/.*: //; s/[,-].*//')
    check "taskset -c $cpu '$speedlab' info | grep -q 'allowed      1 CPU ($cpu)'" "taskset: info sees 1 CPU"
    check "taskset -c $cpu '$speedlab' run cosine --size 12x8 --variants rowmajor_fused_branchfree --schedules static --threads max --reps 1 --record '$T/ts.json' >/dev/null && jq -e '.config.threads == [1] and .results[0].cpus[0].cpu == $cpu' '$T/ts.json' >/dev/null" "taskset: threads max is 1, on CPU $cpu"
    check "taskset -c $cpu '$speedlab' run cosine --size 12x8 --threads 2 --record '$OUT/r.json' 2>&1 | grep -q '2 threads but only 1 CPU this'" "taskset: 2 threads refused"
    check "taskset -c $cpu '$speedlab' run cosine --size 12x8 --variants rowmajor_fused_branchfree --schedules static --threads 1,2 --oversubscribe --reps 1 --record '$T/ov.json' | grep -q 't2!over' && jq -e '.results[1].oversubscribed == true' '$T/ov.json' >/dev/null" "taskset: oversubscription labelled"
fi

echo "$((total - failures)) passed, $failures failed"
[ "$failures" = 0 ]
