// The depth-first layout pass of compile_ensemble(), shared by the two ways a CompiledEnsemble is
// built: from the decoded EnsembleSource (v5, tree_ensemble_compiler.cpp) and straight from the v1/v3
// attribute lists (tree_attributes_v3.cpp), which skips EnsembleSource's per-branch records (40
// bytes a branch, the largest part of a default forest's load peak).
//
// `S` answers, for a branch id b: feature(b), threshold(b), mode(b), tracks_true(b), set(b),
// on_true(b), on_false(b) (NodeRefs); for a leaf id l: leaf_value(l), first_weight(l),
// weight_count(l) (into out.weight_*); branch_slots() (every branch id is below it) and
// branch_name(b, tree) for errors.
#pragma once

#include <algorithm>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "ops/ml/trees/tree_ensemble_layout.h"

namespace onnxfn::ops::trees {

// What the layout learns about the branches as it lays them out (CompiledEnsemble::max_feature and
// the traversal hints), kept apart so that parts of a forest laid out on different threads merge
// in list order into what one pass would have found.
struct BranchHints {
  int64_t max_feature = -1;
  bool any_missing_tracks_true = false;
  bool any_branch = false;
  std::optional<NodeMode> uniform_mode;  // while every branch so far compares the same way

  void add(NodeMode mode, int64_t feature, bool tracks_true) {
    max_feature = std::max(max_feature, feature);
    any_missing_tracks_true = any_missing_tracks_true || tracks_true;
    if (!any_branch) uniform_mode = mode;
    else if (uniform_mode && *uniform_mode != mode) uniform_mode.reset();
    any_branch = true;
  }
  // `later`'s branches come after this one's.
  void merge(const BranchHints& later) {
    if (!later.any_branch) return;
    if (!any_branch) {
      *this = later;
      return;
    }
    max_feature = std::max(max_feature, later.max_feature);
    any_missing_tracks_true = any_missing_tracks_true || later.any_missing_tracks_true;
    if (!later.uniform_mode || uniform_mode != later.uniform_mode) uniform_mode.reset();
  }
  template <class T>
  void store(CompiledEnsemble<T>& out) const {
    out.max_feature = max_feature;
    out.any_missing_tracks_true = any_missing_tracks_true;
    // Member branches always take the general walk.
    out.uniform_mode = uniform_mode == NodeMode::Member ? std::nullopt : uniform_mode;
  }
};

// Leaf `l` of `src` as a node.
template <class T, class S>
FlatNode<T> leaf_node(const S& src, uint32_t l) {
  FlatNode<T> node;
  node.value = src.leaf_value(l);
  node.on_true = src.first_weight(l);
  node.on_false = FlatNode<T>::kLeaf;
  node.feature = src.weight_count(l);
  return node;
}

// Appends leaf `l` of `src` to out.nodes/flags (and node_sets when there are sets).
template <class T, class S>
void append_leaf(const S& src, uint32_t l, CompiledEnsemble<T>& out) {
  out.nodes.push_back(leaf_node<T>(src, l));
  out.flags.push_back({NodeMode::Leaf, false});
  if (!out.sets.empty()) out.node_sets.push_back(0);
}

// Checks branch `b` of tree `tree` (`set_count`: the sets a Member branch may name) and returns it
// as a node, children not linked yet; adds it to `hints`.
template <class T, class S>
FlatNode<T> checked_branch(const S& src, uint32_t b, size_t tree, std::optional<int64_t> input_width,
                           const KernelBuildInfo& info, size_t set_count, BranchHints& hints) {
  const int64_t feature = src.feature(b);
  const NodeMode mode = src.mode(b);
  if (feature < 0 || feature > std::numeric_limits<int32_t>::max())
    info.fail(src.branch_name(b, tree) + " reads feature " + std::to_string(feature) +
              ", which is not a valid column index");
  if (input_width && feature >= *input_width)
    info.fail(src.branch_name(b, tree) + " reads feature " + std::to_string(feature) + " but the input X has " +
              std::to_string(*input_width) + " columns");
  if (mode == NodeMode::Member && src.set(b) >= set_count)
    info.fail(src.branch_name(b, tree) + " is BRANCH_MEMBER but membership_values has no set for it");
  hints.add(mode, feature, src.tracks_true(b));
  FlatNode<T> node;
  node.value = src.threshold(b);
  node.feature = static_cast<uint32_t>(feature);
  return node;
}

// Checks branch `b` of tree `tree` and appends it, children not linked yet.
template <class T, class S>
void append_branch(const S& src, uint32_t b, size_t tree, std::optional<int64_t> input_width,
                   const KernelBuildInfo& info, BranchHints& hints, CompiledEnsemble<T>& out) {
  out.nodes.push_back(checked_branch<T>(src, b, tree, input_width, info, out.sets.size(), hints));
  out.flags.push_back({src.mode(b), src.tracks_true(b)});
  if (!out.sets.empty()) out.node_sets.push_back(src.set(b));
}

// Splits trees [0, trees) into at most `parts` consecutive ranges of about the same number of
// nodes (`first(t)`: tree t's first position, `n`: all positions); returns the ranges' bounds.
template <class First>
std::vector<size_t> split_trees(size_t trees, size_t n, size_t parts, First first) {
  std::vector<size_t> bounds{0};
  for (size_t k = 1; k < parts; ++k) {
    size_t t = bounds.back();
    while (t < trees && first(t) < n / parts * k) ++t;
    if (t > bounds.back() && t < trees) bounds.push_back(t);
  }
  bounds.push_back(trees);
  return bounds;
}

// Runs fn(k, lo, hi) on each range k, [bounds[k], bounds[k + 1]), over `threads` (null: in order on the
// caller), then rethrows the error of the earliest range that failed: the error a single pass in
// order would have met first, so the message does not depend on the thread count or timing.
template <class Fn>
void for_each_range(ThreadPool* threads, const std::vector<size_t>& bounds, const Fn& fn) {
  const size_t ranges = bounds.size() - 1;
  std::vector<std::exception_ptr> errors(ranges);
  auto run = [&](int64_t begin, int64_t end) {
    for (auto k = static_cast<size_t>(begin); k < static_cast<size_t>(end); ++k) {
      try {
        fn(k, bounds[k], bounds[k + 1]);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
  };
  if (threads && ranges > 1)
    threads->parallel_for(static_cast<int64_t>(ranges), 1, run, static_cast<int64_t>(ranges));
  else
    run(0, static_cast<int64_t>(ranges));
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

// How many ranges a forest of n nodes is laid out in over `threads`: one below kParallelNodes
// (a thread's hand-off costs more than it saves), else one per thread.
inline size_t layout_ranges(const ThreadPool* threads, size_t n, size_t trees) {
  constexpr size_t kParallelNodes = 16384;
  if (!threads || n < kParallelNodes) return 1;
  return std::min(static_cast<size_t>(threads->size()), trees);
}

// Lays out every tree of `roots` into out.nodes/flags/node_sets/roots; out.sets (for the Member
// check) and out.weight_* must be filled already. node_sets stays empty when there are no sets
// (only Member branches read it). `branch_count`: branches reachable at most, to reserve exactly.
template <class T, class S>
void lay_out_trees(const S& src, const std::vector<NodeRef>& roots, size_t branch_count, bool shared_subtrees,
                   std::optional<int64_t> input_width, const KernelBuildInfo& info, CompiledEnsemble<T>& out) {
  // Per branch: where it was laid out, the top bit set while its subtree is being laid out (reaching
  // such an "open" branch again means a cycle). One array instead of three (tree, index, open): a
  // branch laid out by the current tree has an index at or after the tree's first node.
  constexpr uint32_t kNotVisited = std::numeric_limits<uint32_t>::max();
  constexpr uint32_t kOpen = 0x80000000u;
  std::vector<uint32_t> laid_at(src.branch_slots(), kNotVisited);
  // Depth first from each root, the true child pushed last so that it is laid out right after its
  // parent unless it was laid out already (a shared subtree).
  struct Step {
    NodeRef ref;
    int64_t parent;  // node whose child this is, or -1 for a root
    bool true_edge;
    bool close;  // pseudo step: the subtree of branch ref.index is complete
  };
  // A plain array with a top index: vector::push_back's growth path stayed a call per step (7% of
  // loading a default forest).
  std::vector<Step> stack(64);
  size_t top = 0;
  auto push = [&](const Step& s) {
    if (top == stack.size()) stack.resize(2 * top);
    stack[top++] = s;
  };
  const bool with_sets = !out.sets.empty();
  out.nodes.reserve(2 * branch_count + roots.size());
  out.flags.reserve(out.nodes.capacity());
  if (with_sets) out.node_sets.reserve(out.nodes.capacity());
  out.roots.reserve(roots.size());
  BranchHints hints;
  for (size_t tree = 0; tree < roots.size(); ++tree) {
    const auto tree_start = static_cast<uint32_t>(out.nodes.size());
    push({roots[tree], -1, false, false});
    while (top > 0) {
      const Step p = stack[--top];
      if (p.close) {
        laid_at[p.ref.index] &= ~kOpen;
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
      if (p.ref.leaf) {
        append_leaf(src, p.ref.index, out);
        link(index);
        continue;
      }
      const uint32_t b = p.ref.index;
      ONNXFN_ASSERT(b < laid_at.size());
      if (laid_at[b] != kNotVisited) {
        if (laid_at[b] & kOpen)
          info.fail(src.branch_name(b, tree) + " is reached again from its own subtree: the tree has a cycle");
        // Laid out already: by this tree (a shared subtree) or by an earlier one.
        if (laid_at[b] >= tree_start && !shared_subtrees)
          info.fail(src.branch_name(b, tree) + " is reached from two parents: a tree must be a tree");
        link(laid_at[b]);
        continue;
      }
      laid_at[b] = index | kOpen;
      append_branch(src, b, tree, input_width, info, hints, out);
      link(index);
      push({p.ref, -1, false, true});
      push({src.on_false(b), static_cast<int64_t>(index), false, false});
      push({src.on_true(b), static_cast<int64_t>(index), true, false});
    }
  }
  hints.store(out);
}

// The fast path of lay_out_trees() for sources whose branch and leaf ids are one numbering, the
// positions 0 .. n-1 with is_leaf(p) (the v3 lists): when every tree is listed in the order
// lay_out_trees would lay it out (scikit-learn's depth-first node ids: the true child right after
// its branch, the false child right after the true child's subtree, tree after tree from position
// 0), the layout is the lists in order, built in one forward pass without the stack and the
// per-branch table. Checking that order (a stack of false children still due) proves what
// lay_out_trees' walk checks: each tree's nodes are reached once each, so no cycle and no sharing.
// Returns false, having changed nothing, when the lists are in another order.
template <class T, class S>
bool lay_out_listed_trees(const S& src, const std::vector<NodeRef>& roots, size_t n, std::optional<int64_t> input_width,
                          const KernelBuildInfo& info, CompiledEnsemble<T>& out, ThreadPool* threads = nullptr) {
  if (roots.empty() || roots[0].index != 0 || n >= std::numeric_limits<uint32_t>::max()) return false;
  std::vector<uint32_t> due;  // false children whose subtrees come next, innermost last
  for (size_t tree = 0; tree < roots.size(); ++tree) {
    const uint32_t end = tree + 1 < roots.size() ? roots[tree + 1].index : static_cast<uint32_t>(n);
    if (roots[tree].index >= end) return false;
    for (uint32_t p = roots[tree].index; p < end; ++p) {
      if (!src.is_leaf(p)) {
        if (src.on_true(p).index != p + 1) return false;
        due.push_back(src.on_false(p).index);
      } else if (due.empty()) {
        if (p + 1 != end) return false;  // the tree ended before its last listed node
      } else {
        if (due.back() != p + 1) return false;
        due.pop_back();
      }
    }
    if (!due.empty()) return false;
  }
  // Node p goes to position p: ranges of trees are laid out on the session's threads at once.
  const bool with_sets = !out.sets.empty();
  out.nodes.resize(n);
  out.flags.resize(n);
  if (with_sets) out.node_sets.resize(n);
  out.roots.reserve(roots.size());
  for (const NodeRef& root : roots) out.roots.push_back(root.index);
  auto first = [&](size_t tree) { return tree < roots.size() ? roots[tree].index : static_cast<uint32_t>(n); };
  const std::vector<size_t> bounds =
      split_trees(roots.size(), n, layout_ranges(threads, n, roots.size()), first);
  std::vector<BranchHints> hints(bounds.size() - 1);
  for_each_range(threads, bounds, [&](size_t k, size_t tree_lo, size_t tree_hi) {
    BranchHints range_hints;  // local: ranges' hints side by side in `hints` would share a cache line
    for (size_t tree = tree_lo; tree < tree_hi; ++tree) {
      for (uint32_t p = first(tree); p < first(tree + 1); ++p) {
        if (src.is_leaf(p)) {
          out.nodes[p] = leaf_node<T>(src, p);
          out.flags[p] = {NodeMode::Leaf, false};  // node_sets[p] stays 0
          continue;
        }
        FlatNode<T> node = checked_branch<T>(src, p, tree, input_width, info, out.sets.size(), range_hints);
        node.on_true = p + 1;
        node.on_false = src.on_false(p).index;
        out.nodes[p] = node;
        out.flags[p] = {src.mode(p), src.tracks_true(p)};
        if (with_sets) out.node_sets[p] = src.set(p);
      }
    }
    hints[k] = range_hints;
  });
  for (size_t k = 1; k < hints.size(); ++k) hints[0].merge(hints[k]);
  hints[0].store(out);
  return true;
}

}  // namespace onnxfn::ops::trees
