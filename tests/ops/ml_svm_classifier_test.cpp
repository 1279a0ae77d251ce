// ai.onnx.ml SVMClassifier: one-vs-one SVC with each kernel, the binary score layout for every
// post_transform, Platt probabilities with pairwise coupling, the linear (no support vector)
// mode and its binary labelling rule, and attribute/input errors.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models, built in Python with
// onnx.helper.make_node("SVMClassifier", ["X"], ["Y", "Z"], domain="ai.onnx.ml", **attrs) and
// run with onnxruntime.InferenceSession(...).run(None, {"X": X}).
#include "ops/all_kernels.h"
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const Tensor kX = floats({3, 2}, {1, 0.5f, -1, 2, 0.3f, -0.2f});
const std::vector<float> kSupportVectors = {1, 0, 0, 1, 1, 1, -1, 0.5f};

// Two classes with two support vectors each, RBF kernel (gamma 0.5).
std::vector<Attribute> binary_svc(const std::string& transform) {
  return {attr_string("kernel_type", "RBF"), attr_floats("kernel_params", {0.5f, 0, 3}),
          attr_floats("support_vectors", kSupportVectors), attr_ints("vectors_per_class", {2, 2}),
          attr_floats("coefficients", {0.7f, -0.4f, -0.6f, 0.3f}), attr_floats("rho", {0.05f}),
          attr_ints("classlabels_ints", {4, 9}), attr_string("post_transform", transform)};
}

// Three classes with 1, 2 and 1 support vectors.
std::vector<Attribute> multiclass_svc(const std::string& kernel, std::vector<float> params) {
  return {attr_string("kernel_type", kernel), attr_floats("kernel_params", std::move(params)),
          attr_floats("support_vectors", kSupportVectors), attr_ints("vectors_per_class", {1, 2, 1}),
          attr_floats("coefficients", {0.7f, -0.4f, -0.6f, 0.3f, 0.2f, 0.5f, -0.8f, 0.1f}),
          attr_floats("rho", {0.05f, -0.1f, 0.2f}), attr_strings("classlabels_strings", {"a", "b", "c"})};
}

TEST(SVMClassifier, binary_none_gives_minus_score_and_score) {
  auto out = run_ml("SVMClassifier", binary_svc("NONE"), {{"X", kX}}, 2);
  // A negative decision value votes for the second class.
  expect_values<int64_t>(out[0], {3}, {9, 9, 4});
  expect_floats(out[1], {3, 2}, {0.0352543071f, -0.0352543071f, 0.0361860953f, -0.0361860953f, -0.273185641f, 0.273185641f});
}

TEST(SVMClassifier, binary_logistic_gives_logistic_of_minus_score_and_score) {
  auto out = run_ml("SVMClassifier", binary_svc("LOGISTIC"), {{"X", kX}}, 2);
  expect_floats(out[1], {3, 2}, {0.508812666f, 0.491187334f, 0.509045541f, 0.490954459f, 0.432125211f, 0.567874789f});
}

TEST(SVMClassifier, binary_softmax_gives_one_minus_score_and_score) {
  for (const char* transform : {"SOFTMAX", "SOFTMAX_ZERO"}) {
    auto out = run_ml("SVMClassifier", binary_svc(transform), {{"X", kX}}, 2);
    expect_values<int64_t>(out[0], {3}, {9, 9, 4});
    expect_floats(out[1], {3, 2}, {1.03525436f, -0.0352543071f, 1.0361861f, -0.0361860953f, 0.726814389f, 0.273185641f});
  }
}

TEST(SVMClassifier, binary_probit_transforms_the_first_column_only) {
  auto out = run_ml("SVMClassifier", binary_svc("PROBIT"), {{"X", kX}}, 2);
  // ORT leaves the second column unwritten; onnxfn writes 0 there.
  expect_floats(out[1], {3, 2}, {kNaN, 0.0f, kNaN, 0.0f, -0.60327065f, 0.0f});
}

