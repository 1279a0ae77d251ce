"""treelite/tl2cgen as a third peer of the benchmark: the scikit-learn model imported with treelite,
compiled to C by tl2cgen and built with gcc into a shared library, then timed through
tl2cgen.Predictor on one thread. Deep forests make large C files (the default RandomForest took
324 s in issue 14), so each compile runs in a subprocess with a time budget; a model over budget
is skipped. Libraries, and skips, are cached beside the models, keyed by the ONNX file's hash (the
models are trained deterministically, so the file names the estimator).
  python bench/tl2cgen_peer.py NAME OUT_DIR LIBPATH    # the compile subprocess
"""
import hashlib
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_models  # noqa: E402

try:
    import tl2cgen
    import treelite
except ImportError:  # the bench then prints the column empty
    tl2cgen = treelite = None


def available():
    return tl2cgen is not None


def versions():
    return f"treelite {treelite.__version__}, tl2cgen {tl2cgen.__version__}" if available() else "tl2cgen missing"


def _model_key(onnx_path):
    h = hashlib.sha256()
    with open(onnx_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    h.update(versions().encode())
    return h.hexdigest()[:16]


def compile_model(name, onnx_path, out_dir, budget_s):
    """Path of the compiled library, or (None, reason) when compiling failed or exceeded budget_s."""
    stem = f"{name}.tl2cgen-{_model_key(onnx_path)}"
    lib, skipped, tmp = out_dir / f"{stem}.so", out_dir / f"{stem}.skipped", out_dir / f"{stem}.so.tmp"
    if lib.exists():
        return lib, None
    if skipped.exists():
        over = float(skipped.read_text().split()[0])
        if over >= budget_s:  # an earlier run gave it at least this budget
            return None, f"compile > {over:.0f} s, skipped"
    # A session of its own: a timeout ends gcc's processes too, not only the Python one.
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, __file__, name, str(out_dir), str(tmp)], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _, err = p.communicate(timeout=budget_s)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        tmp.unlink(missing_ok=True)
        skipped.write_text(f"{budget_s}\n")
        return None, f"compile > {budget_s:.0f} s, skipped"
    if p.returncode != 0:
        return None, "compile failed: " + (err.strip().splitlines() or ["?"])[-1][:120]
    tmp.rename(lib)
    print(f"  tl2cgen: {name} compiled in {time.perf_counter() - t:.0f} s", flush=True)
    return lib, None


def _expected(model, x):
    """scikit-learn's answer in the shape tl2cgen gives: probabilities for classifiers."""
    if hasattr(model, "predict_proba"):
        return model.predict_proba(x)
    return model.predict(x).reshape(len(x), -1)


class Peer:
    """A compiled model, checked against scikit-learn on the benchmark rows before any timing."""

    def __init__(self, name, lib, rows, out_dir):
        self.predictor = tl2cgen.Predictor(str(lib), nthread=1)
        self.rows = rows
        self._dmats = {}
        model = bench_models.sklearn_model(name, out_dir)
        check = rows[:1000]
        want = _expected(model, check)
        got = self._predict(tl2cgen.DMatrix(check)).reshape(len(check), -1)
        if got.shape[1] == 1 and want.shape[1] == 2:  # a binary model's class-1 probability
            want = want[:, 1:]
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=1e-5, equal_nan=True):
            worst = np.max(np.abs(got - want)) if got.shape == want.shape else f"shape {got.shape} vs {want.shape}"
            raise ValueError(f"tl2cgen outputs differ from scikit-learn's (max difference {worst})")

    def _predict(self, dmat):
        return np.asarray(self.predictor.predict(dmat))

    def time(self, batch, repeat, warmup):
        """Median ms of Predictor.predict on `batch` rows (the DMatrix built beforehand)."""
        if batch not in self._dmats:
            x = np.ascontiguousarray(np.resize(self.rows, (batch, self.rows.shape[1])).astype(np.float32))
            self._dmats[batch] = tl2cgen.DMatrix(x)
        dmat = self._dmats[batch]
        for _ in range(warmup):
            self._predict(dmat)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            self._predict(dmat)
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)


def _compile_main(name, out_dir, libpath):
    model = treelite.sklearn.import_model(bench_models.sklearn_model(name, pathlib.Path(out_dir)))
    # One compiler process: the benchmark machine is small and shared.
    tl2cgen.export_lib(model, toolchain="gcc", libpath=libpath, params={}, nthread=1)


if __name__ == "__main__":
    _compile_main(*sys.argv[1:4])
