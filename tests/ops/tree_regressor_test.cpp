// ai.onnx.ml TreeEnsembleRegressor (versions 1 and 3): node modes, NaN handling, aggregation, base
// values, post transforms, precision. Expected values come from onnxruntime 1.32 (1 thread) on the
// same attributes, built with onnx.helper.make_node("TreeEnsembleRegressor", ["X"], ["Y"],
// domain="ai.onnx.ml", **attributes) and run with InferenceSession(...).run(None, {"X": X}).
#include <algorithm>
#include <random>

#include "ops/all_kernels.h"
#include "ops/ml/trees/tree_ensemble_source.h"
#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

// One tree: x0 <mode> 1.0 ? 10 : 20.
Model stump(const std::string& mode, bool missing_tracks_true) {
  std::vector<Attribute> a{
      attr_int("n_targets", 1),
      attr_ints("nodes_treeids", {0, 0, 0}),
      attr_ints("nodes_nodeids", {0, 1, 2}),
      attr_ints("nodes_featureids", {0, 0, 0}),
      attr_strings("nodes_modes", {mode, "LEAF", "LEAF"}),
      attr_floats("nodes_values", {1.0f, 0, 0}),
      attr_ints("nodes_truenodeids", {1, 0, 0}),
      attr_ints("nodes_falsenodeids", {2, 0, 0}),
      attr_ints("target_treeids", {0, 0}),
      attr_ints("target_nodeids", {1, 2}),
      attr_ints("target_ids", {0, 0}),
      attr_floats("target_weights", {10, 20}),
  };
  if (missing_tracks_true) a.push_back(attr_ints("nodes_missing_value_tracks_true", {1, 0, 0}));
  return tree_model("TreeEnsembleRegressor", 3, DType::Float, 1, a);
}

TEST(TreeRegressor, compares_with_every_mode_and_sends_nan_the_true_way_only_when_tracked) {
  const Tensor x = matrix<float>(4, 1, {0.5f, 1.0f, 1.5f, kNaN});
  struct Case {
    std::string mode;
    std::vector<double> plain, tracked;
  };
  // NaN compares false, so it goes the false way except for BRANCH_NEQ (NaN != 1 is true).
  const Case cases[] = {
      {"BRANCH_LEQ", {10, 10, 20, 20}, {10, 10, 20, 10}}, {"BRANCH_LT", {10, 20, 20, 20}, {10, 20, 20, 10}},
      {"BRANCH_GTE", {20, 10, 10, 20}, {20, 10, 10, 10}}, {"BRANCH_GT", {20, 20, 10, 20}, {20, 20, 10, 10}},
      {"BRANCH_EQ", {20, 10, 20, 20}, {20, 10, 20, 10}},  {"BRANCH_NEQ", {10, 20, 10, 10}, {10, 20, 10, 10}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mode);
    expect_floats(run_model(stump(c.mode, false), x)[0].second.tensor(), c.plain);
    expect_floats(run_model(stump(c.mode, true), x)[0].second.tensor(), c.tracked);
  }
}

TEST(TreeRegressor, runs_ai_onnx_ml_opset_1) {
  Model m = stump("BRANCH_LEQ", false);
  m.opsets = {{"ai.onnx", 17}, {"ai.onnx.ml", 1}};
  expect_floats(run_model(m, matrix<float>(2, 1, {0.5f, 2.0f}))[0].second.tensor(), {10, 20});
}

// Two trees over two features; three targets, target 2 never gets a weight.
std::vector<Attribute> three_target_attributes(const std::string& aggregate, const std::string& transform,
                                               std::vector<float> weights = {1.0f, 2.0f, -1.0f, 0.5f, 3.0f}) {
  return {
      attr_int("n_targets", 3),
      attr_ints("nodes_treeids", {0, 0, 0, 1, 1, 1}),
      attr_ints("nodes_nodeids", {0, 1, 2, 0, 1, 2}),
      attr_ints("nodes_featureids", {0, 0, 0, 1, 0, 0}),
      attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"}),
      attr_floats("nodes_values", {1.0f, 0, 0, 2.0f, 0, 0}),
      attr_ints("nodes_truenodeids", {1, 0, 0, 1, 0, 0}),
      attr_ints("nodes_falsenodeids", {2, 0, 0, 2, 0, 0}),
      attr_ints("target_treeids", {0, 0, 0, 1, 1}),
      attr_ints("target_nodeids", {1, 1, 2, 1, 2}),
      attr_ints("target_ids", {0, 1, 0, 0, 1}),
      attr_floats("target_weights", std::move(weights)),
      attr_string("aggregate_function", aggregate),
      attr_string("post_transform", transform),
  };
}

