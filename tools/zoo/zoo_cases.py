"""Registry of zoo cases: estimator factories, data makers, inputs and conversion options per case."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Callable

import numpy as np
import onnx
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    Binarizer,
    MaxAbsScaler,
    MinMaxScaler,
    Normalizer,
    OneHotEncoder,
    RobustScaler,
    StandardScaler,
)
from sklearn.svm import SVC, SVR, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import zoo_data as data
from zoo_data import Dataset

# One target opset for every conversion. ai.onnx 22 is skl2onnx 1.20's
# __max_supported_opset__ (its default) and 3 is the ai.onnx.ml version it pairs
# with it; we pass both explicitly so the choice is visible. Note that skl2onnx
# writes the *lowest* opset that covers the operators it used into each model,
# so a model's opset_import may be below these numbers (see meta.json).
TARGET_OPSET = {"": 22, "ai.onnx.ml": 3}

BINARIZER_THRESHOLD = 0.25


@dataclasses.dataclass(frozen=True)
class InputSpec:
    """One graph input: its name, skl2onnx tensor type and the X_test columns it takes."""

    name: str
    tensor_type: type
    columns: slice | None = None  # None: all columns


@dataclasses.dataclass(frozen=True)
class CaseSpec:
    """One zoo case: how to train it, what to feed it and how to convert it."""

    name: str
    make_estimator: Callable[[], object]
    make_data: Callable[[], Dataset]
    task: str  # classification | regression | transform
    inputs: tuple[InputSpec, ...]
    # True: skl2onnx default (ZipMap output); False: options {'zipmap': False};
    # None: not a classifier, or a classifier skl2onnx never zips (LinearSVC).
    zipmap: bool | None = None
    # Called as edge(fitted_model, onnx_model, X_test) after conversion, to
    # plant model-dependent edge values in the test rows.
    edge: Callable[[object, onnx.ModelProto, np.ndarray], None] | None = None
    # Double variants: skl2onnx/onnxruntime support is partial. A failure to
    # convert or to load in onnxruntime is recorded in index.json, not fatal.
    may_fail: bool = False


# ---------------------------------------------------------------- edge values


def _sklearn_root_split(model) -> tuple[int, float]:
    """(feature, float64 threshold) of the root split of the first tree of a fitted model."""
    if hasattr(model, "_predictors"):  # HistGradientBoosting*: first iteration, first tree
        root = model._predictors[0][0].nodes[0]
        assert not root["is_leaf"]
        return int(root["feature_idx"]), float(root["num_threshold"])
    if isinstance(model, (GradientBoostingClassifier, GradientBoostingRegressor)):
        tree = model.estimators_[0, 0].tree_
    elif hasattr(model, "estimators_"):  # forests
        tree = model.estimators_[0].tree_
    else:
        tree = model.tree_
    assert tree.node_count > 1
    return int(tree.feature[0]), float(tree.threshold[0])


def _onnx_root_split(onx: onnx.ModelProto) -> tuple[int, float]:
    """(feature, threshold) of node 0 of tree 0 in the first TreeEnsemble* node."""
    for node in onx.graph.node:
        if node.domain == "ai.onnx.ml" and node.op_type.startswith("TreeEnsemble"):
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            for i, (tree_id, node_id) in enumerate(zip(attrs["nodes_treeids"], attrs["nodes_nodeids"])):
                if tree_id == 0 and node_id == 0:
                    assert attrs["nodes_modes"][i] == b"BRANCH_LEQ"
                    return int(attrs["nodes_featureids"][i]), float(attrs["nodes_values"][i])
    raise AssertionError("no TreeEnsemble root node found")


def on_tree_threshold(model, onx: onnx.ModelProto, X_test: np.ndarray) -> None:
    """Put one test value exactly on the root threshold of the first tree.

    The value is read back from the converted model rather than rounded here:
    skl2onnx stores thresholds as float32 `nodes_values` (for float AND double
    inputs), and for sklearn trees it may nudge a threshold to the float32 just
    below sklearn's float64 value (so float32 comparisons agree with sklearn),
    while HistGradientBoosting thresholds are rounded to nearest. The stored
    value makes the tie exact for the runtime (BRANCH_LEQ: x <= t is the true
    branch). We assert it is the trained tree's root threshold, within one
    float32 rounding step.
    """
    feature, threshold = _onnx_root_split(onx)
    sk_feature, sk_threshold = _sklearn_root_split(model)
    spacing = float(np.spacing(np.float32(abs(sk_threshold))))
    assert feature == sk_feature and abs(threshold - sk_threshold) <= spacing, (
        (feature, threshold),
        (sk_feature, sk_threshold),
    )
    X_test[data.ROW_THRESHOLD, feature] = threshold


def on_binarizer_threshold(model, onx: onnx.ModelProto, X_test: np.ndarray) -> None:
    """A row exactly at the Binarizer threshold (sklearn: x > t is 1, so it maps to 0)."""
    X_test[data.ROW_THRESHOLD, :] = model.threshold


# ---------------------------------------------------------------- inputs


def numeric_input(double: bool) -> tuple[InputSpec, ...]:
    return (InputSpec("X", DoubleTensorType if double else FloatTensorType),)


INT64_INPUT = (InputSpec("X", Int64TensorType),)
STRING_INPUT = (InputSpec("X", StringTensorType),)
# The ColumnTransformer case: numeric columns and the string column are
# separate graph inputs; skl2onnx maps column indices 0-2 to `num`, 3 to `cat`.
MIXED_INPUTS = (
    InputSpec("num", FloatTensorType, slice(0, 3)),
    InputSpec("cat", StringTensorType, slice(3, 4)),
)


# ---------------------------------------------------------------- estimators
# Every estimator is small, seeded and single-threaded (n_jobs=1).


def column_transformer_logreg() -> Pipeline:
    pre = ColumnTransformer(
        [
            ("num", StandardScaler(), [0, 1, 2]),
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), [3]),
        ]
    )
    return Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=1000))])


LOGREG = partial(LogisticRegression, max_iter=1000)
LINEAR_SVC = partial(LinearSVC, random_state=0, max_iter=5000)
SVC_RBF = partial(SVC, kernel="rbf", probability=True, random_state=0)
TREE_CLF = partial(DecisionTreeClassifier, max_depth=5, random_state=0)
TREE_REG = partial(DecisionTreeRegressor, max_depth=5, random_state=0)
FOREST_CLF = partial(RandomForestClassifier, n_estimators=8, max_depth=5, random_state=0, n_jobs=1)
FOREST_REG = partial(RandomForestRegressor, n_estimators=8, max_depth=5, random_state=0, n_jobs=1)
EXTRA_CLF = partial(ExtraTreesClassifier, n_estimators=8, max_depth=5, random_state=0, n_jobs=1)
EXTRA_REG = partial(ExtraTreesRegressor, n_estimators=8, max_depth=5, random_state=0, n_jobs=1)
GB_CLF = partial(GradientBoostingClassifier, n_estimators=15, max_depth=3, random_state=0)
GB_REG = partial(GradientBoostingRegressor, n_estimators=20, max_depth=3, random_state=0)
HGB_CLF = partial(HistGradientBoostingClassifier, max_iter=15, max_leaf_nodes=8, random_state=0)
HGB_REG = partial(HistGradientBoostingRegressor, max_iter=15, max_leaf_nodes=8, random_state=0)
KNN_CLF = partial(KNeighborsClassifier, n_neighbors=5, algorithm="brute", n_jobs=1)
KNN_REG = partial(KNeighborsRegressor, n_neighbors=5, algorithm="brute", n_jobs=1)
MLP_CLF = partial(MLPClassifier, hidden_layer_sizes=(8,), max_iter=300, random_state=0)
MLP_REG = partial(MLPRegressor, hidden_layer_sizes=(8,), max_iter=300, random_state=0)


# ---------------------------------------------------------------- data
# Each data maker has its own seed, so a case never depends on generation order.

BINARY = partial(data.classification, 2, 11)
MULTICLASS = partial(data.classification, 3, 12)
STRING_LABELS = partial(data.classification, 3, 13, ("cat", "dog", "fish"))
INT_LABELS = partial(data.classification, 3, 14, (3, 7, 11))
REGRESSION = partial(data.regression, 21)
FEATURES = partial(data.features_only, 31)


def binary_with_missing() -> Dataset:
    return data.with_missing(BINARY(), 41)


def multiclass_with_missing() -> Dataset:
    return data.with_missing(MULTICLASS(), 42)


def regression_with_missing() -> Dataset:
    return data.with_missing(REGRESSION(), 43)


def features_with_missing() -> Dataset:
    return data.with_missing(FEATURES(), 44)


# ---------------------------------------------------------------- registry


def classifier(name, make_estimator, make_data, *, double=False, edge=None, inputs=None):
    """The `_zipmap` and `_nozipmap` variants of one classifier case."""
    base = f"{name}_double" if double else name
    return [
        CaseSpec(
            name=f"{base}_{'zipmap' if zipmap else 'nozipmap'}",
            make_estimator=make_estimator,
            make_data=make_data,
            task="classification",
            inputs=inputs or numeric_input(double),
            zipmap=zipmap,
            edge=edge,
            may_fail=double,
        )
        for zipmap in (True, False)
    ]


def unzipped_classifier(name, make_estimator, make_data, *, double=False):
    """LinearSVC: skl2onnx rejects the zipmap option and never adds ZipMap, so only `_nozipmap`."""
    base = f"{name}_double" if double else name
    return [
        CaseSpec(
            name=f"{base}_nozipmap",
            make_estimator=make_estimator,
            make_data=make_data,
            task="classification",
            inputs=numeric_input(double),
            zipmap=None,
            may_fail=double,
        )
    ]


def single(name, make_estimator, make_data, task, *, double=False, edge=None, inputs=None):
    """A regressor or transformer case (no zipmap variants)."""
    return [
        CaseSpec(
            name=f"{name}_double" if double else name,
            make_estimator=make_estimator,
            make_data=make_data,
            task=task,
            inputs=inputs or numeric_input(double),
            edge=edge,
            may_fail=double,
        )
    ]


def regressor(name, make_estimator, make_data, **kwargs):
    return single(name, make_estimator, make_data, "regression", **kwargs)


def transformer(name, make_estimator, make_data, **kwargs):
    return single(name, make_estimator, make_data, "transform", **kwargs)


def build_registry() -> list[CaseSpec]:
    tree = on_tree_threshold
    cases: list[CaseSpec] = []
    add = cases.extend

    # Linear models and SVMs.
    add(classifier("logreg_binary", LOGREG, BINARY))
    add(classifier("logreg_multiclass", LOGREG, MULTICLASS))
    add(classifier("logreg_string_labels", LOGREG, STRING_LABELS))
    add(unzipped_classifier("linear_svc_binary", LINEAR_SVC, BINARY))
    add(unzipped_classifier("linear_svc_multiclass", LINEAR_SVC, MULTICLASS))
    add(classifier("svc_rbf_binary", SVC_RBF, BINARY))
    add(classifier("svc_rbf_multiclass", SVC_RBF, MULTICLASS))
    add(regressor("svr_rbf", SVR, REGRESSION))
    add(regressor("linear_regression", LinearRegression, REGRESSION))
    add(regressor("ridge", partial(Ridge, alpha=1.0), REGRESSION))
    add(regressor("lasso", partial(Lasso, alpha=0.05), REGRESSION))

    # Single trees and forests (one test value sits on a split threshold).
    add(classifier("decision_tree_clf_binary", TREE_CLF, BINARY, edge=tree))
    add(classifier("decision_tree_clf_multiclass", TREE_CLF, MULTICLASS, edge=tree))
    add(regressor("decision_tree_reg", TREE_REG, REGRESSION, edge=tree))
    add(classifier("random_forest_clf_binary", FOREST_CLF, BINARY, edge=tree))
    add(classifier("random_forest_clf_multiclass", FOREST_CLF, MULTICLASS, edge=tree))
    add(classifier("random_forest_clf_int_labels", FOREST_CLF, INT_LABELS, edge=tree))
    add(regressor("random_forest_reg", FOREST_REG, REGRESSION, edge=tree))
    add(classifier("extra_trees_clf_binary", EXTRA_CLF, BINARY, edge=tree))
    add(classifier("extra_trees_clf_multiclass", EXTRA_CLF, MULTICLASS, edge=tree))
    add(regressor("extra_trees_reg", EXTRA_REG, REGRESSION, edge=tree))

    # Boosting. HistGradientBoosting learns missing-value directions from NaN.
    add(classifier("gradient_boosting_clf_binary", GB_CLF, BINARY, edge=tree))
    add(classifier("gradient_boosting_clf_multiclass", GB_CLF, MULTICLASS, edge=tree))
    add(regressor("gradient_boosting_reg", GB_REG, REGRESSION, edge=tree))
    add(classifier("hist_gb_clf_binary_nan", HGB_CLF, binary_with_missing, edge=tree))
    add(classifier("hist_gb_clf_multiclass_nan", HGB_CLF, multiclass_with_missing, edge=tree))
    add(regressor("hist_gb_reg_nan", HGB_REG, regression_with_missing, edge=tree))
    add(regressor("hist_gb_reg", HGB_REG, REGRESSION, edge=tree))

    # Neighbours and neural networks.
    add(classifier("knn_clf_binary", KNN_CLF, BINARY))
    add(classifier("knn_clf_multiclass", KNN_CLF, MULTICLASS))
    add(regressor("knn_reg", KNN_REG, REGRESSION))
    add(classifier("mlp_clf_binary", MLP_CLF, BINARY))
    add(classifier("mlp_clf_multiclass", MLP_CLF, MULTICLASS))
    add(regressor("mlp_reg", MLP_REG, REGRESSION))

    # Transformers.
    add(transformer("standard_scaler", StandardScaler, FEATURES))
    add(transformer("min_max_scaler", MinMaxScaler, FEATURES))
    add(transformer("robust_scaler", RobustScaler, FEATURES))
    add(transformer("max_abs_scaler", MaxAbsScaler, FEATURES))
    for norm in ("l1", "l2", "max"):
        add(transformer(f"normalizer_{norm}", partial(Normalizer, norm=norm), FEATURES))
    binarizer = partial(Binarizer, threshold=BINARIZER_THRESHOLD)
    add(transformer("binarizer", binarizer, FEATURES, edge=on_binarizer_threshold))
    imputer = partial(SimpleImputer, strategy="mean")
    add(transformer("simple_imputer_mean", imputer, features_with_missing))
    onehot = partial(OneHotEncoder, handle_unknown="ignore", sparse_output=False)
    add(transformer("one_hot_encoder_int64", onehot, partial(data.int64_categories, 51), inputs=INT64_INPUT))
    add(transformer("one_hot_encoder_string", onehot, partial(data.string_categories, 52), inputs=STRING_INPUT))

    # ColumnTransformer + Pipeline with two graph inputs.
    mixed = partial(data.mixed_numeric_and_string, 61)
    add(classifier("column_transformer_logreg", column_transformer_logreg, mixed, inputs=MIXED_INPUTS))

    # DoubleTensorType variants, where skl2onnx supports them. Failures are
    # expected for several (see README) and land in index.json "skipped".
    add(classifier("logreg_binary", LOGREG, BINARY, double=True))
    add(classifier("logreg_multiclass", LOGREG, MULTICLASS, double=True))
    add(unzipped_classifier("linear_svc_binary", LINEAR_SVC, BINARY, double=True))
    add(classifier("svc_rbf_binary", SVC_RBF, BINARY, double=True))
    add(regressor("svr_rbf", SVR, REGRESSION, double=True))
    add(regressor("linear_regression", LinearRegression, REGRESSION, double=True))
    add(regressor("ridge", partial(Ridge, alpha=1.0), REGRESSION, double=True))
    add(classifier("decision_tree_clf_binary", TREE_CLF, BINARY, double=True, edge=tree))
    add(regressor("decision_tree_reg", TREE_REG, REGRESSION, double=True, edge=tree))
    add(classifier("random_forest_clf_multiclass", FOREST_CLF, MULTICLASS, double=True, edge=tree))
    add(regressor("random_forest_reg", FOREST_REG, REGRESSION, double=True, edge=tree))
    add(regressor("gradient_boosting_reg", GB_REG, REGRESSION, double=True, edge=tree))
    add(regressor("hist_gb_reg_nan", HGB_REG, regression_with_missing, double=True, edge=tree))
    add(classifier("knn_clf_multiclass", KNN_CLF, MULTICLASS, double=True))
    add(regressor("knn_reg", KNN_REG, REGRESSION, double=True))
    add(classifier("mlp_clf_binary", MLP_CLF, BINARY, double=True))
    add(regressor("mlp_reg", MLP_REG, REGRESSION, double=True))
    add(transformer("standard_scaler", StandardScaler, FEATURES, double=True))
    add(transformer("min_max_scaler", MinMaxScaler, FEATURES, double=True))
    add(transformer("normalizer_l2", partial(Normalizer, norm="l2"), FEATURES, double=True))
    add(transformer("binarizer", binarizer, FEATURES, double=True, edge=on_binarizer_threshold))
    add(transformer("simple_imputer_mean", imputer, features_with_missing, double=True))

    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    return cases
