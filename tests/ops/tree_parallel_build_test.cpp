// A large v1/v3 forest is decoded and laid out in ranges of trees on the session's threads
// (tree_layout_builder.h: for_each_range): the layout, the results and the error a bad model gets
// must not depend on the thread count.
#include <random>

#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

constexpr int kTrees = 280, kDepth = 5, kFeatures = 4;  // 280 x 63 = 17,640 nodes: above the parallel threshold

// Complete trees of depth kDepth numbered depth first (scikit-learn's order). Trees from
// `lt_from` on compare with BRANCH_LT, the others with BRANCH_LEQ; `tracking_tree` (-1: none)
// has its root's missing values go to the true child. Leaves hold integer weights, so every sum
// is exact and a plain walk (reference()) gives the expected scores bit for bit.
struct Forest {
  int lt_from = kTrees;
  int tracking_tree = -1;
  std::vector<int64_t> tree_ids, node_ids, features, true_ids, false_ids, tracks, w_trees, w_nodes;
  std::vector<std::string> modes;
  std::vector<float> values, weights;

  Forest(int lt, int tracking) : lt_from(lt), tracking_tree(tracking) {
    std::mt19937 rng(7);
    for (int t = 0; t < kTrees; ++t) {
      int64_t next = 0;
      add(t, kDepth, next, rng);
    }
  }

  int64_t add(int tree, int depth, int64_t& next, std::mt19937& rng) {
    const int64_t id = next++;
    const size_t at = tree_ids.size();
    tree_ids.push_back(tree);
    node_ids.push_back(id);
    if (depth == 0) {
      modes.push_back("LEAF");
      features.push_back(0), values.push_back(0), true_ids.push_back(0), false_ids.push_back(0), tracks.push_back(0);
      w_trees.push_back(tree), w_nodes.push_back(id), weights.push_back(static_cast<float>(1 + rng() % 9));
      return id;
    }
    modes.push_back(tree >= lt_from ? "BRANCH_LT" : "BRANCH_LEQ");
    features.push_back(static_cast<int64_t>(rng() % kFeatures));
    values.push_back(0.25f * static_cast<float>(1 + rng() % 3));
    tracks.push_back(tree == tracking_tree && id == 0 ? 1 : 0);
    true_ids.push_back(0), false_ids.push_back(0);
    true_ids[at] = add(tree, depth - 1, next, rng);
    false_ids[at] = add(tree, depth - 1, next, rng);
    return id;
  }

  Model model() const {
    return tree_model("TreeEnsembleRegressor", 3, DType::Float, kFeatures,
                      {attr_int("n_targets", 1), attr_ints("nodes_treeids", tree_ids), attr_ints("nodes_nodeids", node_ids),
                       attr_ints("nodes_featureids", features), attr_strings("nodes_modes", modes),
                       attr_floats("nodes_values", values), attr_ints("nodes_truenodeids", true_ids),
                       attr_ints("nodes_falsenodeids", false_ids), attr_ints("nodes_missing_value_tracks_true", tracks),
                       attr_ints("target_treeids", w_trees), attr_ints("target_nodeids", w_nodes),
                       attr_ints("target_ids", std::vector<int64_t>(w_trees.size(), 0)),
                       attr_floats("target_weights", weights)});
  }

  // The score of one row, walking the lists (positions = node ids + the tree's first position).
  double reference(const float* x) const {
    double sum = 0;
    size_t w = 0;
    std::vector<size_t> leaf_weight(tree_ids.size());
    for (size_t p = 0; p < tree_ids.size(); ++p)
      if (modes[p] == "LEAF") leaf_weight[p] = w++;
    for (size_t root = 0; root < tree_ids.size(); root += (size_t{2} << kDepth) - 1) {
      size_t p = root;
      while (modes[p] != "LEAF") {
        const float v = x[features[p]];
        const bool go_true = std::isnan(v) ? tracks[p] == 1 : modes[p] == "BRANCH_LT" ? v < values[p] : v <= values[p];
        p = root + static_cast<size_t>(go_true ? true_ids[p] : false_ids[p]);
      }
      sum += weights[leaf_weight[p]];
    }
    return sum;
  }
};

