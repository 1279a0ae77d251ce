"""Differential test: many random models, run by ONNX Runtime (the oracle) and by onnxfn, must agree.

Models are generated deterministically from fixed seeds, so a CI failure reproduces locally:
  * tree ensembles built directly with onnx.helper (differential_trees.py): TreeEnsembleRegressor and
    TreeEnsembleClassifier at ai.onnx.ml 1-4, TreeEnsemble at ai.onnx.ml 5, with the attribute variants
    converters never emit;
  * scikit-learn models with random hyperparameters converted by skl2onnx (differential_sklearn.py);
  * scikit-learn pipelines: imputation + scaling + a model, ColumnTransformer with one-hot strings.
Each test below is one family; it checks every seed (onnxfn at --threads 1 and 2) and then fails with
every mismatch found: family, seed, generator choices, the first differing row, and a command that
reproduces it. A generated model ONNX Runtime rejects is skipped (not a valid test); onnxfn rejecting a
model ONNX Runtime accepts is a failure.

ONNXFN_DIFFERENTIAL_SEEDS=k multiplies the number of seeds per family (for local soak runs);
ONNXFN_DIFFERENTIAL_KEEP=dir copies failing models and requests there.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

import differential_sklearn as sk
import differential_trees as trees
from differential_harness import Case, compare_outputs, run_family
from onnxfn_runner import run_predict_named

SCALE = float(os.environ.get("ONNXFN_DIFFERENTIAL_SEEDS", "1"))


def seeds(base: int, count: int) -> range:
    """`count` fixed seeds for one family (scaled by ONNXFN_DIFFERENTIAL_SEEDS)."""
    return range(base, base + max(1, round(count * SCALE)))


# ---------------------------------------------------------------- tree ensembles built with onnx.helper


def test_tree_ensemble_regressor_v1(tmp_path):
    run_family("tree_ensemble_regressor_v1", lambda s: trees.tree_regressor(s, 1), seeds(10_000, 16), tmp_path)


def test_tree_ensemble_regressor_v3(tmp_path):
    run_family("tree_ensemble_regressor_v3", lambda s: trees.tree_regressor(s, 3), seeds(20_000, 16), tmp_path)


def test_tree_ensemble_classifier_v1(tmp_path):
    run_family("tree_ensemble_classifier_v1", lambda s: trees.tree_classifier(s, 1), seeds(30_000, 16), tmp_path)


def test_tree_ensemble_classifier_v3(tmp_path):
    run_family("tree_ensemble_classifier_v3", lambda s: trees.tree_classifier(s, 3), seeds(40_000, 16), tmp_path)


def test_tree_ensemble_v5(tmp_path):
    run_family("tree_ensemble_v5", trees.tree_ensemble_v5, seeds(50_000, 20), tmp_path)


# ---------------------------------------------------------------- scikit-learn models through skl2onnx


def test_sklearn_forests(tmp_path):
    run_family("sklearn_forests", sk.forest, seeds(60_000, 12), tmp_path)


def test_sklearn_boosting(tmp_path):
    run_family("sklearn_boosting", sk.boosting, seeds(70_000, 12), tmp_path)


def test_sklearn_linear(tmp_path):
    run_family("sklearn_linear", sk.linear, seeds(80_000, 12), tmp_path)


def test_sklearn_svm(tmp_path):
    run_family("sklearn_svm", sk.svm, seeds(90_000, 8), tmp_path)


def test_sklearn_neighbors(tmp_path):
    run_family("sklearn_neighbors", sk.neighbors, seeds(100_000, 6), tmp_path)


def test_sklearn_mlp(tmp_path):
    run_family("sklearn_mlp", sk.mlp, seeds(110_000, 6), tmp_path)


# ---------------------------------------------------------------- scikit-learn pipelines


def test_pipeline_impute_scale(tmp_path):
    run_family("pipeline_impute_scale", sk.impute_scale_pipeline, seeds(120_000, 8), tmp_path)


def test_pipeline_column_transformer(tmp_path):
    run_family("pipeline_column_transformer", sk.column_transformer_pipeline, seeds(130_000, 8), tmp_path)


# ---------------------------------------------------------------- preconditions of the comparison


def test_double_inputs_reach_the_model_exactly(tmp_path):
    """FP64 request values must reach the model bit-exact: the tree families feed doubles that sit exactly
    on (or one ulp beside) split thresholds, so a parser off by one ulp flips branches (failures in the
    double-input tree cases that this test explains)."""
    graph = helper.make_graph([helper.make_node("Identity", ["X"], ["Y"])], "echo",
                              [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None])],
                              [helper.make_tensor_value_info("Y", TensorProto.DOUBLE, [None])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    onnx.save(model, str(tmp_path / "echo.onnx"))
    rng = np.random.default_rng(7)
    X = np.concatenate([[-255.24398803710938, 1182.8759765625002, 5e-324, 1.7976931348623157e308],
                        rng.normal(size=500) * 10.0 ** rng.uniform(-8, 8, 500)])
    code, outputs, stderr = run_predict_named(tmp_path / "echo.onnx", [("X", X)])
    assert code == 0, stderr
    got = dict(outputs)["Y"]
    wrong = np.flatnonzero(got != X)
    assert not wrong.size, (f"{wrong.size} of {X.size} doubles changed on the way in, e.g. "
                            + ", ".join(f"{X[i]!r} -> {got[i]!r}" for i in wrong[:5]))


# ---------------------------------------------------------------- the comparison itself


def test_comparison_flags_real_differences():
    """The comparator must catch what the families rely on it to catch, and tolerate only rounding."""
    case = Case(describe={}, model=None, feeds=[("X", np.zeros((2, 1), np.float32))], class_labels=[3, 7])
    probs = np.array([[0.25, 0.75], [0.5, 0.5]], np.float32)
    expected = [("label", np.array([7, 3], np.int64)), ("probabilities", probs),
                ("zipmap", [{3: 0.25, 7: 0.75}, {3: 0.5, 7: 0.5}])]

    def failures(**replace):
        got = [(name, replace.get(name, value)) for name, value in expected]
        got = [(n, [{str(k): v for k, v in row.items()} for row in v] if n == "zipmap" else v) for n, v in got]
        return compare_outputs(case, expected, got)[0]

    assert failures() == []
    assert failures(probabilities=probs + np.float32(5e-6)) == []  # within 1e-5
    assert failures(probabilities=probs + np.float32(5e-5))  # beyond
    assert failures(probabilities=probs.astype(np.float64))  # element type
    assert failures(probabilities=probs[:, :1])  # shape
    assert failures(label=np.array([7, 7], np.int64))  # an exact tie must pick the same (first) class
    assert failures(zipmap=[{3: 0.25, 7: 0.75}, {3: 0.5, 7: 0.6}])
    assert failures(zipmap=[{3: 0.25, 7: 0.75}, {3: 0.5, 8: 0.5}])  # keys
    nan = np.array([[np.nan, 1.0]], np.float32)
    assert compare_outputs(case, [("y", nan)], [("y", nan.copy())])[0] == []  # NaN equals NaN
    assert compare_outputs(case, [("y", nan)], [("y", np.array([[0.0, 1.0]], np.float32))])[0]
    assert compare_outputs(case, expected, expected[:2])[0]  # a missing output
    words = np.array(["cat", "dog"], dtype=object)
    assert compare_outputs(case, [("label", words)], [("label", words.copy())])[0] == []
    assert compare_outputs(case, [("label", words)], [("label", np.array(["cat", "cow"], dtype=object))])[0]
    near = np.array([[0.5, 0.5000001]], np.float32)  # a label flip on near-tied scores is only a note
    fails, notes = compare_outputs(Case({}, None, [("X", np.zeros((1, 1)))], [3, 7]),
                                   [("label", np.array([7])), ("p", near)], [("label", np.array([3])), ("p", near)])
    assert fails == [] and notes
