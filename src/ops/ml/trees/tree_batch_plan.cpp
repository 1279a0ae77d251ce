// The batch planner: pads the trees of a compiled ensemble to perfect binary trees, or lays deeper
// ones out breadth first in DeepNodes (see BatchPlan in tree_ensemble_layout.h), once, when a
// session first needs them (LazyBatchPlan), so that the evaluator can walk many rows through a
// tree together with branch-free steps.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/ml/trees/tree_ensemble_layout.h"

namespace onnxfn::ops::trees {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

bool is_threshold_mode(NodeMode m) {
  return m == NodeMode::Leq || m == NodeMode::Lt || m == NodeMode::Gte || m == NodeMode::Gt;
}

template <class T>
class Planner {
 public:
  explicit Planner(const CompiledEnsemble<T>& e) : e_(e), leaf_offset_(e.nodes.size(), kNone) {}

  BatchPlan<T> run() {
    BatchPlan<T>& p = plan_;
    p.usable = e_.aggregate == Aggregate::Sum || e_.aggregate == Aggregate::Average;
    if (!p.usable) return std::move(plan_);
    p.width = static_cast<uint32_t>(e_.max_feature + 1);
    // DeepNode::word: enough high bits for any column a widened row may have (2 * width), the rest
    // for offsets.
    p.offset_bits = 32 - static_cast<uint32_t>(std::bit_width(2 * uint64_t{p.width}));
    for (const uint32_t root : e_.roots) {
      PlannedTree t;
      t.root = root;
      int branches = 0;
      const int depth = perfect_depth(root, kMaxPerfectDepth, branches);
      // Padding may grow a sparse deep tree at most 128-fold (any tree may have 4096 leaf slots,
      // 48 KB): the breast_cancer forest's two 11-level trees fit, and walking them padded beats
      // walking them row by row (about 3% of that model's time); HistGradientBoosting's 12-level
      // trees of 31 leaves fit (4096 slots), and walking them padded beat the deep layout's walk
      // (hgb_default, 10,000 rows: 10.8 -> 10.2 ms, docs/benchmarks.md "Threads, round 2").
      const bool small_enough = depth >= 0 && (size_t{1} << depth) <= std::max<size_t>(4096, 128 * size_t(branches + 1));
      // Deeper or sparser: breadth first in DeepNodes, unless shared subtrees (v3 DAGs) would
      // make it more than 4 times the compiled nodes.
      size_t count = 0;
      if (!small_enough && threshold_tree(root, 4 * e_.nodes.size() + 1, count) && leaf_targets(root, t)) {
        if (lay_out_deep(t))
          p.scored_targets.insert(p.scored_targets.end(), p.targets.begin() + t.first_target, p.targets.end());
        else
          p.targets.resize(t.first_target);
      } else if (small_enough && leaf_targets(root, t)) {
        t.perfect = true;
        t.depth = static_cast<uint8_t>(depth);
        t.first_node = static_cast<uint32_t>(p.nodes.size());
        t.first_leaf = static_cast<uint32_t>(p.leaves.size());
        p.nodes.resize(p.nodes.size() + (size_t{1} << depth) - 1);
        p.leaves.resize(p.leaves.size() + (size_t{1} << depth));
        p.leaf_values.resize(p.leaves.size());
        fill(t, 0, root, 0);
        p.scored_targets.insert(p.scored_targets.end(), p.targets.begin() + t.first_target, p.targets.end());
      }
      p.trees.push_back(t);
    }
    std::sort(p.scored_targets.begin(), p.scored_targets.end());
    p.scored_targets.erase(std::unique(p.scored_targets.begin(), p.scored_targets.end()), p.scored_targets.end());
    return std::move(plan_);
  }

 private:
  // Depth of the subtree at node i when it only compares with thresholds and is at most `limit`
  // levels deep; -1 otherwise. Bounded recursion: at most kMaxPerfectDepth + 1 frames.
  int perfect_depth(uint32_t i, int limit, int& branches) const {
    const FlatNode<T>& n = e_.nodes[i];
    if (n.is_leaf()) return 0;
    if (limit == 0 || !is_threshold_mode(e_.flags[i].mode)) return -1;
    ++branches;
    const int a = perfect_depth(n.on_true, limit - 1, branches);
    if (a < 0) return -1;
    const int b = perfect_depth(n.on_false, limit - 1, branches);
    if (b < 0) return -1;
    return 1 + std::max(a, b);
  }

