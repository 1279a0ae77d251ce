"""Random scikit-learn models and pipelines converted by skl2onnx, for the differential test.

Each generator draws an estimator family member with random hyperparameters, a random data set (feature
count, scales, classes and label type, targets, missing values), trains it single-threaded, converts it
(float or double input, ZipMap on / off / columns, a random target opset) and draws test rows around the
training data with edge values: values exactly on (and one ulp beside) the split thresholds stored in the
converted model, exact training rows, +-0, far-away values and NaN where the model accepts it. A variant
skl2onnx cannot convert is re-drawn as float input or declined (returns None).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from onnx import numpy_helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, GradientBoostingClassifier,
                              GradientBoostingRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge,
                                  SGDClassifier)
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR, NuSVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from threadpoolctl import threadpool_limits

from differential_harness import Case
import zoo_compat  # noqa: E402  (tools/zoo is on sys.path via differential_harness)
import zoo_ort  # noqa: E402

zoo_compat.install()  # skl2onnx 1.20 + protobuf 7: HistGradientBoosting conversion needs it

TREE_OPS = {"TreeEnsembleRegressor", "TreeEnsembleClassifier", "TreeEnsemble"}
STRING_LABELS = ["cat", "dog", "fish", "bird", "grün", "日本", "two words", "0"]


def _pick(rng, options, p=None):
    return options[int(rng.choice(len(options), p=p))]


def _seed(rng) -> int:
    return int(rng.integers(2 ** 31 - 1))


# ---------------------------------------------------------------- data


def _labels(rng, y: np.ndarray, n_classes: int):
    kind = _pick(rng, ["range", "int", "string"])
    if kind == "range":
        return y.astype(np.int64), list(range(n_classes))
    if kind == "int":
        names = sorted(int(v) for v in rng.choice(np.arange(-20, 1000), size=n_classes, replace=False))
        return np.array(names, dtype=np.int64)[y], names
    names = sorted(str(v) for v in rng.choice(STRING_LABELS, size=n_classes, replace=False))
    return np.array(names, dtype=object)[y], names


def dataset(rng, task: str, n_features: int, *, n_classes: int = 2, n_targets: int = 1, nan_rate: float = 0.0,
            log_scale: tuple = (-1.0, 1.0), positive_target: bool = False):
    """(X_train float64 holding float32-exact values, y, class labels or None)."""
    n = int(rng.integers(80, 260))
    n_classes = min(n_classes, 2 ** n_features)  # make_classification needs 2**informative >= classes
    if task == "classification":
        informative = int(rng.integers(max(1, math.ceil(math.log2(n_classes))), n_features + 1))
        X, y = make_classification(n_samples=n, n_features=n_features, n_informative=informative, n_redundant=0,
                                   n_repeated=0, n_classes=n_classes, n_clusters_per_class=1, flip_y=0.05,
                                   class_sep=float(rng.uniform(0.5, 2.0)), random_state=_seed(rng))
        y, labels = _labels(rng, y, n_classes)
    else:
        X, y = make_regression(n_samples=n, n_features=n_features, n_informative=int(rng.integers(1, n_features + 1)),
                               n_targets=n_targets, noise=float(rng.uniform(0, 10)), random_state=_seed(rng))
        y = y / (np.std(y) + 1e-9) * float(rng.choice([0.1, 1.0, 100.0]))
        if positive_target:
            y = np.abs(y) + 0.1
        labels = None
    scale = 10.0 ** rng.uniform(*log_scale, size=n_features)
    X = X * scale + rng.normal(0, 1, size=n_features) * scale * rng.integers(0, 2, size=n_features)
    X = X.astype(np.float32).astype(np.float64)
    if nan_rate:
        X[rng.random(X.shape) < nan_rate] = np.nan
    return X, y, labels


def split_values(onx) -> dict[int, np.ndarray]:
    """Per input feature, the thresholds of every tree node in the converted model (for edge rows)."""
    out: dict[int, list] = {}
    for node in onx.graph.node:
        if node.op_type not in TREE_OPS:
            continue
        attrs = {a.name: a for a in node.attribute}
        features = list(attrs["nodes_featureids"].ints) if "nodes_featureids" in attrs else []
        if "nodes_values_as_tensor" in attrs:
            values = numpy_helper.to_array(attrs["nodes_values_as_tensor"].t).tolist()
        elif "nodes_splits" in attrs:
            values = numpy_helper.to_array(attrs["nodes_splits"].t).tolist()
        elif "nodes_values" in attrs:
            values = list(attrs["nodes_values"].floats)
        else:
            continue
        for f, v in zip(features, values):
            out.setdefault(f, []).append(v)
    return {f: np.array(v) for f, v in out.items()}


def test_rows(rng, X_train: np.ndarray, dtype, *, splits=None, allow_nan=False, far: float = 10.0) -> np.ndarray:
    """Rows around the training data with edge values, in the model's input dtype."""
    n_rows = int(rng.integers(50, 301))
    mean = np.nan_to_num(np.nanmean(X_train, axis=0))
    std = np.nan_to_num(np.nanstd(X_train, axis=0)) + 1e-3
    base = np.nan_to_num(X_train[rng.integers(len(X_train), size=n_rows)], nan=0.0)
    X = base + rng.normal(size=base.shape) * std * rng.choice([0.0, 0.1, 0.5], size=(n_rows, 1))
    exact = rng.random(n_rows) < 0.1
    X[exact] = X_train[rng.integers(len(X_train), size=int(exact.sum()))]
    kind = rng.random(X.shape)
    for f in range(X.shape[1]):
        col, k = X[:, f], kind[:, f]
        if splits and f in splits and len(splits[f]):
            on = k < 0.25
            col[on] = rng.choice(splits[f], size=int(on.sum()))
            near = (k >= 0.25) & (k < 0.35)
            values = rng.choice(splits[f], size=int(near.sum())).astype(dtype)
            to = np.where(rng.random(values.size) < 0.5, np.inf, -np.inf).astype(dtype)
            col[near] = np.nextafter(values, to)
        zero = (k >= 0.35) & (k < 0.38)
        col[zero] = np.where(rng.random(int(zero.sum())) < 0.5, 0.0, -0.0)
        out = (k >= 0.38) & (k < 0.41)
        col[out] = mean[f] + far * std[f] * rng.choice([-1.0, 1.0], size=int(out.sum()))
    if allow_nan:
        X[rng.random(X.shape) < float(rng.choice([0.05, 0.15]))] = np.nan
    return X.astype(dtype)