const Tensor& three_target_x() {
  static const Tensor x = matrix<float>(3, 2, {0.5f, 1.0f, 1.5f, 3.0f, 0.5f, 3.0f});
  return x;
}

TEST(TreeRegressor, aggregates_and_transforms_several_targets_like_ort) {
  struct Case {
    std::string aggregate, transform;
    std::vector<double> want;
  };
  // base_values {0.1, 0.2, 0.3}. Target 2 reads 0 (0.5 after LOGISTIC): ORT ignores the base value of
  // a target no leaf contributed to.
  const Case cases[] = {
      {"SUM", "NONE", {1.6, 2.2, 0, -0.9, 3.2, 0, 1.1, 5.2, 0}},
      {"SUM", "LOGISTIC", {0.8320184, 0.90024954, 0.5, 0.28905052, 0.96083426, 0.5, 0.7502601, 0.99451375, 0.5}},
      {"SUM", "SOFTMAX",
       {0.33068615, 0.60254943, 0.06676438, 0.015674008, 0.94577414, 0.038551833, 0.01621451, 0.97838813,
        0.005397342}},
      {"SUM", "SOFTMAX_ZERO", {0.35434368, 0.6456563, 0, 0.0163025, 0.9836975, 0, 0.0163025, 0.9836975, 0}},
      {"AVERAGE", "NONE", {0.85, 1.2, 0, -0.4, 1.7, 0, 0.6, 2.7, 0}},
      {"AVERAGE", "SOFTMAX",
       {0.3513108, 0.49853376, 0.15015547, 0.09382627, 0.7662014, 0.13997236, 0.10293381, 0.8405749, 0.056491267}},
      {"AVERAGE", "SOFTMAX_ZERO", {0.4133824, 0.5866176, 0, 0.1090968, 0.8909032, 0, 0.10909683, 0.8909032, 0}},
      {"AVERAGE", "PROBIT", {1.0366136, kNaN, -kInf, kNaN, kNaN, -kInf, 0.2533535, kNaN, -kInf}},
      {"MIN", "NONE", {0.6, 2.2, 0, -0.9, 3.2, 0, 1.1, 2.2, 0}},
      {"MIN", "LOGISTIC", {0.6456563, 0.90024954, 0.5, 0.28905052, 0.96083426, 0.5, 0.7502601, 0.90024954, 0.5}},
      {"MIN", "SOFTMAX_ZERO", {0.16798161, 0.8320184, 0, 0.0163025, 0.9836975, 0, 0.24973989, 0.7502601, 0}},
      {"MAX", "NONE", {1.1, 2.2, 0, -0.9, 3.2, 0, 1.1, 3.2, 0}},
      {"MAX", "SOFTMAX",
       {0.23057216, 0.6926771, 0.0767508, 0.015674008, 0.94577414, 0.038551833, 0.1052738, 0.85968363, 0.035042595}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.aggregate + " " + c.transform);
    std::vector<Attribute> a = three_target_attributes(c.aggregate, c.transform);
    a.push_back(attr_floats("base_values", {0.1f, 0.2f, 0.3f}));
    expect_floats(run_model(tree_model("TreeEnsembleRegressor", 3, DType::Float, 2, a), three_target_x())[0]
                      .second.tensor(),
                  c.want);
  }
}

