#!/usr/bin/env python3
"""A short bounded load against `onnxfn serve` (the ASan/UBSan tree's binary in scripts/test.sh's
sanitizer stage; ctest serve.sanitizer_load): a few thousand requests from concurrent keep-alive
clients, with dynamic batching on, mixing good requests (JSON and binary tensors, KServe v1,
records, /metrics) with hostile ones (truncated JSON, wrong shapes, bodies over the limit, wrong
binary lengths, garbage, clients that vanish mid-body or stall in their headers). Every answer
must be the expected status (or a closed connection for the hostile ones), batched answers must
equal the sequential ones, and SIGTERM must drain and exit 0 with no sanitizer report on stderr.
Standard library only. Usage: sanitizer_load.py ONNXFN_BINARY [SOURCE_DIR]"""
import atexit
import http.client
import json
import os
import pathlib
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

BINARY = sys.argv[1]
ROOT = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else pathlib.Path(__file__).resolve().parents[2])
MODEL = "random_forest_clf_binary_zipmap"
CLIENTS, ROUNDS = 8, 48  # 8 clients x 48 rounds x 6-7 requests: about 2,700 requests
DEADLINE = time.monotonic() + 50  # the whole run stays under a minute, even on a busy machine

request = json.loads((ROOT / "tests/fixtures/zoo" / MODEL / "request.json").read_text())
rows, width = request["inputs"][0]["shape"]
data = request["inputs"][0]["data"]


def row_values(first, count):
    return [data[((first + r) % rows) * width + c] for r in range(count) for c in range(width)]


def v2_body(first, count, features=width):
    values = [v for i, v in enumerate(row_values(first, count)) if i % width < features]
    return json.dumps({"inputs": [{"name": "X", "datatype": "FP32", "shape": [count, features], "data": values}]}).encode()


def binary_body(first, count):
    header = json.dumps({"inputs": [{"name": "X", "datatype": "FP32", "shape": [count, width],
                                     "parameters": {"binary_data_size": 4 * count * width}}]}).encode()
    return header, header + struct.pack(f"<{count * width}f", *row_values(first, count))


pair = {"left_id": "a1", "right_id": "b1", "left_title": "Sony Bravia KDL-40W600B 40 LED TV", "left_description": "",
        "left_brand": "Sony", "left_price": "499.99", "right_title": "Sony KDL40W600B Bravia 40-inch",
        "right_description": "", "right_brand": "sony", "right_price": "489"}

env = dict(os.environ)
env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
# Started last thing before the load; killed on any way out of this script.
server = subprocess.Popen(
    [BINARY, "serve", f"{MODEL}={ROOT / 'tests/fixtures/zoo' / MODEL / 'model.onnx'}",
     f"pairs={ROOT / 'examples/product-matching/bundle'}", "--port", "0", "--threads", "2",
     "--batch-max-rows", "16", "--batch-delay-us", "500", "--max-body", str(256 * 1024),
     "--header-timeout-ms", "400", "--body-timeout-ms", "1000"],
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
atexit.register(lambda: server.poll() is None and server.kill())
stderr_lines = []
port = None
for line in server.stderr:
    text = line.decode(errors="replace")
    stderr_lines.append(text)
    m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text)
    if m:
        port = int(m.group(1))
        break
if port is None:
    sys.exit("server did not start:\n" + "".join(stderr_lines))
drainer = threading.Thread(target=lambda: stderr_lines.extend(l.decode(errors="replace") for l in server.stderr), daemon=True)
drainer.start()

failures = []
counts = {"ok": 0, "hostile": 0}
lock = threading.Lock()


def fail(message):
    with lock:
        if len(failures) < 20:
            failures.append(message)


def raw(payload, expect, close_early=False):
    """A hostile request on its own connection: the expected status or a closed connection."""
    with lock:
        counts["hostile"] += 1
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(payload)
        if close_early:
            return
        try:
            answer = s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            answer = b""
        if answer and not answer.startswith(b"HTTP/1.1 %d" % expect):
            fail(f"hostile request {payload[:60]!r}: expected {expect}, got {answer[:80]!r}")