# ---------------------------------------------------------------- conversion


def convert(model, inputs, *, zipmap=True, main_opset: int = 21, ml_opset: int = 3):
    options = None
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    if hasattr(final, "classes_") and zipmap is not True:
        options = {id(final): {"zipmap": zipmap}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return convert_sklearn(model, initial_types=inputs, target_opset={"": main_opset, "ai.onnx.ml": ml_opset},
                               options=options)


def fit(model, X, y):
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning for the small iteration budgets
        model.fit(X, y)
    return model


def _finish(rng, family: str, model, X_train, y, labels, describe: dict, *, is_tree=False, allow_nan=False,
            zipmap_ok=True, double_ok=True, far=10.0):
    """Fits, converts (double falls back to float when skl2onnx cannot) and draws the test rows."""
    fit(model, X_train, y)
    is_classifier = labels is not None
    double = double_ok and rng.random() < 0.3
    zipmap = True
    if is_classifier and zipmap_ok:
        zipmap = _pick(rng, [True, False, "columns"], p=[0.45, 0.45, 0.1])
    main_opset = int(rng.integers(15, 23))
    ml_opset = int(_pick(rng, [1, 3]))
    onx = None
    for use_double in ([True, False] if double else [False]):
        # ONNX Runtime's ZipMap takes float probabilities only: double classifiers go without it. Double
        # tree ensembles need ai.onnx.ml 3 (skl2onnx writes invalid ml-1 models otherwise).
        zm = False if (use_double and is_classifier and zipmap_ok) else zipmap
        ml = 3 if use_double else ml_opset
        try:
            tensor_type = DoubleTensorType if use_double else FloatTensorType
            candidate = convert(model, [("X", tensor_type([None, X_train.shape[1]]))], zipmap=zm,
                                main_opset=main_opset, ml_opset=ml)
            if use_double:
                # skl2onnx 1.20 writes double tree regressors / boosted classifiers with double outputs that
                # ONNX Runtime 1.32 rejects as invalid: such a double variant is re-drawn as float.
                zoo_ort.make_session(candidate.SerializeToString())
            onx, double, zipmap, ml_opset = candidate, use_double, zm, ml
            break
        except Exception as error:  # skl2onnx raises many types for unsupported variants
            describe.setdefault("conversion_fallbacks", []).append(f"double={use_double}: {str(error)[:120]}")
    if onx is None:
        return None
    dtype = np.float64 if double else np.float32
    X = test_rows(rng, X_train, dtype, splits=split_values(onx) if is_tree else None, allow_nan=allow_nan, far=far)
    describe.update(family=family, estimator=type(model).__name__ if not isinstance(model, Pipeline) else
                    " + ".join(type(s).__name__ for _, s in model.steps),
                    input="double" if double else "float", zipmap=zipmap if is_classifier else None,
                    opset={"": main_opset, "ai.onnx.ml": ml_opset}, n_features=X_train.shape[1],
                    n_train=len(X_train), labels=labels)
    return Case(describe=describe, model=onx, feeds=[("X", X)],
                class_labels=list(labels) if labels is not None else None)


def _task(rng) -> str:
    return _pick(rng, ["classification", "regression"])


def _n_classes(rng) -> int:
    return int(_pick(rng, [2, 2, 3, 4, 5]))


# ---------------------------------------------------------------- families


def forest(seed: int) -> Case | None:
    """RandomForest / ExtraTrees / DecisionTree, classifier or (multi-output) regressor, NaN sometimes."""
    rng = np.random.default_rng(seed)
    task = _task(rng)
    kind = _pick(rng, ["random_forest", "extra_trees", "decision_tree"], p=[0.45, 0.4, 0.15])
    n_features = int(rng.integers(3, 21))
    n_classes = _n_classes(rng)
    n_targets = int(_pick(rng, [1, 1, 2, 3]))
    if task == "classification":
        criterion = _pick(rng, ["gini", "entropy", "log_loss"])
    else:
        criterion = _pick(rng, ["squared_error", "friedman_mse", "absolute_error"], p=[0.5, 0.3, 0.2])
    # Trees learn missing-value directions from NaN, except with the absolute_error criterion.
    nan_rate = float(_pick(rng, [0.0, 0.0, 0.1])) if criterion != "absolute_error" else 0.0
    X, y, labels = dataset(rng, task, n_features, n_classes=n_classes, n_targets=n_targets, nan_rate=nan_rate,
                           log_scale=(-3.0, 4.0))
    params = dict(max_depth=_pick(rng, [None, 1, 2, 3, 5, 8, 12]), min_samples_leaf=int(rng.integers(1, 6)),
                  max_features=_pick(rng, ["sqrt", 1.0, 0.5, None]), criterion=criterion, random_state=_seed(rng))
    if kind != "decision_tree":
        params.update(n_estimators=int(rng.integers(1, 31)), n_jobs=1, bootstrap=bool(rng.random() < 0.7))
    cls = {("random_forest", "classification"): RandomForestClassifier,
           ("random_forest", "regression"): RandomForestRegressor,
           ("extra_trees", "classification"): ExtraTreesClassifier,
           ("extra_trees", "regression"): ExtraTreesRegressor,
           ("decision_tree", "classification"): DecisionTreeClassifier,
           ("decision_tree", "regression"): DecisionTreeRegressor}[(kind, task)]
    describe = dict(task=task, params={k: v for k, v in params.items() if k != "random_state"},
                    n_targets=n_targets if task == "regression" else None, nan_rate=nan_rate)
    # Trained on NaN, a split sending only the missing values one way has threshold +inf, on which
    # skl2onnx 1.20's double-precision threshold search (find_switch_point) never terminates.
    return _finish(rng, "forest", cls(**params), X, y, labels, describe, is_tree=True, allow_nan=nan_rate > 0,
                   double_ok=nan_rate == 0)


def boosting(seed: int) -> Case | None:
    """GradientBoosting (every loss) and HistGradientBoosting (with NaN), classifier or regressor."""
    rng = np.random.default_rng(seed)
    task = _task(rng)
    hist = rng.random() < 0.5
    n_features = int(rng.integers(2, 16))
    n_classes = _n_classes(rng)
    nan_rate = float(_pick(rng, [0.0, 0.1, 0.25])) if hist else 0.0
    loss = None
    if task == "regression":
        loss = _pick(rng, ["squared_error", "absolute_error", "poisson"] if hist else
                     ["squared_error", "absolute_error", "huber", "quantile"])
    elif not hist and n_classes == 2:
        loss = _pick(rng, ["log_loss", "exponential"])
    X, y, labels = dataset(rng, task, n_features, n_classes=n_classes, nan_rate=nan_rate, log_scale=(-2.0, 3.0),
                           positive_target=loss == "poisson")
    if hist:
        params = dict(max_iter=int(rng.integers(3, 41)), max_leaf_nodes=int(rng.integers(2, 32)),
                      max_depth=_pick(rng, [None, 2, 4, 6]), learning_rate=float(rng.uniform(0.05, 0.5)),
                      l2_regularization=float(_pick(rng, [0.0, 1.0])), early_stopping=False,
                      random_state=_seed(rng))
        cls = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
    else:
        # init="zero" on 3+ classes converts to one base value, which ONNX Runtime 1.32 rejects.
        multiclass = task == "classification" and len(labels) > 2
        params = dict(n_estimators=int(rng.integers(1, 41)), max_depth=int(rng.integers(1, 6)),
                      learning_rate=float(rng.uniform(0.05, 0.5)), subsample=float(_pick(rng, [1.0, 0.7])),
                      init=None if multiclass else _pick(rng, [None, None, "zero"]), random_state=_seed(rng))
        cls = GradientBoostingClassifier if task == "classification" else GradientBoostingRegressor
    if loss:
        params["loss"] = loss
    if loss == "quantile":
        params["alpha"] = float(rng.uniform(0.1, 0.9))
    describe = dict(task=task, params={k: v for k, v in params.items() if k != "random_state"}, nan_rate=nan_rate)
    return _finish(rng, "boosting", cls(**params), X, y, labels, describe, is_tree=True, allow_nan=hist)


def linear(seed: int) -> Case | None:
    """LogisticRegression, LinearSVC, SGDClassifier, Ridge, LinearRegression, Lasso, ElasticNet, LinearSVR."""
    rng = np.random.default_rng(seed)
    kind = _pick(rng, ["logreg", "linear_svc", "sgd", "ridge", "linear_regression", "lasso", "elastic_net",
                       "linear_svr"], p=[0.25, 0.15, 0.1, 0.2, 0.1, 0.075, 0.075, 0.05])
    task = "classification" if kind in ("logreg", "linear_svc", "sgd") else "regression"
    n_features = int(rng.integers(2, 21))
    n_classes = _n_classes(rng)
    n_targets = int(_pick(rng, [1, 1, 2, 3])) if kind in ("ridge", "linear_regression", "lasso") else 1
    X, y, labels = dataset(rng, task, n_features, n_classes=n_classes, n_targets=n_targets)
    fit_intercept = bool(rng.random() < 0.8)
    if kind == "logreg":
        model = LogisticRegression(C=float(10.0 ** rng.uniform(-2, 2)), fit_intercept=fit_intercept, max_iter=300)
    elif kind == "linear_svc":
        model = LinearSVC(C=float(10.0 ** rng.uniform(-2, 1)), fit_intercept=fit_intercept, max_iter=2000,
                          random_state=_seed(rng))
    elif kind == "sgd":
        model = SGDClassifier(loss=_pick(rng, ["log_loss", "modified_huber", "hinge"]), max_iter=200,
                              fit_intercept=fit_intercept, random_state=_seed(rng))
    elif kind == "ridge":
        model = Ridge(alpha=float(10.0 ** rng.uniform(-2, 2)), fit_intercept=fit_intercept)
    elif kind == "linear_regression":
        model = LinearRegression(fit_intercept=fit_intercept)
    elif kind == "lasso":
        model = Lasso(alpha=float(10.0 ** rng.uniform(-3, 0)), fit_intercept=fit_intercept, max_iter=2000)
    elif kind == "elastic_net":
        model = ElasticNet(alpha=float(10.0 ** rng.uniform(-3, 0)), l1_ratio=float(rng.uniform(0.1, 0.9)),
                           max_iter=2000)
    else:
        model = LinearSVR(C=float(10.0 ** rng.uniform(-1, 1)), max_iter=5000, random_state=_seed(rng))
    y_fit = y.ravel() if n_targets == 1 and task == "regression" else y
    describe = dict(task=task, kind=kind, n_targets=n_targets if task == "regression" else None,
                    fit_intercept=fit_intercept)
    # skl2onnx never adds ZipMap to LinearSVC (and rejects the option); SGD hinge has no probabilities either.
    zipmap_ok = kind == "logreg" or (kind == "sgd" and model.loss != "hinge")
    return _finish(rng, "linear", model, X, y_fit, labels, describe, zipmap_ok=zipmap_ok)


def svm(seed: int) -> Case | None:
    """SVC (every kernel, with and without probabilities), SVR and NuSVR."""
    rng = np.random.default_rng(seed)
    kind = _pick(rng, ["svc", "svr", "nu_svr"], p=[0.55, 0.3, 0.15])
    task = "classification" if kind == "svc" else "regression"
    n_features = int(rng.integers(2, 13))
    X, y, labels = dataset(rng, task, n_features, n_classes=_n_classes(rng), log_scale=(-0.5, 0.5))
    if task == "regression":
        y = y / (np.std(y) + 1e-9)  # libsvm converges slowly on large targets
    kernel = _pick(rng, ["rbf", "linear", "poly", "sigmoid"], p=[0.4, 0.2, 0.25, 0.15])
    params = dict(kernel=kernel, C=float(10.0 ** rng.uniform(-1, 1)), gamma=_pick(rng, ["scale", "auto", 0.1]),
                  max_iter=20_000)
    if kernel == "poly":
        params.update(degree=int(rng.integers(2, 4)), coef0=float(rng.uniform(0, 1)))
    if kernel == "sigmoid":
        params["coef0"] = float(rng.uniform(-1, 1))
    zipmap_ok = True
    if kind == "svc":
        probability = bool(rng.random() < 0.6)
        params.update(probability=probability, random_state=_seed(rng),
                      decision_function_shape=_pick(rng, ["ovr", "ovo"]))
        zipmap_ok = probability
        model = SVC(**params)
    elif kind == "svr":
        model = SVR(epsilon=float(rng.uniform(0.01, 0.5)), **params)
    else:
        model = NuSVR(nu=float(rng.uniform(0.2, 0.8)), **params)
    y_fit = y.ravel() if task == "regression" else y
    describe = dict(task=task, kind=kind, params=params)
    # ONNX Runtime implements SVMClassifier / SVMRegressor for float only.
    case = _finish(rng, "svm", model, X, y_fit, labels, describe, zipmap_ok=zipmap_ok, double_ok=False, far=3.0)
    if case is not None:
        case.row_atol = svm_rounding_bound(model, case.feeds[0][1])
    return case


def svm_rounding_bound(model, X) -> np.ndarray:
    """Per row, a few float32 ulps of the largest partial sum of the SVM decision function.

    The decision value sum_j coef_j K(x, sv_j) + rho often cancels terms hundreds of times larger than
    itself; ONNX Runtime sums them in float32 in its own (GEMM) order, so a second correct float32
    implementation differs from it by ulps of sum_j |coef_j| K_j, not of the result (measured: up to
    ~0.9 of 2**-24 times that sum). Platt scaling multiplies the error by at most |probA| / 4.
    """
    X = np.asarray(X, dtype=np.float64)
    sv = model.support_vectors_.astype(np.float32).astype(np.float64)
    coef = np.abs(model.dual_coef_.astype(np.float32)).max(axis=0)
    gamma, coef0, degree = float(model._gamma), float(model.coef0), int(model.degree)
    dots = np.abs(X) @ np.abs(sv).T
    if model.kernel == "linear":
        terms = dots
    elif model.kernel == "poly":
        terms = (gamma * dots + abs(coef0) + 1.0) ** degree
    elif model.kernel == "rbf":  # exp(-g |x - sv|^2), the distance from norms: |x|^2 + |sv|^2 - 2 x.sv
        norms = (X ** 2).sum(axis=1)[:, None] + (sv ** 2).sum(axis=1)[None, :]
        distances = np.maximum(norms - 2 * X @ sv.T, 0)
        terms = np.exp(-gamma * distances) * (1.0 + gamma * norms)
    else:  # sigmoid: tanh(g x.sv + c0), whose slope is at most 1
        terms = 1.0 + gamma * dots + abs(coef0)
    largest = terms @ coef + np.abs(model.intercept_).max()
    platt = max(1.0, float(np.abs(getattr(model, "probA_", np.zeros(1))).max(initial=0.0)))
    return 8 * 2.0 ** -24 * largest * platt


def neighbors(seed: int) -> Case | None:
    """KNeighborsClassifier / KNeighborsRegressor with random k, weights and metric."""
    rng = np.random.default_rng(seed)
    task = _task(rng)
    n_features = int(rng.integers(2, 11))
    n_targets = int(_pick(rng, [1, 1, 2])) if task == "regression" else 1
    X, y, labels = dataset(rng, task, n_features, n_classes=_n_classes(rng), n_targets=n_targets)
    # Distance weights divide by the distance: the exact training rows among the test rows divide by 0.
    params = dict(n_neighbors=int(rng.integers(1, 11)), weights=_pick(rng, ["uniform", "distance"]),
                  metric=_pick(rng, ["euclidean", "manhattan", "minkowski"]), algorithm="brute", n_jobs=1)
    if params["metric"] == "minkowski":
        params["p"] = int(_pick(rng, [1, 2, 3]))
    cls = KNeighborsClassifier if task == "classification" else KNeighborsRegressor
    describe = dict(task=task, params=params, n_targets=n_targets if task == "regression" else None)
    y_fit = y.ravel() if task == "regression" and n_targets == 1 else y
    return _finish(rng, "neighbors", cls(**params), X, y_fit, labels, describe, far=3.0)


def mlp(seed: int) -> Case | None:
    """MLPClassifier / MLPRegressor with random layers and activation."""
    rng = np.random.default_rng(seed)
    task = _task(rng)
    n_features = int(rng.integers(2, 16))
    n_targets = int(_pick(rng, [1, 1, 2])) if task == "regression" else 1
    X, y, labels = dataset(rng, task, n_features, n_classes=_n_classes(rng), n_targets=n_targets)
    layers = tuple(int(rng.integers(2, 33)) for _ in range(int(rng.integers(1, 4))))
    params = dict(hidden_layer_sizes=layers, activation=_pick(rng, ["relu", "tanh", "logistic", "identity"]),
                  alpha=float(10.0 ** rng.uniform(-5, -1)), max_iter=int(rng.integers(20, 201)),
                  random_state=_seed(rng))
    cls = MLPClassifier if task == "classification" else MLPRegressor
    describe = dict(task=task, params=params, n_targets=n_targets if task == "regression" else None)
    y_fit = y.ravel() if task == "regression" and n_targets == 1 else y
    return _finish(rng, "mlp", cls(**params), X, y_fit, labels, describe, far=3.0)


# ---------------------------------------------------------------- pipelines


def _final_model(rng, task: str, n_classes: int):
    """A small final estimator for a pipeline, and whether it accepts the zipmap option."""
    if task == "classification":
        kind = _pick(rng, ["logreg", "random_forest", "gradient_boosting", "knn", "svc", "mlp", "linear_svc"])
        model = {"logreg": lambda: LogisticRegression(max_iter=300),
                 "random_forest": lambda: RandomForestClassifier(n_estimators=int(rng.integers(2, 15)), max_depth=6,
                                                                 random_state=_seed(rng), n_jobs=1),
                 "gradient_boosting": lambda: GradientBoostingClassifier(n_estimators=int(rng.integers(2, 15)),
                                                                         max_depth=3, random_state=_seed(rng)),
                 "knn": lambda: KNeighborsClassifier(n_neighbors=int(rng.integers(1, 8)), algorithm="brute"),
                 "svc": lambda: SVC(probability=True, random_state=_seed(rng)),
                 "mlp": lambda: MLPClassifier(hidden_layer_sizes=(8,), max_iter=100, random_state=_seed(rng)),
                 "linear_svc": lambda: LinearSVC(max_iter=2000, random_state=_seed(rng))}[kind]()
        return model, kind != "linear_svc"
    kind = _pick(rng, ["ridge", "random_forest", "hist_gradient_boosting", "knn", "svr", "mlp"])
    model = {"ridge": lambda: Ridge(alpha=1.0),
             "random_forest": lambda: RandomForestRegressor(n_estimators=int(rng.integers(2, 15)), max_depth=6,
                                                            random_state=_seed(rng), n_jobs=1),
             "hist_gradient_boosting": lambda: HistGradientBoostingRegressor(max_iter=int(rng.integers(3, 20)),
                                                                             random_state=_seed(rng)),
             "knn": lambda: KNeighborsRegressor(n_neighbors=int(rng.integers(1, 8)), algorithm="brute"),
             "svr": lambda: SVR(),
             "mlp": lambda: MLPRegressor(hidden_layer_sizes=(8,), max_iter=100, random_state=_seed(rng))}[kind]()
    return model, True


def _imputer(rng):
    strategy = _pick(rng, ["mean", "median", "most_frequent", "constant"])
    return SimpleImputer(strategy=strategy, fill_value=float(rng.normal()) if strategy == "constant" else None)


def _scaler(rng):
    return _pick(rng, [lambda: StandardScaler(with_mean=bool(rng.random() < 0.8), with_std=bool(rng.random() < 0.8)),
                       MinMaxScaler, RobustScaler, MaxAbsScaler])()


def impute_scale_pipeline(seed: int) -> Case | None:
    """SimpleImputer (random strategy) + a scaler + a small model, fed rows with NaN."""
    rng = np.random.default_rng(seed)
    task = _task(rng)
    n_classes = _n_classes(rng)
    n_features = int(rng.integers(2, 13))
    X, y, labels = dataset(rng, task, n_features, n_classes=n_classes, nan_rate=float(_pick(rng, [0.05, 0.2])),
                           log_scale=(-1.0, 2.0))
    model, zipmap_ok = _final_model(rng, task, n_classes)
    steps = [("impute", _imputer(rng))]
    if rng.random() < 0.85:
        steps.append(("scale", _scaler(rng)))
    steps.append(("model", model))
    pipe = Pipeline(steps)
    y_fit = y.ravel() if task == "regression" else y
    # ONNX Runtime implements Imputer for float only.
    return _finish(rng, "pipeline", pipe, X, y_fit, labels, dict(task=task), allow_nan=True, zipmap_ok=zipmap_ok,
                   double_ok=False, far=3.0)


def column_transformer_pipeline(seed: int) -> Case | None:
    """ColumnTransformer: numeric columns (impute + scale) from one input, one-hot strings from a second input."""
    rng = np.random.default_rng(seed)
    task = _task(rng)
    n_classes = _n_classes(rng)
    n_num = int(rng.integers(1, 7))
    n_cat = int(rng.integers(1, 4))
    X_num, y, labels = dataset(rng, task, n_num, n_classes=min(n_classes, 2 ** n_num),
                               nan_rate=float(_pick(rng, [0.0, 0.1])), log_scale=(-1.0, 2.0))
    n = len(X_num)
    vocabularies = [list(rng.choice(["red", "green", "blue", "grün", "a b", "x", "Y", "0", "zz", "é"],
                                    size=int(rng.integers(2, 7)), replace=False)) for _ in range(n_cat)]
    X_cat = np.empty((n, n_cat), dtype=object)
    for j, vocab in enumerate(vocabularies):
        p = rng.dirichlet(np.ones(len(vocab)))
        X_cat[:, j] = rng.choice(vocab, size=n, p=p)
    X = np.empty((n, n_num + n_cat), dtype=object)
    X[:, :n_num], X[:, n_num:] = X_num, X_cat
    numeric = Pipeline([("impute", _imputer(rng)), ("scale", _scaler(rng))])
    onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False, drop=_pick(rng, [None, None, "if_binary"]))
    pre = ColumnTransformer([("num", numeric, list(range(n_num))), ("cat", onehot, list(range(n_num, n_num + n_cat)))])
    model, zipmap_ok = _final_model(rng, task, n_classes)
    pipe = Pipeline([("pre", pre), ("model", model)])
    y_fit = y.ravel() if task == "regression" else y
    fit(pipe, X, y_fit)
    is_classifier = labels is not None
    zipmap = _pick(rng, [True, False]) if is_classifier and zipmap_ok else True
    main_opset = int(rng.integers(15, 23))
    inputs = [("num", FloatTensorType([None, n_num])), ("cat", StringTensorType([None, n_cat]))]
    try:
        onx = convert(pipe, inputs, zipmap=zipmap, main_opset=main_opset)
    except Exception:  # a variant skl2onnx cannot convert
        return None
    test_num = test_rows(rng, X_num, np.float32, allow_nan=True, far=3.0)
    rows = len(test_num)
    test_cat = np.empty((rows, n_cat), dtype=object)
    for j, vocab in enumerate(vocabularies):
        test_cat[:, j] = rng.choice(vocab + ["unseen", "", "RED"], size=rows)
    describe = dict(family="pipeline", task=task, estimator=" + ".join(type(s).__name__ for _, s in pipe.steps),
                    numeric=[type(s).__name__ for _, s in numeric.steps], onehot_drop=onehot.drop,
                    n_num=n_num, n_cat=n_cat, vocabularies=vocabularies, zipmap=zipmap if is_classifier else None,
                    opset=main_opset, labels=labels, final=type(model).__name__)
    return Case(describe=describe, model=onx, feeds=[("num", test_num), ("cat", test_cat)],
                class_labels=list(labels) if labels is not None else None)
