"""`onnxfn serve` against the clients users already have: tritonclient (JSON and binary tensors)
on zoo models (ZipMap included) and the product-matching bundle, with answers equal to
`onnxfn predict`; and hostile traffic (oversized, truncated and malformed bodies, wrong binary
lengths, slow and vanishing clients, idle connections) after which the server still answers and
its memory stays bounded. Servers listen on 127.0.0.1 on a free port and are stopped by pid.
"""
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import numpy as np
import pytest
import tritonclient.http as triton

from onnxfn_runner import BINARY, NUMPY_TYPES, ROOT

ZOO = ROOT / "tests" / "fixtures" / "zoo"
BUNDLE = ROOT / "examples" / "product-matching" / "bundle"
MODELS = ["random_forest_clf_binary_zipmap", "random_forest_clf_binary_nozipmap", "random_forest_reg",
          "random_forest_clf_multiclass_double_nozipmap", "random_forest_clf_int_labels_zipmap",
          "logistic_regression_binary_zipmap"]
MODELS = [m for m in MODELS if (ZOO / m).is_dir()]
PAIRS = [
    {"left_id": "a1", "right_id": "b1", "left_title": "Sony Bravia KDL-40W600B 40 LED TV", "left_description": "",
     "left_brand": "Sony", "left_price": "499.99", "right_title": "Sony KDL40W600B Bravia 40-inch",
     "right_description": "", "right_brand": "sony", "right_price": "489"},
    {"left_id": "a2", "right_id": "b2", "left_title": "Canon EOS 70D body", "left_description": "camera",
     "left_brand": "Canon", "left_price": "899", "right_title": "LG 42LB5600 42-Inch 1080p LED TV",
     "right_description": "tv", "right_brand": "LG", "right_price": "449.5"},
]


class Server:
    """An `onnxfn serve` process on a free loopback port, stopped with SIGTERM by pid."""

    def __init__(self, args):
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([BINARY, "serve", "--port", "0", *args], stderr=self.err)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.err.seek(0)
            m = re.search(rb"listening on http://127\.0\.0\.1:(\d+)", self.err.read())
            if m:
                self.port = int(m.group(1))
                self.url = f"127.0.0.1:{self.port}"
                return
            assert self.proc.poll() is None, "onnxfn serve exited at start"
            time.sleep(0.05)
        self.proc.kill()
        raise RuntimeError("onnxfn serve did not start listening within 30 s")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def get(self, path):
        with urllib.request.urlopen(f"http://{self.url}{path}", timeout=10) as r:
            return r.status, r.read()

    def rss_bytes(self):
        text = self.get("/metrics")[1].decode()
        return int(re.search(r"^process_resident_memory_bytes (\d+)$", text, re.M).group(1))


@pytest.fixture(scope="module")
def server():
    repo = tempfile.TemporaryDirectory()
    for name in MODELS:
        os.symlink(ZOO / name / "model.onnx", pathlib.Path(repo.name) / f"{name}.onnx")
    os.symlink(BUNDLE, pathlib.Path(repo.name) / "pairs")
    s = Server(["--repository", repo.name, "--threads", "2", "--max-body", "1048576", "--max-connections", "64",
                "--header-timeout-ms", "1000", "--body-timeout-ms", "1000"])
    yield s
    assert s.stop() == 0, "SIGTERM must drain and exit 0"
    repo.cleanup()


def predict_cli(model_path, request_path):
    out = subprocess.run([BINARY, "predict", str(model_path), "-i", str(request_path)], check=True, capture_output=True)
    return {o["name"]: o for o in json.loads(out.stdout)["outputs"]}


def request_inputs(case, binary):
    request = json.loads((ZOO / case / "request.json").read_text())
    inputs = []
    for spec in request["inputs"]:
        dtype = {"FP32": np.float32, "FP64": np.float64, "INT64": np.int64}[spec["datatype"]]
        data = np.array([np.nan if v is None else v for v in np.ravel(spec["data"])], dtype=dtype).reshape(spec["shape"])
        i = triton.InferInput(spec["name"], list(data.shape), spec["datatype"])
        i.set_data_from_numpy(data, binary_data=binary)
        inputs.append(i)
    return inputs


