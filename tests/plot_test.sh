#!/usr/bin/env bash
# speedlab plot on the fixture records in tests/fixtures/plot: every figure
# the records support renders to a non-empty PNG and SVG, unsupported ones are
# skipped with a reason, unavailable counters are drawn as unavailable, the
# data behind the figures is the records' own, and bad input fails cleanly.
set -u
speedlab=$1
fixtures=$2
T=$(mktemp -d /tmp/speedlab-plot-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The fixtures stay read-only: the plot writes only under --out.
cp -r "$fixtures" "$T/records"
chmod -R a-w "$T/records"
out=$T/out
"$speedlab" plot "$T/records" --out "$out" > "$T/console" 2> "$T/stderr"
rc=$?
[ $rc -eq 0 ] || fail "plot of the fixtures exited $rc: $(cat "$T/stderr")"

# Two cosine records: each is named by its file (cosine, cosine-sim).
expected="speedup-cosine efficiency-cosine busy-cosine
          speedup-cosine-sim efficiency-cosine-sim busy-cosine-sim misses-cosine-sim
          speedup-gaussmap efficiency-gaussmap busy-gaussmap image-gaussmap
          speedup-ragged efficiency-ragged sizes-ragged family-ragged busy-ragged
          speedup-stream efficiency-stream busy-stream roofline"
for f in $expected; do
    png=$out/$f.png svg=$out/$f.svg
    if [ ! -s "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
        fail "$f.png is missing, empty or not a PNG"
    fi
    grep -q '<svg' "$svg" 2>/dev/null && grep -q '</svg>' "$svg" || fail "$f.svg is missing or not a complete SVG"
    grep -q "^figure: $out/$f.png" "$T/console" || fail "console does not list $f"
done
made=$(grep -c '^figure: ' "$T/console")
[ "$made" -eq 20 ] || fail "expected 20 figures, the console lists $made"
grep -q '^20 figures, 12 skipped$' "$T/console" || fail "summary line: $(tail -2 "$T/console" | head -1)"
[ -z "$(ls "$out"/*.log 2>/dev/null)" ] || fail "gnuplot complained: $(cat "$out"/*.log)"

# Figures a record cannot support are skipped, each with its reason.
grep -q '^skipped: sizes-cosine-sim: the record has one size' "$T/console" || fail "no size-sweep skip line"
grep -q '^skipped: family-stream: needs a sweep over sizes and thread counts' "$T/console" || fail "no family skip line"
grep -q '^skipped: misses-ragged: the record has no counters (run with --counters' "$T/console" || fail "no counters skip line"
[ ! -e "$out/sizes-cosine.png" ] || fail "a skipped figure was written"

# Counters requested but unreadable (this fixture was made without a PMU):
# no empty figure holding a line of text; it is skipped with the reason, and
# no data are written.
if jq -e '[.results[].counters.events[]?.status] | all(. == "unavailable")' "$T/records/cosine.json" >/dev/null; then
    grep -q '^skipped: misses-cosine: no miss count to draw: hardware counters: .*unavailable (PMU not exposed' "$T/console" ||
        fail "misses-cosine is not skipped with the counters' reason"
    [ ! -e "$out/misses-cosine.png" ] || fail "an empty misses figure was drawn"
    [ ! -e "$out/data/misses-cosine-hardware.tsv" ] || fail "unavailable counters were written as data"
else
    fail "fixture cosine.json should hold unavailable hardware counters"
fi
# Simulated misses are drawn from the record's per-unit figures.
sim=$out/data/misses-cosine-sim-simulated.tsv
want=$(jq -r '.results[] | select(.threads == 1 and .variant == "bitmask_scalar") | .simulated_cache.per_unit.d1_misses' "$T/records/cosine-sim.json")
got=$(awk -F'\t' '$1 ~ /^bitmask_scalar/ {print $2}' "$sim")
awk -v a="$want" -v b="$got" 'BEGIN { exit !(a > 0 && (a - b) / a < 1e-6 && (b - a) / a < 1e-6) }' ||
    fail "simulated D1 misses per pair: record $want, plotted $got"

# The plotted speedups are the record's.
want=$(jq -r '.results[] | select(.variant == "contiguous" and .schedule == "static" and .threads == 2 and .size == "1000") | .speedup' "$T/records/ragged.json")
got=$(awk -F'\t' '/^# contiguous:/ {on = 1; next} /^#/ {on = 0} on && $1 == 2 {print $2}' "$out/data/scaling-ragged-1000-static.tsv")
awk -v a="$want" -v b="$got" 'BEGIN { exit !(a > 0 && (a - b) / a < 1e-6 && (b - a) / a < 1e-6) }' ||
    fail "ragged speedup at 2 threads: record $want, plotted $got"
# At 1 thread speedup and efficiency are 1 by definition: no interval drawn.
awk -F'\t' '!/^#/ && NF && $1 == 1 && !($3 == "NaN" && $4 == "NaN" && $6 == "NaN" && $7 == "NaN") {bad = 1} END {exit bad}' \
    "$out"/data/scaling-*.tsv || fail "a 1-thread point has an interval in the scaling data"
# The family: efficiency with its interval, and the rows' different schedules said.
head -1 "$out/data/family-ragged-contiguous.tsv" | grep -q 'efficiency, efficiency_lo, efficiency_hi, size' ||
    fail "the family data lack the efficiency's interval"
grep -q 'the rows use different schedules' "$out/report.html" ||
    fail "the family caption does not say its rows use different schedules"
# The busy figure: a level row label per variant/schedule (no rotated text),
# each with its imbalance, however many groups there are.
groups=$(tail -n +2 "$out/data/busy-cosine.tsv" | wc -l)
check_rows=$(tail -n +2 "$out/data/busy-cosine.tsv" | cut -f1 | while read -r g; do grep -qF ">$g<" "$out/busy-cosine.svg" && echo ok; done | wc -l)
[ "$groups" -ge 2 ] && [ "$check_rows" = "$groups" ] || fail "busy-cosine: $check_rows of $groups rows labelled"
! grep -q 'rotate(-' "$out/busy-cosine.svg" || fail "busy-cosine has rotated labels"
# Oversubscribed thread counts are labelled as such in the family figure.
grep -q '3 threads (oversubscribed)' "$out/family-ragged.svg" || fail "family figure does not mark 3 threads oversubscribed"
# The size sweep is placed against the working set, with cache markers.
grep -q 'L1d' "$out/sizes-ragged.svg" && grep -q 'L2' "$out/sizes-ragged.svg" || fail "size sweep lacks cache markers"
# Without a ceilings record the roofline says its measured roofs are unavailable.
grep -q 'measured roofs unavailable (no ceilings record among the inputs)' "$out/roofline.svg" || fail "roofline does not say its measured roofs are unavailable"

# The report: every figure inline, nothing remote.
report=$out/report.html
[ -s "$report" ] || fail "no report.html"
grep -q "^report: $report$" "$T/console" || fail "console does not print the report path"
imgs=$(grep -o '<img ' "$report" | wc -l)
[ "$imgs" -eq 20 ] || fail "report has $imgs images, expected 20"
inline=$(grep -o 'src="data:image/png;base64,' "$report" | wc -l)
[ "$inline" -eq 20 ] || fail "report has $inline inline PNGs, expected 20"
! grep -Eiq '(src|href)="(https?:)?//' "$report" || fail "report references a remote resource"
! grep -Eiq '<script|@import|url\(' "$report" || fail "report has scripts or external styles"
grep -q 'INVALID\|valid' "$report" || fail "report lacks validity"
grep -q 'unavailable (PMU not exposed' "$report" || fail "report's counter status does not say unavailable"

# A single record: default folder plots/<run_id> under the current directory.
(cd "$T" && "$speedlab" plot records/stream.json > single.txt 2>&1) || fail "plot of one record failed: $(cat "$T/single.txt")"
run_id=$(jq -r .run_id "$T/records/stream.json")
[ -s "$T/plots/$run_id/report.html" ] || fail "default output folder plots/$run_id not used"
grep -q 'skipped: roofline\|figure: .*roofline' "$T/single.txt" || fail "roofline neither drawn nor skipped"

# Claims in records (speedlab claims writes them) become one table, each claim
# once even when two records carry it; a claims summary beside the records is
# passed over.
mkdir -p "$T/claims"
claim='{"id": "X1", "workload": "stream", "source_figure": "2x as published", "measured": 1.9,
        "measured_ci95": [1.8, 2.0], "measured_text": "1.9x (1.8-2.0)", "verdict": "reproduced",
        "reason": "inside the band", "explanation": "a test claim"}'
other='{"id": "X2", "workload": "stream", "source_figure": "3x", "measured": "unavailable (not run)",
        "measured_ci95": "unavailable (not run)", "measured_text": "unavailable (not run)",
        "verdict": "not applicable",
        "reason": "needs 4 threads & <more>", "explanation": "another"}'
