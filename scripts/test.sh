#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine: unit and parity tests (Release), the same tests
# under ASan + UBSan, the Python checks against ONNX Runtime (zoo drift, ONNX backend node tests,
# differential tests), and each libFuzzer target for a bounded time. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
start=$(date +%s)

# The S3 tests run against a real S3-compatible server (versitygw); here they must not skip.
log "versitygw for the S3 tests"
bash scripts/install_versitygw.sh
export ONNXFN_VERSITYGW="$ROOT/.tools/bin/versitygw" ONNXFN_REQUIRE_S3=1

log "unit, parity and CLI tests (Release)"
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 600)

log "Python checks against ONNX Runtime"
ONNXFN_BINARY="$ROOT/build/onnxfn" .venv/bin/python -m pytest -q -p no:cacheprovider tools tests/conformance

log "Python package: wheel, fresh venv, parity with the CLI, Spark local[2] (times printed)"
bash scripts/test_python.sh

# One clang tree serves both: the tests under ASan + UBSan, and the libFuzzer targets (the
# libraries carry -fsanitize=fuzzer-no-link, which the test binaries link without harm).
log "the same tests under AddressSanitizer and UndefinedBehaviorSanitizer"
# -O1 with line tables only: half the compile time of -O2 -g, and stack traces keep file:line.
CC=clang CXX=clang++ build_onnxfn build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" -DONNXFN_WERROR=ON \
  -DONNXFN_FUZZ=ON -DONNXFN_SANITIZE=address,undefined
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j"$(nproc)" --output-on-failure --timeout 900)

log "fuzzing each parser for ${FUZZ_SECONDS}s"
bash scripts/run_fuzzers.sh build-asan "$FUZZ_SECONDS"

log "all tests passed in $(( $(date +%s) - start ))s"
