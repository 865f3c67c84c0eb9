# Helpers of the shell tests that run speedlab (sourced; $speedlab and the
# scratch folder $T set first).  Each test ends with:
#   echo "$((total - failures)) of $total passed"; [ "$failures" = 0 ]
failures=0
total=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# check CONDITION WHAT: CONDITION is eval'ed.
check() { total=$((total + 1)); if ! eval "$1"; then fail "$2"; fi; }
# expect STATUS PATTERN ARGS...: speedlab ARGS exits with STATUS within 60 s
# (nothing may block), PATTERN (grep -E) is in its stdout+stderr, and a
# refusal (2) is exactly one "speedlab: error:" line on stderr besides the
# environment check's warnings (a run's input is refused after the check).
expect() {
    local want=$1 pattern=$2
    shift 2
    total=$((total + 1))
    timeout 60 "$speedlab" "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "speedlab $*: exit $got, expected $want"; head -5 "$T/err" | sed 's/^/    /'; return
    fi
    if ! cat "$T/out" "$T/err" | grep -Eq -- "$pattern"; then
        fail "speedlab $*: output lacks /$pattern/"; cat "$T/out" "$T/err" | head -8 | sed 's/^/    /'
    fi
    if [ "$want" = 2 ] && { [ "$(grep -cv '^warning: \|^environment: ' "$T/err")" != 1 ] ||
                              ! grep -q '^speedlab: error: ' "$T/err"; }; then
        fail "speedlab $*: stderr is not one error line"; head -5 "$T/err" | sed 's/^/    /'
    fi
}
