"""Writes tree_batch_cases.inc: tree ensembles aimed at the batch plan's edge cases (every threshold
mode against edge thresholds and inputs, padded leaves, NaN with and without missing tracking,
trees too deep to pad, single-leaf trees, EQ/NEQ/MEMBER trees mixed with planned ones, leaves with
different targets, many classes, batches that cross the 16-row interleave and the 128-row block)
with the outputs onnxruntime (1 thread) gives for them. The C++ test (tree_batch_plan_test.cpp)
runs the same attributes through onnxfn and compares with these recorded outputs.

    .venv/bin/python tests/ops/tree_batch_cases.py > tests/ops/tree_batch_cases.inc
"""
import math
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

MODES = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT"]
F32 = np.float32
EDGE_THRESHOLDS = [0.0, -0.0, 1.5, -math.inf, math.inf, math.nan, float(np.float32(1e-45))]
EDGE_VALUES = [math.nan, -math.inf, math.inf, 0.0, -0.0, 1.5, float(np.nextafter(F32(1.5), F32(2))),
               float(np.nextafter(F32(1.5), F32(0))), float(np.float32(1e-45)), float(np.float32(-1e-45)),
               float(np.float32(2e-45)), -3.0, 7.0]


class Ensemble:
    """v3 attributes built tree by tree: nodes are (mode, feature, value, true, false, missing)."""

    def __init__(self):
        self.nodes = []  # (tree, id, mode, feature, value, true, false, missing)
        self.weights = []  # (tree, id, target, weight)

    def tree(self, tree, nodes, leaves):
        """nodes: {id: (mode, feature, value, true_id, false_id, missing)}; leaves: {id: [(target, w)]}"""
        for i, (mode, feature, value, t, f, missing) in nodes.items():
            self.nodes.append((tree, i, mode, feature, value, t, f, missing))
        for i, ws in leaves.items():
            self.nodes.append((tree, i, "LEAF", 0, 0.0, 0, 0, 0))
            for target, w in ws:
                self.weights.append((tree, i, target, w))

    def attributes(self, classifier, double):
        n = self.nodes
        a = {
            "nodes_treeids": [x[0] for x in n], "nodes_nodeids": [x[1] for x in n],
            "nodes_modes": [x[2] for x in n], "nodes_featureids": [x[3] for x in n],
            "nodes_truenodeids": [x[5] for x in n], "nodes_falsenodeids": [x[6] for x in n],
            "nodes_missing_value_tracks_true": [x[7] for x in n],
        }
        values = [x[4] for x in n]
        weights = [w[3] for w in self.weights]
        p = "class_" if classifier else "target_"
        a[p + "treeids"] = [w[0] for w in self.weights]
        a[p + "nodeids"] = [w[1] for w in self.weights]
        a[p + "ids"] = [w[2] for w in self.weights]
        if double:
            a["nodes_values_as_tensor"] = np.array(values, dtype=np.float64)
            a[p + "weights_as_tensor"] = np.array(weights, dtype=np.float64)
        else:
            a["nodes_values"] = [float(F32(v)) for v in values]
            a[p + "weights"] = [float(F32(v)) for v in weights]
        return a


def run_ort(op, attributes, x, outputs):
    attrs = {k: (numpy_helper.from_array(v, k) if isinstance(v, np.ndarray) else v) for k, v in attributes.items()}
    node = helper.make_node(op, ["X"], outputs, domain="ai.onnx.ml", **attrs)
    elem = TensorProto.DOUBLE if x.dtype == np.float64 else TensorProto.FLOAT
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", elem, [None, x.shape[1]])],
                              [helper.make_empty_tensor_value_info(o) for o in outputs])
    opset = 5 if op == "TreeEnsemble" else 3
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", opset)])
    model.ir_version = 8
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"]).run(None, {"X": x})


def modes_ensemble(rng):
    """One tree per (mode, edge threshold, missing flag), each adding to its own target: root `x_a
    <mode> t`, true child `x_2 <= 0` (leaves 1 and 2), false child a leaf (3) padded below.
    Then EQ and NEQ trees (not planned) and a tree of mixed modes two levels deep."""
    e = Ensemble()
    tree = 0
    for mode in MODES:
        for t in EDGE_THRESHOLDS:
            for missing in (0, 1):
                a = tree % 2
                e.tree(tree, {0: (mode, a, t, 1, 2, missing), 1: ("BRANCH_LEQ", 2, 0.0, 3, 4, 1 - missing)},
                       {2: [(tree, 3.0)], 3: [(tree, 1.0)], 4: [(tree, 2.0)]})
                tree += 1
    for mode in ("BRANCH_EQ", "BRANCH_NEQ"):
        for t in (1.5, 0.0, math.nan):
            for missing in (0, 1):
                e.tree(tree, {0: (mode, 0, t, 1, 2, missing)}, {1: [(tree, 1.0)], 2: [(tree, 2.0)]})
                tree += 1
    e.tree(tree, {0: ("BRANCH_GT", 1, 0.0, 1, 2, 1), 1: ("BRANCH_LT", 0, 1.5, 3, 4, 0),
                  2: ("BRANCH_GTE", 2, -1.0, 5, 6, 1)},
           {3: [(tree, 1.0)], 4: [(tree, 2.0)], 5: [(tree, 3.0)], 6: [(tree, 4.0)]})
    tree += 1
    rows = [[a, b, c] for a in EDGE_VALUES for b in EDGE_VALUES[::4] for c in (math.nan, 1.0)]
    return e, tree, rows


