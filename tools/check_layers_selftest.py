#!/usr/bin/env python3
"""Shows that check_layers.py fails on an upward include: copies src/ to a temporary folder,
injects an engine -> ops include into engine/session.h, and expects the check to fail naming it
(and to pass on the untouched copy, so the failure is the injection's)."""
import pathlib
import shutil
import subprocess
import sys
import tempfile

tools = pathlib.Path(__file__).resolve().parent
src = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else tools.parent / "src"
check = [sys.executable, str(tools / "check_layers.py")]

with tempfile.TemporaryDirectory() as tmp:
    copy = pathlib.Path(tmp) / "src"
    shutil.copytree(src, copy)
    clean = subprocess.run(check + [str(copy)], capture_output=True, text=True)
    if clean.returncode != 0:
        print("the untouched copy already fails:\n" + clean.stdout + clean.stderr)
        sys.exit(1)
    header = copy / "engine" / "session.h"
    header.write_text(header.read_text().replace("#pragma once\n", '#pragma once\n#include "ops/all_kernels.h"\n', 1))
    broken = subprocess.run(check + [str(copy)], capture_output=True, text=True)
    print(f"check_layers on a copy with engine/session.h including ops/all_kernels.h: exit {broken.returncode}")
    print(broken.stdout + broken.stderr, end="")
    if broken.returncode != 1 or "src/engine/session.h" not in broken.stdout or "ops is a higher layer than engine" not in broken.stdout:
        print("FAILED: the check did not refuse the engine -> ops include")
        sys.exit(1)
print("ok: the upward include was refused")
