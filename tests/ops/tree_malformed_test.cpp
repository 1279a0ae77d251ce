// Malformed tree ensembles: every structural or attribute problem is a BadModel at session creation
// naming the attribute or the tree and node (never a crash, a hang or an out-of-bounds read), and
// unusable inputs are a BadInput at run time.
#include "ops/all_kernels.h"
#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

// A v3 regressor over 2 features; `change` edits the attribute list before the model is built.
struct V3 {
  std::vector<int64_t> tree_ids{0, 0, 0}, node_ids{0, 1, 2}, features{0, 0, 0}, true_ids{1, 0, 0}, false_ids{2, 0, 0};
  std::vector<std::string> modes{"BRANCH_LEQ", "LEAF", "LEAF"};
  std::vector<float> values{1, 0, 0};
  std::vector<int64_t> w_trees{0, 0}, w_nodes{1, 2}, w_ids{0, 0};
  std::vector<float> weights{10, 20};
  std::vector<Attribute> extra;
  int64_t ml_opset = 3;
  int64_t declared_width = 2;

  Model model() const {
    std::vector<Attribute> a{
        attr_int("n_targets", 1),
        attr_ints("nodes_treeids", tree_ids),
        attr_ints("nodes_nodeids", node_ids),
        attr_ints("nodes_featureids", features),
        attr_strings("nodes_modes", modes),
        attr_floats("nodes_values", values),
        attr_ints("nodes_truenodeids", true_ids),
        attr_ints("nodes_falsenodeids", false_ids),
        attr_ints("target_treeids", w_trees),
        attr_ints("target_nodeids", w_nodes),
        attr_ints("target_ids", w_ids),
        attr_floats("target_weights", weights),
    };
    for (const Attribute& e : extra) {
      std::erase_if(a, [&](const Attribute& x) { return x.name == e.name; });
      a.push_back(e);
    }
    return tree_model("TreeEnsembleRegressor", ml_opset, DType::Float, declared_width, a);
  }
};

// BadModel at session creation, with `needle` in the message.
void expect_bad_model(const Model& m, const std::string& needle) {
  std::string message;
  EXPECT_EQ(error_kind([&] { Session s(m, ops::all_kernels()); }, &message), ErrorKind::BadModel) << message;
  EXPECT_NE(message.find(needle), std::string::npos) << "message: " << message;
}

TEST(TreeMalformed, the_valid_base_model_runs) {
  expect_floats(run_model(V3{}.model(), matrix<float>(2, 2, {0.5f, 0, 1.5f, 0}))[0].second.tensor(), {10, 20});
}

TEST(TreeMalformed, rejects_cycles_naming_tree_and_node) {
  V3 cycle;  // node 1 is a branch whose true child is the root
  cycle.modes = {"BRANCH_LEQ", "BRANCH_LEQ", "LEAF"};
  cycle.true_ids = {1, 0, 0};
  cycle.false_ids = {2, 2, 0};
  cycle.w_nodes = {2, 2};
  expect_bad_model(cycle.model(), "tree 0 node 0 is reached again from its own subtree: the tree has a cycle");

  V3 longer;  // 0 -> 1 -> 3 -> 1
  longer.tree_ids = {0, 0, 0, 0};
  longer.node_ids = {0, 1, 2, 3};
  longer.features = {0, 1, 0, 0};
  longer.modes = {"BRANCH_LEQ", "BRANCH_LEQ", "LEAF", "BRANCH_LEQ"};
  longer.values = {1, 1, 0, 1};
  longer.true_ids = {1, 3, 0, 1};
  longer.false_ids = {2, 2, 0, 2};
  longer.w_nodes = {2, 2};
  expect_bad_model(longer.model(), "tree 0 node 1 is reached again from its own subtree");

  V3 self;
  self.true_ids = {0, 0, 0};
  expect_bad_model(self.model(), "points to the node itself");
}

TEST(TreeMalformed, accepts_leaves_reached_from_several_branches) {
  // ORT accepts this too: a leaf reached twice cannot loop.
  V3 m;
  m.tree_ids = {0, 0, 0, 0};
  m.node_ids = {0, 1, 2, 3};
  m.features = {0, 0, 0, 0};
  m.modes = {"BRANCH_LEQ", "BRANCH_LEQ", "LEAF", "LEAF"};
  m.values = {1.0f, 0.2f, 0, 0};
  m.true_ids = {1, 2, 0, 0};
  m.false_ids = {2, 3, 0, 0};
  m.w_nodes = {2, 3};
  expect_floats(run_model(m.model(), matrix<float>(2, 2, {0.5f, 0, 1.5f, 0}))[0].second.tensor(), {20, 10});
}