TEST(SVMClassifier, binary_probabilities_use_platt_scaling) {
  std::vector<Attribute> attrs = binary_svc("NONE");
  attrs.push_back(attr_floats("prob_a", {-2.0f}));
  attrs.push_back(attr_floats("prob_b", {0.1f}));
  auto out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  expect_values<int64_t>(out[0], {3}, {9, 9, 4});
  expect_floats(out[1], {3, 2}, {0.457447797f, 0.542552173f, 0.456984073f, 0.543016016f, 0.608962536f, 0.391037494f});
  attrs[7] = attr_string("post_transform", "LOGISTIC");
  out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  expect_floats(out[1], {3, 2}, {0.612408519f, 0.632405877f, 0.612298489f, 0.632513762f, 0.647704065f, 0.596532404f});
}

TEST(SVMClassifier, multiclass_scores_are_the_pairwise_decision_values_for_each_kernel) {
  struct Case {
    const char* kernel;
    std::vector<float> params;
    std::vector<std::string> labels;
    std::vector<float> scores;
  };
  const std::vector<Case> cases = {
      {"LINEAR", {0.5f, 0.25f, 3}, {"c", "b", "c"},
       {-0.350000054f, -0.125f, -0.825000048f, -2.04999995f, 0.300000012f, 0.600000024f, 0.280000001f, -0.159999996f, -0.020000007f}},
      {"POLY", {0.5f, 0.25f, 3}, {"c", "b", "a"},
       {-0.30468753f, -0.0162109379f, -0.537695348f, -0.995312512f, 0.482812494f, 1.03437495f, 0.0772500038f, -0.0871625021f, 0.180099994f}},
      {"RBF", {0.5f, 0.25f, 3}, {"a", "b", "a"},
       {-0.0758548975f, 0.117099971f, -0.224833265f, -0.133581832f, 0.00105886697f, 0.350736976f, 0.172320694f, 0.154306144f, 0.161502078f}},
      {"SIGMOID", {0.5f, 0.25f, 3}, {"c", "b", "a"},
       {-0.147199094f, -0.0102760978f, -0.190652058f, -0.84184593f, 0.105501369f, 0.200850964f, 0.0816227198f, -0.00902268663f, 0.046388261f}},
      {"POLY", {0.5f, 1, 2.5f}, {"a", "b", "a"},
       {-1.15058231f, 0.543780088f, -2.13669991f, -3.74240375f, 1.6324116f, 1.38957155f, 0.0575471111f, 0.355374664f, -0.262320906f}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kernel);
    auto out = run_ml("SVMClassifier", multiclass_svc(c.kernel, c.params), {{"X", kX}}, 2);
    expect_values<std::string>(out[0], {3}, c.labels);
    expect_floats(out[1], {3, 3}, c.scores);
  }
}

TEST(SVMClassifier, multiclass_softmax_applies_to_the_pairwise_scores) {
  std::vector<Attribute> attrs = multiclass_svc("RBF", {0.5f, 0, 3});
  attrs.push_back(attr_string("post_transform", "SOFTMAX"));
  auto out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  expect_values<std::string>(out[0], {3}, {"a", "b", "a"});
  expect_floats(out[1], {3, 3}, {0.32526505f, 0.3944906f, 0.28024438f, 0.265449524f, 0.3037076f, 0.430842876f,
                                 0.336543232f, 0.330534846f, 0.332921922f});
}

