// The compiled, validated form of a tree ensemble that the evaluator walks: every tree laid out
// depth first in one node array, the true child right after its parent where it is not shared, so
// walks mostly read memory forward; leaves' weights in compact arrays. Built once per kernel at
// session creation by compile_ensemble() (tree_ensemble_compiler.cpp); after it, evaluation needs
// no bounds checks per node and cannot loop: every child index lies inside the array and no path
// from a root comes back to a node it passed.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/trees/tree_ensemble_source.h"

namespace onnxfn::ops::trees {

// 16 bytes for float thresholds (4 nodes per cache line), 24 for double; a node's mode and NaN
// flag live in CompiledEnsemble::flags, which the common walks (one mode, no NaN tracking) never
// read. Both children are explicit because v3 trees may share subtrees (converters turn a
// categorical split into a chain of BRANCH_EQ nodes with one common true child).
template <class T>
struct FlatNode {
  T value = 0;              // branch: threshold; leaf: what a single-target ensemble adds
  uint32_t feature = 0;     // branch: column of X; leaf: number of weights
  uint32_t on_true = 0;     // branch: index of the true child; leaf: first weight
  uint32_t on_false = 0;    // branch: index of the false child; leaf: kLeaf
  bool is_leaf() const { return on_false == kLeaf; }
  // No branch has this child: compile_ensemble() keeps node counts far below 2^32.
  static constexpr uint32_t kLeaf = 0xFFFFFFFFu;
};

// What a node does besides its threshold: its mode and whether NaN goes the true way.
struct NodeFlags {
  NodeMode mode = NodeMode::Leaf;
  bool missing_tracks_true = false;
};

// A BRANCH_MEMBER set, tested the way ORT 1.32 tests it (tree_ensemble_attribute.h,
// transformInputOneTree): a small set of values in [0, 30] (fewer than 31) becomes a chain of
// BRANCH_EQ nodes, i.e. exact equality; any other set is a "big set" whose members must be int32
// and which is tested by truncating x to int32 the way x86 does (NaN and out-of-range values give
// INT32_MIN).
template <class T>
struct MemberSet {
  bool by_int32 = false;
  std::vector<T> values;      // exact-equality set
  std::vector<int32_t> ints;  // big set, sorted
};

// ---- the batch plan: trees padded to perfect binary trees for fixed-depth, branch-free walks ----
//
// A perfect tree of depth D keeps its 2^D - 1 branches in breadth-first order (the children of
// node i are 2i + 1 and 2i + 2, so no child index is stored) and its 2^D leaves after them. A walk
// is D steps of `i = 2i + 2 - (x[feature] <= threshold)` for every row, whatever path the row
// takes: no data-dependent branch, and rows walked side by side overlap their memory latencies.
// Every branch becomes "x <= threshold goes left": BRANCH_LT and GTE through the next value below
// the threshold, GTE and GT by swapping the children, comparisons that are false for every number
// (NaN thresholds, x < -inf) as "x <= +inf goes to the false child". A leaf above depth D is
// padded with branches whose NaN threshold sends every row right, to a copy of the leaf.
//
// Where NaN goes: x <= t is false for NaN, so NaN goes right, which is correct on every node but
// those that send NaN left (nodes_missing_value_tracks_true on LEQ/LT, its absence on GTE/GT). When
// an ensemble has such nodes, the evaluator walks a copy of each row twice as wide, [x, x with NaN
// replaced by -inf], and those nodes read the second half (feature + width): -inf <= t holds for
// every threshold a branch can have, so NaN goes left there without a test per step.
template <class T>
struct PerfectNode {
  T threshold = 0;
  uint32_t feature = 0;  // column of the walked row (see above)
};

// ---- the batch plan of deep trees (default scikit-learn forests: 20-40 levels, thousands of nodes) ----
//
// Too deep to pad, such a tree is laid out breadth first in 8-byte nodes (float thresholds), both
// children of a branch side by side, so a step is `i += offset - (x[feature] <= threshold)`: the
// "x <= threshold goes left" form of the perfect trees (same NaN handling, same widened rows), the
// left child at i + offset - 1 and the right one at i + offset. A leaf has offset 0 and a NaN
// threshold (x <= NaN is false for every x), so a row that reached its leaf stays there while the
// other rows walked beside it go on; the leaf's number within its tree is the NaN's payload. Rows
// are walked 16 at a time until every one of them stands on a leaf; breadth first keeps the top
// levels, which every row reads, in a few cache lines. Measured on RandomForestClassifier(100)
// with default settings (bench/run.sh), against walking the compiled layout row by row: see
// docs/benchmarks.md.
template <class T>
struct DeepNode {
  T threshold = 0;    // branch: the threshold of x <= threshold; leaf: NaN carrying the leaf number
  uint32_t word = 0;  // feature << BatchPlan::offset_bits | offset to the right child (0: leaf)
};

// A DeepNode leaf's threshold: a quiet NaN whose payload is the leaf's number within its tree.
inline constexpr uint32_t kMaxDeepLeaf = (1u << 22) - 1;
template <class T>
T leaf_nan(uint32_t leaf) {
  if constexpr (std::is_same_v<T, float>)
    return std::bit_cast<float>(0x7FC00000u | leaf);
  else
    return std::bit_cast<double>(uint64_t{0x7FF8000000000000u} | leaf);
}
template <class T>
uint32_t leaf_number(T threshold) {
  if constexpr (std::is_same_v<T, float>)
    return std::bit_cast<uint32_t>(threshold) & kMaxDeepLeaf;
  else
    return static_cast<uint32_t>(std::bit_cast<uint64_t>(threshold)) & kMaxDeepLeaf;
}

// How one tree is evaluated by the batch path.
struct PlannedTree {
  bool perfect = false;
  bool deep = false;          // laid out in BatchPlan::deep_nodes (neither perfect nor deep: row by row)
  uint8_t depth = 0;          // perfect: levels of branches (0: the tree is one leaf)
  uint32_t root = 0;          // otherwise: the root in CompiledEnsemble::nodes, walked row by row
  uint32_t first_node = 0;    // perfect: its 2^depth - 1 nodes in BatchPlan::nodes; deep: its root in deep_nodes
  uint32_t first_leaf = 0;    // perfect: its 2^depth leaves in BatchPlan::leaf_values (offsets); deep: leaf 0
  uint32_t first_target = 0;  // perfect: every leaf adds `values` weights to these targets,
  uint32_t values = 0;        //   in order: BatchPlan::targets[first_target, first_target + values)
};

template <class T>
struct BatchPlan {
  bool usable = false;  // SUM or AVERAGE; otherwise the evaluator walks row by row
  std::vector<PlannedTree> trees;  // in evaluation order, one per CompiledEnsemble::roots entry
  std::vector<PerfectNode<T>> nodes;
  std::vector<DeepNode<T>> deep_nodes;
  uint32_t offset_bits = 32;  // DeepNode::word: low bits the offset, high bits the feature
  std::vector<uint32_t> leaves;  // leaf slot -> offset of its `values` weights in `weights`
  // Leaf slot -> its weight, for trees whose leaves add one value (every tree of a single-target
  // ensemble or of skl2onnx's binary classifiers): one load per row and tree instead of three.
  std::vector<T> leaf_values;
  std::vector<T> weights;        // each distinct leaf's weights once
  std::vector<uint32_t> targets;
  std::vector<uint32_t> scored_targets;  // targets some perfect tree adds to (so every row does), sorted
  bool nan_left = false;           // some node sends NaN left: walk rows widened to [x, x NaN->-inf]
  uint32_t width = 0;              // columns of X the trees read (max_feature + 1)
};

// Deepest tree padded to a perfect tree: 2^12 leaves, 48 KB of float nodes and leaf offsets.
inline constexpr int kMaxPerfectDepth = 12;

template <class T>
struct CompiledEnsemble;

// Plans the batch path of a compiled ensemble (tree_batch_plan.cpp). Trees deeper than
// kMaxPerfectDepth or that would grow more than 128-fold (and beyond 4096 leaf slots) when padded
// take the deep layout (DeepNode); trees that compare with BRANCH_EQ, NEQ or MEMBER, or whose
// leaves add to different targets, stay row-by-row walks.
template <class T>
BatchPlan<T> plan_batch(const CompiledEnsemble<T>& e);

// The batch plan, built by a session's first run unless that run has a single row, rather than at
// session creation: a one-row first prediction (the cold start of a command-line call or a Lambda)
// then pays only for the compiled layout, walked row by row (planning a 100-tree forest took
// ~1 ms of its ~20 ms load). Any later run builds it: even one row at a time, walking the padded
// trees is faster (rf_100x8: 6.0 against 6.6 us a row). Session::run may be called
// concurrently, hence call_once; the state sits behind a pointer so that the ensemble stays
// movable.
template <class T>
class LazyBatchPlan {
 public:
  const BatchPlan<T>& get(const CompiledEnsemble<T>& e) const {
    std::call_once(state_->once, [&] { state_->plan = std::make_unique<const BatchPlan<T>>(plan_batch(e)); });
    return *state_->plan;
  }
  // The plan for a run of `rows` rows, or null for the first run of the session if it has one row.
  const BatchPlan<T>* for_run(const CompiledEnsemble<T>& e, int64_t rows) const {
    if (rows == 1 && !state_->ran.exchange(true)) return nullptr;
    state_->ran = true;
    return &get(e);
  }

