#!/usr/bin/env python3
"""Fails when a file under src/ includes a higher layer (DESIGN.md, Budgets: layers only look down).

Usage: check_layers.py [SRC_DIR]   (default: the src/ beside this tools/ folder)

Reads every #include "folder/..." in src/**/*.{h,cpp,cxx,inc} and checks it against the layer
order below. Same-level folders may include each other, except model and frame, which are
peers that stay apart. A folder of src/ missing from the order is an error too, so a new
subsystem must be placed before it can be used. Includes of folders that are not under src/
(generated protobuf headers, third-party libraries) are not layers and are ignored.
"""
import pathlib
import re
import sys

# Lowest first. cli -> doors -> batch/protocol/storage/net -> pipeline -> ops -> engine -> model, frame -> common.
LAYERS = [
    ["common"],
    ["model", "frame"],
    ["engine"],
    ["ops"],
    ["pipeline", "net"],
    ["protocol", "storage"],
    ["batch"],
    ["serve", "lambda", "schedule", "tune"],
    ["cli"],
]
APART = {frozenset(("model", "frame")), frozenset(("pipeline", "net")), frozenset(("protocol", "storage"))}  # same level, but neither may include the other

LEVEL = {folder: level for level, folders in enumerate(LAYERS) for folder in folders}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]*"', re.MULTILINE)


def violations(src: pathlib.Path) -> list[str]:
    problems = []
    folders = {p.name for p in src.iterdir() if p.is_dir()}
    for folder in sorted(folders - LEVEL.keys()):
        problems.append(f"src/{folder}/: not in the layer order of tools/check_layers.py (add it where DESIGN.md puts it)")
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cpp", ".cxx", ".inc") or not path.is_file():
            continue
        rel = path.relative_to(src)
        if len(rel.parts) < 2:
            continue
        own = rel.parts[0]
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in INCLUDE.finditer(text):
            target = match.group(1)
            if target == own or target not in folders or own not in LEVEL or target not in LEVEL:
                continue
            line = text.count("\n", 0, match.start()) + 1
            where = f"src/{rel}:{line}: {own} includes {match.group(0).strip().split(None, 1)[1]}"
            if LEVEL[target] > LEVEL[own]:
                problems.append(f"{where}: {target} is a higher layer than {own}")
            elif frozenset((own, target)) in APART:
                problems.append(f"{where}: {own} and {target} are peers that must not include each other")
    return problems


def main() -> int:
    src = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1] / "src"
    if not src.is_dir():
        print(f"check_layers: {src} is not a folder", file=sys.stderr)
        return 2
    problems = violations(src)
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} include(s) against the layer order", file=sys.stderr)
        return 1
    print(f"check_layers: every include under {src} looks down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
