"""Shared helpers for the Python conformance tests: run the onnxfn binary on numpy inputs.

Inputs travel as an Open Inference Protocol v2 JSON request (the same path users take), and the
v2 response is decoded back to numpy arrays (ZipMap outputs to lists of dicts).
"""
import json
import math
import os
import pathlib
import subprocess
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("ONNXFN_BINARY", str(ROOT / "build" / "onnxfn"))

V2_DATATYPES = {
    np.dtype(np.float32): "FP32", np.dtype(np.float64): "FP64", np.dtype(np.int64): "INT64",
    np.dtype(np.int32): "INT32", np.dtype(np.int16): "INT16", np.dtype(np.int8): "INT8",
    np.dtype(np.uint64): "UINT64", np.dtype(np.uint32): "UINT32", np.dtype(np.uint16): "UINT16",
    np.dtype(np.uint8): "UINT8", np.dtype(np.bool_): "BOOL",
}
NUMPY_TYPES = {v: k for k, v in V2_DATATYPES.items()}


def _json_value(x):
    if isinstance(x, (bytes, np.bytes_)):
        return x.decode("utf-8")
    if isinstance(x, (float, np.floating)):
        f = float(x)
        if math.isnan(f):
            return None
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer, int)):
        return int(x)
    return str(x)


def encode_request(inputs):
    """inputs: list of (name, numpy array). Returns the v2 request dict, or raises TypeError."""
    entries = []
    for name, arr in inputs:
        arr = np.asarray(arr)
        if arr.dtype.kind in "OSU":
            datatype = "BYTES"
        elif arr.dtype in V2_DATATYPES:
            datatype = V2_DATATYPES[arr.dtype]
        else:
            raise TypeError(f"input {name}: numpy dtype {arr.dtype} has no v2 datatype")
        entries.append({"name": name, "datatype": datatype, "shape": list(arr.shape),
                        "data": [_json_value(v) for v in arr.reshape(-1).tolist()]
                        if datatype != "BYTES" else [_json_value(v) for v in arr.reshape(-1)]})
    return {"inputs": entries}


def decode_output(out):
    """A v2 response output -> numpy array (tensors) or list of dicts (JSON datatype)."""
    if out["datatype"] == "JSON":
        return out["data"]
    if out["datatype"] == "BYTES":
        return np.array(out["data"], dtype=object).reshape(out["shape"])
    dt = NUMPY_TYPES[out["datatype"]]
    data = [np.nan if v is None else (np.inf if v == "Infinity" else -np.inf if v == "-Infinity" else v) for v in out["data"]]
    return np.array(data, dtype=dt).reshape(out["shape"])


def _predict_response(model_path, inputs, threads, timeout):
    """Runs `onnxfn predict`; returns (exit code, the decoded JSON response or None, stderr)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(encode_request(inputs), f)
        request = f.name
    try:
        p = subprocess.run([BINARY, "predict", str(model_path), "--input", request, "--threads", str(threads)],
                           capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(request)
    if p.returncode != 0:
        return p.returncode, None, p.stderr
    return 0, json.loads(p.stdout), p.stderr


def run_predict(model_path, inputs, threads=1, timeout=120):
    """Runs `onnxfn predict`; returns (exit code, list of outputs or None, stderr)."""
    code, response, stderr = _predict_response(model_path, inputs, threads, timeout)
    if code != 0:
        return code, None, stderr
    return 0, [decode_output(o) for o in response["outputs"]], stderr


def run_predict_named(model_path, inputs, threads=1, timeout=120):
    """Like run_predict, but the outputs are a list of (output name, value) in response order."""
    code, response, stderr = _predict_response(model_path, inputs, threads, timeout)
    if code != 0:
        return code, None, stderr
    return 0, [(o["name"], decode_output(o)) for o in response["outputs"]], stderr


def inspect(model_path):
    """(report, stderr): the --json report, also when inspect exits 3 because the model cannot run
    (report["runnable"] false, report["reasons"] say why); None when the model does not load."""
    p = subprocess.run([BINARY, "inspect", "--json", str(model_path)], capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 3) or not p.stdout.strip():
        return None, p.stderr
    return json.loads(p.stdout), p.stderr
