"""Fixtures for the package tests (defined in onnxfn_testkit, shared with tests_spark)."""
from onnxfn_testkit import catalogs, onnxfn_bin  # noqa: F401
