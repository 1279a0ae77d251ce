#!/usr/bin/env python3
"""Generate the fixture zoo: sklearn models -> skl2onnx, v2 requests, ONNX Runtime outputs, metadata.

Usage:  .venv/bin/python tools/zoo/generate_zoo.py --out tests/fixtures/zoo [--only NAME ...]

The output is deterministic: fixed seeds everywhere, every native thread pool
(OpenMP, BLAS, onnxruntime) pinned to one thread and a fixed PYTHONHASHSEED.
The format is documented in tests/fixtures/zoo/README.md;
tools/zoo/test_zoo_drift.py checks the committed zoo stays reproducible.
"""

from __future__ import annotations

import os
import sys

# Before numpy/scipy/sklearn load their native libraries: one thread everywhere, so
# nothing depends on the machine's core count (BLAS blocking, OpenMP reductions).
os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})

# skl2onnx collects opset domains in a set, so the order of a model's
# opset_import entries follows Python's string hash. A fixed hash seed makes
# model.onnx byte-identical across runs; it can only be set before start-up.
if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime  # noqa: E402
import skl2onnx  # noqa: E402
import sklearn  # noqa: E402
from skl2onnx import convert_sklearn  # noqa: E402
from skl2onnx.common.data_types import (  # noqa: E402
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from sklearn.pipeline import Pipeline  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import zoo_compat  # noqa: E402
import zoo_meta  # noqa: E402
import zoo_ort  # noqa: E402
from zoo_cases import TARGET_OPSET, CaseSpec, build_registry  # noqa: E402
from zoo_encode import encode_request, encode_response, to_json_text  # noqa: E402

zoo_compat.install()

# skl2onnx tensor type -> numpy dtype of the fed array.
_FEED_DTYPES = {
    FloatTensorType: np.float32,
    DoubleTensorType: np.float64,
    Int64TensorType: np.int64,
    StringTensorType: object,
}


@dataclasses.dataclass
class CaseFiles:
    """Everything written for one case."""

    name: str
    model: onnx.ModelProto
    request: dict
    expected: dict
    meta: dict


@dataclasses.dataclass
class Skipped:
    name: str
    reason: str


class ConversionFailed(Exception):
    """A may_fail case that skl2onnx or onnxruntime cannot handle."""


# ---------------------------------------------------------------- building


def fit(spec: CaseSpec):
    data = spec.make_data()
    model = spec.make_estimator()
    # ConvergenceWarning etc. are expected for these tiny iteration budgets.
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(data.X_train, data.y_train)
    return model, data.X_test.copy()


def make_feeds(spec: CaseSpec, X_test: np.ndarray) -> dict[str, np.ndarray]:
    feeds = {}
    for graph_input in spec.inputs:
        columns = X_test if graph_input.columns is None else X_test[:, graph_input.columns]
        feeds[graph_input.name] = np.asarray(columns).astype(_FEED_DTYPES[graph_input.tensor_type])
    return feeds


def _final_estimator(model):
    return model.steps[-1][1] if isinstance(model, Pipeline) else model


def _convert(spec: CaseSpec, model, X_test: np.ndarray) -> onnx.ModelProto:
    widths = {name: array.shape[1] for name, array in make_feeds(spec, X_test).items()}
    initial_types = [
        (graph_input.name, graph_input.tensor_type([None, widths[graph_input.name]]))
        for graph_input in spec.inputs
    ]
    # The zipmap option belongs to the classifier itself (the last pipeline step).
    options = {id(_final_estimator(model)): {"zipmap": False}} if spec.zipmap is False else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return convert_sklearn(
            model,
            initial_types=initial_types,
            target_opset=TARGET_OPSET,
            options=options,
            name=spec.name,  # graph name; skl2onnx's default is a random uuid
        )


def _short_reason(stage: str, error: Exception) -> str:
    first_line = (str(error).strip().splitlines() or [""])[0]
    return f"{stage}: {type(error).__name__}: {first_line}"[:240]


def convert(spec: CaseSpec, model, X_test: np.ndarray) -> onnx.ModelProto:
    """skl2onnx conversion; a may_fail case raises ConversionFailed instead."""
    try:
        return _convert(spec, model, X_test)
    except Exception as error:
        if spec.may_fail:
            raise ConversionFailed(_short_reason("skl2onnx", error)) from error
        raise


def run_oracle(spec: CaseSpec, onx: onnx.ModelProto, feeds) -> list[tuple[str, object]]:
    """onnxruntime outputs; a may_fail case that ORT rejects raises ConversionFailed."""
    try:
        return zoo_ort.run(zoo_ort.make_session(onx.SerializeToString()), feeds)
    except Exception as error:
        if spec.may_fail:
            raise ConversionFailed(_short_reason("onnxruntime", error)) from error
        raise


def build_case(spec: CaseSpec) -> CaseFiles:
    model, X_test = fit(spec)
    onx = convert(spec, model, X_test)
    if spec.edge is not None:
        spec.edge(model, onx, X_test)  # after conversion: may read values from the model
    feeds = make_feeds(spec, X_test)
    outputs = run_oracle(spec, onx, feeds)
    meta = zoo_meta.describe_model(
        onx, case=spec.name, estimator=type(model).__name__, task=spec.task
    )
    if spec.zipmap is not None and meta["zipmap"] != spec.zipmap:
        raise AssertionError(f"{spec.name}: zipmap={meta['zipmap']}, expected {spec.zipmap}")
    return CaseFiles(
        name=spec.name,
        model=onx,
        request=encode_request(feeds),
        expected=encode_response(spec.name, outputs),
        meta=meta,
    )


# ---------------------------------------------------------------- writing


def write_case(out: Path, files: CaseFiles) -> None:
    case_dir = out / files.name
    if case_dir.exists():
        shutil.rmtree(case_dir)  # no stale files from an older layout
    case_dir.mkdir(parents=True)
    (case_dir / "model.onnx").write_bytes(files.model.SerializeToString())
    for filename, content in (
        ("request.json", files.request),
        ("expected.json", files.expected),
        ("meta.json", files.meta),
    ):
        (case_dir / filename).write_text(to_json_text(content), encoding="utf-8")


def package_versions() -> dict[str, str]:
    return {
        "scikit-learn": sklearn.__version__,
        "skl2onnx": skl2onnx.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
        "numpy": np.__version__,
    }


def write_index(out: Path, cases: list[str], skipped: list[Skipped]) -> None:
    index = {
        "cases": cases,
        "skipped": [{"case": s.name, "reason": s.reason} for s in skipped],
        "target_opset": {zoo_meta.domain_name(d): v for d, v in TARGET_OPSET.items()},
        "versions": package_versions(),
    }
    (out / "index.json").write_text(to_json_text(index), encoding="utf-8")


def remove_stale_cases(out: Path, keep: set[str]) -> None:
    """Delete case folders (recognised by their meta.json) that the registry no longer makes."""
    for child in sorted(out.iterdir()):
        if child.is_dir() and (child / "meta.json").exists() and child.name not in keep:
            print(f"removing stale case folder {child}")
            shutil.rmtree(child)


# ---------------------------------------------------------------- CLI


def parse_args(argv: list[str] | None, names: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="(Re)generate the ONNX fixture zoo deterministically.",
        epilog="Without --only, every case is rebuilt, stale case folders are removed "
        "and index.json is rewritten. With --only, just the named folders are rewritten.",
    )
    parser.add_argument("--out", type=Path, help="output folder, e.g. tests/fixtures/zoo")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="generate only these cases")
    parser.add_argument("--list", action="store_true", help="print the case names and exit")
    args = parser.parse_args(argv)
    if not args.list and args.out is None:
        parser.error("--out is required")
    unknown = sorted(set(args.only or []) - set(names))
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)} (see --list)")
    return args


def main(argv: list[str] | None = None) -> int:
    registry = build_registry()
    args = parse_args(argv, [spec.name for spec in registry])
    if args.list:
        print("\n".join(spec.name for spec in registry))
        return 0
    selected = [spec for spec in registry if args.only is None or spec.name in args.only]
    args.out.mkdir(parents=True, exist_ok=True)

    generated: list[str] = []
    skipped: list[Skipped] = []
    started = time.perf_counter()
    for spec in selected:
        case_started = time.perf_counter()
        try:
            files = build_case(spec)
        except ConversionFailed as failure:
            skipped.append(Skipped(spec.name, str(failure)))
            stale = args.out / spec.name
            if stale.exists():
                shutil.rmtree(stale)
            print(f"  skip {spec.name}: {failure}")
            continue
        write_case(args.out, files)
        generated.append(spec.name)
        print(f"  ok   {spec.name} ({time.perf_counter() - case_started:.2f}s)")

    if args.only is None:
        remove_stale_cases(args.out, set(generated))
        write_index(args.out, generated, skipped)
    print(
        f"{len(generated)} cases written, {len(skipped)} skipped, "
        f"{time.perf_counter() - started:.1f}s -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
