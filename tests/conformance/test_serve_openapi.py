"""schemathesis against `onnxfn serve` with the server's own OpenAPI file (docs/openapi.yaml):
generated requests for every documented operation (examples, coverage and fuzzing phases) get no
5xx, and every answer matches the file: status, Content-Type, headers, body schema; undocumented
methods get 405 with an Allow header.
"""
import pathlib
import subprocess

from onnxfn_runner import ROOT
from test_serve import ZOO, BUNDLE, Server

CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance", "unsupported_method",
                   "allow_header_conformance"])


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(tmp_path):
    # "model" is the name the file's examples use, so generated requests reach a real model.
    s = Server([f"model={ZOO / 'random_forest_clf_binary_zipmap' / 'model.onnx'}", f"pairs={BUNDLE}", "--threads", "2"])
    try:
        schemathesis = pathlib.Path(ROOT / ".venv" / "bin" / "schemathesis")
        run = subprocess.run([str(schemathesis), "run", str(ROOT / "docs" / "openapi.yaml"), "--url", f"http://{s.url}",
                              "--checks", CHECKS, "--max-examples", "30", "--phases", "examples,coverage,fuzzing",
                              "--seed", "1", "--workers", "2", "--request-timeout", "10"],
                             capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its cache stays out of the tree
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert " passed" in run.stdout
    finally:
        assert s.stop() == 0
