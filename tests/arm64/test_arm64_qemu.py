"""The arm64 (AWS Graviton) build under qemu-aarch64: a focused check that the cross-built binary
is what `onnxfn package --arch arm64` ships and that it computes what the x86_64 build does.

scripts/build_arm64.sh builds build-arm64/onnxfn; scripts/test.sh runs this file after it. The
binary is a static arm64 ELF (no interpreter, stripped, under 8 MB); under qemu-aarch64 it answers
--version and inspect like the x86_64 build, predicts a handful of zoo models (one per operator
family) within the zoo's tolerance of ONNX Runtime, scores the product-matching bundle with the
x86_64 build's exact output and passes its training-time reference set (verify), errors exit with
their codes (exceptions unwind); `onnxfn package
--arch arm64 --binary build-arm64/onnxfn` accepts it and the zip's bootstrap is that binary.
"""
import json
import math
import os
import pathlib
import shutil
import struct
import subprocess
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARM64 = pathlib.Path(os.environ.get("ONNXFN_ARM64_BINARY", ROOT / "build-arm64" / "onnxfn"))
X86 = pathlib.Path(os.environ.get("ONNXFN_BINARY", ROOT / "build" / "onnxfn"))
QEMU = os.environ.get("ONNXFN_QEMU") or shutil.which("qemu-aarch64") or shutil.which("qemu-aarch64-static")
ZOO = ROOT / "tests" / "fixtures" / "zoo"
BUNDLE = ROOT / "examples" / "product-matching" / "bundle"
SIZE_BUDGET = 8 * 1024 * 1024  # DESIGN.md: a static binary under 8 MB, both architectures

# One case per operator family: forests with ZipMap, boosting with NaN, SVM kernels, an MLP in
# double, nearest neighbours, a ColumnTransformer pipeline with strings, string labels, encoders.
ZOO_CASES = [
    "random_forest_clf_multiclass_zipmap",
    "hist_gb_clf_binary_nan_zipmap",
    "gradient_boosting_reg",
    "svc_rbf_multiclass_zipmap",
    "mlp_clf_binary_double_nozipmap",
    "knn_clf_multiclass_zipmap",
    "column_transformer_logreg_zipmap",
    "logreg_string_labels_zipmap",
    "one_hot_encoder_string",
    "normalizer_l2",
]


def run(cmd, arm64=True, check=True):
    argv = ([QEMU, str(ARM64)] if arm64 else [str(X86)]) + [str(c) for c in cmd]
    res = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    if check:
        assert res.returncode == 0, f"{' '.join(argv)} exited {res.returncode}:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
    return res


@pytest.fixture(scope="module", autouse=True)
def prerequisites():
    assert ARM64.is_file(), f"{ARM64} missing: run scripts/build_arm64.sh"
    assert QEMU, "qemu-aarch64 missing: scripts/build_arm64.sh installs qemu-user"
    assert X86.is_file(), f"{X86} missing: the x86_64 build is the reference"


def test_binary_is_a_static_stripped_arm64_elf_under_the_size_budget():
    data = ARM64.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not a 64-bit little-endian ELF"
    (e_machine,) = struct.unpack_from("<H", data, 18)
    assert e_machine == 183, f"e_machine {e_machine}, not EM_AARCH64 (183)"
    phoff, shoff = struct.unpack_from("<QQ", data, 32)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 54)
    p_types = [struct.unpack_from("<I", data, phoff + i * phentsize)[0] for i in range(phnum)]
    assert 3 not in p_types, "has a PT_INTERP: dynamically linked"
    assert 2 not in p_types, "has a PT_DYNAMIC: dynamically linked"
    sh_types = [struct.unpack_from("<I", data, shoff + i * shentsize + 4)[0] for i in range(shnum)]
    assert 2 not in sh_types, "has a .symtab: not stripped"
    assert len(data) < SIZE_BUDGET, f"{len(data)} bytes, budget {SIZE_BUDGET}"


def test_version_matches_the_x86_64_build():
    got = run(["--version"]).stdout
    assert got.startswith("onnxfn ")
    assert got == run(["--version"], arm64=False).stdout


@pytest.mark.parametrize("case", ZOO_CASES[:4])
def test_inspect_reports_what_the_x86_64_build_reports(case):
    model = ZOO / case / "model.onnx"
    got = json.loads(run(["inspect", "--json", model]).stdout)
    assert got == json.loads(run(["inspect", "--json", model], arm64=False).stdout)


def _close(a, b, tol):
    a = math.nan if a is None else a
    b = math.nan if b is None else b
    if isinstance(a, str) or isinstance(b, str):  # "Infinity" / "-Infinity"
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    diff = abs(a - b)
    return diff <= tol["abs"] or diff <= tol["rel"] * max(abs(a), abs(b))


