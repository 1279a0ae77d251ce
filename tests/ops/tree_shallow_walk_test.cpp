// The shallow walk (tree_shallow_walk.h: ensembles of trees at most 3 levels deep, every branch
// compared for 4 or 2 rows at once, leaves picked by selects) against a direct reading of the
// ONNX attributes written here and against the perfect-tree walk that ran before it: random
// gradient-boosting-like ensembles (full and padded trees, single leaves, every threshold mode,
// nodes that do and do not track missing values, NaN and infinite thresholds), inputs with ties,
// NaN and infinities, one and three targets, float and double. Sums must be identical at every
// batch size (rows not a multiple of the vector width, blocks of 512) and thread count.
#include <algorithm>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "ops/ml/trees/tree_shallow_avx2.h"
#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

struct Node {
  bool leaf = false;
  int feature = 0;
  std::string mode = "LEAF";
  double threshold = 0;
  bool missing_true = false;
  int yes = 0, no = 0;
  int target = 0;
  double weight = 0;
};

struct Ensemble {
  std::vector<std::vector<Node>> trees;
  int features = 0;
  int targets = 1;
};

// Trees like GradientBoosting's at max_depth `depth`: mostly full, some branches stopping early
// (padded by the plan), a few single leaves; tree t adds to target t % targets, as a multi-class
// gradient boosting model adds one tree per class and stage.
Ensemble random_ensemble(unsigned seed, int trees, int targets, int features, int depth, bool track_missing) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> feature(0, features - 1), grid(-6, 6), coin(0, 1), mode(0, 3), rare(0, 29);
  std::normal_distribution<double> normal;
  static const char* kModes[] = {"BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT"};
  Ensemble e;
  e.features = features;
  e.targets = targets;
  for (int t = 0; t < trees; ++t) {
    std::vector<Node> tree(1);
    std::vector<std::pair<int, int>> stack{{0, 0}};  // (node, level)
    while (!stack.empty()) {
      const auto [id, level] = stack.back();
      stack.pop_back();
      Node& n = tree[static_cast<size_t>(id)];
      if (level == depth || rare(rng) < 3) {
        n.leaf = true;
        n.target = t % targets;
        n.weight = static_cast<float>(normal(rng));
        continue;
      }
      const int r = rare(rng);
      n.feature = feature(rng);
      n.mode = kModes[mode(rng)];
      n.threshold = r == 0 ? kNaN : r == 1 ? kInf : r == 2 ? -kInf : grid(rng) * 0.5;
      n.missing_true = track_missing && coin(rng) == 1;
      const int yes = static_cast<int>(tree.size()), no = yes + 1;
      n.yes = yes;
      n.no = no;
      tree.resize(tree.size() + 2);  // n dangles from here on
      stack.push_back({no, level + 1});
      stack.push_back({yes, level + 1});
    }
    e.trees.push_back(std::move(tree));
  }
  return e;
}

bool goes_yes(const Node& n, double x, double threshold) {
  bool t = false;
  if (n.mode == "BRANCH_LEQ") t = x <= threshold;
  if (n.mode == "BRANCH_LT") t = x < threshold;
  if (n.mode == "BRANCH_GTE") t = x >= threshold;
  if (n.mode == "BRANCH_GT") t = x > threshold;
  return t || (n.missing_true && std::isnan(x));
}

// Each row's leaves summed in tree order from 0, in C (float for float X, double for double).
template <class C>
std::vector<C> reference(const Ensemble& e, const std::vector<C>& x, int64_t rows) {
  std::vector<C> out(static_cast<size_t>(rows * e.targets), C(0));
  for (int64_t r = 0; r < rows; ++r) {
    for (const std::vector<Node>& tree : e.trees) {
      const Node* n = &tree[0];
      while (!n->leaf) {
        const C v = x[static_cast<size_t>(r * e.features + n->feature)];
        n = &tree[static_cast<size_t>(goes_yes(*n, v, static_cast<C>(n->threshold)) ? n->yes : n->no)];
      }
      out[static_cast<size_t>(r * e.targets + n->target)] += static_cast<C>(n->weight);
    }
  }
  return out;
}

