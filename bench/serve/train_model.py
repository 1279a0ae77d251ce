"""The benchmark's model: a 60-tree random forest on scikit-learn's breast-cancer data (30
features), saved as model.joblib (MLServer's mlserver-sklearn) and model.onnx (onnxfn serve and
the FastAPI + onnxruntime server; probabilities as one [n, 2] tensor, no ZipMap), plus the request
bodies: OIP v2 JSON with 1 and 100 rows.
Usage: train_model.py OUT_DIR"""
import json
import pathlib
import sys

import joblib
import numpy as np
from skl2onnx import to_onnx
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier

out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
X, y = load_breast_cancer(return_X_y=True)
X = X.astype(np.float32)
model = RandomForestClassifier(n_estimators=60, random_state=0).fit(X, y)
(out / "mlserver").mkdir(exist_ok=True)
joblib.dump(model, out / "mlserver" / "model.joblib")
onx = to_onnx(model, X[:1], options={id(model): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
(out / "model.onnx").write_bytes(onx.SerializeToString())
for rows in (1, 100):
    data = X[:rows]
    body = {"inputs": [{"name": "X", "datatype": "FP32", "shape": [rows, 30], "data": data.ravel().tolist()}]}
    (out / f"v2_{rows}.json").write_text(json.dumps(body))
    # MLServer names its input freely and answers predict_proba when that output is asked for.
    body["inputs"][0]["name"] = "input-0"
    body["outputs"] = [{"name": "predict_proba"}]
    (out / f"mlserver_{rows}.json").write_text(json.dumps(body))
(out / "mlserver" / "model-settings.json").write_text(json.dumps(
    {"name": "model", "implementation": "mlserver_sklearn.SKLearnModel", "parameters": {"uri": "./model.joblib"}}))
(out / "mlserver" / "settings.json").write_text(json.dumps(
    {"parallel_workers": 0, "http_port": 18082, "grpc_port": 18083, "metrics_port": 18084, "host": "127.0.0.1"}))
