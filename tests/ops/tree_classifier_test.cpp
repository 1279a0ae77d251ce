// ai.onnx.ml TreeEnsembleClassifier (versions 1 and 3): labels and scores of binary, multiclass and
// single-class models with int64 and string labels, ORT 1.32's binary special cases, input types.
// Expected values come from onnxruntime 1.32 (1 thread) on the same attributes, built with
// onnx.helper.make_node("TreeEnsembleClassifier", ["X"], ["label", "probabilities"],
// domain="ai.onnx.ml", **attributes); where ORT leaves a score column unwritten (uninitialised
// memory) the test says so and expects our 0.
#include "ops/all_kernels.h"
#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

struct Vote {
  int64_t tree, node, cls;
};

// Two trees over two features: tree 0 tests x0 <= 1, tree 1 tests x1 <= 2; nodes 1 (true) and 2
// (false) are leaves carrying `votes` with `weights`.
Model classifier(const std::vector<Vote>& votes, const std::vector<float>& weights, std::vector<Attribute> extra,
                 DType x_type = DType::Float, int64_t ml_opset = 3) {
  std::vector<int64_t> trees, nodes, classes;
  for (const Vote& v : votes) {
    trees.push_back(v.tree);
    nodes.push_back(v.node);
    classes.push_back(v.cls);
  }
  std::vector<Attribute> a{
      attr_ints("nodes_treeids", {0, 0, 0, 1, 1, 1}),
      attr_ints("nodes_nodeids", {0, 1, 2, 0, 1, 2}),
      attr_ints("nodes_featureids", {0, 0, 0, 1, 0, 0}),
      attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"}),
      attr_floats("nodes_values", {1.0f, 0, 0, 2.0f, 0, 0}),
      attr_ints("nodes_truenodeids", {1, 0, 0, 1, 0, 0}),
      attr_ints("nodes_falsenodeids", {2, 0, 0, 2, 0, 0}),
      attr_ints("class_treeids", trees),
      attr_ints("class_nodeids", nodes),
      attr_ints("class_ids", classes),
      attr_floats("class_weights", weights),
  };
  for (Attribute& e : extra) a.push_back(std::move(e));
  return tree_model("TreeEnsembleClassifier", ml_opset, x_type, 2, a);
}

const std::vector<Vote> kClass0Only{{0, 1, 0}, {0, 2, 0}, {1, 1, 0}, {1, 2, 0}};
const std::vector<Vote> kClass1Only{{0, 1, 1}, {0, 2, 1}, {1, 1, 1}, {1, 2, 1}};
const std::vector<Vote> kBothClasses{{0, 1, 0}, {0, 1, 1}, {0, 2, 0}, {0, 2, 1},
                                     {1, 1, 0}, {1, 1, 1}, {1, 2, 0}, {1, 2, 1}};
const Attribute kLabels57 = attr_ints("classlabels_int64s", {5, 7});

const Tensor& x4() {
  static const Tensor x = matrix<float>(4, 2, {0.5f, 1.0f, 1.5f, 3.0f, 0.5f, 3.0f, 1.5f, 1.0f});
  return x;
}

struct Result {
  Tensor label, scores;
};
Result classify(const Model& m, const Tensor& x = x4()) {
  NamedValues out = run_model(m, x);
  return {out[0].second.tensor(), out[1].second.tensor()};
}

TEST(TreeClassifier, binary_with_one_weight_column_expands_to_two_probabilities_like_skl2onnx_models) {
  // skl2onnx writes binary trees with class_ids all 0 (the positive class's probability): ORT
  // turns the summed score s into [1 - s, s] and picks class 1 when s > 0.5.
  const Result r = classify(classifier(kClass0Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57}));
  expect_labels(r.label, {5, 7, 5, 7});
  expect_floats(r.scores, {0.7, 0.3, 0.29999995, 0.70000005, 0.6, 0.4, 0.39999998, 0.6});
  // SOFTMAX does not apply to the expanded pair.
  expect_floats(classify(classifier(kClass0Only, {0.1f, 0.4f, 0.2f, 0.3f},
                                    {kLabels57, attr_string("post_transform", "SOFTMAX")}))
                    .scores,
                {0.7, 0.3, 0.29999995, 0.70000005, 0.6, 0.4, 0.39999998, 0.6});
}

