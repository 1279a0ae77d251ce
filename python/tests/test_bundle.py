"""The product-matching bundle from Python: the same records as `onnxfn predict --bundle`, from
pandas, pyarrow and dicts; features; concurrent threads on one predictor; clear errors."""
from __future__ import annotations

import concurrent.futures

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import onnxfn
from onnxfn_testkit import BUNDLE, cli_predict_bundle, make_pairs, write_csv


@pytest.fixture(scope="module")
def pairs(catalogs) -> pa.Table:
    return make_pairs(catalogs, 3000)


@pytest.fixture(scope="module")
def cli_output(pairs, onnxfn_bin, tmp_path_factory) -> pa.Table:
    tmp = tmp_path_factory.mktemp("cli")
    write_csv(pairs, tmp / "pairs.csv")
    return cli_predict_bundle(onnxfn_bin, BUNDLE, tmp / "pairs.csv", tmp / "scored.csv")


@pytest.fixture(scope="module")
def predictor() -> onnxfn.Predictor:
    return onnxfn.load(BUNDLE)


def assert_same_records(ours: pd.DataFrame, cli: pa.Table) -> None:
    assert list(ours.columns) == cli.column_names
    assert len(ours) == cli.num_rows
    for name in cli.column_names:
        theirs = cli.column(name).to_numpy(zero_copy_only=False)
        mine = ours[name].to_numpy()
        if theirs.dtype.kind == "f":
            np.testing.assert_array_equal(mine.astype(np.float64), theirs, err_msg=name)
        else:
            assert [str(v) for v in mine] == [str(v) for v in theirs], name


def test_bundle_loads_with_its_inputs_and_threshold(predictor):
    assert predictor.is_bundle
    names = [n for n, _ in predictor.inputs]
    assert "left_title" in names and "right_price" in names
    assert 0.0 < predictor.threshold < 1.0


def test_predict_arrow_table_equals_cli_record_for_record(predictor, pairs, cli_output):
    out = predictor.predict(pairs)
    assert isinstance(out, pa.Table)
    assert_same_records(out.to_pandas(), cli_output)
    probability = out.column("probability").to_numpy()
    assert 0.0 < probability.min() < 0.5 < probability.max() <= 1.0  # both classes present


def test_predict_pandas_equals_cli(predictor, pairs, cli_output):
    frame = pairs.to_pandas()
    out = predictor.predict(frame)
    assert isinstance(out, pd.DataFrame)
    assert_same_records(out, cli_output)


def test_predict_dict_of_arrays_equals_cli(predictor, pairs, cli_output):
    data = {name: np.array(pairs.column(name).to_pylist(), dtype=object) for name in pairs.column_names}
    out = predictor.predict(data)
    assert isinstance(out, dict)
    assert_same_records(pd.DataFrame(out), cli_output)


def test_sliced_arrow_input_scores_the_slice(predictor, pairs):
    whole = predictor.predict(pairs).column("probability").to_numpy()
    part = predictor.predict(pairs.slice(1000, 500)).column("probability").to_numpy()
    np.testing.assert_array_equal(part, whole[1000:1500])


def test_features_match_the_cli(predictor, pairs, onnxfn_bin, tmp_path):
    import subprocess

    import pyarrow.csv as pacsv

    small = pairs.slice(0, 400)
    write_csv(small, tmp_path / "p.csv")
    subprocess.run([str(onnxfn_bin), "features", "--bundle", str(BUNDLE), "--input", str(tmp_path / "p.csv"),
                    "--output", str(tmp_path / "f.csv")], check=True, capture_output=True)
    cli = pacsv.read_csv(tmp_path / "f.csv")
    ours = predictor.features(small.to_pandas())
    for name in cli.column_names:
        theirs = cli.column(name).to_numpy(zero_copy_only=False)
        if theirs.dtype.kind == "f":
            np.testing.assert_array_equal(ours[name].to_numpy(dtype=np.float64), theirs, err_msg=name)


def test_concurrent_threads_get_what_a_lone_caller_gets(predictor, pairs):
    expected = predictor.predict(pairs).column("probability").to_numpy()
    chunks = [(i, pairs.slice(i, 250)) for i in range(0, pairs.num_rows, 250)]

    def score(item):
        offset, chunk = item
        return offset, predictor.predict(chunk).column("probability").to_numpy()

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(3):
            for offset, got in pool.map(score, chunks):
                np.testing.assert_array_equal(got, expected[offset : offset + len(got)])


def test_missing_column_raises_bad_input_naming_it(predictor, pairs):
    with pytest.raises(onnxfn.BadInput) as info:
        predictor.predict(pairs.drop_columns(["left_title"]))
    assert "left_title" in str(info.value)
    assert info.value.category == "BadInput"
    assert isinstance(info.value, ValueError) and isinstance(info.value, onnxfn.Error)


def test_unequal_column_lengths_raise_bad_input(predictor):
    with pytest.raises(onnxfn.BadInput, match="rows"):
        predictor.predict({"left_title": np.array(["a", "b"], dtype=object), "right_title": np.array(["a"], dtype=object)})


def test_non_string_objects_raise_bad_input(predictor):
    with pytest.raises(onnxfn.BadInput, match="left_title"):
        predictor.predict({"left_title": np.array([{"x": 1}], dtype=object)})


def test_unsupported_container_raises_bad_input(predictor):
    with pytest.raises(onnxfn.BadInput, match="DataFrame"):
        predictor.predict([["a", "b"]])


def test_missing_path_and_bad_model_raise_their_categories(tmp_path):
    with pytest.raises(onnxfn.Error, match="nope.onnx: no such file") as missing:  # the CLI's exit 3 too
        onnxfn.load(tmp_path / "nope.onnx")
    assert missing.value.category in ("BadInput", "BadModel")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage-not-a-model")
    with pytest.raises((onnxfn.BadModel, onnxfn.Unsupported)) as info:
        onnxfn.load(bad)
    assert "bad.onnx" in str(info.value)


def test_verify_bundle_against_the_estimator_inside_it(predictor, pairs, tmp_path):
    """A copy of the bundle whose model.onnx is a freshly trained scikit-learn model: verify()
    agrees with that estimator, and disagrees with another one."""
    import shutil

    from skl2onnx import to_onnx
    from sklearn.ensemble import GradientBoostingClassifier

    _, _, columns = predictor._core.model_input_columns[0]
    feats = predictor.features(pairs.slice(0, 1500))
    X = np.column_stack([feats.column(c).to_numpy(zero_copy_only=False).astype(np.float64) for c in columns])
    X = np.nan_to_num(X).astype(np.float32)
    y = predictor.predict(pairs.slice(0, 1500)).column("match").to_numpy(zero_copy_only=False).astype(np.int64)
    ours = GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0).fit(X, y)
    other = GradientBoostingClassifier(n_estimators=5, max_depth=1, random_state=0).fit(X, y)
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLE, bundle)
    (bundle / "model.onnx").write_bytes(to_onnx(ours, X[:1]).SerializeToString())
    records = pairs.slice(1500, 500)
    assert onnxfn.verify(bundle, ours, records, atol=1e-4)
    assert not onnxfn.verify(bundle, other, records, atol=1e-4)
