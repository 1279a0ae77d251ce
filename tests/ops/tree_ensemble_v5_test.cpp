// ai.onnx.ml TreeEnsemble (version 5): index-based nodes and leaves, BRANCH_MEMBER sets (small
// exact sets and ORT's int32 "big sets"), single-leaf trees, the integer aggregate_function and
// post_transform codes, and double precision. Expected values come from onnxruntime 1.32 (1 thread)
// on the same attributes, built with onnx.helper.make_node("TreeEnsemble", ["X"], ["Y"],
// domain="ai.onnx.ml", **attributes) (tensors via numpy_helper.from_array) in an ai.onnx.ml 5 model.
#include "ops/all_kernels.h"
#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

template <class T>
Tensor vec(const std::vector<T>& v) {
  return Tensor::from_vector<T>({static_cast<int64_t>(v.size())}, v);
}

// node 0: x0 in `members` ? leaf 0 (1) : node 1; node 1: x1 <= 0.5 ? leaf 1 (10) : leaf 2 (100).
template <class T>
std::vector<Attribute> member_tree(const std::vector<T>& members, std::vector<int64_t> tracks = {}) {
  std::vector<Attribute> a{
      attr_int("n_targets", 1),
      attr_ints("tree_roots", {0}),
      attr_ints("nodes_featureids", {0, 1}),
      attr_tensor("nodes_modes", vec<uint8_t>({6, 0})),
      attr_tensor("nodes_splits", vec<T>({0, 0.5})),
      attr_tensor("membership_values", vec<T>(members)),
      attr_ints("nodes_truenodeids", {0, 1}),
      attr_ints("nodes_trueleafs", {1, 1}),
      attr_ints("nodes_falsenodeids", {1, 2}),
      attr_ints("nodes_falseleafs", {0, 1}),
      attr_ints("leaf_targetids", {0, 0, 0}),
      attr_tensor("leaf_weights", vec<T>({1, 10, 100})),
  };
  if (!tracks.empty()) a.push_back(attr_ints("nodes_missing_value_tracks_true", tracks));
  return a;
}

Model v5_model(std::vector<Attribute> a, DType x_type = DType::Float, int64_t features = 2) {
  return tree_model("TreeEnsemble", 5, x_type, features, std::move(a));
}

const Tensor& member_x() {
  static const Tensor x = matrix<float>(12, 2, {1, 0, 3, 0, 5, 1, 2, 0, 2, 1, 1.5f, 0, 3.0000002f, 1, kNaN, 0,
                                                kNaN, 1, -1, 1, 31, 1, 33, 0});
  return x;
}

TEST(TreeEnsembleV5, small_member_sets_test_exact_equality) {
  const std::vector<float> set{1, 3, 5, kNaN};
  expect_floats(run_model(v5_model(member_tree(set)), member_x())[0].second.tensor(),
                {1, 1, 1, 10, 100, 10, 100, 10, 100, 100, 100, 10});
  // NaN is a member only where the node tracks missing values.
  expect_floats(run_model(v5_model(member_tree(set, {1, 1})), member_x())[0].second.tensor(),
                {1, 1, 1, 10, 100, 10, 100, 1, 1, 100, 100, 10});
  // Non-integer members of a small set compare exactly; -0 equals 0.
  expect_floats(run_model(v5_model(member_tree<float>({0, 1.5f, 3, kNaN})),
                          matrix<float>(5, 2, {1.5f, 1, 1, 1, -0.0f, 1, 0.5f, 1, 3, 1}))[0]
                    .second.tensor(),
                {1, 100, 1, 100, 1});
}

TEST(TreeEnsembleV5, session_frees_the_lists_it_decoded_and_still_predicts) {
  const std::vector<float> set{1, 3, 5, kNaN};
  const Model m = v5_model(member_tree(set));
  Session s(m, ops::all_kernels());
  const Node& held = s.model().graph.nodes[0];
  for (const char* name : {"tree_roots", "nodes_featureids", "nodes_truenodeids", "nodes_trueleafs",
                           "nodes_falsenodeids", "nodes_falseleafs", "leaf_targetids"})
    EXPECT_EQ(held.attribute(name)->ints_view().size(), 0u) << name;
  for (const char* name : {"nodes_modes", "nodes_splits", "membership_values", "leaf_weights"})
    EXPECT_EQ(held.attribute(name)->t.numel(), 0) << name;
  EXPECT_EQ(held.get_int("n_targets", 0), 1);  // scalars stay
  EXPECT_EQ(m.graph.nodes[0].attribute("nodes_featureids")->ints_view().size(), 2u);  // the caller's copy
  expect_floats(s.run({{"X", member_x()}})[0].second.tensor(), {1, 1, 1, 10, 100, 10, 100, 10, 100, 100, 100, 10});
}

