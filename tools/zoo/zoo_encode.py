"""Open Inference Protocol (KServe v2) JSON encoding of zoo requests/responses, and the JSON text layout."""

from __future__ import annotations

import json
import math

import numpy as np

# numpy dtype -> v2 datatype name. Strings (numpy object/str arrays) are BYTES.
_DATATYPES = {
    np.dtype(np.float32): "FP32",
    np.dtype(np.float64): "FP64",
    np.dtype(np.int64): "INT64",
    np.dtype(np.int32): "INT32",
    np.dtype(np.bool_): "BOOL",
}
_NUMPY_TYPES = {
    "FP32": np.float32,
    "FP64": np.float64,
    "INT64": np.int64,
    "INT32": np.int32,
    "BOOL": np.bool_,
}
FLOAT_DATATYPES = ("FP32", "FP64")
ZIPMAP_DATATYPE = "JSON"  # not a v2 tensor type: marks a ZipMap (sequence of maps) output


def v2_datatype(array: np.ndarray) -> str:
    if array.dtype.kind in "OUS":
        return "BYTES"
    return _DATATYPES[array.dtype]


def encode_float(value) -> float | str | None:
    """Exact JSON form of a float32/float64 value: NaN -> null, +-inf -> "Infinity"/"-Infinity".

    float(np.float32(x)) is the exact double of the float32, so its repr (what
    json.dumps writes) parses back to the same float32.
    """
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def decode_float(value) -> float:
    if value is None:
        return math.nan
    if value == "Infinity":
        return math.inf
    if value == "-Infinity":
        return -math.inf
    return float(value)


def encode_tensor(name: str, array: np.ndarray) -> dict:
    datatype = v2_datatype(array)
    flat = array.reshape(-1)
    if datatype in FLOAT_DATATYPES:
        values = [encode_float(v) for v in flat]
    elif datatype == "BYTES":
        values = [str(v) for v in flat]
    elif datatype == "BOOL":
        values = [bool(v) for v in flat]
    else:
        values = [int(v) for v in flat]
    return {"name": name, "datatype": datatype, "shape": list(array.shape), "data": values}


def encode_zipmap(name: str, rows: list[dict]) -> dict:
    """ZipMap output: one JSON object per row, label (as a string) -> float32 probability."""
    data = [{str(label): encode_float(np.float32(p)) for label, p in row.items()} for row in rows]
    return {"name": name, "datatype": ZIPMAP_DATATYPE, "shape": [len(rows)], "data": data}


def encode_output(name: str, value) -> dict:
    if isinstance(value, list):  # onnxruntime returns ZipMap outputs as a list of dicts
        return encode_zipmap(name, value)
    return encode_tensor(name, np.asarray(value))


def encode_request(feeds: dict[str, np.ndarray]) -> dict:
    return {"inputs": [encode_tensor(name, array) for name, array in feeds.items()]}


def encode_response(model_name: str, outputs: list[tuple[str, object]]) -> dict:
    return {
        "model_name": model_name,
        "outputs": [encode_output(name, value) for name, value in outputs],
    }


def decode_tensor(entry: dict) -> np.ndarray:
    """v2 tensor entry -> numpy array ready to feed onnxruntime."""
    datatype, shape, values = entry["datatype"], entry["shape"], entry["data"]
    if datatype == "BYTES":
        return np.array(values, dtype=object).reshape(shape)
    if datatype in FLOAT_DATATYPES:
        values = [decode_float(v) for v in values]
    return np.array(values, dtype=_NUMPY_TYPES[datatype]).reshape(shape)


def decode_request(request: dict) -> dict[str, np.ndarray]:
    return {entry["name"]: decode_tensor(entry) for entry in request["inputs"]}


# ---------------------------------------------------------------- JSON text


def _is_scalar(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _is_flat(value) -> bool:
    if _is_scalar(value):
        return True
    items = value.values() if isinstance(value, dict) else value
    return all(_is_scalar(v) for v in items)


_MAX_STRING_LINE = 100


def _one_line(value) -> str | None:
    """Single-line JSON for scalars and for flat containers: numeric ones (a
    tensor's data, one ZipMap row) at any length, others only when short."""
    if not _is_flat(value):
        return None
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    if len(text) > _MAX_STRING_LINE and any(isinstance(v, str) for v in items):
        return None
    return text


def _layout(value, depth: int) -> str:
    # Like json.dumps(indent=2), except that flat containers (see _one_line)
    # stay on one line: small files, row-sized diffs.
    text = _one_line(value)
    if text is not None:
        return text
    pad, end = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_layout(v, depth + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    items = [pad + _layout(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + end + "]"


def to_json_text(value) -> str:
    """Deterministic JSON text (UTF-8, no NaN/Infinity literals) with a trailing newline."""
    return _layout(value, 0) + "\n"
