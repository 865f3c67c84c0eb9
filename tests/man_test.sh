#!/usr/bin/env bash
# The man page help2man wrote at build time (CMakeLists.txt): it exists, has
# the sections a man page needs and every visible command, carries the
# program's version, and groff renders it without a warning.
set -u
page=$1
help2man=$2
speedlab=$3
if [ -z "$help2man" ] || [[ $help2man == *NOTFOUND ]]; then
    if [ "${SPEEDLAB_REQUIRE_MAN:-0}" = 1 ]; then
        echo "FAIL: help2man was not found when this build was configured, and SPEEDLAB_REQUIRE_MAN=1 (scripts/setup installs it)"
        exit 1
    fi
    echo "SKIP: help2man was not found when this build was configured (scripts/setup installs it)"
    exit 77
fi
failures=0
total=0
check() { total=$((total + 1)); if ! eval "$1"; then echo "FAIL: $2"; failures=$((failures + 1)); fi; }

check '[ -s "$page" ]' "$page exists"
version=$("$speedlab" --version | head -1)
check 'grep -q "^\.TH SPEEDLAB \"1\" .* \"$version\" \"User Commands\"$" "$page"' "header names '$version'"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES FILES "SEE ALSO"; do
    check 'grep -q "^\.SH \"\?$section\"\?$" "$page"' "section $section"
done
check 'lexgrog "$page" | grep -q "speedlab - benchmarks SIMD- and cache-optimised parallel kernels"' \
    "lexgrog reads the NAME line (whatis, apropos)"
# Every command 'speedlab --help' lists is in the page.
for command in $("$speedlab" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'); do
    check 'grep -q "^$command\b" "$page"' "command $command in the page"
done
check '[ "$("$speedlab" --help | sed -n "/^Commands:/,/^\$/p" | grep -c "^  [a-z]")" -ge 8 ]' \
    "the --help the page is made from lists the commands"
# -ww: every warning; -z: no output, only the diagnostics.
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
check '[ -z "$warnings" ]' "groff renders it without warnings: $warnings"

echo "$((total - failures)) passed, $failures failed"
[ "$failures" = 0 ]
