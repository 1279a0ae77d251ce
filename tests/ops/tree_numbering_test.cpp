// How v1/v3 tree ensembles number their nodes does not change what they compute or how errors name
// nodes: the decoder takes a shortcut for the converters' numbering (each tree's nodes listed
// together and numbered 0, 1, ... in order) and a (tree, node) table for any other.
#include "ops/all_kernels.h"
#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

// Two trees over 2 features, listed as given. Tree A: x0 <= 1 ? (x1 <= 0.5 ? 1 : 2) : 3;
// tree B: x1 <= 2 ? 10 : 20. `ids` renumbers the nodes (old id -> new id within its tree), `a`/`b`
// are the tree ids.
struct TwoTrees {
  int64_t a = 0, b = 1;
  std::vector<int64_t> ids_a{0, 1, 2, 3, 4}, ids_b{0, 1, 2};
  // Tree A listed breadth first (root, its two children, then the second branch's leaves) instead
  // of depth first with the true child next, as scikit-learn numbers nodes; ids stay 0, 1, ...
  bool a_breadth_first = false;

  Model model() const {
    std::vector<int64_t> tree_ids, node_ids, features, true_ids, false_ids, w_trees, w_nodes;
    std::vector<std::string> modes;
    std::vector<float> values, weights;
    auto node = [&](int64_t tree, int64_t id, const char* mode, int64_t feature, float value, int64_t t, int64_t f) {
      tree_ids.push_back(tree);
      node_ids.push_back(id);
      modes.push_back(mode);
      features.push_back(feature);
      values.push_back(value);
      true_ids.push_back(t);
      false_ids.push_back(f);
    };
    auto leaf = [&](int64_t tree, int64_t id, float w) {
      node(tree, id, "LEAF", 0, 0, 0, 0);
      w_trees.push_back(tree);
      w_nodes.push_back(id);
      weights.push_back(w);
    };
    if (a_breadth_first) {
      node(a, 0, "BRANCH_LEQ", 0, 1.0f, 1, 2);
      node(a, 1, "BRANCH_LEQ", 1, 0.5f, 3, 4);
      leaf(a, 2, 3);
      leaf(a, 3, 1);
      leaf(a, 4, 2);
    } else {
      node(a, ids_a[0], "BRANCH_LEQ", 0, 1.0f, ids_a[1], ids_a[4]);
      node(a, ids_a[1], "BRANCH_LEQ", 1, 0.5f, ids_a[2], ids_a[3]);
      leaf(a, ids_a[2], 1);
      leaf(a, ids_a[3], 2);
      leaf(a, ids_a[4], 3);
    }
    node(b, ids_b[0], "BRANCH_LEQ", 1, 2.0f, ids_b[1], ids_b[2]);
    leaf(b, ids_b[1], 10);
    leaf(b, ids_b[2], 20);
    return tree_model(
        "TreeEnsembleRegressor", 3, DType::Float, 2,
        {attr_int("n_targets", 1), attr_ints("nodes_treeids", tree_ids), attr_ints("nodes_nodeids", node_ids),
         attr_ints("nodes_featureids", features), attr_strings("nodes_modes", modes),
         attr_floats("nodes_values", values), attr_ints("nodes_truenodeids", true_ids),
         attr_ints("nodes_falsenodeids", false_ids), attr_ints("target_treeids", w_trees),
         attr_ints("target_nodeids", w_nodes), attr_ints("target_ids", std::vector<int64_t>(w_trees.size(), 0)),
         attr_floats("target_weights", weights)});
  }
};

std::string bad_model_message(const Model& m) {
  std::string message;
  EXPECT_EQ(error_kind([&] { Session s(m, ops::all_kernels()); }, &message), ErrorKind::BadModel) << message;
  return message;
}

