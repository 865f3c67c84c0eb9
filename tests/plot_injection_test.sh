#!/usr/bin/env bash
# Names from a record or the command line reach gnuplot and the file system
# only as data (issue 15).
# Item 7: a gaussmap record whose image name is "<sh p;cat g" (a PNG of that
# name present, and a script p beside it) made `speedlab plot` run `sh p`,
# because gnuplot reads a name beginning with '<' as a command.  Names are
# now passed "./"-prefixed: p never runs and the image is drawn; the same
# for an output folder given on the command line as "<sh p;x".
# Item 8: `"run_id": "../../ESCAPED"` made plot write two levels outside
# plots/; kernel, variant, size and schedule names with '/', '..', control
# characters or great length must all stay one plain file name inside the
# output folder, deterministically and without two names becoming one file.
set -u
speedlab=$1
fixtures=$2
T=$(mktemp -d /tmp/speedlab-inject-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cd "$T" || exit 1
printf 'touch %s/RAN\n' "$T" > p
cp "$fixtures/gaussmap.png" "<sh p;cat g"
jq '.config.output = {"path": "<sh p;cat g", "absolute": "<sh p;cat g"}' \
    "$fixtures/gaussmap.json" > rec.json || exit 1
"$speedlab" plot rec.json --out out > console 2> stderr
rc=$?
[ ! -e RAN ] || fail "gnuplot ran 'sh p' from the record's image name"
[ $rc -eq 0 ] || fail "plot of the '<sh p;cat g' image exited $rc: $(cat stderr)"
[ -s out/image-gaussmap.png ] && grep -q '^figure: out/image-gaussmap.png' console ||
    fail "the image named '<sh p;cat g' was not drawn: $(grep image console)"

# An output folder named like a command: every data file gnuplot reads is in it.
"$speedlab" plot rec.json --out '<sh p;x' > console 2> stderr
rc=$?
[ ! -e RAN ] || fail "gnuplot ran 'sh p' from the output folder's name"
[ $rc -eq 0 ] && [ -s '<sh p;x/speedup-gaussmap.png' ] || fail "plot --out '<sh p;x' exited $rc: $(cat stderr)"

# Item 8: the issue's case, a run_id alone: plots/../../ESCAPED would be
# two folders above plots/, here $T/ESCAPED.
mkdir -p a/b
jq '.run_id = "../../ESCAPED"' "$fixtures/stream.json" > a/b/escape.json || exit 1
(cd a/b && "$speedlab" plot escape.json > "$T/console" 2> "$T/stderr") || fail "plot of run_id ../../ESCAPED failed: $(cat stderr)"
[ ! -e ESCAPED ] && [ ! -e a/ESCAPED ] || fail "plot wrote outside plots/: $(ls -d ESCAPED a/ESCAPED 2>/dev/null)"
[ -s a/b/plots/_._.._ESCAPED/report.html ] || fail "run_id ../../ESCAPED: no report in plots/_._.._ESCAPED"
rm -rf a/b/plots

# Hostile names everywhere.  The record sits two folders deep; the default
# output folder is plots/<run_id made plain> beside it.
long=$(printf 'v%.0s' $(seq 1 300))
jq --arg long "$long" '
    .run_id = "../../ESCAPED"
  | .config.kernel = "../../K\u0001"
  | .results[].kernel = "../../K\u0001"
  | .results |= map(.variant = (if .variant == "contiguous" then $long else "../../" + .variant end))
  | .config.variants |= map(if . == "contiguous" then $long else "../../" + . end)
  | .results[].schedule |= (if . == "static" then "x/y" else "x_y" end)
  | .config.schedules = ["x/y", "x_y"]
  | .results[].size |= "../" + .
  | .problems[].size |= "../" + .
  | .config.sizes |= map("../" + .)' "$fixtures/ragged.json" > a/b/rec.json || exit 1
touch marker
(cd a/b && "$speedlab" plot rec.json > "$T/console" 2> "$T/stderr")
rc=$?
[ $rc -eq 0 ] || fail "plot of the record with hostile names exited $rc: $(cat stderr)"
out=a/b/plots/_._.._ESCAPED
[ -s "$out/report.html" ] || fail "report not in $out: $(grep report: console)"
outside=$(find . -newer marker -type f ! -path "./a/b/plots/_._.._ESCAPED/*" ! -name console ! -name stderr)
[ -z "$outside" ] || fail "plot wrote outside its output folder: $outside"
folders=$(cd a/b/plots && find . -mindepth 1 -type d | sort | tr '\n' ' ')
[ "$folders" = "./_._.._ESCAPED ./_._.._ESCAPED/data " ] || fail "plot made folders: $folders"
# Every file name plain, within NAME_MAX, and the figures drawn as usual.
bad=$(find "$out" -type f | sed 's|.*/||' | LC_ALL=C grep -v '^[A-Za-z0-9_][A-Za-z0-9._-]*$')
[ -z "$bad" ] || fail "file names with other characters: $bad"
for f in speedup efficiency sizes family busy; do
    [ -s "$out/$f-_._.._K_.png" ] || fail "$f-_._.._K_.png not drawn: $(grep "$f-" console)"
done
# "x/y" and "x_y" become two files, in the order they are first seen.
n=$(ls "$out"/data/scaling-_._.._K_-_._1000-x_y*.tsv 2>/dev/null | wc -l)
[ "$n" -eq 2 ] || fail "schedules x/y and x_y should give two data files, not $n: $(ls "$out/data")"
cmp -s "$out"/data/scaling-_._.._K_-_._1000-x_y.tsv "$out"/data/scaling-_._.._K_-_._1000-x_y-2.tsv &&
    fail "the data of schedules x/y and x_y are one file"
# The 300-character variant is cut to a file name that fits.
longest=$(find "$out" -type f | sed 's|.*/||' | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$longest" -le 210 ] || fail "a file name of $longest characters"
# Deterministic: a second plot gives the same names.
(cd a/b && "$speedlab" plot rec.json --out again > /dev/null 2>&1)
[ "$(cd "$out" && find . -type f | sort)" = "$(cd a/b/again && find . -type f | sort)" ] ||
    fail "a second plot named its files differently"

if [ $failures -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "plot_injection: all checks passed"