  // Whether every leaf of the tree adds to the same targets in the same order (then which targets
  // every row gets a score for is known without walking); records them in t.
  bool leaf_targets(uint32_t root, PlannedTree& t) {
    std::vector<uint32_t> leaves;
    std::vector<uint32_t> stack{root};
    while (!stack.empty()) {
      const uint32_t i = stack.back();
      stack.pop_back();
      const FlatNode<T>& n = e_.nodes[i];
      if (n.is_leaf()) {
        leaves.push_back(i);
      } else {
        stack.push_back(n.on_false);
        stack.push_back(n.on_true);
      }
    }
    t.first_target = static_cast<uint32_t>(plan_.targets.size());
    // A single-target ensemble adds FlatNode::value of each leaf (its first weight, or the node
    // value of a leaf without weights), as the row-by-row walk does.
    if (e_.n_targets == 1) {
      t.values = 1;
      plan_.targets.push_back(0);
      return true;
    }
    const FlatNode<T>& first = e_.nodes[leaves.front()];
    for (const uint32_t l : leaves) {
      const FlatNode<T>& n = e_.nodes[l];
      if (n.feature != first.feature) return false;
      for (uint32_t k = 0; k < n.feature; ++k)
        if (e_.weight_targets[n.on_true + k] != e_.weight_targets[first.on_true + k]) return false;
    }
    t.values = first.feature;
    for (uint32_t k = 0; k < first.feature; ++k) plan_.targets.push_back(e_.weight_targets[first.on_true + k]);
    return true;
  }

  uint32_t leaf_weights(uint32_t leaf) {
    if (leaf_offset_[leaf] != kNone) return leaf_offset_[leaf];
    const FlatNode<T>& n = e_.nodes[leaf];
    const auto offset = static_cast<uint32_t>(plan_.weights.size());
    if (e_.n_targets == 1) {
      plan_.weights.push_back(n.value);
    } else {
      for (uint32_t k = 0; k < n.feature; ++k) plan_.weights.push_back(e_.weight_values[n.on_true + k]);
    }
    leaf_offset_[leaf] = offset;
    return offset;
  }

  // Lays out the subtree at compiled node i as breadth-first slot `slot` of tree t, at `level`.
  void fill(const PlannedTree& t, size_t slot, uint32_t i, int level) {
    const size_t inner = (size_t{1} << t.depth) - 1;
    if (level == t.depth) {
      const uint32_t offset = leaf_weights(i);
      plan_.leaves[t.first_leaf + (slot - inner)] = offset;
      if (t.values == 1) plan_.leaf_values[t.first_leaf + (slot - inner)] = plan_.weights[offset];
      return;
    }
    PerfectNode<T>& out = plan_.nodes[t.first_node + slot];
    const FlatNode<T>& n = e_.nodes[i];
    if (n.is_leaf()) {
      // Padding: both subtrees end in copies of this leaf. A NaN threshold sends every row right
      // (x <= NaN is false, and the node does not send NaN left), so rows that reach a padded leaf
      // follow one path through the padding and touch one node per level.
      out.threshold = std::numeric_limits<T>::quiet_NaN();
      fill(t, 2 * slot + 1, i, level + 1);
      fill(t, 2 * slot + 2, i, level + 1);
      return;
    }
    const LeqBranch b = as_leq(i);
    out.threshold = b.threshold;
    out.feature = b.feature;
    fill(t, 2 * slot + 1, b.left, level + 1);
    fill(t, 2 * slot + 2, b.right, level + 1);
  }