TEST(SVMClassifier, multiclass_probabilities_use_pairwise_coupling) {
  std::vector<Attribute> attrs = multiclass_svc("RBF", {0.5f, 0, 3});
  attrs.push_back(attr_floats("prob_a", {-1.5f, -2.0f, -0.7f}));
  attrs.push_back(attr_floats("prob_b", {0.1f, -0.2f, 0.05f}));
  auto out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  // Labels still come from the votes, scores are one probability per class.
  expect_values<std::string>(out[0], {3}, {"a", "b", "a"});
  expect_floats(out[1], {3, 3}, {0.355271757f, 0.337561518f, 0.307166755f, 0.318678826f, 0.389606148f, 0.291714936f,
                                 0.40858835f, 0.321754128f, 0.269657493f});
  attrs.push_back(attr_string("post_transform", "LOGISTIC"));
  out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  expect_floats(out[1], {3, 3}, {0.587895393f, 0.583598077f, 0.576193511f, 0.579002202f, 0.59618789f, 0.572415888f,
                                 0.600749314f, 0.57975167f, 0.567008793f});
}

TEST(SVMClassifier, without_support_vectors_is_linear_with_a_shared_rho) {
  // kernel_type says RBF but without support vectors the model is linear (ORT's liblinear mode).
  std::vector<Attribute> attrs = {attr_string("kernel_type", "RBF"), attr_floats("kernel_params", {0.1f, 0, 3}),
                                  attr_floats("coefficients", {0.5f, -0.25f, -0.5f, 0.25f}), attr_floats("rho", {0.1f}),
                                  attr_strings("classlabels_strings", {"n", "p"}), attr_string("post_transform", "NONE")};
  auto out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  // Mixed-sign coefficients: any positive best score picks the second label.
  expect_values<std::string>(out[0], {3}, {"p", "p", "p"});
  expect_floats(out[1], {3, 2}, {0.474999994f, -0.275000006f, -0.899999976f, 1.10000002f, 0.300000012f, -0.100000001f});
  attrs.back() = attr_string("post_transform", "LOGISTIC");
  out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  expect_floats(out[1], {3, 2}, {0.616566479f, 0.431680024f, 0.289050519f, 0.750260115f, 0.574442506f, 0.475020826f});
  attrs.back() = attr_string("post_transform", "SOFTMAX");
  out = run_ml("SVMClassifier", attrs, {{"X", kX}}, 2);
  expect_floats(out[1], {3, 2}, {0.679178715f, 0.320821285f, 0.119202919f, 0.880797029f, 0.598687649f, 0.401312321f});
}

TEST(SVMClassifier, linear_binary_with_non_negative_coefficients_needs_a_score_of_one_half) {
  auto out = run_ml("SVMClassifier",
                    {attr_string("kernel_type", "LINEAR"), attr_floats("kernel_params", {0.1f, 0, 3}),
                     attr_floats("coefficients", {0.5f, 0.25f, 0.5f, 0.25f}), attr_floats("rho", {-0.3f}),
                     attr_ints("classlabels_ints", {0, 1})},
                    {{"X", floats({3, 2}, {1, 0.5f, 2, 1, 0.3f, -0.2f})}}, 2);
  expect_values<int64_t>(out[0], {3}, {0, 1, 0});
  expect_floats(out[1], {3, 2}, {0.324999988f, 0.324999988f, 0.949999988f, 0.949999988f, -0.200000003f, -0.200000003f});
}

TEST(SVMClassifier, linear_multiclass_takes_the_best_score) {
  auto out = run_ml("SVMClassifier",
                    {attr_string("kernel_type", "LINEAR"), attr_floats("kernel_params", {0.1f, 0, 3}),
                     attr_floats("coefficients", {0.5f, -0.25f, -0.5f, 0.25f, 0.1f, 0.1f}), attr_floats("rho", {0.1f}),
                     attr_ints("classlabels_ints", {5, 6, 7})},
                    {{"X", kX}}, 2);
  expect_values<int64_t>(out[0], {3}, {5, 6, 5});
  expect_floats(out[1], {3, 3}, {0.474999994f, -0.275000006f, 0.25f, -0.899999976f, 1.10000002f, 0.200000003f,
                                 0.300000012f, -0.100000001f, 0.109999999f});
}

