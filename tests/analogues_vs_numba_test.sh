#!/usr/bin/env bash
# scripts/analogues-vs-numba against a stand-in for the numba peers file (a
# stub that reports fixed times, so no numba is needed): every forum loop is
# timed on both sides in alternating order, the summary pairs each with its C
# analogue and divides the medians, and bad input is refused in one line.
set -u
[ -x /usr/bin/python3 ] || { echo "skipped: the script runs the peers file with /usr/bin/python3"; exit 77; }
speedlab=$1
script=$2
T=$(mktemp -d /tmp/speedlab-avn-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
check() { total=$((total + 1)); if ! eval "$1"; then echo "FAIL: $2"; failures=$((failures + 1)); fi; }

# The stub: 'time VARIANT --n N --threads T --reps R' prints what the peers
# file prints, with every time 0.5 s (d = $STUB_D, default 1000).
cat > "$T/peers.py" <<'PY'
import json, os, sys
a = sys.argv
n, reps = int(a[a.index("--n") + 1]), int(a[a.index("--reps") + 1])
d = int(os.environ.get("STUB_D", "1000"))
print(json.dumps({"kind": "cosine_numba", "variant": a[2], "n": n, "d": d, "times_s": [0.5] * reps}))
PY

"$script" "$T/peers.py" --n 60 --rounds 2 --reps 2 --speedlab "$speedlab" > "$T/out" 2>&1
status=$?
check '[ $status = 0 ]' "runs: exit $status: $(tail -3 "$T/out")"
for pair in colmajor_naive:colmajor_naive/static rowmajor_naive:rowmajor_naive/static \
            colmajor_split:colmajor_split/static rowmajor_split:rowmajor_split/static \
            rowmajor_fused:rowmajor_fused/static fused_index:rowmajor_fused/fusedindex; do
    check "grep -Eq '^${pair%%:*} +0\.5 \[0\.5, 0\.5\] +${pair#*:} +[0-9.]+ \[[0-9.]+, [0-9.]+\] +[0-9.]+$' '$T/out'" \
          "summary row for ${pair%%:*}"
done
# Every loop four times per side: 2 rounds x 2 repetitions.
check '[ "$(grep -c "^round .* numba  *0.5 0.5 s$" "$T/out")" = 12 ]' "12 numba timings of 2 repetitions"
check '[ "$(grep -Ec "^round .* C +[0-9.]+ [0-9.]+ s$" "$T/out")" = 12 ]' "12 C timings of 2 repetitions"
# Alternating order: numba first in round 1, C first in round 2.
check 'grep "^round 1 rowmajor_fused " "$T/out" | head -1 | grep -q numba' "round 1 starts with numba"
check 'grep "^round 2 rowmajor_fused " "$T/out" | head -1 | grep -q " C "' "round 2 starts with C"
# The ratio is numba's median over C's.
check "awk '\$1 == \"rowmajor_fused\" && NF == 9 { c = \$6; r = \$9; ok = r > 0 && ((0.5 / c - r) / r) ^ 2 < 0.002 ^ 2 } END { exit !ok }' '$T/out'" \
      "ratio is numba / C"

check '! "$script" "$T/peers.py" --loops nosuch --speedlab "$speedlab" > "$T/err" 2>&1 && grep -q "no C analogue for .nosuch." "$T/err" && [ "$(wc -l < "$T/err")" = 1 ]' "unknown loop refused"
check '! "$script" "$T/missing.py" --speedlab "$speedlab" > "$T/err" 2>&1 && grep -q "no peers file" "$T/err"' "missing peers file refused"
check '! STUB_D=999 "$script" "$T/peers.py" --n 60 --rounds 1 --loops rowmajor_fused --speedlab "$speedlab" > "$T/err" 2>&1 && grep -q "timed 60x999, not 60x1000" "$T/err"' "a numba timing of another size refused"

echo "$((total - failures)) passed, $failures failed"
[ "$failures" = 0 ]
