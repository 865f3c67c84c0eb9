#!/usr/bin/env bash
# Disassembles the kernels: each cosine ISA variant's code (its row segment
# and its pair function, inlined or not) uses that ISA's registers and the
# scalar variant uses none; in every other workload the functions named for
# an ISA (other than the run_ wrappers that only start threads) use its registers; gaussmap, whose images must equal the reference
# bit for bit, contains no fused multiply-add.
set -u
object=$(tr ';' '\n' <<< "$1" | grep 'kernels/cosine/variants.c.o$')
[ -f "$object" ] || { echo "variants object not found in: $1"; exit 1; }
objdump -d --no-show-raw-insn "$object" > "${TMPDIR:-/tmp}/speedlab-variants.$$.s"
asm="${TMPDIR:-/tmp}/speedlab-variants.$$.s"
trap 'rm -f "$asm"' EXIT
# count PATTERN FUNCTION...: matching instructions in those functions
count() {
    local pattern=$1 total=0 n; shift
    for f in "$@"; do
        n=$(awk "/<$f>:/,/^\$/" "$asm" | grep -c -- "$pattern")
        total=$((total + n))
    done
    echo "$total"
}
failures=0
expect() { # description, count, op, value
    echo "$1: $2"
    [ "$2" "$3" "$4" ] || { echo "  FAIL: expected $3 $4"; failures=$((failures + 1)); }
}
expect "rowmajor_fused_avx512 zmm instructions" "$(count '%zmm' segment_rowmajor_avx512 pair_avx512 step_avx512)" -gt 0
expect "rowmajor_fused_avx2 ymm instructions" "$(count '%ymm' segment_rowmajor_avx2 pair_avx2 step_avx2)" -gt 0
expect "bitmask_scalar popcnt instructions" "$(count 'popcnt' segment_bitmask)" -gt 0
expect "rowmajor_fused_branchfree ymm/zmm instructions" "$(count '%[yz]mm' segment_rowmajor_branchfree pair_branchfree_rowmajor pair_branchfree)" -eq 0
checks=4
for obj in $(tr ';' '\n' <<< "$1" | grep '/kernels/.*\.c\.o$' | grep -v '/cosine/'); do
    objdump -d --no-show-raw-insn "$obj" > "$asm"
    name=$(sed 's|.*/kernels/||; s|\.c\.o$||' <<< "$obj")
    for isa in avx2:ymm avx512:zmm; do
        fns=$(grep -oE "^[0-9a-f]+ <[^>]*${isa%%:*}[^>]*>:" "$asm" | sed 's/.*<//; s/>://' | grep -v "_${isa%%:*}[0-9]" | grep -v "^run_" || true)
        [ -n "$fns" ] || continue
        # shellcheck disable=SC2086
        expect "$name ${isa%%:*} functions: %${isa##*:} instructions" "$(count "%${isa##*:}" $fns)" -gt 0
        checks=$((checks + 1))
    done
    if [[ $name == gaussmap/* ]]; then
        expect "$name fused multiply-adds" "$(grep -c 'vfn\?m\(add\|sub\)' "$asm")" -eq 0
        checks=$((checks + 1))
    fi
done
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
