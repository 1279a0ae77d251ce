// Decodes the attributes of ai.onnx.ml TreeEnsembleRegressor and TreeEnsembleClassifier (versions 1
// and 3) into EnsembleSource, reading them as ORT 1.32 does (TreeEnsembleAttributesV3 in
// tree_ensemble_attribute.h and TreeEnsembleCommon::Init).
#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <unordered_map>
#include <unordered_set>

#include "ops/ml/trees/tree_attributes.h"

namespace onnxfn::ops::trees {
namespace {

// The attribute names that differ between the regressor and the classifier.
struct WeightNames {
  std::string ids, node_ids, tree_ids, weights, weights_tensor;
};

const WeightNames kRegressorNames{"target_ids", "target_nodeids", "target_treeids", "target_weights",
                                  "target_weights_as_tensor"};
const WeightNames kClassifierNames{"class_ids", "class_nodeids", "class_treeids", "class_weights",
                                   "class_weights_as_tensor"};

struct NodeKey {
  int64_t tree, node;
  bool operator==(const NodeKey&) const = default;
};
struct NodeKeyHash {
  size_t operator()(const NodeKey& k) const {
    return std::hash<int64_t>()(k.tree) * 0x9E3779B97F4A7C15ull ^ std::hash<int64_t>()(k.node);
  }
};

NodeMode parse_mode(const KernelBuildInfo& info, const std::string& s) {
  // Called for every node of the forest: string_view compares lengths before bytes (std::string
  // == const char* measures the literal and compares bytes first: 5% of a forest's load).
  using namespace std::string_view_literals;
  static constexpr std::pair<std::string_view, NodeMode> kModes[] = {
      {"LEAF"sv, NodeMode::Leaf}, {"BRANCH_LEQ"sv, NodeMode::Leq}, {"BRANCH_LT"sv, NodeMode::Lt},
      {"BRANCH_GTE"sv, NodeMode::Gte}, {"BRANCH_GT"sv, NodeMode::Gt}, {"BRANCH_EQ"sv, NodeMode::Eq},
      {"BRANCH_NEQ"sv, NodeMode::Neq}};
  for (const auto& [name, mode] : kModes)
    if (std::string_view(s) == name) return mode;
  info.fail("attribute 'nodes_modes' holds '" + s +
            "', expected BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ or LEAF");
}

Aggregate parse_aggregate(const KernelBuildInfo& info) {
  const std::string s = info.node().get_string("aggregate_function", "SUM");
  if (s == "SUM") return Aggregate::Sum;
  if (s == "AVERAGE") return Aggregate::Average;
  if (s == "MIN") return Aggregate::Min;
  if (s == "MAX") return Aggregate::Max;
  info.fail("attribute 'aggregate_function' is '" + s + "', expected SUM, AVERAGE, MIN or MAX");
}

// A list attribute read in place (Node::find_* return copies, and a large forest's lists are
// megabytes): empty when absent, BadModel through `typed` when it has another type.
template <class V, class Typed>
const V& list_in_place(const Node& node, std::string_view name, AttrType type, V Attribute::*member, Typed typed) {
  static const V empty;
  const Attribute* a = node.attribute(name);
  if (!a) return empty;
  if (a->type != type) (void)typed(name);  // throws, naming both types
  return a->*member;
}

// Node positions by (tree id, node id). Converters number trees 0, 1, ... and each tree's nodes
// 0, 1, ...; then a flat table indexed by tree offset + node id replaces a hash map (which took a
// tenth of the load time of a 37,000-node forest). Other numberings use the hash map.
class NodeIndex {
 public:
  NodeIndex(IntsView tree_ids, IntsView node_ids) {
    const size_t n = tree_ids.size();
    int64_t max_tree = -1;
    for (size_t i = 0; i < n; ++i) max_tree = std::max(max_tree, tree_ids[i]);
    dense_ = max_tree < static_cast<int64_t>(n) + 16;
    for (size_t i = 0; i < n && dense_; ++i) dense_ = tree_ids[i] >= 0 && node_ids[i] >= 0 && node_ids[i] < int64_t(n);
    if (dense_) {
      // Each tree's table spans its largest node id; the tables together stay within a few n.
      std::vector<int64_t> span(static_cast<size_t>(max_tree + 1), 0);
      for (size_t i = 0; i < n; ++i) span[tree_ids[i]] = std::max(span[tree_ids[i]], node_ids[i] + 1);
      offset_.resize(span.size());
      int64_t total = 0;
      for (size_t t = 0; t < span.size(); ++t) {
        offset_[t] = total;
        total += span[t];
      }
      dense_ = total <= 4 * static_cast<int64_t>(n) + 1024;
      if (dense_) slots_.assign(static_cast<size_t>(total), kAbsent);
    }
    if (!dense_) map_.reserve(n);
  }
  // False when the key is there already.
  bool add(NodeKey key, uint32_t position) {
    if (!dense_) return map_.emplace(key, position).second;
    uint32_t& slot = slots_[static_cast<size_t>(offset_[key.tree] + key.node)];
    if (slot != kAbsent) return false;
    slot = position;
    return true;
  }
  std::optional<uint32_t> find(NodeKey key) const {
    if (!dense_) {
      const auto it = map_.find(key);
      return it == map_.end() ? std::nullopt : std::optional<uint32_t>(it->second);
    }
    if (key.tree < 0 || key.tree >= static_cast<int64_t>(offset_.size()) || key.node < 0) return std::nullopt;
    const int64_t end = key.tree + 1 < static_cast<int64_t>(offset_.size()) ? offset_[key.tree + 1]
                                                                            : static_cast<int64_t>(slots_.size());
    if (key.node >= end - offset_[key.tree]) return std::nullopt;
    const uint32_t slot = slots_[static_cast<size_t>(offset_[key.tree] + key.node)];
    return slot == kAbsent ? std::nullopt : std::optional<uint32_t>(slot);
  }

