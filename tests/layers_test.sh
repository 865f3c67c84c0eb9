#!/usr/bin/env bash
# The layers of harness/ (ARCHITECTURE.md), checked on every #include "x/y.h":
#   kit < results < measure < reporters < analysis < figures < cli
# A file of harness/LAYER includes headers of its own layer and of lower
# ones, each named by its layer ("kit/util.h"); a kernel (kernels/NAME/)
# includes only kit/ and its own folder.  No header reaches itself through
# its includes (no include circle).
#
# Usage: layers_test.sh SOURCE_ROOT
# The rules are checked on the tree, and then shown to fail on deliberate
# violations made in a temporary copy (a test that cannot fail is no test).
set -u
root=$1
layers="kit results measure reporters analysis figures cli"

rank_of() {
    local i=0 l
    for l in $layers; do
        [ "$l" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo -1
}

# check_tree ROOT: prints one line per violation; exit status 1 if any.
check_tree() {
    local tree=$1 out edges f dir inc first own rank inc_rank target kernel
    out=$(mktemp) edges=$(mktemp)
    while IFS= read -r f; do
        dir=$(dirname "$f")
        while IFS= read -r inc; do
            first=${inc%%/*}
            [ "$first" = "$inc" ] && first=
            case $f in
            harness/*)
                own=$(echo "$f" | cut -d/ -f2)
                rank=$(rank_of "$own")
                if [ -z "$first" ]; then
                    # Generated headers (build_info.h) are not in the tree.
                    if [ -n "$(find "$tree/harness" -name "$inc" -print -quit)" ]; then
                        echo "$f: #include \"$inc\" does not name its layer" >>"$out"
                    fi
                    continue
                fi
                inc_rank=$(rank_of "$first")
                if [ "$rank" -lt 0 ]; then
                    echo "$f: harness/$own is not a layer ($layers)" >>"$out"
                elif [ "$inc_rank" -lt 0 ]; then
                    echo "$f: #include \"$inc\": '$first' is not a layer of harness/" >>"$out"
                elif [ "$inc_rank" -gt "$rank" ]; then
                    echo "$f: #include \"$inc\": $own may not include $first (a higher layer)" >>"$out"
                fi
                target=harness/$inc
                ;;
            kernels/*/*)
                kernel=$(echo "$f" | cut -d/ -f2)
                if [ -n "$first" ] && [ "$first" != kit ] && [ "$first" != "$kernel" ]; then
                    echo "$f: #include \"$inc\": a kernel includes only kit/ and its own folder" >>"$out"
                fi
                if [ -z "$first" ]; then target=$dir/$inc
                elif [ "$first" = kit ]; then target=harness/$inc
                else target=kernels/$inc
                fi
                ;;
            *)
                [ -z "$first" ] && target=$dir/$inc || target=kernels/$inc
                [ "$first" = kit ] && target=harness/$inc
                ;;
            esac
            # Edges between headers of the tree, for the circle check.
            case $f in *.h) [ -f "$tree/$target" ] && echo "$f $target" >>"$edges" ;; esac
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$tree/$f")
    done < <(cd "$tree" && find harness kernels -name '*.[ch]' | sort)
    # tsort names the headers of a circle and fails.
    if ! tsort "$edges" >/dev/null 2>"$edges.err"; then
        echo "include circle between headers: $(grep -v 'input contains a loop' "$edges.err" | sed 's/^tsort: //' | tr '\n' ' ')" >>"$out"
    fi
    cat "$out"
    local n
    n=$(wc -l <"$out")
    rm -f "$out" "$edges" "$edges.err"
    [ "$n" = 0 ]
}

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if ! check_tree "$root"; then
    fail "the source tree breaks the layering (lines above)"
fi

# Deliberate violations in a copy: each must be caught, and name the file.
T=$(mktemp -d /tmp/speedlab-layers-XXXXXX)
trap 'rm -rf "$T"' EXIT
fresh_copy() {
    rm -rf "$T/tree"
    mkdir -p "$T/tree"
    cp -r "$root/harness" "$root/kernels" "$T/tree/"
}
expect_caught() {
    local what=$1 pattern=$2
    if check_tree "$T/tree" >"$T/out"; then
        fail "$what: not caught"
    elif ! grep -q -- "$pattern" "$T/out"; then
        fail "$what: caught without naming it ($(head -2 "$T/out"))"
    fi
}

fresh_copy
echo '#include "cli/cli.h"' >>"$T/tree/harness/kit/util.h"
expect_caught "kit including cli" "harness/kit/util.h: #include \"cli/cli.h\": kit may not include cli"

fresh_copy
echo '#include "figures/plot.h"' >>"$T/tree/harness/analysis/claims.c"
expect_caught "analysis including figures" "harness/analysis/claims.c: .*analysis may not include figures"

fresh_copy
echo '#include "measure/runner.h"' >>"$T/tree/kernels/stream/stream.c"
expect_caught "a kernel including measure" "kernels/stream/stream.c: .*a kernel includes only kit/"

fresh_copy
echo '#include "cosine/cosine.h"' >>"$T/tree/kernels/stream/stream.h"
expect_caught "a kernel including another kernel" "kernels/stream/stream.h: .*a kernel includes only kit/"

fresh_copy
echo '#include "util.h"' >>"$T/tree/harness/kit/files.c"
expect_caught "an include without its layer" "harness/kit/files.c: #include \"util.h\" does not name its layer"

# A circle within one layer: kit/util.h <-> kit/files.h.
fresh_copy
echo '#include "kit/util.h"' >>"$T/tree/harness/kit/files.h"
echo '#include "kit/files.h"' >>"$T/tree/harness/kit/util.h"
expect_caught "an include circle" "include circle between headers: .*kit/"

if [ "$failures" = 0 ]; then
    echo "layers: kit < results < measure < reporters < analysis < figures < cli hold; no include circle; 6 deliberate violations caught"
fi
[ "$failures" = 0 ]
