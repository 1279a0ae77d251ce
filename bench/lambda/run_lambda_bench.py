"""Lambda benchmark: onnxfn as the bootstrap of a custom runtime against today's stack (Node.js with
onnxruntime-node and a Runtime API loop, node/index.js), both under the same Runtime Interface
Emulator on this machine, invoked one call at a time from this client.

    .venv/bin/python bench/lambda/run_lambda_bench.py [--out /tmp/lambda-bench]

Measures, per runtime: the first invocation after start (client side, init included; median of 5
fresh starts) and the emulator's INIT REPORT; RSS after it; warm invocations of 1 row and of 10,000
rows (OIP v2 JSON events, decoding included); peak RSS after the 10,000-row events; and the
deployment zip (onnxfn package with a 100-tree forest; Node: index.js, the model and
onnxruntime-node trimmed to linux-x64, deflated). Needs scripts/install_rie.sh, build/onnxfn and
`npm ci --ignore-scripts` in bench/ (onnxruntime-node 1.30.0). Prints a table and one JSON line.
--baseline BIN also measures another onnxfn binary (e.g. main's build) in the same run, for
before/after figures of a change, and prints its column and the ratio to it.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import zipfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from bench_models import _synthetic  # noqa: E402

RIE = ROOT / ".tools/bin/aws-lambda-rie"
ONNXFN = ROOT / "build/onnxfn"
NODE_MODULES = ROOT / "bench/node_modules"


def forest(n_trees, path):
    from sklearn.ensemble import RandomForestClassifier
    from skl2onnx import to_onnx
    x, y = _synthetic(30, 2)
    model = RandomForestClassifier(n_estimators=n_trees, max_depth=10, random_state=0, n_jobs=1).fit(x, y)
    onx = to_onnx(model, x[:1], options={id(model): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    path.write_bytes(onx.SerializeToString())
    return x


def event(x, rows):
    data = np.resize(x, (rows, x.shape[1])).round(6)
    return json.dumps({"inputs": [{"name": "X", "datatype": "FP32", "shape": [rows, x.shape[1]], "data": data.ravel().tolist()}]})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Function:
    def __init__(self, task, log):
        self.port, api = free_port(), free_port()
        env = dict(os.environ, LAMBDA_TASK_ROOT=str(task), _HANDLER="model.onnx")
        self.log_path = log
        self.proc = subprocess.Popen([str(RIE), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
                                      "--runtime-api-address", f"127.0.0.1:{api}", str(task / "bootstrap")],
                                     cwd=task, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        for _ in range(500):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("aws-lambda-rie did not start")

    def invoke(self, body):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/2015-03-31/functions/function/invocations", data=body.encode(),
                                     method="POST")
        start = time.perf_counter()
        with urllib.request.urlopen(req, timeout=300) as r:
            answer = r.read()
        return (time.perf_counter() - start) * 1000, json.loads(answer)

    def children(self):
        # Go starts the bootstrap from any of its threads: every task's children.
        return [int(k) for t in pathlib.Path(f"/proc/{self.proc.pid}/task").iterdir() for k in (t / "children").read_text().split()]

    def bootstrap_pid(self):
        return self.children()[0]  # node's bootstrap is `exec node`: the exec keeps the pid

    def memory_mb(self):
        status = pathlib.Path(f"/proc/{self.bootstrap_pid()}/status").read_text()
        get = lambda key: int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) / 1024  # noqa: E731
        return get("VmRSS"), get("VmHWM")

    def init_report_ms(self):
        found = re.findall(r"INIT REPORT\(durationMs: ([0-9.]+)\)", pathlib.Path(self.log_path).read_text())
        return float(found[0]) if found else float("nan")

    def stop(self):
        kids = self.children()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass


def labels(answer):
    out = {o["name"]: o for o in answer["outputs"]}
    return out["label"]["data"]


def measure(name, task, out, ev1, ev10k, starts=5, warm1=50, warm10k=15):
    firsts, inits = [], []
    for i in range(starts):
        f = Function(task, out / f"{name}-{i}.log")
        try:
            ms, answer = f.invoke(ev1)
            firsts.append(ms)
            inits.append(f.init_report_ms())
            rss_first, _ = f.memory_mb()
            if i == starts - 1:
                one = [f.invoke(ev1)[0] for _ in range(warm1)]
                times, answers = [], None
                for _ in range(warm10k):
                    ms, answers = f.invoke(ev10k)
                    times.append(ms)
                _, peak = f.memory_mb()
                result_labels = labels(answers)
        finally:
            f.stop()
    return {"first_ms": statistics.median(firsts), "init_report_ms": statistics.median(inits), "rss_after_first_mb": rss_first,
            "warm_1_ms": statistics.median(one), "warm_10000_ms": statistics.median(times), "peak_rss_mb": peak}, result_labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("/tmp/onnxfn-lambda-bench"))
    ap.add_argument("--baseline", type=pathlib.Path, help="another onnxfn binary to measure in the same run")
    args = ap.parse_args()
    for need in (RIE, ONNXFN, NODE_MODULES / "onnxruntime-node"):
        if not need.exists():
            sys.exit(f"missing {need}: run scripts/install_rie.sh, build onnxfn, and npm ci --ignore-scripts in bench/")
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    x = forest(60, out / "model60.onnx")
    forest(100, out / "model100.onnx")
    ev1, ev10k = event(x, 1), event(x, 10000)

    onnxfn_task = out / "onnxfn-task"
    onnxfn_task.mkdir()
    shutil.copy(ONNXFN, onnxfn_task / "bootstrap")
    shutil.copy(out / "model60.onnx", onnxfn_task / "model.onnx")
    node_task = out / "node-task"
    node_task.mkdir()
    for f in ("index.js", "bootstrap"):
        shutil.copy(ROOT / "bench/lambda/node" / f, node_task / f)
    (node_task / "node_modules").symlink_to(NODE_MODULES)
    shutil.copy(out / "model60.onnx", node_task / "model.onnx")

    results = {}
    if args.baseline:
        baseline_task = out / "baseline-task"
        baseline_task.mkdir()
        shutil.copy(args.baseline, baseline_task / "bootstrap")
        shutil.copy(out / "model60.onnx", baseline_task / "model.onnx")
        results["baseline"], _ = measure("baseline", baseline_task, out, ev1, ev10k)
    results["onnxfn"], onnxfn_labels = measure("onnxfn", onnxfn_task, out, ev1, ev10k)
    results["node"], node_labels = measure("node", node_task, out, ev1, ev10k)
    if onnxfn_labels != node_labels:
        sys.exit("onnxfn and onnxruntime-node disagree on the 10,000-row labels")

    # Deployment zips with the 100-tree model.
    subprocess.run([str(ONNXFN), "package", str(out / "model100.onnx"), "--out", str(out / "onnxfn-package")], check=True,
                   stdout=subprocess.DEVNULL)
    results["onnxfn"]["zip_bytes"] = (out / "onnxfn-package/function.zip").stat().st_size
    node_zip = out / "node-function.zip"
    ort_node = NODE_MODULES / "onnxruntime-node"
    files = [(ROOT / "bench/lambda/node/index.js", "index.js"), (out / "model100.onnx", "model.onnx")]
    for base, sub in ((NODE_MODULES / "onnxruntime-common", ""), (ort_node, "dist"), (ort_node, "bin/napi-v6/linux/x64")):
        folder = base / sub if sub else base
        files += [(p, str(p.relative_to(NODE_MODULES.parent))) for p in sorted(folder.rglob("*")) if p.is_file()]
    files += [(ort_node / "package.json", "node_modules/onnxruntime-node/package.json")]
    with zipfile.ZipFile(node_zip, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path, name in files:
            z.write(path, name)
    results["node"]["zip_bytes"] = node_zip.stat().st_size

    o, n = results["onnxfn"], results["node"]
    rows = [("first invocation after start, client (ms, median of 5)", "first_ms", 1),
            ("emulator INIT REPORT (ms)", "init_report_ms", 1),
            ("RSS after the first invocation (MB)", "rss_after_first_mb", 1),
            ("warm invocation, 1 row (ms, median)", "warm_1_ms", 2),
            ("warm invocation, 10,000 rows (ms, median)", "warm_10000_ms", 1),
            ("peak RSS after 10,000-row events (MB)", "peak_rss_mb", 1),
            ("deployment zip, 100-tree forest (MiB)", "zip_bytes", 2)]
    base = results.get("baseline")
    print(f"{'':55s} {'onnxfn':>10s} {'Node+ORT':>10s} {'ratio':>7s}" + (f" {'baseline':>10s} {'ratio':>7s}" if base else ""))
    for label, key, digits in rows:
        scale = 1 / 2**20 if key == "zip_bytes" else 1
        a, b = o[key] * scale, n[key] * scale
        line = f"{label:55s} {a:10.{digits}f} {b:10.{digits}f} {b / a:6.1f}x"
        if base and key in base:
            line += f" {base[key] * scale:10.{digits}f} {base[key] * scale / a:6.2f}x"
        print(line)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