jq ".claims = [$claim, $other]" "$T/records/stream.json" > "$T/claims/a.json"
jq ".claims = [$claim]" "$T/records/gaussmap.json" > "$T/claims/b.json"
echo '{"schema": "speedlab-claims-summary", "claims": []}' > "$T/claims/claims.json"
"$speedlab" plot "$T/claims" --out "$T/claims-out" > /dev/null 2> "$T/claims.err" || fail "plot with claims failed: $(cat "$T/claims.err")"
creport=$T/claims-out/report.html
grep -q '<h2 id=claims>Claims</h2>' "$creport" || fail "report has no claims table"
[ "$(grep -c '<tr><td title=' "$creport")" -eq 2 ] || fail "claims table should have 2 rows, has $(grep -c '<tr><td title=' "$creport")"
grep -q '1.9x (1.8-2.0)' "$creport" && grep -q 'class="good">reproduced' "$creport" || fail "claim X1 not shown as reproduced"
grep -q 'needs 4 threads &amp; &lt;more&gt;' "$creport" || fail "claim reasons are not HTML-escaped"

# Bad input: one line on stderr, exit 2 (records) or 1 (tools), nothing half-written.
expect_error() { # EXIT PATTERN ARGS...
    local want=$1 pattern=$2; shift 2
    "$@" > "$T/e.out" 2> "$T/e.err"
    local got=$?
    [ $got -eq "$want" ] || fail "'${*:2}' exited $got, expected $want"
    [ "$(wc -l < "$T/e.err")" -eq 1 ] || fail "'${*:2}' printed $(wc -l < "$T/e.err") lines on stderr: $(cat "$T/e.err")"
    grep -q -- "$pattern" "$T/e.err" || fail "'${*:2}': expected '$pattern', got: $(cat "$T/e.err")"
}
printf '{"schema": "speedlab-record", "schema_version": 1, "results": [' > "$T/truncated.json"
echo '{"hello": "world"}' > "$T/foreign.json"
jq '.schema_version = 0' "$T/records/stream.json" > "$T/old.json"
echo 'not json' > "$T/garbage.json"
mkdir -p "$T/empty"
expect_error 2 'give at least one record' "$speedlab" plot
expect_error 2 'unknown option' "$speedlab" plot --bogus "$T/records/stream.json"
expect_error 2 'no such file or folder' "$speedlab" plot "$T/nonexistent.json" --out "$T/o1"
expect_error 2 'truncated JSON' "$speedlab" plot "$T/truncated.json" --out "$T/o2"
expect_error 2 'not a speedlab record' "$speedlab" plot "$T/foreign.json" --out "$T/o3"
expect_error 2 'schema_version 0 is not supported' "$speedlab" plot "$T/old.json" --out "$T/o4"
expect_error 2 'not JSON' "$speedlab" plot "$T/garbage.json" --out "$T/o5"
expect_error 2 'no .json records' "$speedlab" plot "$T/empty" --out "$T/o6"
expect_error 2 'plain file name' "$speedlab" plot "$T/records/stream.json" --name a/b
for o in o1 o2 o3 o4 o5 o6; do [ ! -e "$T/$o" ] || fail "a refused plot created its output folder $o"; done
expect_error 1 'gnuplot is not installed' env PATH=/nonexistent "$speedlab" plot "$T/records/stream.json" --out "$T/o7"
expect_error 1 'cannot read gnuplot script' env SPEEDLAB_PLOTS_DIR=/nonexistent "$speedlab" plot "$T/records/stream.json" --out "$T/o8"
expect_error 1 'cannot' "$speedlab" plot "$T/records/stream.json" --out /proc/speedlab-plot

