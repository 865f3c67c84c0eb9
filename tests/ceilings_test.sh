#!/usr/bin/env bash
# ceilings through the command line: sizes refused in one line, a level's
# variants skipped with the reason on another level's size, the scalar
# kernels really scalar, and the working sets where their names say, shown
# by valgrind's simulated caches: at l1 (half of L1d per thread) next to no
# D1 misses; at l2 (half of L2) and at l3 (4 x L2, within half of L3) one D1
# miss per line and array, and next to no last-level misses; the l3 working
# set clears L2 twice over and stays within half of L3.  (dram working sets
# are hundreds of MiB: too large to simulate; the C test checks the rule.)
#
# usage: ceilings_test.sh SPEEDLAB SANITIZERS OBJECTS COMPILER-ID
set -u
speedlab=$1
sanitizers=${2:-}
compiler=${4:-GNU}
T=$(mktemp -d /tmp/speedlab-ceilings-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
total=0
check() { total=$((total + 1)); if ! eval "$1"; then echo "FAIL: $2"; failures=$((failures + 1)); fi; }

"$speedlab" run ceilings --size ws=0 --record "$T/bad.json" >"$T/bad.out" 2>&1
rc=$?
check '[ $rc = 2 ] && [ "$(grep -c "" "$T/bad.out")" = 1 ] && grep -q "^speedlab: error: ceilings: ws in" "$T/bad.out"' \
    "ws=0 refused in one line (exit $rc): $(cat "$T/bad.out")"
check '[ ! -e "$T/bad.json" ]' "a refused size writes no record"

"$speedlab" run ceilings --size l1:traffic=64K:steps=100 --variants copy_l1_scalar,copy_l2_scalar,peak_fp64_scalar \
    --threads 1 --reps 1 --record "$T/l1.json" >"$T/l1.out" 2>&1
rc=$?
check '[ $rc = 0 ]' "l1 run (exit $rc)"
check 'grep -q "copy_l2_scalar .*skipped: this size sets up one level" "$T/l1.out"' "l2 variant skipped on an l1 size"
check 'jq -e "[.results[] | select(.variant == \"copy_l1_scalar\") | .valid, (.gbytes_per_s > 0)] == [true, true]" "$T/l1.json" >/dev/null' \
    "copy_l1_scalar valid with a bandwidth"
check 'jq -e ".results[] | select(.variant == \"peak_fp64_scalar\") | .valid and .gflops > 0 and .work.bytes == 0" "$T/l1.json" >/dev/null' \
    "peak_fp64_scalar valid with GFLOP/s"
check 'jq -e ".problems[0].parameters.l1_bytes_per_thread == .problems[0].parameters.l1d_bytes / 2" "$T/l1.json" >/dev/null' \
    "l1 working set is half of L1d: $(jq -c '.problems[0].parameters' "$T/l1.json")"

# A sweep: one problem per working set, each recorded with its bytes.
"$speedlab" run ceilings --sizes ws=1K,ws=4K,ws=16K:traffic=1M --variants load_dram_avx2,copy_l1_scalar \
    --threads 1 --reps 1 --record "$T/sweep.json" >"$T/sweep.out" 2>&1
rc=$?
check '[ $rc = 0 ]' "sweep (exit $rc)"
check 'jq -e "[.problems[] | .size, .parameters.working_set_bytes] == [\"ws=1K\", 1024, \"ws=4K\", 4096, \"ws=16K:traffic=1M\", 16384]" "$T/sweep.json" >/dev/null' \
    "sweep sizes and working sets: $(jq -c '[.problems[] | .size, .parameters.working_set_bytes]' "$T/sweep.json")"
check 'jq -e "[.results[] | select(.status == \"ok\") | .valid] | length == 6 and all" "$T/sweep.json" >/dev/null' \
    "every sweep point ran and is valid"

# Scalar means one element per instruction: no packed instruction in the
# scalar kernels (register moves aside), and the scalar triad multiplies
# and adds in scalar.  GCC's vectorisers can be switched off per function;
# clang's SLP vectoriser cannot (it pairs load_scalar's sums), so only the
# GCC build (Release) is held to it.
object=$(tr ';' '\n' <<< "$3" | grep 'kernels/ceilings/variants.c.o$')
if [ "$compiler" != GNU ]; then
    echo "scalar code generation not checked for compiler $compiler (GCC builds are)"
elif [ -f "$object" ]; then
    objdump -d --no-show-raw-insn "$object" > "$T/variants.s"
    packed=0
    for f in load_scalar copy_scalar copy_scalar_nt triad_scalar triad_scalar_nt; do
        n=$(awk "/<$f>:/,/^\$/" "$T/variants.s" | grep -E '\s(v?[a-z]+p[sd]|v?movdq[au]|movnti)\s' | grep -vcE 'mov[au]p[sd]\s+%xmm[0-9]+,%xmm|p(xor|unpck)|movnti')
        packed=$((packed + n))
    done
    check '[ $packed = 0 ]' "scalar kernels use $packed packed instructions"
    check '[ "$(awk "/<triad_scalar>:/,/^\$/" "$T/variants.s" | grep -cE "\smulsd\s")" -gt 0 ]' "triad_scalar multiplies with mulsd"
    check '[ "$(awk "/<copy_scalar_nt>:/,/^\$/" "$T/variants.s" | grep -c movnti)" -gt 0 ]' "copy_scalar_nt streams with movnti"
    check '[ "$(awk "/<triad_avx512_nt>:/,/^\$/" "$T/variants.s" | grep -c "vmovntpd.*%zmm")" -gt 0 ]' "triad_avx512_nt streams whole lines"
else
    echo "FAIL: variants object not found in: $3"; failures=$((failures + 1))
fi

if [ -n "$sanitizers" ]; then
    echo "simulated-cache checks skipped in the $sanitizers build (valgrind cannot run sanitized binaries)"
elif ! command -v valgrind >/dev/null; then
    echo "SKIP: valgrind not installed"; exit 77
else
    # Valgrind emulates no AVX-512: scalar and AVX2 kernels.
    sim() { # level traffic record
        "$speedlab" run ceilings --size "$1:traffic=$2" \
            --variants "load_$1_scalar,load_$1_avx2,copy_$1_avx2,triad_$1_avx2" \
            --threads 1 --reps 1 --warmup 0 --counters sim --record "$3" >"$3.out" 2>&1
    }
    per() { jq -r ".results[] | select(.variant == \"$2\") | .simulated_cache.per_unit.$3" "$1"; }
    sim l1 1M "$T/sim-l1.json"; rc=$?
    check '[ $rc = 0 ]' "l1 simulation (exit $rc)"
    sim l2 4M "$T/sim-l2.json"; rc=$?
    check '[ $rc = 0 ]' "l2 simulation (exit $rc)"
    sim l3 16M "$T/sim-l3.json"; rc=$?
    levels="l2 l3"
    if [ $rc != 0 ] && grep -q 'l3 working set is unknown on this machine' "$T/sim-l3.json.out"; then
        echo "l3 simulation skipped: $(grep -m1 'unknown on this machine' "$T/sim-l3.json.out")"
        levels=l2
    else
        check '[ $rc = 0 ]' "l3 simulation (exit $rc)"
        param() { jq -r ".problems[0].parameters.$1" "$T/sim-l3.json"; }
        l2=$(param l2_bytes) l3=$(param l3_bytes) ws=$(param l3_bytes_per_thread)
        check '[ "$ws" -ge $((2 * l2)) ] && [ "$ws" -le $((l3 / 2)) ]' \
            "l3 working set $ws bytes: want at least twice L2 ($l2) and at most half L3 ($l3)"
    fi
    for v in load copy triad; do
        arrays=$(case $v in load) echo 1;; copy) echo 2;; triad) echo 4;; esac)
        for isa in scalar avx2; do
            [ $v != load ] && [ $isa = scalar ] && continue
            d1=$(per "$T/sim-l1.json" "${v}_l1_$isa" d1_misses)
            check 'awk -v m="$d1" "BEGIN { exit !(m != \"\" && m < 0.002) }"' "${v}_l1_$isa: $d1 D1 misses per element (want ~0)"
            for level in $levels; do
                d1=$(per "$T/sim-$level.json" "${v}_${level}_$isa" d1_misses)
                ll=$(per "$T/sim-$level.json" "${v}_${level}_$isa" ll_misses)
                check 'awk -v m="$d1" -v a="$arrays" "BEGIN { exit !(m > 0.9 * a / 8 && m < 1.1 * a / 8) }"' \
                    "${v}_${level}_$isa: $d1 D1 misses per element (want $arrays per 8-element line)"
                check 'awk -v m="$ll" "BEGIN { exit !(m != \"\" && m < 0.002) }"' \
                    "${v}_${level}_$isa: $ll LL misses per element (want ~0)"
            done
        done
    done
fi
echo "$((total - failures)) passed, $failures failed"
[ "$failures" = 0 ]
