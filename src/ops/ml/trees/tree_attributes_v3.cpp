// Decodes the attributes of ai.onnx.ml TreeEnsembleRegressor and TreeEnsembleClassifier (versions 1
// and 3) straight into the compiled layout (no EnsembleSource in between), reading them as ORT 1.32
// does (TreeEnsembleAttributesV3 in tree_ensemble_attribute.h and TreeEnsembleCommon::Init).
#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <unordered_map>
#include <unordered_set>

#include "ops/ml/trees/tree_attributes.h"
#include "ops/ml/trees/tree_layout_builder.h"

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

// One tree of the attributes: its nodes are listed together, the first one its root.
struct TreeSpan {
  int64_t id;      // nodes_treeids
  uint32_t first;  // position of its first node in nodes_*
};

// Whether every tree's nodes are listed together under a tree id of their own and numbered 0, 1,
// ... in order, as converters write them: then a node's position is its tree's first position plus
// its id, so no (tree, node) table is built and the node ids need not stay for error messages.
bool sequential_numbering(IntsView tree_ids, IntsView node_ids) {
  std::unordered_set<int64_t> seen;
  size_t start = 0;
  for (size_t i = 0; i < tree_ids.size(); ++i) {
    if (i == 0 || tree_ids[i] != tree_ids[i - 1]) {
      if (!seen.insert(tree_ids[i]).second) return false;
      start = i;
    }
    if (node_ids[i] != static_cast<int64_t>(i - start)) return false;
  }
  return true;
}

// lay_out_trees()'s view of the attribute lists: branch and leaf ids are positions in nodes_*.
template <class T>
struct ListView {
  IntsView features, tracks;
  IntsView node_ids;  // only for errors; empty when the numbering is sequential
  const std::vector<float>& values;
  const std::vector<T>& values_tensor;
  const std::vector<NodeMode>& modes;
  // Per position: a branch's children; a leaf's first weight in out.weight_* and its weight count.
  const uint32_t* first;
  const uint32_t* second;
  const std::vector<TreeSpan>& trees;
  const std::vector<T>& weight_values;

  size_t branch_slots() const { return modes.size(); }
  int64_t feature(uint32_t b) const { return features[b]; }
  T threshold(uint32_t b) const { return values.empty() ? values_tensor[b] : static_cast<T>(values[b]); }
  NodeMode mode(uint32_t b) const { return modes[b]; }
  // nodes_missing_value_tracks_true may be shorter than the nodes; ORT treats missing entries as 0,
  // and only the value 1 as "true".
  bool tracks_true(uint32_t b) const { return b < tracks.size() && tracks[b] == 1; }
  uint32_t set(uint32_t) const { return 0; }
  bool is_leaf(uint32_t position) const { return modes[position] == NodeMode::Leaf; }
  NodeRef ref(uint32_t position) const { return {is_leaf(position), position}; }
  NodeRef on_true(uint32_t b) const { return ref(first[b]); }
  NodeRef on_false(uint32_t b) const { return ref(second[b]); }
  // A leaf without weights adds its own nodes_values entry (ORT 1.32 keeps the node value there).
  T leaf_value(uint32_t l) const { return second[l] > 0 ? weight_values[first[l]] : threshold(l); }
  uint32_t first_weight(uint32_t l) const { return first[l]; }
  uint32_t weight_count(uint32_t l) const { return second[l]; }
  std::string branch_name(uint32_t b, size_t tree) const {
    const int64_t node = node_ids.empty() ? int64_t{b} - trees[tree].first : node_ids[b];
    return "tree " + std::to_string(trees[tree].id) + " node " + std::to_string(node);
  }
};

