#!/usr/bin/env bash
# compare, history, export and the environment checks from the command line,
# on records derived deterministically (jq) from one committed fixture.
set -u
speedlab=$1
fixture=$2
T=$(mktemp -d /tmp/speedlab-compare-XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

base=$fixture
# The same run, repetitions in another order and scaled by at most +-2 %: same.
jq '.results |= map(.times_s |= (to_entries | map(.value * (1 + 0.01 * ((.key * 7) % 5 - 2))) | reverse))' \
    "$base" >"$T/same.json"
# The reduction variant 20 % slower in every repetition.
jq '.results |= map(if .variant == "reduction" then (.times_s |= map(. * 1.2) | .median_s *= 1.2) else . end)' \
    "$base" >"$T/slow.json"
# Another machine (edited, not real): other CPU, ISA and allowed CPUs.
jq '.machine.cpu_model = "Example CPU 9000 (edited record)" | .machine.isa = "sse2 avx2 fma"
    | .machine.allowed.count = 16 | .machine.hostname = "other"' "$base" >"$T/other.json"
# The partials_padded variant 8 % slower: beyond the 5 % threshold, but its
# intervals reach back into the band: inconclusive, not a regression.
jq '.results |= map(if .variant == "partials_padded" then (.times_s |= map(. * 1.08)) else . end)' \
    "$base" >"$T/slight.json"
# Three repetitions: too few for an interval of the ratio.
jq '.results |= map(.times_s |= .[0:3] | .reps = 3)' "$base" >"$T/few.json"
# Noise counted (as run records it), two repetitions of every result
# disturbed (a worker switched out); then partials_padded at 2 threads three
# times faster: an efficiency of 3, far beyond its interval.
jq '.results |= map(.times_s as $t | ($t | map(0)) as $z | .threads as $n | .noise = {
      source: "edited", per_rep: ($t | map({wall_s: .})), steal: "unavailable (edited)",
      workers: [range($n)] | map({busy_s: $t, start_delay_s: $z, task_clock_s: $t,
        context_switches: ($z | .[0] = 5 | .[1] = 5), involuntary_switches: ($z | .[0] = 5 | .[1] = 5),
        migrations: "unavailable (edited)", page_faults: $z})})' "$base" >"$T/disturbed.json"
jq '.results |= map(if .threads == 2 and .variant == "partials_padded" then (.times_s |= map(. / 3)) else . end)' \
    "$T/disturbed.json" >"$T/superlinear.json"
jq '.schema_version = 0' "$base" >"$T/old.json"
head -c 3000 "$base" >"$T/truncated.json"
echo '{"benchmarks": []}' >"$T/foreign.json"
jq '.results |= map(.kernel = "stream")' "$base" >"$T/nomatch.json"
mkdir -p "$T/mixed" "$T/folder"
cp "$base" "$T/mixed/a.json"
cp "$T/other.json" "$T/mixed/b.json"
cp "$T/slow.json" "$T/folder/pairsum.json"