TEST(TreeNumbering, any_numbering_computes_the_same) {
  const Tensor x = matrix<float>(4, 2, {0.5f, 0.2f, 0.5f, 0.9f, 2.0f, 3.0f, kNaN, 1.0f});
  const std::vector<double> want{11, 12, 23, 13};
  expect_floats(run_model(TwoTrees{}.model(), x)[0].second.tensor(), want);
  TwoTrees other_tree_ids;  // still 0, 1, ... within each tree, but tree ids that are not positions
  other_tree_ids.a = 7;
  other_tree_ids.b = 3;
  expect_floats(run_model(other_tree_ids.model(), x)[0].second.tensor(), want);
  TwoTrees shuffled;  // node ids in another order and with gaps (below the node count, as ORT requires): the table
  shuffled.a = 5;
  shuffled.ids_a = {4, 0, 7, 2, 1};
  shuffled.ids_b = {1, 2, 0};
  expect_floats(run_model(shuffled.model(), x)[0].second.tensor(), want);
}

// The layout of trees listed depth first is built in list order (lay_out_listed_trees); any other
// order takes the depth-first walk, and both give the same nodes and results.
TEST(TreeNumbering, listing_order_changes_neither_layout_nor_results) {
  auto compiled = [](const TwoTrees& t) {
    Session s(t.model(), ops::all_kernels(), {.threads = 1});
    const auto kernels = s.compiled_graph().step_kernels();
    EXPECT_EQ(kernels.size(), 1u);
    return kernels.empty() ? Kernel::Footprint{} : kernels[0].second->footprint();
  };
  TwoTrees breadth;
  breadth.a_breadth_first = true;
  const Kernel::Footprint listed = compiled(TwoTrees{}), walked = compiled(breadth);
  EXPECT_EQ(listed.tree_nodes, 8u);
  EXPECT_EQ(walked.tree_nodes, listed.tree_nodes);
  EXPECT_EQ(walked.compiled_bytes, listed.compiled_bytes);
  const Tensor x = matrix<float>(4, 2, {0.5f, 0.2f, 0.5f, 0.9f, 2.0f, 3.0f, kNaN, 1.0f});
  expect_floats(run_model(breadth.model(), x)[0].second.tensor(), {11, 12, 23, 13});
  // A cycle hidden in depth-first-looking lists (the last leaf's slot turned into a branch back to
  // the root) falls back to the walk, which names it.
  Model m = TwoTrees{}.model();
  for (Attribute& a : m.graph.nodes[0].attributes) {
    if (a.name == "nodes_modes") a.strings[4] = "BRANCH_LEQ";
    if (a.name == "nodes_truenodeids") a.ints[4] = 0;
    if (a.name == "nodes_falsenodeids") a.ints[4] = 2;
  }
  const std::string message = bad_model_message(m);
  EXPECT_NE(message.find("tree 0 node 0 is reached again from its own subtree"), std::string::npos) << message;
}

TEST(TreeNumbering, errors_name_the_tree_and_node_ids_in_every_numbering) {
  // Tree B's branch reads a feature X does not have: named by its ids, not its position.
  auto bad_feature = [](TwoTrees t) {
    Model m = t.model();
    for (Attribute& a : m.graph.nodes[0].attributes)
      if (a.name == "nodes_featureids") a.ints[5] = 9;
    return bad_model_message(m);
  };
  EXPECT_NE(bad_feature(TwoTrees{}).find("tree 1 node 0 reads feature 9"), std::string::npos);
  TwoTrees other_tree_ids;
  other_tree_ids.a = 7;
  other_tree_ids.b = 3;
  EXPECT_NE(bad_feature(other_tree_ids).find("tree 3 node 0 reads feature 9"), std::string::npos);
  TwoTrees shuffled;
  shuffled.ids_b = {6, 2, 0};
  EXPECT_NE(bad_feature(shuffled).find("tree 1 node 6 reads feature 9"), std::string::npos);

  // A cycle in tree A (its second branch's false child is the root), in both numberings.
  auto cycle = [](TwoTrees t) {
    Model m = t.model();
    for (Attribute& a : m.graph.nodes[0].attributes)
      if (a.name == "nodes_falsenodeids") a.ints[1] = t.ids_a[0];
    return bad_model_message(m);
  };
  TwoTrees second;
  second.a = 1;
  second.b = 0;
  EXPECT_NE(cycle(second).find("tree 1 node 0 is reached again from its own subtree"), std::string::npos);
  TwoTrees renumbered;
  renumbered.ids_a = {3, 6, 0, 1, 2};
  EXPECT_NE(cycle(renumbered).find("tree 0 node 3 is reached again from its own subtree"), std::string::npos);
}

}  // namespace
}  // namespace onnxfn::tree_tests
