#!/usr/bin/env bash
# The main job on bundled data: sets up (Debian packages, .venv, build/onnxfn), then inspects a
# bundled scikit-learn model and runs predictions on it from a KServe v2 JSON request and from CSV.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
example=tests/fixtures/zoo/random_forest_clf_multiclass_zipmap
out=${OUT_DIR:-out}
mkdir -p "$out"

log "onnxfn inspect $example/model.onnx"
build/onnxfn inspect "$example/model.onnx"

log "onnxfn predict (KServe v2 JSON request) -> $out/predictions.json"
build/onnxfn predict "$example/model.onnx" --input "$example/request.json" --output "$out/predictions.json"
head -c 600 "$out/predictions.json"; echo " ..."

log "onnxfn predict (CSV) -> $out/predictions_csv.json"
.venv/bin/python - "$example/request.json" "$out/rows.csv" <<'PY'
import csv, json, sys
req = json.load(open(sys.argv[1]))["inputs"][0]
rows, width = req["shape"]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow([f"f{j}" for j in range(width)])
    for r in range(rows):
        w.writerow(["" if v is None else v for v in req["data"][r * width:(r + 1) * width]])
PY
build/onnxfn predict "$example/model.onnx" --input "$out/rows.csv" --output "$out/predictions_csv.json"
log "done: predictions in $out/"