# The fixture was measured on a loaded machine: its intervals are wide, and
# "same" is said only where the interval lies inside 0.95-1.05.
expect 0 'no regression: 0 slower, 0 faster, 3 same, 1 inconclusive' compare "$base" "$T/same.json"
expect 0 'reduction/static/t1 .* \[0\.9[0-9]*, 1\.0[0-4][0-9]*\] .* same$' compare "$base" "$T/same.json"
expect 0 'partials_padded/static/t1 .* \[0\.946, 1\.057\] .* inconclusive \(interval wider than 0\.950-1\.050\)' compare "$base" "$base"
expect 0 'partials_padded/static/t2 .* 1\.080 .* inconclusive \(interval crosses 1\.050\)' compare "$base" "$T/slight.json"
expect 0 'no regression: 0 slower, 0 faster, 2 same, 2 inconclusive' compare "$base" "$T/slight.json"
expect 0 '\| pairsum/partials_padded/static/t2 \| 500 \| .* \| inconclusive \(interval crosses 1\.050\) \|' compare "$base" "$T/slight.json" --format md
expect 0 'inconclusive \(3 and 3 reps: too few for a 95% interval\)' compare "$T/few.json" "$T/few.json"
expect 0 '0 same, 4 inconclusive' compare "$T/few.json" "$T/few.json"
expect 0 'reduction/static/t1 .* same; disturbed repetitions: 0 of 15 in BASE, 2 of 15 in NEW' compare "$base" "$T/disturbed.json"
check "! '$speedlab' compare '$base' '$T/same.json' | grep -q 'disturbed'" "compare: no disturbed note without disturbed repetitions"
expect 0 '^ +2 .* 2\.06 \(1\.03\) +6\.17 \(3\.08\) ! ~$' compare "$base" "$T/superlinear.json" --mode hardware
expect 0 '^! superlinear: efficiency above 1 beyond its interval: cache effect or noise, see noise verdict' compare "$base" "$T/superlinear.json" --mode hardware
expect 0 '^~ speedup from disturbed repetitions' compare "$base" "$T/superlinear.json" --mode hardware
check "! '$speedlab' compare '$base' '$T/same.json' --mode hardware | grep -q '^[!~] '" "compare: no marks where nothing is implausible"
expect 1 'reduction/static/t1 .* 1\.200 .*SLOWER \+20\.0%' compare "$base" "$T/slow.json"
expect 1 'regression: 2 slower, 0 faster, 1 same, 1 inconclusive' compare "$base" "$T/slow.json"
expect 1 '\| pairsum/reduction/static/t2 \| 500 \| .* \*\*SLOWER\*\* \+20\.0% \|' compare "$base" "$T/slow.json" --format md
expect 0 'faster -16\.7%' compare "$T/slow.json" "$base"
expect 0 'no regression' compare "$base" "$T/slow.json" --threshold 25
expect 1 'SLOWER' compare "$base" "$T/folder"
expect 0 'DIFFERENT machines \(CPU model, ISA, allowed CPUs differ\)' compare "$base" "$T/other.json"
expect 0 'ISA only here .* avx512f' compare "$base" "$T/other.json"
expect 0 'hardware comparison as asked' compare "$base" "$T/same.json" --mode hardware
expect 2 'record schema_version 0 is not supported' compare "$base" "$T/old.json"
expect 2 'truncated JSON' compare "$T/truncated.json" "$base"
expect 2 'not a speedlab record' compare "$base" "$T/foreign.json"
expect 2 'no matching results' compare "$base" "$T/nomatch.json"
expect 2 'BASE mixes machines \(.*mixed holds records of 2\)' compare "$T/mixed" "$base" --mode regression
expect 0 'hardware comparison of 3 machines' compare "$T/mixed" "$base"
expect 2 'no such file or folder' compare "$base" "$T/missing.json"
expect 2 'expected BASE and NEW' compare "$base"
expect 2 '--threshold \(percent\) must be a number' compare "$base" "$base" --threshold x
expect 2 '--format must be table or md' compare "$base" "$base" --format html

# Hardware comparison of N machines (edited records, not real machines): M2
# twice as fast in every repetition, with one result skipped for a missing
# ISA; M3 half as fast; a second workload (the same record renamed) 8 times as
# fast on M2, so the geometric mean over workloads is sqrt(2 * 8) = 4.
other_cpu() { # CPU-MODEL HOST FACTOR
    jq --arg cpu "$1" --arg host "$2" --argjson f "$3" '.machine.cpu_model = $cpu
        | .machine.hostname = $host | .results |= map(.times_s |= map(. * $f))' "$base"
}
renamed() { jq '.config.kernel = "pairsum2" | .results |= map(.kernel = "pairsum2")
                | .problems |= map(.kernel = "pairsum2")'; }
mkdir -p "$T/m1" "$T/m2" "$T/m3" "$T/all"
cp "$base" "$T/m1/pairsum.json"
renamed <"$base" >"$T/m1/pairsum2.json"
other_cpu "Example Fast CPU (edited record)" fast 0.5 |
    jq '.results[3] |= (.status = "skipped" | .reason = "CPU lacks avx512f" | .reps = 0
                        | .times_s = [] | .busy_s = [] | .cpus = [])' >"$T/m2/pairsum.json"
