"""The Spark tests reuse the package tests' helpers and fixtures (python/tests/onnxfn_testkit.py)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from onnxfn_testkit import catalogs, onnxfn_bin  # noqa: E402,F401
