// The batch plan's layout for deep trees (DeepNode in tree_ensemble_layout.h: breadth first, 8-byte
// nodes, leaves looping on themselves, 16 rows at a time) against a direct reading of the ONNX
// attributes written here: random unbalanced trees 20-40 levels deep with every threshold mode,
// nodes that do and do not track missing values, edge thresholds (NaN, +-inf, ties) and inputs
// with NaN and infinities; regressors (one and three targets, float and double thresholds) and a
// three-class classifier. Outputs must be identical (same float sums in tree order) at any batch
// size and thread count.
#include <algorithm>
#include <random>
#include <vector>

#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

struct RefNode {
  bool leaf = false;
  int feature = 0;
  std::string mode;
  double threshold = 0;
  bool missing_true = false;
  int yes = 0, no = 0;
  std::vector<double> weights;  // leaf: one per target
};

using RefTree = std::vector<RefNode>;

struct Forest {
  std::vector<RefTree> trees;
  int features = 0;
  int targets = 1;
};

// Random trees whose every branch has one leaf child with probability 1/2, so that they are deep
// and unbalanced like scikit-learn's default forests; thresholds on a coarse grid so that inputs
// hit them exactly.
Forest random_forest(unsigned seed, int trees, int targets, int features, int max_depth) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> feature(0, features - 1), grid(-8, 8), coin(0, 1), mode(0, 3), rare(0, 39);
  std::normal_distribution<double> normal;
  static const char* kModes[] = {"BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT"};
  Forest f;
  f.features = features;
  f.targets = targets;
  for (int t = 0; t < trees; ++t) {
    RefTree tree;
    struct Item { int id, depth; };
    tree.push_back({});
    std::vector<Item> stack{{0, 0}};
    while (!stack.empty()) {
      const Item it = stack.back();
      stack.pop_back();
      RefNode& n = tree[static_cast<size_t>(it.id)];
      if (it.depth == max_depth || (it.depth > 0 && tree.size() > 1500)) {
        n.leaf = true;
        for (int k = 0; k < targets; ++k) n.weights.push_back(static_cast<float>(normal(rng)));
        continue;
      }
      n.feature = feature(rng);
      n.mode = kModes[mode(rng)];
      const int r = rare(rng);
      n.threshold = r == 0 ? kNaN : r == 1 ? kInf : r == 2 ? -kInf : grid(rng) * 0.5;
      n.missing_true = coin(rng) == 1;
      const int yes = static_cast<int>(tree.size()), no = yes + 1;
      n.yes = yes;
      n.no = no;
      tree.push_back({});
      tree.push_back({});
      // One child continues, the other (usually) stops: a long, unbalanced spine.
      const bool yes_stops = coin(rng) == 1;
      const bool both_go = rare(rng) < 8;
      auto push = [&](int id, bool stops) {
        if (stops && !both_go) {
          tree[static_cast<size_t>(id)].leaf = true;
          for (int k = 0; k < targets; ++k) tree[static_cast<size_t>(id)].weights.push_back(static_cast<float>(normal(rng)));
        } else {
          stack.push_back({id, it.depth + 1});
        }
      };
      push(no, !yes_stops);
      push(yes, yes_stops);
    }
    f.trees.push_back(std::move(tree));
  }
  return f;
}

bool goes_yes(const RefNode& n, double x) {
  bool t = false;
  if (n.mode == "BRANCH_LEQ") t = x <= n.threshold;
  if (n.mode == "BRANCH_LT") t = x < n.threshold;
  if (n.mode == "BRANCH_GTE") t = x >= n.threshold;
  if (n.mode == "BRANCH_GT") t = x > n.threshold;
  return t || (n.missing_true && std::isnan(x));
}

// The scores ORT's definition gives: each tree's leaf weights summed in tree order, in float
// (float X) or double (double thresholds and X); `average` divides by the tree count.
template <class C>
std::vector<C> reference(const Forest& f, const std::vector<C>& x, int64_t rows, bool average) {
  std::vector<C> out(static_cast<size_t>(rows * f.targets), C(0));
  for (int64_t r = 0; r < rows; ++r) {
    C* s = out.data() + r * f.targets;
    for (const RefTree& tree : f.trees) {
      const RefNode* n = &tree[0];
      while (!n->leaf) {
        const C v = x[static_cast<size_t>(r * f.features + n->feature)];
        const C threshold = static_cast<C>(n->threshold);
        RefNode copy = *n;
        copy.threshold = threshold;
        n = &tree[static_cast<size_t>(goes_yes(copy, v) ? n->yes : n->no)];
      }
      for (int k = 0; k < f.targets; ++k) s[k] += static_cast<C>(n->weights[static_cast<size_t>(k)]);
    }
    if (average)
      for (int k = 0; k < f.targets; ++k) s[k] = s[k] / static_cast<C>(f.trees.size());
  }
  return out;
}

