"""The arm64 (Graviton) deployment under the real Runtime Interface Emulator: `onnxfn package
--arch arm64` writes function.zip, which is unpacked into a clean folder (the task root, as Lambda
does) and run as the function, its arm64 `bootstrap` under qemu-aarch64.

The emulator (aws-lambda-rie, an x86_64 program) starts a bootstrap executable; this machine has no
binfmt_misc handler for aarch64, so the emulator starts a two-line x86 wrapper kept outside the task
root, which execs qemu-aarch64 on the zip's bootstrap: the arm64 process still sees the task root,
the environment the emulator sets, its own name `bootstrap` and the Runtime API. _HANDLER comes
from the generated template.yaml, as Lambda takes it from the deployed function. Calls are sent one
at a time (two overlapping calls crash the emulator). Needs scripts/build_arm64.sh and
scripts/install_rie.sh; scripts/test.sh runs it in the arm64 stage.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARM64 = pathlib.Path(os.environ.get("ONNXFN_ARM64_BINARY", ROOT / "build-arm64" / "onnxfn"))
X86 = pathlib.Path(os.environ.get("ONNXFN_BINARY", ROOT / "build" / "onnxfn"))
QEMU = os.environ.get("ONNXFN_QEMU") or shutil.which("qemu-aarch64") or shutil.which("qemu-aarch64-static")
RIE = pathlib.Path(os.environ.get("ONNXFN_RIE") or ROOT / ".tools" / "bin" / "aws-lambda-rie")
BUNDLE = ROOT / "examples" / "product-matching" / "bundle"

SAME = {"left_id": "a1", "right_id": "b1", "left_title": "Sony WH-1000XM4 wireless headphones",
        "right_title": "Sony WH1000XM4 wireless headphones", "left_description": None, "right_description": None,
        "left_brand": "acme", "right_brand": "acme", "left_price": "10.00", "right_price": "10.50"}
OTHER = dict(SAME, left_id="a2", right_id="b2", left_title="Canon EOS 250D camera body", right_title="Logitech MX Master 3 mouse")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unzip_with_modes(zip_path, folder):
    """What Lambda does with the deployment package: every entry, with its Unix mode."""
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            target = z.extract(info, folder)
            mode = info.external_attr >> 16 & 0o7777
            if mode:
                os.chmod(target, mode)


class Function:
    """aws-lambda-rie running `wrapper` as the bootstrap of `task`, stopped by pid."""

    def __init__(self, wrapper, task, handler, log):
        if not RIE.is_file():
            if os.environ.get("ONNXFN_REQUIRE_RIE") == "1":
                pytest.fail(f"{RIE} missing: scripts/install_rie.sh")
            pytest.skip(f"{RIE} missing: scripts/install_rie.sh")
        self.port, api = free_port(), free_port()
        env = dict(os.environ, LAMBDA_TASK_ROOT=str(task), _HANDLER=handler, ONNXFN_QEMU_BIN=QEMU)
        self.log = log
        self.proc = subprocess.Popen([str(RIE), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
                                      "--runtime-api-address", f"127.0.0.1:{api}", str(wrapper)],
                                     cwd=task, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        for _ in range(1000):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("aws-lambda-rie did not listen")

    def invoke(self, event):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/2015-03-31/functions/function/invocations",
                                     data=json.dumps(event).encode(), method="POST")
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def children(self):
        # The emulator is Go: it may start the bootstrap from any of its threads.
        kids = []
        for t in pathlib.Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                kids += [int(k) for k in (t / "children").read_text().split()]
            except OSError:
                pass
        return kids

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


@pytest.fixture(scope="module")
def function(tmp_path_factory):
    assert ARM64.is_file(), f"{ARM64} missing: run scripts/build_arm64.sh"
    assert QEMU, "qemu-aarch64 missing: scripts/build_arm64.sh installs qemu-user"
    assert X86.is_file(), f"{X86} missing"
    base = tmp_path_factory.mktemp("arm64_lambda")
    deploy = base / "deploy"
    res = subprocess.run([str(X86), "package", str(BUNDLE), "--out", str(deploy), "--arch", "arm64", "--binary", str(ARM64)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    task = base / "task"
    task.mkdir()
    unzip_with_modes(deploy / "function.zip", task)
    assert (task / "bootstrap").read_bytes()[18] == 183, "the zip's bootstrap is not an aarch64 ELF"
    assert os.access(task / "bootstrap", os.X_OK), "the zip's bootstrap lost its executable mode"
    handler = re.search(r"Handler: '?([^'\n]+)'?", (deploy / "template.yaml").read_text()).group(1)
    runner = base / "runner"
    runner.mkdir()
    wrapper = runner / "bootstrap"
    wrapper.write_text('#!/bin/sh\n# no binfmt_misc for aarch64 here: qemu-user runs the arm64 bootstrap\n'
                       'exec "$ONNXFN_QEMU_BIN" "$LAMBDA_TASK_ROOT/bootstrap" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    f = Function(wrapper, task, handler, base / "rie.log")
    yield f
    f.stop()


def test_records_event_scores_like_the_x86_64_build(function, tmp_path):
    status, answer = function.invoke({"records": [SAME, OTHER]})
    assert status == 200 and isinstance(answer, dict) and "records" in answer, answer
    rows = answer["records"]
    assert [r["left_id"] for r in rows] == ["a1", "a2"]
    assert rows[0]["match"] is True and rows[1]["match"] is False
    records = tmp_path / "pairs.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in (SAME, OTHER)))
    x86 = subprocess.run([str(X86), "predict", "--bundle", str(BUNDLE), "--input", str(records), "--output-format", "jsonl"],
                         capture_output=True, text=True, timeout=120, check=True).stdout.splitlines()
    assert [r["probability"] for r in rows] == [json.loads(line)["probability"] for line in x86]
    log = function.log.read_text()
    assert '"message":"init"' in log and '"event":"records","rows":2' in log, log[-2000:]


def test_inference_event_takes_open_inference_protocol_v2(function):
    columns = {"left_id": "a1", "right_id": "b1", "left_title": SAME["left_title"], "right_title": SAME["right_title"],
               "left_brand": "sony", "right_brand": "sony", "left_price": "10", "right_price": "10",
               "left_description": "", "right_description": ""}
    inputs = [{"name": k, "datatype": "BYTES", "shape": [1], "data": [v]} for k, v in columns.items()]
    status, answer = function.invoke({"id": "q7", "inputs": inputs, "outputs": [{"name": "match"}]})
    assert status == 200 and isinstance(answer, dict) and "outputs" in answer, answer
    assert answer["id"] == "q7"
    assert [o["name"] for o in answer["outputs"]] == ["match"]
    assert answer["outputs"][0]["data"] == [True]


def test_bad_request_is_a_table_error_and_the_runtime_keeps_serving(function):
    # A C++ exception thrown and caught inside the arm64 process: the error response, not a crash.
    status, answer = function.invoke({"records": [{"left_id": "x"}]})
    assert isinstance(answer, dict) and answer.get("errorType") == "onnxfn.BadInput", answer
    assert "left_title" in answer["errorMessage"]
    status, answer = function.invoke({"records": [SAME]})
    assert status == 200 and answer["records"][0]["match"] is True, answer
    assert function.log.read_text().count('"message":"init"') == 1, "the runtime restarted"