def deep_ensemble(rng):
    """Tree 0: a chain 30 deep (beyond any padding); tree 1: a sparse tree 14 deep; tree 2: one
    leaf; tree 3: a full depth-3 tree. One target, base value, NaN tracked on some nodes."""
    e = Ensemble()
    nodes, leaves = {}, {}
    for d in range(30):
        nodes[2 * d] = ("BRANCH_LEQ", d % 3, -1.5 + 0.1 * d, 2 * d + 1, 2 * d + 2, d % 2)
        leaves[2 * d + 1] = [(0, float(d + 1))]
    leaves[60] = [(0, 100.0)]
    e.tree(0, nodes, leaves)
    nodes, leaves = {}, {}
    for d in range(14):
        nodes[2 * d] = ("BRANCH_GT", (d + 1) % 3, 1.0 - 0.15 * d, 2 * d + 2, 2 * d + 1, (d + 1) % 2)
        leaves[2 * d + 1] = [(0, 0.5 * d)]
    leaves[28] = [(0, -7.0)]
    e.tree(1, nodes, leaves)
    e.tree(2, {}, {0: [(0, 0.25)]})
    nodes = {i: ("BRANCH_LEQ", i % 3, float(short(rng.normal())), 2 * i + 1, 2 * i + 2, 0) for i in range(7)}
    e.tree(3, nodes, {i: [(0, float(short(rng.normal())))] for i in range(7, 15)})
    x = short(rng.normal(size=(150, 3)))
    x[rng.random(x.shape) < 0.15] = math.nan
    return e, x


def short(values):
    """Multiples of 1/16: short literals, and ties between inputs and thresholds (<= against <)."""
    return np.round(np.asarray(values) * 16) / 16


def random_tree(rng, depth, features, leaf_weights, tree, e, stop=0.2, mode="BRANCH_LEQ", missing=False):
    nodes, leaves, next_id = {}, {}, [1]

    def grow(i, d):
        if d == depth or (d >= 1 and rng.random() < stop):
            leaves[i] = leaf_weights(i)
            return
        t, f = next_id[0], next_id[0] + 1
        next_id[0] += 2
        nodes[i] = (mode, int(rng.integers(features)), float(short(rng.normal())), t, f, int(missing and rng.random() < 0.5))
        grow(t, d + 1)
        grow(f, d + 1)

    grow(0, 0)
    e.tree(tree, nodes, leaves)


def many_classes_ensemble(rng):
    """40 classes: 12 trees whose leaves weigh every class, one whose leaves weigh different classes,
    one single-leaf tree."""
    classes = 40
    e = Ensemble()
    for t in range(12):
        random_tree(rng, 4, 6, lambda i: [(c, int(rng.integers(1, 64)) / 64) for c in range(classes)], t, e, stop=0.3)
    random_tree(rng, 4, 6, lambda i: [(int(rng.integers(classes)), int(rng.integers(1, 64)) / 64)], 12, e)
    e.tree(13, {}, {0: [(c, c / 128) for c in range(classes)]})
    x = short(rng.normal(size=(37, 6)))
    return e, classes, x


def binary_missing_ensemble(rng):
    """skl2onnx HistGradientBoosting shape: class 1 weights only, NaN tracked, LOGISTIC, base value."""
    e = Ensemble()
    for t in range(25):
        random_tree(rng, 6, 5, lambda i: [(0, int(rng.integers(-32, 32)) / 64)], t, e, missing=True)
    x = short(rng.normal(size=(300, 5)))
    x[rng.random(x.shape) < 0.2] = math.nan
    return e, x


def v5_member(rng):
    """TreeEnsemble 5: a MEMBER tree (not planned) then a LEQ tree (planned), two targets."""
    attributes = {
        "n_targets": 2, "tree_roots": [0, 2], "nodes_featureids": [0, 1, 1, 0],
        "nodes_modes": np.array([6, 0, 0, 1], dtype=np.uint8), "nodes_splits": np.array([0, 0.5, 0.25, 2], dtype=np.float32),
        "membership_values": np.array([1, 3, 5, math.nan], dtype=np.float32),
        "nodes_truenodeids": [0, 1, 0, 1], "nodes_trueleafs": [1, 1, 1, 1],
        "nodes_falsenodeids": [1, 2, 3, 2], "nodes_falseleafs": [0, 1, 0, 1],
        "nodes_missing_value_tracks_true": [0, 1, 1, 0],
        "leaf_targetids": [0, 0, 0, 1, 1, 1], "leaf_weights": np.array([1, 10, 100, 2, 20, 200], dtype=np.float32),
        "aggregate_function": 1, "post_transform": 0,
    }
    x = np.array([[v, w] for v in (1, 2, 3, 5, math.nan, 0, 1.5, -1) for w in (0, 0.4, 1, math.nan, 3)], dtype=np.float32)
    return attributes, x