Tensor rows(int n) {
  const float pick[] = {0.1f, 0.25f, 0.5f, 0.75f, 0.9f, kNaN};  // thresholds among them: ties decide LEQ vs LT
  std::mt19937 rng(11);
  std::vector<float> v(static_cast<size_t>(n) * kFeatures);
  for (float& f : v) f = pick[rng() % 6];
  return matrix<float>(n, kFeatures, v);
}

std::string bad_model_message(const Model& m, int threads) {
  std::string message;
  EXPECT_EQ(error_kind([&] { Session s(m, ops::all_kernels(), {.threads = threads}); }, &message), ErrorKind::BadModel)
      << message;
  return message;
}

TEST(TreeParallelBuild, results_and_layout_do_not_depend_on_the_thread_count) {
  // All LEQ (a uniform forest), LEQ then LT (the ranges' hints must merge to "not uniform"), and a
  // missing-value-tracking root in the last range only.
  for (const Forest& forest : {Forest(kTrees, -1), Forest(kTrees / 2, -1), Forest(kTrees, kTrees - 3)}) {
    const Tensor x = rows(64);
    std::vector<double> want;
    for (int r = 0; r < 64; ++r) want.push_back(forest.reference(x.data<float>() + r * kFeatures));
    Kernel::Footprint first{};
    for (int threads : {1, 2, 3}) {
      SCOPED_TRACE("threads " + std::to_string(threads));
      Session s(forest.model(), ops::all_kernels(), {.threads = threads});
      const Kernel::Footprint f = s.compiled_graph().step_kernels().at(0).second->footprint();
      EXPECT_EQ(f.tree_nodes, forest.tree_ids.size());
      if (threads == 1) first = f;
      EXPECT_EQ(f.compiled_bytes, first.compiled_bytes);
      // One row at a time walks the layout itself; 64 rows go through the batch plan.
      for (int r = 0; r < 3; ++r) {
        const Tensor one = matrix<float>(1, kFeatures, std::vector<float>(x.data<float>() + r * kFeatures, x.data<float>() + (r + 1) * kFeatures));
        expect_floats(s.run({{"X", one}})[0].second.tensor(), {want[static_cast<size_t>(r)]}, 0);
      }
      expect_floats(s.run({{"X", x}})[0].second.tensor(), want, 0);
    }
  }
}

TEST(TreeParallelBuild, errors_name_the_first_bad_node_in_list_order_at_any_thread_count) {
  const Forest forest(kTrees, -1);
  const size_t per_tree = (size_t{2} << kDepth) - 1;
  // Bad features in trees 200 and 250 (both past the middle; 250 in the last range at 3 threads).
  Model features = forest.model();
  // Bad children in trees 90 and 260, found before the layout.
  Model children = forest.model();
  for (Attribute& a : features.graph.nodes[0].attributes)
    if (a.name == "nodes_featureids") a.ints[200 * per_tree] = a.ints[250 * per_tree] = 9;
  for (Attribute& a : children.graph.nodes[0].attributes)
    if (a.name == "nodes_truenodeids") a.ints[90 * per_tree] = a.ints[260 * per_tree] = 70;
  for (int threads : {1, 2, 3, 4}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const std::string f = bad_model_message(features, threads);
    EXPECT_NE(f.find("tree 200 node 0 reads feature 9 but the input X has 4 columns"), std::string::npos) << f;
    const std::string c = bad_model_message(children, threads);
    EXPECT_NE(c.find("tree 90 node 0: nodes_truenodeids refers to node 70, which tree 90 does not have"), std::string::npos) << c;
  }
}

}  // namespace
}  // namespace onnxfn::tree_tests
