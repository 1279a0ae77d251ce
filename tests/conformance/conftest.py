"""Makes the conformance helpers importable and checks the onnxfn binary exists."""
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from onnxfn_runner import BINARY  # noqa: E402

if not os.path.exists(BINARY):
    raise RuntimeError(f"onnxfn binary not found at {BINARY}: build it first (scripts/setup.sh)")
