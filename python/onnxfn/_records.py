"""Record tables <-> the extension's column tuples (name, kind, values, offsets, validity).

Numeric columns go to C++ as NumPy arrays viewed on the caller's buffers (float64 and int64 columns
without nulls are read in place by the core, no copy); Arrow string columns go as their UTF-8 byte
buffer and offsets. The extension answers NumPy arrays over the core's own output buffers.
Outputs come back the same way and are shaped like the input: a pandas DataFrame for a DataFrame,
a pyarrow Table for a Table, a dict of NumPy arrays for a dict.
"""
from __future__ import annotations

from typing import Any

import numpy as np

try:  # optional: pandas and pyarrow inputs, fast string columns
    import pyarrow as pa
except ImportError:  # pragma: no cover - exercised in environments without pyarrow
    pa = None

try:
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None


def _validity_from_mask(missing: np.ndarray) -> np.ndarray | None:
    if not missing.any():
        return None
    return np.ascontiguousarray(~missing, dtype=np.uint8)


def _arrow_column(name: str, arr: Any) -> tuple:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    t = arr.type
    validity = None
    if arr.null_count:
        validity = np.ascontiguousarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.uint8)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        if not pa.types.is_large_string(t):
            arr = arr.cast(pa.large_string())
        buffers = arr.buffers()
        offsets = np.frombuffer(buffers[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
        chars = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
        return (name, "string", chars, offsets, validity)
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        # float64 / int64 without nulls: a NumPy view on Arrow's buffer, which the core reads in place.
        target = pa.float64() if pa.types.is_floating(t) else pa.int64()
        if t != target:
            arr = arr.cast(target)
        if arr.null_count:
            arr = arr.fill_null(0.0 if pa.types.is_floating(t) else 0)
        values = arr.to_numpy(zero_copy_only=False)
        return (name, "float64" if pa.types.is_floating(t) else "int64", np.ascontiguousarray(values), None, validity)
    if pa.types.is_boolean(t):
        values = arr.fill_null(False).to_numpy(zero_copy_only=False)
        return (name, "bool", np.ascontiguousarray(values, dtype=np.uint8), None, validity)
    if pa.types.is_null(t):
        return (name, "object", [None] * len(arr), None, None)
    raise _bad_input(f"column '{name}': Arrow type {t} is not supported (numbers, bool, strings)")


def _bad_input(message: str) -> Exception:
    from . import _onnxfn

    return _onnxfn.BadInput(message)


def _numpy_column(name: str, values: Any, nan_is_null: bool) -> tuple:
    if isinstance(values, (list, tuple)):
        values = np.asarray(values, dtype=object) if any(isinstance(v, str) for v in values) else np.asarray(values)
    values = np.asarray(values)
    if values.ndim != 1:
        raise _bad_input(f"column '{name}': expected one value per row, got shape {values.shape}")
    kind = values.dtype.kind
    if kind == "f":
        values = np.ascontiguousarray(values, dtype=np.float64)
        validity = _validity_from_mask(np.isnan(values)) if nan_is_null else None
        return (name, "float64", values, None, validity)
    if kind in "iu":
        return (name, "int64", np.ascontiguousarray(values, dtype=np.int64), None, None)
    if kind == "b":
        return (name, "bool", np.ascontiguousarray(values, dtype=np.uint8), None, None)
    if kind in "OUT":
        if pa is not None:
            try:
                arr = pa.array(values, type=pa.large_string(), from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
                raise _bad_input(f"column '{name}': expected strings or None ({e})") from None
            return _arrow_column(name, arr)
        items = [None if (v is None or (isinstance(v, float) and np.isnan(v))) else v for v in values.tolist()]
        return (name, "object", items, None, None)
    raise _bad_input(f"column '{name}': NumPy dtype {values.dtype} is not supported (numbers, bool, strings)")


def _pandas_column(name: str, series: Any) -> tuple:
    dtype = series.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and not isinstance(dtype, np.dtype):
        if pa is not None:  # nullable Int64 / boolean / Float64 / string / ArrowDtype: Arrow knows the mask
            return _arrow_column(name, pa.array(series, from_pandas=True))
        return _numpy_column(name, series.to_numpy(dtype=object, na_value=None), nan_is_null=True)
    return _numpy_column(name, series.to_numpy(), nan_is_null=True)


def to_columns(data: Any) -> tuple[list, str]:
    """The column tuples for `data` and the kind of container it was ("pandas", "arrow", "dict")."""
    if pd is not None and isinstance(data, pd.DataFrame):
        return [_pandas_column(str(c), data[c]) for c in data.columns], "pandas"
    if pa is not None and isinstance(data, (pa.Table, pa.RecordBatch)):
        return [_arrow_column(n, data.column(i)) for i, n in enumerate(data.schema.names)], "arrow"
    if isinstance(data, dict):
        return [_numpy_column(str(k), v, nan_is_null=False) for k, v in data.items()], "dict"
    raise _bad_input(
        f"records must be a pandas.DataFrame, a pyarrow.Table or a dict of arrays, got {type(data).__name__}"
    )


def _decode_strings(chars: np.ndarray, offsets: np.ndarray, validity: np.ndarray | None) -> np.ndarray:
    raw = chars.tobytes()
    out = np.empty(len(offsets) - 1, dtype=object)
    for i in range(len(out)):
        out[i] = raw[offsets[i] : offsets[i + 1]].decode("utf-8")
    if validity is not None:
        out[validity == 0] = None
    return out


def _to_arrow(columns: list) -> Any:
    arrays, names = [], []
    for name, kind, values, offsets, validity in columns:
        mask = None if validity is None else (validity == 0)
        if kind == "string":
            n = len(offsets) - 1
            bitmap = None if validity is None else pa.array(validity.astype(bool)).buffers()[1]
            arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(values), bitmap)
        elif kind == "bool":
            arr = pa.array(values.astype(bool), mask=mask)
        else:
            arr = pa.array(values, mask=mask)
        arrays.append(arr)
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def _to_numpy(kind: str, values: np.ndarray, offsets: Any, validity: np.ndarray | None) -> np.ndarray:
    if kind == "string":
        return _decode_strings(values, offsets, validity)
    if kind == "bool":
        values = values.astype(bool)
    if validity is None:
        return values
    if kind == "float64":
        out = values.copy()
        out[validity == 0] = np.nan
        return out
    out = values.astype(object)
    out[validity == 0] = None
    return out


def from_columns(columns: list, like: str) -> Any:
    """Output column tuples as a DataFrame / Table / dict, matching the input's container."""
    if like == "arrow":
        return _to_arrow(columns)
    if like == "pandas":
        if pa is not None:
            return _to_arrow(columns).to_pandas()
        return pd.DataFrame({c[0]: _to_numpy(*c[1:]) for c in columns})
    return {c[0]: _to_numpy(*c[1:]) for c in columns}