  // A threshold branch as "x <= threshold goes left" (see BatchPlan): its threshold, the column of
  // the walked row it reads, and its children in that order.
  struct LeqBranch {
    T threshold;
    uint32_t feature;
    uint32_t left, right;
  };
  LeqBranch as_leq(uint32_t i) {
    constexpr T kInf = std::numeric_limits<T>::infinity();
    const FlatNode<T>& n = e_.nodes[i];
    const NodeFlags f = e_.flags[i];
    // x <= t, x < t: true child left; x >= t is !(x < t), x > t is !(x <= t): true child right.
    // NaN fails every comparison, so it goes the false way, or the true way on nodes that track
    // missing values (ONNX ml TreeEnsemble*, nodes_missing_value_tracks_true).
    bool true_left = f.mode == NodeMode::Leq || f.mode == NodeMode::Lt;
    const bool strict = f.mode == NodeMode::Lt || f.mode == NodeMode::Gte;
    const T v = n.value;
    T threshold = strict ? std::nextafter(v, -kInf) : v;  // x < v is x <= (the next T below v)
    if (std::isnan(v) || (f.mode == NodeMode::Lt && v == -kInf)) {
      true_left = false;  // false for every number: "x <= inf" leads to the false child
      threshold = kInf;
    } else if (f.mode == NodeMode::Gte && v == -kInf) {
      true_left = true;  // true for every number
      threshold = kInf;
    }
    const bool nan_left = true_left == f.missing_tracks_true;
    plan_.nan_left = plan_.nan_left || nan_left;
    return {threshold, n.feature + (nan_left ? plan_.width : 0u), true_left ? n.on_true : n.on_false,
            true_left ? n.on_false : n.on_true};
  }

  // Whether every branch of the tree at `root` compares with a threshold; counts its nodes as
  // reached from the root (shared subtrees counted each time), giving up beyond `limit`.
  bool threshold_tree(uint32_t root, size_t limit, size_t& count) const {
    std::vector<uint32_t> stack{root};
    count = 0;
    while (!stack.empty()) {
      const uint32_t i = stack.back();
      stack.pop_back();
      if (++count > limit) return false;
      const FlatNode<T>& n = e_.nodes[i];
      if (n.is_leaf()) continue;
      if (!is_threshold_mode(e_.flags[i].mode)) return false;
      stack.push_back(n.on_false);
      stack.push_back(n.on_true);
    }
    return true;
  }

  // Lays out tree t (root t.root) breadth first in deep_nodes (see DeepNode). False, with nothing
  // added, when an offset or a leaf number does not fit its bits.
  bool lay_out_deep(PlannedTree& t) {
    const size_t first = plan_.deep_nodes.size(), first_leaf = plan_.leaves.size();
    const uint32_t max_offset = plan_.offset_bits >= 32 ? 0xFFFFFFFFu : (1u << plan_.offset_bits) - 1;
    std::vector<uint32_t> queue{t.root};  // compiled node of each slot, in slot order
    for (size_t slot = 0; slot < queue.size(); ++slot) {
      const uint32_t i = queue[slot];
      DeepNode<T> node;
      if (e_.nodes[i].is_leaf()) {
        const size_t leaf = plan_.leaves.size() - first_leaf;
        if (leaf > kMaxDeepLeaf) return undo_deep(first, first_leaf);
        node.threshold = leaf_nan<T>(static_cast<uint32_t>(leaf));
        const uint32_t offset = leaf_weights(i);
        plan_.leaves.push_back(offset);
        plan_.leaf_values.push_back(t.values == 1 ? plan_.weights[offset] : T(0));
      } else {
        const LeqBranch b = as_leq(i);
        const size_t offset = queue.size() + 1 - slot;  // the right child's slot, relative
        if (offset > max_offset) return undo_deep(first, first_leaf);
        node.threshold = b.threshold;
        node.word = (plan_.offset_bits >= 32 ? 0u : b.feature << plan_.offset_bits) | static_cast<uint32_t>(offset);
        queue.push_back(b.left);
        queue.push_back(b.right);
      }
      plan_.deep_nodes.push_back(node);
    }
    t.deep = true;
    t.first_node = static_cast<uint32_t>(first);
    t.first_leaf = static_cast<uint32_t>(first_leaf);
    return true;
  }

  bool undo_deep(size_t first, size_t first_leaf) {
    plan_.deep_nodes.resize(first);
    plan_.leaves.resize(first_leaf);
    plan_.leaf_values.resize(first_leaf);
    return false;
  }

  const CompiledEnsemble<T>& e_;
  BatchPlan<T> plan_;
  std::vector<uint32_t> leaf_offset_;
};

}  // namespace

template <class T>
BatchPlan<T> plan_batch(const CompiledEnsemble<T>& e) {
  return Planner<T>(e).run();
}

template BatchPlan<float> plan_batch(const CompiledEnsemble<float>&);
template BatchPlan<double> plan_batch(const CompiledEnsemble<double>&);

}  // namespace onnxfn::ops::trees
