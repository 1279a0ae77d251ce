"""Durable batch jobs finish exactly once: a 1,000,000-pair job killed with SIGKILL at 20 random
points and run again ends with an output equal, byte for byte, to an uninterrupted run's; so does
a job whose two runs overlap, and a job whose output location failed once. Locally and on a real
S3-compatible server (versitygw on loopback).
"""
import json
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import time

import onnx
import onnx.helper as oh
import pytest

from onnxfn_runner import BINARY

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAIRS = 1000  # left x right: 1,000,000 candidate pairs
KILLS = 20


def write_job(folder: pathlib.Path):
    """A pass-through matching bundle (probability = token Jaccard of the names), two 1,000-row
    tables and the 1,000,000 pairs of their cross product."""
    bundle = folder / "bundle"
    bundle.mkdir(parents=True)
    x = oh.make_tensor_value_info("X", onnx.TensorProto.FLOAT, [None, 2])
    y = oh.make_tensor_value_info("Y", onnx.TensorProto.FLOAT, [None, 2])
    graph = oh.make_graph([oh.make_node("Identity", ["X"], ["Y"])], "pass", [x], [y])
    model = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(bundle / "model.onnx"))
    (bundle / "pipeline.json").write_text(json.dumps({
        "schema": "onnxfn.pipeline/1",
        "input": {"columns": {"left_id": "string", "right_id": "string", "left_name": "string", "right_name": "string"}},
        "steps": [{"derive": {"sim": "coalesce(token_jaccard(left_name, right_name), 0)", "p_no": "1 - sim"}}],
        "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["p_no", "sim"]}],
        "output": {"carry": ["left_id", "right_id"], "probability": {"output": "Y", "index": 1}, "label": {"threshold": 0.5}},
    }))
    (bundle / "metadata.json").write_text('{"name": "durable-test", "version": "1"}')
    words = "tv camera lens kit black pro sony canon apple mini max ultra".split()
    rng = random.Random(0)
    for side in ("A", "B"):
        rows = [f"{side}{i}," + " ".join(rng.sample(words, 3)) for i in range(PAIRS)]
        (folder / f"table{side}.csv").write_text("id,name\n" + "\n".join(rows) + "\n")
    with open(folder / "pairs.csv", "w") as f:
        f.write("ltable_id,rtable_id\n")
        for left in range(PAIRS):
            f.write("".join(f"A{left},B{right}\n" for right in range(PAIRS)))


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    folder = tmp_path_factory.mktemp("durable")
    write_job(folder)
    reference = folder / "reference.csv"
    run = subprocess.run(batch_args(folder, str(reference), ["--all"]), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return folder, reference.read_bytes()


def batch_args(folder, output, extra, table_prefix=None):
    prefix = table_prefix or str(folder)
    return [BINARY, "batch", "--bundle", str(folder / "bundle"), "--left", f"{prefix}/tableA.csv", "--right", f"{prefix}/tableB.csv",
            "--pairs", f"{prefix}/pairs.csv", "--output", output, "--quiet", "--threads", "1"] + extra


def status_of(run):
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines, run.stdout + run.stderr
    return json.loads(lines[-1])


def kill_and_resume(args, env, full_seconds, seed):
    """Starts the job KILLS times and kills it at a random moment, then runs it to the end."""
    rng = random.Random(seed)
    for _ in range(KILLS):
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.0, full_seconds))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    final = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert final.returncode == 0, final.stderr
    return status_of(final)


