"""onnxfn vs ONNX Runtime (Python onnxruntime and Node.js onnxruntime-node), in one run on one
machine: tree models at batch sizes 1, 100 and 10,000 with 1 and 2 threads, plus whole-process
cold start (process start to first prediction) and peak RSS of a 10,000-row run. treelite/tl2cgen
(the scikit-learn model compiled to C, bench/tl2cgen_peer.py) is a third peer on one thread, for
the models it compiles within --tl2cgen-budget seconds.

Each runtime times session.run alone (inputs prepared beforehand, warm-up runs first). On a shared,
noisy machine one long series favours whichever runtime ran in a quiet moment, so every
configuration is measured in --rounds rounds, the three runtimes taking turns within a round; a
runtime's figure is the median over its rounds of each round's median. Ratios are ONNX Runtime
time / onnxfn time (above 1: onnxfn is faster), i.e. onnxfn's throughput over ONNX Runtime's.
Run through bench/run.sh, which sets everything up.
"""
import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools" / "zoo"))
import zoo_compat  # noqa: E402  (lets skl2onnx 1.20 convert HistGradientBoosting under protobuf 7)

zoo_compat.install()
import bench_models  # noqa: E402
import tl2cgen_peer  # noqa: E402

ONNXFN = os.environ.get("ONNXFN_BINARY", str(ROOT / "build" / "onnxfn"))


def write_rows_json(rows, path, input_name):
    data = [None if np.isnan(v) else float(v) for v in rows.reshape(-1)]
    path.write_text(json.dumps({"name": input_name, "width": rows.shape[1], "data": data}))


def write_request(rows, path, input_name):
    data = [None if np.isnan(v) else float(v) for v in rows.reshape(-1)]
    path.write_text(json.dumps({"inputs": [{"name": input_name, "datatype": "FP32", "shape": list(rows.shape), "data": data}]}))