TEST(TreeClassifier, binary_logistic_label_uses_the_raw_score_against_one_half) {
  // Gradient-boosting style (LOGISTIC): the scores are [logistic(-s), logistic(s)], but with all
  // weights positive the label still compares the raw s with 0.5, so row 0 (s = 0.3) is class 5
  // although its class-7 probability is 0.574.
  const Result r =
      classify(classifier(kClass0Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57, attr_string("post_transform", "LOGISTIC")}));
  expect_labels(r.label, {5, 7, 5, 7});
  expect_floats(r.scores, {0.4255575, 0.5744425, 0.3318122, 0.6681878, 0.40131235, 0.59868765, 0.3543437, 0.6456563});
  // One base value is added to the score first.
  const Result b = classify(classifier(kClass0Only, {0.1f, 0.4f, 0.2f, 0.3f},
                                       {kLabels57, attr_string("post_transform", "LOGISTIC"), attr_floats("base_values", {0.25f})}));
  expect_labels(b.label, {7, 7, 7, 7});
  expect_floats(b.scores, {0.3658644, 0.6341356, 0.27888483, 0.7211152, 0.34298956, 0.65701044, 0.2994328, 0.7005672});
}

TEST(TreeClassifier, binary_with_negative_weights_thresholds_at_zero_and_writes_minus_s) {
  const Result r = classify(classifier(kClass0Only, {-0.5f, 0.4f, 0.2f, -0.3f}, {kLabels57}));
  expect_labels(r.label, {5, 7, 5, 7});
  expect_floats(r.scores, {0.3, -0.3, -0.099999994, 0.099999994, 0.8, -0.8, -0.6, 0.6});
  expect_floats(classify(classifier(kClass0Only, {-0.5f, 0.4f, 0.2f, -0.3f},
                                    {kLabels57, attr_string("post_transform", "LOGISTIC")}))
                    .scores,
                {0.5744425, 0.4255575, 0.47502083, 0.5249792, 0.6899745, 0.3100255, 0.3543437, 0.6456563});
}

TEST(TreeClassifier, binary_probit_writes_only_the_first_column) {
  // ORT leaves column 1 unwritten (uninitialised memory); we leave it 0.
  const Result r =
      classify(classifier(kClass0Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57, attr_string("post_transform", "PROBIT")}));
  expect_labels(r.label, {5, 7, 5, 7});
  expect_floats(r.scores, {-0.5244459, 0, 0.5244459, 0, -0.2533535, 0, 0.2533535, 0});
}

TEST(TreeClassifier, binary_with_two_base_values_adds_them_per_class) {
  // Class 1 has no score: each class adds its own base value, and column 1 reads 0 (no score).
  const Result r = classify(classifier(kClass0Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57, attr_floats("base_values", {0.1f, 0.25f})}));
  expect_labels(r.label, {5, 7, 5, 7});
  expect_floats(r.scores, {0.4, 0, 0.8000001, 0, 0.5, 0, 0.70000005, 0});
  // Weights on class 1 only: score1 = base[1] + score0 (which is 0), column 0 stays 0.
  const Result p = classify(classifier(kClass1Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57, attr_floats("base_values", {0.1f, 0.25f})}));
  expect_labels(p.label, {5, 5, 5, 5});
  expect_floats(p.scores, {0, 0.25, 0, 0.25, 0, 0.25, 0, 0.25});
}

TEST(TreeClassifier, binary_with_class1_weights_keeps_two_columns) {
  const Result r = classify(classifier(kClass1Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57}));
  expect_labels(r.label, {5, 7, 5, 7});
  expect_floats(r.scores, {0, 0.3, 0, 0.70000005, 0, 0.4, 0, 0.6});
  expect_floats(classify(classifier(kClass1Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57, attr_string("post_transform", "SOFTMAX")})).scores,
                {0.42555746, 0.5744425, 0.33181223, 0.6681878, 0.40131232, 0.59868765, 0.35434368, 0.6456563});
}

TEST(TreeClassifier, binary_with_weights_for_both_classes_labels_by_class1_sign_as_literal_one_or_zero) {
  // ORT's label is 1 when class 1's summed score is positive, else 0 - written as is for int64
  // labels (so -1/1 labels give 1 and 0) and used as an index for string labels. Row 0 scores
  // [1.1, 0.3] and still gets 1.
  const std::vector<float> w{0.7f, -0.3f, 0.2f, 0.8f, 0.4f, 0.6f, 0.9f, -0.1f};
  const Result ints = classify(classifier(kBothClasses, w, {attr_ints("classlabels_int64s", {-1, 1})}));
  expect_labels(ints.label, {1, 1, 0, 1});
  expect_floats(ints.scores, {1.1, 0.3, 1.1, 0.7, 1.5999999, -0.4, 0.6, 1.4000001});
  const Result strs = classify(classifier(kBothClasses, w, {attr_strings("classlabels_strings", {"neg", "pos"})}));
  expect_labels(strs.label, std::vector<std::string>{"pos", "pos", "neg", "pos"});
  // Two base values: score1 = base[1] + score0, score0 = -score1.
  const Result b = classify(classifier(kBothClasses, {0.7f, 0.3f, 0.2f, 0.8f, 0.4f, 0.6f, 0.9f, 0.1f},
                                       {attr_ints("classlabels_int64s", {-1, 1}), attr_floats("base_values", {0.1f, 0.25f})}));
  expect_labels(b.label, {1, 1, 1, 1});
  expect_floats(b.scores, {-1.35, 1.35, -1.35, 1.35, -1.8499999, 1.8499999, -0.85, 0.85});
}

