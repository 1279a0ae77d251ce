// The decoded tree-ensemble attributes in one neutral form: branches, leaves and roots linked by
// index. v5 TreeEnsemble decodes into it (tree_attributes_v5.cpp) and tree_ensemble_compiler.cpp
// turns it into the validated flat layout of tree_ensemble_layout.h; v1/v3 compile straight from
// their attribute lists (tree_attributes_v3.cpp) and use only NodeRef and the enums from here.
// Nothing here is evaluated directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ops/ml/post_transform.h"

namespace onnxfn::ops::trees {

// Comparison of a branch node: the true branch is taken when `x <mode> threshold` holds.
// Member (v5 BRANCH_MEMBER) tests x against a set of values instead of a threshold.
enum class NodeMode : uint8_t { Leq, Lt, Gte, Gt, Eq, Neq, Member, Leaf };

enum class Aggregate : uint8_t { Average, Sum, Min, Max };

// A child of a branch node (or a tree root): a branch or a leaf, by index.
struct NodeRef {
  bool leaf = false;
  uint32_t index = 0;
};

template <class T>
struct SourceBranch {
  // Widest members first: 40 bytes instead of 48 (a default forest has a million branches).
  int64_t feature = 0;
  T threshold = 0;
  uint32_t set = 0;  // Member: index into EnsembleSource::sets
  NodeRef on_true, on_false;
  NodeMode mode = NodeMode::Leq;
  bool missing_tracks_true = false;
};

template <class T>
struct SourceLeaf {
  // Weights of this leaf are weights[first_weight, first_weight + weight_count), in attribute order.
  uint32_t first_weight = 0;
  uint32_t weight_count = 0;
  // What a single-target ensemble adds for this leaf: its first weight, or, for a v3 leaf without
  // any weight, the leaf's own nodes_values entry (ORT 1.32 keeps the node value there).
  T single_value = 0;
};

template <class T>
struct SourceWeight {
  uint32_t target = 0;
  T value = 0;
};

// A BRANCH_MEMBER set, kept in attribute order (the compiler decides how to test it).
template <class T>
struct SourceSet {
  std::vector<T> values;
};

template <class T>
struct EnsembleSource {
  std::vector<SourceBranch<T>> branches;
  std::vector<SourceLeaf<T>> leaves;
  std::vector<SourceWeight<T>> weights;
  std::vector<SourceSet<T>> sets;
  std::vector<NodeRef> roots;  // one per tree, in evaluation order
  int64_t n_targets = 0;       // targets (regressors) or classes (classifiers), > 0
  // Whether a branch may be reached twice within one tree (v3: ORT accepts such DAGs, which
  // converters emit for categorical splits; v5: ORT rejects them). Cycles are always rejected.
  bool shared_subtrees = false;

  Aggregate aggregate = Aggregate::Sum;  // classifiers always sum
  ml::PostTransform post_transform = ml::PostTransform::None;
  std::vector<T> base_values;  // empty or as validated by the decoder

  // How errors name a branch: v5 nodes are positions in nodes_*, and their tree is the tree_roots
  // entry being compiled.
  std::string branch_name(uint32_t branch, size_t tree) const {
    return "tree " + std::to_string(tree) + " (tree_roots[" + std::to_string(tree) + "]) node nodes_*[" +
           std::to_string(branch) + "]";
  }
};

}  // namespace onnxfn::ops::trees