def post_raw(path, body, status, headers=""):
    return raw(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{headers}\r\n".encode() + body, status)


# Sequential answers (a batch of one each) are what the batched ones must equal.
seq = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
expected = {}
for first in range(rows):
    seq.request("POST", f"/v2/models/{MODEL}/infer", v2_body(first, 1))
    r = seq.getresponse()
    expected[first] = r.read()
    assert r.status == 200, expected[first]
# Stalled clients: half a request line each, left open across the load (the header timeout ends them).
stalled = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
for s in stalled:
    s.sendall(b"POST /v2/models/x/inf")


def client(index):
    try:
        run_client(index)
    except Exception as e:  # a reset or a timeout on a good request: the server misbehaved
        fail(f"client {index}: {type(e).__name__}: {e}")


def run_client(index):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(method, path, body=None, headers=None, status=200):
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        payload = r.read()
        with lock:
            counts["ok"] += 1
        if r.status != status:
            fail(f"{method} {path}: {r.status} {payload[:200]!r}")
        return payload

    for n in range(ROUNDS):
        if time.monotonic() > DEADLINE:
            fail("the load did not finish in time")
            return
        first = (index * ROUNDS + n) % rows
        got = call("POST", f"/v2/models/{MODEL}/infer", v2_body(first, 1))
        if got != expected[first]:
            fail(f"batched answer for row {first} differs: {got[:200]!r} vs {expected[first][:200]!r}")
        call("POST", f"/v2/models/{MODEL}/infer", v2_body(first, 3))
        header, body = binary_body(first, 2)
        call("POST", f"/v2/models/{MODEL}/infer", body, {"Inference-Header-Content-Length": str(len(header))})
        call("POST", f"/v1/models/{MODEL}:predict", json.dumps({"instances": [row_values(first, 1)]}).encode())
        call("POST", "/v2/models/pairs/records", json.dumps(pair).encode(), {"Content-Type": "application/x-ndjson"})
        if n % 8 == 0:
            call("GET", "/metrics")
        kind = n % 6
        if kind == 0:
            post_raw(f"/v2/models/{MODEL}/infer", v2_body(first, 1)[:-9], 400)
        elif kind == 1:
            post_raw(f"/v2/models/{MODEL}/infer", v2_body(first, 1, features=width - 1), 422)
        elif kind == 2:
            post_raw(f"/v2/models/{MODEL}/infer", b"[" * (300 * 1024), 413)
        elif kind == 3:
            header, body = binary_body(first, 1)
            post_raw(f"/v2/models/{MODEL}/infer", body[:-4], 400, f"Inference-Header-Content-Length: {len(header)}\r\n")
        elif kind == 4:
            raw(b"\x16\x03\x01 garbage \r\n\r\n", 400)
        else:
            raw(f"POST /v2/models/{MODEL}/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n".encode()
                + v2_body(first, 1)[:50], 0, close_early=True)


threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
started = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - started
seq.close()  # idle past the header timeout by now: the server closed it
probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
probe.request("GET", "/metrics")
metrics = probe.getresponse().read().decode()
probe.close()
for s in stalled:
    s.close()
batch_runs = re.search(r'^onnxfn_batch_rows_count\{model="' + re.escape(MODEL) + r'"\} (\d+)', metrics, re.M)
batched = re.search(r'^onnxfn_batch_requests_total\{model="' + re.escape(MODEL) + r'"\} (\d+)', metrics, re.M)
if not batch_runs or not batched or int(batched.group(1)) == 0:
    fail("no batched requests in /metrics")
server.send_signal(signal.SIGTERM)
try:
    code = server.wait(timeout=60)
except subprocess.TimeoutExpired:
    server.kill()
    code = "killed after 60 s"
drainer.join(timeout=5)
log = "".join(stderr_lines)
if code != 0:
    fail(f"serve exited with {code}")
if re.search(r"AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer", log):
    fail("sanitizer report:\n" + log[-6000:])
print(f"{counts['ok']} good and {counts['hostile']} hostile requests in {elapsed:.1f}s; "
      f"{batched.group(1) if batched else '?'} requests in {batch_runs.group(1) if batch_runs else '?'} batcher runs")
if failures:
    sys.exit("FAILED:\n" + "\n".join(failures))
