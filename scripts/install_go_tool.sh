#!/usr/bin/env bash
# install_go_tool.sh NAME MODULE/cmd/NAME VERSION: puts a Go tool the tests run (versitygw, the AWS
# Lambda Runtime Interface Emulator) at .tools/bin/NAME, built from the Go module proxy with
# `go install`. Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: install_go_tool.sh NAME PACKAGE VERSION" >&2; exit 2; }
NAME=$1 PACKAGE=$2 VERSION=$3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$ROOT/.tools/bin"
STAMP="$BIN_DIR/$NAME.version"
if [ -x "$BIN_DIR/$NAME" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
# The Go toolchain: on PATH, or the usual /usr/local/go; else Debian's golang-go, which fetches
# the newer toolchain a module's go.mod asks for through the module proxy (GOTOOLCHAIN=auto).
GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -z "$GO" ]; then
  echo "installing Debian's golang-go to build $NAME" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends golang-go ca-certificates >/dev/null
  GO=/usr/bin/go
fi
export GOTOOLCHAIN=auto
mkdir -p "$BIN_DIR"
echo "building $NAME $VERSION with $("$GO" version)" >&2
start=$(date +%s)
GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false "$GO" install "$PACKAGE@$VERSION"
echo "$VERSION" > "$STAMP"
echo "$NAME built in $(( $(date +%s) - start ))s" >&2