 private:
  struct State {
    std::once_flag once;
    std::atomic<bool> ran{false};
    std::unique_ptr<const BatchPlan<T>> plan;
  };
  std::unique_ptr<State> state_ = std::make_unique<State>();
};

template <class T>
struct CompiledEnsemble {
  std::vector<FlatNode<T>> nodes;
  std::vector<NodeFlags> flags;  // one per node
  std::vector<uint32_t> roots;  // index of each tree's root in `nodes`, in evaluation order
  // A leaf node's weights are weight_targets/weight_values[on_true, on_true + feature), in attribute order.
  std::vector<uint32_t> weight_targets;
  std::vector<T> weight_values;
  std::vector<MemberSet<T>> sets;
  // For each node, its set when it is a Member branch (rare: kept apart); empty when `sets` is,
  // since only Member branches read it.
  std::vector<uint32_t> node_sets;

  int64_t n_targets = 0;
  int64_t max_feature = -1;  // largest column a reachable branch reads; -1 when every tree is a leaf
  Aggregate aggregate = Aggregate::Sum;
  ml::PostTransform post_transform = ml::PostTransform::None;
  std::vector<T> base_values;

  // Traversal hints: no branch tracks missing values; every branch compares the same way.
  bool any_missing_tracks_true = false;
  std::optional<NodeMode> uniform_mode;

  LazyBatchPlan<T> batch;  // plan_batch(*this), built on first use
};

// Lays out and validates `src` (BadModel through `info`, naming the tree and node): no cycles,
// subtrees shared within a tree only where src.shared_subtrees allows it, non-negative features
// below `input_width` when the width of X is declared. Shared nodes are laid out once; leaves are
// copied next to each parent.
template <class T>
CompiledEnsemble<T> compile_ensemble(const EnsembleSource<T>& src, std::optional<int64_t> input_width,
                                     const KernelBuildInfo& info);

}  // namespace onnxfn::ops::trees
