#!/usr/bin/env bash
# The roofline and the measured ceilings, from committed fixture records
# (tests/fixtures/roofline/ceilings.json: a `speedlab run ceilings` record at
# 1 and 2 threads; tests/fixtures/plot: cosine with simulated caches, stream,
# ragged): the data gnuplot reads holds the roofs and points the records say,
# the numbers never overlap, the report names each best variant's roof,
# strings of a record stay inert, `speedlab info` shows the ceilings, and the
# size and count axes read 1 MiB and 10k, never 159 kiB or 10000.000000.
set -u
speedlab=$1
fixtures=$2 # tests/fixtures
T=$(mktemp -d /tmp/speedlab-roofline-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ceilings=$fixtures/roofline/ceilings.json
sim=$fixtures/plot/cosine-sim.json
# a and b agree to 1e-6 (relative).
same() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; exit !(a != "" && b != "" && d <= 1e-6 * m) }'; }

out=$T/out
# cosine and cosine-sim hold the same variants at nearly the same rates: their
# numbers would fall on each other if they were not placed apart.
"$speedlab" plot "$sim,$fixtures/plot/cosine.json,$fixtures/plot/stream.json,$fixtures/plot/ragged.json,$ceilings" --out "$out" \
    > "$T/console" 2> "$T/stderr" || fail "plot exited $?: $(cat "$T/stderr")"
grep -q "^figure: $out/roofline.png" "$T/console" || fail "no roofline: $(grep roofline "$T/console")"
[ -z "$(ls "$out"/*.log 2>/dev/null)" ] || fail "gnuplot complained: $(cat "$out"/*.log)"

# ---- the roofs: each level's slope, each peak, each nominal peak -------------------------
# The y of the first row of the block whose header starts with `$2`, over its x when $3 = slope.
roof() {
    awk -F'\t' -v h="# $2" -v slope="$3" 'index($0, h) == 1 { on = 1; next }
        on && NF >= 2 { printf "%.12g\n", (slope ? $2 / $1 : $2); exit }' "$out/data/roofline-roofs-t$1.tsv"
}
cores=$(jq '.machine.allowed.cores' "$sim")
for t in 1 2; do
    for level in l1 l2 l3 dram; do
        want=$(jq --argjson t "$t" --arg l "$level" '[.results[] | select(.threads == $t and .status == "ok"
                   and .validation.failures == 0 and (.variant | test("^(load|copy|triad)_" + $l + "_")))
                   | .gbytes_per_s] | max' "$ceilings")
        name=$(echo "$level" | tr a-z A-Z)
        same "$want" "$(roof $t "$name " 1)" || fail "t$t $name roof: record $want GB/s, drawn $(roof $t "$name " 1)"
    done
    for p in fp32 fp64; do
        want=$(jq --argjson t "$t" --arg p "$p" '[.results[] | select(.threads == $t and .status == "ok"
                   and (.variant | startswith("peak_" + $p + "_"))) | .gflops] | max' "$ceilings")
        same "$want" "$(roof $t "$p peak" 0)" || fail "t$t $p peak: record $want, drawn $(roof $t "$p peak" 0)"
        nominal=$(jq --argjson t "$t" --argjson c "$cores" --arg p "$p" \
                      '.machine.peak["gflops_" + $p] * ([$t, $c] | min) / $c' "$sim")
        same "$nominal" "$(roof $t "$p nominal" 0)" || fail "t$t $p nominal: $nominal, drawn $(roof $t "$p nominal" 0)"
    done
done