TEST(TreeClassifier, binary_with_both_classes_expands_rows_where_class1_got_nothing) {
  // Leaves vote for one class each: rows reaching only class-0 leaves get [-s, s].
  const std::vector<Vote> votes{{0, 1, 0}, {0, 2, 1}, {1, 1, 0}, {1, 2, 1}};
  const Result r = classify(classifier(votes, {0.7f, 0.8f, 0.4f, 0.1f}, {kLabels57}));
  expect_labels(r.label, {1, 1, 1, 1});
  expect_floats(r.scores, {-1.1, 1.1, 0, 0.90000004, 0.7, 0.1, 0.4, 0.8});
  expect_floats(classify(classifier(votes, {0.7f, 0.8f, 0.4f, 0.1f}, {kLabels57, attr_string("post_transform", "LOGISTIC")})).scores,
                {0.24973989, 0.7502601, 0.5, 0.7109495, 0.66818774, 0.5249792, 0.59868765, 0.6899745});
  // With one base value ORT writes row 0's score unexpanded and leaves column 1 unwritten.
  expect_floats(classify(classifier(votes, {0.7f, 0.8f, 0.4f, 0.1f}, {kLabels57, attr_floats("base_values", {0.25f})})).scores,
                {1.35, 0, 0, 0.90000004, 0.95, 0.1, 0.65, 0.8});
}

const std::vector<Vote> kThreeClassVotes{{0, 1, 0}, {0, 1, 2}, {1, 1, 1}};

TEST(TreeClassifier, multiclass_counts_base_values_as_scores_and_picks_the_first_best_class) {
  const Result r = classify(classifier(kThreeClassVotes, {0.3f, 0.3f, 0.2f},
                                       {attr_ints("classlabels_int64s", {10, 20, 30}), attr_floats("base_values", {0, 0.1f, 0.2f})}));
  expect_labels(r.label, {30, 30, 30, 20});
  expect_floats(r.scores, {0.3, 0.3, 0.5, 0, 0.1, 0.2, 0.3, 0.1, 0.5, 0, 0.3, 0.2});
  const Result s = classify(classifier(kThreeClassVotes, {0.3f, 0.3f, 0.2f},
                                       {attr_ints("classlabels_int64s", {10, 20, 30}), attr_floats("base_values", {0, 0.1f, 0.2f}),
                                        attr_string("post_transform", "SOFTMAX")}));
  expect_labels(s.label, {30, 30, 30, 20});
  expect_floats(s.scores, {0.31042376, 0.31042376, 0.37915242, 0.30060962, 0.332225, 0.3671654, 0.3289329, 0.2693075,
                           0.40175956, 0.28001308, 0.37797815, 0.34200877});
  // Ties go to the first class; classes without a score are not candidates (row 0: class 0 has none).
  const Result t = classify(classifier({{0, 1, 1}, {0, 1, 2}, {0, 2, 0}, {0, 2, 1}}, {0.5f, 0.5f, 0.2f, 0.2f},
                                       {attr_strings("classlabels_strings", {"x", "y", "z"})}));
  expect_labels(t.label, std::vector<std::string>{"y", "x", "y", "x"});
  expect_floats(t.scores, {0, 0.5, 0.5, 0.2, 0.2, 0, 0, 0.5, 0.5, 0.2, 0.2, 0});
}

TEST(TreeClassifier, multiclass_row_without_any_class_score_fails_like_ort) {
  // ORT fails the run (narrowing_error): row 1 reaches leaves without weights, no base_values.
  Session s(classifier(kThreeClassVotes, {0.3f, 0.3f, 0.2f}, {attr_ints("classlabels_int64s", {10, 20, 30})}), ops::all_kernels());
  EXPECT_EQ(error_kind([&] { s.run({{"X", x4()}}); }), ErrorKind::BadModel);
}

