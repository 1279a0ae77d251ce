"""Runs generated models through ONNX Runtime (the oracle) and the onnxfn binary and compares the outputs.

A family of generated models is checked by `run_family`: every seed's model runs once in ONNX Runtime
(CPU, one thread) and through `onnxfn predict` with --threads 1 and --threads 2. Labels and other
non-float outputs must match exactly; floats within 1e-5 absolute or relative. A model ONNX Runtime
rejects is not a valid test and is skipped (and counted); anything onnxfn rejects or gets wrong is a
failure, reported with the family, seed, generator choices and the first mismatching row.
"""
from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import sys
import time

import numpy as np
import onnx

from onnxfn_runner import ROOT, encode_request, run_predict_named

sys.path.insert(0, str(ROOT / "tools" / "zoo"))
import zoo_ort  # noqa: E402  (the zoo's single-threaded, quiet ONNX Runtime session)

ATOL = 1e-5
RTOL = 1e-5
THREADS = (1, 2)
# Where failing models and their requests are copied for reproduction (besides pytest's tmp_path).
KEEP_DIR = os.environ.get("ONNXFN_DIFFERENTIAL_KEEP")


@dataclasses.dataclass
class Case:
    """One generated model and the inputs it is run on."""

    describe: dict  # every generator choice, printed on failure
    model: onnx.ModelProto
    feeds: list  # [(input name, numpy array)]
    class_labels: list | None = None  # column order of the probability outputs (classifiers)
    # Per-row absolute tolerance added for float32 models whose outputs cancel large sums (SVM kernels):
    # two correct float32 evaluations differ by a few ulps of the largest partial sum, not of the result.
    row_atol: np.ndarray | None = None
    family: str = ""
    seed: int = 0


class OrtRejected(Exception):
    """ONNX Runtime refused the generated model (or failed running it): not a valid test."""


def run_ort(case: Case) -> list[tuple[str, object]]:
    try:
        session = zoo_ort.make_session(case.model.SerializeToString())
        return zoo_ort.run(session, dict(case.feeds))
    except Exception as error:  # onnxruntime raises several exception types
        raise OrtRejected(_first_line(error)) from error


def _first_line(error) -> str:
    text = str(error).strip()
    return (text.splitlines() or [""])[0][:300]


# ---------------------------------------------------------------- comparison


def _as_float(v) -> float:
    if v is None:
        return float("nan")
    if v == "Infinity":
        return float("inf")
    if v == "-Infinity":
        return float("-inf")
    return float(v)


def _close(expected: np.ndarray, got: np.ndarray, atol=ATOL) -> np.ndarray:
    """Elementwise: equal (NaN equals NaN, inf equals inf), or within atol absolute or RTOL relative."""
    e = expected.astype(np.float64)
    g = got.astype(np.float64)
    with np.errstate(invalid="ignore"):
        diff = np.abs(e - g)
        return (e == g) | (np.isnan(e) & np.isnan(g)) | (diff <= atol) | (diff <= RTOL * np.abs(e))


def _row_atol(row_atol, n_rows: int, shape) -> np.ndarray | float:
    """ATOL, widened per row by the case's row_atol, broadcast to an output of `shape`."""
    if row_atol is None or len(row_atol) != n_rows:
        return ATOL
    return np.maximum(ATOL, np.asarray(row_atol, dtype=np.float64)).reshape((n_rows,) + (1,) * (len(shape) - 1))


def _fmt_row(values, limit: int = 12) -> str:
    values = list(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:limit])
    return f"[{shown}{', ...' if len(values) > limit else ''}] ({len(values)} values)"


def _input_row(case: Case, row: int) -> str:
    parts = []
    for name, arr in case.feeds:
        arr = np.asarray(arr)
        if arr.ndim >= 1 and row < arr.shape[0]:
            parts.append(f"{name}={_fmt_row(arr[row].reshape(-1), limit=40)}")
    return "; ".join(parts)


def _zipmap_rows(value) -> list[dict]:
    return [{str(k): _as_float(v) for k, v in row.items()} for row in value]