TEST(TreeMalformed, rejects_child_ids_out_of_range_or_missing) {
  V3 big;
  big.false_ids = {7, 0, 0};
  expect_bad_model(big.model(), "nodes_falsenodeids is 7, outside [0, 3)");
  V3 negative;
  negative.true_ids = {-1, 0, 0};
  expect_bad_model(negative.model(), "nodes_truenodeids is -1");
  V3 missing;  // ids 0, 1, 3: node 2 does not exist
  missing.tree_ids = {0, 0, 0, 0};
  missing.node_ids = {0, 1, 3, 4};
  missing.features = {0, 0, 0, 0};
  missing.modes = {"BRANCH_LEQ", "LEAF", "LEAF", "LEAF"};
  missing.values = {1, 0, 0, 0};
  missing.true_ids = {1, 0, 0, 0};
  missing.false_ids = {2, 0, 0, 0};
  missing.w_nodes = {1, 3};
  expect_bad_model(missing.model(), "refers to node 2, which tree 0 does not have");
}

TEST(TreeMalformed, rejects_mismatched_attribute_lengths) {
  V3 values;
  values.values = {1, 0};
  expect_bad_model(values.model(), "'nodes_values' has 2 values but 'nodes_falsenodeids' has 3");
  V3 modes;
  modes.modes = {"BRANCH_LEQ", "LEAF"};
  expect_bad_model(modes.model(), "'nodes_modes' has 2 values");
  V3 weights;
  weights.weights = {10};
  expect_bad_model(weights.model(), "'target_weights' has 1 values but 'target_ids' has 2");
  V3 ids;
  ids.w_nodes = {1};
  expect_bad_model(ids.model(), "must have the same length");
}

TEST(TreeMalformed, rejects_duplicate_nodes_split_trees_and_dangling_weights) {
  V3 dup;
  dup.node_ids = {0, 1, 1};
  expect_bad_model(dup.model(), "tree 0 node 1 appears twice");
  V3 split;  // tree 0, tree 1, tree 0 again
  split.tree_ids = {0, 1, 0, 0};
  split.node_ids = {0, 0, 1, 2};
  split.features = {0, 0, 0, 0};
  split.modes = {"BRANCH_LEQ", "LEAF", "LEAF", "LEAF"};
  split.values = {1, 0, 0, 0};
  split.true_ids = {1, 0, 0, 0};
  split.false_ids = {2, 0, 0, 0};
  expect_bad_model(split.model(), "nodes of tree 0 are not listed together");
  V3 dangling;
  dangling.w_nodes = {1, 9};
  expect_bad_model(dangling.model(), "tree 0 node 9, which does not exist");
}

TEST(TreeMalformed, rejects_targets_and_features_out_of_range) {
  V3 target;
  target.w_ids = {0, 1};
  expect_bad_model(target.model(), "'target_ids' holds 1 but there are 1 targets");
  V3 negative;
  negative.features = {-1, 0, 0};
  expect_bad_model(negative.model(), "tree 0 node 0 reads feature -1");
  V3 wide;  // X is declared with 2 columns
  wide.features = {5, 0, 0};
  expect_bad_model(wide.model(), "reads feature 5 but the input X has 2 columns");
  // Undeclared width: found at run time.
  wide.declared_width = -1;
  Session s(wide.model(), ops::all_kernels());
  std::string message;
  EXPECT_EQ(error_kind([&] { s.run({{"X", matrix<float>(1, 2, {0, 0})}}); }, &message), ErrorKind::BadInput);
  EXPECT_NE(message.find("read feature 5 but input X has 2 columns"), std::string::npos) << message;
}

