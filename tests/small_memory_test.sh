#!/usr/bin/env bash
# Issue 15, item 15: under `ulimit -v 200000` every command hung in OpenBLAS
# start-up.  Now nothing starts OpenBLAS but a BLAS variant, and one that
# cannot start is skipped with the reason.  Sanitizer builds reserve terabytes
# of shadow address space, so there the test is skipped (77).
set -u
speedlab=$1
sanitize=${2:-}
[ -z "$sanitize" ] || { echo "small_memory: skipped under -fsanitize=$sanitize"; exit 77; }
T=$(mktemp -d /tmp/speedlab-smallmem-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

limited() { (ulimit -v 200000; timeout 60 "$@"); }
limited "$speedlab" --help > /dev/null || fail "--help under ulimit -v 200000 exited $?"
limited "$speedlab" list > /dev/null || fail "list under ulimit -v 200000 exited $?"
limited "$speedlab" run cosine --size 40x30 --variants rowmajor_fused,blas3 --threads 1 \
    --reps 2 --record "$T/r.json" > "$T/out" 2>&1 || fail "run exited $?: $(cat "$T/out")"
grep -q 'blas3 .*skipped: OpenBLAS did not start within 10 s (the address space is limited' "$T/out" ||
    fail "blas3 not skipped with the reason: $(cat "$T/out")"
[ "$(jq -r '[.results[] | select(.variant == "rowmajor_fused") | .status] | unique[]' "$T/r.json")" = ok ] ||
    fail "the scalar variant did not run under the limit"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "small_memory: ok"
