#!/usr/bin/env bash
# cosine across MPI ranks on loopback: two ranks each compute their equal
# share of the triangle and write their own shards; the merged .npz is byte
# for byte the single-process one (the union of the shards is the whole
# result, nothing twice), for a threshold and a quantile, under two
# schedules; the record (rank 0's) has both ranks' times and the imbalance.
# Usage: mpi_test.sh SPEEDLAB
# Exit 77 (skipped) without mpirun or without MPI built in, unless
# SPEEDLAB_REQUIRE_MPI=1 (then that is a failure).
set -u
speedlab=$1
skip() {
    if [ "${SPEEDLAB_REQUIRE_MPI:-0}" = 1 ]; then
        echo "FAIL: $1 and SPEEDLAB_REQUIRE_MPI=1" >&2
        exit 1
    fi
    echo "SKIP: $1"
    exit 77
}
command -v mpirun >/dev/null || skip "no mpirun (Debian: openmpi-bin)"
T=$(mktemp -d /tmp/speedlab-mpi-XXXXXX)
trap 'rm -rf "$T"' EXIT
"$speedlab" run cosine --size 7x10 --threshold 0.5 --reps 1 --threads 1 --record "$T/probe.json" >/dev/null 2>&1
jq -e '.config.mpi.library | startswith("none")' "$T/probe.json" >/dev/null && skip "speedlab built without MPI"

failures=0
total=0
check() {
    total=$((total + 1))
    if ! eval "$1"; then
        echo "FAIL: $2"
        failures=$((failures + 1))
    fi
}
mpi="mpirun --allow-run-as-root --oversubscribe -np 2"
for keep in "--threshold 0.3" "--top-quantile 0.95"; do
    for schedule in fusedindex dynamic; do
        name=$(echo "$keep $schedule" | tr -dc 'a-z0-9')
        common="run cosine --size 500x400 $keep --schedules $schedule --threads 1 --reps 2 --validate full"
        "$speedlab" $common --output "$T/one-$name.npz" --record "$T/one-$name.json" >"$T/one.out" 2>&1
        rc=$?
        check "[ $rc -eq 0 ]" "$keep $schedule: single process (exit $rc)"
        $mpi "$speedlab" $common --output "$T/two-$name.npz" --record "$T/two-$name.json" >"$T/two.out" 2>&1
        rc=$?
        check "[ $rc -eq 0 ]" "$keep $schedule: 2 ranks (exit $rc): $(tail -3 "$T/two.out")"
        check "cmp -s '$T/one-$name.npz' '$T/two-$name.npz'" "$keep $schedule: the 2-rank .npz differs from the single-process one"
        r=".results[0]"
        check "jq -e '$r.valid and $r.ranks.count == 2 and ($r.ranks.median_s | length) == 2 and ($r.ranks.median_s | all(type == \"number\")) and ($r.ranks.imbalance >= 1)' '$T/two-$name.json' >/dev/null" "$keep $schedule: rank times and imbalance in the record"
        check "jq -e '.config.mpi.ranks == 2' '$T/two-$name.json' >/dev/null" "$keep $schedule: config.mpi.ranks"
        check "[ \"\$(jq '$r.output.kept_pairs' '$T/one-$name.json')\" = \"\$(jq '$r.output.kept_pairs' '$T/two-$name.json')\" ]" "$keep $schedule: kept pairs agree"
        check "[ \"\$(jq '$r.output.rank_kept_pairs' '$T/two-$name.json')\" != \"\$(jq '$r.output.kept_pairs' '$T/two-$name.json')\" ]" "$keep $schedule: rank 0 kept all pairs (no split)"
        check "grep -q 'ranks: 2, median busy time per rank .* s, .* s; rank imbalance' '$T/two.out'" "$keep $schedule: console shows the ranks"
        check "[ -z \"\$(ls '$T' | grep '\.coo$')\" ]" "$keep $schedule: shards removed"
    done
done
# The dense output is not split: refused, one line, on every rank.
$mpi "$speedlab" run cosine --size 50x40 --threads 1 --reps 1 --record "$T/dense.json" >"$T/dense.out" 2>&1
rc=$?
check "[ $rc -eq 2 ] && grep -q 'under MPI (2 ranks) the output must be sparse' '$T/dense.out' && [ ! -e '$T/dense.json' ]" "dense output under MPI refused (exit $rc)"
echo "$((total - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
