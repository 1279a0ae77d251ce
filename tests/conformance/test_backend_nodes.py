"""ONNX backend node tests (shipped in the onnx wheel, onnx/backend/test/data/node) run through
the onnxfn binary. Every test whose operators onnxfn supports must pass with the backend suite's
own tolerances (rtol 1e-3, atol 1e-7); a table of pass/fail per operator is printed, and every
ai.onnx.ml test must pass.
"""
import collections
import concurrent.futures
import os
import pathlib

import numpy as np
import onnx
import onnx.numpy_helper
import pytest

from onnxfn_runner import inspect, run_predict

NODE_DIR = pathlib.Path(onnx.__file__).parent / "backend" / "test" / "data" / "node"

# Cases that cannot travel through a KServe v2 JSON request (their inputs are sequences,
# optionals or 16-bit/8-bit floats) are counted as "not expressible", not as passes.


def _load_pb(path):
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return onnx.numpy_helper.to_array(t)


def _read_case(case_dir):
    model = onnx.load(str(case_dir / "model.onnx"))
    init_names = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in init_names]
    sets = sorted(case_dir.glob("test_data_set_*"))
    return model, inputs, sets


def _run_case(case_dir):
    """Returns (status, ops, detail); status in pass/fail/unsupported/not_expressible."""
    model, inputs, sets = _read_case(case_dir)
    ops = sorted({(n.domain or "ai.onnx", n.op_type) for n in model.graph.node})
    for vi in list(inputs) + list(model.graph.output):
        if not vi.type.HasField("tensor_type"):
            return "not_expressible", ops, "non-tensor input or output"
    report, err = inspect(case_dir / "model.onnx")
    if report is None:
        return "unsupported", ops, err.strip().splitlines()[-1] if err.strip() else "inspect failed"
    if not report["supported"]:
        return "unsupported", ops, "; ".join(o.get("problem", "") for o in report["ops"] if not o["supported"])
    for data_set in sets:
        arrays = []
        for i, vi in enumerate(inputs):
            pb = data_set / f"input_{i}.pb"
            if not pb.exists():
                return "not_expressible", ops, "missing input file"
            try:
                arrays.append((vi.name, _load_pb(pb)))
            except Exception as e:  # sequences / optionals stored in other protos
                return "not_expressible", ops, str(e)
        if any(a.dtype in (np.float16,) or a.dtype.kind == "V" or str(a.dtype).startswith(("bfloat", "float8", "int4", "uint4", "float4"))
               for _, a in arrays):
            return "not_expressible", ops, "16/8/4-bit element types"
        try:
            code, outs, err = run_predict(case_dir / "model.onnx", arrays)
        except TypeError as e:
            return "not_expressible", ops, str(e)
        # inspect's verdict is predict's load: exit 3 from predict exactly when inspect said no.
        if (code == 3) == report["runnable"]:
            return "fail", ops, (f"inspect and predict disagree: runnable={report['runnable']} {report['reasons']}, "
                                 f"predict exit {code}: {err.strip()[-300:]}")
        if code == 3 and "unsupported" in err:
            return "unsupported", ops, err.strip().splitlines()[-1]
        if code != 0:
            return "fail", ops, f"exit {code}: {err.strip()[-500:]}"
        for i, vi in enumerate(model.graph.output):
            expected = _load_pb(data_set / f"output_{i}.pb")
            got = outs[i]
            if expected.dtype.kind in "OSU":
                expected = np.vectorize(lambda s: s.decode() if isinstance(s, bytes) else s, otypes=[object])(expected)
                ok = expected.shape == got.shape and (expected == got).all()
            else:
                try:
                    np.testing.assert_allclose(got.astype(expected.dtype) if got.size else got.reshape(expected.shape),
                                               expected, rtol=1e-3, atol=1e-7)
                    ok = got.shape == expected.shape
                except (AssertionError, ValueError) as e:
                    return "fail", ops, f"output {vi.name}: {str(e)[:400]}"
            if not ok:
                return "fail", ops, f"output {vi.name}: got {got!r:.200} expected {expected!r:.200}"
    return "pass", ops, ""


def _all_cases():
    return sorted(p for p in NODE_DIR.iterdir() if (p / "model.onnx").exists())


def test_backend_node_suite():
    cases = _all_cases()
    assert len(cases) > 1000, f"onnx backend node tests not found under {NODE_DIR}"
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = dict(zip(cases, pool.map(_run_case, cases)))
    per_op = collections.defaultdict(collections.Counter)
    failures = []
    for case, (status, ops, detail) in results.items():
        for op in ops:
            per_op[op][status] += 1
        if status == "fail":
            failures.append(f"{case.name}: {detail}")
    print("\nONNX backend node tests through onnxfn (per operator: pass / fail / unsupported / not expressible)")
    for (domain, op), c in sorted(per_op.items()):
        if c["pass"] or c["fail"]:
            print(f"  {domain}:{op:28s} {c['pass']:4d} pass {c['fail']:3d} fail {c['unsupported']:3d} unsupported {c['not_expressible']:3d} n/e")
    totals = collections.Counter(status for status, _, _ in results.values())
    print(f"  cases: {dict(totals)}")
    ml = {c.name: r[0] for c, r in results.items() if c.name.startswith("test_ai_onnx_ml_")}
    print(f"  ai.onnx.ml cases: {ml}")
    assert not failures, "failures among supported operators:\n" + "\n".join(failures)
    assert ml and all(s == "pass" for s in ml.values()), f"every ai.onnx.ml backend test must pass: {ml}"