TEST(TreeEnsembleV5, big_member_sets_truncate_the_input_to_int32) {
  // A set with a value above 30 is an ORT "big set": x is truncated to int32, so 1.5 and
  // 3.0000002 are members of {1, 3, 5, 33}.
  expect_floats(run_model(v5_model(member_tree<float>({1, 3, 5, 33, kNaN})), member_x())[0].second.tensor(),
                {1, 1, 1, 10, 100, 1, 1, 10, 100, 100, 100, 1});
  const Tensor x = matrix<float>(7, 2, {0.9f, 1, 1.0f, 1, 1.9f, 1, -0.5f, 1, 33.7f, 1, 1e10f, 1, kNaN, 1});
  expect_floats(run_model(v5_model(member_tree<float>({1, 33, kNaN})), x)[0].second.tensor(), {100, 1, 1, 100, 1, 100, 100});
  // NaN and out-of-range values truncate to INT32_MIN, as x86 does (and hence ORT).
  expect_floats(run_model(v5_model(member_tree<float>({0, 33, -2147483648.0f, kNaN})), x)[0].second.tensor(),
                {1, 100, 100, 1, 1, 1, 1});
}

TEST(TreeEnsembleV5, rejects_big_sets_with_non_int32_members_and_empty_sets) {
  std::string message;
  EXPECT_EQ(error_kind([&] { Session s(v5_model(member_tree<float>({2.5f, 3, 40, kNaN})), ops::all_kernels()); }, &message), ErrorKind::BadModel);
  EXPECT_NE(message.find("int32"), std::string::npos) << message;
  EXPECT_EQ(error_kind([&] { Session s(v5_model(member_tree<float>({kNaN})), ops::all_kernels()); }, &message), ErrorKind::BadModel);
  EXPECT_NE(message.find("empty"), std::string::npos) << message;
}

// Two trees and two targets: tree 0 as member_tree({1, 3, 5}) with leaves 0.1 (target 0), 0.2
// (target 1), 0.3 (target 0); tree 1 is the single leaf 3, 0.4 for target 1.
template <class T>
std::vector<Attribute> two_trees(int64_t aggregate, int64_t transform) {
  return {
      attr_int("n_targets", 2),
      attr_ints("tree_roots", {0, 2}),
      attr_ints("nodes_featureids", {0, 1, 0}),
      attr_tensor("nodes_modes", vec<uint8_t>({6, 0, 0})),
      attr_tensor("nodes_splits", vec<T>({0, 0.5, 0})),
      attr_tensor("membership_values", vec<T>({1, 3, 5, std::numeric_limits<T>::quiet_NaN()})),
      attr_ints("nodes_truenodeids", {0, 1, 3}),
      attr_ints("nodes_trueleafs", {1, 1, 1}),
      attr_ints("nodes_falsenodeids", {1, 2, 3}),
      attr_ints("nodes_falseleafs", {0, 1, 1}),
      attr_ints("leaf_targetids", {0, 1, 0, 1}),
      attr_tensor("leaf_weights", vec<T>({0.1, 0.2, 0.3, 0.4})),
      attr_int("aggregate_function", aggregate),
      attr_int("post_transform", transform),
  };
}

TEST(TreeEnsembleV5, single_leaf_tree_is_a_node_whose_branches_are_the_same_leaf) {
  std::vector<Attribute> a = two_trees<float>(1, 0);
  a[0] = attr_int("n_targets", 1);
  a[10] = attr_ints("leaf_targetids", {0, 0, 0, 0});
  a[11] = attr_tensor("leaf_weights", vec<float>({1, 10, 100, 1000}));
  expect_floats(run_model(v5_model(a), member_x())[0].second.tensor(),
                {1001, 1001, 1001, 1010, 1100, 1010, 1100, 1010, 1100, 1100, 1100, 1010});
}