def compare_output(name: str, expected, got, row_atol=None) -> tuple[list[int], str] | None:
    """None when equal; else (mismatching rows, a description of the first one)."""
    if isinstance(expected, list):  # ZipMap: list of {label: probability}
        if not isinstance(got, list) or len(got) != len(expected):
            return [0], f"output '{name}': expected {len(expected)} maps, got {type(got).__name__} {got!r:.200}"
        exp_rows, got_rows = _zipmap_rows(expected), _zipmap_rows(got)
        atol = _row_atol(row_atol, len(exp_rows), (len(exp_rows),))
        bad = []
        for r, (e, g) in enumerate(zip(exp_rows, got_rows)):
            tol = atol if np.isscalar(atol) else float(atol[r])
            if set(e) != set(g) or not all(_close(np.array([e[k]]), np.array([g[k]]), tol)[0] for k in e):
                bad.append(r)
        if not bad:
            return None
        r = bad[0]
        return bad, f"output '{name}' row {r}: expected {exp_rows[r]} got {got_rows[r]}"
    expected = np.asarray(expected)
    if not isinstance(got, np.ndarray):
        return [0], f"output '{name}': expected a tensor {expected.dtype}{list(expected.shape)}, got {got!r:.200}"
    if expected.shape != got.shape:
        return [0], f"output '{name}': expected shape {list(expected.shape)}, got {list(got.shape)}"
    if expected.dtype.kind in "OSU":
        if got.dtype.kind not in "OSU":
            return [0], f"output '{name}': expected strings, got {got.dtype}"
        ok = np.vectorize(lambda a, b: str(a) == str(b), otypes=[bool])(expected, got) if expected.size else \
            np.ones(expected.shape, bool)
    elif expected.dtype != got.dtype:
        return [0], f"output '{name}': expected element type {expected.dtype}, got {got.dtype}"
    elif expected.dtype.kind == "f":
        ok = _close(expected, got, _row_atol(row_atol, expected.shape[0], expected.shape) if expected.ndim else ATOL)
    else:
        ok = expected == got
    if ok.all():
        return None
    ok_rows = ok.reshape(ok.shape[0], -1).all(axis=1) if ok.ndim >= 1 and ok.shape[0] else ok.reshape(1)
    bad = [int(r) for r in np.flatnonzero(~ok_rows)]
    r = bad[0]
    if expected.ndim == 0:
        return bad, f"output '{name}': expected {expected!r} got {got!r}"
    return bad, (f"output '{name}' row {r}: expected {_fmt_row(np.asarray(expected[r]).reshape(-1))} "
                 f"got {_fmt_row(np.asarray(got[r]).reshape(-1))}")


def _probabilities(outputs, labels, n_rows) -> np.ndarray | None:
    """The first output holding one score per class, as an [N, n_classes] array in `labels` order."""
    for _, value in outputs:
        if isinstance(value, list) and len(value) == n_rows and value and isinstance(value[0], dict):
            keys = [str(k) for k in labels]
            rows = _zipmap_rows(value)
            if all(set(row) == set(keys) for row in rows):
                return np.array([[row[k] for k in keys] for row in rows])
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.shape == (n_rows, len(labels)):
            return value.astype(np.float64)
    return None


def _is_near_tie(case: Case, expected_outputs, label_value, row: int, exp_label, got_label) -> bool:
    """A label that differs only because two classes' scores are within float rounding of each other.

    Exact ties are not excused: both runtimes must pick the same (first) class.
    """
    if not case.class_labels or np.asarray(label_value).ndim != 1:
        return False
    keys = [str(k) for k in case.class_labels]
    if str(exp_label) not in keys or str(got_label) not in keys:
        return False
    probs = _probabilities(expected_outputs, case.class_labels, len(label_value))
    if probs is None:
        return False
    a, b = probs[row, keys.index(str(exp_label))], probs[row, keys.index(str(got_label))]
    return a != b and abs(a - b) <= ATOL * max(1.0, abs(a))