// Decodes and compiles in one go, straight from the attribute lists: no per-branch records in
// between, and each list is freed right after its last read (when the session owns the node).
template <class T>
CompiledEnsemble<T> decode(const KernelBuildInfo& info, const WeightNames& names, int64_t n_targets,
                           ClassifierRules* classifier, const DecodedEnsemble& rule) {
  const Node& node = info.node();
  auto ints = [&](std::string_view name) { return ints_in_place(node, name); };
  auto floats = [&](std::string_view name) -> const std::vector<float>& {
    return list_in_place(node, name, AttrType::Floats, &Attribute::floats,
                         [&](std::string_view a) { return node.find_floats(a); });
  };
  const IntsView tree_ids = ints("nodes_treeids"), node_ids = ints("nodes_nodeids"), features = ints("nodes_featureids"),
                 true_ids = ints("nodes_truenodeids"), false_ids = ints("nodes_falsenodeids");
  IntsView tracks = ints("nodes_missing_value_tracks_true");
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

  CompiledEnsemble<T> out;
  out.n_targets = n_targets;
  out.post_transform = ml::parse_post_transform(info);
  // A classifier has no aggregate_function: ORT always sums its trees.
  out.aggregate = classifier ? Aggregate::Sum : parse_aggregate(info);

  // Node positions by (tree id, node id); each tree's nodes must be listed together, and ORT takes
  // the first one listed as the tree's root (TreeEnsembleCommon::Init).
  if (n >= (size_t{1} << 31))
    throw_error(ErrorKind::ResourceLimit, node.label() + ": tree ensemble has too many nodes");
  // Freed lists go back to the system on large forests only: a small one's cold start gains more
  // from reusing the pages (src/cli/main.cxx) than its peak loses.
  const bool trim = n >= 100000;
  const bool sequential = sequential_numbering(tree_ids, node_ids);
  std::optional<NodeIndex> index;
  if (!sequential) index.emplace(tree_ids, node_ids);
  std::vector<TreeSpan> trees;
  std::vector<NodeRef> roots;
  size_t branch_count = 0;
  std::unordered_set<int64_t> finished_trees;
  for (size_t i = 0; i < n; ++i) {
    const NodeKey key{tree_ids[i], node_ids[i]};
    if (index && !index->add(key, static_cast<uint32_t>(i)))
      info.fail("tree " + std::to_string(key.tree) + " node " + std::to_string(key.node) +
                " appears twice in nodes_treeids/nodes_nodeids");
    if (modes[i] == kBadMode) parse_mode(info, mode_attribute->string_at(i));  // throws, naming the string
    const bool leaf = modes[i] == NodeMode::Leaf;
    if (!leaf) ++branch_count;
    if (i == 0 || tree_ids[i] != tree_ids[i - 1]) {
      if (i > 0) finished_trees.insert(tree_ids[i - 1]);
      // ORT would start a second tree with the same id here; no converter lists a tree's nodes in
      // pieces, and a node reachable from both pieces would belong to two trees.
      if (finished_trees.contains(tree_ids[i]))
        info.fail("the nodes of tree " + std::to_string(tree_ids[i]) +
                  " are not listed together in nodes_treeids (again at position " + std::to_string(i) + ")");
      roots.push_back({leaf, static_cast<uint32_t>(i)});
      trees.push_back({tree_ids[i], static_cast<uint32_t>(i)});
    }
  }
  info.release_lists("nodes_modes");
  std::unordered_set<int64_t>().swap(finished_trees);
  if (trim) info.return_freed_memory();

  // Sequential numbering: tree id -> index in `trees`, direct when the ids are 0, 1, ...
  bool ids_are_indices = true;
  for (size_t t = 0; t < trees.size() && ids_are_indices; ++t) ids_are_indices = trees[t].id == static_cast<int64_t>(t);
  std::unordered_map<int64_t, uint32_t> tree_at;
  if (sequential && !ids_are_indices)
    for (size_t t = 0; t < trees.size(); ++t) tree_at.emplace(trees[t].id, static_cast<uint32_t>(t));
  // Positions as plain numbers, kNowhere when absent: an optional<uint32_t> returned per node went
  // through the stack in pieces and was read back whole (a store-forwarding stall per weight: a
  // quarter of the decoder's time on a 100-tree forest).
  constexpr uint32_t kNowhere = std::numeric_limits<uint32_t>::max();
  auto find_in = [&](size_t t, int64_t tree_id, int64_t node_id) -> uint32_t {
    if (index) return index->find({tree_id, node_id}).value_or(kNowhere);
    const size_t end = t + 1 < trees.size() ? trees[t + 1].first : n;
    if (node_id < 0 || node_id >= static_cast<int64_t>(end - trees[t].first)) return kNowhere;
    return trees[t].first + static_cast<uint32_t>(node_id);
  };
  auto find = [&](int64_t tree_id, int64_t node_id) -> uint32_t {
    if (index) return index->find({tree_id, node_id}).value_or(kNowhere);
    if (ids_are_indices) {
      if (tree_id < 0 || tree_id >= static_cast<int64_t>(trees.size())) return kNowhere;
      return find_in(static_cast<size_t>(tree_id), tree_id, node_id);
    }
    const auto it = tree_at.find(tree_id);
    return it == tree_at.end() ? kNowhere : find_in(it->second, tree_id, node_id);
  };

  // Children by position (ORT ignores the feature, value and children of leaves; their slots hold
  // the leaf's weights below), written over the child ids when the loader's int32 lists can be
  // taken: each entry is read before it is overwritten, and no other list of n entries is needed.
  std::vector<int32_t> taken_true = info.take_ints32("nodes_truenodeids");
  std::vector<int32_t> taken_false = info.take_ints32("nodes_falsenodeids");
  std::vector<uint32_t> own_first, own_second;
  auto slots = [n](std::vector<int32_t>& taken, std::vector<uint32_t>& own) {
    // int32 and uint32 may alias; positions are below 2^31.
    if (taken.size() == n) return reinterpret_cast<uint32_t*>(taken.data());
    own.assign(n, 0);
    return own.data();
  };
  uint32_t* const first = slots(taken_true, own_first);
  uint32_t* const second = slots(taken_false, own_second);
  // Trees are independent here: ranges of them go to the session's threads (a large forest's
  // errors are still those of the first failing node in list order, see for_each_range).
  ThreadPool* const threads = info.build_threads();
  auto tree_first = [&](size_t t) { return t < trees.size() ? static_cast<size_t>(trees[t].first) : n; };
  const std::vector<size_t> bounds = split_trees(trees.size(), n, layout_ranges(threads, n, trees.size()), tree_first);
  for_each_range(threads, bounds, [&](size_t, size_t tree_lo, size_t tree_hi) {
    for (size_t tree = tree_lo; tree < tree_hi; ++tree)
      for (size_t i = tree_first(tree); i < tree_first(tree + 1); ++i) {
        if (modes[i] == NodeMode::Leaf) {
          first[i] = second[i] = 0;
          continue;
        }
        // Built only for an error message: a string per branch costs a third of loading a large forest.
        auto here = [&] { return "tree " + std::to_string(tree_ids[i]) + " node " + std::to_string(node_ids[i]); };
        auto child = [&](int64_t id, const char* attr) {
          // ORT 1.32 requires child ids below the number of nodes of the whole ensemble.
          if (id < 0 || static_cast<uint64_t>(id) >= n)
            info.fail(here() + ": " + attr + " is " + std::to_string(id) + ", outside [0, " + std::to_string(n) + ")");
          const uint32_t at = find_in(tree, tree_ids[i], id);
          if (at == kNowhere)
            info.fail(here() + ": " + attr + " refers to node " + std::to_string(id) + ", which tree " +
                      std::to_string(tree_ids[i]) + " does not have");
          if (at == i) info.fail(here() + ": " + attr + " points to the node itself");
          return at;
        };
        const uint32_t on_true = child(true_ids[i], "nodes_truenodeids");
        const uint32_t on_false = child(false_ids[i], "nodes_falsenodeids");
        first[i] = on_true;
        second[i] = on_false;
      }
  });
  for (const char* name : {"nodes_truenodeids", "nodes_falsenodeids", "nodes_treeids"}) info.release_lists(name);
  if (sequential) info.release_lists("nodes_nodeids");  // errors name nodes by position then
  if (trim) info.return_freed_memory();

  // Leaf weights, grouped by leaf in attribute order (ORT sorts them by (tree, node, position)),
  // leaves in position order: a leaf's first weight and count go to its first/second slots.
  constexpr uint32_t kNotLeaf = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> weight_at(nw);
  for (size_t w = 0; w < nw; ++w) {
    const uint32_t at = find(w_trees[w], w_nodes[w]);
    if (at == kNowhere)
      info.fail("weight " + std::to_string(w) + " is for tree " + std::to_string(w_trees[w]) + " node " +
                std::to_string(w_nodes[w]) + ", which does not exist (" + names.tree_ids + "/" + names.node_ids + ")");
    // ORT ignores weights on branch nodes (older converters wrote some).
    weight_at[w] = modes[at] == NodeMode::Leaf ? at : kNotLeaf;
    if (weight_at[w] != kNotLeaf) ++second[at];
  }
  info.release_lists(names.node_ids);
  info.release_lists(names.tree_ids);
  index.reset();
  // Every branch is laid out at most once and every leaf reference once, so the node count is
  // bounded by 2 * branches + trees; keep it (and every index) within uint32.
  constexpr size_t kMaxIndex = std::numeric_limits<uint32_t>::max() / 4;
  if (branch_count > kMaxIndex || n - branch_count > kMaxIndex || nw > kMaxIndex)
    throw_error(ErrorKind::ResourceLimit, node.label() + ": tree ensemble has too many nodes");
  uint32_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (modes[i] != NodeMode::Leaf) continue;
    first[i] = total;
    total += second[i];
  }
  out.weight_targets.resize(total);
  out.weight_values.resize(total);
  for (size_t w = 0; w < nw; ++w) {
    if (weight_at[w] == kNotLeaf) continue;
    const uint32_t slot = first[weight_at[w]]++;
    out.weight_targets[slot] = static_cast<uint32_t>(w_ids[w]);
    out.weight_values[slot] = weight(w);
  }
  for (size_t i = 0; i < n; ++i)
    if (modes[i] == NodeMode::Leaf) first[i] -= second[i];
  std::vector<uint32_t>().swap(weight_at);
  if (trim) info.return_freed_memory();
  if (classifier) {
    // ORT's binary_case_ and weights_are_all_positive_, over every class weight of the attributes,
    // read here so that the lists go before the layout is allocated. One distinct class id among
    // the weights (a set of them took a tenth of a forest's load).
    bool one_class = nw > 0;
    for (size_t w = 1; w < nw && one_class; ++w) one_class = w_ids[w] == w_ids[0];
    classifier->binary_case = n_targets == 2 && one_class;
    // A double class_weights_as_tensor makes T double (decode_any), so no sign is lost here.
    classifier->weights_all_positive = std::none_of(w_floats.begin(), w_floats.end(), [](float v) { return v < 0; }) &&
                                       std::none_of(w_tensor.begin(), w_tensor.end(), [](T v) { return v < 0; });
  }
  for (const std::string& name : {names.ids, names.weights}) info.release_lists(name);
  // ORT reads only the value 1 as "tracks missing values"; without one the list is never read.
  bool any_tracks = false;
  for (size_t i = 0; i < tracks.size() && !any_tracks; ++i) any_tracks = tracks[i] == 1;
  if (!any_tracks) {
    tracks = IntsView{};
    info.release_lists("nodes_missing_value_tracks_true");
  }
  if (trim) info.return_freed_memory();

  const std::vector<float> base = node.find_floats("base_values").value_or(std::vector<float>{});
  const std::vector<T> base_tensor = tensor_values<T>(float_tensor_attribute(info, "base_values_as_tensor"));
  if (!base.empty() && !base_tensor.empty())
    info.fail("only one of 'base_values' and 'base_values_as_tensor' may be given");
  for (float v : base) out.base_values.push_back(static_cast<T>(v));
  if (!base_tensor.empty()) out.base_values = base_tensor;
  const size_t nb = out.base_values.size();
  const std::string base_name = base_tensor.empty() ? "base_values" : "base_values_as_tensor";
  if (classifier && n_targets <= 2) {
    if (nb > 2) info.fail(base_name + " has " + std::to_string(nb) + " values; a binary classifier takes 0, 1 or 2");
    // ORT writes two scores into a one-column output there.
    if (n_targets == 1 && nb == 2) info.fail(base_name + " has 2 values but there is only one class");
  } else if (nb != 0 && nb != static_cast<size_t>(n_targets)) {
    info.fail(base_name + " has " + std::to_string(nb) + " values, expected 0 or " + std::to_string(n_targets));
  }

  const std::optional<int64_t> width = declared_width(info, rule.allowed_inputs, rule.input_rule);
  const ListView<T> view{features, tracks,      sequential ? IntsView{} : node_ids, values, values_tensor, modes,
                         first,    second,      trees,                              out.weight_values};
  if (!lay_out_listed_trees(view, roots, n, width, info, out, threads))
    lay_out_trees(view, roots, branch_count, true, width, info, out);
  for (const char* name : {"nodes_featureids", "nodes_values", "nodes_missing_value_tracks_true", "nodes_nodeids"})
    info.release_lists(name);
  return out;
}

// Which precision the thresholds are stored in, and which X types ORT can run with them.
DecodedEnsemble decode_any(const KernelBuildInfo& info, const WeightNames& names, int64_t n_targets,
                           ClassifierRules* classifier) {
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
    out.allowed_inputs = {DType::Double};
    out.input_rule = "attribute '" + first_name + "' is a double tensor, which needs double X";
    out.compiled = decode<double>(info, names, n_targets, classifier, out);
    return out;
  }
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
  out.compiled = decode<float>(info, names, n_targets, classifier, out);
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
  return decode_any(info, kRegressorNames, n_targets, nullptr);
}

DecodedEnsemble decode_v3_classifier(const KernelBuildInfo& info, ClassifierRules& rules) {
  rules.labels = ml::ClassLabels::parse(info, "classlabels_int64s", "classlabels_strings");
  if (rules.labels.empty()) info.fail("one of 'classlabels_int64s' and 'classlabels_strings' must be given");
  const auto n = static_cast<int64_t>(rules.labels.size());
  DecodedEnsemble out = decode_any(info, kClassifierNames, n, &rules);  // sets binary_case, weights_all_positive
  return out;
}

}  // namespace onnxfn::ops::trees