TEST(TreeClassifier, single_class_writes_one_column_and_labels_positive_scores_one) {
  const Result r = classify(classifier(kClass0Only, {-0.5f, 0.4f, 0.2f, -0.3f}, {attr_ints("classlabels_int64s", {4})}));
  expect_labels(r.label, {0, 1, 0, 1});  // ORT writes 1/0, not the label 4
  expect_floats(r.scores, {-0.3, 0.099999994, -0.8, 0.6});
  const Result p = classify(classifier(kClass0Only, {-0.5f, 0.4f, 0.2f, -0.3f},
                                       {attr_ints("classlabels_int64s", {4}), attr_floats("base_values", {0.5f}),
                                        attr_string("post_transform", "PROBIT")}));
  expect_labels(p.label, {1, 1, 0, 1});
  expect_floats(p.scores, {-0.8417561, 0.2533535, kNaN, kNaN});
  // ORT crashes here (it indexes past the single string label); we keep the only label.
  const Result s = classify(classifier(kClass0Only, {-0.5f, 0.4f, 0.2f, -0.3f}, {attr_strings("classlabels_strings", {"only"})}));
  expect_labels(s.label, std::vector<std::string>{"only", "only", "only", "only"});
}

TEST(TreeClassifier, accepts_int_and_double_inputs_comparing_ints_as_float) {
  // Threshold 16777216: as float, 16777217 rounds to 16777216 and is <= it; as double it is not.
  auto model = [](DType type) {
    return tree_model("TreeEnsembleClassifier", 3, type, 1,
                      {attr_ints("classlabels_int64s", {0, 1, 2}), attr_ints("nodes_treeids", {0, 0, 0}),
                       attr_ints("nodes_nodeids", {0, 1, 2}), attr_ints("nodes_featureids", {0, 0, 0}),
                       attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF"}),
                       attr_floats("nodes_values", {16777216.0f, 0, 0}), attr_ints("nodes_truenodeids", {1, 0, 0}),
                       attr_ints("nodes_falsenodeids", {2, 0, 0}), attr_ints("class_treeids", {0, 0}),
                       attr_ints("class_nodeids", {1, 2}), attr_ints("class_ids", {1, 2}),
                       attr_floats("class_weights", {10, 20})});
  };
  expect_labels(classify(model(DType::Int64), matrix<int64_t>(3, 1, {16777217, 16777216, 16777218})).label, {1, 1, 2});
  expect_labels(classify(model(DType::Int32), matrix<int32_t>(3, 1, {16777217, 16777216, 16777218})).label, {1, 1, 2});
  const Result d = classify(model(DType::Double), matrix<double>(3, 1, {16777217, 16777216, 16777218}));
  expect_labels(d.label, {2, 1, 2});
  expect_floats(d.scores, {0, 0, 20, 0, 10, 0, 0, 0, 20});
}

TEST(TreeClassifier, reads_double_class_weights_and_thresholds_of_version_3) {
  const Result r = classify(tree_model(
      "TreeEnsembleClassifier", 3, DType::Double, 1,
      {attr_ints("classlabels_int64s", {0, 1, 2}), attr_ints("nodes_treeids", {0, 0, 0}), attr_ints("nodes_nodeids", {0, 1, 2}),
       attr_ints("nodes_featureids", {0, 0, 0}), attr_strings("nodes_modes", {"BRANCH_LEQ", "LEAF", "LEAF"}),
       attr_tensor("nodes_values_as_tensor", Tensor::from_vector<double>({3}, {0.1, 0, 0})),
       attr_ints("nodes_truenodeids", {1, 0, 0}), attr_ints("nodes_falsenodeids", {2, 0, 0}),
       attr_ints("class_treeids", {0, 0}), attr_ints("class_nodeids", {1, 2}), attr_ints("class_ids", {1, 2}),
       attr_tensor("class_weights_as_tensor", Tensor::from_vector<double>({2}, {0.1, 0.2}))}),
                            matrix<double>(2, 1, {0.1, static_cast<double>(0.1f)}));
  expect_labels(r.label, {1, 2});
  expect_floats(r.scores, {0, 0.1, 0, 0, 0, 0.2});
}

TEST(TreeClassifier, runs_ai_onnx_ml_opset_1) {
  const Result r = classify(classifier(kClass0Only, {0.1f, 0.4f, 0.2f, 0.3f}, {kLabels57}, DType::Float, 1));
  expect_labels(r.label, {5, 7, 5, 7});
}

}  // namespace
}  // namespace onnxfn::tree_tests
