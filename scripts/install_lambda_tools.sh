#!/usr/bin/env bash
# install_lambda_tools.sh: the Serverless Framework v3 (npm, pinned by tools/serverless/package-lock.json)
# that the package tests run `serverless package` with. samtranslator and cfn-lint come with the
# Python tooling (tools/requirements.txt). Idempotent: `npm ci` only when the lock file changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/tools/serverless"
STAMP="$DIR/node_modules/.lock.sha256"
want=$(sha256sum "$DIR/package-lock.json" | cut -d' ' -f1)
if [ -x "$DIR/node_modules/.bin/serverless" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "install_lambda_tools.sh: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
start=$(date +%s)
# No install scripts: the framework runs from its JavaScript; nothing needs building.
(cd "$DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
echo "$want" > "$STAMP"
echo "serverless installed in $(( $(date +%s) - start ))s" >&2
