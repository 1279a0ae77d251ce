"""Shared by the onnxfn Python package tests and the Spark tests: the CLI binary to compare with, the zoo,
and product-matching pair tables generated from the seeded synthetic catalogs."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ZOO = ROOT / "tests" / "fixtures" / "zoo"
BUNDLE = ROOT / "examples" / "product-matching" / "bundle"
SIDES = ("title", "description", "brand", "price")


@pytest.fixture(scope="session")
def onnxfn_bin() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("ONNXFN_BIN", ROOT / "build" / "onnxfn"))
    if not path.exists():
        pytest.fail(f"the onnxfn binary is needed for parity tests: build it or set ONNXFN_BIN ({path})")
    return path


@pytest.fixture(scope="session")
def catalogs(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("catalogs")
    subprocess.run([sys.executable, str(ROOT / "examples" / "product-matching" / "generate_catalogs.py"),
                    "--out", str(out)], check=True, capture_output=True)
    return out


def read_strings(path: pathlib.Path) -> pa.Table:
    """A CSV as onnxfn reads bundle records: every column a string, empty fields null."""
    names = pacsv.read_csv(path, read_options=pacsv.ReadOptions()).column_names
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True,
                                   quoted_strings_can_be_null=False)
    return pacsv.read_csv(path, convert_options=convert)


def make_pairs(catalogs: pathlib.Path, rows: int, seed: int = 11) -> pa.Table:
    """`rows` pair records (pair_id, left_*, right_*) drawn with a seeded generator, a third of them
    true matches by id order so both classes appear."""
    left = read_strings(catalogs / "tableA.csv")
    right = read_strings(catalogs / "tableB.csv")
    rng = np.random.default_rng(seed)
    li = rng.integers(0, left.num_rows, rows)
    ri = rng.integers(0, right.num_rows, rows)
    same = rng.random(rows) < 0.33
    ri[same] = np.minimum(li[same], right.num_rows - 1)
    cols = {"pair_id": pa.array(np.arange(rows, dtype=np.int64)).cast(pa.string())}
    lt, rt = left.take(pa.array(li)), right.take(pa.array(ri))
    cols["left_id"], cols["right_id"] = lt.column("id"), rt.column("id")
    for side, t in (("left", lt), ("right", rt)):
        for c in SIDES:
            cols[f"{side}_{c}"] = t.column(c)
    return pa.table(cols)


def write_csv(table: pa.Table, path: pathlib.Path) -> None:
    pacsv.write_csv(table, path)


def cli_predict_bundle(onnxfn_bin, bundle, records_csv: pathlib.Path, out_csv: pathlib.Path) -> pa.Table:
    subprocess.run([str(onnxfn_bin), "predict", "--bundle", str(bundle), "--input", str(records_csv),
                    "--output", str(out_csv)], check=True, capture_output=True)
    return pacsv.read_csv(out_csv)