TEST(TreeMalformed, rejects_unknown_names_and_inconsistent_options) {
  V3 mode;
  mode.modes = {"BRANCH_XX", "LEAF", "LEAF"};
  expect_bad_model(mode.model(), "'nodes_modes' holds 'BRANCH_XX'");
  V3 aggregate;
  aggregate.extra = {attr_string("aggregate_function", "MEDIAN")};
  expect_bad_model(aggregate.model(), "aggregate_function");
  V3 transform;
  transform.extra = {attr_string("post_transform", "SIGMOID")};
  expect_bad_model(transform.model(), "post_transform");
  V3 both;
  both.extra = {attr_floats("base_values", {1}),
                attr_tensor("base_values_as_tensor", Tensor::from_vector<float>({1}, {1}))};
  expect_bad_model(both.model(), "only one of 'base_values' and 'base_values_as_tensor'");
  V3 count;
  count.extra = {attr_floats("base_values", {1, 2})};
  expect_bad_model(count.model(), "base_values has 2 values, expected 0 or 1");
  V3 targets;
  targets.extra = {attr_int("n_targets", 0)};
  expect_bad_model(targets.model(), "n_targets");
  V3 mixed;
  mixed.extra = {attr_tensor("base_values_as_tensor", Tensor::from_vector<float>({1}, {1})),
                 attr_tensor("target_weights_as_tensor", Tensor::from_vector<double>({2}, {1, 2}))};
  mixed.weights = {};
  expect_bad_model(mixed.model(), "must have the same element type");
  V3 wrong_type;
  wrong_type.extra = {attr_ints("nodes_values", {1, 0, 0})};
  expect_bad_model(wrong_type.model(), "nodes_values");
}

TEST(TreeMalformed, version_1_has_no_tensor_attributes) {
  V3 v1;
  v1.ml_opset = 1;
  v1.values = {};
  v1.extra = {attr_tensor("nodes_values_as_tensor", Tensor::from_vector<float>({3}, {1, 0, 0}))};
  expect_bad_model(v1.model(), "exists from version 3");
}

TEST(TreeMalformed, classifier_needs_labels_and_class_ids_in_range) {
  auto classifier = [](std::vector<Attribute> labels, std::vector<int64_t> ids) {
    std::vector<Attribute> a{attr_ints("nodes_treeids", {0}), attr_ints("nodes_nodeids", {0}),
                             attr_ints("nodes_featureids", {0}), attr_strings("nodes_modes", {"LEAF"}),
                             attr_floats("nodes_values", {0}), attr_ints("nodes_truenodeids", {0}),
                             attr_ints("nodes_falsenodeids", {0}), attr_ints("class_treeids", {0}),
                             attr_ints("class_nodeids", {0}), attr_ints("class_ids", ids), attr_floats("class_weights", {1})};
    for (Attribute& l : labels) a.push_back(std::move(l));
    return tree_model("TreeEnsembleClassifier", 3, DType::Float, 1, a);
  };
  expect_bad_model(classifier({}, {0}), "classlabels_int64s");
  expect_bad_model(classifier({attr_ints("classlabels_int64s", {1, 2})}, {2}), "'class_ids' holds 2 but there are 2 classes");
  expect_bad_model(classifier({attr_ints("classlabels_int64s", {1}), attr_floats("base_values", {1, 2})}, {0}),
                   "only one class");
}

// A v5 ensemble over 2 features: node 0 (x0 <= 1) -> leaf 0 / node 1; node 1 (x1 <= 1) -> leaves 1, 2.
struct V5 {
  std::vector<int64_t> roots{0}, features{0, 1}, true_ids{0, 1}, true_leafs{1, 1}, false_ids{1, 2}, false_leafs{0, 1},
      targets{0, 0, 0};
  std::vector<uint8_t> modes{0, 0};
  std::vector<float> splits{1, 1}, weights{1, 2, 3};
  std::vector<Attribute> extra;

  Model model() const {
    std::vector<Attribute> a{
        attr_int("n_targets", 1),
        attr_ints("tree_roots", roots),
        attr_ints("nodes_featureids", features),
        attr_tensor("nodes_modes", Tensor::from_vector<uint8_t>({static_cast<int64_t>(modes.size())}, modes)),
        attr_tensor("nodes_splits", Tensor::from_vector<float>({static_cast<int64_t>(splits.size())}, splits)),
        attr_ints("nodes_truenodeids", true_ids),
        attr_ints("nodes_trueleafs", true_leafs),
        attr_ints("nodes_falsenodeids", false_ids),
        attr_ints("nodes_falseleafs", false_leafs),
        attr_ints("leaf_targetids", targets),
        attr_tensor("leaf_weights", Tensor::from_vector<float>({static_cast<int64_t>(weights.size())}, weights)),
    };
    for (const Attribute& e : extra) {
      std::erase_if(a, [&](const Attribute& x) { return x.name == e.name; });
      a.push_back(e);
    }
    return tree_model("TreeEnsemble", 5, DType::Float, 2, a);
  }
};