def _same(a, b, tol, floats):
    """JSON values equal, numbers within tolerance where the output is floating point (ZipMap
    dictionaries always are); the rule of tests/support/zoo.cpp."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], tol, True) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, tol, floats) for x, y in zip(a, b))
    if floats and not isinstance(a, (bool, dict, list)) and not isinstance(b, (bool, dict, list)):
        return _close(a, b, tol)
    return a == b


@pytest.mark.parametrize("case", ZOO_CASES)
def test_predict_matches_onnxruntime_within_the_zoo_tolerance(case):
    folder = ZOO / case
    expected = json.loads((folder / "expected.json").read_text())["outputs"]
    meta = json.loads((folder / "meta.json").read_text())
    tol = meta.get("tolerance", {"abs": 1e-5, "rel": 1e-5})
    got = json.loads(run(["predict", folder / "model.onnx", "--input", folder / "request.json"]).stdout)["outputs"]
    assert [o["name"] for o in got] == [o["name"] for o in expected]
    for g, e in zip(got, expected):
        assert (g["datatype"], g["shape"]) == (e["datatype"], e["shape"]), e["name"]
        floats = e["datatype"] in ("FP32", "FP64")
        bad = [k for k, (x, y) in enumerate(zip(g["data"], e["data"])) if not _same(x, y, tol, floats)]
        assert len(g["data"]) == len(e["data"]) and not bad, \
            f"{e['name']}: {len(bad)} values differ, first at {bad[:1]}: {[g['data'][k] for k in bad[:3]]} vs {[e['data'][k] for k in bad[:3]]}"


def test_errors_unwind_to_their_exit_codes(tmp_path):
    # Errors are C++ exceptions: a gold-linked aarch64 build aborted on the first one (signal 6),
    # so bad input must exit 2 and a bad model 3 with the message, as on x86_64.
    bad_request = tmp_path / "bad.json"
    bad_request.write_text('{"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 5], "data": [1, 2]}]}')
    res = run(["predict", ZOO / "lasso" / "model.onnx", "--input", bad_request], check=False)
    assert res.returncode == 2 and "data has 2 values but shape [1,5] needs 5" in res.stderr, res.stderr
    bad_model = tmp_path / "bad.onnx"
    bad_model.write_bytes(b"not an onnx model")
    res = run(["predict", bad_model, "--input", ZOO / "lasso" / "request.json"], check=False)
    assert res.returncode == 3 and "not a valid ONNX protobuf" in res.stderr, res.stderr


@pytest.fixture(scope="module")
def bundle_records(tmp_path_factory):
    """The bundle's own reference records (100 product pairs) as JSON Lines."""
    reference = json.loads((BUNDLE / "reference.json").read_text())
    path = tmp_path_factory.mktemp("arm64") / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in reference["records"]))
    return path, reference


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_predict_bundle_equals_the_x86_64_output(bundle_records, fmt):
    records, reference = bundle_records
    cmd = ["predict", "--bundle", BUNDLE, "--input", records, "--output-format", fmt]
    got = run(cmd).stdout
    assert got == run(cmd, arm64=False).stdout
    lines = got.splitlines()
    assert len(lines) == len(reference["records"]) + (1 if fmt == "csv" else 0)
    if fmt == "jsonl":  # and both agree with scikit-learn's own probabilities
        probs = [json.loads(line)["probability"] for line in lines]
        worst = max(abs(p - q) for p, q in zip(probs, reference["probability"]))
        assert worst <= reference["tolerance"], worst


def test_verify_passes_the_bundle_reference_set():
    res = run(["verify", "--bundle", BUNDLE])
    assert res.stdout.rstrip().endswith(": OK"), res.stdout


def test_package_arch_arm64_ships_this_binary_as_bootstrap(tmp_path):
    out = tmp_path / "deploy"
    res = run(["package", BUNDLE, "--out", out, "--arch", "arm64", "--binary", ARM64], arm64=False)
    assert "arm64" in res.stdout
    assert "- arm64" in (out / "template.yaml").read_text()
    assert "architecture: arm64" in (out / "serverless.yml").read_text()
    with zipfile.ZipFile(out / "function.zip") as z:
        assert z.read("bootstrap") == ARM64.read_bytes()
        assert z.getinfo("bootstrap").external_attr >> 16 & 0o111, "bootstrap is not executable"
    # and the x86_64 build is refused for arm64, so the check above is not vacuous
    res = run(["package", BUNDLE, "--out", tmp_path / "wrong", "--arch", "arm64", "--binary", X86], arm64=False, check=False)
    assert res.returncode == 2 and "x86_64" in res.stderr


def test_arm64_build_packages_itself_by_default(tmp_path):
    # On a Graviton machine, `onnxfn package --arch arm64` ships the running binary.
    out = tmp_path / "deploy"
    run(["package", BUNDLE, "--out", out, "--arch", "arm64"])
    with zipfile.ZipFile(out / "function.zip") as z:
        assert z.read("bootstrap") == ARM64.read_bytes()
