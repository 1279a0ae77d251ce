"""Random tree ensembles built directly with onnx.helper, for the differential test against ONNX Runtime.

Converters emit a narrow slice of what the ai.onnx.ml tree operators allow (preorder node ids starting at 0,
BRANCH_LEQ only, float attributes). These generators draw the rest of the space ONNX Runtime accepts:
TreeEnsembleRegressor / TreeEnsembleClassifier at ai.onnx.ml 1-4 (float attributes, and the `*_as_tensor`
double attributes from 3), and TreeEnsemble at ai.onnx.ml 5 (index-based nodes, BRANCH_MEMBER sets); every
node mode, missing_value_tracks_true, aggregate functions, base values, post transforms, int and string class
labels, single-column binary classifiers, and node/tree ids in orders converters never use. Each generator
returns a `Case` whose `describe` names every choice it made, so a failure message says what was exercised.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from differential_harness import Case

MODES = ("BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ")
# TreeEnsemble (ai.onnx.ml 5) encodes modes, aggregate functions and post transforms as integers.
V5_MODES = {"BRANCH_LEQ": 0, "BRANCH_LT": 1, "BRANCH_GTE": 2, "BRANCH_GT": 3, "BRANCH_EQ": 4, "BRANCH_NEQ": 5,
            "BRANCH_MEMBER": 6}
V5_AGGREGATES = {"AVERAGE": 0, "SUM": 1, "MIN": 2, "MAX": 3}
V5_TRANSFORMS = {"NONE": 0, "SOFTMAX": 1, "LOGISTIC": 2, "SOFTMAX_ZERO": 3, "PROBIT": 4}
AGGREGATES = ("SUM", "AVERAGE", "MIN", "MAX")

ELEM_TYPES = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE,
              np.dtype(np.int64): TensorProto.INT64, np.dtype(np.int32): TensorProto.INT32}
F32_MAX = float(np.finfo(np.float32).max)


@dataclasses.dataclass
class Node:
    mode: str = "LEAF"
    feature: int = 0
    threshold: float = 0.0
    members: tuple = ()
    missing_true: int = 0
    true: "Node | None" = None
    false: "Node | None" = None
    weights: list = dataclasses.field(default_factory=list)  # leaves: [(target or class id, weight)]

    @property
    def is_leaf(self) -> bool:
        return self.mode == "LEAF"


def _pick(rng, options, p=None):
    return options[int(rng.choice(len(options), p=p))]


# ---------------------------------------------------------------- feature values


class FeatureSpace:
    """Per-feature candidate split values; inputs are drawn on, next to and far from them.

    `precision` is the precision of the stored thresholds ("float" attributes or "double" tensors);
    `input_dtype` the dtype of X. Integer inputs get integer and half-integer thresholds, including values
    around 2**24 where int -> float conversion starts rounding.
    """

    def __init__(self, rng, n_features: int, input_dtype, precision: str):
        self.rng = rng
        self.n_features = n_features
        self.input_dtype = np.dtype(input_dtype)
        self.precision = precision
        self.is_int = self.input_dtype.kind == "i"
        self.scale = 10.0 ** rng.uniform(-2, 3, size=n_features)
        self.offset = rng.normal(0, 1, size=n_features) * self.scale * rng.integers(0, 2, size=n_features)
        self.pools = [self._pool(f) for f in range(n_features)]
        # Integer category values for BRANCH_MEMBER sets and chains of BRANCH_EQ on one feature (the
        # shape of LightGBM's categorical splits, which ONNX Runtime fuses into a set lookup). ONNX
        # Runtime only accepts integer members that fit in int32 (INT32_MIN excluded: NaN casts to it).
        self.categories = [self._categories() for _ in range(n_features)]

    def _as_threshold(self, v: float) -> float:
        if self.precision == "float":
            return float(np.float32(v))
        if abs(v) < F32_MAX and self.rng.random() < 0.5:  # converters usually store float-representable doubles
            return float(np.float32(v))
        return float(v)

    def _pool(self, f: int) -> np.ndarray:
        rng, scale, offset = self.rng, self.scale[f], self.offset[f]
        n = int(rng.integers(3, 10))
        if self.is_int:
            values = list(np.round(offset + scale * rng.normal(size=n)))
            values += [v + 0.5 for v in values[: n // 2]]
            if rng.random() < 0.3:
                values += [0.0, -1.0, 1.0]
            if rng.random() < 0.3:
                big = 2.0 ** 24 if self.input_dtype == np.int32 or rng.random() < 0.5 else 2.0 ** 53
                values += [big, big + 2.0, -big, big - 1.0]
            return np.array([self._as_threshold(v) for v in values])
        values = list(offset + scale * rng.normal(size=n))
        if rng.random() < 0.3:
            values += [round(v) for v in values[:2]]
        if rng.random() < 0.3:
            values += [0.0]
        if rng.random() < 0.1:
            values += [-0.0]
        if rng.random() < 0.1:
            big = 1e30 if self.precision == "float" or self.input_dtype == np.float32 else 1e300
            values += [big * rng.choice([-1.0, 1.0])]
        if rng.random() < 0.05:
            values += [float(np.float32(1e-40)) * rng.choice([-1.0, 1.0])]  # a float32 subnormal
        return np.array([self._as_threshold(v) for v in values])

    def _categories(self) -> np.ndarray:
        rng = self.rng
        kind = rng.choice(["small", "signed", "wide"], p=[0.5, 0.25, 0.25])
        if kind == "small":
            values = rng.choice(32, size=int(rng.integers(3, 12)), replace=False)
        elif kind == "signed":
            values = rng.choice(np.arange(-40, 80), size=int(rng.integers(3, 12)), replace=False)
        else:
            values = rng.choice(np.arange(0, 2_000_000, 997), size=int(rng.integers(3, 12)), replace=False)
        return values.astype(np.float64)

    def threshold(self, f: int) -> float:
        return float(self.rng.choice(self.pools[f]))

    def rows(self, n_rows: int, allow_nan: bool) -> np.ndarray:
        """Random rows: ~35% on a split value, ~10% one step away, zeros, NaN, infinities, huge values."""
        rng, dt = self.rng, self.input_dtype
        out = np.empty((n_rows, self.n_features), dtype=dt)
        nan_rate = rng.choice([0.0, 0.03, 0.15]) if allow_nan and not self.is_int else 0.0
        for f in range(self.n_features):
            pool = np.concatenate([self.pools[f], self.categories[f]])
            col = self.offset[f] + self.scale[f] * rng.normal(size=n_rows)
            kind = rng.random(n_rows)
            on_split = kind < 0.35
            col[on_split] = rng.choice(pool, size=int(on_split.sum()))
            near = (kind >= 0.35) & (kind < 0.45)
            base = rng.choice(pool, size=int(near.sum()))
            if self.is_int:
                col[near] = np.floor(base) + rng.choice([-1.0, 1.0], size=base.size)
            else:
                # One ulp of the input type away from a split value.
                step_to = np.where(rng.random(base.size) < 0.5, np.inf, -np.inf)
                col[near] = np.nextafter(base.astype(dt), step_to.astype(dt)).astype(np.float64)
            zero = (kind >= 0.45) & (kind < 0.50)
            col[zero] = np.where(rng.random(int(zero.sum())) < 0.5, 0.0, -0.0)
            huge = (kind >= 0.50) & (kind < 0.52)
            if self.is_int:
                limit = 2.0 ** 30 if dt == np.int32 else 2.0 ** 62
                col[huge] = rng.choice([-limit, limit, 2.0 ** 24 + 1, 2.0 ** 53 + 1.0], size=int(huge.sum()))
                col = np.clip(np.round(col), -limit, limit)
                out[:, f] = col.astype(dt)
                continue
            big = 3e38 if dt == np.float32 else 1e300
            col[huge] = rng.choice([-big, big, -1e20, 1e20], size=int(huge.sum()))
            inf = (kind >= 0.52) & (kind < 0.535)
            col[inf] = rng.choice([-np.inf, np.inf], size=int(inf.sum()))
            nan = rng.random(n_rows) < nan_rate
            col[nan] = np.nan
            if dt == np.float32:
                col = np.clip(col, -F32_MAX, F32_MAX, where=np.isfinite(col), out=col)
            out[:, f] = col.astype(dt)
        return out


# ---------------------------------------------------------------- trees


@dataclasses.dataclass
class TreeShape:
    max_depth: int
    p_leaf: float
    modes: tuple
    missing_rate: float  # share of branch nodes with missing_value_tracks_true = 1
    member_rate: float = 0.0  # share of BRANCH_MEMBER nodes (TreeEnsemble only)
    chain_rate: float = 0.0  # share of BRANCH_EQ chains sharing one true child (categorical splits)
    shared_leaf_only: bool = False  # TreeEnsemble: ONNX Runtime rejects shared internal nodes


def grow(rng, space: FeatureSpace, shape: TreeShape, leaf_weights, depth: int = 0) -> Node:
    """A random tree; the root is always a branch (depth >= 1). Chains make it a DAG (shared true child)."""
    if depth >= shape.max_depth or (depth > 0 and rng.random() < shape.p_leaf):
        return Node(weights=leaf_weights())
    f = int(rng.integers(space.n_features))
    missing = int(rng.random() < shape.missing_rate)
    categories = space.categories[f]
    if shape.member_rate and rng.random() < shape.member_rate:
        size = int(rng.integers(1, min(len(categories), 6) + 1))
        node = Node(mode="BRANCH_MEMBER", feature=f, missing_true=missing, threshold=space.threshold(f),
                    members=tuple(float(v) for v in rng.choice(categories, size=size, replace=False)))
    elif shape.chain_rate and rng.random() < shape.chain_rate:
        values = rng.choice(categories, size=int(rng.integers(2, min(len(categories), 6) + 1)), replace=False)
        shared = Node(weights=leaf_weights()) if shape.shared_leaf_only else \
            grow(rng, space, shape, leaf_weights, depth + 1)
        tail = grow(rng, space, shape, leaf_weights, depth + 1)
        for v in values[::-1]:  # every link has the same missing flag, as a converted categorical split
            tail = Node(mode="BRANCH_EQ", feature=f, threshold=float(v), missing_true=missing, true=shared,
                        false=tail)
        return tail
    else:
        node = Node(mode=_pick(rng, shape.modes), feature=f, threshold=space.threshold(f), missing_true=missing)
    node.true = grow(rng, space, shape, leaf_weights, depth + 1)
    node.false = grow(rng, space, shape, leaf_weights, depth + 1)
    return node


def random_shape(rng, max_depth_limit: int = 8, member: bool = False) -> TreeShape:
    if rng.random() < 0.5:
        modes = (_pick(rng, MODES, p=[0.5, 0.1, 0.1, 0.1, 0.1, 0.1]),)
    else:
        modes = tuple(m for m in MODES if rng.random() < 0.6) or ("BRANCH_LEQ", "BRANCH_EQ")
    return TreeShape(max_depth=int(rng.integers(1, max_depth_limit + 1)), p_leaf=float(rng.uniform(0.05, 0.5)),
                     modes=modes, missing_rate=float(rng.choice([0.0, 0.3, 0.7, 1.0])),
                     member_rate=float(rng.choice([0.0, 0.2, 0.5])) if member else 0.0,
                     chain_rate=float(rng.choice([0.0, 0.0, 0.15, 0.4])))


def listing(rng, root: Node, order: str) -> list[Node]:
    """The distinct nodes of one tree in the order they are written; the root is always first (ONNX
    Runtime takes the first node of each tree id as its root)."""
    out, seen, todo = [], set(), [root]
    while todo:
        n = todo.pop(0) if order == "bfs" else todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        out.append(n)
        if not n.is_leaf:
            if order == "bfs":
                todo += [n.true, n.false]
            else:
                todo += [n.true, n.false] if order == "preorder_false_first" else [n.false, n.true]
    if order == "shuffled":
        rest = out[1:]
        rng.shuffle(rest)
        out = [root] + rest
    return out


def _n_nodes(root: Node) -> int:
    return len(listing(None, root, "preorder"))


# ---------------------------------------------------------------- leaf weights


def weight_sampler(rng, n_outputs: int, layout: str, sign: str, scale: float, single_target: int | None = None):
    """Returns a function drawing the [(id, weight)] list of one leaf.

    layout: dense (every id once), sparse (a random non-empty subset), duplicated (dense plus repeated ids,
    which ONNX Runtime sums), single (one random id per leaf: TreeEnsemble leaves), column (one fixed id:
    single-column binary classifiers).
    """
    def weight():
        if sign == "positive":
            return float(rng.uniform(0, scale))
        return float(rng.normal(0, scale))

    def sample():
        if layout == "column":
            return [(single_target, weight())]
        if layout == "single":
            return [(int(rng.integers(n_outputs)), weight())]
        if layout == "sparse":
            ids = [i for i in range(n_outputs) if rng.random() < 0.5] or [int(rng.integers(n_outputs))]
            return [(i, weight()) for i in ids]
        ws = [(i, weight()) for i in range(n_outputs)]
        if layout == "duplicated":
            ws += [(int(rng.integers(n_outputs)), weight()) for _ in range(int(rng.integers(1, 3)))]
        return ws

    return sample


# ---------------------------------------------------------------- TreeEnsembleRegressor / Classifier (ml 1..4)


def _float_attr_or_tensor(name: str, values, as_tensor: bool) -> dict:
    if as_tensor:
        return {f"{name}_as_tensor": numpy_helper.from_array(np.asarray(values, dtype=np.float64),
                                                              name=f"{name}_as_tensor")}
    return {name: [float(np.float32(v)) for v in values]}


def v3_node_attributes(rng, trees: list[Node], n_features: int, describe: dict, as_tensor: bool) -> tuple[dict, list]:
    """nodes_* attributes of TreeEnsembleRegressor/Classifier and the (tree id, node id, leaf) list."""
    order = _pick(rng, ["preorder", "preorder", "preorder_false_first", "bfs", "shuffled"])
    node_ids = _pick(rng, ["sequential", "sequential", "permuted"])
    tree_ids = _pick(rng, ["sequential", "sequential", "sparse", "shuffled"])
    leaf_fill = _pick(rng, ["zero", "zero", "garbage"])
    hitrates = rng.random() < 0.2
    missing_attr = any(n.missing_true for t in trees for n in listing(rng, t, "preorder")) or rng.random() < 0.2
    describe.update(order=order, node_ids=node_ids, tree_ids=tree_ids, leaf_fill=leaf_fill, hitrates=hitrates,
                    missing_attr=missing_attr)
    ids = list(range(len(trees)))
    if tree_ids == "sparse":
        ids = sorted(int(v) for v in rng.choice(10 * len(trees) + 10, size=len(trees), replace=False))
    elif tree_ids == "shuffled":
        rng.shuffle(ids)
    cols = {k: [] for k in ("treeids", "nodeids", "featureids", "values", "modes", "truenodeids",
                            "falsenodeids", "missing", "hitrates")}
    leaves = []
    for tid, root in zip(ids, trees):
        nodes = listing(rng, root, order)
        nid = list(range(len(nodes)))
        if node_ids == "permuted":
            rng.shuffle(nid)
        index = {id(n): nid[i] for i, n in enumerate(nodes)}
        for n in nodes:
            cols["treeids"].append(tid)
            cols["nodeids"].append(index[id(n)])
            cols["hitrates"].append(float(rng.uniform(0, 1)))
            if n.is_leaf:
                leaves.append((tid, index[id(n)], n))
                garbage = leaf_fill == "garbage"
                cols["featureids"].append(int(rng.integers(n_features)) if garbage else 0)
                cols["values"].append(float(rng.normal()) if garbage else 0.0)
                cols["modes"].append("LEAF")
                cols["truenodeids"].append(0)
                cols["falsenodeids"].append(0)
                cols["missing"].append(0)
            else:
                cols["featureids"].append(n.feature)
                cols["values"].append(n.threshold)
                cols["modes"].append(n.mode)
                cols["truenodeids"].append(index[id(n.true)])
                cols["falsenodeids"].append(index[id(n.false)])
                cols["missing"].append(n.missing_true)
    attrs = {"nodes_treeids": cols["treeids"], "nodes_nodeids": cols["nodeids"],
             "nodes_featureids": cols["featureids"], "nodes_modes": cols["modes"],
             "nodes_truenodeids": cols["truenodeids"], "nodes_falsenodeids": cols["falsenodeids"]}
    attrs.update(_float_attr_or_tensor("nodes_values", cols["values"], as_tensor))
    if missing_attr:
        attrs["nodes_missing_value_tracks_true"] = cols["missing"]
    if hitrates:
        attrs.update(_float_attr_or_tensor("nodes_hitrates", cols["hitrates"], as_tensor))
    return attrs, leaves


def weight_attributes(rng, leaves, prefix: str, id_name: str, describe: dict, as_tensor: bool) -> dict:
    entries = [(tid, nid, i, w) for tid, nid, leaf in leaves for i, w in leaf.weights]
    shuffled = rng.random() < 0.3
    if shuffled:
        rng.shuffle(entries)
    describe["weights_shuffled"] = shuffled
    attrs = {f"{prefix}_treeids": [e[0] for e in entries], f"{prefix}_nodeids": [e[1] for e in entries],
             id_name: [e[2] for e in entries]}
    attrs.update(_float_attr_or_tensor(f"{prefix}_weights", [e[3] for e in entries], as_tensor))
    return attrs


def _input_dtype(rng, allowed):
    return np.dtype(_pick(rng, [d for d, _ in allowed], p=[p for _, p in allowed]))


def _model(node, inputs, outputs, ml_opset: int, name: str):
    graph = helper.make_graph(node if isinstance(node, list) else [node], name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21),
                                                      helper.make_opsetid("ai.onnx.ml", ml_opset)])
    model.ir_version = 10
    return model


def _n_rows(rng) -> int:
    return 1 if rng.random() < 0.06 else int(rng.integers(50, 401))


def _tree_count(rng) -> int:
    return int(_pick(rng, [rng.integers(1, 4), rng.integers(4, 16), rng.integers(16, 51)], p=[0.3, 0.4, 0.3]))


def tree_regressor(seed: int, version: int) -> Case:
    """TreeEnsembleRegressor at ai.onnx.ml 1/2 (version 1) or 3/4 (version 3)."""
    rng = np.random.default_rng(seed)
    ml_opset = int(rng.choice([1, 2])) if version == 1 else int(rng.choice([3, 4]))
    # ONNX Runtime implements the regressor for float and double inputs only, and reads the double
    # `*_as_tensor` attributes only when the input is double.
    dtype = _input_dtype(rng, [(np.float32, 0.55), (np.float64, 0.45)])
    as_tensor = version == 3 and dtype == np.float64 and rng.random() < 0.7
    n_features = int(rng.integers(1, 31))
    n_targets = int(_pick(rng, [1, 1, 2, 3]))
    n_trees = _tree_count(rng)
    aggregate = _pick(rng, AGGREGATES, p=[0.4, 0.3, 0.15, 0.15])
    post = _pick(rng, ["NONE", "LOGISTIC", "SOFTMAX", "SOFTMAX_ZERO", "PROBIT"], p=[0.6, 0.1, 0.1, 0.1, 0.1])
    layout = "dense"
    if n_targets > 1:
        layout = _pick(rng, ["dense", "sparse", "duplicated"] if aggregate in ("SUM", "AVERAGE")
                       else ["dense", "sparse"])
    sign, scale = "mixed", float(_pick(rng, [0.01, 1.0, 100.0]))
    if post == "PROBIT":  # keep scores mostly inside (0, 1), where probit is finite
        sign, scale = "positive", (1.0 / n_trees if aggregate == "SUM" else 0.9)
    space = FeatureSpace(rng, n_features, dtype, "double" if as_tensor else "float")
    shape = random_shape(rng)
    sampler = weight_sampler(rng, n_targets, layout, sign, scale)
    trees = [grow(rng, space, shape, sampler) for _ in range(n_trees)]
    describe = dict(op="TreeEnsembleRegressor", ml_opset=ml_opset, as_tensor=as_tensor, input=dtype.name,
                    n_features=n_features, n_targets=n_targets, n_trees=n_trees,
                    n_nodes=sum(_n_nodes(t) for t in trees), max_depth=shape.max_depth, modes=shape.modes,
                    missing_rate=shape.missing_rate, chain_rate=shape.chain_rate, aggregate=aggregate,
                    post_transform=post, weights=layout,
                    weight_sign=sign, weight_scale=scale)
    attrs, leaves = v3_node_attributes(rng, trees, n_features, describe, as_tensor)
    attrs.update(weight_attributes(rng, leaves, "target", "target_ids", describe, as_tensor))
    attrs.update(n_targets=n_targets, aggregate_function=aggregate, post_transform=post)
    base = _pick(rng, ["absent", "present"])
    describe["base_values"] = base
    if base == "present":
        attrs.update(_float_attr_or_tensor("base_values", rng.normal(0, 0.3 if post == "PROBIT" else 2.0,
                                                                      size=n_targets), as_tensor))
    node = helper.make_node("TreeEnsembleRegressor", ["X"], ["Y"], domain="ai.onnx.ml", **attrs)
    model = _model(node, [helper.make_tensor_value_info("X", ELEM_TYPES[dtype], [None, n_features])],
                   [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, n_targets])], ml_opset,
                   f"tree_regressor_v{version}")
    X = space.rows(_n_rows(rng), allow_nan=True)
    return Case(describe=describe, model=model, feeds=[("X", X)])


def _class_labels(rng, n_classes: int):
    if rng.random() < 0.5:
        labels = rng.choice(np.arange(-5, 200), size=n_classes, replace=False)
        if rng.random() < 0.2:
            labels[0] = int(rng.choice([-(2 ** 40), 2 ** 40 + 7]))
        return "int", [int(v) for v in labels]
    words = ["cat", "dog", "fish", "bird", "é-accent", "日本", "with space", "0", "-1", "yes", "no", ""]
    chosen = rng.choice(len(words), size=n_classes, replace=False)
    return "string", [words[int(i)] for i in chosen]


def _zipmap_output(label_kind: str, name: str):
    key = TensorProto.INT64 if label_kind == "int" else TensorProto.STRING
    t = helper.make_sequence_type_proto(helper.make_map_type_proto(key, helper.make_tensor_type_proto(
        TensorProto.FLOAT, [])))
    return helper.make_value_info(name, t)


def tree_classifier(seed: int, version: int) -> Case:
    """TreeEnsembleClassifier at ai.onnx.ml 1/2 (version 1) or 3/4 (version 3), optionally followed by ZipMap."""
    rng = np.random.default_rng(seed)
    ml_opset = int(rng.choice([1, 2])) if version == 1 else int(rng.choice([3, 4]))
    dtype = _input_dtype(rng, [(np.float32, 0.45), (np.float64, 0.35), (np.int64, 0.1), (np.int32, 0.1)])
    as_tensor = version == 3 and dtype == np.float64 and rng.random() < 0.7
    n_features = int(rng.integers(1, 31))
    n_classes = int(rng.integers(2, 6))
    n_trees = _tree_count(rng)
    post = _pick(rng, ["NONE", "LOGISTIC", "SOFTMAX", "SOFTMAX_ZERO", "PROBIT"], p=[0.35, 0.2, 0.2, 0.15, 0.1])
    single_column = n_classes == 2 and rng.random() < 0.6
    if single_column:
        layout, column = "column", int(_pick(rng, [0, 0, 0, 1]))
    else:
        layout, column = _pick(rng, ["dense", "dense", "sparse"]), None
    sign = _pick(rng, ["positive", "mixed"])
    scale = 1.0 / n_trees if sign == "positive" else float(_pick(rng, [0.1, 1.0, 5.0]))
    if post == "PROBIT":
        sign, scale = "positive", 1.0 / n_trees
    space = FeatureSpace(rng, n_features, dtype, "double" if as_tensor else "float")
    shape = random_shape(rng)
    sampler = weight_sampler(rng, n_classes, layout, sign, scale, column)
    trees = [grow(rng, space, shape, sampler) for _ in range(n_trees)]
    label_kind, labels = _class_labels(rng, n_classes)
    zipmap = rng.random() < 0.3
    describe = dict(op="TreeEnsembleClassifier", ml_opset=ml_opset, as_tensor=as_tensor, input=dtype.name,
                    n_features=n_features, n_classes=n_classes, labels=labels, n_trees=n_trees,
                    n_nodes=sum(_n_nodes(t) for t in trees), max_depth=shape.max_depth, modes=shape.modes,
                    missing_rate=shape.missing_rate, chain_rate=shape.chain_rate, post_transform=post, weights=layout,
                    weight_column=column,
                    weight_sign=sign, zipmap=zipmap)
    attrs, leaves = v3_node_attributes(rng, trees, n_features, describe, as_tensor)
    attrs.update(weight_attributes(rng, leaves, "class", "class_ids", describe, as_tensor))
    attrs["post_transform"] = post
    attrs["classlabels_int64s" if label_kind == "int" else "classlabels_strings"] = labels
    n_base = _pick(rng, [0, n_classes] + ([1, 2] if single_column else []))
    if n_classes == 2 and post == "PROBIT":
        # With fewer than two base values a binary row whose class 1 got no weight is reduced to one
        # score; ONNX Runtime then writes only probabilities[:, 0] and leaves column 1 uninitialized
        # (it varies from run to run), so that variant is not a valid test.
        n_base = 2
    describe["base_values"] = n_base
    if n_base:
        attrs.update(_float_attr_or_tensor("base_values", rng.normal(0, 0.2 if post == "PROBIT" else 1.0,
                                                                      size=n_base), as_tensor))
    label_type = TensorProto.INT64 if label_kind == "int" else TensorProto.STRING
    nodes = [helper.make_node("TreeEnsembleClassifier", ["X"], ["label", "probabilities"], domain="ai.onnx.ml",
                              **attrs)]
    outputs = [helper.make_tensor_value_info("label", label_type, [None]),
               helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, n_classes])]
    if zipmap:
        key = "classlabels_int64s" if label_kind == "int" else "classlabels_strings"
        nodes.append(helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml",
                                      **{key: labels}))
        outputs.append(_zipmap_output(label_kind, "output_probability"))
    model = _model(nodes, [helper.make_tensor_value_info("X", ELEM_TYPES[dtype], [None, n_features])], outputs,
                   ml_opset, f"tree_classifier_v{version}")
    X = space.rows(_n_rows(rng), allow_nan=True)
    return Case(describe=describe, model=model, feeds=[("X", X)], class_labels=labels)


# ---------------------------------------------------------------- TreeEnsemble (ml 5)


def _v5_tensor(name: str, values, dtype) -> "TensorProto":
    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name=name)


def tree_ensemble_v5(seed: int) -> Case:
    """TreeEnsemble (ai.onnx.ml 5): index-based nodes and leaves in shuffled order, BRANCH_MEMBER sets."""
    rng = np.random.default_rng(seed)
    dtype = _input_dtype(rng, [(np.float32, 0.6), (np.float64, 0.4)])
    n_features = int(rng.integers(1, 31))
    n_targets = int(_pick(rng, [1, 1, 2, 3]))
    n_trees = _tree_count(rng)
    aggregate = _pick(rng, AGGREGATES, p=[0.4, 0.3, 0.15, 0.15])
    post = _pick(rng, list(V5_TRANSFORMS), p=[0.6, 0.1, 0.1, 0.1, 0.1])
    sign, scale = "mixed", float(_pick(rng, [0.01, 1.0, 100.0]))
    if post == "PROBIT":
        sign, scale = "positive", (1.0 / n_trees if aggregate == "SUM" else 0.9)
    space = FeatureSpace(rng, n_features, dtype, "double" if dtype == np.float64 else "float")
    shape = random_shape(rng, member=True)
    shape.shared_leaf_only = True
    sampler = weight_sampler(rng, n_targets, "single", sign, scale)
    trees = [grow(rng, space, shape, sampler) for _ in range(n_trees)]
    hitrates = dtype == np.float32 and rng.random() < 0.2  # ONNX Runtime reads float hitrates only
    missing_attr = shape.missing_rate > 0 or rng.random() < 0.2
    node_order = _pick(rng, ["preorder", "shuffled"])
    describe = dict(op="TreeEnsemble", ml_opset=5, input=dtype.name, n_features=n_features, n_targets=n_targets,
                    n_trees=n_trees, n_nodes=sum(_n_nodes(t) for t in trees), max_depth=shape.max_depth,
                    modes=shape.modes, member_rate=shape.member_rate, chain_rate=shape.chain_rate,
                    missing_rate=shape.missing_rate,
                    aggregate=aggregate, post_transform=post, weight_sign=sign, weight_scale=scale,
                    hitrates=hitrates, missing_attr=missing_attr, node_order=node_order)
    # ONNX Runtime treats a root whose true and false indices are equal as a one-leaf tree (ignoring the
    # leaf flags), so such roots are re-drawn by reshuffling rather than generated.
    for _attempt in range(50):
        branches = [n for t in trees for n in listing(rng, t, "preorder") if not n.is_leaf]
        leaves = [n for t in trees for n in listing(rng, t, "preorder") if n.is_leaf]
        if node_order == "shuffled" or _attempt:
            describe["node_order"] = "shuffled"
            rng.shuffle(branches)
            rng.shuffle(leaves)
        b_index = {id(n): i for i, n in enumerate(branches)}
        l_index = {id(n): i for i, n in enumerate(leaves)}

        def child(n):
            return (l_index[id(n)], 1) if n.is_leaf else (b_index[id(n)], 0)

        if all(child(t.true)[0] != child(t.false)[0] for t in trees):
            break
    else:
        return None
    members = []
    for n in branches:
        if n.mode == "BRANCH_MEMBER":
            members += list(n.members) + [np.nan]
    if members and rng.random() < 0.5:
        members.pop()  # the separator after the last set is optional
    attrs = dict(
        n_targets=n_targets, aggregate_function=V5_AGGREGATES[aggregate], post_transform=V5_TRANSFORMS[post],
        tree_roots=[b_index[id(t)] for t in trees],
        nodes_featureids=[n.feature for n in branches],
        nodes_modes=_v5_tensor("nodes_modes", [V5_MODES[n.mode] for n in branches], np.uint8),
        nodes_splits=_v5_tensor("nodes_splits", [0.0 if n.mode == "BRANCH_MEMBER" else n.threshold
                                                 for n in branches], dtype),
        nodes_truenodeids=[child(n.true)[0] for n in branches], nodes_trueleafs=[child(n.true)[1] for n in branches],
        nodes_falsenodeids=[child(n.false)[0] for n in branches],
        nodes_falseleafs=[child(n.false)[1] for n in branches],
        leaf_targetids=[n.weights[0][0] for n in leaves],
        leaf_weights=_v5_tensor("leaf_weights", [n.weights[0][1] for n in leaves], dtype))
    if members:
        attrs["membership_values"] = _v5_tensor("membership_values", members, dtype)
    if missing_attr:
        attrs["nodes_missing_value_tracks_true"] = [n.missing_true for n in branches]
    if hitrates:
        attrs["nodes_hitrates"] = _v5_tensor("nodes_hitrates", rng.uniform(0, 1, size=len(branches)), np.float32)
    node = helper.make_node("TreeEnsemble", ["X"], ["Y"], domain="ai.onnx.ml", **attrs)
    model = _model(node, [helper.make_tensor_value_info("X", ELEM_TYPES[dtype], [None, n_features])],
                   [helper.make_tensor_value_info("Y", ELEM_TYPES[dtype], [None, n_targets])], 5, "tree_ensemble_v5")
    X = space.rows(_n_rows(rng), allow_nan=True)
    return Case(describe=describe, model=model, feeds=[("X", X)])