// TreeEnsembleRegressor or TreeEnsembleClassifier (ai.onnx.ml 3) attributes for the forest.
std::vector<Attribute> attributes(const Forest& f, bool classifier, bool double_thresholds, bool average) {
  std::vector<int64_t> tree_ids, node_ids, features, yes, no, missing, w_tree, w_node, w_target;
  std::vector<std::string> modes;
  std::vector<float> values, weights;
  std::vector<double> values_d;
  for (size_t t = 0; t < f.trees.size(); ++t) {
    for (size_t i = 0; i < f.trees[t].size(); ++i) {
      const RefNode& n = f.trees[t][i];
      tree_ids.push_back(static_cast<int64_t>(t));
      node_ids.push_back(static_cast<int64_t>(i));
      features.push_back(n.feature);
      modes.push_back(n.leaf ? "LEAF" : n.mode);
      values.push_back(static_cast<float>(n.threshold));
      values_d.push_back(n.threshold);
      yes.push_back(n.yes);
      no.push_back(n.no);
      missing.push_back(n.missing_true ? 1 : 0);
      for (size_t k = 0; k < n.weights.size(); ++k) {
        w_tree.push_back(static_cast<int64_t>(t));
        w_node.push_back(static_cast<int64_t>(i));
        w_target.push_back(static_cast<int64_t>(k));
        weights.push_back(static_cast<float>(n.weights[k]));
      }
    }
  }
  const std::string prefix = classifier ? "class_" : "target_";
  std::vector<Attribute> a = {attr_ints("nodes_treeids", tree_ids), attr_ints("nodes_nodeids", node_ids),
                              attr_ints("nodes_featureids", features), attr_strings("nodes_modes", modes),
                              attr_ints("nodes_truenodeids", yes), attr_ints("nodes_falsenodeids", no),
                              attr_ints("nodes_missing_value_tracks_true", missing),
                              attr_ints(prefix + "treeids", w_tree), attr_ints(prefix + "nodeids", w_node),
                              attr_ints(prefix + "ids", w_target), attr_floats(prefix + "weights", weights)};
  if (double_thresholds)
    a.push_back(attr_tensor("nodes_values_as_tensor",
                            Tensor::from_vector<double>({static_cast<int64_t>(values_d.size())}, values_d)));
  else
    a.push_back(attr_floats("nodes_values", values));
  if (classifier) {
    std::vector<int64_t> labels;
    for (int k = 0; k < f.targets; ++k) labels.push_back(k);
    a.push_back(attr_ints("classlabels_int64s", labels));
  } else {
    a.push_back(attr_int("n_targets", f.targets));
    if (average) a.push_back(attr_string("aggregate_function", "AVERAGE"));
  }
  return a;
}

// Inputs on the thresholds' grid (ties), off it, NaN and +-inf.
template <class C>
std::vector<C> random_rows(unsigned seed, int64_t rows, int features) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> grid(-9, 9), kind(0, 19);
  std::normal_distribution<double> normal;
  std::vector<C> x(static_cast<size_t>(rows * features));
  for (C& v : x) {
    const int k = kind(rng);
    v = k < 2 ? C(kNaN) : k == 2 ? C(kInf) : k == 3 ? C(-kInf) : k < 12 ? C(grid(rng) * 0.5) : C(normal(rng) * 3);
  }
  return x;
}

int max_depth_of(const RefTree& tree, int i = 0) {
  const RefNode& n = tree[static_cast<size_t>(i)];
  return n.leaf ? 0 : 1 + std::max(max_depth_of(tree, n.yes), max_depth_of(tree, n.no));
}

template <class C>
std::vector<C> values_of(const Tensor& t) {
  return std::vector<C>(t.data<C>(), t.data<C>() + t.numel());
}