def cpp_number(v, double):
    if math.isnan(v):
        return "kNaN" if not double else "kNaNd"
    if math.isinf(v):
        return ("-" if v < 0 else "") + ("kInf" if not double else "kInfd")
    if double:
        return repr(float(v))
    return repr(float(F32(v))) + "f"


def cpp_list(values, double):
    return "{" + ", ".join(cpp_number(float(v), double) for v in values) + "}"


def emit_case(out, name, op, attributes, x, results, double=False, ml_opset=3):
    out.append(f"  {{\"{name}\", \"{op}\", {ml_opset}, {'true' if double else 'false'}, {x.shape[1]}, {{")
    for k, v in attributes.items():
        if isinstance(v, np.ndarray):
            kind = {np.dtype("float32"): "float", np.dtype("float64"): "double", np.dtype("uint8"): "uint8_t"}[v.dtype]
            vals = cpp_list(v, v.dtype == np.float64) if kind != "uint8_t" else "{" + ", ".join(str(int(i)) for i in v) + "}"
            out.append(f"    attr_tensor(\"{k}\", vec<{kind}>({vals})),")
        elif isinstance(v, list) and v and isinstance(v[0], str):
            out.append(f"    attr_strings(\"{k}\", {{" + ", ".join(f'"{s}"' for s in v) + "}),")
        elif isinstance(v, list) and v and isinstance(v[0], float):
            out.append(f"    attr_floats(\"{k}\", {cpp_list(v, False)}),")
        elif isinstance(v, list):
            out.append(f"    attr_ints(\"{k}\", {{" + ", ".join(str(int(i)) for i in v) + "}),")
        elif isinstance(v, str):
            out.append(f"    attr_string(\"{k}\", \"{v}\"),")
        else:
            out.append(f"    attr_int(\"{k}\", {int(v)}),")
    out.append(f"  }}, {x.shape[0]}, {cpp_list(x.reshape(-1), True)},")
    labels = results[0] if len(results) == 2 else np.array([], dtype=np.int64)
    scores = results[-1]
    out.append("  {" + ", ".join(str(int(i)) for i in labels.reshape(-1)) + "},")
    out.append(f"  {cpp_list(scores.reshape(-1).astype(np.float64), True)}}},")


def main():
    rng = np.random.default_rng(20240611)
    out = ["// Generated by tests/ops/tree_batch_cases.py from onnxruntime " + ort.__version__ + " outputs; do not edit.",
           "// Each case: name, op, ai.onnx.ml opset, double X, features, attributes, rows, X (row-major),",
           "// expected labels (classifiers) and expected scores (Y or probabilities), ORT 1 thread.", "{"]

    e, n, rows = modes_ensemble(rng)
    for double in (False, True):
        x = np.array(rows, dtype=np.float64 if double else np.float32)
        a = {"n_targets": n, **e.attributes(False, double)}
        emit_case(out, "modes_and_edges" + ("_double" if double else ""), "TreeEnsembleRegressor", a, x,
                  run_ort("TreeEnsembleRegressor", a, x, ["Y"]), double)

    e, x = deep_ensemble(rng)
    x = x.astype(np.float32)
    for aggregate in ("SUM", "AVERAGE"):
        a = {"n_targets": 1, "aggregate_function": aggregate, "base_values": [0.5], **e.attributes(False, False)}
        emit_case(out, "deep_and_single_leaf_" + aggregate.lower(), "TreeEnsembleRegressor", a, x,
                  run_ort("TreeEnsembleRegressor", a, x, ["Y"]))

    e, classes, x = many_classes_ensemble(rng)
    x = x.astype(np.float32)
    a = {"classlabels_int64s": list(range(classes)), "post_transform": "SOFTMAX", **e.attributes(True, False)}
    emit_case(out, "many_classes", "TreeEnsembleClassifier", a, x,
              run_ort("TreeEnsembleClassifier", a, x, ["label", "probabilities"]))

    e, x = binary_missing_ensemble(rng)
    x = x.astype(np.float32)
    a = {"classlabels_int64s": [0, 1], "post_transform": "LOGISTIC", "base_values": [-0.2], **e.attributes(True, False)}
    emit_case(out, "binary_missing_logistic", "TreeEnsembleClassifier", a, x,
              run_ort("TreeEnsembleClassifier", a, x, ["label", "probabilities"]))

    a, x = v5_member(rng)
    emit_case(out, "v5_member_then_leq", "TreeEnsemble", a, x, run_ort("TreeEnsemble", a, x, ["Y"]), ml_opset=5)
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
