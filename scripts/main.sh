#!/usr/bin/env bash
# The main job on bundled data: product matching. Sets up (Debian packages, .venv, build/onnxfn),
# generates two retailers' synthetic catalogs (deterministic), matches them with the committed
# bundle (blocking, pair features, the skl2onnx model with its ZipMap output), writes the matches
# and prints the batch summary, then scores the labelled test split through the same path.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
bundle=examples/product-matching/bundle
out=${OUT_DIR:-out}
catalogs="$out/catalogs"
mkdir -p "$out"

log "generating two synthetic catalogs -> $catalogs/"
.venv/bin/python examples/product-matching/generate_catalogs.py --out "$catalogs"
wc -l "$catalogs/tableA.csv" "$catalogs/tableB.csv" | sed '$d'

log "onnxfn batch: blocking, features and the model in chunks -> $out/matches.csv"
build/onnxfn batch --bundle "$bundle" --left "$catalogs/tableA.csv" --right "$catalogs/tableB.csv" \
  --gold "$catalogs/test.csv" --output "$out/matches.csv"
echo "first matches:"
head -n 6 "$out/matches.csv"

log "onnxfn evaluate: precision, recall and F1 on the labelled test split"
build/onnxfn evaluate --bundle "$bundle" --left "$catalogs/tableA.csv" --right "$catalogs/tableB.csv" \
  --pairs "$catalogs/test.csv" | tee "$out/evaluation.txt"
log "done: matches in $out/matches.csv, evaluation in $out/evaluation.txt"
