#!/usr/bin/env bash
# build_arm64.sh: the static arm64 (AWS Graviton) onnxfn in build-arm64/, cross-built with Debian's
# g++-aarch64-linux-gnu against multiarch :arm64 libraries (preset release-arm64), plus qemu-user
# so the tests can run it (qemu-aarch64). Idempotent: installs only what is missing, configures
# once, then builds incrementally (JOBS, default 2). Prints the build time and the binary's size.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS=${JOBS:-2}

# The host tools, and the :arm64 builds of every library src/ links statically (find_library in
# src/CMakeLists.txt and cmake/onnx_proto.cmake). Header-only libraries (Boost, RapidJSON, CLI11,
# Eigen) and protoc stay the host's.
HOST_PACKAGES=(g++-aarch64-linux-gnu qemu-user)
ARM64_PACKAGES=(libprotobuf-dev libre2-dev libutf8proc-dev libminizip-dev zlib1g-dev libmbedtls-dev libdeflate-dev)

missing=()
for p in "${HOST_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
for p in "${ARM64_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p:arm64" 2>/dev/null | grep -q "install ok installed" || missing+=("$p:arm64")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "adding the arm64 architecture to dpkg (multiarch)" >&2
    dpkg --add-architecture arm64
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f build-arm64/build.ninja ]; then
  cmake --preset release-arm64 "${launcher[@]}" >/dev/null
fi
start=$(date +%s)
ninja -C build-arm64 -j"$JOBS" onnxfn
echo "arm64 build: $(( $(date +%s) - start ))s, build-arm64/onnxfn $(stat -c %s build-arm64/onnxfn) bytes" >&2
