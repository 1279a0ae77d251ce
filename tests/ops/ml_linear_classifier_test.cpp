// ai.onnx.ml LinearClassifier: labels and scores for every post_transform, binary and
// multiclass layouts, input types, and attribute/input errors.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models, built in Python with
// onnx.helper.make_node("LinearClassifier", ["X"], ["Y", "Z"], domain="ai.onnx.ml", **attrs) and
// run with onnxruntime.InferenceSession(...).run(None, {"X": X}).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const Tensor kX = floats({3, 2}, {1, 2, -1, 0.5f, 0.2f, -0.3f});

// 3 classes: coefficients [[0.5, -0.25], [-0.3, 0.8], [0.1, 0.1]], intercepts [0.1, -0.2, 0.05].
std::vector<Attribute> multiclass(const std::string& transform) {
  return {attr_floats("coefficients", {0.5f, -0.25f, -0.3f, 0.8f, 0.1f, 0.1f}),
          attr_floats("intercepts", {0.1f, -0.2f, 0.05f}), attr_ints("classlabels_ints", {10, 20, 30}),
          attr_string("post_transform", transform)};
}

// One coefficient row and two string labels: ORT's binary layout.
std::vector<Attribute> binary(const std::string& transform) {
  return {attr_floats("coefficients", {0.5f, -0.25f}), attr_floats("intercepts", {0.1f}),
          attr_strings("classlabels_strings", {"neg", "pos"}), attr_string("post_transform", transform)};
}

TEST(LinearClassifier, multiclass_none_gives_raw_scores_and_argmax_labels) {
  auto out = run_ml("LinearClassifier", multiclass("NONE"), {{"X", kX}}, 2);
  expect_values<int64_t>(out[0], {3}, {20, 20, 10});
  expect_floats(out[1], {3, 3}, {0.100000001f, 1.0999999f, 0.350000024f, -0.524999976f, 0.50000006f, 0.0f,
                                 0.275000006f, -0.5f, 0.0399999991f});
}

TEST(LinearClassifier, multiclass_logistic_applies_to_every_score) {
  auto out = run_ml("LinearClassifier", multiclass("LOGISTIC"), {{"X", kX}}, 2);
  expect_values<int64_t>(out[0], {3}, {20, 20, 10});
  expect_floats(out[1], {3, 3}, {0.524979174f, 0.750260115f, 0.586617589f, 0.371683836f, 0.622459292f, 0.5f,
                                 0.568319976f, 0.377540708f, 0.509998679f});
}

TEST(LinearClassifier, multiclass_softmax_normalises_each_row) {
  auto out = run_ml("LinearClassifier", multiclass("SOFTMAX"), {{"X", kX}}, 2);
  expect_floats(out[1], {3, 3}, {0.199907765f, 0.543405592f, 0.256686658f, 0.182563215f, 0.508821189f, 0.308615625f,
                                 0.444192827f, 0.204641312f, 0.351165891f});
}

TEST(LinearClassifier, multiclass_softmax_zero_keeps_zero_scores_at_zero) {
  auto out = run_ml("LinearClassifier", multiclass("SOFTMAX_ZERO"), {{"X", kX}}, 2);
  // Row 2 has a score of exactly 0: it stays 0 and the other two share the mass.
  expect_floats(out[1], {3, 3}, {0.199907765f, 0.543405592f, 0.256686658f, 0.264054596f, 0.735945463f, 0.0f,
                                 0.444192827f, 0.204641312f, 0.351165891f});
}

TEST(LinearClassifier, softmax_zero_of_an_all_zero_row_is_nan) {
  auto out = run_ml("LinearClassifier",
                    {attr_floats("coefficients", {1, 0, 0, 1, 0, 0}), attr_floats("intercepts", {0, 0, 0}),
                     attr_ints("classlabels_ints", {1, 2, 3}), attr_string("post_transform", "SOFTMAX_ZERO")},
                    {{"X", floats({2, 2}, {0.5f, 0, 0, 0})}}, 2);
  expect_floats(out[1], {2, 3}, {1.0f, 0.0f, 0.0f, kNaN, kNaN, kNaN});
}

