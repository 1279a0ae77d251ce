"""Spark tests reuse the package tests' helpers (catalogs, pair tables, the CLI)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from conftest import catalogs, onnxfn_bin  # noqa: E402,F401  (fixtures)