other_cpu "Example Fast CPU (edited record)" fast 0.125 | renamed >"$T/m2/pairsum2.json"
other_cpu "Example Slow CPU (edited record)" slow 2 >"$T/m3/pairsum.json"
cp "$T/m1/pairsum.json" "$T/all/a.json"; cp "$T/m2/pairsum.json" "$T/all/b.json"
cp "$T/m3/pairsum.json" "$T/all/c.json"
expect 0 'hardware comparison of 2 machines' compare "$T/m1" "$T/m2"
expect 0 'pairsum  +500  +M1  +reduction/static t2 .* 1\.00  +-  +-$' compare "$T/m1" "$T/m2"
expect 0 '^ +M2  +reduction/static t2 .* 2\.00  +2\.00 \(2\)  +2\.00 \(1\) t2/t2$' compare "$T/m1" "$T/m2"
expect 0 '^ +M2  +reduction/static t2 .* 8\.00  +8\.00 \(2\)  +8\.00 \(2\) t2/t2$' compare "$T/m1" "$T/m2"
expect 0 '^geometric mean  +over workloads  +M2  +4\.00 \(2\)  +4\.00 \(2\)  +4\.00 \(2\)$' compare "$T/m1" "$T/m2"
expect 0 'pairsum/partials_padded on M2: skipped \(CPU lacks avx512f\) \(1 result\)' compare "$T/m1" "$T/m2"
expect 0 'machines differ in: CPU model, hostname' compare "$T/m1" "$T/m2"
expect 0 'hardware comparison of 3 machines' compare "$T/m1" "$T/m2" "$T/m3"
expect 0 '^ +M3  +reduction/static t2 .* 0\.50  +0\.50 \(2\)  +0\.50 \(2\) t2/t2$' compare "$T/m1" "$T/m2" "$T/m3"
expect 0 '^ +M3  +0\.50 \(1\)  +0\.50 \(1\)  +0\.50 \(1\)$' compare "$T/m1" "$T/m2" "$T/m3"
# One folder of three machines' records: grouped, never mixed in a side.
expect 0 'hardware comparison of 3 machines' compare "$T/all"
expect 0 'hardware comparison of 4 machines' compare "$T/all" "$T/m1" --mode hardware
expect 0 'M4  .*/m1: 2 records, host vm' compare "$T/all" "$T/m1"
check "'$speedlab' compare '$T/m1' '$T/m2' | awk 'length > 120 { bad = 1 } END { exit bad }'" \
    "compare: the summary and details of two machines fit in 120 columns"
check "[ \"\$('$speedlab' compare '$T/m1' '$T/m2' | grep -c 'not measured on one machine')\" = 1 ]" \
    "compare: skips under one heading"
expect 0 '^\| geometric mean \| over workloads \| M2 \|  \|  \| 4\.00 \(2\) \|' compare "$T/m1" "$T/m2" --format md
check "[ \"\$('$speedlab' compare '$T/m1' '$T/m2' '$T/m3' --format md | grep -c '^### speedlab compare')\" = 1 ]" \
    "compare --format md: one heading"
expect 2 '--mode regression compares two operands' compare "$T/m1" "$T/m2" "$T/m3" --mode regression
# Like-for-like by the question, not the size: a size from a rule ("auto: 4 x
# last-level cache of ...") matches the same rule on another machine whatever
# size it came to; the same sizes without the rule do not match.
with_size() { # SIZE RULE
    jq --arg size "$1" --arg rule "$2" '.problems |= map(.size = $size | .source += $rule)
        | .results |= map(.size = $size)'
}
with_size 500 '; auto: 4 x last-level cache of 1 KiB' <"$base" >"$T/rule-a.json"
other_cpu "Example Fast CPU (edited record)" fast 0.5 |
    with_size 1000 '; auto: 4 x last-level cache of 2 KiB' >"$T/rule-b.json"
other_cpu "Example Fast CPU (edited record)" fast 0.5 | with_size 1000 '' >"$T/size-b.json"
expect 0 'pairsum  +4 x last-level cache  +M1' compare "$T/rule-a.json" "$T/rule-b.json"
expect 0 'M2 .* 2\.00 \(2\)' compare "$T/rule-a.json" "$T/rule-b.json"
expect 2 'no matching results' compare "$base" "$T/size-b.json" --mode hardware

# History: 12 runs an hour apart, one 25 % step at run 7 in the reduction
# variant, +-2 % wobble everywhere, one wild run (+60 %) at 3: one step, at 7.
mkdir -p "$T/hist" "$T/flat"
for i in $(seq 0 11); do
    jq --argjson i "$i" '.started = ("2026-01-01T" + (if $i < 10 then "0" else "" end) + ($i | tostring) + ":00:00Z")
        | .results |= map(.times_s |= map(. * (1 + 0.01 * ((($i * 7) % 5) - 2))
                                            * (if $i == 3 then 1.6 else 1 end))
                          | (if .variant == "reduction" and $i >= 7 then .times_s |= map(. * 1.25) else . end)
                          | .median_s = (.times_s | sort | .[length / 2 | floor]))' \
        "$base" >"$T/hist/run$i.json"