TEST(LinearClassifier, multiclass_probit_uses_orts_erfinv_approximation) {
  auto out = run_ml("LinearClassifier", multiclass("PROBIT"), {{"X", kX}}, 2);
  // Scores outside [0, 1] give NaN, 0 gives -inf, as in ORT.
  expect_floats(out[1], {3, 3}, {-1.28171289f, kNaN, -0.385340244f, kNaN, 0.0f, -kInf, -0.597822964f, kNaN, -1.7503047f});
}

TEST(LinearClassifier, binary_none_softmax_and_softmax_zero_give_one_minus_score_and_score) {
  for (const char* transform : {"NONE", "SOFTMAX", "SOFTMAX_ZERO"}) {
    auto out = run_ml("LinearClassifier", binary(transform), {{"X", kX}}, 2);
    expect_values<std::string>(out[0], {3}, {"pos", "neg", "pos"});
    expect_floats(out[1], {3, 2}, {0.899999976f, 0.100000001f, 1.52499998f, -0.524999976f, 0.725000024f, 0.275000006f});
  }
}

TEST(LinearClassifier, binary_logistic_gives_logistic_of_minus_score_and_score) {
  auto out = run_ml("LinearClassifier", binary("LOGISTIC"), {{"X", kX}}, 2);
  expect_values<std::string>(out[0], {3}, {"pos", "neg", "pos"});
  expect_floats(out[1], {3, 2}, {0.475020826f, 0.524979174f, 0.628316164f, 0.371683836f, 0.431680024f, 0.568319976f});
}

TEST(LinearClassifier, binary_probit_writes_packed_scores_like_ort) {
  auto out = run_ml("LinearClassifier", binary("PROBIT"), {{"X", kX}}, 2);
  // ORT transforms the three single scores in place without spreading them over two columns:
  // the first three elements hold probit(s_i); ORT leaves the rest unwritten (zero here).
  const Tensor& z = out[1].tensor();
  ASSERT_EQ(z.shape(), (Shape{3, 2}));
  EXPECT_NEAR(z.data<float>()[0], -1.28171289f, 1e-5f);
  EXPECT_TRUE(std::isnan(z.data<float>()[1]));
  EXPECT_NEAR(z.data<float>()[2], -0.597822964f, 1e-5f);
  EXPECT_EQ(z.data<float>()[3], 0.0f);
}

TEST(LinearClassifier, binary_without_labels_gives_one_raw_column_and_0_1_labels) {
  std::vector<Attribute> attrs = {attr_floats("coefficients", {0.5f, -0.25f}), attr_floats("intercepts", {0.1f}),
                                  attr_string("post_transform", "LOGISTIC")};
  auto out = run_ml("LinearClassifier", attrs, {{"X", kX}}, 2);
  expect_values<int64_t>(out[0], {3}, {1, 0, 1});
  // A single score is left raw by LOGISTIC (ORT's binary case); only PROBIT changes it.
  expect_floats(out[1], {3, 1}, {0.100000001f, -0.524999976f, 0.275000006f});
  attrs.back() = attr_string("post_transform", "PROBIT");
  out = run_ml("LinearClassifier", attrs, {{"X", kX}}, 2);
  expect_floats(out[1], {3, 1}, {-1.28171289f, kNaN, -0.597822964f});
}

TEST(LinearClassifier, integer_and_double_inputs_are_read_as_float) {
  const std::vector<float> want = {0.199907765f, 0.543405592f, 0.256686658f, 0.00179089792f, 0.975272894f, 0.0229362268f};
  for (const Tensor& x : {int64s({2, 2}, {1, 2, -3, 4}), Tensor::from_vector<int32_t>({2, 2}, {1, 2, -3, 4}),
                          Tensor::from_vector<double>({2, 2}, {1, 2, -3, 4})}) {
    auto out = run_ml("LinearClassifier", multiclass("SOFTMAX"), {{"X", x}}, 2);
    expect_values<int64_t>(out[0], {2}, {20, 20});
    expect_floats(out[1], {2, 3}, want);
  }
}

