"""First invocation of the packaged function: `onnxfn package` on the bench's forest (100 trees by
default, the model of the README's zip row), function.zip unpacked into a clean task root as Lambda
does, then N fresh starts under the Runtime Interface Emulator, each timed from the client for its
first 1-row OIP v2 call (start and init included). Prints the zip's size and, as medians, the
client time, the emulator's INIT REPORT and the runtime's own init_ms (model load), in one JSON
line. Issue 16's target: first invoke <= 10 ms; run it on a quiet machine (load average < 1).

    .venv/bin/python bench/lambda/first_invoke.py [--trees 100] [--starts 7] [--out /tmp/onnxfn-first]
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import time
import zipfile

import run_lambda_bench as bench


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--starts", type=int, default=7)
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("/tmp/onnxfn-first"))
    args = ap.parse_args()
    for need in (bench.RIE, bench.ONNXFN):
        if not need.exists():
            raise SystemExit(f"missing {need}: run scripts/install_rie.sh and build onnxfn")
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    x = bench.forest(args.trees, out / "model.onnx")
    bench.subprocess.run([str(bench.ONNXFN), "package", str(out / "model.onnx"), "--out", str(out / "deploy")], check=True,
                         stdout=bench.subprocess.DEVNULL)
    task = out / "task"
    task.mkdir()
    with zipfile.ZipFile(out / "deploy/function.zip") as z:
        for info in z.infolist():
            os.chmod(z.extract(info, task), info.external_attr >> 16 & 0o7777)
    event = bench.event(x, 1)
    first, report, init = [], [], []
    for _ in range(args.starts):
        log = out / "rie.log"
        f = bench.Function(task, log)
        try:
            ms, answer = f.invoke(event)
            if "outputs" not in answer:
                raise SystemExit(f"unexpected answer: {answer}")
            first.append(ms)
            report.append(f.init_report_ms())
            found = re.search(r'"init_ms":([0-9.]+)', log.read_text())
            init.append(float(found.group(1)) if found else float("nan"))
        finally:
            f.stop()
        time.sleep(0.2)
    print(json.dumps({"trees": args.trees, "zip_bytes": (out / "deploy/function.zip").stat().st_size,
                      "first_invoke_ms": round(statistics.median(first), 2), "init_report_ms": round(statistics.median(report), 2),
                      "runtime_init_ms": round(statistics.median(init), 2), "first_invoke_all_ms": [round(v, 1) for v in first],
                      "load_average": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
