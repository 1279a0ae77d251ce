#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine: unit and parity tests (Release), the same tests
# under ASan + UBSan, the Python checks against ONNX Runtime (zoo drift, ONNX backend node tests,
# differential tests), and each libFuzzer target for a bounded time. Exits non-zero on any failure.
set -euo pipefail
start=$(date +%s)
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

# Each stage's wall time, printed as it ends and again in a table at the end (CI reads them).
stage_times=()
stage_name="set-up: packages, Python environments, Release build"
stage_start=$start
stage() {
  local now
  now=$(date +%s)
  stage_times+=("$(printf '%6ds  %s' $((now - stage_start)) "$stage_name")")
  log "stage done in $((now - stage_start))s: $stage_name"
  stage_name=$1
  stage_start=$now
  log "$1"
}

# The S3 tests run against a real S3-compatible server (versitygw); here they must not skip.
stage "versitygw for the S3 tests"
bash scripts/install_versitygw.sh
export ONNXFN_VERSITYGW="$ROOT/.tools/bin/versitygw" ONNXFN_REQUIRE_S3=1

# The Lambda tests run the bootstrap under the real Runtime Interface Emulator; here they must not skip.
stage "aws-lambda-rie and the deployment checkers for the Lambda tests"
bash scripts/install_rie.sh
bash scripts/install_lambda_tools.sh
export ONNXFN_RIE="$ROOT/.tools/bin/aws-lambda-rie" ONNXFN_REQUIRE_RIE=1

stage "unit, parity and CLI tests (Release)"
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 600)

stage "Python checks: ONNX Runtime parity, serve clients, durable jobs, Lambda emulator"
ONNXFN_BINARY="$ROOT/build/onnxfn" .venv/bin/python -m pytest -q -p no:cacheprovider tools tests/conformance

stage "Python package: wheel, fresh venv, parity with the CLI, Spark local[2] (times printed)"
# 250,000 pairs keep the Spark comparison to about a minute on 2 cores (ONNXFN_SPARK_ROWS=1000000 for
# the full table: 173 s for Spark, 103 s for the CLI on the shared development machine).
ONNXFN_SPARK_ROWS=${ONNXFN_SPARK_ROWS:-250000} bash scripts/test_python.sh

# The arm64 (Graviton) binary: cross-built with Debian's g++-aarch64-linux-gnu (preset release-arm64,
# multiarch :arm64 libraries), then run under qemu-aarch64: --version, inspect, zoo predictions
# against ONNX Runtime, the product-matching bundle against the x86_64 output, package --arch arm64,
# and that zip's bootstrap as the function under aws-lambda-rie (tests/arm64/test_arm64_lambda.py).
stage "arm64: cross build (scripts/build_arm64.sh) and its checks under qemu-aarch64"
bash scripts/build_arm64.sh
ONNXFN_BINARY="$ROOT/build/onnxfn" ONNXFN_ARM64_BINARY="$ROOT/build-arm64/onnxfn" \
  .venv/bin/python -m pytest -q -p no:cacheprovider tests/arm64

# One clang tree serves both: the tests under ASan + UBSan, and the libFuzzer targets (the
# libraries carry -fsanitize=fuzzer-no-link, which the test binaries link without harm).
stage "the same tests under AddressSanitizer and UndefinedBehaviorSanitizer"
# Preset asan-ubsan (CMakePresets.json): clang at -O1 with line tables only (half the compile time
# of -O2 -g, and stack traces keep file:line), ONNXFN_FUZZ=ON, ONNXFN_SANITIZE=address,undefined.
build_onnxfn build-asan --preset asan-ubsan
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j"$(nproc)" --output-on-failure --timeout 900)

stage "fuzzing each parser for ${FUZZ_SECONDS}s"
bash scripts/run_fuzzers.sh build-asan "$FUZZ_SECONDS"

stage "done"
printf '%s\n' "stage times:" "${stage_times[@]}"
log "all tests passed in $(( $(date +%s) - start ))s"
