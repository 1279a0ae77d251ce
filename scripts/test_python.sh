#!/usr/bin/env bash
# The Python package's tests (called by scripts/test.sh after setup.sh): builds the onnxfn wheel
# from this checkout (scikit-build-core + nanobind over the same CMake core, compiled through
# ccache), installs it into a fresh virtual environment, and runs python/tests (parity with
# build/onnxfn on the zoo and the product-matching bundle, verify against scikit-learn, threads,
# errors) and the Spark test (python/tests_spark, PySpark local[2]). Prints each stage's time.
#   ONNXFN_SPARK_ROWS   pairs in the Spark test (default 1000000)
#   ONNXFN_WHEEL_VENV   where to create the fresh venv (kept afterwards; default a temporary one)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIST=$(mktemp -d)
if [ -n "${ONNXFN_WHEEL_VENV:-}" ]; then
  VENV=$ONNXFN_WHEEL_VENV
  rm -rf "$VENV"
  trap 'rm -rf "$DIST"' EXIT
else
  VENV=/tmp/onnxfn-wheel-venv-$$
  trap 'rm -rf "$DIST" "$VENV"' EXIT
fi
stage() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
t0=$(date +%s)

stage "building the onnxfn wheel (ccache)"
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
.venv/bin/pip wheel -q --no-build-isolation --no-deps --disable-pip-version-check -w "$DIST" \
  -C cmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache -C cmake.define.ONNXFN_WERROR=ON .
t1=$(date +%s)
echo "wheel: $(basename "$DIST"/onnxfn-*.whl) in $((t1 - t0))s" >&2

stage "installing it into a fresh virtual environment"
python3 -m venv "$VENV"
# The test dependencies at the versions .venv pins (pip's cache makes this a local copy).
deps=$(grep -E '^(numpy|pandas|pyarrow|pytest|scikit-learn|skl2onnx|onnx|protobuf|scipy|joblib|threadpoolctl|pyspark)==' tools/requirements.txt)
"$VENV/bin/pip" install -q --disable-pip-version-check "$DIST"/onnxfn-*.whl $deps
t2=$(date +%s)
echo "fresh venv install: $((t2 - t1))s" >&2

stage "Python package tests"
# From outside the checkout, so `import onnxfn` is the installed wheel, not python/onnxfn.
(cd /tmp && ONNXFN_BIN="$ROOT/build/onnxfn" "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/python/tests")
t3=$(date +%s)
echo "package tests: $((t3 - t2))s" >&2

stage "Spark: onnxfn.spark.score on local[2] vs the CLI (${ONNXFN_SPARK_ROWS:-1000000} pairs)"
(cd /tmp && ONNXFN_BIN="$ROOT/build/onnxfn" PYSPARK_PYTHON="$VENV/bin/python" \
  "$VENV/bin/python" -m pytest -q -s -p no:cacheprovider "$ROOT/python/tests_spark")
t4=$(date +%s)
echo "Spark test: $((t4 - t3))s; Python stage total $((t4 - t0))s (wheel $((t1 - t0))s)" >&2
