"""verify(): does a bundle or model give what scikit-learn's own estimator gives on the same rows?

A bare model is fed X as its input tensor(s) and its label / probability outputs are compared with
estimator.predict / predict_proba. A bundle computes its feature table from the records X, the
estimator scores the model's feature columns, and the bundle's probability (and thresholded label)
columns are compared with predict_proba's positive class.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np


@dataclasses.dataclass
class VerifyReport:
    rows: int
    max_abs_diff: float          # largest |onnxfn - scikit-learn| over probabilities (or regression values)
    label_mismatches: int        # rows whose label differs (ties within atol of the threshold excepted)
    atol: float
    details: list = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.max_abs_diff <= self.atol and self.label_mismatches == 0

    def __bool__(self) -> bool:
        return self.ok


_NUMPY_OF = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
             "tensor(int32)": np.int32, "tensor(string)": object, "tensor(bool)": np.bool_}


def _input_dtype(type_name: str) -> Any:
    base = type_name.split("[", 1)[0]
    return _NUMPY_OF.get(base, np.float32)


def _model_inputs(predictor: Any, X: Any) -> dict:
    inputs = predictor.inputs
    if len(inputs) == 1:
        name, type_name = inputs[0]
        return {name: np.asarray(X, dtype=_input_dtype(type_name))}
    # Several inputs (a ColumnTransformer exported per column): one [rows, 1] tensor per column of X.
    out = {}
    for name, type_name in inputs:
        column = np.asarray(X[name], dtype=_input_dtype(type_name))
        out[name] = column.reshape(-1, 1)
    return out


def _probability_matrix(value: Any, classes: np.ndarray) -> np.ndarray:
    if isinstance(value, list):  # ZipMap: one {class: probability} per row
        if value and all(isinstance(k, str) for k in value[0]):
            keys = [str(c) for c in classes]
        else:
            keys = list(classes)
        return np.array([[row[k] for k in keys] for row in value], dtype=np.float64)
    return np.asarray(value, dtype=np.float64)


def _verify_model(predictor: Any, estimator: Any, X: Any, atol: float) -> VerifyReport:
    outputs = list(predictor.infer(_model_inputs(predictor, X)).values())
    rows = len(outputs[0]) if outputs else 0
    details = []
    if hasattr(estimator, "predict_proba") and len(outputs) >= 2:
        ours_label = np.asarray(outputs[0]).reshape(-1)
        theirs_label = np.asarray(estimator.predict(X)).reshape(-1)
        mismatches = int(np.sum(ours_label.astype(str) != theirs_label.astype(str)))
        proba = _probability_matrix(outputs[1], estimator.classes_)
        diff = float(np.max(np.abs(proba - estimator.predict_proba(X)))) if proba.size else 0.0
        if mismatches:
            details.append(f"{mismatches} labels differ from estimator.predict")
        return VerifyReport(rows, diff, mismatches, atol, details)
    ours = np.asarray(outputs[0], dtype=np.float64).reshape(-1)
    theirs = np.asarray(estimator.predict(X), dtype=np.float64).reshape(-1)
    diff = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    return VerifyReport(rows, diff, 0, atol, details)


def _positive_index(classes: np.ndarray) -> int:
    for i, c in enumerate(classes):
        if c is True or str(c) in ("1", "True", "true", "match", "yes"):
            return i
    return len(classes) - 1


def _verify_bundle(predictor: Any, estimator: Any, X: Any, atol: float) -> VerifyReport:
    from . import _records

    core = predictor._core
    columns, _ = _records.to_columns(X)
    feats = _records.from_columns(core.features_columns(columns), "dict")
    specs = core.model_input_columns
    if len(specs) != 1:
        raise ValueError("verify supports bundles whose model takes one feature matrix")
    _, dtype_name, feature_columns = specs[0]
    dtype = np.float64 if dtype_name == "double" else np.float32
    matrix = np.column_stack([np.asarray(feats[c], dtype=np.float64) for c in feature_columns]).astype(dtype)
    out = _records.from_columns(core.predict_columns(columns), "dict")
    probability_column, label_column = core.output_columns
    if not probability_column:
        raise ValueError("verify needs a bundle whose output has a probability column")
    theirs = estimator.predict_proba(matrix)[:, _positive_index(estimator.classes_)]
    ours = np.asarray(out[probability_column], dtype=np.float64)
    diff = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    mismatches = 0
    details = []
    if label_column and label_column in out:
        threshold = predictor.threshold
        clear = np.abs(theirs - threshold) > atol
        ours_label = np.asarray(out[label_column]).astype(bool)
        mismatches = int(np.sum((ours_label != (theirs >= threshold)) & clear))
        if mismatches:
            details.append(f"{mismatches} labels differ at threshold {threshold}")
    return VerifyReport(len(ours), diff, mismatches, atol, details)


def verify(predictor: Any, estimator: Any, X: Any, atol: float = 1e-5) -> VerifyReport:
    """Compare `predictor` (an onnxfn.Predictor or a path) with the fitted scikit-learn `estimator`
    on X. Returns a VerifyReport (truthy when every difference is within atol)."""
    if isinstance(predictor, (str, bytes)) or hasattr(predictor, "__fspath__"):
        from . import load

        predictor = load(predictor)
    if predictor.is_bundle:
        return _verify_bundle(predictor, estimator, X, atol)
    return _verify_model(predictor, estimator, X, atol)
