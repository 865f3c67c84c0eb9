#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time: the committed seeds are read,
# never written (new inputs go to a scratch corpus), and a crashing input is
# kept in the current folder as crash-<sha1> with the command to replay it.
# Usage: run_fuzz.sh FUZZER SEED_FOLDER SECONDS [libFuzzer options...]
set -u
fuzzer=$1 seeds=$2 seconds=$3
shift 3
scratch=$(mktemp -d /tmp/speedlab-fuzz-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$PWD/" "$@" "$scratch" "$seeds" 2>"$scratch.log"
rc=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' "$scratch.log"
if [ $rc -ne 0 ]; then
    tail -40 "$scratch.log"
    echo "$(basename "$fuzzer") failed (exit $rc); replay with: $fuzzer $PWD/crash-*"
fi
rm -f "$scratch.log"
exit $rc
