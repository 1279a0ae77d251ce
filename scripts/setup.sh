#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine (run as root): Debian packages by name, the
# Python tooling in .venv (pinned in tools/requirements.txt), and a Release build of onnxfn at
# build/onnxfn. Sourced by scripts/main.sh and scripts/test.sh; safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(
  g++ cmake ninja-build pkg-config
  protobuf-compiler libprotobuf-dev libonnx-dev   # ONNX loading (protobuf-lite from onnx.proto)
  libcli11-dev rapidjson-dev libeigen3-dev        # command line, JSON, linear algebra
  libgtest-dev libbenchmark-dev                   # tests and kernel benchmarks
  clang libclang-rt-14-dev                        # libFuzzer targets
  libutf8proc-dev libre2-dev                      # text functions: Unicode, linear-time regexes
  libminizip-dev zlib1g-dev                       # zip bundles
  libdeflate-dev                                  # function.zip at maximum deflate (onnxfn package)
  libboost-dev libmbedtls-dev ca-certificates     # HTTP server and client, TLS, S3 (serve/, net/, storage/)
  openssl                                         # tests: a loopback TLS server (s_server)
  tzdata                                          # IANA zones for schedules (/usr/share/zoneinfo)
  wrk                                             # onnxfn serve's benchmark (bench/serve)
  python3-venv python3-dev                        # .venv; the Python package's extension headers
  openjdk-17-jre-headless                         # PySpark in the Python package's Spark test
  ccache                                          # the wheel's compile (scripts/test_python.sh)
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

setup_python() {
  local stamp=.venv/.requirements.sha256
  local want
  want=$(sha256sum tools/requirements.txt | cut -d' ' -f1)
  if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "setting up the Python environment in .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r tools/requirements.txt
    echo "$want" > "$stamp"
  fi
  # The KServe client pins a protobuf older than onnx's: it gets an environment of its own, used
  # only by tests/conformance/test_serve_kserve.py.
  stamp=.venv-kserve/.requirements.sha256
  want=$(sha256sum tools/requirements-kserve.txt | cut -d' ' -f1)
  if [ ! -x .venv-kserve/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "setting up the KServe client environment in .venv-kserve"
    python3 -m venv .venv-kserve
    .venv-kserve/bin/pip install -q --disable-pip-version-check -r tools/requirements-kserve.txt
    echo "$want" > "$stamp"
  fi
}

# build_onnxfn DIR [cmake args...]: configure once, then build incrementally. The configurations
# are the presets of CMakePresets.json (e.g. build_onnxfn build --preset release).
build_onnxfn() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  fi
  log "building in $dir"
  # Compiler messages as they come, progress every 10% instead of a line per file (the whole log
  # is kept in $dir/ninja.log); a failed build stops the script.
  local status=0 errexit=0
  [[ $- == *e* ]] && errexit=1
  set +e
  NINJA_STATUS="[%f/%t] " ninja -C "$dir" -j"$(nproc)" 2>&1 | tee "$dir/ninja.log" | awk '
    /^\[[0-9]+\/[0-9]+\] / {
      split(substr($1, 2), n, "/"); pct = int(100 * n[1] / n[2])
      if (pct >= next_pct) { printf "  %3d%% (%d/%d targets)\n", pct, n[1], n[2]; fflush(); next_pct = pct - pct % 10 + 10 }
      next
    }
    /^ninja: (Entering|no work)/ { next }
    { print; fflush() }'
  status=${PIPESTATUS[0]}
  ((errexit)) && set -e
  return "$status"
}

install_apt_packages
setup_python
build_onnxfn build --preset release
