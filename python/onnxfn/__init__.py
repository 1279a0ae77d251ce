"""onnxfn from Python: load a bundle (pipeline + fitted state + model) or a bare ONNX model and score
pandas DataFrames, pyarrow Tables or dicts of NumPy arrays with onnxfn's C++ core.

    import onnxfn
    p = onnxfn.load("examples/product-matching/bundle")
    scored = p.predict(pairs_df)            # same columns and values as `onnxfn predict --bundle`
    feats = p.features(pairs_df)            # the model's feature table
    out = onnxfn.load("model.onnx").infer({"X": X.astype("float32")})   # tensors, as onnxruntime

The work runs with the GIL released: Python threads may share one predictor. Failures raise
onnxfn.Error subclasses named after onnxfn's error categories (BadInput, BadModel, Unsupported,
ResourceLimit, Internal); `.category` holds the name.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

import numpy as np

from . import _records
from ._onnxfn import BadInput, BadModel, Error, Internal, ResourceLimit, Unsupported
from ._onnxfn import Predictor as _CorePredictor
from ._verify import VerifyReport, verify

__all__ = [
    "Predictor", "load", "verify", "VerifyReport",
    "Error", "BadInput", "BadModel", "Unsupported", "ResourceLimit", "Internal",
]
__version__ = "0.1.0"


def _tensor_from_python(value: Any) -> Any:
    array = np.asarray(value)
    if array.dtype.kind in "OUS":
        return ([str(v) for v in array.ravel().tolist()], list(array.shape))
    return np.ascontiguousarray(array)


def _tensor_to_python(value: Any) -> Any:
    if isinstance(value, tuple):  # strings: (list, shape)
        strings, shape = value
        out = np.empty(len(strings), dtype=object)
        out[:] = strings
        return out.reshape(shape)
    if isinstance(value, list):
        return [_tensor_to_python(v) for v in value]
    return value


class Predictor:
    """A loaded bundle or model; thread-safe, load once and call from many threads."""

    def __init__(self, core: _CorePredictor) -> None:
        self._core = core

    @property
    def is_bundle(self) -> bool:
        return self._core.is_bundle

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def threshold(self) -> float:
        return self._core.threshold

    @property
    def inputs(self) -> list[tuple[str, str]]:
        """(name, type) of what infer takes: the model's inputs, or a bundle's input columns."""
        return list(self._core.inputs)

    @property
    def outputs(self) -> list[tuple[str, str]]:
        return list(self._core.outputs)

    def predict(self, records: Any) -> Any:
        """Bundles: records in, output records out (carry columns, probability, label, model
        outputs), the same as `onnxfn predict --bundle`, in the input's container type. A bare model
        takes tensors: use infer()."""
        columns, like = _records.to_columns(records)
        return _records.from_columns(self._core.predict_columns(columns), like)

    def features(self, records: Any) -> Any:
        """The bundle's feature table for `records` (what the model sees), as `onnxfn features`."""
        columns, like = _records.to_columns(records)
        return _records.from_columns(self._core.features_columns(columns), like)

    def infer(self, tensors: Mapping[str, Any]) -> dict[str, Any]:
        """Named tensors in, named outputs out (NumPy arrays; ZipMap outputs as lists of dicts)."""
        if not isinstance(tensors, Mapping):
            raise BadInput(f"infer takes a dict of input name -> array, got {type(tensors).__name__}")
        encoded = {str(k): _tensor_from_python(v) for k, v in tensors.items()}
        return {k: _tensor_to_python(v) for k, v in self._core.infer(encoded).items()}

    def verify(self, estimator: Any, X: Any, atol: float = 1e-5) -> VerifyReport:
        """Compare with scikit-learn's own predict / predict_proba on X (see onnxfn.verify)."""
        return verify(self, estimator, X, atol)

    def __repr__(self) -> str:
        kind = "bundle" if self.is_bundle else "model"
        return f"<onnxfn.Predictor {kind} {self.name!r}>"


def load(path: str | os.PathLike, threads: int = 0, require_model: bool = True) -> Predictor:
    """Load a bundle folder, a bundle .zip or an .onnx model. `threads`: intra-op threads per
    call including the caller (0 = the machine's CPUs; 1 when many processes share a machine, as
    Spark workers do). require_model=False loads a bundle without model.onnx for features()."""
    return Predictor(_CorePredictor.load(os.fspath(path), threads, require_model))