TEST(TreeRegressor, probit_uses_ort_erfinv_approximation_and_softmax_zero_skips_zero_scores) {
  Model probit = tree_model("TreeEnsembleRegressor", 3, DType::Float, 2,
                            three_target_attributes("SUM", "PROBIT", {0.1f, 0.2f, 0.3f, 0.15f, 0.05f}));
  expect_floats(run_model(probit, three_target_x())[0].second.tensor(),
                {-0.6745743, -0.8417561, -kInf, -0.5244459, -1.6446697, -kInf, -1.2817129, -0.6745743, -kInf});
  Model zero = tree_model("TreeEnsembleRegressor", 3, DType::Float, 2, three_target_attributes("SUM", "SOFTMAX_ZERO"));
  expect_floats(run_model(zero, three_target_x())[0].second.tensor(),
                {0.37754068, 0.62245935, 0, 0.01798621, 0.98201376, 0, 0.01798621, 0.98201376, 0});
}

// Two trees, one target: leaves 0.25 / 0.75 and 0.125 / -0.5, base value 0.5.
Model single_target(const std::string& aggregate, const std::string& transform) {
  return tree_model("TreeEnsembleRegressor", 3, DType::Float, 2,
                    {
                        attr_int("n_targets", 1),
                        attr_ints("nodes_treeids", {0, 0, 0, 1, 1, 1}),
                        attr_ints("nodes_nodeids", {0, 1, 2, 0, 1, 2}),
                        attr_ints("nodes_featureids", {0, 0, 0, 1, 0, 0}),
                        attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"}),
                        attr_floats("nodes_values", {1.0f, 0, 0, 2.0f, 0, 0}),
                        attr_ints("nodes_truenodeids", {1, 0, 0, 1, 0, 0}),
                        attr_ints("nodes_falsenodeids", {2, 0, 0, 2, 0, 0}),
                        attr_ints("target_treeids", {0, 0, 1, 1}),
                        attr_ints("target_nodeids", {1, 2, 1, 2}),
                        attr_ints("target_ids", {0, 0, 0, 0}),
                        attr_floats("target_weights", {0.25f, 0.75f, 0.125f, -0.5f}),
                        attr_floats("base_values", {0.5f}),
                        attr_string("aggregate_function", aggregate),
                        attr_string("post_transform", transform),
                    });
}

TEST(TreeRegressor, single_target_ignores_every_transform_but_probit) {
  struct Case {
    std::string aggregate, transform;
    std::vector<double> want;
  };
  const Case cases[] = {
      {"SUM", "NONE", {0.875, 0.75, 0.25}},         {"SUM", "LOGISTIC", {0.875, 0.75, 0.25}},
      {"SUM", "SOFTMAX", {0.875, 0.75, 0.25}},      {"SUM", "PROBIT", {1.1505355, 0.6745743, -0.6745743}},
      {"AVERAGE", "NONE", {0.6875, 0.625, 0.375}},  {"AVERAGE", "PROBIT", {0.48881418, 0.31865132, -0.31865132}},
      {"MIN", "NONE", {0.625, 0, 0}},               {"MIN", "PROBIT", {0.31865132, -kInf, -kInf}},
      {"MAX", "LOGISTIC", {0.75, 1.25, 0.75}},      {"MAX", "PROBIT", {0.6745743, kNaN, 0.6745743}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.aggregate + " " + c.transform);
    expect_floats(run_model(single_target(c.aggregate, c.transform), three_target_x())[0].second.tensor(), c.want);
  }
}

TEST(TreeRegressor, single_target_adds_first_weight_of_a_leaf_and_node_value_of_a_leaf_without_weights) {
  const Tensor x = matrix<float>(2, 1, {0.5f, 1.5f});
  auto model = [](std::vector<int64_t> nodes, std::vector<float> weights, std::vector<float> values) {
    const size_t n = nodes.size();
    return tree_model("TreeEnsembleRegressor", 3, DType::Float, 1,
                      {attr_int("n_targets", 1), attr_ints("nodes_treeids", {0, 0, 0}), attr_ints("nodes_nodeids", {0, 1, 2}),
                       attr_ints("nodes_featureids", {0, 0, 0}),
                       attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF"}), attr_floats("nodes_values", values),
                       attr_ints("nodes_truenodeids", {1, 0, 0}), attr_ints("nodes_falsenodeids", {2, 0, 0}),
                       attr_ints("target_treeids", std::vector<int64_t>(n, 0)), attr_ints("target_nodeids", nodes),
                       attr_ints("target_ids", std::vector<int64_t>(n, 0)), attr_floats("target_weights", weights)});
  };
  // Leaf 1 has weights 10 then 5: ORT's single-target path adds only the first one listed.
  expect_floats(run_model(model({1, 2, 1}, {10, 20, 5}, {1, 0, 0}), x)[0].second.tensor(), {10, 20});
  // Leaf 2 has no weight: ORT adds its nodes_values entry (7).
  expect_floats(run_model(model({1}, {10}, {1, 0, 7}), x)[0].second.tensor(), {10, 7});
  // A weight on the branch node is ignored.
  expect_floats(run_model(model({0, 1, 2}, {100, 10, 20}, {1, 0, 0}), x)[0].second.tensor(), {10, 20});
}