TEST(TreeMalformed, v5_rejects_cycles_and_nodes_shared_within_a_tree) {
  expect_floats(run_model(V5{}.model(), matrix<float>(3, 2, {0, 0, 2, 0, 2, 2}))[0].second.tensor(), {1, 2, 3});
  V5 cycle;  // node 1's false branch goes back to node 0
  cycle.false_leafs = {0, 0};
  cycle.false_ids = {1, 0};
  expect_bad_model(cycle.model(), "tree 0 (tree_roots[0]) node nodes_*[0] is reached again from its own subtree");
  V5 shared;  // ORT rejects a node reached from two parents of one tree: node 0 -> 1, 2; node 2 -> 1
  shared.features = {0, 1, 0};
  shared.modes = {0, 0, 0};
  shared.splits = {1, 1, 3};
  shared.true_ids = {1, 0, 1};
  shared.true_leafs = {0, 1, 0};
  shared.false_ids = {2, 1, 2};
  shared.false_leafs = {0, 1, 1};
  expect_bad_model(shared.model(), "node nodes_*[1] is reached from two parents");
}

TEST(TreeMalformed, v5_accepts_a_node_shared_by_two_trees) {
  // ORT converts each tree on its own, so tree 1 may start inside tree 0 (values from ORT 1.32).
  V5 shared;
  shared.roots = {0, 1};
  expect_floats(run_model(shared.model(), matrix<float>(4, 2, {0, 0, 2, 0, 2, 2, 0, 2}))[0].second.tensor(), {3, 4, 6, 4});
}

TEST(TreeMalformed, v5_rejects_out_of_range_indices_and_codes) {
  V5 root;
  root.roots = {2};
  expect_bad_model(root.model(), "tree_roots[0] is 2, outside [0, 2)");
  V5 leaf;
  leaf.false_ids = {1, 3};
  expect_bad_model(leaf.model(), "nodes_falsenodeids is 3, outside [0, 3) of the leaves");
  V5 node;
  node.false_ids = {5, 2};
  expect_bad_model(node.model(), "outside [0, 2) of the nodes");
  V5 mode;
  mode.modes = {0, 9};
  expect_bad_model(mode.model(), "nodes_modes[1] is 9");
  V5 target;
  target.targets = {0, 0, 1};
  expect_bad_model(target.model(), "'leaf_targetids' holds 1 but n_targets is 1");
  V5 lengths;
  lengths.splits = {1};
  expect_bad_model(lengths.model(), "'nodes_splits' has 1 values");
  V5 leaves;
  leaves.weights = {1, 2};
  expect_bad_model(leaves.model(), "'leaf_weights' has 2 values but 'leaf_targetids' has 3");
  V5 aggregate;
  aggregate.extra = {attr_int("aggregate_function", 4)};
  expect_bad_model(aggregate.model(), "aggregate_function");
  V5 transform;
  transform.extra = {attr_int("post_transform", 5)};
  expect_bad_model(transform.model(), "post_transform");
  V5 member;  // BRANCH_MEMBER without membership_values
  member.modes = {6, 0};
  expect_bad_model(member.model(), "membership_values");
  V5 types;
  types.extra = {attr_tensor("leaf_weights", Tensor::from_vector<double>({3}, {1, 2, 3}))};
  expect_bad_model(types.model(), "'leaf_weights' is double but 'nodes_splits' is float");
}

TEST(TreeMalformed, huge_target_count_hits_the_output_size_limit_instead_of_allocating) {
  V3 huge;
  huge.extra = {attr_int("n_targets", int64_t{1} << 40)};
  Session s(huge.model(), ops::all_kernels());
  EXPECT_EQ(error_kind([&] { s.run({{"X", matrix<float>(2, 2, {0, 0, 2, 0})}}); }), ErrorKind::ResourceLimit);
}

TEST(TreeMalformed, rejects_inputs_of_the_wrong_rank_or_type_at_run_time) {
  Model m = V3{}.model();
  m.graph.inputs[0].type.shape.reset();
  m.graph.inputs[0].type.elem = DType::Undefined;
  Session s(m, ops::all_kernels());
  std::string message;
  EXPECT_EQ(error_kind([&] { s.run({{"X", Tensor::from_vector<float>({2}, {1, 2})}}); }, &message), ErrorKind::BadInput);
  EXPECT_NE(message.find("2-D"), std::string::npos) << message;
  EXPECT_EQ(error_kind([&] { s.run({{"X", Tensor::from_vector<float>({1, 1, 2}, {1, 2})}}); }), ErrorKind::BadInput);
  EXPECT_EQ(error_kind([&] { s.run({{"X", Tensor::from_vector<int8_t>({1, 2}, {1, 2})}}); }, &message),
            ErrorKind::BadInput);
  EXPECT_NE(message.find("int8"), std::string::npos) << message;
}

}  // namespace
}  // namespace onnxfn::tree_tests
