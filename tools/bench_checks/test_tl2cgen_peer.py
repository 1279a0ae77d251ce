"""The benchmark's treelite/tl2cgen peer (bench/tl2cgen_peer.py) on a small model: it compiles within
budget and is then taken from the cache, a compile over budget is skipped and the skip remembered,
and a library whose outputs differ from the scikit-learn model's is refused before any timing.

Run: .venv/bin/python -m pytest tools/bench_checks -q
"""
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import tl2cgen_peer  # noqa: E402


def _forest(out: Path, name: str, seed: int, classifier: bool = False):
    rng = np.random.RandomState(seed)
    x = rng.rand(300, 5).astype(np.float32)
    y = (x[:, 0] > 0.5).astype(int) if classifier else x[:, 0] * 3 + x[:, 1]
    cls = RandomForestClassifier if classifier else RandomForestRegressor
    model = cls(n_estimators=5, max_depth=4, random_state=seed).fit(x, y)
    joblib.dump(model, out / f"{name}.joblib")
    # The cache key is the ONNX file's hash: any bytes that name this model do.
    onnx = out / f"{name}.onnx"
    onnx.write_bytes(f"{name} {seed}".encode())
    return onnx, x


@pytest.mark.parametrize("classifier", [False, True])
def test_compiles_checks_and_times_then_reuses_the_library(tmp_path, classifier):
    onnx, x = _forest(tmp_path, "small", 1, classifier)
    lib, why = tl2cgen_peer.compile_model("small", onnx, tmp_path, 120)
    assert why is None and lib.exists()
    peer = tl2cgen_peer.Peer("small", lib, x, tmp_path)
    assert peer.time(1, 3, 1) > 0 and peer.time(100, 3, 1) > 0
    stamp = lib.stat().st_mtime_ns
    assert tl2cgen_peer.compile_model("small", onnx, tmp_path, 120) == (lib, None)
    assert lib.stat().st_mtime_ns == stamp


def test_a_compile_over_budget_is_skipped_and_remembered(tmp_path):
    onnx, _ = _forest(tmp_path, "slow", 2)
    assert tl2cgen_peer.compile_model("slow", onnx, tmp_path, 0.01) == (None, "compile > 0 s, skipped")
    assert not list(tmp_path.glob("*.so")) and not list(tmp_path.glob("*.tmp"))
    # Not tried again with the same or a smaller budget; a larger one tries.
    assert list(tmp_path.glob("slow.tl2cgen-*.skipped"))
    assert tl2cgen_peer.compile_model("slow", onnx, tmp_path, 0.01)[0] is None
    lib, why = tl2cgen_peer.compile_model("slow", onnx, tmp_path, 120)
    assert why is None and lib.exists()


def test_outputs_that_differ_from_scikit_learn_are_refused(tmp_path):
    onnx, x = _forest(tmp_path, "swapped", 3)
    lib, _ = tl2cgen_peer.compile_model("swapped", onnx, tmp_path, 120)
    # The estimator the check reads is not the one compiled.
    joblib.dump(RandomForestRegressor(n_estimators=5, random_state=9).fit(x, x[:, 2]), tmp_path / "swapped.joblib")
    with pytest.raises(ValueError, match="differ from scikit-learn"):
        tl2cgen_peer.Peer("swapped", lib, x, tmp_path)