// Three single-leaf trees adding 1e8, 1 and -1e8.
Model cancelling_leaves(DType x_type, bool double_tensor) {
  std::vector<Attribute> a{
      attr_int("n_targets", 1),
      attr_ints("nodes_treeids", {0, 1, 2}),
      attr_ints("nodes_nodeids", {0, 0, 0}),
      attr_ints("nodes_featureids", {0, 0, 0}),
      attr_strings("nodes_modes", {"LEAF", "LEAF", "LEAF"}),
      attr_floats("nodes_values", {0, 0, 0}),
      attr_ints("nodes_truenodeids", {0, 0, 0}),
      attr_ints("nodes_falsenodeids", {0, 0, 0}),
      attr_ints("target_treeids", {0, 1, 2}),
      attr_ints("target_nodeids", {0, 0, 0}),
      attr_ints("target_ids", {0, 0, 0}),
  };
  if (double_tensor)
    a.push_back(attr_tensor("target_weights_as_tensor", Tensor::from_vector<double>({3}, {1e8, 1, -1e8})));
  else
    a.push_back(attr_floats("target_weights", {1e8f, 1, -1e8f}));
  return tree_model("TreeEnsembleRegressor", 3, x_type, 1, a);
}

TEST(TreeRegressor, sums_in_float_for_float_input_and_in_double_for_double_input) {
  // ORT's ThresholdType: float sums lose the 1, double sums keep it, with float or double weights.
  expect_floats(run_model(cancelling_leaves(DType::Float, false), matrix<float>(1, 1, {0}))[0].second.tensor(), {0});
  expect_floats(run_model(cancelling_leaves(DType::Double, false), matrix<double>(1, 1, {0}))[0].second.tensor(), {1});
  expect_floats(run_model(cancelling_leaves(DType::Double, true), matrix<double>(1, 1, {0}))[0].second.tensor(), {1});
}

Model threshold_point_one(DType x_type, bool double_tensor) {
  std::vector<Attribute> a{
      attr_int("n_targets", 1),
      attr_ints("nodes_treeids", {0, 0, 0}),
      attr_ints("nodes_nodeids", {0, 1, 2}),
      attr_ints("nodes_featureids", {0, 0, 0}),
      attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF"}),
      attr_ints("nodes_truenodeids", {1, 0, 0}),
      attr_ints("nodes_falsenodeids", {2, 0, 0}),
      attr_ints("target_treeids", {0, 0}),
      attr_ints("target_nodeids", {1, 2}),
      attr_ints("target_ids", {0, 0}),
      attr_floats("target_weights", {10, 20}),
  };
  if (double_tensor)
    a.push_back(attr_tensor("nodes_values_as_tensor", Tensor::from_vector<double>({3}, {0.1, 0, 0})));
  else
    a.push_back(attr_floats("nodes_values", {0.1f, 0, 0}));
  return tree_model("TreeEnsembleRegressor", 3, x_type, 1, a);
}

TEST(TreeRegressor, compares_double_input_with_double_or_widened_float_thresholds) {
  // X = 0.1 and X = (double)0.1f: the float threshold 0.1f holds both, the double 0.1 only the first.
  const Tensor x = matrix<double>(2, 1, {0.1, static_cast<double>(0.1f)});
  expect_floats(run_model(threshold_point_one(DType::Double, false), x)[0].second.tensor(), {10, 10});
  expect_floats(run_model(threshold_point_one(DType::Double, true), x)[0].second.tensor(), {10, 20});
}

