"""Single-threaded, quiet ONNX Runtime sessions: the zoo's correctness oracle."""

from __future__ import annotations

import onnxruntime as ort

_ERROR_ONLY = 3  # onnxruntime severity: 0 verbose ... 3 error, 4 fatal

ort.set_default_logger_severity(_ERROR_ONLY)


def make_session(model_bytes: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = _ERROR_ONLY
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def run(session: ort.InferenceSession, feeds: dict) -> list[tuple[str, object]]:
    """(output name, value) pairs in the model's output order."""
    names = [output.name for output in session.get_outputs()]
    return list(zip(names, session.run(names, feeds)))
