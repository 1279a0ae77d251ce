"""Drift check for tests/fixtures/zoo: regeneration must match it, and ORT must reproduce it.

The committed zoo must match a fresh regeneration, and every committed model
must reproduce its committed expected.json under onnxruntime.

Run: .venv/bin/python -m pytest tools/zoo -q
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import zoo_encode  # noqa: E402
import zoo_ort  # noqa: E402

ZOO = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "zoo"
GENERATOR = Path(__file__).resolve().with_name("generate_zoo.py")
CASE_FILES = {"model.onnx", "request.json", "expected.json", "meta.json"}
# Not compared: a patch release of skl2onnx must not count as drift by itself.
META_IGNORED = {"producer_version"}


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _committed_cases() -> list[str]:
    return _load(ZOO / "index.json")["cases"]


CASES = _committed_cases()


# ---------------------------------------------------------------- comparison


def _floats_close(expected, actual, tolerance: dict) -> bool:
    """null (NaN) and "Infinity"/"-Infinity" must match exactly; finite values within abs OR rel."""
    if expected is None or actual is None or isinstance(expected, str) or isinstance(actual, str):
        return expected == actual
    diff = abs(expected - actual)
    return diff <= tolerance["abs"] or diff <= tolerance["rel"] * abs(expected)


def _compare_values(where: str, datatype: str, expected: list, actual: list, tolerance: dict) -> list[str]:
    if len(expected) != len(actual):
        return [f"{where}: {len(actual)} values, expected {len(expected)}"]
    problems = []
    for i, (e, a) in enumerate(zip(expected, actual)):
        if datatype == zoo_encode.ZIPMAP_DATATYPE:
            if list(e) != list(a):
                problems.append(f"{where}[{i}]: keys {list(a)} != {list(e)}")
            elif not all(_floats_close(e[k], a[k], tolerance) for k in e):
                problems.append(f"{where}[{i}]: {a} != {e}")
        elif datatype in zoo_encode.FLOAT_DATATYPES:
            if not _floats_close(e, a, tolerance):
                problems.append(f"{where}[{i}]: {a!r} != {e!r}")
        elif e != a:  # labels, strings, ints, bools: exact
            problems.append(f"{where}[{i}]: {a!r} != {e!r}")
    return problems


def compare_responses(expected: dict, actual: dict, tolerance: dict) -> list[str]:
    """Differences between two v2 responses (empty when they agree)."""
    problems = []
    if expected["model_name"] != actual["model_name"]:
        problems.append(f"model_name {actual['model_name']!r} != {expected['model_name']!r}")
    names = [o["name"] for o in expected["outputs"]]
    actual_names = [o["name"] for o in actual["outputs"]]
    if names != actual_names:
        return problems + [f"output names {actual_names} != {names}"]
    for e, a in zip(expected["outputs"], actual["outputs"]):
        where = e["name"]
        if (e["datatype"], e["shape"]) != (a["datatype"], a["shape"]):
            problems.append(f"{where}: {a['datatype']}{a['shape']} != {e['datatype']}{e['shape']}")
            continue
        problems += _compare_values(where, e["datatype"], e["data"], a["data"], tolerance)
    return problems


def _run_committed(case: str) -> dict:
    case_dir = ZOO / case
    session = zoo_ort.make_session((case_dir / "model.onnx").read_bytes())
    feeds = zoo_encode.decode_request(_load(case_dir / "request.json"))
    return zoo_encode.encode_response(case, zoo_ort.run(session, feeds))


# ---------------------------------------------------------------- self-tests of the comparison


def test_comparison_flags_real_differences():
    tolerance = {"abs": 1e-5, "rel": 1e-5}
    base = {
        "model_name": "m",
        "outputs": [
            {"name": "label", "datatype": "INT64", "shape": [2], "data": [1, 2]},
            {"name": "p", "datatype": "FP32", "shape": [2], "data": [0.5, None]},
            {"name": "z", "datatype": "JSON", "shape": [1], "data": [{"0": 0.25, "1": 0.75}]},
        ],
    }
    assert compare_responses(base, base, tolerance) == []
    nudged = json.loads(json.dumps(base))
    nudged["outputs"][1]["data"][0] = 0.5 + 5e-6
    assert compare_responses(base, nudged, tolerance) == []
    for path, value in [
        ((0, 1), 3),  # label
        ((1, 0), 0.5 + 1e-4),  # float beyond tolerance
        ((1, 1), 0.0),  # NaN became a number
    ]:
        drifted = json.loads(json.dumps(base))
        drifted["outputs"][path[0]]["data"][path[1]] = value
        assert compare_responses(base, drifted, tolerance), (path, value)
    drifted = json.loads(json.dumps(base))
    drifted["outputs"][2]["data"][0] = {"1": 0.75, "0": 0.25}  # key order is part of the output
    assert compare_responses(base, drifted, tolerance)


# ---------------------------------------------------------------- committed zoo is self-consistent


def test_committed_zoo_layout():
    folders = sorted(p.name for p in ZOO.iterdir() if p.is_dir())
    assert folders == sorted(CASES), "case folders on disk differ from index.json"
    for case in CASES:
        assert {p.name for p in (ZOO / case).iterdir()} == CASE_FILES, case
        assert _load(ZOO / case / "meta.json")["case"] == case


@pytest.mark.parametrize("case", CASES)
def test_committed_model_reproduces_expected(case):
    meta = _load(ZOO / case / "meta.json")
    problems = compare_responses(_load(ZOO / case / "expected.json"), _run_committed(case), meta["tolerance"])
    assert not problems, "\n".join(problems[:20])


# ---------------------------------------------------------------- regeneration matches the committed zoo


@pytest.fixture(scope="session")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("zoo")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return out


def test_regenerated_index_matches(regenerated):
    committed, fresh = _load(ZOO / "index.json"), _load(regenerated / "index.json")
    assert fresh["cases"] == committed["cases"]
    assert [s["case"] for s in fresh["skipped"]] == [s["case"] for s in committed["skipped"]]
    assert fresh["target_opset"] == committed["target_opset"]


@pytest.mark.parametrize("case", CASES)
def test_regenerated_case_matches(regenerated, case):
    committed_dir, fresh_dir = ZOO / case, regenerated / case
    assert fresh_dir.is_dir(), f"{case} was not regenerated"

    committed_meta, fresh_meta = _load(committed_dir / "meta.json"), _load(fresh_dir / "meta.json")
    for key in META_IGNORED:
        committed_meta.pop(key, None)
        fresh_meta.pop(key, None)
    assert fresh_meta == committed_meta

    request = (committed_dir / "request.json").read_bytes()
    assert (fresh_dir / "request.json").read_bytes() == request

    problems = compare_responses(
        _load(committed_dir / "expected.json"),
        _load(fresh_dir / "expected.json"),
        committed_meta["tolerance"],
    )
    assert not problems, "\n".join(problems[:20])


def test_help_works():
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "--only" in result.stdout
