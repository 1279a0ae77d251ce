#!/usr/bin/env bash
# install_versitygw.sh: puts versitygw (an S3-compatible server with a posix backend, used by the
# S3 tests in tests/storage/) at .tools/bin/versitygw, built from the Go module proxy with
# `go install`. Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=v1.8.0
BIN_DIR="$ROOT/.tools/bin"
STAMP="$BIN_DIR/versitygw.version"
if [ -x "$BIN_DIR/versitygw" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
# The Go toolchain: on PATH, or the usual /usr/local/go; else Debian's golang-go, which fetches
# the newer toolchain versitygw's go.mod asks for through the module proxy (GOTOOLCHAIN=auto).
GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -z "$GO" ]; then
  echo "installing Debian's golang-go to build versitygw" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends golang-go ca-certificates >/dev/null
  GO=/usr/bin/go
fi
# A Go older than versitygw's go.mod fetches the toolchain it names (as a module, from the proxy).
export GOTOOLCHAIN=auto
mkdir -p "$BIN_DIR"
echo "building versitygw $VERSION with $("$GO" version)" >&2
start=$(date +%s)
GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false "$GO" install "github.com/versity/versitygw/cmd/versitygw@$VERSION"
echo "$VERSION" > "$STAMP"
echo "versitygw built in $(( $(date +%s) - start ))s" >&2
