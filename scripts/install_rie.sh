#!/usr/bin/env bash
# install_rie.sh: puts the AWS Lambda Runtime Interface Emulator (runs a `bootstrap` the way Lambda
# does, without Docker; used by the tests in tests/lambda/ and bench/lambda/) at
# .tools/bin/aws-lambda-rie, built from the Go module proxy with `go install`. Idempotent: does
# nothing when the pinned version is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=v0.0.0-20261030222936-bef5c4ba774d
BIN_DIR="$ROOT/.tools/bin"
STAMP="$BIN_DIR/aws-lambda-rie.version"
if [ -x "$BIN_DIR/aws-lambda-rie" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
GO=$(command -v go || true)
[ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
if [ -z "$GO" ]; then
  echo "installing Debian's golang-go to build aws-lambda-rie" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends golang-go ca-certificates >/dev/null
  GO=/usr/bin/go
fi
export GOTOOLCHAIN=auto
mkdir -p "$BIN_DIR"
echo "building aws-lambda-rie $VERSION with $("$GO" version)" >&2
start=$(date +%s)
GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false "$GO" install \
  "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$VERSION"
echo "$VERSION" > "$STAMP"
echo "aws-lambda-rie built in $(( $(date +%s) - start ))s" >&2