// Runs `x` through a session in batches of `batch` rows and returns the last output's values.
template <class C>
std::vector<float> scores_in_batches(const Model& m, const std::vector<C>& x, int64_t rows, int features, int64_t batch,
                                     int threads, std::vector<int64_t>* labels = nullptr) {
  Session s(m, ops::all_kernels(), {.threads = threads});
  std::vector<float> out;
  // A first run of 2 rows builds the batch plan (a first run of one row would walk row by row).
  s.run({{"X", matrix<C>(2, features, std::vector<C>(x.begin(), x.begin() + 2 * features))}});
  for (int64_t first = 0; first < rows; first += batch) {
    const int64_t count = std::min(batch, rows - first);
    std::vector<C> part(x.begin() + first * features, x.begin() + (first + count) * features);
    const NamedValues res = s.run({{"X", matrix<C>(count, features, part)}});
    const Tensor& scores = res.back().second.tensor();
    for (int64_t i = 0; i < scores.numel(); ++i)
      out.push_back(scores.dtype() == DType::Double ? static_cast<float>(scores.data<double>()[i]) : scores.data<float>()[i]);
    if (labels) {
      const std::vector<int64_t> l = values_of<int64_t>(res.front().second.tensor());
      labels->insert(labels->end(), l.begin(), l.end());
    }
  }
  return out;
}

TEST(TreeDeepLayout, random_forests_are_deep_and_unbalanced) {
  const Forest f = random_forest(1, 12, 1, 7, 40);
  int deepest = 0;
  for (const RefTree& t : f.trees) deepest = std::max(deepest, max_depth_of(t));
  EXPECT_GE(deepest, 20);  // too deep to pad to a perfect tree: the deep layout is what runs
}

TEST(TreeDeepLayout, regressor_matches_the_attributes_at_every_batch_size_and_thread_count) {
  for (const int targets : {1, 3}) {
    for (const bool average : {false, true}) {
      SCOPED_TRACE(std::to_string(targets) + " target(s), average " + std::to_string(average));
      const Forest f = random_forest(static_cast<unsigned>(10 + targets), 12, targets, 7, 40);
      const int64_t rows = 203;
      const std::vector<float> x = random_rows<float>(5, rows, f.features);
      const std::vector<float> want = reference<float>(f, x, rows, average);
      const Model m = tree_model("TreeEnsembleRegressor", 3, DType::Float, f.features, attributes(f, false, false, average));
      for (const int64_t batch : {int64_t{1}, int64_t{3}, int64_t{4}, int64_t{15}, int64_t{16}, int64_t{17}, int64_t{29}, rows})
        EXPECT_EQ(scores_in_batches(m, x, rows, f.features, batch, 1), want) << "batch " << batch;
      EXPECT_EQ(scores_in_batches(m, x, rows, f.features, rows, 2), want) << "two threads";
      // A session's first run of one row walks the compiled layout row by row: the same answers.
      for (int64_t r = 0; r < 5; ++r) {
        const std::vector<float> row(x.begin() + r * f.features, x.begin() + (r + 1) * f.features);
        const std::vector<float> got = values_of<float>(run_model(m, matrix<float>(1, f.features, row)).front().second.tensor());
        EXPECT_EQ(got, std::vector<float>(want.begin() + r * targets, want.begin() + (r + 1) * targets)) << "row " << r;
      }
    }
  }
}

// Small batches (below kSmallBatch rows) walk many trees of a row at once, in slots refilled as
// walks finish, and add the leaves afterwards: runs of deep trees longer than the slots and than a
// chunk of leaves (1024 walks), broken by shallow trees that the perfect layout takes, must still
// add up in tree order at every batch size around the switches (1-3 rows: 16 slots, then 32; 64:
// the row-interleaved walk).
TEST(TreeDeepLayout, small_batches_walk_many_trees_at_once_and_add_them_in_tree_order) {
  for (const int targets : {1, 3}) {
    SCOPED_TRACE(std::to_string(targets) + " target(s)");
    const Forest deep = random_forest(static_cast<unsigned>(40 + targets), 67, targets, 9, 40);
    const Forest shallow = random_forest(static_cast<unsigned>(50 + targets), 3, targets, 9, 3);
    Forest f = deep;
    f.trees.insert(f.trees.begin() + 40, shallow.trees[0]);  // deep runs of 40, 19 and 8 trees
    f.trees.insert(f.trees.begin() + 60, shallow.trees[1]);
    f.trees.push_back(shallow.trees[2]);
    const int64_t rows = 140;
    const std::vector<float> x = random_rows<float>(9, rows, f.features);
    const std::vector<float> want = reference<float>(f, x, rows, false);
    const Model m = tree_model("TreeEnsembleRegressor", 3, DType::Float, f.features, attributes(f, false, false, false));
    for (const int64_t batch : {1, 2, 3, 4, 5, 16, 31, 33, 63, 64, 70})
      EXPECT_EQ(scores_in_batches(m, x, rows, f.features, batch, 1), want) << "batch " << batch;
    EXPECT_EQ(scores_in_batches(m, x, rows, f.features, 7, 2), want) << "two threads";
  }
}