TEST(TreeRegressor, double_tensor_attributes_need_double_input) {
  // ORT fails to create the kernel for float X with double *_as_tensor attributes.
  std::string message;
  Model declared = threshold_point_one(DType::Float, true);
  EXPECT_EQ(error_kind([&] { Session s(declared, ops::all_kernels()); }, &message), ErrorKind::BadModel);
  EXPECT_NE(message.find("nodes_values_as_tensor"), std::string::npos) << message;
  // Undeclared X type: found when running.
  Model undeclared = threshold_point_one(DType::Float, true);
  undeclared.graph.inputs[0].type.elem = DType::Undefined;
  Session s(undeclared, ops::all_kernels());
  EXPECT_EQ(error_kind([&] { s.run({{"X", matrix<float>(1, 1, {0})}}); }), ErrorKind::BadInput);
}

TEST(TreeRegressor, compares_integer_input_as_float) {
  // No ORT kernel takes int inputs for the regressor (its classifier does, converting to float);
  // 16777217 becomes 16777216.0f and so is <= 16777216.
  Model m = tree_model("TreeEnsembleRegressor", 3, DType::Int64, 1,
                       {attr_int("n_targets", 1), attr_ints("nodes_treeids", {0, 0, 0}), attr_ints("nodes_nodeids", {0, 1, 2}),
                        attr_ints("nodes_featureids", {0, 0, 0}), attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF"}),
                        attr_floats("nodes_values", {16777216.0f, 0, 0}), attr_ints("nodes_truenodeids", {1, 0, 0}),
                        attr_ints("nodes_falsenodeids", {2, 0, 0}), attr_ints("target_treeids", {0, 0}),
                        attr_ints("target_nodeids", {1, 2}), attr_ints("target_ids", {0, 0}),
                        attr_floats("target_weights", {10, 20})});
  expect_floats(run_model(m, matrix<int64_t>(3, 1, {16777217, 16777216, 16777218}))[0].second.tensor(), {10, 10, 20});
}

TEST(TreeRegressor, walks_categorical_chains_that_share_a_subtree) {
  // A categorical split x0 in {1, 4, 7} as converters write it: a chain of BRANCH_EQ nodes (which
  // track NaN) whose true branches all lead to node 3, itself a branch (x1 <= 0.5 ? 10 : 20);
  // the chain's end is leaf 6 (30).
  Model m = tree_model("TreeEnsembleRegressor", 3, DType::Float, 2,
                       {attr_int("n_targets", 1), attr_ints("nodes_treeids", {0, 0, 0, 0, 0, 0, 0}),
                        attr_ints("nodes_nodeids", {0, 1, 2, 3, 4, 5, 6}), attr_ints("nodes_featureids", {0, 0, 0, 1, 0, 0, 0}),
                        attr_strings("nodes_modes", {"BRANCH_EQ", "BRANCH_EQ", "BRANCH_EQ", "BRANCH_LEQ", "LEAF", "LEAF", "LEAF"}),
                        attr_floats("nodes_values", {1, 4, 7, 0.5f, 0, 0, 0}), attr_ints("nodes_truenodeids", {3, 3, 3, 4, 0, 0, 0}),
                        attr_ints("nodes_falsenodeids", {1, 2, 6, 5, 0, 0, 0}),
                        attr_ints("nodes_missing_value_tracks_true", {1, 1, 1, 0, 0, 0, 0}), attr_ints("target_treeids", {0, 0, 0}),
                        attr_ints("target_nodeids", {4, 5, 6}), attr_ints("target_ids", {0, 0, 0}),
                        attr_floats("target_weights", {10, 20, 30})});
  expect_floats(run_model(m, matrix<float>(6, 2, {1, 0, 4, 1, 7, 0, 2, 0, kNaN, 1, 7.5f, 0}))[0].second.tensor(),
                {10, 20, 10, 30, 20, 30});
}

