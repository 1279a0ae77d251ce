"""The KServe Python client against `onnxfn serve`, unchanged: readiness bodies it understands, a
v2 infer (it adds model_name to the body) and a v1 predict, both equal to `onnxfn predict`."""
import json
import subprocess

import numpy as np

from onnxfn_runner import ROOT
from test_serve import ZOO, Server, predict_cli

KSERVE_PYTHON = ROOT / ".venv-kserve" / "bin" / "python"


def test_kserve_client_infers_like_predict(tmp_path):
    case = "random_forest_reg"
    request = json.loads((ZOO / case / "request.json").read_text())
    spec = request["inputs"][0]
    rows = np.array([np.nan if v is None else v for v in spec["data"]], dtype=np.float32).reshape(spec["shape"])[:4]
    expected = predict_cli(ZOO / case / "model.onnx", ZOO / case / "request.json")["variable"]
    want = np.array(expected["data"], dtype=np.float32).reshape(expected["shape"])[:4]
    s = Server([f"rf={ZOO / case / 'model.onnx'}"])
    try:
        run = subprocess.run([str(KSERVE_PYTHON), str(ROOT / "tests" / "conformance" / "kserve_client.py"), f"http://{s.url}",
                              "rf", spec["name"], json.dumps(rows.tolist())], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-3000:]
        got = json.loads(run.stdout)
    finally:
        assert s.stop() == 0
    assert got["live"] and got["ready"] and got["model_ready"]
    np.testing.assert_array_equal(np.array(got["v2"]["variable"], dtype=np.float32), want)
    np.testing.assert_array_equal(np.array(got["v1"], dtype=np.float32), want)
