#!/usr/bin/env bash
# The benchmark harness, one command: sets up (Debian packages, .venv, build/onnxfn, Node.js and
# onnxruntime-node from bench/package-lock.json), then runs bench/run_bench.py, which prints the
# table of medians and ratios (README "Performance", docs/benchmarks.md).
#   bash bench/run.sh [run_bench.py options, e.g. --models rf_100x8 --batches 10000]
# ONNXFN_BINARY=path/to/onnxfn times another build of onnxfn (default: build/onnxfn).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"
# Node.js and npm run onnxruntime-node; GNU time measures each runtime's peak RSS.
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ ! -x /usr/bin/time ]; then
  log "installing Node.js, npm and GNU time (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm time >/dev/null
fi
if [ ! -d bench/node_modules/onnxruntime-node ]; then
  log "installing onnxruntime-node from bench/package-lock.json"
  # --ignore-scripts: its install script tries to download CUDA files; the CPU library ships in the package.
  (cd bench && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
# OPENBLAS_* are set on some machines for old OpenBLAS builds; neither runtime benchmarked uses BLAS.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/run_bench.py "$@"