# ---- the points: the work model's intensity and the record's GFLOP/s ------------------------
for t in 1 2; do
    points=$out/data/roofline-points-t$t.tsv
    # The simulated intensities are those of the same thread count.
    jq -r --argjson t "$t" '.results[] | select(.threads == $t and .status == "ok"
        and .simulated_cache.d1_misses > 0 and .simulated_cache.ll_misses > 0)
        | [.work.flops / .work.bytes, .gflops,
           .work.flops / (.simulated_cache.d1_misses * .simulated_cache.geometry.D1.line_bytes),
           .work.flops / (.simulated_cache.ll_misses * .simulated_cache.geometry.LL.line_bytes), .variant] | @tsv' \
        "$sim" > "$T/want"
    [ -s "$T/want" ] || fail "fixture cosine-sim has no result at $t threads"
    while IFS=$'\t' read -r ai gf l2 dram variant; do
        # Block 0 the work model, block 1 the L2 intensities, block 2 DRAM.
        for pair in "0 $ai" "1 $l2" "2 $dram"; do
            set -- $pair
            awk -F'\t' -v block="$1" -v x="$2" -v y="$gf" '
                /^$/ { blank++; if (blank == 2) { b++; blank = 0 } next } { blank = 0 }
                /^#/ { next }
                b == block { dx = $1 - x; dy = $2 - y; if (dx < 0) dx = -dx; if (dy < 0) dy = -dy
                             if (dx <= 1e-6 * x && dy <= 1e-6 * y) found = 1 }
                END { exit !found }' "$points" ||
                fail "t$t $variant: no point ($2, $gf) in block $1 of $(basename "$points")"
        done
    done < "$T/want"
    # No two numbers of a panel on each other (within 0.05 decades both ways:
    # a digit is about 0.08 decades wide and a line 0.1 high here).
    awk -F'\t' '/^$/ { exit } /^#/ { next }
        { lx[NR] = log($5) / log(10); ly[NR] = log($6) / log(10); n[NR] = $3 }
        END { for (i in lx) for (j in lx) if (i < j) {
                  dx = lx[i] - lx[j]; dy = ly[i] - ly[j]
                  if (dx < 0) dx = -dx; if (dy < 0) dy = -dy
                  if (dx < 0.05 && dy < 0.05) { print n[i] " and " n[j]; bad = 1 } }
              exit bad }' "$points" > "$T/overlap" || fail "t$t: numbers placed on each other: $(cat "$T/overlap")"
done
# The key names each number; a variant keeps its number in every panel.
grep -q '>1  cosine-sim: ' "$out/roofline.svg" || fail "the key does not name point 1"
n1=$(awk -F'\t' '/^$/ { exit } !/^#/ { print $3 }' "$out/data/roofline-points-t1.tsv" | sort -n | tr '\n' ' ')
n2=$(awk -F'\t' '/^$/ { exit } !/^#/ { print $3 }' "$out/data/roofline-points-t2.tsv" | sort -n | tr '\n' ' ')
[ "$n1" = "$n2" ] || fail "numbers differ between panels: '$n1' and '$n2'"

# ---- the report: the best variant's distance to its roof ------------------------------------
grep -Eq '<td>[0-9]+ % of the (L1 roof|L2 roof|L3 roof|DRAM roof|fp32 peak) \(' "$out/report.html" ||
    fail "the report names no roof distance"
grep -q '<td>the roofs themselves (a ceilings record)</td>' "$out/report.html" ||
    fail "the report does not mark the ceilings record"

# Without roofs at a thread count the panel says so, and the report too.
jq '.results |= map(select(.threads == 1))' "$ceilings" > "$T/ceilings-t1.json"
"$speedlab" plot "$sim,$T/ceilings-t1.json" --out "$T/t1" > /dev/null 2>&1 || fail "plot with 1-thread ceilings failed"
grep -q 'measured roofs unavailable (the ceilings record has none at this thread count)' "$T/t1/roofline.svg" ||
    fail "the 2-thread panel does not say it has no measured roofs"
grep -q 'unavailable (the ceilings record measured no roof at 2 threads)' "$T/t1/report.html" ||
    fail "the report does not say there is no roof at 2 threads"
! grep -q '^# L1 ' "$T/t1/data/roofline-roofs-t2.tsv" || fail "a 2-thread roof drawn from 1-thread ceilings"

# ---- strings from a record stay inert ----------------------------------------------------------
evil="load_l1_x'.system('touch $T/pwned').'\`touch $T/pwned2\`@evil"
jq --arg v "$evil" '(.results[] | select(.variant == "copy_l1_avx512") | .variant) = $v' "$ceilings" > "$T/evil.json"
"$speedlab" plot "$sim,$T/evil.json" --out "$T/evil" > "$T/evil.console" 2>&1 || fail "plot of the hostile record failed: $(tail -2 "$T/evil.console")"
[ ! -e "$T/pwned" ] && [ ! -e "$T/pwned2" ] || fail "a variant name ran a command"
grep -qF "touch $T/pwned" "$T/evil/roofline.svg" || fail "the hostile variant name is not shown as text"