 private:
  static constexpr uint32_t kAbsent = std::numeric_limits<uint32_t>::max();
  bool dense_ = false;
  std::vector<int64_t> offset_;
  std::vector<uint32_t> slots_;
  std::unordered_map<NodeKey, uint32_t, NodeKeyHash> map_;
};

// Node position -> NodeRef in 4 bytes (the top bit marks a leaf) instead of 8: one per node of a
// forest, alive through the whole decode.
class PackedRefs {
 public:
  explicit PackedRefs(size_t n) : refs_(n) {}
  NodeRef operator[](size_t i) const { return {(refs_[i] & kLeaf) != 0, refs_[i] & ~kLeaf}; }
  void set(size_t i, NodeRef r) { refs_[i] = r.index | (r.leaf ? kLeaf : 0); }

 private:
  static constexpr uint32_t kLeaf = 0x80000000u;
  std::vector<uint32_t> refs_;
};

// An Ints attribute read in place, in whichever storage the loader chose: empty when absent,
// BadModel when it has another type.
IntsView ints_in_place(const Node& node, std::string_view name) {
  const Attribute* a = node.attribute(name);
  if (!a) return {};
  if (a->type != AttrType::Ints) (void)node.find_ints(name);  // throws, naming both types
  return a->ints_view();
}

// Never a v3 mode: marks a nodes_modes string parse_mode refuses, so the error is raised where
// the node is visited (after the checks that come before it).
constexpr NodeMode kBadMode = NodeMode::Member;

NodeMode parse_mode_or_bad(const KernelBuildInfo& info, const std::string& s) {
  try {
    return parse_mode(info, s);
  } catch (const Error&) {
    return kBadMode;
  }
}

// nodes_modes parsed per node; a dictionary-coded list (wire_lift.h) parses each distinct string once.
std::vector<NodeMode> parse_modes(const KernelBuildInfo& info, const Attribute* a) {
  if (!a) return {};
  std::vector<NodeMode> modes(a->string_count());
  if (!a->string_codes.empty()) {
    std::vector<NodeMode> by_code;
    for (const std::string& s : a->string_dict) by_code.push_back(parse_mode_or_bad(info, s));
    for (size_t i = 0; i < modes.size(); ++i) modes[i] = by_code[a->string_codes[i]];
  } else {
    for (size_t i = 0; i < modes.size(); ++i) modes[i] = parse_mode_or_bad(info, a->strings[i]);
  }
  return modes;
}

template <class T>
EnsembleSource<T> decode(const KernelBuildInfo& info, const WeightNames& names, int64_t n_targets, bool classifier) {
  const Node& node = info.node();
  auto ints = [&](std::string_view name) { return ints_in_place(node, name); };
  auto floats = [&](std::string_view name) -> const std::vector<float>& {
    return list_in_place(node, name, AttrType::Floats, &Attribute::floats,
                         [&](std::string_view a) { return node.find_floats(a); });
  };
  const IntsView tree_ids = ints("nodes_treeids"), node_ids = ints("nodes_nodeids"), features = ints("nodes_featureids"),
                 true_ids = ints("nodes_truenodeids"), false_ids = ints("nodes_falsenodeids"),
                 tracks = ints("nodes_missing_value_tracks_true");
  const Attribute* mode_attribute = node.attribute("nodes_modes");
  if (mode_attribute && mode_attribute->type != AttrType::Strings) (void)node.find_strings("nodes_modes");  // throws
  const std::vector<NodeMode> modes = parse_modes(info, mode_attribute);
  const std::vector<float>& values = floats("nodes_values");
  const std::vector<T> values_tensor = tensor_values<T>(float_tensor_attribute(info, "nodes_values_as_tensor"));
  if (!floats("nodes_hitrates").empty() &&
      float_tensor_attribute(info, "nodes_hitrates_as_tensor"))
    info.fail("only one of 'nodes_hitrates' and 'nodes_hitrates_as_tensor' may be given");
  info.release_lists("nodes_hitrates");  // never read beyond that check (ORT ignores hit rates)

  const size_t n = false_ids.size();
  auto same_length = [&](std::string_view name, size_t size) {
    if (size != n)
      info.fail("attribute '" + std::string(name) + "' has " + std::to_string(size) +
                " values but 'nodes_falsenodeids' has " + std::to_string(n));
  };
  same_length("nodes_treeids", tree_ids.size());
  same_length("nodes_nodeids", node_ids.size());
  same_length("nodes_featureids", features.size());
  same_length("nodes_truenodeids", true_ids.size());
  same_length("nodes_modes", modes.size());
  if (!values.empty() && !values_tensor.empty())
    info.fail("only one of 'nodes_values' and 'nodes_values_as_tensor' may be given");
  same_length(values.empty() ? "nodes_values_as_tensor" : "nodes_values",
              values.empty() ? values_tensor.size() : values.size());
  auto value = [&](size_t i) { return values.empty() ? values_tensor[i] : static_cast<T>(values[i]); };

  const IntsView w_ids = ints(names.ids), w_nodes = ints(names.node_ids), w_trees = ints(names.tree_ids);
  const std::vector<float>& w_floats = floats(names.weights);
  const std::vector<T> w_tensor = tensor_values<T>(float_tensor_attribute(info, names.weights_tensor));
  const size_t nw = w_ids.size();
  if (w_nodes.size() != nw || w_trees.size() != nw)
    info.fail("attributes '" + names.ids + "', '" + names.node_ids + "' and '" + names.tree_ids +
              "' must have the same length, got " + std::to_string(nw) + ", " + std::to_string(w_nodes.size()) + " and " +
              std::to_string(w_trees.size()));
  if (!w_floats.empty() && !w_tensor.empty())
    info.fail("only one of '" + names.weights + "' and '" + names.weights_tensor + "' may be given");
  const size_t given = w_floats.empty() ? w_tensor.size() : w_floats.size();
  if (given != nw)
    info.fail("attribute '" + (w_floats.empty() && !w_tensor.empty() ? names.weights_tensor : names.weights) +
              "' has " + std::to_string(given) + " values but '" + names.ids + "' has " + std::to_string(nw));
  auto weight = [&](size_t w) { return w_floats.empty() ? w_tensor[w] : static_cast<T>(w_floats[w]); };
  for (size_t w = 0; w < nw; ++w)
    if (const int64_t id = w_ids[w]; id < 0 || id >= n_targets)
      info.fail("attribute '" + names.ids + "' holds " + std::to_string(id) + " but there are " +
                std::to_string(n_targets) + (classifier ? " classes" : " targets"));

  EnsembleSource<T> src;
  src.n_targets = n_targets;
  src.shared_subtrees = true;
  src.post_transform = ml::parse_post_transform(info);
  // A classifier has no aggregate_function: ORT always sums its trees.
  src.aggregate = classifier ? Aggregate::Sum : parse_aggregate(info);

  // Node positions by (tree id, node id); each tree's nodes must be listed together, and ORT takes
  // the first one listed as the tree's root (TreeEnsembleCommon::Init).
  NodeIndex position(tree_ids, node_ids);
  if (n >= (size_t{1} << 31))
    throw_error(ErrorKind::ResourceLimit, node.label() + ": tree ensemble has too many nodes");
  PackedRefs ref(n);
  uint32_t branch_count = 0, leaf_count = 0;
  std::unordered_set<int64_t> finished_trees;
  for (size_t i = 0; i < n; ++i) {
    const NodeKey key{tree_ids[i], node_ids[i]};
    if (!position.add(key, static_cast<uint32_t>(i)))
      info.fail("tree " + std::to_string(key.tree) + " node " + std::to_string(key.node) +
                " appears twice in nodes_treeids/nodes_nodeids");
    if (modes[i] == kBadMode) parse_mode(info, mode_attribute->string_at(i));  // throws, naming the string
    const bool leaf = modes[i] == NodeMode::Leaf;
    ref.set(i, {leaf, leaf ? leaf_count++ : branch_count++});
    if (i == 0 || tree_ids[i] != tree_ids[i - 1]) {
      if (i > 0) finished_trees.insert(tree_ids[i - 1]);
      // ORT would start a second tree with the same id here; no converter lists a tree's nodes in
      // pieces, and a node reachable from both pieces would belong to two trees.
      if (finished_trees.contains(tree_ids[i]))
        info.fail("the nodes of tree " + std::to_string(tree_ids[i]) +
                  " are not listed together in nodes_treeids (again at position " + std::to_string(i) + ")");
      src.roots.push_back(ref[i]);
    }
  }
  // Each list is freed once read for the last time (when the session owns the node), so the
  // lists and the EnsembleSource built from them are not all alive at once.
  info.release_lists("nodes_modes");

  src.branches.resize(branch_count);
  // IntsView::narrow: the loader found every value within int32.
  src.branch_tree_ids.resize(branch_count, tree_ids.narrow == nullptr);
  src.branch_node_ids.resize(branch_count, node_ids.narrow == nullptr);
  // A leaf without weights adds its nodes_values entry; kept here so nodes_values can go now.
  std::vector<T> leaf_values(leaf_count);
  for (size_t i = 0; i < n; ++i) {
    if (ref[i].leaf) leaf_values[ref[i].index] = value(i);
    if (ref[i].leaf) continue;  // ORT ignores the feature, value and children of leaves
    SourceBranch<T>& b = src.branches[ref[i].index];
    src.branch_tree_ids.set(ref[i].index, tree_ids[i]);
    src.branch_node_ids.set(ref[i].index, node_ids[i]);
    b.mode = modes[i];
    b.feature = features[i];
    b.threshold = value(i);
    // ONNX ml TreeEnsemble*, nodes_missing_value_tracks_true may be shorter than the nodes; ORT
    // treats missing entries as 0, and only the value 1 as "true".
    b.missing_tracks_true = i < tracks.size() && tracks[i] == 1;
    // Built only for an error message: a string per branch costs a third of loading a large forest.
    auto here = [&] { return "tree " + std::to_string(tree_ids[i]) + " node " + std::to_string(node_ids[i]); };
    auto child = [&](int64_t id, const char* attr) {
      // ORT 1.32 requires child ids below the number of nodes of the whole ensemble.
      if (id < 0 || static_cast<uint64_t>(id) >= n)
        info.fail(here() + ": " + attr + " is " + std::to_string(id) + ", outside [0, " + std::to_string(n) + ")");
      const std::optional<uint32_t> at = position.find({tree_ids[i], id});
      if (!at)
        info.fail(here() + ": " + attr + " refers to node " + std::to_string(id) + ", which tree " +
                  std::to_string(tree_ids[i]) + " does not have");
      if (*at == i) info.fail(here() + ": " + attr + " points to the node itself");
      return ref[*at];
    };
    b.on_true = child(true_ids[i], "nodes_truenodeids");
    b.on_false = child(false_ids[i], "nodes_falsenodeids");
  }
  for (const char* name : {"nodes_featureids", "nodes_values", "nodes_missing_value_tracks_true",
                           "nodes_truenodeids", "nodes_falsenodeids", "nodes_treeids", "nodes_nodeids"})
    info.release_lists(name);
  src.leaves.resize(leaf_count);  // after the lists went: the decoder's peak is the branch loop

  // Leaf weights, grouped by leaf in attribute order (ORT sorts them by (tree, node, position)).
  std::vector<int64_t> weight_leaf(nw, -1);
  std::vector<uint32_t> per_leaf(leaf_count, 0);
  for (size_t w = 0; w < nw; ++w) {
    const std::optional<uint32_t> at = position.find({w_trees[w], w_nodes[w]});
    if (!at)
      info.fail("weight " + std::to_string(w) + " is for tree " + std::to_string(w_trees[w]) + " node " +
                std::to_string(w_nodes[w]) + ", which does not exist (" + names.tree_ids + "/" + names.node_ids + ")");
    // ORT ignores weights on branch nodes (older converters wrote some).
    if (!ref[*at].leaf) continue;
    weight_leaf[w] = ref[*at].index;
    ++per_leaf[ref[*at].index];
  }
  info.release_lists(names.node_ids);
  info.release_lists(names.tree_ids);
  uint32_t offset = 0;
  for (uint32_t l = 0; l < leaf_count; ++l) {
    src.leaves[l].first_weight = offset;
    offset += per_leaf[l];
    per_leaf[l] = src.leaves[l].first_weight;  // next free slot
  }
  src.weights.resize(offset);
  for (size_t w = 0; w < nw; ++w) {
    if (weight_leaf[w] < 0) continue;
    const auto l = static_cast<uint32_t>(weight_leaf[w]);
    src.weights[per_leaf[l]++] = {static_cast<uint32_t>(w_ids[w]), weight(w)};
    ++src.leaves[l].weight_count;
  }
  // The classifier still reads class_ids and class_weights (decode_v3_classifier).
  if (!classifier)
    for (const std::string& name : {names.ids, names.weights}) info.release_lists(name);
  for (uint32_t l = 0; l < leaf_count; ++l) {
    SourceLeaf<T>& leaf = src.leaves[l];
    leaf.single_value = leaf.weight_count > 0 ? src.weights[leaf.first_weight].value : leaf_values[l];
  }
  std::vector<T>().swap(leaf_values);

  const std::vector<float> base = node.find_floats("base_values").value_or(std::vector<float>{});
  const std::vector<T> base_tensor = tensor_values<T>(float_tensor_attribute(info, "base_values_as_tensor"));
  if (!base.empty() && !base_tensor.empty())
    info.fail("only one of 'base_values' and 'base_values_as_tensor' may be given");
  for (float v : base) src.base_values.push_back(static_cast<T>(v));
  if (!base_tensor.empty()) src.base_values = base_tensor;
  const size_t nb = src.base_values.size();
  const std::string base_name = base_tensor.empty() ? "base_values" : "base_values_as_tensor";
  if (classifier && n_targets <= 2) {
    if (nb > 2) info.fail(base_name + " has " + std::to_string(nb) + " values; a binary classifier takes 0, 1 or 2");
    // ORT writes two scores into a one-column output there.
    if (n_targets == 1 && nb == 2) info.fail(base_name + " has 2 values but there is only one class");
  } else if (nb != 0 && nb != static_cast<size_t>(n_targets)) {
    info.fail(base_name + " has " + std::to_string(nb) + " values, expected 0 or " + std::to_string(n_targets));
  }
  return src;
}

// Which precision the thresholds are stored in, and which X types ORT can run with them.
DecodedEnsemble decode_any(const KernelBuildInfo& info, const WeightNames& names, int64_t n_targets,
                           bool classifier) {
  const std::string tensor_names[] = {"nodes_values_as_tensor", "nodes_hitrates_as_tensor", names.weights_tensor,
                                      "base_values_as_tensor"};
  if (info.version() < 3)
    for (const std::string& name : tensor_names)
      if (info.node().attribute(name))
        info.fail("attribute '" + name + "' exists from version 3 of " + info.node().op_type +
                  " (ai.onnx.ml opset 3); the model imports an older opset");
  const Tensor* first = nullptr;
  std::string first_name;
  for (const std::string& name : tensor_names) {
    const Tensor* t = float_tensor_attribute(info, name);
    if (!t) continue;
    if (first && t->dtype() != first->dtype())
      info.fail("attributes '" + first_name + "' (" + dtype_name(first->dtype()) + ") and '" + name + "' (" +
                dtype_name(t->dtype()) + ") must have the same element type");
    if (!first) first_name = name;
    if (!first) first = t;
  }
  DecodedEnsemble out;
  if (first && first->dtype() == DType::Double) {
    // ORT reads *_as_tensor attributes in the precision of X (double thresholds for double X only).
    out.source = decode<double>(info, names, n_targets, classifier);
    out.allowed_inputs = {DType::Double};
    out.input_rule = "attribute '" + first_name + "' is a double tensor, which needs double X";
    return out;
  }
  out.source = decode<float>(info, names, n_targets, classifier);
  // Float attributes serve every X type: for double X, ORT compares and sums in double with the
  // float values widened, which the evaluator does from the same float layout. The regressor's
  // int64/int32 X are in the ONNX spec but ORT has no kernel for them; they compare as float as in
  // ORT's classifier.
  out.allowed_inputs = {DType::Float, DType::Double, DType::Int64, DType::Int32};
  out.input_rule = "X must be float, double, int64 or int32";
  if (first) {
    out.allowed_inputs = {DType::Float, DType::Int64, DType::Int32};
    out.input_rule = "attribute '" + first_name + "' is a float tensor, which ORT cannot read for double X";
  }
  return out;
}

}  // namespace

const Tensor* float_tensor_attribute(const KernelBuildInfo& info, std::string_view name) {
  const Tensor* t = info.node().find_tensor(name);
  if (!t || t->rank() == 0) return nullptr;
  if (t->dtype() != DType::Float && t->dtype() != DType::Double)
    info.fail("attribute '" + std::string(name) + "' must be a float or double tensor, got " + dtype_name(t->dtype()));
  return t;
}

DecodedEnsemble decode_v3_regressor(const KernelBuildInfo& info) {
  const int64_t n_targets = info.node().get_int("n_targets", 0);
  if (n_targets <= 0) info.fail("attribute 'n_targets' must be positive, got " + std::to_string(n_targets));
  return decode_any(info, kRegressorNames, n_targets, false);
}

DecodedEnsemble decode_v3_classifier(const KernelBuildInfo& info, ClassifierRules& rules) {
  rules.labels = ml::ClassLabels::parse(info, "classlabels_int64s", "classlabels_strings");
  if (rules.labels.empty()) info.fail("one of 'classlabels_int64s' and 'classlabels_strings' must be given");
  const auto n = static_cast<int64_t>(rules.labels.size());
  DecodedEnsemble out = decode_any(info, kClassifierNames, n, true);
  // ORT's binary_case_ and weights_are_all_positive_, over every class weight of the attributes.
  const IntsView ids = ints_in_place(info.node(), "class_ids");
  // One distinct class id among the weights (a set of them took a tenth of a forest's load).
  bool one_class = !ids.empty();
  for (size_t k = 1; k < ids.size() && one_class; ++k) one_class = ids[k] == ids[0];
  rules.binary_case = n == 2 && one_class;
  std::vector<double> weights = tensor_values<double>(float_tensor_attribute(info, "class_weights_as_tensor"));
  for (float w : info.node().find_floats("class_weights").value_or(std::vector<float>{})) weights.push_back(w);
  rules.weights_all_positive = std::none_of(weights.begin(), weights.end(), [](double w) { return w < 0; });
  info.release_lists("class_ids");
  info.release_lists("class_weights");
  return out;
}

}  // namespace onnxfn::ops::trees