# Issue 15, item 16: a FIFO given as a record is refused at once, and a FIFO
# named as the gaussmap image skips that figure: nothing waits for a writer.
mkfifo "$T/fifo.json" "$T/fifo.png"
expect_error 2 'a FIFO, not a regular file' timeout 20 "$speedlab" plot "$T/fifo.json" --out "$T/o9"
[ ! -e "$T/o9" ] || fail "a refused plot created its output folder o9"
jq --arg image "$T/fifo.png" '.config.output = {"path": "fifo.png", "absolute": $image}' \
    "$T/records/gaussmap.json" > "$T/fifo-image.json"
timeout 60 "$speedlab" plot "$T/fifo-image.json" --out "$T/o10" > "$T/fifo.console" 2>&1 ||
    fail "plot with a FIFO as the image exited $?: $(tail -2 "$T/fifo.console")"
grep -q '^skipped: image-gaussmap: the image fifo.png is not a readable PNG' "$T/fifo.console" ||
    fail "a FIFO as the image is not skipped: $(grep image- "$T/fifo.console")"

# Item 6: a record whose every string holds markup (fixtures/plot/markup.jq).
# The report shows each escaped, and no '<script' reaches the page (which has
# none of its own) nor the SVGs it links; among them the two the issue found
# printed raw, the figure of merit's unit and a cache's type.
jq -f "$fixtures/markup.jq" "$T/records/cosine.json" > "$T/markup.json" || fail "markup.jq failed"
"$speedlab" plot "$T/markup.json" --out "$T/markup-out" > /dev/null 2> "$T/markup.err" ||
    fail "plot of the markup record failed: $(cat "$T/markup.err")"
