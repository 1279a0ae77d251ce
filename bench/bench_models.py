"""The benchmark's tree models, trained deterministically with scikit-learn and converted with
skl2onnx (zipmap=False, so that onnxruntime-node, which cannot return ZipMap's sequence of maps,
runs the same graphs). Models are cached in the output folder by name."""
import pathlib

import joblib
import numpy as np
from sklearn.base import is_classifier
from sklearn.datasets import load_breast_cancer, make_classification, make_regression
from sklearn.ensemble import (ExtraTreesRegressor, GradientBoostingClassifier, HistGradientBoostingClassifier,
                              RandomForestClassifier, RandomForestRegressor)
from skl2onnx import to_onnx


def _synthetic(n_features, n_classes, rows=20000, seed=0):
    x, y = make_classification(n_samples=rows, n_features=n_features, n_informative=min(n_features, 12),
                               n_redundant=2, n_classes=n_classes, random_state=seed)
    return x.astype(np.float32), y


def rf_100x8():
    x, y = _synthetic(20, 2)
    return RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0, n_jobs=1).fit(x, y), x


def gbm_500x6():
    # 167 boosting rounds x 3 classes = 501 trees of depth 6.
    x, y = _synthetic(20, 3, rows=6000)
    return GradientBoostingClassifier(n_estimators=167, max_depth=6, random_state=0).fit(x, y), x


def hgb_missing():
    x, y = _synthetic(20, 2)
    rng = np.random.RandomState(1)
    x[rng.rand(*x.shape) < 0.1] = np.nan
    return HistGradientBoostingClassifier(max_iter=200, max_depth=8, random_state=0).fit(x, y), x


def rf_real_data():
    data = load_breast_cancer()
    x = data.data.astype(np.float32)
    return RandomForestClassifier(n_estimators=200, random_state=0, n_jobs=1).fit(x, data.target), x


# Default settings (max_depth=None: trees 20-40 levels deep, thousands of nodes each), the models
# scikit-learn users ship most often, on 20,000 x 30 synthetic rows.
def _synthetic_regression(rows=20000, seed=0):
    x, y = make_regression(n_samples=rows, n_features=30, n_informative=12, noise=10.0, random_state=seed)
    return x.astype(np.float32), y


def rf_default():
    x, y = _synthetic(30, 2)
    return RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(x, y), x


def rf_default_reg():
    x, y = _synthetic_regression()
    return RandomForestRegressor(n_estimators=100, random_state=0, n_jobs=1).fit(x, y), x


def et_default_reg():
    x, y = _synthetic_regression()
    return ExtraTreesRegressor(n_estimators=100, random_state=0, n_jobs=1).fit(x, y), x


def hgb_default():
    x, y = _synthetic(30, 2)
    return HistGradientBoostingClassifier(random_state=0).fit(x, y), x


def gbc_default():
    x, y = _synthetic(30, 2)
    return GradientBoostingClassifier(random_state=0).fit(x, y), x


MODELS = {
    "rf_100x8": ("random forest, 100 trees of depth 8, binary, 20 features", rf_100x8),
    "gbm_500x6": ("gradient boosting, 501 trees of depth 6, 3 classes", gbm_500x6),
    "hgb_missing": ("HistGradientBoosting, 200 iterations, 10% missing values", hgb_missing),
    "rf_breast_cancer": ("random forest, 200 trees, breast cancer data (30 features)", rf_real_data),
    "rf_default": ("RandomForestClassifier(n_estimators=100), default depth, 20,000 x 30", rf_default),
    "rf_default_reg": ("RandomForestRegressor(n_estimators=100), default depth, 20,000 x 30", rf_default_reg),
    "et_default_reg": ("ExtraTreesRegressor(n_estimators=100), default depth, 20,000 x 30", et_default_reg),
    "hgb_default": ("HistGradientBoostingClassifier(), default settings, 20,000 x 30", hgb_default),
    "gbc_default": ("GradientBoostingClassifier(), default settings (100 trees of depth 3), 20,000 x 30", gbc_default),
}


def build(name, out_dir: pathlib.Path):
    """Returns (model path, example rows float32 [n, features]) for a benchmark model."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.onnx"
    rows_path = out_dir / f"{name}.rows.npy"
    if path.exists() and rows_path.exists():
        return path, np.load(rows_path)
    model, x = MODELS[name][1]()
    # The fitted estimator too: treelite imports scikit-learn objects, not ONNX.
    joblib.dump(model, out_dir / f"{name}.joblib")
    options = {id(model): {"zipmap": False}} if is_classifier(model) else None
    onx = to_onnx(model, x[:1], options=options, target_opset={"": 17, "ai.onnx.ml": 3})
    path.write_bytes(onx.SerializeToString())
    rows = x[:10000]
    np.save(rows_path, rows)
    return path, rows


def sklearn_model(name, out_dir: pathlib.Path):
    """The fitted scikit-learn estimator behind build(name): from the cache, else trained again
    (training is deterministic, so it is the model the ONNX file was converted from)."""
    path = out_dir / f"{name}.joblib"
    if path.exists():
        return joblib.load(path)
    model, _ = MODELS[name][1]()
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    return model