def test_killed_local_job_resumes_to_the_uninterrupted_output(job, tmp_path):
    folder, reference = job
    output = tmp_path / "out" / "matches.csv"
    args = batch_args(folder, str(output), ["--all", "--checkpoint", str(tmp_path / "ck"), "--run-id", "cron-tick-1"])
    start = time.monotonic()
    probe = subprocess.run(args + ["--max-seconds", "0.5"], capture_output=True, text=True, timeout=600)
    assert probe.returncode in (0, 75), probe.stderr
    per_chunk = (time.monotonic() - start) / max(1, status_of(probe)["chunks_run"])
    status = kill_and_resume(args, None, per_chunk * 100, seed=1)
    assert status["status"] in ("complete", "already_complete")
    assert status["chunks_done"] == status["chunks_total"] == 100
    assert output.read_bytes() == reference
    # Only hidden temp files of killed runs may sit beside it (SIGKILL leaves no chance to remove them).
    assert sorted(p.name for p in output.parent.iterdir() if not p.name.startswith(".")) == ["matches.csv"]
    # A duplicate delivery of the finished job is a no-op that says so.
    again = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and status_of(again)["status"] == "already_complete"
    assert output.read_bytes() == reference
    listing = subprocess.run([BINARY, "batch", "--status", str(tmp_path / "ck")], capture_output=True, text=True, timeout=60)
    progress = json.loads(listing.stdout.splitlines()[0])
    assert progress["status"] == "complete" and progress["chunks_done"] == 100


def test_deadline_stops_between_chunks_and_the_next_run_continues(job, tmp_path):
    folder, reference = job
    output = tmp_path / "matches.csv"
    args = batch_args(folder, str(output), ["--all", "--checkpoint", str(tmp_path / "ck")])
    first = subprocess.run(args + ["--max-seconds", "0.6"], capture_output=True, text=True, timeout=600)
    assert first.returncode == 75, first.stderr
    partial = status_of(first)
    assert partial["status"] == "partial" and partial["deadline_reached"]
    assert 0 < partial["chunks_done"] < partial["chunks_total"]
    assert not output.exists()
    rest = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert rest.returncode == 0, rest.stderr
    done = status_of(rest)
    assert done["chunks_run"] == done["chunks_total"] - partial["chunks_done"], "a finished chunk ran twice"
    assert output.read_bytes() == reference


