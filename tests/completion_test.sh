#!/usr/bin/env bash
# speedlab completion bash: the script parses (bash -n), and sourced, it
# offers what the command line accepts for a few lines as bash would split
# them (COMP_WORDS, COMP_CWORD).
set -u
speedlab=$1
T=$(mktemp -d /tmp/speedlab-completion-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$speedlab" completion bash >"$T/speedlab.bash" || fail "completion bash exited $?"
total=$((total + 1))
bash -n "$T/speedlab.bash" || fail "bash -n: the script does not parse"
# shellcheck disable=SC1091
source "$T/speedlab.bash"
total=$((total + 1))
[ "$(complete -p speedlab)" = "complete -F _speedlab speedlab" ] || fail "complete -p speedlab: $(complete -p speedlab)"

mkdir -p "$T/files/records" && touch "$T/files/a.json" "$T/files/a.npy"

# expect "EXPECTED REPLIES" WORD...: the last word is the one completed.
# shellcheck disable=SC2086
expect() {
    local want=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _speedlab
    # In any order (files come in the folder's order).
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
    want=$(printf '%s\n' $want | sort | xargs)
    total=$((total + 1))
    [ "$got" = "$want" ] || fail "'$*': got '$got', expected '$want'"
}

expect "run" speedlab ru
expect "compare completion" speedlab co
expect "--help --version" speedlab --
expect "cosine" speedlab run cos
expect "cosine cdist ceilings" speedlab run c
expect "--variants" speedlab run cosine --varia
# a kernel's own options after its name, not before it or after another kernel's
expect "--threads --threshold" speedlab run cosine --thr
expect "--threads" speedlab run stream --thr
expect "--threads" speedlab run --thr
expect "rowmajor_fused_avx2 rowmajor_fused_avx512" speedlab run cosine --variants rowmajor_fused_a
expect "blas3,bitmask_scalar" speedlab run cosine --variants blas3,bitm
expect "triad triad_avx2 triad_avx512 triad_avx512_nt" speedlab run stream --variants t
expect "all static dynamic guided fusedindex" speedlab run stream --schedules ''
expect "static,fusedindex" speedlab run stream --schedules static,f
expect "forum" speedlab run cosine --size f
expect "tiny,small" speedlab run pairsum --sizes tiny,s
# the kernel is found past options and their arguments (also --opt=ARG)
expect "tiny,small" speedlab run --threads 1 --variants=reduction pairsum --sizes tiny,s
expect "auto full sample" speedlab run cosine --validate ''
expect "" speedlab run cosine --reps ''
expect "" speedlab run cosine co
expect "$T/files/a.json $T/files/a.npy" speedlab run cosine --input "$T/files/a"
expect "$T/files/records" speedlab plot -o "$T/files/r"
expect "$T/files/records" speedlab history "$T/files/r"
expect "$T/files/a.json" speedlab compare "$T/files/a.j"
expect "auto regression hardware" speedlab compare --mode ''
expect "gbench bmf csv" speedlab export --format = ''
expect "gbench" speedlab export --format = g
expect "bash" speedlab completion ''
expect "--record" speedlab claims --r
expect "--json" speedlab info --j

echo "$((total - failures)) passed, $failures failed"
[ "$failures" = 0 ]
