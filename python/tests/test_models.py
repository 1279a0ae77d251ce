"""Bare ONNX models from Python: every zoo model answers what `onnxfn predict` answers (the same
tensors, ZipMap maps included), verify() against scikit-learn, and tensor errors."""
from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

import onnxfn
from onnxfn_testkit import ZOO

CASES = json.loads((ZOO / "index.json").read_text())["cases"]
NUMPY = {"FP32": np.float32, "FP64": np.float64, "INT64": np.int64, "INT32": np.int32, "BOOL": np.bool_,
         "UINT8": np.uint8}


def request_tensors(case: str) -> dict:
    request = json.loads((ZOO / case / "request.json").read_text())
    out = {}
    for t in request["inputs"]:
        if t["datatype"] == "BYTES":
            out[t["name"]] = np.array(t["data"], dtype=object).reshape(t["shape"])
        else:
            out[t["name"]] = np.array(t["data"], dtype=NUMPY[t["datatype"]]).reshape(t["shape"])
    return out


def assert_same_output(ours, theirs: dict, name: str) -> None:
    if theirs["datatype"] == "JSON":  # ZipMap: a list of {class: probability}
        assert len(ours) == len(theirs["data"]), name
        for mine, row in zip(ours, theirs["data"]):
            assert {str(k): np.float32(v) for k, v in mine.items()} == {k: np.float32(v) for k, v in row.items()}, name
        return
    ours = np.asarray(ours)
    assert list(ours.shape) == theirs["shape"], name
    if theirs["datatype"] == "BYTES":
        assert ours.ravel().tolist() == theirs["data"], name
    else:
        expected = np.array(theirs["data"], dtype=ours.dtype).reshape(theirs["shape"])
        np.testing.assert_array_equal(ours, expected, err_msg=name)


@pytest.mark.parametrize("case", CASES)
def test_zoo_model_answers_as_the_cli(case, onnxfn_bin):
    model = ZOO / case / "model.onnx"
    cli = subprocess.run([str(onnxfn_bin), "predict", str(model), "--input", str(ZOO / case / "request.json")],
                         capture_output=True, text=True)
    if cli.returncode != 0:  # the CLI refuses: Python raises the same category
        category = {2: onnxfn.BadInput, 3: (onnxfn.BadModel, onnxfn.Unsupported), 4: onnxfn.ResourceLimit}
        with pytest.raises(category[cli.returncode]):
            onnxfn.load(model).infer(request_tensors(case))
        return
    answer = json.loads(cli.stdout)
    ours = onnxfn.load(model).infer(request_tensors(case))
    assert list(ours) == [o["name"] for o in answer["outputs"]]
    for theirs in answer["outputs"]:
        assert_same_output(ours[theirs["name"]], theirs, f"{case}/{theirs['name']}")


def test_wrong_input_dtype_and_name_raise_bad_input():
    p = onnxfn.load(ZOO / "logreg_binary_zipmap" / "model.onnx")
    name = p.inputs[0][0]
    with pytest.raises(onnxfn.BadInput, match=name):
        p.infer({name: np.zeros((3, 5), dtype=np.int64)})
    with pytest.raises(onnxfn.BadInput):
        p.infer({"not_an_input": np.zeros((3, 5), dtype=np.float32)})
    with pytest.raises(onnxfn.BadInput):
        p.infer({name: np.zeros((3, 2), dtype=np.float32)})
    with pytest.raises(onnxfn.BadInput, match="records"):
        p.predict({"a": np.zeros(3)})


@pytest.fixture(scope="module")
def sklearn_models(tmp_path_factory):
    from skl2onnx import to_onnx
    from sklearn.datasets import make_classification, make_regression
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression

    tmp = tmp_path_factory.mktemp("sk")
    X, y = make_classification(n_samples=600, n_features=8, n_informative=5, random_state=0)
    X = X.astype(np.float32)
    Xr, yr = make_regression(n_samples=400, n_features=6, random_state=1)
    Xr = Xr.astype(np.float32)
    models = {
        "gbc": (GradientBoostingClassifier(n_estimators=30, random_state=0).fit(X, y), X),
        "logreg": (LogisticRegression(max_iter=500).fit(X, y), X),
        "rfr": (RandomForestRegressor(n_estimators=20, max_depth=6, random_state=0).fit(Xr, yr), Xr),
    }
    out = {}
    for name, (est, data) in models.items():
        path = tmp / f"{name}.onnx"
        path.write_bytes(to_onnx(est, data[:1]).SerializeToString())
        out[name] = (path, est, data)
    return out


@pytest.mark.parametrize("name", ["gbc", "logreg", "rfr"])
def test_verify_agrees_with_scikit_learn(sklearn_models, name):
    path, est, X = sklearn_models[name]
    report = onnxfn.load(path).verify(est, X, atol=1e-4)
    assert report.ok, report
    assert report.rows == len(X)
    assert report.max_abs_diff < 1e-4


def test_verify_catches_a_different_estimator(sklearn_models):
    path, _, X = sklearn_models["gbc"]
    _, other, _ = sklearn_models["logreg"]
    report = onnxfn.verify(path, other, X)
    assert not report.ok
    assert report.max_abs_diff > 0.01