def test_two_overlapping_runs_give_one_output(job, tmp_path):
    folder, reference = job
    output = tmp_path / "matches.csv"
    args = batch_args(folder, str(output), ["--all", "--checkpoint", str(tmp_path / "ck")])
    runs = [subprocess.Popen(args + ["--run-id", f"delivery-{i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    codes = [r.wait(timeout=600) for r in runs]
    assert set(codes) <= {0, 75}, [r.stderr.read() for r in runs]
    if 0 not in codes or 75 in codes:  # one was turned away while the other held the job: run it again
        last = subprocess.run(args + ["--run-id", "delivery-0"], capture_output=True, text=True, timeout=600)
        assert last.returncode == 0, last.stderr
    assert output.read_bytes() == reference


def test_an_output_that_cannot_be_written_loses_nothing(job, tmp_path):
    folder, reference = job
    blocked = tmp_path / "out"
    blocked.write_text("a file where the output folder should be")
    output = blocked / "matches.csv"
    args = batch_args(folder, str(output), ["--all", "--checkpoint", str(tmp_path / "ck")])
    failed = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert failed.returncode != 0
    assert str(blocked) in failed.stderr, failed.stderr
    blocked.unlink()
    blocked.mkdir()
    fixed = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert fixed.returncode == 0, fixed.stderr
    assert status_of(fixed)["chunks_run"] == 0, "chunks finished before the failure ran again"
    assert output.read_bytes() == reference


# --- S3: the same job against a real S3-compatible server ------------------------------------------

def versitygw_binary():
    for candidate in (os.environ.get("ONNXFN_VERSITYGW"), str(ROOT / ".tools/bin/versitygw"), os.path.expanduser("~/go/bin/versitygw")):
        if candidate and os.path.exists(candidate):
            return candidate
    if os.environ.get("ONNXFN_REQUIRE_S3") == "1":
        pytest.fail("versitygw is required (ONNXFN_REQUIRE_S3=1) but was not found: run scripts/install_versitygw.sh")
    pytest.skip("versitygw not installed (scripts/install_versitygw.sh)")


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    binary = versitygw_binary()
    root = tmp_path_factory.mktemp("s3root")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([binary, "--access", "testkey", "--secret", "testsecret", "--port", f"127.0.0.1:{port}", "posix", str(root)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testkey", AWS_SECRET_ACCESS_KEY="testsecret", AWS_REGION="us-east-1",
               AWS_ENDPOINT_URL_S3=endpoint)
    env.pop("AWS_SESSION_TOKEN", None)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, "versitygw exited at start"
            assert time.monotonic() < deadline, "versitygw did not answer within 30 s"
            time.sleep(0.1)
    yield endpoint, env
    server.terminate()
    server.wait(timeout=10)


# curl signs SigV4 itself; versitygw insists on x-amz-content-sha256, which curl leaves to the caller.
CURL_S3 = ["curl", "-sS", "-f", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "testkey:testsecret", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]


def curl_s3(endpoint, method, path, upload=None):
    args = CURL_S3 + (["-T", str(upload)] if upload else ["-X", method]) + [f"{endpoint}/{path}"]
    subprocess.run(args, check=True, capture_output=True, timeout=120)


def test_killed_s3_job_resumes_to_the_uninterrupted_output(job, s3):
    folder, reference = job
    endpoint, env = s3
    curl_s3(endpoint, "PUT", "data")
    for name in ("tableA.csv", "tableB.csv", "pairs.csv"):
        curl_s3(endpoint, "PUT", f"data/in/{name}", folder / name)
    args = batch_args(folder, "s3://data/out/matches.csv", ["--all", "--run-id", "tick-7"], table_prefix="s3://data/in")
    start = time.monotonic()
    probe = subprocess.run(args + ["--max-seconds", "0.5"], capture_output=True, text=True, env=env, timeout=600)
    assert probe.returncode in (0, 75), probe.stderr
    per_chunk = (time.monotonic() - start) / max(1, status_of(probe)["chunks_run"])
    status = kill_and_resume(args, env, per_chunk * 100, seed=2)
    assert status["chunks_done"] == 100
    local_copy = folder / "from_s3.csv"
    subprocess.run(CURL_S3 + ["-o", str(local_copy), f"{endpoint}/data/out/matches.csv"], check=True, timeout=120)
    assert local_copy.read_bytes() == reference
    listing = subprocess.run([BINARY, "batch", "--status", "s3://data/out/matches.csv.onnxfn-job"], capture_output=True, text=True, env=env,
                             timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert json.loads(listing.stdout.splitlines()[0])["status"] == "complete"


def test_a_full_disk_fails_clearly_and_the_next_run_completes(job, tmp_path):
    """The output and then the checkpoint on a small tmpfs that fills up: a clear error naming the
    location, the chunks already committed kept, and once there is room the job completes with the
    uninterrupted output."""
    folder, reference = job
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        output = disk / "matches.csv"
        args = batch_args(folder, str(output), ["--all", "--checkpoint", str(disk / "ck")])
        failed = subprocess.run(args, capture_output=True, text=True, timeout=600)
        assert failed.returncode != 0
        assert "No space left on device" in failed.stderr and str(disk) in failed.stderr, failed.stderr
        listing = subprocess.run([BINARY, "batch", "--status", str(disk / "ck")], capture_output=True, text=True, timeout=60)
        done_before = json.loads(listing.stdout.splitlines()[0])["chunks_done"]
        assert done_before > 0, "no chunk was committed before the disk filled up"
        subprocess.run(["mount", "-o", "remount,size=512m", str(disk)], check=True, timeout=60)
        fixed = subprocess.run(args, capture_output=True, text=True, timeout=600)
        assert fixed.returncode == 0, fixed.stderr
        assert status_of(fixed)["chunks_run"] == 100 - done_before, "a committed chunk ran again"
        assert output.read_bytes() == reference
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
