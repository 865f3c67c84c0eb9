#!/usr/bin/env bash
# Issue 15, item 7: a gaussmap record whose image name is "<sh p;cat g" (a
# PNG of that name present, and a script p beside it) made `speedlab plot`
# run `sh p`, because gnuplot reads a name beginning with '<' as a command.
# Whatever the plot then says about that figure, p must not run.
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
case $rc in
    0) [ -s out/image-rec.png ] || fail "plot exited 0 without the image figure" ;;
    1) grep -q 'gnuplot' stderr || fail "plot exited 1 without naming gnuplot: $(cat stderr)" ;;
    *) fail "plot exited $rc: $(cat stderr)" ;;
esac
[ "$(wc -l < stderr)" -le 1 ] || fail "more than one line of error: $(cat stderr)"

if [ $failures -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "plot_injection: ok (exit $rc)"
