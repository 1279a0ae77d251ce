"""Deterministic synthetic data sets for the fixture zoo, including the edge-case test rows."""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.datasets import make_classification, make_regression

N_FEATURES = 5
N_TRAIN = 160
N_TEST = 24

# Test-row layout shared by every numeric data set (documented in the zoo README):
ROW_ZEROS = 0  # all features exactly 0.0
ROW_THRESHOLD = 1  # tree cases: one feature set exactly on a split threshold
ROW_NEGATIVE = 2  # every feature strictly negative
ROW_FAR = 3  # 8x a normal row: far outside the training range (saturation)
ROW_ALL_NAN = 4  # missing-value data sets only: every feature NaN
ROWS_ONE_NAN = (5, 6, 7, 8)  # missing-value data sets only: NaN in feature 0, 1, 2, 3


@dataclasses.dataclass
class Dataset:
    """Training data and the test rows (same layout as X_train) sent to the model."""

    X_train: np.ndarray
    y_train: np.ndarray | None
    X_test: np.ndarray


def _float32_exact(X: np.ndarray) -> np.ndarray:
    # Round once to float32 and keep float64 storage: the same values then feed
    # both the float and the double variant of a case, exactly.
    return X.astype(np.float32).astype(np.float64)


def _split(X: np.ndarray, y: np.ndarray | None) -> Dataset:
    X_test = _with_edge_rows(X[N_TRAIN:])
    y_train = None if y is None else y[:N_TRAIN]
    return Dataset(_float32_exact(X[:N_TRAIN]), y_train, _float32_exact(X_test))


def _with_edge_rows(X_test: np.ndarray) -> np.ndarray:
    X = X_test.copy()
    X[ROW_ZEROS] = 0.0
    X[ROW_NEGATIVE] = -np.abs(X[ROW_NEGATIVE]) - 0.5
    X[ROW_FAR] = X[ROW_FAR] * 8.0
    return X


def classification(n_classes: int, seed: int, labels: tuple | None = None) -> Dataset:
    """make_classification with 5 features; `labels` renames classes 0..n-1."""
    X, y = make_classification(
        n_samples=N_TRAIN + N_TEST,
        n_features=N_FEATURES,
        n_informative=3,
        n_redundant=1,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=seed,
    )
    if labels is not None:
        y = np.asarray(labels)[y]
    return _split(X, y)


def regression(seed: int) -> Dataset:
    """make_regression with 5 features; the target is standardised (keeps SVR/MLP sane)."""
    X, y = make_regression(
        n_samples=N_TRAIN + N_TEST,
        n_features=N_FEATURES,
        n_informative=4,
        noise=10.0,
        random_state=seed,
    )
    y = (y - y.mean()) / y.std()
    return _split(X, y)


def features_only(seed: int) -> Dataset:
    """Unsupervised data for the transformers (classification features, no target)."""
    data = classification(2, seed)
    return Dataset(data.X_train, None, data.X_test)


def with_missing(data: Dataset, seed: int) -> Dataset:
    """NaN in ~15% of training rows for features 0 and 2, plus NaN test rows.

    Features 1 and 3 never miss during training, so the test NaNs in them exercise
    the "no missing values seen" default direction of HistGradientBoosting.
    """
    rng = np.random.RandomState(seed)
    X_train = data.X_train.copy()
    for feature in (0, 2):
        X_train[rng.rand(len(X_train)) < 0.15, feature] = np.nan
    X_test = data.X_test.copy()
    X_test[ROW_ALL_NAN] = np.nan
    for feature, row in enumerate(ROWS_ONE_NAN):
        X_test[row, feature] = np.nan
    return Dataset(X_train, data.y_train, X_test)


def int64_categories(seed: int) -> Dataset:
    """Three int64 categorical columns with non-contiguous codes; unseen codes in the test rows."""
    rng = np.random.RandomState(seed)
    vocab = (np.array([0, 1, 2, 3]), np.array([-1, 5, 10]), np.array([100, 200]))
    columns = [rng.choice(v, size=N_TRAIN + N_TEST) for v in vocab]
    X = np.stack(columns, axis=1).astype(np.int64)
    X_test = X[N_TRAIN:].copy()
    X_test[0] = [9, 5, 100]  # unseen in column 0
    X_test[1] = [0, 7, 300]  # unseen in columns 1 and 2
    X_test[2] = [-5, -6, -7]  # nothing known: all-zero encoding
    return Dataset(X[:N_TRAIN], None, X_test)


def string_categories(seed: int) -> Dataset:
    """Two string columns (one non-ASCII category); unseen strings in the test rows."""
    rng = np.random.RandomState(seed)
    colours = np.array(["red", "green", "blue", "grün"], dtype=object)
    sizes = np.array(["s", "m", "l"], dtype=object)
    n = N_TRAIN + N_TEST
    X = np.stack([rng.choice(colours, size=n), rng.choice(sizes, size=n)], axis=1)
    X_test = X[N_TRAIN:].copy()
    X_test[0] = ["purple", "m"]  # unseen colour
    X_test[1] = ["RED", "xl"]  # case differs / unseen size
    X_test[2] = ["", " red"]  # empty string, leading space
    X_test[3] = ["grün", "s"]  # non-ASCII, known
    return Dataset(X[:N_TRAIN], None, X_test)


def mixed_numeric_and_string(seed: int) -> Dataset:
    """Three numeric columns + one string column (object array) for the ColumnTransformer."""
    X_num, y = make_classification(
        n_samples=N_TRAIN + N_TEST,
        n_features=3,
        n_informative=2,
        n_redundant=0,
        n_clusters_per_class=1,
        random_state=seed,
    )
    X_num[N_TRAIN:] = _with_edge_rows(X_num[N_TRAIN:])
    X_num = _float32_exact(X_num)
    rng = np.random.RandomState(seed)
    vocab = np.array(["north", "south", "east"], dtype=object)
    # The category agrees with the class 70% of the time so it carries signal.
    cat = np.where(rng.rand(len(y)) < 0.7, vocab[y], rng.choice(vocab, size=len(y)))
    X = np.empty((len(y), 4), dtype=object)
    X[:, :3] = X_num
    X[:, 3] = cat
    X_test = X[N_TRAIN:].copy()
    X_test[1, 3] = "west"  # unseen category (handle_unknown='ignore')
    return Dataset(X[:N_TRAIN], y[:N_TRAIN], X_test)
