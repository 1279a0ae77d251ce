"""Per-model dynamic batching in `onnxfn serve`: a repository model folder's serve.json and
`--batch NAME=ROWS[:US]` turn batching on for that model only. Concurrent one-row clients on a
batching model and on a plain one get the same answers, and /metrics shows session runs shared
(onnxfn_batch_rows) for the batching models and no batch series for the plain one. A bad
serve.json or --batch stops the server at start with exit 2, naming the file or flag and key.
"""
import http.client
import json
import os
import re
import subprocess
import threading

import pytest

from onnxfn_runner import BINARY, ROOT
from test_serve import Server

ZOO = ROOT / "tests" / "fixtures" / "zoo"
CASE = "random_forest_clf_binary_nozipmap"
CLIENTS, REQUESTS = 8, 10


def one_row_bodies():
    request = json.loads((ZOO / CASE / "request.json").read_text())
    spec = request["inputs"][0]
    rows, width = spec["shape"]
    flat = spec["data"]  # row-major, flat
    return [json.dumps({"inputs": [{"name": spec["name"], "datatype": spec["datatype"], "shape": [1, width],
                                    "data": flat[(i % rows) * width:(i % rows + 1) * width]}]})
            for i in range(CLIENTS * REQUESTS)]


def make_repository(root, settings):
    """A repository folder per model, each holding the zoo forest and, if given, its serve.json."""
    for name, text in settings.items():
        folder = root / name
        folder.mkdir()
        os.symlink(ZOO / CASE / "model.onnx", folder / "model.onnx")
        if text is not None:
            (folder / "serve.json").write_text(text)


def hammer(server, models, bodies):
    """CLIENTS keep-alive connections per model at once, REQUESTS bodies each: {model: [answers]}."""
    answers = {m: [None] * len(bodies) for m in models}
    start = threading.Barrier(CLIENTS * len(models))

    def client(model, c):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        start.wait()
        for k in range(REQUESTS):
            i = c * REQUESTS + k
            conn.request("POST", f"/v2/models/{model}/infer", bodies[i], {"Content-Type": "application/json"})
            r = conn.getresponse()
            answers[model][i] = (r.status, r.read())
        conn.close()

    threads = [threading.Thread(target=client, args=(m, c)) for m in models for c in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def sample(metrics, name, model):
    m = re.search(rf'^{name}\{{model="{model}"\}} (\S+)$', metrics, re.M)
    return float(m.group(1)) if m else None


def test_only_the_models_given_settings_batch(tmp_path):
    make_repository(tmp_path, {"batched": '{"dynamic_batching": {"max_rows": 16, "delay_us": 3000}}',
                               "plain": None, "off": '{"dynamic_batching": false}'})
    flagged = f"flagged={ZOO / CASE / 'model.onnx'}"
    server = Server(["--repository", str(tmp_path), flagged, "--batch", "flagged=8:3000", "--threads", "2"])
    try:
        bodies = one_row_bodies()
        answers = hammer(server, ["batched", "plain", "off", "flagged"], bodies)
        metrics = server.get("/metrics")[1].decode()
    finally:
        assert server.stop() == 0
    for i in range(len(bodies)):
        assert answers["plain"][i][0] == 200, answers["plain"][i]
        for model in ("batched", "off", "flagged"):
            status, body = answers[model][i]
            assert status == 200 and json.loads(body)["outputs"] == json.loads(answers["plain"][i][1])["outputs"], f"{model} {i}"
    for model in ("batched", "flagged"):
        assert sample(metrics, "onnxfn_batch_requests_total", model) == len(bodies)
        assert sample(metrics, "onnxfn_batch_rows_count", model) < len(bodies), f"no {model} request shared a run"
    for model in ("plain", "off"):
        assert sample(metrics, "onnxfn_batch_rows_count", model) is None, f"{model} must not batch"
        assert f'onnxfn_requests_total{{model="{model}",route="infer",status="200"}} {len(bodies)}' in metrics


def test_the_command_line_default_applies_where_no_setting_overrides(tmp_path):
    make_repository(tmp_path, {"default": None, "off": '{"dynamic_batching": false}',
                               "flagged_off": '{"dynamic_batching": {"max_rows": 8}}'})
    server = Server(["--repository", str(tmp_path), "--batch-max-rows", "16", "--batch-delay-us", "3000",
                     "--batch", "flagged_off=off", "--threads", "2"])  # --batch wins over serve.json
    try:
        bodies = one_row_bodies()
        hammer(server, ["default", "off", "flagged_off"], bodies)
        metrics = server.get("/metrics")[1].decode()
    finally:
        assert server.stop() == 0
    assert sample(metrics, "onnxfn_batch_requests_total", "default") == len(bodies)
    assert sample(metrics, "onnxfn_batch_rows_count", "default") < len(bodies)
    assert sample(metrics, "onnxfn_batch_rows_count", "off") is None
    assert sample(metrics, "onnxfn_batch_rows_count", "flagged_off") is None


@pytest.mark.parametrize("text, key", [
    ('{"dynamic_batching": {"max_rows": 16, "delay": 200}}', "dynamic_batching: unknown key 'delay'"),
    ('{"dynamic_batching": {"max_rows": 0}}', "dynamic_batching.max_rows: must be a whole number from 2 to 1000000"),
    ('{"dynamic_batching": {"max_rows": 16, "delay_us": "200"}}', "dynamic_batching.delay_us: must be a whole number"),
    ('{"dynamic_batching": true}', "dynamic_batching: must be false or an object"),
    ('{"dynamic_batching": ', "invalid JSON at byte"),
])
def test_a_bad_serve_json_stops_the_server_naming_file_and_key(tmp_path, text, key):
    make_repository(tmp_path, {"m": text})
    run = subprocess.run([BINARY, "serve", "--repository", str(tmp_path), "--port", "0"], capture_output=True, timeout=30)
    assert run.returncode == 2
    assert f"{tmp_path / 'm' / 'serve.json'}: {key}" in run.stderr.decode()


@pytest.mark.parametrize("flag, message", [
    ("m=1", "ROWS must be a whole number from 2"),
    ("m=16:soon", "US must be a whole number of microseconds"),
    ("nobody=16", "no model named 'nobody' is served (models: m)"),
])
def test_a_bad_batch_flag_stops_the_server(flag, message):
    run = subprocess.run([BINARY, "serve", f"m={ZOO / CASE / 'model.onnx'}", "--batch", flag, "--port", "0"],
                         capture_output=True, timeout=30)
    assert run.returncode == 2
    assert message in run.stderr.decode()