// A large run is split into one chunk per 512-row block whatever the thread count, and threads
// take the chunks in turn: sparse 12-level trees (padded to 4096 leaf slots) between deep ones,
// 2,600 rows (five full blocks and a tail of 40), give the attributes' answers on 1, 2 and 3
// threads, in one run and in runs that start mid-block.
TEST(TreeDeepLayout, large_runs_split_by_blocks_give_the_same_answers_on_any_thread_count) {
  const Forest deep = random_forest(61, 6, 1, 9, 40);
  const Forest sparse = random_forest(62, 10, 1, 9, 12);
  int deepest_sparse = 0;
  for (const RefTree& t : sparse.trees) deepest_sparse = std::max(deepest_sparse, max_depth_of(t));
  EXPECT_EQ(deepest_sparse, 12);
  Forest f = sparse;
  f.trees.insert(f.trees.begin() + 4, deep.trees.begin(), deep.trees.end());
  const int64_t rows = 2600;
  const std::vector<float> x = random_rows<float>(63, rows, f.features);
  const std::vector<float> want = reference<float>(f, x, rows, false);
  const Model m = tree_model("TreeEnsembleRegressor", 3, DType::Float, f.features, attributes(f, false, false, false));
  for (const int threads : {1, 2, 3}) {
    EXPECT_EQ(scores_in_batches(m, x, rows, f.features, rows, threads), want) << threads << " thread(s)";
    EXPECT_EQ(scores_in_batches(m, x, rows, f.features, 1300, threads), want) << threads << " thread(s), batches of 1300";
  }
}

TEST(TreeDeepLayout, double_thresholds_match_the_attributes) {
  const Forest f = random_forest(21, 10, 1, 6, 35);
  const int64_t rows = 150;
  const std::vector<double> x = random_rows<double>(6, rows, f.features);
  const std::vector<double> want = reference<double>(f, x, rows, false);
  std::vector<float> want_f(want.begin(), want.end());  // Y is float for ai.onnx.ml 3
  const Model m = tree_model("TreeEnsembleRegressor", 3, DType::Double, f.features, attributes(f, false, true, false));
  for (const int64_t batch : {int64_t{1}, int64_t{16}, int64_t{37}, rows})
    EXPECT_EQ(scores_in_batches(m, x, rows, f.features, batch, 1), want_f) << "batch " << batch;
  EXPECT_EQ(scores_in_batches(m, x, rows, f.features, rows, 2), want_f);
}

TEST(TreeDeepLayout, three_class_classifier_matches_the_attributes) {
  const Forest f = random_forest(31, 15, 3, 8, 40);
  const int64_t rows = 190;
  const std::vector<float> x = random_rows<float>(7, rows, f.features);
  const std::vector<float> want = reference<float>(f, x, rows, false);
  std::vector<int64_t> want_labels;
  for (int64_t r = 0; r < rows; ++r) {
    const float* s = want.data() + r * 3;
    want_labels.push_back(std::max_element(s, s + 3) - s);
  }
  const Model m = tree_model("TreeEnsembleClassifier", 3, DType::Float, f.features, attributes(f, true, false, false));
  for (const int64_t batch : {int64_t{1}, int64_t{16}, int64_t{33}, rows}) {
    std::vector<int64_t> labels;
    EXPECT_EQ(scores_in_batches(m, x, rows, f.features, batch, 1, &labels), want) << "batch " << batch;
    EXPECT_EQ(labels, want_labels) << "batch " << batch;
  }
  EXPECT_EQ(scores_in_batches(m, x, rows, f.features, rows, 2), want);
}

}  // namespace
}  // namespace onnxfn::tree_tests
