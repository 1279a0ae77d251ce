// The layout compiler: turns the decoded attributes (EnsembleSource) into the flat, validated
// CompiledEnsemble the evaluator walks. All structural checks of a tree ensemble happen here, once.
#include <algorithm>
#include <limits>
#include <string>

#include "ops/ml/trees/tree_ensemble_layout.h"

namespace onnxfn::ops::trees {
namespace {

constexpr uint32_t kNotVisited = std::numeric_limits<uint32_t>::max();
static_assert(sizeof(FlatNode<float>) == 16 && sizeof(FlatNode<double>) == 24);

// True when v is exactly an int32 (ORT refuses big-set members that are not).
template <class T>
bool is_exact_int32(T v) {
  return v >= static_cast<T>(-2147483648.0) && v < static_cast<T>(2147483648.0) &&
         static_cast<T>(static_cast<int32_t>(v)) == v;
}

template <class T>
MemberSet<T> compile_set(const SourceSet<T>& set, size_t index, const KernelBuildInfo& info) {
  MemberSet<T> out;
  if (set.values.empty())
    info.fail("membership_values: set " + std::to_string(index) + " (of the BRANCH_MEMBER nodes, in order) is empty");
  const auto [lo, hi] = std::minmax_element(set.values.begin(), set.values.end());
  // ONNX ml TreeEnsemble, BRANCH_MEMBER: ORT 1.32 unrolls sets of fewer than 31 values within
  // [0, 30] into BRANCH_EQ chains (exact equality) and turns every other set into a "big set" of
  // int32 members tested on the truncated input (matches ORT, tree_ensemble_attribute.h).
  if (set.values.size() < 31 && *hi <= static_cast<T>(30) && *lo >= static_cast<T>(0)) {
    out.values = set.values;
    return out;
  }
  out.by_int32 = true;
  for (T v : set.values) {
    if (!is_exact_int32(v))
      info.fail("membership_values: set " + std::to_string(index) + " holds " + std::to_string(v) +
                ", but sets with values outside [0, 30] or of 31 values or more must hold int32 values only");
    out.ints.push_back(static_cast<int32_t>(v));
  }
  std::sort(out.ints.begin(), out.ints.end());
  out.ints.erase(std::unique(out.ints.begin(), out.ints.end()), out.ints.end());
  return out;
}

}  // namespace

template <class T>
CompiledEnsemble<T> compile_ensemble(const EnsembleSource<T>& src, std::optional<int64_t> input_width,
                                     const KernelBuildInfo& info) {
  CompiledEnsemble<T> out;
  out.n_targets = src.n_targets;
  out.aggregate = src.aggregate;
  out.post_transform = src.post_transform;
  out.base_values = src.base_values;
  if (src.n_targets <= 0) info.fail("the number of targets or classes must be positive");

  // Every branch is laid out at most once and every leaf reference once, so the node count is
  // bounded by 2 * branches + trees; keep it (and every index) within uint32.
  constexpr size_t kMaxIndex = std::numeric_limits<uint32_t>::max() / 4;
  if (src.branches.size() > kMaxIndex || src.roots.size() > kMaxIndex || src.leaves.size() > kMaxIndex ||
      src.weights.size() > kMaxIndex)
    throw_error(ErrorKind::ResourceLimit, info.node().label() + ": tree ensemble has too many nodes");

  // Leaves' weights, copied leaf by leaf so that each leaf's weights are contiguous.
  std::vector<uint32_t> first_weight(src.leaves.size());
  for (size_t l = 0; l < src.leaves.size(); ++l) {
    const SourceLeaf<T>& leaf = src.leaves[l];
    first_weight[l] = static_cast<uint32_t>(out.weight_values.size());
    ONNXFN_ASSERT(static_cast<size_t>(leaf.first_weight) + leaf.weight_count <= src.weights.size());
    for (uint32_t w = leaf.first_weight; w < leaf.first_weight + leaf.weight_count; ++w) {
      const SourceWeight<T>& weight = src.weights[w];
      ONNXFN_ASSERT(weight.target < static_cast<uint64_t>(src.n_targets));
      out.weight_targets.push_back(weight.target);
      out.weight_values.push_back(weight.value);
    }
  }

  out.sets.reserve(src.sets.size());
  for (size_t s = 0; s < src.sets.size(); ++s) out.sets.push_back(compile_set(src.sets[s], s, info));

  // Depth first from each root, the true child pushed last so that it is laid out right after its
  // parent unless it was laid out already (a shared subtree). A branch is "open" while its subtree
  // is being laid out: reaching an open branch again means a cycle.
  struct Step {
    NodeRef ref;
    int64_t parent;  // node whose child this is, or -1 for a root
    bool true_edge;
    bool close;      // pseudo step: the subtree of branch ref.index is complete
  };
  std::vector<Step> stack;
  std::vector<uint32_t> tree_of(src.branches.size(), kNotVisited);  // tree that laid the branch out
  std::vector<uint32_t> laid_at(src.branches.size(), kNotVisited);  // its index in out.nodes
  std::vector<uint8_t> open(src.branches.size(), 0);  // not vector<bool>: -Os calls out for each bit
  out.nodes.reserve(2 * src.branches.size() + src.roots.size());
  out.node_sets.reserve(out.nodes.capacity());
  out.flags.reserve(out.nodes.capacity());
  out.roots.reserve(src.roots.size());
  bool first_branch = true;
  for (size_t tree = 0; tree < src.roots.size(); ++tree) {
    stack.push_back({src.roots[tree], -1, false, false});
    while (!stack.empty()) {
      const Step p = stack.back();
      stack.pop_back();
      if (p.close) {
        open[p.ref.index] = 0;
        continue;
      }
      auto link = [&](uint32_t index) {
        if (p.parent < 0) {
          out.roots.push_back(index);
          return;
        }
        FlatNode<T>& parent = out.nodes[static_cast<size_t>(p.parent)];
        (p.true_edge ? parent.on_true : parent.on_false) = index;
      };
      const auto index = static_cast<uint32_t>(out.nodes.size());
      FlatNode<T> node;
      if (p.ref.leaf) {
        ONNXFN_ASSERT(p.ref.index < src.leaves.size());
        node.value = src.leaves[p.ref.index].single_value;
        node.on_true = first_weight[p.ref.index];
        node.on_false = FlatNode<T>::kLeaf;
        node.feature = src.leaves[p.ref.index].weight_count;
        out.nodes.push_back(node);
        out.flags.push_back({NodeMode::Leaf, false});
        out.node_sets.push_back(0);
        link(index);
        continue;
      }
      const uint32_t b = p.ref.index;
      ONNXFN_ASSERT(b < src.branches.size());
      if (open[b])
        info.fail(src.branch_name(b, tree) + " is reached again from its own subtree: the tree has a cycle");
      if (tree_of[b] != kNotVisited) {
        // Laid out already: by this tree (a shared subtree) or by an earlier one.
        if (tree_of[b] == tree && !src.shared_subtrees)
          info.fail(src.branch_name(b, tree) + " is reached from two parents: a tree must be a tree");
        link(laid_at[b]);
        continue;
      }
      tree_of[b] = static_cast<uint32_t>(tree);
      laid_at[b] = index;
      open[b] = 1;
      const SourceBranch<T>& branch = src.branches[b];
      if (branch.feature < 0 || branch.feature > std::numeric_limits<int32_t>::max())
        info.fail(src.branch_name(b, tree) + " reads feature " + std::to_string(branch.feature) +
                  ", which is not a valid column index");
      if (input_width && branch.feature >= *input_width)
        info.fail(src.branch_name(b, tree) + " reads feature " + std::to_string(branch.feature) +
                  " but the input X has " + std::to_string(*input_width) + " columns");
      if (branch.mode == NodeMode::Member && branch.set >= out.sets.size())
        info.fail(src.branch_name(b, tree) + " is BRANCH_MEMBER but membership_values has no set for it");
      out.max_feature = std::max(out.max_feature, branch.feature);
      out.any_missing_tracks_true = out.any_missing_tracks_true || branch.missing_tracks_true;
      if (first_branch) {
        out.uniform_mode = branch.mode;
        first_branch = false;
      } else if (out.uniform_mode && *out.uniform_mode != branch.mode) {
        out.uniform_mode.reset();
      }
      node.value = branch.threshold;
      node.feature = static_cast<uint32_t>(branch.feature);
      out.nodes.push_back(node);
      out.flags.push_back({branch.mode, branch.missing_tracks_true});
      out.node_sets.push_back(branch.set);
      link(index);
      stack.push_back({p.ref, -1, false, true});
      stack.push_back({branch.on_false, static_cast<int64_t>(index), false, false});
      stack.push_back({branch.on_true, static_cast<int64_t>(index), true, false});
    }
  }
  if (out.uniform_mode == NodeMode::Member) out.uniform_mode.reset();
  return out;
}

template CompiledEnsemble<float> compile_ensemble(const EnsembleSource<float>&, std::optional<int64_t>,
                                                  const KernelBuildInfo&);
template CompiledEnsemble<double> compile_ensemble(const EnsembleSource<double>&, std::optional<int64_t>,
                                                   const KernelBuildInfo&);

}  // namespace onnxfn::ops::trees