def assert_same(got, expected):
    if expected["datatype"] == "JSON":  # ZipMap: one {label: probability} per row
        assert [dict(row) for row in got] == expected["data"]
    else:
        dtype = NUMPY_TYPES.get(expected["datatype"], np.object_)
        want = np.array([np.nan if v is None else v for v in expected["data"]], dtype=dtype).reshape(expected["shape"])
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_triton_client_reads_server_and_model_metadata(server):
    client = triton.InferenceServerClient(server.url)
    assert client.is_server_live() and client.is_server_ready()
    meta = client.get_server_metadata()
    assert meta["name"] == "onnxfn" and "binary_tensor_data" in meta["extensions"]
    for name in MODELS + ["pairs"]:
        assert client.is_model_ready(name)
        m = client.get_model_metadata(name)
        assert m["name"] == name and m["platform"] == "onnxfn" and m["inputs"] and m["outputs"]
    assert not client.is_model_ready("no_such_model")


@pytest.mark.parametrize("binary", [False, True], ids=["json", "binary"])
@pytest.mark.parametrize("case", MODELS)
def test_triton_client_infers_like_predict(server, case, binary):
    client = triton.InferenceServerClient(server.url)
    expected = predict_cli(ZOO / case / "model.onnx", ZOO / case / "request.json")
    outputs = [triton.InferRequestedOutput(name, binary_data=binary) for name in expected]
    result = client.infer(case, request_inputs(case, binary), outputs=outputs)
    for name, want in expected.items():
        assert_same(result.as_numpy(name), want)
    # No outputs named: tritonclient asks for every output in binary form.
    result = client.infer(case, request_inputs(case, binary))
    for name, want in expected.items():
        assert_same(result.as_numpy(name), want)


@pytest.mark.parametrize("binary", [False, True], ids=["json", "binary"])
def test_triton_client_sends_bundle_columns_as_bytes(server, binary, tmp_path):
    records = tmp_path / "pairs.jsonl"
    records.write_text("".join(json.dumps(p) + "\n" for p in PAIRS))
    out = subprocess.run([BINARY, "predict", "--bundle", str(BUNDLE), "-i", str(records), "--output-format", "jsonl"],
                         check=True, capture_output=True)
    expected = [json.loads(line) for line in out.stdout.decode().splitlines()]
    inputs = []
    for column in PAIRS[0]:
        i = triton.InferInput(column, [len(PAIRS)], "BYTES")
        i.set_data_from_numpy(np.array([p[column].encode() for p in PAIRS], dtype=np.object_), binary_data=binary)
        inputs.append(i)
    result = triton.InferenceServerClient(server.url).infer("pairs", inputs)
    for column, want in expected[0].items():
        got = result.as_numpy(column)
        for row in range(len(PAIRS)):
            value = got[row].decode() if isinstance(got[row], bytes) else got[row].item()
            assert value == expected[row][column], (column, row)


