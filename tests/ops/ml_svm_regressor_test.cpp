// ai.onnx.ml SVMRegressor: each kernel, one-class output, the linear (no support vector) mode,
// post_transform being ignored as in ORT, and errors.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models, built in Python with
// onnx.helper.make_node("SVMRegressor", ["X"], ["Y"], domain="ai.onnx.ml", **attrs) and run with
// onnxruntime.InferenceSession(...).run(None, {"X": X}).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const Tensor kX = floats({3, 2}, {1, 0.5f, -1, 2, 0.3f, -0.2f});

std::vector<Attribute> regressor(const std::string& kernel) {
  return {attr_string("kernel_type", kernel), attr_floats("kernel_params", {0.5f, 0.25f, 2}),
          attr_floats("support_vectors", {1, 0, 0, 1, 1, 1}), attr_int("n_supports", 3),
          attr_floats("coefficients", {0.7f, -0.4f, 0.2f}), attr_floats("rho", {0.05f})};
}

TEST(SVMRegressor, sums_weighted_kernel_values_for_each_kernel) {
  const std::vector<std::pair<const char*, std::vector<float>>> cases = {
      {"LINEAR", {0.850000024f, -1.25f, 0.360000044f}},
      {"POLY", {0.543749988f, -0.418749988f, 0.171000004f}},
      {"RBF", {0.630142629f, -0.0679138452f, 0.477107257f}},
      {"SIGMOID", {0.462076277f, -0.333726734f, 0.314672828f}},
  };
  for (const auto& [kernel, want] : cases) {
    SCOPED_TRACE(kernel);
    expect_floats(run_ml("SVMRegressor", regressor(kernel), {{"X", kX}})[0], {3, 1}, want);
  }
}

TEST(SVMRegressor, one_class_outputs_the_sign) {
  std::vector<Attribute> attrs = regressor("RBF");
  attrs.push_back(attr_int("one_class", 1));
  expect_floats(run_ml("SVMRegressor", attrs, {{"X", kX}})[0], {3, 1}, {1, -1, 1});
}

TEST(SVMRegressor, post_transform_is_ignored_like_ort) {
  std::vector<Attribute> attrs = regressor("RBF");
  attrs.push_back(attr_string("post_transform", "LOGISTIC"));
  expect_floats(run_ml("SVMRegressor", attrs, {{"X", kX}})[0], {3, 1}, {0.630142629f, -0.0679138452f, 0.477107257f});
}

TEST(SVMRegressor, without_support_vectors_is_linear) {
  auto out = run_ml("SVMRegressor",
                    {attr_string("kernel_type", "RBF"), attr_floats("kernel_params", {0.5f, 0.25f, 2.5f}),
                     attr_floats("coefficients", {0.7f, -0.4f}), attr_floats("rho", {0.05f})},
                    {{"X", kX}});
  expect_floats(out[0], {3, 1}, {0.550000012f, -1.45000005f, 0.340000033f});
}

TEST(SVMRegressor, rejects_bad_attributes_and_inputs) {
  std::vector<Attribute> short_coefficients = regressor("RBF");
  short_coefficients[4] = attr_floats("coefficients", {0.7f, -0.4f});
  expect_error([&] { run_ml("SVMRegressor", short_coefficients, {{"X", kX}}); }, ErrorKind::BadModel, "n_supports");
  std::vector<Attribute> ragged = regressor("RBF");
  ragged[2] = attr_floats("support_vectors", {1, 0, 0, 1, 1});
  expect_error([&] { run_ml("SVMRegressor", ragged, {{"X", kX}}); }, ErrorKind::BadModel, "support_vectors size");
  expect_error([] { run_ml("SVMRegressor", regressor("RBF"), {{"X", floats({1, 3}, {1, 2, 3})}}); }, ErrorKind::BadInput,
               "the model expects 2");
}

}  // namespace
}  // namespace onnxfn