mreport=$T/markup-out/report.html
! grep -qi '<script' "$mreport" ||
    fail "report.html holds record markup unescaped: $(grep -io '.\{40\}<script.\{20\}' "$mreport" | head -3)"
! grep -qil '<script' "$T"/markup-out/*.svg || fail "an SVG holds record markup unescaped"
mark='&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;'
# By construction: the report's code writes only through figures/html.h's
# macros (html_markup takes string literals alone, so it fails to compile
# with record text), never through a stream, and nothing else calls the
# functions behind the macros.
harness=$(cd "$fixtures/../../../harness" && pwd)
! grep -nE '\b(f?printf|fputs|fputc|fwrite|putc|FILE)\b' "$harness"/figures/report*.c ||
    fail "report*.c write other than through figures/html.h"
bypass=$(grep -ln '_literal(' "$harness"/*/*.c | grep -v '/figures/html\.c$')
[ -z "$bypass" ] || fail "html's literal-only functions called directly in: $bypass"
escaped=$(grep -o "$mark" "$mreport" | wc -l)
[ "$escaped" -ge 50 ] || fail "the record's strings do not reach the report escaped ($escaped found)"
for want in "Mpair${mark}/s" "L1 &lt;script&gt;" "<th>${mark}</th><td>${mark}</td>" \
            "-dirty${mark}</code>" "<td title=\"${mark}\">${mark}</td>"; do
    grep -qF -- "$want" "$mreport" || fail "report lacks $want"
done

# Item 13: a folder of 300 one-result records.  Every record's figures are
# accounted for, on the console and in the report (a cap of 256 figures drew
# the first 42 records' and said nothing of the rest), and the roofline,
# which holds 64 records, says which it leaves out.
mkdir -p "$T/many"
jq -c '.results |= [map(select(.status == "ok" and .threads == 1))[0]] | . as $r
       | range(1; 301) | . as $i | $r | .run_id = "tiny-\($i)"' "$T/records/stream.json" |
    awk -v dir="$T/many" '{ f = sprintf("%s/r%03d.json", dir, NR); print > f; close(f) }'
"$speedlab" plot "$T/many" --out "$T/many-out" > "$T/many.console" 2> "$T/many.err" ||
    fail "plot of 300 records failed: $(cat "$T/many.err")"
grep -q '^1 figures, 1800 skipped$' "$T/many.console" || fail "300 records: $(tail -2 "$T/many.console" | head -1)"
for kind in speedup efficiency sizes family busy misses; do
    n=$(grep -c "^skipped: $kind-r[0-9][0-9][0-9]: " "$T/many.console")
    [ "$n" -eq 300 ] || fail "300 records: $n $kind figures listed"
