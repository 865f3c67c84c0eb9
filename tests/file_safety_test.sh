#!/usr/bin/env bash
# Issue 15 through the command line: no output is an input or another output;
# FIFOs and devices as targets and as inputs; one writer per record; the
# record and its CSV table after SIGKILL; a failed --output; bad numbers in a
# record; what cosine says when the kernel overflowed; the edges of --counters,
# --record and schema_version; a huge record exported.
# Usage: file_safety_test.sh SPEEDLAB RECORD_FIXTURE SOURCE_ROOT
set -u
speedlab=$1
fixture=$2
root=$3
T=$(mktemp -d /tmp/speedlab-safety-XXXXXX)
trap 'rm -rf "$T"' EXIT
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

# npy NAME ROWS COLS A B: a float32 .npy whose entries alternate between the
# little-endian float32 bytes A and B (8 hex digits each).
npy() {
    local dict="{'descr': '<f4', 'fortran_order': False, 'shape': ($2, $3), }"
    local len=$(( ${#dict} + 1 )) pair
    pair=$(printf '%s%s' "$4" "$5" | sed 's/../\\x&/g')
    { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $((len % 256)))\\x$(printf %02x $((len / 256)))";
      printf '%s\n' "$dict"
      for _ in $(seq $(($2 * $3 / 2))); do printf "$pair"; done
    } >"$1"
}
quick="--size tiny --threads 1 --reps 1"
cd "$T" || exit 1

# ---- (1) every output differs from every input and every other output ----
npy in.npy 9 4 0000403f 333353bf # 0.75, -0.825
cp in.npy in.copy
expect 2 '--output in\.npy is the same file as --input in\.npy' run cosine --input in.npy --output in.npy --threads 1 --reps 1
expect 2 '--record in\.npy is the same file as --input' run cosine --input in.npy --record in.npy --threads 1 --reps 1
expect 2 '--csv \./in\.npy is the same file as --input' run cosine --input in.npy --csv ./in.npy --threads 1 --reps 1
expect 2 '--gbench in\.npy is the same file as --input' run cosine --input in.npy --gbench in.npy --threads 1 --reps 1
ln in.npy link.npy
expect 2 '--bmf link\.npy is the same file as --input in\.npy' run cosine --input in.npy --bmf link.npy --threads 1 --reps 1
expect 2 '--csv \./r\.json is the same file as --record r\.json' run pairsum $quick --record r.json --csv ./r.json
expect 2 '--gbench sub/\.\./r\.json is the same file as --record' run pairsum $quick --record r.json --gbench sub/../r.json
check 'cmp -s in.npy in.copy && [ ! -e r.json ]' "inputs intact and nothing written after refusals"
cp "$fixture" rec.json
cp rec.json rec.copy
expect 2 '-o \./rec\.json is the same file as record rec\.json' export --format gbench rec.json -o ./rec.json
mkdir -p side
cp rec.json side/one.json
expect 2 '-o side/one\.json is the same file as record side/one\.json' export --format bmf side -o side/one.json
check 'cmp -s rec.json rec.copy && cmp -s side/one.json rec.copy' "export: the records intact"
cp rec.json h1.dat
jq '.started = "2027-01-01T00:00:00Z"' rec.json >h2.dat
if command -v gnuplot >/dev/null; then
    expect 2 '--plot h1\.dat is the same file as record h1\.dat' history h1.dat h2.dat --plot h1
    check 'cmp -s h1.dat rec.copy' "history: the record named h1.dat intact"
fi
mkdir -p cl
cp rec.json cl/claims.json
expect 2 'claims\.json of --out cl/claims\.json is the same file as --record cl/claims\.json' claims F1 --record cl/claims.json --out cl
check 'cmp -s cl/claims.json rec.copy' "claims: the record intact"
mkdir -p cf
cp "$root/claims/claims.json" cf/claims.json
expect 2 'claims\.json of --out cf/claims\.json is the same file as --claims' claims F8 --claims cf/claims.json --out cf
check 'cmp -s cf/claims.json "$root/claims/claims.json"' "claims: the claims file intact"

# ---- (2) and (16): FIFOs and devices ----
mkfifo fifo.json fifo.npy fifo.csv fifo.gb
expect 2 "--record 'fifo\.json' is a FIFO: the record is rewritten after every result" run pairsum $quick --record fifo.json
expect 2 "--csv 'fifo\.csv' is a FIFO: the table is rewritten" run pairsum $quick --record f.json --csv fifo.csv
check '[ -p fifo.json ] && [ -p fifo.csv ] && [ ! -e f.json ]' "FIFOs left FIFOs, nothing written"
# An export format is written once: through a FIFO with a reader.
cat fifo.gb >gb.out &
reader=$!
expect 0 'record: ' run pairsum $quick --variants reduction --record g.json --gbench fifo.gb
wait $reader
check 'jq -e ".benchmarks | length > 0" gb.out >/dev/null && [ -p fifo.gb ]' "--gbench through a FIFO with a reader"
for args in "compare fifo.json rec.json" "history fifo.json rec.json" "export --format bmf fifo.json" \
            "claims F1 --record fifo.json"; do
    # shellcheck disable=SC2086
    expect 2 "cannot read 'fifo\.json': a FIFO, not a regular file" $args
done
expect 2 "fifo\.npy.*(FIFO|not a regular file)" run cosine --input fifo.npy --threads 1 --reps 1 --record i.json
if [ "$(id -u)" = 0 ]; then
    # A character device (like /dev/null) is written through, never replaced.
    mknod null c 1 3 && mknod null2 c 1 3
    expect 0 'record: null' run pairsum $quick --variants reduction --record null --csv null2
    check '[ -c null ] && [ -c null2 ]' "device nodes written through, still devices"
else
    echo "skipped: the device-node case needs mknod (root)"
fi

# ---- (3) one writer per record ----
mkdir -p lock
"$speedlab" run pairsum --size tiny --variants reduction --schedules static --threads 1 --budget 4 \
    --min-reps 1 --max-reps 100000 --quiet --record lock/r.json >lock/first.out 2>&1 &
holder=$!
for _ in $(seq 200); do [ -e lock/.r.json.lock ] && break; sleep 0.05; done
check '[ -e lock/.r.json.lock ]' "the first writer holds lock/.r.json.lock"
expect 2 "lock/r\.json is being written by pid $holder" run pairsum $quick --record lock/r.json
wait $holder
st=$?
check '[ $st = 0 ] && jq -e ".complete and (.results | length) == 1" lock/r.json >/dev/null' "the first writer finished its record (exit $st)"
check '[ ! -e lock/.r.json.lock ]' "the lock file is gone after the run"
# claims is refused a record another command is writing, and leaves it alone.
"$speedlab" run pairsum --size tiny --variants reduction --schedules static --threads 1 --budget 4 \
    --min-reps 1 --max-reps 100000 --quiet --record lock/pairsum.json >/dev/null 2>&1 &
holder=$!
for _ in $(seq 200); do [ -e lock/.pairsum.json.lock ] && break; sleep 0.05; done
timeout 120 "$speedlab" claims T1 --quick --out lock --claims "$root/claims/claims.json" >lock/claims.out 2>lock/claims.err
st=$?
check '[ $st = 1 ] && grep -q "lock/pairsum\.json is being written by pid $holder" lock/claims.err' "claims refused the locked record, naming the holder's pid (exit $st)"
wait $holder
st=$?
check '[ $st = 0 ] && jq -e ".complete and (.results | length) == 1 and .claims == null" lock/pairsum.json >/dev/null' "the holder's record is its own (exit $st)"

# ---- (4) the record and its table after SIGKILL ----
mkdir -p kill
consistent=0 stale=0
# One measurement after another (--no-interleave): the record and its table
# are rewritten all through the run, not only at the end of the size.
for i in 1 2 3 4 5 6; do
    "$speedlab" run pairsum --size tiny --threads 1,2 --variants all --schedules all --budget 0.02 \
        --min-reps 3 --no-interleave --quiet --record kill/r.json >/dev/null 2>&1 &
    victim=$!
    sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
    kill -9 $victim 2>/dev/null
    wait $victim 2>/dev/null
    [ -e kill/r.json ] || continue
    total=$((total + 1))
    id=$(jq -r .run_id kill/r.json) n=$(jq '.results | length' kill/r.json)
    if [ -z "$id" ] || [ -z "$n" ]; then
        fail "kill $i: the record is not whole JSON"; continue
    fi
    line=$(head -1 kill/r.csv 2>/dev/null)
    rows=$(($(wc -l <kill/r.csv 2>/dev/null || echo 2) - 2))
    declared=${line##*results=}
    if [ "$line" = "# speedlab-csv run_id=$id results=$n" ] && [ "$rows" = "$n" ]; then
        consistent=$((consistent + 1))
    elif [ -e kill/r.csv ] && [ "$rows" != "$declared" ]; then
        fail "kill $i: the table holds $rows rows but says $declared"
    else
        # Detectably stale: another run's table, or behind its record.
        stale=$((stale + 1))
        "$speedlab" export --format csv kill/r.json -o kill/r.csv
        [ "$(head -1 kill/r.csv)" = "# speedlab-csv run_id=$id results=$n" ] ||
            fail "kill $i: export --format csv did not make the table current"
    fi
done
echo "SIGKILL: $consistent consistent pairs, $stale detectably stale (made current by export)"
# A stale table made on purpose (an earlier run's, as a kill between the two
# writes of a later run leaves it): detected by its first line, made current.
expect 0 'record: ' run pairsum $quick --variants reduction --record kill/r.json
cp kill/r.csv kill/earlier.csv
expect 0 'record: ' run pairsum $quick --variants reduction --record kill/r.json
cp kill/earlier.csv kill/r.csv
check '[ "$(head -1 kill/r.csv)" != "# speedlab-csv run_id=$(jq -r .run_id kill/r.json) results=$(jq ".results | length" kill/r.json)" ]' "an earlier run's table is detectably stale"
"$speedlab" export --format csv kill/r.json -o kill/r.csv
check '[ "$(head -1 kill/r.csv)" = "# speedlab-csv run_id=$(jq -r .run_id kill/r.json) results=$(jq ".results | length" kill/r.json)" ]' "export --format csv makes it current"
check 'ls -a kill | grep -q "\.tmp\." || true' "(temporaries of killed runs may remain until the next write)"
expect 0 'record: ' run pairsum $quick --variants reduction --record kill/r.json
check '! ls -a kill | grep -q "\.tmp\."' "stale temporaries of killed writers removed by the next run"
check '[ "$(head -1 kill/r.csv)" = "# speedlab-csv run_id=$(jq -r .run_id kill/r.json) results=$(jq ".results | length" kill/r.json)" ]' "the next run's pair consistent"

# ---- (5) --output not written: the record is not complete ----
if [ "$(id -u)" = 0 ]; then
    mknod full.npy c 1 7 # a disk that is always full, like /dev/full
    expect 1 "cannot write 'full\.npy': No space left on device" run cosine $quick --variants rowmajor_fused --output full.npy --record o.json
    check 'jq -e ".complete == false" o.json >/dev/null' "a failed --output: complete is false"
fi
SPEEDLAB_TEST_CORRUPT_OUTPUT=1 expect 3 'INVALID' run gaussmap $quick --variants scalar --schedules static --output g.png --record g2.json
check 'jq -e ".complete == false" g2.json >/dev/null && [ ! -e g.png ]' "--output refused for an invalid result: complete is false, nothing written"
expect 0 'record: ' run gaussmap $quick --variants scalar --schedules static --output g.png --record g3.json
check 'jq -e ".complete == true" g3.json >/dev/null && [ -s g.png ]' "--output written: complete is true"

# ---- (10) bad numbers in a record are refused, naming the field ----
jq '.results[0].times_s[0] = "fast"' rec.json >bad-string.json
jq '.results[1].times_s[2] = null' rec.json >bad-null.json
jq '.results[0].times_s[1] = -0.001' rec.json >bad-negative.json
jq '.results[0].threads = 2.5' rec.json >bad-threads.json
expect 2 'results\[0\]\.times_s\[0\]: must be a number, not a string' compare rec.json bad-string.json
expect 2 'results\[1\]\.times_s\[2\]: must be a number, not null' compare bad-null.json rec.json
expect 2 'results\[0\]\.times_s\[1\]: -0\.001: must be positive' compare rec.json bad-negative.json
expect 2 'results\[0\]\.threads: must be an integer' compare rec.json bad-threads.json
sed 's/"schema_version": 1,/"schema_version": 1.0,/' rec.json >v10.json
expect 2 'schema_version must be an integer, not a real number' compare rec.json v10.json

# ---- (12) cosine's overflow said as such ----
npy big.npy 8 5 b52ad05f c7fbe4df # 3e19, -3.3e19: squares overflow float32
expect 3 'written as inf or NaN' run cosine --input big.npy --variants rowmajor_fused --threads 1 --reps 1 --record big.json
check 'jq -e ".results[0].validation.detail | test(\"pairs written as inf or NaN\") and (test(\"never written\") | not)" big.json >/dev/null' "cosine's detail names inf/NaN, not unwritten pairs"

# ---- (14) --counters, --record '', a long record name ----
if "$speedlab" info | grep -q "^counters .*not built in"; then
    echo "skipped: --counters PAPI_NOPE (built without PAPI: names cannot be checked)"
else
    expect 2 "--counters: 'PAPI_NOPE' is no event PAPI knows here" run pairsum $quick --counters PAPI_NOPE --record n.json
fi
expect 2 "cannot write '': empty file name" run pairsum $quick --record ''
check '[ ! -e n.json ]' "nothing written for refused counters"
long=$(printf 'r%.0s' $(seq 240)).json
expect 0 'record: ' run pairsum $quick --variants reduction --record "$long"
check '[ -s "$long" ] && [ -s "${long%.json}.csv" ] && ! ls -a | grep -q "\.tmp\."' "a 245-character record name works end to end"

# ---- (17) a huge record is exported one result at a time ----
jq -c '.results |= [.[0] | .times_s = [range(2000000) | (1 + (. % 9)) / 10000] | .reps = 2000000]' rec.json >huge.json
echo "huge record: $(stat -c %s huge.json) bytes, 2000000 repetitions"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "export --format bmf of it: %M KiB peak resident, %e s" "$speedlab" export --format bmf huge.json -o huge.bmf
else
    "$speedlab" export --format bmf huge.json -o huge.bmf
fi
check 'jq -e "length == 1" huge.bmf >/dev/null' "the huge record exported"

echo "$((total - failures)) of $total passed"
[ "$failures" = 0 ]
