// Decodes the attributes of ai.onnx.ml TreeEnsemble (version 5) into EnsembleSource, reading them
// as ORT 1.32 does (TreeEnsembleAttributesV5 in tree_ensemble_attribute.h): interior nodes by
// position, leaves in their own arrays, BRANCH_MEMBER sets delimited by NaN.
#include <cmath>

#include "ops/ml/trees/tree_attributes.h"

namespace onnxfn::ops::trees {
namespace {

std::vector<uint8_t> uint8_tensor_attribute(const KernelBuildInfo& info, std::string_view name) {
  const Tensor* t = info.node().find_tensor(name);
  if (!t || t->rank() == 0) return {};
  if (t->dtype() != DType::UInt8)
    info.fail("attribute '" + std::string(name) + "' must be a uint8 tensor, got " + dtype_name(t->dtype()));
  const auto s = t->span<uint8_t>();
  return {s.begin(), s.end()};
}

template <class T>
EnsembleSource<T> decode(const KernelBuildInfo& info, const Tensor* splits_tensor, const Tensor* leaf_weights_tensor,
                         const Tensor* members_tensor) {
  const Node& node = info.node();
  auto ints = [&](std::string_view name) { return node.find_ints(name).value_or(std::vector<int64_t>{}); };
  const std::vector<int64_t> roots = ints("tree_roots"), features = ints("nodes_featureids"),
                             true_ids = ints("nodes_truenodeids"), false_ids = ints("nodes_falsenodeids"),
                             true_leafs = ints("nodes_trueleafs"), false_leafs = ints("nodes_falseleafs"),
                             tracks = ints("nodes_missing_value_tracks_true"), targets = ints("leaf_targetids");
  const std::vector<uint8_t> modes = uint8_tensor_attribute(info, "nodes_modes");
  const std::vector<T> splits = tensor_values<T>(splits_tensor), weights = tensor_values<T>(leaf_weights_tensor),
                       members = tensor_values<T>(members_tensor);
  // Everything is read from the copies above: the attributes' own lists (the loader's int32
  // arrays, the tensors) can go now when the session owns the node, instead of staying beside the
  // copies and the decoded source until the session is built.
  for (const char* name : {"tree_roots", "nodes_featureids", "nodes_truenodeids", "nodes_falsenodeids",
                           "nodes_trueleafs", "nodes_falseleafs", "nodes_missing_value_tracks_true",
                           "leaf_targetids", "nodes_modes", "nodes_splits", "leaf_weights", "membership_values",
                           "nodes_hitrates"})
    info.release_lists(name);

  const size_t n = features.size();
  auto same_length = [&](std::string_view name, size_t size) {
    if (size != n)
      info.fail("attribute '" + std::string(name) + "' has " + std::to_string(size) +
                " values but 'nodes_featureids' has " + std::to_string(n));
  };
  same_length("nodes_truenodeids", true_ids.size());
  same_length("nodes_falsenodeids", false_ids.size());
  same_length("nodes_trueleafs", true_leafs.size());
  same_length("nodes_falseleafs", false_leafs.size());
  same_length("nodes_modes", modes.size());
  same_length("nodes_splits", splits.size());
  if (!tracks.empty()) same_length("nodes_missing_value_tracks_true", tracks.size());
  const size_t nl = targets.size();
  if (weights.size() != nl)
    info.fail("attribute 'leaf_weights' has " + std::to_string(weights.size()) + " values but 'leaf_targetids' has " +
              std::to_string(nl));

  EnsembleSource<T> src;
  src.n_targets = node.get_int("n_targets", 0);
  if (src.n_targets <= 0) info.fail("attribute 'n_targets' must be positive, got " + std::to_string(src.n_targets));
  for (int64_t t : targets)
    if (t < 0 || t >= src.n_targets)
      info.fail("attribute 'leaf_targetids' holds " + std::to_string(t) + " but n_targets is " +
                std::to_string(src.n_targets));

  switch (node.get_int("aggregate_function", 1)) {
    case 0: src.aggregate = Aggregate::Average; break;
    case 1: src.aggregate = Aggregate::Sum; break;
    case 2: src.aggregate = Aggregate::Min; break;
    case 3: src.aggregate = Aggregate::Max; break;
    default:
      info.fail("attribute 'aggregate_function' is " + std::to_string(node.get_int("aggregate_function", 1)) +
                ", expected 0 (AVERAGE), 1 (SUM), 2 (MIN) or 3 (MAX)");
  }
  // ONNX ml TreeEnsemble-5, post_transform: the spec numbers NONE 0, SOFTMAX 1, LOGISTIC 2,
  // SOFTMAX_ZERO 3, PROBIT 4, but ORT 1.32 converts the number with its own enum, in which 1 is
  // LOGISTIC and 2 is SOFTMAX (postTransformToString). ORT is our oracle, so 1 means LOGISTIC here.
  switch (node.get_int("post_transform", 0)) {
    case 0: src.post_transform = ml::PostTransform::None; break;
    case 1: src.post_transform = ml::PostTransform::Logistic; break;
    case 2: src.post_transform = ml::PostTransform::Softmax; break;
    case 3: src.post_transform = ml::PostTransform::SoftmaxZero; break;
    case 4: src.post_transform = ml::PostTransform::Probit; break;
    default:
      info.fail("attribute 'post_transform' is " + std::to_string(node.get_int("post_transform", 0)) +
                ", expected 0 to 4");
  }

  auto ref = [&](size_t i, int64_t id, bool leaf, const char* attr) -> NodeRef {
    const size_t limit = leaf ? nl : n;
    if (id < 0 || static_cast<uint64_t>(id) >= limit)
      info.fail("nodes_*[" + std::to_string(i) + "]: " + attr + " is " + std::to_string(id) + ", outside [0, " +
                std::to_string(limit) + ") of the " + (leaf ? "leaves" : "nodes"));
    return {leaf, static_cast<uint32_t>(id)};
  };

  // membership_values lists one set per BRANCH_MEMBER node, in node order, each ended by a NaN.
  size_t next_member = 0;
  src.branches.resize(n);
  for (size_t i = 0; i < n; ++i) {
    SourceBranch<T>& b = src.branches[i];
    if (modes[i] > 6)
      info.fail("nodes_modes[" + std::to_string(i) + "] is " + std::to_string(modes[i]) +
                ", expected 0 (BRANCH_LEQ) to 6 (BRANCH_MEMBER)");
    b.mode = static_cast<NodeMode>(modes[i]);  // NodeMode follows the ONNX numbering up to Member
    b.feature = features[i];
    b.threshold = splits[i];
    b.missing_tracks_true = !tracks.empty() && tracks[i] == 1;
    b.on_true = ref(i, true_ids[i], true_leafs[i] != 0, "nodes_truenodeids");
    b.on_false = ref(i, false_ids[i], false_leafs[i] != 0, "nodes_falsenodeids");
    if (b.mode == NodeMode::Member) {
      b.set = static_cast<uint32_t>(src.sets.size());
      SourceSet<T>& set = src.sets.emplace_back();
      while (next_member < members.size() && !std::isnan(members[next_member]))
        set.values.push_back(members[next_member++]);
      ++next_member;  // the NaN
    }
  }

  for (size_t r = 0; r < roots.size(); ++r) {
    const int64_t root = roots[r];
    if (root < 0 || static_cast<uint64_t>(root) >= n)
      info.fail("tree_roots[" + std::to_string(r) + "] is " + std::to_string(root) + ", outside [0, " +
                std::to_string(n) + ")");
    const auto i = static_cast<size_t>(root);
    // ONNX ml TreeEnsemble-5: a tree that is a single leaf is a node whose true and false branches
    // are the same leaf.
    if (true_ids[i] == false_ids[i] && true_leafs[i] != 0 && false_leafs[i] != 0)
      src.roots.push_back(ref(i, true_ids[i], true, "nodes_truenodeids"));
    else
      src.roots.push_back({false, static_cast<uint32_t>(i)});
  }

  src.leaves.resize(nl);
  src.weights.resize(nl);
  for (size_t l = 0; l < nl; ++l) {
    src.weights[l] = {static_cast<uint32_t>(targets[l]), weights[l]};
    src.leaves[l] = {static_cast<uint32_t>(l), 1, weights[l]};
  }
  return src;
}

}  // namespace

DecodedEnsemble decode_v5_ensemble(const KernelBuildInfo& info) {
  const Tensor* splits = float_tensor_attribute(info, "nodes_splits");
  const Tensor* weights = float_tensor_attribute(info, "leaf_weights");
  const Tensor* members = float_tensor_attribute(info, "membership_values");
  const Tensor* hitrates = float_tensor_attribute(info, "nodes_hitrates");
  if (!splits) info.fail("attribute 'nodes_splits' is required");
  if (!weights) info.fail("attribute 'leaf_weights' is required");
  // ORT's shape inference requires these tensors to have X's element type, so all the same one.
  for (const auto& [name, t] : {std::pair{"leaf_weights", weights}, std::pair{"membership_values", members},
                                std::pair{"nodes_hitrates", hitrates}})
    if (t && t->dtype() != splits->dtype())
      info.fail(std::string("attribute '") + name + "' is " + dtype_name(t->dtype()) + " but 'nodes_splits' is " +
                dtype_name(splits->dtype()) + "; they must have the element type of X");
  DecodedEnsemble out;
  const DType type = splits->dtype();  // decode() releases the tensors
  if (type == DType::Double)
    out.source = decode<double>(info, splits, weights, members);
  else
    out.source = decode<float>(info, splits, weights, members);
  out.allowed_inputs = {type};
  out.input_rule = "attribute 'nodes_splits' is " + dtype_name(type) + ", so X must be " + dtype_name(type) + " too";
  return out;
}

}  // namespace onnxfn::ops::trees
