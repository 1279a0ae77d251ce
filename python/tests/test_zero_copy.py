"""Numeric buffers cross into the core without a copy: float64 / int64 columns without nulls (NumPy,
pandas, Arrow) and numeric tensors are read in place (the core's column / tensor points at the
caller's buffer), columns with nulls or other types are copied, and outputs over the core's own
buffers equal what the copies gave."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

import onnxfn
from onnxfn import _onnxfn, _records
from onnxfn_testkit import ZOO


def core_buffers(data) -> dict:
    columns, _ = _records.to_columns(data)
    return {name: (address, borrowed) for name, address, borrowed in _onnxfn._core_column_buffers(columns)}


def test_numpy_float64_and_int64_columns_are_read_in_place():
    price = np.array([1.5, 2.5, 3.5])
    count = np.array([1, 2, 3], dtype=np.int64)
    got = core_buffers({"price": price, "count": count})
    assert got["price"] == (price.ctypes.data, True)
    assert got["count"] == (count.ctypes.data, True)


def test_pandas_and_arrow_columns_without_nulls_are_read_in_place():
    frame = pd.DataFrame({"price": [1.0, 2.0, 3.0], "n": np.array([4, 5, 6], dtype=np.int64)})
    got = core_buffers(frame)
    assert got["price"] == (frame["price"].to_numpy().ctypes.data, True)
    assert got["n"] == (frame["n"].to_numpy().ctypes.data, True)
    table = pa.table({"price": pa.array([1.0, 2.0, 3.0]), "n": pa.array([4, 5, 6], pa.int64())})
    got = core_buffers(table)
    assert got["price"] == (table.column("price").chunk(0).buffers()[1].address, True)
    assert got["n"] == (table.column("n").chunk(0).buffers()[1].address, True)


def test_columns_with_nulls_or_other_types_are_not_borrowed_as_they_are():
    small = np.array([1, 2], dtype=np.int32)
    got = core_buffers({"price": np.array([1.0, np.nan]), "small": small})
    assert got["price"][1] is True  # dict input: NaN is a value, not a null: read in place
    assert got["small"][0] != small.ctypes.data  # int32 -> int64: the types differ, one conversion
    frame = pd.DataFrame({"price": [1.0, np.nan]})  # pandas: NaN is a null, the column is copied
    assert core_buffers(frame)["price"][1] is False
    table = pa.table({"price": pa.array([1.0, None, 3.0])})
    assert core_buffers(table)["price"][1] is False


def test_numeric_tensors_are_read_in_place():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    d = np.arange(6, dtype=np.float64)
    i = np.arange(5, dtype=np.int64)
    got = {name: (address, borrowed) for name, address, borrowed in _onnxfn._core_tensor_buffers({"x": x, "d": d, "i": i})}
    assert got == {"x": (x.ctypes.data, True), "d": (d.ctypes.data, True), "i": (i.ctypes.data, True)}


def test_model_outputs_over_core_buffers_equal_a_second_run_and_are_writable():
    import json

    case = ZOO / "decision_tree_clf_binary_nozipmap"
    request = json.loads((case / "request.json").read_text())
    x = {t["name"]: np.array(t["data"], dtype=np.float32).reshape(t["shape"]) for t in request["inputs"]}
    before = {k: v.copy() for k, v in x.items()}
    model = onnxfn.load(case / "model.onnx")
    first = model.infer(x)
    second = model.infer({k: v.copy() for k, v in x.items()})
    assert first.keys() == second.keys() and first
    for key, value in first.items():
        np.testing.assert_array_equal(value, second[key])
        value[...] = 0  # the caller owns the answer: writable, and not shared with the next call
    third = model.infer(x)
    for key, value in third.items():
        np.testing.assert_array_equal(value, second[key])
    for k in x:
        np.testing.assert_array_equal(x[k], before[k])  # inputs read in place, never written