done
grep -q '^skipped: misses-r300: ' "$T/many.console" || fail "the last record's figures are not listed"
[ "$(grep -c '^<li><code>' "$T/many-out/report.html")" -eq 1800 ] || fail "the report does not list 1800 figures not drawn"
left='left out: 236 more records with points (a roofline holds 64), from [^ ]*/r065.json on'
grep -q "^figure: .*/roofline.png (.svg); $left\$" "$T/many.console" ||
    fail "the console does not say which records the roofline leaves out: $(grep roofline "$T/many.console")"
grep -q "<b>Left out:</b> ${left#left out: }\." "$T/many-out/report.html" ||
    fail "the report does not say which records the roofline leaves out"

# A figure holds 16 panels: a record of 18 schedules has two left out, and
# the console and the report name them.
jq '.results |= [.[] | select(.size == "1000") | . as $r | range(1; 10) | . as $k | $r
                 | .schedule = "s\($k)-" + .schedule]' "$T/records/ragged.json" > "$T/schedules.json"
"$speedlab" plot "$T/schedules.json" --out "$T/schedules" > "$T/schedules.console" 2>&1 ||
    fail "plot of 18 schedules failed: $(tail -2 "$T/schedules.console")"
left='left out: 2 more schedules (a figure holds 16 panels): s8-guided, s9-guided'
grep -q "^figure: .*/speedup-ragged.png (.svg); $left\$" "$T/schedules.console" ||
    fail "the speedup figure does not say which schedules it leaves out: $(grep speedup- "$T/schedules.console")"
grep -q "<b>Left out:</b> ${left#left out: }\." "$T/schedules/report.html" ||
    fail "the report does not say which schedules the speedup figure leaves out"

# Item 18: a full disk, as `ulimit -f` (no file past 100 KiB; stream's figures
# are under 60 KiB, its report over 200 KiB).  plot says why (the report's
# name and the error), exits 1 and leaves the earlier report as it was, and
# no temporary.  At 20 KiB the figures fail too, each with its reason, and no
# PNG or SVG is left cut short.  (The ThreadSanitizer build's OpenMP runtime,
# LLVM's libomp, cannot start under so small a limit, so there the check is
# said to be skipped; the other builds run it.)
full_disk_checks() {
    "$speedlab" plot "$T/records/stream.json" --out "$T/full" > /dev/null 2>&1 || fail "plot of stream failed"
    cp "$T/full/report.html" "$T/report.before"
    (ulimit -f 100; exec "$speedlab" plot "$T/records/stream.json" --out "$T/full") > "$T/full.console" 2> "$T/full.err"
    rc=$?
    [ $rc -eq 1 ] || fail "plot onto a full disk exited $rc"
    grep -q "cannot write '$T/full/report.html': File too large" "$T/full.err" || fail "full disk: $(cat "$T/full.err")"
    cmp -s "$T/report.before" "$T/full/report.html" || fail "a failed report replaced the earlier one"
    [ -z "$(find "$T/full" -name '.*tmp*')" ] || fail "temporaries left: $(find "$T/full" -name '.*tmp*')"
    (ulimit -f 20; exec "$speedlab" plot "$T/records/stream.json" --out "$T/full2") > "$T/full2.console" 2> "$T/full2.err"
    rc=$?
    [ $rc -eq 1 ] || fail "plot onto a fuller disk exited $rc"
    grep -q '^failed: speedup-stream: gnuplot.s png .*incomplete' "$T/full2.console" || fail "no failed figure with its reason: $(cat "$T/full2.console")"
    grep -q 'figures failed; the first: gnuplot' "$T/full2.err" || fail "full disk, figures: $(cat "$T/full2.err")"
    [ -z "$(ls "$T"/full2/*.png "$T"/full2/*.svg 2>/dev/null)" ] || fail "figures cut short were left: $(ls "$T"/full2)"
    [ -z "$(find "$T/full2" -name '.*tmp*')" ] || fail "temporaries left: $(find "$T/full2" -name '.*tmp*')"
    grep -q '<li class=bad><code>speedup-stream</code>: <b>failed</b>: gnuplot' "$T/full2/report.html" ||
        fail "the report does not show the failed figures with their reasons"
}
if (ulimit -f 20; exec "$speedlab" list) > /dev/null 2>&1; then
    full_disk_checks
else
    echo "note: full-disk checks skipped: this build cannot start under ulimit -f 20"
fi

if [ $failures -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "plot: all checks passed"