std::vector<Attribute> regressor_attributes(const Ensemble& e, bool double_thresholds) {
  std::vector<int64_t> tree_ids, node_ids, features, yes, no, missing, w_tree, w_node, w_target;
  std::vector<std::string> modes;
  std::vector<float> values, weights;
  std::vector<double> values_d;
  for (size_t t = 0; t < e.trees.size(); ++t) {
    for (size_t i = 0; i < e.trees[t].size(); ++i) {
      const Node& n = e.trees[t][i];
      tree_ids.push_back(static_cast<int64_t>(t));
      node_ids.push_back(static_cast<int64_t>(i));
      features.push_back(n.feature);
      modes.push_back(n.mode);
      values.push_back(static_cast<float>(n.threshold));
      values_d.push_back(n.threshold);
      yes.push_back(n.yes);
      no.push_back(n.no);
      missing.push_back(n.missing_true ? 1 : 0);
      if (n.leaf) {
        w_tree.push_back(static_cast<int64_t>(t));
        w_node.push_back(static_cast<int64_t>(i));
        w_target.push_back(n.target);
        weights.push_back(static_cast<float>(n.weight));
      }
    }
  }
  std::vector<Attribute> a = {attr_ints("nodes_treeids", tree_ids), attr_ints("nodes_nodeids", node_ids),
                              attr_ints("nodes_featureids", features), attr_strings("nodes_modes", modes),
                              attr_ints("nodes_truenodeids", yes), attr_ints("nodes_falsenodeids", no),
                              attr_ints("nodes_missing_value_tracks_true", missing),
                              attr_ints("target_treeids", w_tree), attr_ints("target_nodeids", w_node),
                              attr_ints("target_ids", w_target), attr_floats("target_weights", weights),
                              attr_int("n_targets", e.targets)};
  if (double_thresholds)
    a.push_back(attr_tensor("nodes_values_as_tensor",
                            Tensor::from_vector<double>({static_cast<int64_t>(values_d.size())}, values_d)));
  else
    a.push_back(attr_floats("nodes_values", values));
  return a;
}

template <class C>
std::vector<C> random_rows(unsigned seed, int64_t rows, int features) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> grid(-7, 7), kind(0, 19);
  std::normal_distribution<double> normal;
  std::vector<C> x(static_cast<size_t>(rows * features));
  for (C& v : x) {
    const int k = kind(rng);
    v = k == 0 ? C(kNaN) : k == 1 ? C(kInf) : k == 2 ? C(-kInf) : k < 12 ? C(grid(rng) * 0.5) : C(normal(rng) * 3);
  }
  return x;
}

// x run through a session in batches of `batch` rows (after a 2-row first run, which builds the
// batch plan), the outputs concatenated (Y is float for float and double X alike).
template <class C>
std::vector<float> run_in_batches(const Model& m, const std::vector<C>& x, int64_t rows, int features, int64_t batch,
                              int threads) {
  Session s(m, ops::all_kernels(), {.threads = threads});
  s.run({{"X", matrix<C>(2, features, std::vector<C>(x.begin(), x.begin() + 2 * features))}});
  std::vector<float> out;
  for (int64_t first = 0; first < rows; first += batch) {
    const int64_t count = std::min(batch, rows - first);
    std::vector<C> part(x.begin() + first * features, x.begin() + (first + count) * features);
    const Tensor y = s.run({{"X", matrix<C>(count, features, part)}}).front().second.tensor();
    out.insert(out.end(), y.data<float>(), y.data<float>() + y.numel());
  }
  return out;
}

template <class C>
void expect_shallow_matches(const Ensemble& e, unsigned seed) {
  const int64_t rows = 1031;  // two 512-row blocks and 7 rows: not a multiple of 4 or 2
  const std::vector<C> x = random_rows<C>(seed, rows, e.features);
  std::vector<float> want;
  for (const C v : reference<C>(e, x, rows)) want.push_back(static_cast<float>(v));
  const Model m = tree_model("TreeEnsembleRegressor", 3, std::is_same_v<C, double> ? DType::Double : DType::Float,
                             e.features, regressor_attributes(e, std::is_same_v<C, double>));
  for (const int64_t batch : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{5}, int64_t{8}, int64_t{17}, int64_t{513}, rows})
    EXPECT_EQ(run_in_batches<C>(m, x, rows, e.features, batch, 1), want) << "batch " << batch;
  EXPECT_EQ(run_in_batches<C>(m, x, rows, e.features, rows, 2), want) << "two threads";

  // The same trees and one more 4 levels deep adding 0 (the plan is then no longer shallow, so the
  // perfect-tree walk runs): the same sums, bit for bit (x + 0 == x, and -0 == 0 compares equal).
  Ensemble deeper = random_ensemble(seed + 100, 1, 1, e.features, 4, false);
  for (Node& n : deeper.trees[0]) n.weight = 0;
  Ensemble both = e;
  both.trees.push_back(deeper.trees[0]);
  const Model m_deeper = tree_model("TreeEnsembleRegressor", 3,
                                    std::is_same_v<C, double> ? DType::Double : DType::Float, e.features,
                                    regressor_attributes(both, std::is_same_v<C, double>));
  EXPECT_EQ(run_in_batches<C>(m_deeper, x, rows, e.features, rows, 1), want) << "perfect-tree walk";
}