done
for i in 0 1 2 4 5 6; do cp "$T/hist/run$i.json" "$T/flat/"; done
expect 1 'reduction/static/t1 .* #7 \(.*\): .* \(\+25\.0%\)' history "$T/hist"
expect 1 '2 of 4 series have a step' history "$T/hist"
check "! '$speedlab' history '$T/hist' | grep -q '#3 '" "history: the wild run is no step"
expect 0 '0 of 4 series have a step' history "$T/flat"
expect 1 '#7 .*<- step \+25\.0%' history "$T/hist" --series reduction/static/t1
expect 2 'history needs at least two records' history "$base"
expect 2 'mixes machines' history "$T/mixed"
expect 2 '--order must be date or commit' history "$T/hist" --order size
if command -v gnuplot >/dev/null; then
    expect 1 'plot: ' history "$T/hist" --plot "$T/plots/h"
    check '[ -s "$T/plots/h.png" ] && [ -s "$T/plots/h.svg" ] && grep -q reduction "$T/plots/h.dat"' "history plot files"
fi

# Google Benchmark JSON: 4 results x (15 repetitions + 4 aggregates).
expect 0 '"benchmarks"' export --format gbench "$base"
"$speedlab" export --format gbench "$base" -o "$T/gb.json"
check 'jq -e ".context.host_name and .context.num_cpus > 0 and (.context.caches | length) > 0 and .context.library_build_type" "$T/gb.json" >/dev/null' "gbench: context"
check 'jq -e "(.benchmarks | length) == 76" "$T/gb.json" >/dev/null' "gbench: one entry per repetition and 4 aggregates per result"
check 'jq -e "[.benchmarks[] | select(.run_type == \"iteration\")] | all(.iterations == 1 and .time_unit == \"ns\" and .real_time > 0 and .repetitions == 15)" "$T/gb.json" >/dev/null' "gbench: iteration entries"
check 'jq -e "[.benchmarks[] | select(.aggregate_name == \"median\")] | length == 4 and all(.run_name + \"_median\" == .name and .items_per_second > 0)" "$T/gb.json" >/dev/null' "gbench: median aggregates"
check 'jq -e "[.benchmarks[] | select(.aggregate_name == \"cv\")] | all(.aggregate_unit == \"percentage\")" "$T/gb.json" >/dev/null' "gbench: cv aggregate"
check 'jq -e ".benchmarks[0].name == \"pairsum/reduction/static/size:500/threads:1\"" "$T/gb.json" >/dev/null' "gbench: names"
expect 2 'which --format' export "$base"
expect 2 'not a speedlab record' export --format gbench "$T/foreign.json"

# Environment checks: in every record, with a value or "unavailable (reason)".
"$speedlab" run pairsum --size tiny --variants reduction --schedules static --threads 1 --reps 2 \
    --record "$T/env.json" --gbench "$T/env-gb.json" >"$T/env.out" 2>&1
check 'jq -e ".environment.checks | keys == [\"aslr\",\"governor\",\"load_average\",\"noise_probe\",\"smt\",\"transparent_hugepages\",\"turbo\"]" "$T/env.json" >/dev/null' "environment.checks has every check"
check 'jq -e "[.environment.checks[] | .value | type == \"string\" and length > 0] | all" "$T/env.json" >/dev/null' "every check has a value"
check 'jq -e ".environment.checks.noise_probe | (.cv | type) == \"number\" and .loops == 20 and .forced == false" "$T/env.json" >/dev/null' "noise probe recorded"
check 'jq -e "(.benchmarks | length) == 6" "$T/env-gb.json" >/dev/null' "run --gbench writes the export"
# --strict-env refuses a noisy machine (the probe's outcome forced by the
# test hook) before anything is written; without it the run goes on, warned.
SPEEDLAB_TEST_NOISE_CV=0.5 expect 2 'strict-env: the noise probe varies by CV 50\.0%' run pairsum --size tiny --reps 1 --strict-env --record "$T/strict.json"
check '[ ! -e "$T/strict.json" ] && [ ! -e "$T/strict.csv" ]' "--strict-env wrote nothing"
SPEEDLAB_TEST_NOISE_CV=0.5 "$speedlab" run pairsum --size tiny --variants reduction --schedules static --threads 1 --reps 1 \
    --record "$T/noisy.json" >"$T/noisy.out" 2>&1
check 'grep -q "^warning: noisy machine: a fixed spin loop varies by CV 50.0%" "$T/noisy.out" && jq -e ".environment.checks.noise_probe.forced" "$T/noisy.json" >/dev/null' "noisy: warned and recorded as forced"

echo "$((total - failures)) of $total passed"
[ "$failures" = 0 ]
