#!/usr/bin/env bash
# speedlab plot of several machines' records (issue 20): the comparison
# figures (best figure of merit per workload and machine, the same variant's
# speedup and efficiency per machine) render, their data is the records'
# own ratios, report.html has the comparison section, and a machine
# description full of quotes and markup stays inert in gnuplot and the page.
# Machines are edited copies of one fixture record: M2 twice as fast, M3
# half as fast.
set -u
speedlab=$1
fixtures=$2
T=$(mktemp -d /tmp/speedlab-machines-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

edited() { # CPU-MODEL HOST FACTOR
    jq --arg cpu "$1" --arg host "$2" --argjson f "$3" '.machine.cpu_model = $cpu
        | .machine.hostname = $host | .results |= map(.times_s |= map(. * $f))' \
        "$fixtures/stream.json"
}
mkdir -p "$T/m1" "$T/m2" "$T/m3"
cp "$fixtures/stream.json" "$T/m1/stream.json"
edited "Example Fast CPU (edited record)" fast 0.5 >"$T/m2/stream.json"
evil="Evil \"CPU' <script>alert(1)</script> \`touch $T/RAN\` @x"
edited "$evil" "slow<b>" 2 >"$T/m3/stream.json"

out=$T/out
"$speedlab" plot "$T/m1" "$T/m2" "$T/m3" --out "$out" >"$T/console" 2>"$T/stderr"
rc=$?
[ $rc -eq 0 ] || fail "plot of three machines exited $rc: $(cat "$T/stderr")"
for f in machines-merit machines-speedup machines-efficiency; do
    png=$out/$f.png svg=$out/$f.svg
    if [ ! -s "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
        fail "$f.png is missing, empty or not a PNG"
    fi
    grep -q '</svg>' "$svg" 2>/dev/null || fail "$f.svg is missing or not a complete SVG"
    grep -q "^figure: $out/$f.png" "$T/console" || fail "console does not list $f"
done
[ -z "$(ls "$out"/*.log 2>/dev/null)" ] || fail "gnuplot complained: $(cat "$out"/*.log)"
[ ! -e "$T/RAN" ] || fail "a machine's description ran a command"

# The bars' data: stream at its size rule, M1 1, M2 2, M3 0.5 (9 columns + name).
row=$(grep '^stream \[4 x last-level cache\]' "$out/data/machines-merit.tsv")
[ -n "$row" ] || fail "no stream row in machines-merit.tsv: $(cat "$out/data/machines-merit.tsv")"
echo "$row" | awk -F'\t' '{ exit !(NF == 10 && $2 == 1 && $5 > 1.999 && $5 < 2.001 &&
                                  $8 > 0.499 && $8 < 0.501 && $6 <= $5 && $7 >= $5) }' ||
    fail "merit ratios and intervals: $row"
# The scaling data: a block per machine, each 1 and 2 threads.
blocks=$(grep -c '^# M[123]: threads' "$out/data/machines-scaling-stream.tsv")
[ "$blocks" = 3 ] || fail "machines-scaling-stream.tsv has $blocks machine blocks, not 3"

# A roofline per machine, each with its own machine's points only (stream
# counts flops; M2 is twice and M3 half as fast as M1).
for f in roofline roofline-machine2 roofline-machine3; do
    grep -q '</svg>' "$out/$f.svg" 2>/dev/null || fail "$f.svg is missing or not a complete SVG"
done
gflops() { awk -F'\t' '/^$/ { exit } !/^#/ { print $2; exit }' "$out/data/$1"; }
g1=$(gflops roofline-points-t1.tsv) g2=$(gflops roofline-points-t1-2.tsv) g3=$(gflops roofline-points-t1-3.tsv)
awk -v a="$g1" -v b="$g2" -v c="$g3" 'BEGIN { exit !(b / a > 1.999 && b / a < 2.001 &&
                                                   c / a > 0.499 && c / a < 0.501) }' ||
    fail "each machine's roofline holds its own points: M1 $g1, M2 $g2, M3 $g3 GFLOP/s"
grep -q 'of other machines' "$out/report.html" && fail "a roofline says other machines' records were left out"

# The report: the section, the summary's geometric means, the description escaped.
report=$out/report.html
grep -q '<h2>Machines compared</h2>' "$report" || fail "report has no comparison section"
grep -q 'geometric mean over workloads: M3</th><td>0.50 (1)</td>' "$report" ||
    fail "report: M3's geometric mean is not 0.50"
grep -q '<script>alert' "$report" && fail "report holds the record's markup unescaped"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$report" || fail "report lacks the escaped CPU model"
grep -q 'slow&lt;b&gt;' "$report" || fail "report lacks the escaped host name"

# One machine: no comparison figures.
"$speedlab" plot "$T/m1" --out "$T/one" >"$T/console1" 2>&1 || fail "plot of one machine failed"
[ ! -e "$T/one/machines-merit.png" ] || fail "one machine drew a comparison"
grep -q 'Machines compared' "$T/one/report.html" && fail "one machine's report has a comparison"

echo "machines plot: $failures failure(s)"
[ $failures -eq 0 ]
