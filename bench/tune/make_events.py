"""Events for `onnxfn tune` on the product-matching bundle (README, "Choosing a memory size").

    .venv/bin/python bench/tune/make_events.py --out /tmp/tune-events [--pairs 10000]

Writes, in --out:
  pairs.json      {"records": [...]}: N candidate pairs of the generated catalogs in the bundle's
                  input layout (left_*/right_* fields), the event onnxfn's function takes;
  features.json   the same pairs as the model's input, an Open Inference Protocol v2 request with
                  X = [N, 48] features computed by `onnxfn features` (the Node.js handler has no
                  feature pipeline: it is handed the features, which favours it);
  node-task/      the Node.js function (bench/lambda/node: index.js, bootstrap, node_modules) with
                  the bundle's model without its ZipMap (onnxruntime-node cannot return ZipMap's
                  sequence of maps: the probabilities stay a [N, 2] tensor).
Deterministic: the same arguments write the same files.
"""
import argparse
import csv
import json
import pathlib
import random
import shutil
import subprocess
import sys

import onnx

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "examples/product-matching/bundle"
ONNXFN = ROOT / "build/onnxfn"
FIELDS = ("title", "description", "brand", "price")


def read_table(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def pairs_of(catalogs, n):
    left, right = read_table(catalogs / "tableA.csv"), read_table(catalogs / "tableB.csv")
    pairs = []
    for split in ("train", "valid", "test"):
        with open(catalogs / f"{split}.csv", newline="") as f:
            pairs += [(r["ltable_id"], r["rtable_id"]) for r in csv.DictReader(f)]
    rng = random.Random(0)
    lids, rids = sorted(left), sorted(right)
    while len(pairs) < n:  # the labelled pairs, then random ones (mostly clear non-matches)
        pairs.append((rng.choice(lids), rng.choice(rids)))
    records = []
    for lid, rid in pairs[:n]:
        rec = {"left_id": lid, "right_id": rid}
        for side, table, key in (("left", left, lid), ("right", right, rid)):
            for field in FIELDS:
                value = table[key][field]
                rec[f"{side}_{field}"] = value if value != "" else None
        records.append(rec)
    return records


def model_without_zipmap(src, dst):
    m = onnx.load(str(src))
    zipmap = next(n for n in m.graph.node if n.op_type == "ZipMap")
    probabilities = zipmap.input[0]
    m.graph.node.remove(zipmap)
    out = next(o for o in m.graph.output if o.name == zipmap.output[0])
    m.graph.output.remove(out)
    m.graph.output.append(onnx.helper.make_tensor_value_info(probabilities, onnx.TensorProto.FLOAT, [None, 2]))
    onnx.checker.check_model(m)
    dst.write_bytes(m.SerializeToString())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=pathlib.Path, required=True)
    ap.add_argument("--pairs", type=int, default=10000)
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    catalogs = out / "catalogs"
    subprocess.run([sys.executable, str(ROOT / "examples/product-matching/generate_catalogs.py"), "--out", str(catalogs)], check=True,
                   stdout=subprocess.DEVNULL)
    records = pairs_of(catalogs, args.pairs)
    (out / "pairs.json").write_text(json.dumps({"records": records}))
    (out / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    subprocess.run([str(ONNXFN), "features", "--bundle", str(BUNDLE), "--input", str(out / "pairs.jsonl"), "--output",
                    str(out / "features.csv")], check=True)
    features = json.loads((BUNDLE / "metadata.json").read_text())["features"]
    with open(out / "features.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    data = [float(r[c]) if r[c] not in ("", "nan", "NaN") else None for r in rows for c in features]
    (out / "features.json").write_text(json.dumps(
        {"inputs": [{"name": "X", "datatype": "FP32", "shape": [len(rows), len(features)], "data": data}]}))
    task = out / "node-task"
    shutil.rmtree(task, ignore_errors=True)
    task.mkdir()
    for name in ("index.js", "bootstrap"):
        shutil.copy(ROOT / "bench/lambda/node" / name, task / name)
    if (ROOT / "bench/node_modules").exists():
        (task / "node_modules").symlink_to(ROOT / "bench/node_modules")
    model_without_zipmap(BUNDLE / "model.onnx", task / "model.onnx")
    print(f"{len(records)} pairs -> {out}/pairs.json ({(out / 'pairs.json').stat().st_size} bytes), "
          f"features -> {out}/features.json, Node.js task -> {task}")


if __name__ == "__main__":
    main()
