#!/usr/bin/env bash
# The HTML report of the fixture records opens in headless Chromium with no
# console message and every image loaded.  A copy of the report gets a probe
# script (the report itself has none) that counts loaded images, errors and
# alert() calls into the DOM Chromium dumps; a deliberately broken copy must
# fail the same check, so the check is known to see what it looks for.  The
# report of a record whose every string holds markup (issue 15, item 6:
# fixtures/plot/markup.jq) runs none of it: no alert.
set -u
speedlab=$1
fixtures=$2
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    if [ "${SPEEDLAB_REQUIRE_BROWSER:-0}" = 1 ]; then
        echo "FAIL: no chromium, and SPEEDLAB_REQUIRE_BROWSER=1 (apt-get install chromium)"
        exit 1
    fi
    echo "SKIP: chromium is not installed (scripts/setup installs it)"
    exit 77
fi
T=$(mktemp -d /tmp/speedlab-report-XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$speedlab" plot "$fixtures" --out "$T/out" > "$T/console" 2>&1 || { cat "$T/console"; exit 1; }
figures=$(grep -c '^figure: ' "$T/console")

probe='<script>
window.__errors = [];
window.__alerts = 0;
window.alert = function () { window.__alerts++; };
window.addEventListener("error", function (e) {
  window.__errors.push(String(e.message || (e.target && (e.target.src || e.target.href)) || "error"));
}, true);
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute("data-check",
    "images=" + images.length + " loaded=" + loaded + " errors=" + window.__errors.length +
    " alerts=" + window.__alerts);
});
</script>'

# open COPY: prints "images=N loaded=M errors=E alerts=A consoles=C"
open_in_browser() {
    local page=$1
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --disable-extensions --enable-logging=stderr --v=0 \
        --virtual-time-budget=10000 --dump-dom "file://$page" > "$page.dom" 2> "$page.log"
    local check consoles
    check=$(grep -o 'data-check="[^"]*"' "$page.dom" | sed 's/data-check="//; s/"$//')
    consoles=$(grep -c ':CONSOLE' "$page.log")
    echo "${check:-no-probe-result} consoles=$consoles"
}

awk -v probe="$probe" '{print} /<head>/ && !done {print probe; done = 1}' "$T/out/report.html" > "$T/out/checked.html"
result=$(open_in_browser "$T/out/checked.html")
echo "report: $result"
[ "$result" = "images=$figures loaded=$figures errors=0 alerts=0 consoles=0" ] ||
    fail "report.html in Chromium: $result (expected $figures images, all loaded, no errors, no console messages); $(grep ':CONSOLE' "$T/out/checked.html.log" | head -3)"

# The same check on a copy with a missing image, a console error and an
# alert must fail.
sed 's|</body>|<img src="missing.png"><script>console.error("deliberate"); alert(1)</script></body>|' \
    "$T/out/checked.html" > "$T/out/broken.html"
result=$(open_in_browser "$T/out/broken.html")
echo "broken copy: $result"
[ "$result" = "images=$((figures + 1)) loaded=$figures errors=1 alerts=1 consoles=1" ] ||
    fail "the check does not see a broken image, a console error and an alert: $result"

# Markup in every string of a record: the report shows it and runs none of it.
jq -f "$fixtures/markup.jq" "$fixtures/cosine.json" > "$T/markup.json" || exit 1
"$speedlab" plot "$T/markup.json" --out "$T/markup" > "$T/markup.console" 2>&1 ||
    { cat "$T/markup.console"; exit 1; }
marked=$(grep -c '^figure: ' "$T/markup.console")
awk -v probe="$probe" '{print} /<head>/ && !done {print probe; done = 1}' "$T/markup/report.html" > "$T/markup/checked.html"
result=$(open_in_browser "$T/markup/checked.html")
echo "markup record: $result"
[ "$result" = "images=$marked loaded=$marked errors=0 alerts=0 consoles=0" ] ||
    fail "the report of a record full of markup in Chromium: $result"
grep -q 'alert(1)&lt;/script&gt;' "$T/markup/checked.html.dom" || fail "the record's markup is not shown as text"

# Offline: the SVG links beside the report resolve to files.
for svg in $(grep -o 'href="[^"]*\.svg"' "$T/out/report.html" | sed 's/href="//; s/"$//'); do
    [ -s "$T/out/$svg" ] || fail "report links $svg, which is missing"
done

if [ $failures -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "report_in_browser: all checks passed"