TEST(LinearClassifier, one_dimensional_input_is_one_row) {
  auto out = run_ml("LinearClassifier", multiclass("NONE"), {{"X", floats({2}, {1, 2})}}, 2);
  expect_values<int64_t>(out[0], {1}, {20});
  expect_floats(out[1], {1, 3}, {0.100000001f, 1.0999999f, 0.350000024f});
}

TEST(LinearClassifier, ties_pick_the_first_class) {
  auto out = run_ml("LinearClassifier",
                    {attr_floats("coefficients", {1, 0, 1, 0}), attr_floats("intercepts", {0, 0}),
                     attr_ints("classlabels_ints", {7, 8})},
                    {{"X", kX}}, 2);
  expect_values<int64_t>(out[0], {3}, {7, 7, 7});
  expect_floats(out[1], {3, 2}, {1, 1, -1, -1, 0.2f, 0.2f});
}

TEST(LinearClassifier, extra_coefficients_and_labels_are_ignored) {
  auto out = run_ml("LinearClassifier",
                    {attr_floats("coefficients", {0.5f, -0.25f, -0.3f, 0.8f}), attr_floats("intercepts", {0.1f, -0.2f}),
                     attr_strings("classlabels_strings", {"a", "b", "c"})},
                    {{"X", kX}}, 2);
  expect_values<std::string>(out[0], {3}, {"b", "b", "a"});
  expect_floats(out[1], {3, 2}, {0.100000001f, 1.0999999f, -0.524999976f, 0.50000006f, 0.275000006f, -0.5f});
}

TEST(LinearClassifier, rejects_invalid_attributes_at_load) {
  auto build = [](std::vector<Attribute> attrs) {
    return [attrs] { run_ml("LinearClassifier", attrs, {{"X", kX}}, 2); };
  };
  expect_error(build({attr_floats("coefficients", {1, 2, 3}), attr_floats("intercepts", {0, 0}),
                      attr_ints("classlabels_ints", {0, 1})}),
               ErrorKind::BadModel, "must be a multiple of the number of classes");
  expect_error(build({attr_floats("coefficients", {1, 2}), attr_floats("intercepts", {0}), attr_ints("classlabels_ints", {4})}),
               ErrorKind::BadModel, "exactly 2 elements");
  expect_error(build({attr_floats("coefficients", {1, 2, 3, 4}), attr_floats("intercepts", {0, 0})}), ErrorKind::BadModel,
               "must be provided");
  expect_error(build({attr_floats("coefficients", {1, 2, 3, 4, 5, 6}), attr_floats("intercepts", {0, 0, 0}),
                      attr_ints("classlabels_ints", {1, 2})}),
               ErrorKind::BadModel, "has 2 elements but intercepts defines 3 classes");
  expect_error(build({attr_floats("coefficients", {1, 2, 3, 4}), attr_floats("intercepts", {0, 0}),
                      attr_ints("classlabels_ints", {0, 1}), attr_strings("classlabels_strings", {"a", "b"})}),
               ErrorKind::BadModel, "only one of");
  expect_error(build({attr_floats("coefficients", {1, 2})}), ErrorKind::BadModel, "intercepts");
  expect_error(build({attr_floats("coefficients", {1, 2}), attr_floats("intercepts", {0}), attr_string("post_transform", "SIGMOID")}),
               ErrorKind::BadModel, "post_transform");
}

TEST(LinearClassifier, rejects_inputs_that_do_not_fit_the_coefficients) {
  expect_error([] { run_ml("LinearClassifier", multiclass("NONE"), {{"X", floats({1, 3}, {1, 2, 3})}}, 2); },
               ErrorKind::BadInput, "is less than class_count (3) * num_features (3)");
  expect_error([] { run_ml("LinearClassifier", multiclass("NONE"), {{"X", floats({1, 1, 2}, {1, 2})}}, 2); },
               ErrorKind::BadInput, "must be 1-D or 2-D");
  expect_error([] { run_ml("LinearClassifier", multiclass("NONE"), {{"X", strings({1, 2}, {"a", "b"})}}, 2); },
               ErrorKind::BadInput, "element type string");
}

}  // namespace
}  // namespace onnxfn