def test_records_route_answers_like_predict_bundle(server, tmp_path):
    records = tmp_path / "pairs.csv"
    cols = list(PAIRS[0])
    records.write_text(",".join(cols) + "\n" + "".join(",".join(p[c] for c in cols) + "\n" for p in PAIRS))
    expected = subprocess.run([BINARY, "predict", "--bundle", str(BUNDLE), "-i", str(records)], check=True,
                              capture_output=True).stdout
    req = urllib.request.Request(f"http://{server.url}/v2/models/pairs/records", data=records.read_bytes(),
                                 headers={"Content-Type": "text/csv"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Type"] == "text/csv"
        assert r.read() == expected


def test_kserve_v1_predict(server):
    body = json.dumps({"instances": PAIRS}).encode()
    req = urllib.request.Request(f"http://{server.url}/v1/models/pairs:predict", data=body)
    with urllib.request.urlopen(req, timeout=10) as r:
        predictions = json.loads(r.read())["predictions"]
    assert [p["left_id"] for p in predictions] == ["a1", "a2"]
    assert server.get("/v1/models/pairs") == (200, b'{"name":"pairs","ready":true}')


def raw(server, data, read=True, timeout=5.0):
    """Sends raw bytes on a fresh connection; returns what the server answered before closing."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        if not read:
            return b""
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
                if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in b"".join(chunks):
                    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                    n = int(re.search(rb"Content-Length: (\d+)", head).group(1))
                    if len(body) >= n:
                        break
        except (ConnectionResetError, socket.timeout):
            pass
        return b"".join(chunks)


def status_of(answer):
    m = re.match(rb"HTTP/1\.1 (\d+)", answer)
    return int(m.group(1)) if m else None


def post(path, body, extra=b""):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Length: " + str(len(body)).encode() + b"\r\n" + extra +
            b"\r\n" + body)


def test_hostile_traffic_gets_4xx_or_a_closed_connection(server):
    infer = b"/v2/models/random_forest_reg/infer"
    rss_before = server.rss_bytes()
    # Over --max-body (1 MiB): refused from the Content-Length, before the body is read.
    assert status_of(raw(server, b"POST " + infer + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n")) == 413
    # Truncated and malformed JSON: 400 naming the byte.
    answer = raw(server, post(infer, b'{"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 5], "data": [1, 2'))
    assert status_of(answer) == 400 and b"at byte" in answer
    assert status_of(raw(server, post(infer, b"\x00\xff garbage"))) == 400
    # Wrong tensor: 422 naming it.
    answer = raw(server, post(infer, b'{"inputs": [{"name": "nope", "datatype": "FP32", "shape": [1, 5], "data": [1,2,3,4,5]}]}'))
    assert status_of(answer) == 422 and b"nope" in answer
    # Binary lengths that do not add up.
    header = b'{"inputs":[{"name":"X","datatype":"FP32","shape":[1,5],"parameters":{"binary_data_size":20}}]}'
    for body, length in [(header + b"\0" * 12, len(header)), (header + b"\0" * 20, len(header) + 5),
                         (header, 10 ** 9), (header + b"\0" * 20, -1)]:
        answer = raw(server, post(infer, body, b"Inference-Header-Content-Length: " + str(length).encode() + b"\r\n"))
        assert status_of(answer) == 400, answer
    # Not HTTP at all.
    assert status_of(raw(server, b"\x16\x03\x01 hello\r\n\r\n")) in (400, None)
    # A slow client (slowloris): half a header, then silence past the header timeout: closed.
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"POST " + infer + b" HTTP/1.1\r\nHost: x\r\n")
        t0 = time.time()
        assert s.recv(100) == b""
        assert time.time() - t0 < 4
    # A client that disconnects mid-body.
    raw(server, b"POST " + infer + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"inputs\"", read=False)
    # Many idle connections: past --max-connections new ones are closed, and once they go the
    # server answers again.
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(100)]
    time.sleep(0.2)
    for s in idle:
        s.close()
    time.sleep(1.2)  # their sessions end at the header timeout at the latest
    refused = int(re.search(r"^onnxfn_connections_refused_total (\d+)$", server.get("/metrics")[1].decode(), re.M).group(1))
    assert refused >= 100 - 64
    # Still serving, and memory bounded.
    client = triton.InferenceServerClient(server.url)
    assert client.is_server_ready()
    for _ in range(50):
        raw(server, post(infer, b'{"inputs": [' * 1000))
    assert status_of(raw(server, post(infer, b'{"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 5], "data": [1,2,3,4,5]}]}'))) == 200
    metrics = server.get("/metrics")[1].decode()
    assert re.search(r'onnxfn_requests_total\{model="random_forest_reg",route="infer",status="400"\} \d+', metrics)
    assert server.rss_bytes() < rss_before + 64 * 2 ** 20


def test_sigterm_drains_and_exits_zero():
    s = Server([str(ZOO / "random_forest_reg" / "model.onnx"), "--log-format", "json"])
    idle = socket.create_connection(("127.0.0.1", s.port))  # an idle keep-alive connection must not hold the exit
    assert s.get("/v2/health/ready")[0] == 200
    # A request in flight (its header read, half its body sent) when SIGTERM arrives is answered.
    body = b'{"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 5], "data": [1, 2, 3, 4, 5]}]}'
    busy = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    busy.sendall(post(b"/v2/models/model/infer", body)[:-20])
    time.sleep(0.3)
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert s.proc.poll() is None, "the server must wait for the request in flight"
    busy.sendall(body[-20:])
    answer = busy.recv(65536)
    assert status_of(answer) == 200 and b"Connection: close" in answer, answer
    assert s.proc.wait(timeout=30) == 0
    busy.close()
    idle.close()
    s.err.seek(0)
    lines = [json.loads(line) for line in s.err.read().decode().splitlines() if line.startswith("{")]
    assert any(line["target"] == "/v2/health/ready" and line["status"] == 200 for line in lines)
    assert any(line["route"] == "infer" and line["rows"] == 1 and line["model_ms"] > 0 for line in lines)