TEST(TreeEnsembleV5, numbers_aggregates_like_the_spec_and_post_transforms_like_ort) {
  // ORT 1.32 reads post_transform 1 as LOGISTIC and 2 as SOFTMAX (the spec says the reverse).
  const Tensor x = matrix<float>(3, 2, {1, 0, 2, 0, 2, 1});
  struct Case {
    int64_t aggregate, transform;
    std::vector<double> want;
  };
  const Case cases[] = {
      {0, 0, {0.05, 0.2, 0, 0.3, 0.15, 0.2}},
      {1, 0, {0.1, 0.4, 0, 0.6, 0.3, 0.4}},
      {2, 0, {0.1, 0.4, 0, 0.2, 0.3, 0.4}},
      {3, 0, {0.1, 0.4, 0, 0.4, 0.3, 0.4}},
      {1, 1, {0.5249792, 0.59868765, 0.5, 0.6456563, 0.5744425, 0.59868765}},
      {1, 2, {0.42555746, 0.5744425, 0.35434368, 0.6456563, 0.47502083, 0.5249792}},
      {1, 3, {0.42555746, 0.5744425, 0, 1, 0.47502083, 0.5249792}},
      {1, 4, {-1.2817129, -0.2533535, -kInf, 0.2533535, -0.5244459, -0.2533535}},
      {0, 1, {0.51249737, 0.54983395, 0.5, 0.5744425, 0.5374298, 0.54983395}},
      {2, 2, {0.42555746, 0.5744425, 0.450166, 0.54983395, 0.47502083, 0.5249792}},
      {3, 2, {0.42555746, 0.5744425, 0.40131232, 0.59868765, 0.47502083, 0.5249792}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("aggregate_function " + std::to_string(c.aggregate) + " post_transform " + std::to_string(c.transform));
    expect_floats(run_model(v5_model(two_trees<float>(c.aggregate, c.transform)), x)[0].second.tensor(), c.want);
  }
}

TEST(TreeEnsembleV5, double_input_gives_double_output_with_double_sums) {
  const Tensor x = matrix<double>(3, 2, {1, 0, 2, 0, 2, 1});
  const Tensor sum = run_model(v5_model(two_trees<double>(1, 0), DType::Double), x)[0].second.tensor();
  ASSERT_EQ(sum.dtype(), DType::Double);
  expect_values<double>(sum, {0.1, 0.4, 0.0, 0.6000000000000001, 0.3, 0.4}, 1e-16);
  // SOFTMAX is computed in float; SOFTMAX_ZERO with float exponentials and a double division.
  expect_values<double>(run_model(v5_model(two_trees<double>(1, 2), DType::Double), x)[0].second.tensor(),
                        {0.4255574643611908, 0.5744425058364868, 0.3543436825275421, 0.6456562876701355,
                         0.4750208258628845, 0.5249791741371155},
                        1e-15);
  expect_values<double>(run_model(v5_model(two_trees<double>(1, 3), DType::Double), x)[0].second.tensor(),
                        {0.42555746261635075, 0.5744425031442079, 0.0, 1.0, 0.47502083055102423, 0.5249792007401746},
                        1e-15);
}

TEST(TreeEnsembleV5, input_type_must_match_the_attribute_tensors) {
  std::string message;
  EXPECT_EQ(error_kind([&] { Session s(v5_model(two_trees<float>(1, 0), DType::Double), ops::all_kernels()); }, &message), ErrorKind::BadModel);
  EXPECT_NE(message.find("nodes_splits"), std::string::npos) << message;
  Model undeclared = v5_model(two_trees<double>(1, 0), DType::Double);
  undeclared.graph.inputs[0].type.elem = DType::Undefined;
  Session s(undeclared, ops::all_kernels());
  EXPECT_EQ(error_kind([&] { s.run({{"X", matrix<float>(1, 2, {1, 0})}}); }, &message), ErrorKind::BadInput);
  EXPECT_NE(message.find("must be double"), std::string::npos) << message;
}

}  // namespace
}  // namespace onnxfn::tree_tests
