"""The peer a team would write: FastAPI + uvicorn + onnxruntime, answering the same OIP v2 JSON
body as onnxfn serve (input X, FP32 [n, 30]) with the model's outputs.
Usage: uvicorn --app-dir bench/serve fastapi_server:app (MODEL_PATH names the .onnx file)."""
import os

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI, Request

session = ort.InferenceSession(os.environ["MODEL_PATH"], providers=["CPUExecutionProvider"])
app = FastAPI()


@app.post("/v2/models/model/infer")
async def infer(request: Request):
    body = await request.json()
    tensor = body["inputs"][0]
    x = np.asarray(tensor["data"], dtype=np.float32).reshape(tensor["shape"])
    names = [o.name for o in session.get_outputs()]
    results = session.run(names, {session.get_inputs()[0].name: x})
    return {"model_name": "model", "outputs": [
        {"name": n, "datatype": "INT64" if r.dtype == np.int64 else "FP32", "shape": list(r.shape), "data": r.ravel().tolist()}
        for n, r in zip(names, results)]}
