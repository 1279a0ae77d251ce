"""examples/product-matching/train.py computes its training features through the package when it
is installed: the in-process table equals `onnxfn features --left --right --pairs` (the CLI path it
keeps for environments without the package) value for value."""
from __future__ import annotations

import importlib.util
import json

import numpy as np

from onnxfn_testkit import BUNDLE, ROOT


def load_train():
    spec = importlib.util.spec_from_file_location("pm_train", ROOT / "examples" / "product-matching" / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_in_process_features_equal_the_cli_pair_form(catalogs, onnxfn_bin, tmp_path):
    train = load_train()
    assert train.onnxfn_package is not None  # the wheel is installed here
    columns = ["title", "description", "brand", "price"]
    left = train.read_table(catalogs / "tableA.csv", "id", columns)
    right = train.read_table(catalogs / "tableB.csv", "id", columns)
    pairs = train.read_pairs(catalogs / "valid.csv")[:300]
    pairs_file = tmp_path / "pairs.csv"
    pairs_file.write_text("ltable_id,rtable_id,label\n" + "".join(f"{a},{b},{y}\n" for a, b, y in pairs))
    names = json.loads((BUNDLE / "pipeline.json").read_text())["model_inputs"][0]["columns"]
    ids, X = train.features_in_process(BUNDLE, pairs, left, right, columns, names)
    cli_ids, cli_X = train.features(str(onnxfn_bin), BUNDLE, ["--left", str(catalogs / "tableA.csv"), "--right",
                                    str(catalogs / "tableB.csv"), "--pairs", str(pairs_file)], tmp_path / "g.csv", names)
    assert ids == cli_ids == [(a, b) for a, b, _ in pairs]
    assert X.shape == (len(pairs), len(names))
    np.testing.assert_array_equal(X, cli_X)
