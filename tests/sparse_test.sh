#!/usr/bin/env bash
# cosine's streamed sparse output end to end through the command line:
# bounded memory (the peak resident set inside --memory-budget while the
# output is several times the buffers), the record's output facts, the
# .npz (read back by scipy where present), progress lines, an existing
# output kept when a run is refused, and the shards cleaned up.
# Usage: sparse_test.sh SPEEDLAB
set -u
speedlab=$1
T=$(mktemp -d /tmp/speedlab-sparse-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
check() {
    total=$((total + 1))
    if ! eval "$1"; then
        echo "FAIL: $2"
        failures=$((failures + 1))
    fi
}

# 1. A 48 MiB budget, and 39 MB of kept pairs: they must stream.  Under a
# sanitizer (shadow memory, quarantine) the budget is 1 GiB and the peak
# is not held against it.
sanitized=${SPEEDLAB_TEST_SANITIZED:-0}
budget=48M
budget_bytes=50331648
[ "$sanitized" = 1 ] && budget=1G && budget_bytes=1073741824
"$speedlab" run cosine --size 4000x1000 --threshold 0.1 --threads 2 --reps 1 --warmup 0 \
    --memory-budget $budget --output "$T/S.npz" --record "$T/b.json" >"$T/b.out" 2>&1
rc=$?
check '[ $rc -eq 0 ]' "budget run: exit status (see below)"
r=".results[0]"
check "jq -e '$r.valid == true and $r.validation.failures == 0' '$T/b.json' >/dev/null" "budget run: valid"
check "jq -e '$r.memory.budget_bytes == $budget_bytes and ($r.memory.peak_rss_bytes | type) == \"number\"' '$T/b.json' >/dev/null" "budget run: peak and budget recorded"
if [ "$sanitized" != 1 ]; then
    check "jq -e '$r.memory.peak_rss_bytes <= $r.memory.budget_bytes' '$T/b.json' >/dev/null" \
        "budget run: peak resident set $(jq "$r.memory.peak_rss_bytes" "$T/b.json") over the budget"
    check "jq -e '.problems[0].parameters.memory_planned_bytes <= $budget_bytes' '$T/b.json' >/dev/null" "budget run: plan inside the budget"
    # Streamed: the kept pairs need several times the workers' buffers.
    check "jq -e '$r.output.kept_pairs > 4 * 2 * .problems[0].parameters.kept_buffer_entries' '$T/b.json' >/dev/null" \
        "budget run: kept pairs fit the buffers, nothing was streamed"
    check "jq -e '$r.output.kept_pairs * 12 > $r.memory.budget_bytes / 2' '$T/b.json' >/dev/null" "budget run: output small next to the budget"
    check "grep -q 'peak resident memory: .* of the memory budget 48.0 MiB' '$T/b.out'" "console: peak against the budget"
fi
check "jq -e '.config.sparse_output.keep == \"threshold\" and .config.sparse_output.value == 0.1' '$T/b.json' >/dev/null" "config.sparse_output"
check "[ -s '$T/S.npz' ] && [ -z \"\$(ls '$T' | grep '\.coo$')\" ]" "npz written, shards removed"
check "unzip -Z1 '$T/S.npz' 2>/dev/null | sort | tr '\n' ' ' | grep -q 'col.npy data.npy format.npy row.npy shape.npy'" "npz members"
kept=$(jq "$r.output.kept_pairs" "$T/b.json")
PY=""
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import scipy.sparse' 2>/dev/null; then
        PY=$candidate
        break
    fi
done
if [ -n "$PY" ]; then
    check "'$PY' -c 'import sys, scipy.sparse as sp, numpy as np
S = sp.load_npz(sys.argv[1])
assert S.shape == (4000, 4000) and S.nnz == int(float(sys.argv[2])), (S.shape, S.nnz)
assert (S.row <= S.col).all() and (abs(S.data) >= np.float32(0.1)).all()
' '$T/S.npz' '$kept'" "scipy.sparse.load_npz reads the output"
elif [ "${SPEEDLAB_REQUIRE_SCIPY:-0}" = 1 ]; then
    check false "no python3 with scipy and SPEEDLAB_REQUIRE_SCIPY=1"
fi

# 2. The quantile: the threshold found and the kept fraction.
"$speedlab" run cosine --size 600x1000 --top-quantile 0.95 --threads 2 --reps 2 \
    --record "$T/q.json" >"$T/q.out" 2>&1
rc=$?
check '[ $rc -eq 0 ]' "quantile run: exit status"
check "jq -e '$r.valid and ($r.output.threshold > 0) and ($r.output.cut_abs_value >= $r.output.threshold)' '$T/q.json' >/dev/null" "quantile: threshold recorded"
check "jq -e '($r.output.kept_pairs / $r.output.nonzero_pairs) as \$f | \$f > 0.049 and \$f <= 0.0501' '$T/q.json' >/dev/null" "quantile: 5 % of the non-zero pairs kept"

# 3. Progress: lines with --progress off a terminal, none without, none with --quiet.
export SPEEDLAB_TEST_PROGRESS_INTERVAL=0.001
"$speedlab" run cosine --size 2000x1000 --threshold 0.3 --threads 2 --reps 1 --warmup 0 --progress \
    --record "$T/p.json" >/dev/null 2>"$T/p.err"
check "grep -Eq '^progress cosine/invindex_scalar/fusedindex/t2: [0-9.]+% \(.* of 2e\+06 pairs\), .*pair/s, ' '$T/p.err'" "progress lines with --progress"
"$speedlab" run cosine --size 2000x1000 --threshold 0.3 --threads 2 --reps 1 --warmup 0 \
    --record "$T/p.json" >/dev/null 2>"$T/p2.err"
check "! grep -q progress '$T/p2.err'" "no progress when stderr is not a terminal"
"$speedlab" run cosine --size 2000x1000 --threshold 0.3 --threads 2 --reps 1 --warmup 0 --progress --quiet \
    --record "$T/p.json" >/dev/null 2>"$T/p3.err"
check "! grep -q progress '$T/p3.err'" "no progress with --quiet"
unset SPEEDLAB_TEST_PROGRESS_INTERVAL

# 4. A refused run keeps the file already at --output, and writes nothing.
echo "precious" > "$T/keep.npz"
"$speedlab" run cosine --size 8000x1000 --threshold 0.3 --memory-budget 30M --output "$T/keep.npz" \
    --record "$T/refused.json" >"$T/refused.out" 2>&1
rc=$?
check '[ $rc -eq 2 ]' "refused budget: exit 2"
check "[ \"\$(cat '$T/keep.npz')\" = precious ] && [ ! -e '$T/refused.json' ]" "refused budget: old output kept, no record"
check "[ \$(grep -c '^speedlab: error' '$T/refused.out') -eq 1 ] && grep -q '^speedlab: error: .*smaller than the input alone' '$T/refused.out'" "refused budget: one clear line"
check "[ -z \"\$(ls '$T' | grep '\.coo$')\" ]" "refused budget: no shards left"

echo "$((total - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
