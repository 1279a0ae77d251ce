// The layout compiler: turns the decoded attributes (EnsembleSource, v5) into the flat, validated
// CompiledEnsemble the evaluator walks; the structural checks live in lay_out_trees()
// (tree_layout_builder.h), which the v1/v3 decoder runs on its attribute lists directly.
#include <algorithm>
#include <limits>
#include <string>

#include "ops/ml/trees/tree_layout_builder.h"

namespace onnxfn::ops::trees {
namespace {

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

// lay_out_trees()'s view of an EnsembleSource: branch and leaf ids are indices into its records.
template <class T>
struct SourceView {
  const EnsembleSource<T>& src;
  const std::vector<uint32_t>& first_weights;  // each leaf's first weight in the compiled arrays
  size_t branch_slots() const { return src.branches.size(); }
  int64_t feature(uint32_t b) const { return src.branches[b].feature; }
  T threshold(uint32_t b) const { return src.branches[b].threshold; }
  NodeMode mode(uint32_t b) const { return src.branches[b].mode; }
  bool tracks_true(uint32_t b) const { return src.branches[b].missing_tracks_true; }
  uint32_t set(uint32_t b) const { return src.branches[b].set; }
  NodeRef on_true(uint32_t b) const { return src.branches[b].on_true; }
  NodeRef on_false(uint32_t b) const { return src.branches[b].on_false; }
  T leaf_value(uint32_t l) const {
    ONNXFN_ASSERT(l < src.leaves.size());
    return src.leaves[l].single_value;
  }
  uint32_t first_weight(uint32_t l) const { return first_weights[l]; }
  uint32_t weight_count(uint32_t l) const { return src.leaves[l].weight_count; }
  std::string branch_name(uint32_t b, size_t tree) const { return src.branch_name(b, tree); }
};

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
  lay_out_trees(SourceView<T>{src, first_weight}, src.roots, src.branches.size(), src.shared_subtrees, input_width,
                info, out);
  return out;
}

template CompiledEnsemble<float> compile_ensemble(const EnsembleSource<float>&, std::optional<int64_t>,
                                                  const KernelBuildInfo&);
template CompiledEnsemble<double> compile_ensemble(const EnsembleSource<double>&, std::optional<int64_t>,
                                                   const KernelBuildInfo&);

}  // namespace onnxfn::ops::trees