TEST(SVMClassifier, double_input_is_read_as_float) {
  auto out = run_ml("SVMClassifier", binary_svc("NONE"), {{"X", Tensor::from_vector<double>({3, 2}, {1, 0.5, -1, 2, 0.3, -0.2})}}, 2);
  expect_values<int64_t>(out[0], {3}, {9, 9, 4});
  expect_floats(out[1], {3, 2}, {0.0352543071f, -0.0352543071f, 0.0361860953f, -0.0361860953f, -0.273185641f, 0.273185641f});
}

TEST(SVMClassifier, batches_split_across_threads_match_single_rows) {
  // 1000 rows run on a 4-thread session give the same answers as one row at a time.
  const int64_t n = 1000;
  std::vector<float> data(static_cast<size_t>(n * 2));
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>((i * 37) % 101) / 25.0f - 2.0f;
  const Tensor x = floats({n, 2}, data);
  std::vector<Attribute> attrs = multiclass_svc("RBF", {0.5f, 0, 3});
  Session s(ml_model("SVMClassifier", attrs, {{"X", x}}, 2, 3), ops::all_kernels(), {.threads = 4});
  auto batch = s.run({{"X", x}});
  for (int64_t i = 0; i < n; i += 97) {
    auto one = run_ml("SVMClassifier", attrs, {{"X", floats({1, 2}, {data[2 * i], data[2 * i + 1]})}}, 2);
    EXPECT_EQ(batch[0].second.tensor().data<std::string>()[i], one[0].tensor().data<std::string>()[0]);
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_EQ(batch[1].second.tensor().data<float>()[i * 3 + j], one[1].tensor().data<float>()[j]);
  }
}

TEST(SVMClassifier, rejects_inconsistent_attributes_at_load) {
  auto build = [](std::vector<Attribute> attrs) {
    return [attrs] { run_ml("SVMClassifier", attrs, {{"X", kX}}, 2); };
  };
  std::vector<Attribute> ok = multiclass_svc("RBF", {0.5f, 0, 3});
  auto with = [&](const Attribute& a) {
    std::vector<Attribute> attrs = ok;
    for (Attribute& existing : attrs)
      if (existing.name == a.name) existing = a;
    return attrs;
  };
  expect_error(build(with(attr_floats("coefficients", {1, 1}))), ErrorKind::BadModel, "coefficients attribute size");
  expect_error(build(with(attr_floats("rho", {0.1f}))), ErrorKind::BadModel, "rho attribute size");
  expect_error(build(with(attr_ints("vectors_per_class", {1, 3}))), ErrorKind::BadModel, "vectors_per_class");
  expect_error(build(with(attr_floats("support_vectors", {1, 2, 3}))), ErrorKind::BadModel, "support_vectors size");
  expect_error(build(with(attr_string("kernel_type", "CUBIC"))), ErrorKind::BadModel, "kernel_type");
  expect_error(build(with(attr_floats("kernel_params", {0.5f, 0}))), ErrorKind::BadModel, "kernel_params");
  expect_error(build(with(attr_strings("classlabels_strings", {}))), ErrorKind::BadModel, "must be provided");
  std::vector<Attribute> proba = ok;
  proba.push_back(attr_floats("prob_a", {1}));
  proba.push_back(attr_floats("prob_b", {1}));
  expect_error(build(proba), ErrorKind::BadModel, "prob_a attribute size");
  proba.back() = attr_floats("prob_b", {1, 2});
  expect_error(build(proba), ErrorKind::BadModel, "same length");
}

TEST(SVMClassifier, rejects_inputs_with_the_wrong_feature_count) {
  expect_error([] { run_ml("SVMClassifier", binary_svc("NONE"), {{"X", floats({1, 3}, {1, 2, 3})}}, 2); },
               ErrorKind::BadInput, "input X has 3 features, the model expects 2");
  expect_error([] { run_ml("SVMClassifier", binary_svc("NONE"), {{"X", floats({}, {1})}}, 2); }, ErrorKind::BadInput,
               "must be 1-D or 2-D");
}

}  // namespace
}  // namespace onnxfn