# ---- speedlab info ---------------------------------------------------------------------------
"$speedlab" info --ceilings "$ceilings" > "$T/info" 2>&1 || fail "info --ceilings exited $?"
l1=$(jq '[.results[] | select(.threads == 1 and .status == "ok" and (.variant | test("^(load|copy|triad)_l1_")))
          | .gbytes_per_s] | max' "$ceilings")
want=$(awk -v v="$l1" 'BEGIN { printf "%.3g", v }')
grep -Eq "^ +1 thread +L1 $want GB/s, L2 [0-9.]+ GB/s, L3 [0-9.]+ GB/s, DRAM [0-9.]+ GB/s; fp32 [0-9.]+ GFLOP/s" "$T/info" ||
    fail "info does not show the 1-thread ceilings (L1 $want GB/s): $(grep -A2 measured "$T/info")"
grep -Eq '^ +2 threads +L1 ' "$T/info" || fail "info does not show the 2-thread ceilings"
"$speedlab" info --ceilings "$fixtures/plot/stream.json" > /dev/null 2> "$T/info.err"
rc=$?
[ $rc -eq 2 ] && grep -q 'is a record of stream, not of ceilings' "$T/info.err" ||
    fail "info --ceilings with a stream record: exit $rc, $(cat "$T/info.err")"
# Found under results/ when it is this machine's hardware; not otherwise.
mkdir -p "$T/cwd/results/machines/here" "$T/cwd/results/other"
"$speedlab" info --json > "$T/me.json" || fail "info --json failed"
jq --slurpfile me "$T/me.json" '.machine = $me[0].machine' "$ceilings" > "$T/cwd/results/machines/here/ceilings.json"
jq '.machine.cpu_model = "Another CPU" | .started = "2099-01-01T00:00:00Z"' "$ceilings" > "$T/cwd/results/other/ceilings.json"
echo '{"not": "a record"}' > "$T/cwd/results/other/junk.json"
(cd "$T/cwd" && "$speedlab" info > "$T/found" 2>&1) || fail "info with a results/ folder failed: $(cat "$T/found")"
grep -q '^measured     results/machines/here/ceilings.json (started ' "$T/found" ||
    fail "info did not find this machine's ceilings record: $(grep measured "$T/found")"
(cd "$T" && "$speedlab" info > "$T/none" 2>&1)
grep -q "^measured     unavailable (no ceilings record of this machine's hardware under results/" "$T/none" ||
    fail "info without a record: $(grep measured "$T/none")"

# ---- tick formats: binary sizes, engineering counts -------------------------------------------
ticks() { grep -o '<text[^>]*>[^<]*</text>' "$1" | sed 's/<[^>]*>//g'; }
ticks "$out/sizes-ragged.svg" > "$T/size-ticks"
grep -Eq '^(1|4|16|64|256) (KiB|MiB)$' "$T/size-ticks" || fail "no binary size tick: $(tr '\n' '|' < "$T/size-ticks")"
off=$(grep -E '[0-9] (B|KiB|MiB|GiB)$' "$T/size-ticks" | grep -Ev '^(1|2|4|8|16|32|64|128|256|512) (B|KiB|MiB|GiB)$')
[ -z "$off" ] || fail "a size tick off the powers of two: $off"
! grep -q 'kiB' "$T/size-ticks" || fail "a size tick in kiB"
grep -Eq '^(1|10|100)k$' "$T/size-ticks" || fail "throughput ticks not in engineering notation: $(tr '\n' '|' < "$T/size-ticks")"
ticks "$out/misses-cosine-sim.svg" > "$T/miss-ticks"
grep -Eq '^(1|10|100)m$' "$T/miss-ticks" || fail "miss-count ticks not in engineering notation: $(tr '\n' '|' < "$T/miss-ticks")"
! cat "$out"/*.svg | grep -o '<text[^>]*>[^<]*</text>' | grep -Eq '>[ 0-9.]*\.[0-9]{6}<' ||
    fail "a tick reads like 10000.000000"

[ "$failures" -eq 0 ] && echo "roofline: all checks passed"
exit $((failures > 0))
