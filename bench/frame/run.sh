#!/usr/bin/env bash
# The frame benchmark, one command: CSV read throughput (onnxfn's reader vs pandas.read_csv) and the
# product-matching features for 10,000 candidate pairs (`onnxfn features` vs pandas + rapidfuzz), on
# one core, in one run. Prints MB/s, ms and ratios.
#   bash bench/frame/run.sh [--repeats N] [--csv-mb 100] [--json results.json]
# BUILD_DIR (default build) is configured as a Release build if it is not yet; generated data is
# kept in $BUILD_DIR/bench-frame-data. Python packages: tools/requirements.txt and
# bench/frame/requirements.txt, installed into .venv when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build" -j"${JOBS:-2}" onnxfn frame_csv_bench >/dev/null
if [ ! -x "$root/.venv/bin/python" ]; then
  python3 -m venv "$root/.venv"
fi
if ! "$root/.venv/bin/python" -c "import pandas, rapidfuzz, sklearn" 2>/dev/null; then
  "$root/.venv/bin/pip" install -q -r "$root/tools/requirements.txt" -r "$root/bench/frame/requirements.txt"
fi
exec "$root/.venv/bin/python" "$root/bench/frame/run_frame_bench.py" --onnxfn "$build/onnxfn" \
  --csv-bench "$build/bench/frame/frame_csv_bench" --work "$build/bench-frame-data" "$@"
