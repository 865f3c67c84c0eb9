#!/usr/bin/env bash
# The .npz writer's output is what scipy reads: scipy.sparse.load_npz gives
# back the sample matrix (shape, nnz, every entry in order, dtypes), and each
# member is byte for byte what scipy.sparse.save_npz(..., compressed=False)
# writes for the same matrix; and our reader reads a file scipy wrote.
# Usage: npz_scipy_test.sh TEST_NPZ_BINARY
# Exit 77 (skipped) where no python3 with scipy is found, unless
# SPEEDLAB_REQUIRE_SCIPY=1 (then that is a failure).
set -u
BIN=$1

# Debian's python3-scipy (scripts/setup) lives in /usr/bin/python3, which a
# python3 earlier on PATH (pyenv, a venv) may hide.
PY=""
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import scipy.sparse' 2>/dev/null; then
        PY=$candidate
        break
    fi
done
if [ -z "$PY" ]; then
    if [ "${SPEEDLAB_REQUIRE_SCIPY:-0}" = 1 ]; then
        echo "FAIL: no python3 with scipy (Debian: python3-scipy) and SPEEDLAB_REQUIRE_SCIPY=1" >&2
        exit 1
    fi
    echo "SKIP: no python3 with scipy (Debian: python3-scipy)"
    exit 77
fi

T=$(mktemp -d /tmp/speedlab-npz-scipy-XXXXXX)
trap 'rm -rf "$T"' EXIT
"$BIN" --write-sample "$T/s.npz" >"$T/entries.txt" || { echo "FAIL: writing the sample" >&2; exit 1; }

"$PY" - "$T/s.npz" "$T/entries.txt" <<'EOF'
import io, sys, zipfile
import numpy as np
import scipy, scipy.sparse as sp

path, entries = sys.argv[1], sys.argv[2]
want = np.loadtxt(entries, ndmin=2)
rows, cols = 7, 5
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

m = sp.load_npz(path)
check(m.format == "coo", f"format {m.format}")
check(m.shape == (rows, cols), f"shape {m.shape}")
check(m.nnz == len(want), f"nnz {m.nnz}, want {len(want)}")
check(m.row.dtype == np.int32 and m.col.dtype == np.int32 and m.data.dtype == np.float32,
      f"dtypes {m.row.dtype} {m.col.dtype} {m.data.dtype}")
if m.nnz == len(want):
    check(np.array_equal(m.row, want[:, 0].astype(np.int32)), "rows differ")
    check(np.array_equal(m.col, want[:, 1].astype(np.int32)), "cols differ")
    check(np.array_equal(m.data, want[:, 2].astype(np.float32)), "values differ")

# scipy's own file for the same matrix: the same members, each byte-identical.
ref = io.BytesIO()
sp.save_npz(ref, sp.coo_matrix((want[:, 2].astype(np.float32),
                                (want[:, 0].astype(np.int32), want[:, 1].astype(np.int32))),
                               shape=(rows, cols)), compressed=False)
with zipfile.ZipFile(path) as ours, zipfile.ZipFile(ref) as theirs:
    check(ours.namelist() == theirs.namelist(), f"members {ours.namelist()} vs {theirs.namelist()}")
    for name in theirs.namelist():
        check(name in ours.namelist() and ours.read(name) == theirs.read(name), f"{name} differs from scipy's")
    check(all(i.compress_type == zipfile.ZIP_STORED for i in ours.infolist()), "members are compressed")

if failures:
    print("FAIL: " + "; ".join(failures), file=sys.stderr)
    sys.exit(1)
with open(path + ".scipy.npz", "wb") as out:
    out.write(ref.getvalue())
print(f"ok: scipy {scipy.__version__} loads {m.shape} nnz {m.nnz}; members byte-identical to save_npz")
EOF
[ $? -eq 0 ] || exit 1

# scipy's file through npz_read_coo: the same shape, nnz and entries.
"$BIN" --read "$T/s.npz.scipy.npz" >"$T/read.txt" || { echo "FAIL: reading scipy's file" >&2; exit 1; }
{ echo "7 5 $(wc -l <"$T/entries.txt")"; cat "$T/entries.txt"; } >"$T/want.txt"
if ! cmp -s "$T/want.txt" "$T/read.txt"; then
    echo "FAIL: npz_read_coo of scipy's file differs:" >&2
    diff "$T/want.txt" "$T/read.txt" | head -5 >&2
    exit 1
fi
echo "ok: npz_read_coo reads scipy's own file"