// Depths 1-3, one and three targets, with and without NaN tracking, float and double.
void for_each_shape() {
  for (const int depth : {1, 2, 3}) {
    for (const int targets : {1, 3}) {
      for (const bool missing : {false, true}) {
        SCOPED_TRACE("depth " + std::to_string(depth) + ", " + std::to_string(targets) + " target(s), missing " +
                     std::to_string(missing));
        const auto seed = static_cast<unsigned>(depth * 10 + targets * 2 + missing);
        const Ensemble e = random_ensemble(seed, 60, targets, 9, depth, missing);
        expect_shallow_matches<float>(e, seed);
        expect_shallow_matches<double>(e, seed);
      }
    }
  }
}

// The AVX2 form (when the CPU has it) and the 16-byte-vector form give the same sums.
TEST(TreeShallowWalk, gradient_boosting_shapes_match_the_attributes_and_the_perfect_walk) {
  for (const bool avx2_off : {false, true}) {
    SCOPED_TRACE(avx2_off ? "16-byte vectors" : "AVX2 if the CPU has it");
    ops::trees::set_shallow_avx2_off(avx2_off);
    for_each_shape();
  }
  ops::trees::set_shallow_avx2_off(false);
}

// Every tree a single leaf: no branch, no column read (the plan's width is 0).
TEST(TreeShallowWalk, ensembles_of_single_leaves) {
  Ensemble e;
  e.features = 3;
  for (int t = 0; t < 5; ++t) {
    Node leaf;
    leaf.leaf = true;
    leaf.weight = 0.25 * t - 0.3;
    e.trees.push_back({leaf});
  }
  const int64_t rows = 7;
  const std::vector<float> x = random_rows<float>(3, rows, e.features);
  const Model m = tree_model("TreeEnsembleRegressor", 3, DType::Float, e.features, regressor_attributes(e, false));
  EXPECT_EQ(run_in_batches<float>(m, x, rows, e.features, rows, 1), reference<float>(e, x, rows));
}

// A few shallow trees over a wide X (columns far beyond what the trees' branches would pay for
// copying) keep the perfect-tree walk: the same sums either way.
TEST(TreeShallowWalk, a_wide_input_read_by_few_trees_gives_the_same_sums) {
  Ensemble e = random_ensemble(7, 4, 1, 9, 3, true);
  e.features = 3000;
  for (std::vector<Node>& tree : e.trees)
    for (Node& n : tree)
      if (!n.leaf) n.feature = n.feature * 331 + 17;  // up to column 2665
  const int64_t rows = 37;
  const std::vector<float> x = random_rows<float>(8, rows, e.features);
  const Model m = tree_model("TreeEnsembleRegressor", 3, DType::Float, e.features, regressor_attributes(e, false));
  std::vector<float> want;
  for (const float v : reference<float>(e, x, rows)) want.push_back(v);
  EXPECT_EQ(run_in_batches<float>(m, x, rows, e.features, rows, 1), want);
}

// Forests of deeper trees (4-8 levels, padded where a branch stops early) take the column walk,
// whose top levels are compared 8 rows at a time in AVX2 when the CPU has it
// (tree_perfect_avx2.h): the same sums as the reference, with AVX2 and without, at batch sizes
// that leave rows beyond a multiple of 16, and with NaN sent either way.
TEST(TreeShallowWalk, deeper_forests_walk_the_same_with_and_without_avx2) {
  const int64_t rows = 1043;  // two 512-row blocks and 19 rows
  for (const bool avx2_off : {false, true}) {
    SCOPED_TRACE(avx2_off ? "scalar" : "AVX2 if the CPU has it");
    ops::trees::set_shallow_avx2_off(avx2_off);
    for (const int depth : {4, 6, 8}) {
      for (const bool missing : {false, true}) {
        SCOPED_TRACE("depth " + std::to_string(depth) + ", missing " + std::to_string(missing));
        const auto seed = static_cast<unsigned>(500 + depth * 2 + missing);
        const Ensemble e = random_ensemble(seed, 40, 2, 9, depth, missing);
        const std::vector<float> x = random_rows<float>(seed, rows, e.features);
        const Model m =
            tree_model("TreeEnsembleRegressor", 3, DType::Float, e.features, regressor_attributes(e, false));
        const std::vector<float> want = reference<float>(e, x, rows);
        for (const int64_t batch : {int64_t{300}, int64_t{513}, rows})
          EXPECT_EQ(run_in_batches<float>(m, x, rows, e.features, batch, 1), want) << "batch " << batch;
        EXPECT_EQ(run_in_batches<float>(m, x, rows, e.features, rows, 2), want) << "two threads";
      }
    }
  }
  ops::trees::set_shallow_avx2_off(false);
}

}  // namespace
}  // namespace onnxfn::tree_tests