TEST(TreeRegressor, outputs_an_empty_batch) {
  const NamedValues out = run_model(stump("BRANCH_LEQ", false), matrix<float>(0, 1, {}));
  EXPECT_EQ(out[0].second.tensor().shape(), (Shape{0, 1}));
}

// A random forest: 40 trees of depth 6 over 8 features, 3 targets, NaNs in the input.
Model random_forest(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<int64_t> tree_ids, node_ids, features, true_ids, false_ids, tracks, w_trees, w_nodes, w_ids;
  std::vector<std::string> modes;
  std::vector<float> values, weights;
  const int depth = 6, internal = (1 << depth) - 1, total = (1 << (depth + 1)) - 1;
  for (int t = 0; t < 40; ++t)
    for (int i = 0; i < total; ++i) {
      tree_ids.push_back(t);
      node_ids.push_back(i);
      const bool leaf = i >= internal;
      modes.push_back(leaf ? "LEAF" : (rng() % 5 == 0 ? "BRANCH_LT" : "BRANCH_LEQ"));
      features.push_back(leaf ? 0 : rng() % 8);
      values.push_back(leaf ? 0 : u(rng));
      true_ids.push_back(leaf ? 0 : 2 * i + 1);
      false_ids.push_back(leaf ? 0 : 2 * i + 2);
      tracks.push_back(rng() % 2);
      if (leaf)
        for (int k = 0; k < 3; ++k)
          if (rng() % 3 != 0) {
            w_trees.push_back(t);
            w_nodes.push_back(i);
            w_ids.push_back(k);
            weights.push_back(u(rng));
          }
    }
  return tree_model("TreeEnsembleRegressor", 3, DType::Float, 8,
                    {attr_int("n_targets", 3), attr_ints("nodes_treeids", tree_ids), attr_ints("nodes_nodeids", node_ids),
                     attr_ints("nodes_featureids", features), attr_strings("nodes_modes", modes),
                     attr_floats("nodes_values", values), attr_ints("nodes_truenodeids", true_ids),
                     attr_ints("nodes_falsenodeids", false_ids), attr_ints("nodes_missing_value_tracks_true", tracks),
                     attr_ints("target_treeids", w_trees), attr_ints("target_nodeids", w_nodes),
                     attr_ints("target_ids", w_ids), attr_floats("target_weights", weights),
                     attr_string("post_transform", "SOFTMAX")});
}

// Rows for random_forest: 8 features in [-1.2, 1.2], one value in `nan_every` a NaN.
Tensor forest_rows(uint32_t seed, int64_t rows, unsigned nan_every) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.2f, 1.2f);
  std::vector<float> xs(rows * 8);
  for (float& v : xs) v = rng() % nan_every == 0 ? kNaN : u(rng);
  return matrix<float>(rows, 8, xs);
}

// Runs `narrow` (the same forest as `wide` with its lists stored otherwise) on 257 rows and checks
// that it gives exactly wide's results and that the session took `taken` from its own copy.
void expect_same_results(const Model& wide, const Model& narrow, uint32_t seed, std::initializer_list<const char*> taken) {
  const Tensor x = forest_rows(seed, 257, 40);
  const Tensor want = run_model(wide, x)[0].second.tensor();
  Session s(narrow, ops::all_kernels());
  for (const char* name : taken) EXPECT_EQ(s.model().graph.nodes[0].attribute(name)->ints_view().size(), 0u) << name;
  const Tensor got = s.run({{"X", x}})[0].second.tensor();
  ASSERT_EQ(got.numel(), want.numel());
  for (int64_t i = 0; i < got.numel(); ++i) EXPECT_EQ(got.data<float>()[i], want.data<float>()[i]) << i;
}

TEST(TreeRegressor, results_do_not_depend_on_the_thread_count) {
  const Model m = random_forest(7);
  const Tensor x = forest_rows(11, 3001, 50);
  const Tensor one = run_model(m, x, 1)[0].second.tensor();
  for (int threads : {2, 3, 4}) {
    const Tensor many = run_model(m, x, threads)[0].second.tensor();
    ASSERT_EQ(many.numel(), one.numel());
    for (int64_t i = 0; i < one.numel(); ++i)
      ASSERT_EQ(many.data<float>()[i], one.data<float>()[i]) << "element " << i << " with " << threads << " threads";
  }
}

