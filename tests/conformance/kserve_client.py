"""Runs the KServe Python client (kserve.InferenceRESTClient, unchanged) against a server: health
and readiness, a v2 infer of the rows given, and a v1 predict of the same rows; prints the answers
as JSON. Run by test_serve_kserve.py in .venv-kserve (kserve cannot share .venv).
Usage: kserve_client.py BASE_URL MODEL INPUT_NAME ROWS_JSON"""
import asyncio
import json
import sys

import numpy as np
from kserve import InferenceRESTClient, InferInput, InferRequest, RESTConfig


async def main(base, model, input_name, rows):
    v2 = InferenceRESTClient(RESTConfig(protocol="v2", timeout=10, retries=0))
    x = np.array(rows, dtype=np.float32)
    tensor = InferInput(input_name, list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)
    answer = await v2.infer(base, InferRequest(model_name=model, infer_inputs=[tensor]), model_name=model)
    v1 = InferenceRESTClient(RESTConfig(protocol="v1", timeout=10, retries=0))
    predictions = await v1.infer(base, {"instances": rows}, model_name=model)
    return {
        "live": await v2.is_server_live(base),
        "ready": await v2.is_server_ready(base),
        "model_ready": await v2.is_model_ready(base, model),
        "v2": {o.name: o.as_numpy().tolist() for o in answer.outputs},
        "v1": predictions["predictions"],
    }


print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])))))