def compare_outputs(case: Case, expected: list, got: list) -> tuple[list[str], list[str]]:
    """(failures, notes): every output compared by name; notes list excused near-tie label flips."""
    failures, notes = [], []
    got_by_name = dict(got)
    exp_names = [n for n, _ in expected]
    if sorted(got_by_name) != sorted(exp_names):
        failures.append(f"outputs: expected {exp_names}, got {[n for n, _ in got]}")
    for name, exp in expected:
        if name not in got_by_name:
            continue
        result = compare_output(name, exp, got_by_name[name], case.row_atol)
        if result is None:
            continue
        bad, message = result
        exp_arr = np.asarray(exp) if not isinstance(exp, list) else None
        g = got_by_name[name]
        if (exp_arr is not None and exp_arr.ndim == 1 and exp_arr.dtype.kind in "iOSU"
                and isinstance(g, np.ndarray) and g.shape == exp_arr.shape):
            real = [r for r in bad if not _is_near_tie(case, expected, exp_arr, r, exp_arr[r], g[r])]
            if len(real) < len(bad):
                notes.append(f"output '{name}': {len(bad) - len(real)} label(s) differ on near-tied scores")
            if not real:
                continue
            if real[0] != bad[0]:
                r = real[0]
                message = f"output '{name}' row {r}: expected {exp_arr[r]!r} got {g[r]!r}"
            bad = real
        more = f" (+{len(bad) - 1} more rows)" if len(bad) > 1 else ""
        failures.append(f"{message}{more}\n      input row {bad[0]}: {_input_row(case, bad[0])}")
    return failures, notes


# ---------------------------------------------------------------- running a family


def _save_for_repro(case: Case, model_path: pathlib.Path) -> str:
    request = model_path.with_suffix(".request.json")
    request.write_text(json.dumps(encode_request(case.feeds)))
    if KEEP_DIR:
        keep = pathlib.Path(KEEP_DIR)
        keep.mkdir(parents=True, exist_ok=True)
        (keep / model_path.name).write_bytes(model_path.read_bytes())
        (keep / request.name).write_text(request.read_text())
    return f"onnxfn predict {model_path} --input {request}"


def check_case(case: Case, workdir: pathlib.Path) -> tuple[list[str], list[str]]:
    """Runs one ORT-accepted case through onnxfn at each thread count; (failures, notes)."""
    expected = run_ort(case)
    model_path = workdir / f"{case.family}_{case.seed}.onnx"
    onnx.save(case.model, str(model_path))
    failures, notes = [], []
    for threads in THREADS:
        code, got, stderr = run_predict_named(model_path, case.feeds, threads)
        if code != 0:  # 3: a model ONNX Runtime accepts was rejected as invalid or unsupported
            failures.append(f"--threads {threads}: onnxfn exit {code}: {stderr.strip()[-400:]}")
            break  # the other thread count fails the same way
        fails, case_notes = compare_outputs(case, expected, got)
        failures += [f"--threads {threads}: {f}" for f in fails]
        notes += [f"--threads {threads}: {n}" for n in case_notes]
    if failures:
        failures.append(f"reproduce: {_save_for_repro(case, model_path)}")
    return failures, notes


def run_family(family: str, generate, seeds, workdir: pathlib.Path, min_valid: float = 0.8) -> None:
    """Generates, runs and compares every seed's model; asserts after collecting every mismatch."""
    start = time.monotonic()
    failures, summary, notes, rejected, declined, checked = [], [], [], [], 0, 0
    for seed in seeds:
        try:
            case = generate(seed)
        except Exception as error:  # a bug in the generator: reported with the others, not hiding them
            failures.append(f"[{family} seed={seed}] generator error: {type(error).__name__}: {_first_line(error)}")
            summary.append(f"seed {seed}: generator error")
            continue
        if case is None:  # the generator could not draw a valid variant for this seed
            declined += 1
            continue
        case.family, case.seed = family, seed
        try:
            case_failures, case_notes = check_case(case, workdir)
        except OrtRejected as error:
            rejected.append(f"seed {seed}: {error}")
            continue
        checked += 1
        notes += [f"seed {seed}: {n}" for n in case_notes]
        if case_failures:
            header = f"[{family} seed={seed}] {json.dumps(case.describe, default=str)}"
            failures.append(header + "\n    " + "\n    ".join(case_failures))
            summary.append(f"seed {seed}: {case_failures[0].splitlines()[0][:220]}")
    elapsed = time.monotonic() - start
    print(f"\n{family}: {checked} models checked, {len(failures)} failing, {len(rejected)} rejected by "
          f"ONNX Runtime, {declined} declined by the generator, {elapsed:.1f}s")
    for line in rejected + notes:
        print(f"  {line}")
    generated = len(list(seeds))
    assert checked >= min_valid * generated, (
        f"{family}: only {checked} of {generated} generated models were valid for ONNX Runtime; "
        f"the generator is broken:\n  " + "\n  ".join(rejected[:10]))
    assert not failures, (f"{family}: {len(failures)} of {checked} models differ from ONNX Runtime\n  "
                          + "\n  ".join(summary) + "\n\nDetails:\n" + "\n\n".join(failures))