TEST(TreeRegressor, session_frees_the_node_lists_it_compiled_and_still_predicts) {
  const Model m = random_forest(3);
  const Tensor x = matrix<float>(2, 8, {0.1f, -0.4f, 0.9f, 0.2f, -0.7f, 0.3f, 0.5f, -0.1f,  //
                                        -0.9f, 0.8f, -0.2f, 0.6f, 0.4f, -0.3f, -0.6f, 0.7f});
  const Tensor expected = run_model(m, x)[0].second.tensor();
  Session s(m, ops::all_kernels());
  const Node& held = s.model().graph.nodes[0];
  for (const char* name : {"nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_truenodeids",
                           "nodes_falsenodeids", "nodes_missing_value_tracks_true", "target_treeids",
                           "target_nodeids", "target_ids"})
    EXPECT_EQ(held.attribute(name)->ints_view().size(), 0u) << name;
  EXPECT_EQ(held.attribute("nodes_modes")->string_count(), 0u);
  EXPECT_TRUE(held.attribute("nodes_values")->floats.empty());
  EXPECT_TRUE(held.attribute("target_weights")->floats.empty());
  EXPECT_EQ(held.get_int("n_targets", 0), 3);  // scalars stay
  // The caller's Model is a separate copy and keeps every list.
  EXPECT_EQ(m.graph.nodes[0].attribute("nodes_featureids")->ints_view().size(), 40u * 127u);
  const Tensor got = s.run({{"X", x}})[0].second.tensor();
  ASSERT_EQ(got.numel(), expected.numel());
  for (int64_t i = 0; i < got.numel(); ++i) EXPECT_EQ(got.data<float>()[i], expected.data<float>()[i]) << i;
}

TEST(TreeRegressor, int32_lists_taken_by_the_session_give_the_same_results) {
  // The loader stores each list in the narrowest of 1, 2, 4 or 8 bytes a value; here every list is
  // forced into Attribute::ints32, which a session takes for the child ids and writes child
  // positions over (KernelBuildInfo::take_ints32).
  const Model wide = random_forest(3);
  Model narrow = wide;
  for (Attribute& a : narrow.graph.nodes[0].attributes) {
    if (a.type != AttrType::Ints) continue;
    a.ints32.assign(a.ints.begin(), a.ints.end());
    std::vector<int64_t>().swap(a.ints);
  }
  expect_same_results(wide, narrow, 5, {"nodes_truenodeids", "nodes_falsenodeids"});
  // The caller's copy keeps its lists.
  EXPECT_GT(narrow.graph.nodes[0].attribute("nodes_truenodeids")->ints32.size(), 0u);
}

TEST(TreeRegressor, lists_held_in_one_or_two_bytes_give_the_same_results) {
  // The loader stores non-negative lists below 256 or 65536 as Attribute::ints8 / ints16; the
  // session then reads them in place and keeps the child positions in arrays of its own.
  const Model wide = random_forest(3);
  Model narrow = wide;
  size_t bytes8 = 0, bytes16 = 0;
  for (Attribute& a : narrow.graph.nodes[0].attributes) {
    if (a.type != AttrType::Ints || a.ints.empty()) continue;
    const auto [lo, hi] = std::minmax_element(a.ints.begin(), a.ints.end());
    if (*lo < 0 || *hi > 0xFFFF) continue;
    // Node ids in two bytes, the others in one where they fit: both forms in one ensemble.
    if (*hi <= 0xFF && a.name.find("nodeids") == std::string::npos) {
      a.ints8.assign(a.ints.begin(), a.ints.end());
      ++bytes8;
    } else {
      a.ints16.assign(a.ints.begin(), a.ints.end());
      ++bytes16;
    }
    std::vector<int64_t>().swap(a.ints);
  }
  ASSERT_GT(bytes8, 0u);
  ASSERT_GT(bytes16, 0u);
  expect_same_results(wide, narrow, 6, {"nodes_truenodeids", "nodes_falsenodeids", "nodes_featureids", "nodes_treeids"});
}

}  // namespace
}  // namespace onnxfn::tree_tests