def time_onnxfn(model, request, rows, threads, repeat, warmup, field="median_ms"):
    out = subprocess.run([ONNXFN, "bench", str(model), "--input", str(request), "--rows", str(rows), "--threads", str(threads),
                          "--repeat", str(repeat), "--warmup", str(warmup), "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)[field]


def time_ort_load(model):
    """ONNX Runtime's session creation (one thread), the counterpart of onnxfn bench's load_ms."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    t = time.perf_counter()
    ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    return (time.perf_counter() - t) * 1000


_ORT_SESSIONS = {}


def time_ort_python(model, example, rows, threads, repeat, warmup):
    # A session with a thread pool is not kept: its threads spin after each run and went on spinning
    # while the next runtime's process ran (measured: onnxfn's 2-thread gbc_default run right after
    # ONNX Runtime's runs took 0.55 ms, 0.33 ms half a second later). Deleting it joins them.
    key = (str(model), threads)
    if key not in _ORT_SESSIONS:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        _ORT_SESSIONS[key] = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    sess = _ORT_SESSIONS[key] if threads == 1 else _ORT_SESSIONS.pop(key)
    x = np.ascontiguousarray(np.resize(example, (rows, example.shape[1])).astype(np.float32))
    feed = {sess.get_inputs()[0].name: x}
    for _ in range(warmup):
        sess.run(None, feed)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        sess.run(None, feed)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def time_ort_node(model, rows_json, rows, threads, repeat, warmup):
    out = subprocess.run(["node", str(HERE / "ort_node_bench.js"), str(model), str(rows_json), str(rows), str(threads),
                          str(repeat), str(warmup)], capture_output=True, text=True, check=True, cwd=HERE)
    return json.loads(out.stdout)["median_ms"]


def run_measured(cmd, cwd=None):
    """Wall time (ms) from process start to exit, and peak RSS (MB) of the process. The RSS comes
    from GNU time: a child forked from this Python process would inherit its high-water mark
    (ru_maxrss survives fork and exec), so every runtime would report at least Python's size."""
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = (time.perf_counter() - t) * 1000
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {p.stderr.decode()[-500:]}")
    rss = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         check=True, text=True).stderr.strip().splitlines()[-1]
    return wall, int(rss) / 1024


def cold_and_rss(model, request_1, request_10k, rows_json, runs):
    py_cold = ("import sys, json, numpy as np, onnxruntime as ort\n"
               "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
               "d = json.load(open(sys.argv[2]))['inputs'][0]\n"
               "x = np.array([np.nan if v is None else v for v in d['data']], dtype=np.float32).reshape(d['shape'])\n"
               "s.run(None, {d['name']: x})\n")
    commands = {
        "onnxfn": lambda req: [ONNXFN, "predict", str(model), "--input", str(req), "--threads", "1", "--output", os.devnull],
        "onnxruntime (Python)": lambda req: [sys.executable, "-c", py_cold, str(model), str(req)],
        "onnxruntime-node": lambda req: ["node", str(HERE / "ort_node_cold.js"), str(model), str(rows_json)],
    }
    result = {}
    for name, make in commands.items():
        measured = [run_measured(make(request_1), cwd=HERE) for _ in range(runs)]
        cold = statistics.median(m[0] for m in measured)
        rss_one = statistics.median(m[1] for m in measured)  # load and score one row
        if name == "onnxruntime-node":  # the Node script predicts one row; measure RSS with a 10k-row timing run
            rss = run_measured(["node", str(HERE / "ort_node_bench.js"), str(model), str(rows_json), "10000", "1", "1", "0"], cwd=HERE)[1]
        else:
            rss = run_measured(make(request_10k), cwd=HERE)[1]
        result[name] = (cold, rss, rss_one)
    return result


def cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def ort_node_version():
    try:
        return json.loads((HERE / "node_modules" / "onnxruntime-node" / "package.json").read_text())["version"]
    except OSError:
        return "missing"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", default=list(bench_models.MODELS), help="subset of: " + ", ".join(bench_models.MODELS))
    ap.add_argument("--batches", nargs="*", type=int, default=[1, 100, 10000])
    ap.add_argument("--threads", nargs="*", type=int, default=[1, 2])
    ap.add_argument("--cold-runs", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3, help="rounds per configuration, runtimes taking turns")
    ap.add_argument("--out", default=str(ROOT / "build" / "bench"), help="folder for models and results")
    ap.add_argument("--json", help="also write the results as JSON here")
    ap.add_argument("--tl2cgen-budget", type=float, default=120,
                    help="seconds a tl2cgen compile may take before the model is skipped (0: no tl2cgen)")
    args = ap.parse_args()
    out = pathlib.Path(args.out).resolve()  # the Node scripts run in bench/
    results = {"machine": cpu_model(), "cpus": os.cpu_count(), "onnxruntime": ort.__version__,
               "onnxruntime_node": ort_node_version(), "tl2cgen": tl2cgen_peer.versions(), "date": time.strftime("%Y-%m-%d"),
               "rows": [], "cold": [], "load": []}
    print(f"onnxfn vs onnxruntime {ort.__version__} (Python) and onnxruntime-node {results['onnxruntime_node']}; "
          f"{results['machine']}, {os.cpu_count()} CPUs; {results['date']}; {results['tl2cgen']}\n"
          f"median ms of session.run (median of {args.rounds} rounds); x = peer time / onnxfn time; tl2cgen on 1 thread\n")
    header = (f"{'model':18s} {'batch':>6s} {'thr':>3s} {'onnxfn':>9s} {'ort-py':>9s} {'ort-node':>9s} {'tl2cgen':>9s} "
              f"{'x py':>6s} {'x node':>6s} {'x tl2c':>6s}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        for name in args.models:
            model, rows = bench_models.build(name, out)
            input_name = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).get_inputs()[0].name
            request = tmp / f"{name}.request.json"
            write_request(rows[:1000], request, input_name)
            rows_json = tmp / f"{name}.rows.json"
            write_rows_json(rows[:1000], rows_json, input_name)
            tl2c = None
            if args.tl2cgen_budget > 0 and tl2cgen_peer.available():
                lib, why = tl2cgen_peer.compile_model(name, model, out, args.tl2cgen_budget)
                try:
                    tl2c = tl2cgen_peer.Peer(name, lib, rows, out) if lib else None
                except ValueError as e:
                    why = str(e)
                if why:
                    print(f"{name:18s} tl2cgen: {why}", flush=True)
                    results.setdefault("tl2cgen_skipped", {})[name] = why
            for batch in args.batches:
                repeat = max(5, (300 if batch <= 100 else 21) // args.rounds)
                warmup = 20 if batch <= 100 else 2
                for threads in args.threads:
                    times = {"onnxfn": [], "py": [], "node": [], "tl2c": []}
                    for _ in range(args.rounds):
                        times["onnxfn"].append(time_onnxfn(model, request, batch, threads, repeat, warmup))
                        times["py"].append(time_ort_python(model, rows, batch, threads, repeat, warmup))
                        times["node"].append(time_ort_node(model, rows_json, batch, threads, repeat, warmup))
                        if tl2c and threads == 1:
                            times["tl2c"].append(tl2c.time(batch, repeat, warmup))
                    ours, py, node = (statistics.median(times[k]) for k in ("onnxfn", "py", "node"))
                    tl = statistics.median(times["tl2c"]) if times["tl2c"] else None
                    results["rows"].append({"model": name, "batch": batch, "threads": threads, "onnxfn_ms": ours,
                                            "ort_python_ms": py, "ort_node_ms": node, "tl2cgen_ms": tl})
                    tl_cols = f"{tl:9.3f}" if tl else f"{'-':>9s}"
                    tl_ratio = f"{tl / ours:6.2f}" if tl else f"{'-':>6s}"
                    print(f"{name:18s} {batch:6d} {threads:3d} {ours:9.3f} {py:9.3f} {node:9.3f} {tl_cols} "
                          f"{py / ours:6.2f} {node / ours:6.2f} {tl_ratio}", flush=True)
            request_1 = tmp / f"{name}.one.json"
            write_request(rows[:1], request_1, input_name)
            request_10k = tmp / f"{name}.10k.json"
            write_request(np.resize(rows, (10000, rows.shape[1])), request_10k, input_name)
            file_mb = model.stat().st_size / 2**20
            for runtime, (cold, rss, rss_one) in cold_and_rss(model, request_1, request_10k, rows_json, args.cold_runs).items():
                results["cold"].append({"model": name, "runtime": runtime, "cold_start_ms": cold, "peak_rss_mb": rss,
                                        "peak_rss_one_row_mb": rss_one, "file_mb": file_mb})
            # Load: onnxfn's session creation (bench's load_ms) and ONNX Runtime's, taking turns.
            loads = {"onnxfn": [], "ort": []}
            for _ in range(args.rounds):
                loads["onnxfn"].append(time_onnxfn(model, request_1, 1, 1, 1, 0, field="load_ms"))
                loads["ort"].append(time_ort_load(model))
            results["load"].append({"model": name, "file_mb": file_mb, "onnxfn_ms": statistics.median(loads["onnxfn"]),
                                    "ort_python_ms": statistics.median(loads["ort"])})
    print("\nwhole-process cold start (start to first prediction, 1 row), peak RSS of that process and of a 10,000-row run")
    print(f"{'model':18s} {'runtime':22s} {'cold ms':>8s} {'RSS 1 MB':>8s} {'RSS MB':>8s}")
    for c in results["cold"]:
        print(f"{c['model']:18s} {c['runtime']:22s} {c['cold_start_ms']:8.1f} {c['peak_rss_one_row_mb']:8.1f} {c['peak_rss_mb']:8.1f}")
    print("\nsession creation (load) in ms, median of rounds; x = ONNX Runtime / onnxfn; peak RSS (MB) of a process that"
          "\nloads the model and scores one row (median of the cold runs), and that RSS / file size")
    print(f"{'model':18s} {'file MB':>8s} {'onnxfn':>8s} {'ort-py':>8s} {'x':>6s} {'RSS fn':>8s} {'RSS ort':>8s} "
          f"{'fn/file':>8s} {'ort/file':>8s}")
    for l in results["load"]:
        def rss_one(runtime):
            return next(c["peak_rss_one_row_mb"] for c in results["cold"] if c["model"] == l["model"] and c["runtime"] == runtime)
        ours, theirs = rss_one("onnxfn"), rss_one("onnxruntime (Python)")
        print(f"{l['model']:18s} {l['file_mb']:8.1f} {l['onnxfn_ms']:8.1f} {l['ort_python_ms']:8.1f} "
              f"{l['ort_python_ms'] / l['onnxfn_ms']:6.1f} {ours:8.1f} {theirs:8.1f} {ours / l['file_mb']:8.2f} {theirs / l['file_mb']:8.2f}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
