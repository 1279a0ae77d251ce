"""Product matching end to end on the synthetic catalogs (examples/product-matching).

generate_catalogs.py writes two retailers' catalogs in the benchmark layout, train.py trains a
compact bundle on them through onnxfn (fit, features, and the test split scored by onnxfn), and
the committed bundle scores freshly generated catalogs. Runs in well under a minute.
"""
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from onnxfn_runner import BINARY, ROOT

EXAMPLE = ROOT / "examples" / "product-matching"


def _run(cmd, **kw):
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300, **kw)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory):
    out = tmp_path_factory.mktemp("catalogs")
    _run([sys.executable, EXAMPLE / "generate_catalogs.py", "--out", out, "--products", "700", "--seed", "11"])
    return out


def test_generator_is_deterministic_and_writes_the_benchmark_layout(catalogs, tmp_path):
    _run([sys.executable, EXAMPLE / "generate_catalogs.py", "--out", tmp_path, "--products", "700", "--seed", "11"])
    for name in ("tableA", "tableB", "train", "valid", "test"):
        assert (catalogs / f"{name}.csv").read_bytes() == (tmp_path / f"{name}.csv").read_bytes(), name
    assert (catalogs / "tableA.csv").read_text().splitlines()[0] == "id,title,description,brand,price"
    assert (catalogs / "test.csv").read_text().splitlines()[0] == "ltable_id,rtable_id,label"
    labels = [line.rsplit(",", 1)[1] for line in (catalogs / "train.csv").read_text().splitlines()[1:]]
    assert 0.1 < labels.count("1") / len(labels) < 0.35  # matches plus several hard negatives each


def test_train_writes_a_bundle_that_onnxfn_scores_with_a_high_f1(catalogs, tmp_path):
    bundle = tmp_path / "bundle"
    res = _run([sys.executable, EXAMPLE / "train.py", "--data", catalogs, "--out", bundle, "--compact", "--jobs", "1",
                "--columns", "title=title,description=description,brand=brand,price=price", "--onnxfn", BINARY])
    figures = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(figures) == {"precision", "recall", "f1"}
    assert figures["f1"] > 0.85, res.stdout
    for name in ("model.onnx", "pipeline.json", "metadata.json", "state/title_idf.tsv", "state/text_idf.tsv"):
        assert (bundle / name).is_file(), name
    metadata = json.loads((bundle / "metadata.json").read_text())
    assert 0 < metadata["threshold"] < 1
    assert metadata["input_schema"]["left_title"] == "string" and "right_price" in metadata["input_schema"]
    spec = json.loads((bundle / "pipeline.json").read_text())
    assert spec["output"]["carry"] == ["left_id", "right_id"]
    assert spec["output"]["probability"] == {"output": "output_probability", "class": "1", "column": "probability"}
    # onnxfn loads the bundle (spec, state, model contract) and scores pair records with it.
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "left_id,right_id,left_title,right_title,left_description,right_description,left_brand,right_brand,left_price,right_price\n"
        "a,b,Sony Bravia KDL-40W600B 40 Inch LED TV,\"Sony KDL40W600B Television 40\"\"\",,,Sony,Sony,499.99,489.00\n"
        "a,c,Sony Bravia KDL-40W600B 40 Inch LED TV,Canon PowerShot CA-16X3150 Digital Camera,,,Sony,Canon,499.99,129.00\n")
    out = _run([BINARY, "predict", "--bundle", bundle, "--input", pairs]).stdout.splitlines()
    assert out[0] == "left_id,right_id,probability,match"
    assert float(out[1].split(",")[2]) > float(out[2].split(",")[2])
    assert out[2].endswith(",false")


def test_committed_bundle_matches_the_default_catalogs(tmp_path):
    """The bundle in the repository works on the catalogs the main job regenerates."""
    spec = importlib.util.spec_from_file_location("pm_train", EXAMPLE / "train.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    data = tmp_path / "data"
    _run([sys.executable, EXAMPLE / "generate_catalogs.py", "--out", data])
    columns = ["title", "description", "brand", "price"]
    pairs = train.read_pairs(data / "test.csv")
    records = tmp_path / "test_pairs.csv"
    train.write_pair_records(records, pairs, train.read_table(data / "tableA.csv", "id", columns),
                             train.read_table(data / "tableB.csv", "id", columns), columns)
    out = _run([BINARY, "predict", "--bundle", EXAMPLE / "bundle", "--input", records]).stdout.splitlines()
    assert out[0] == "left_id,right_id,probability,match" and len(out) == len(pairs) + 1
    predicted = np.array([line.endswith(",true") for line in out[1:]], dtype=int)
    precision, recall, f1 = train.prf(np.array([label for _, _, label in pairs]), predicted)
    assert f1 > 0.9, (precision, recall, f1)
