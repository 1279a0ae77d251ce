// ai.onnx.ml LinearRegressor: one and several targets under every post_transform, intercepts
// ignored when their count differs from targets (as ORT), input types and errors.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models, built in Python with
// onnx.helper.make_node("LinearRegressor", ["X"], ["Y"], domain="ai.onnx.ml", **attrs) and run
// with onnxruntime.InferenceSession(...).run(None, {"X": X}).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const Tensor kX = floats({2, 2}, {1, 0.5f, -1, 2});

std::vector<Attribute> one_target(const std::string& transform) {
  return {attr_floats("coefficients", {0.3f, -0.2f}), attr_floats("intercepts", {0.1f}),
          attr_string("post_transform", transform)};
}

std::vector<Attribute> two_targets(const std::string& transform) {
  return {attr_floats("coefficients", {0.3f, -0.2f, 0.1f, 0.4f}), attr_floats("intercepts", {0.1f, -0.1f}),
          attr_int("targets", 2), attr_string("post_transform", transform)};
}

TEST(LinearRegressor, one_target_is_left_raw_except_by_probit) {
  for (const char* transform : {"NONE", "LOGISTIC", "SOFTMAX", "SOFTMAX_ZERO"}) {
    SCOPED_TRACE(transform);
    expect_floats(run_ml("LinearRegressor", one_target(transform), {{"X", kX}})[0], {2, 1}, {0.300000012f, -0.600000024f});
  }
  expect_floats(run_ml("LinearRegressor", one_target("PROBIT"), {{"X", kX}})[0], {2, 1}, {-0.524445891f, kNaN});
}

TEST(LinearRegressor, several_targets_get_the_transform_per_row) {
  const std::vector<std::pair<const char*, std::vector<float>>> cases = {
      {"NONE", {0.300000012f, 0.200000018f, -0.600000024f, 0.599999964f}},
      {"LOGISTIC", {0.574442506f, 0.549834013f, 0.354343712f, 0.645656288f}},
      {"SOFTMAX", {0.524979174f, 0.475020826f, 0.231475204f, 0.768524826f}},
      {"SOFTMAX_ZERO", {0.524979174f, 0.475020826f, 0.231475204f, 0.768524826f}},
      {"PROBIT", {-0.524445891f, -0.841756105f, kNaN, 0.253353506f}},
  };
  for (const auto& [transform, want] : cases) {
    SCOPED_TRACE(transform);
    expect_floats(run_ml("LinearRegressor", two_targets(transform), {{"X", kX}})[0], {2, 2}, want);
  }
}

TEST(LinearRegressor, intercepts_of_the_wrong_length_are_ignored) {
  auto out = run_ml("LinearRegressor", {attr_floats("coefficients", {0.3f, -0.2f}), attr_floats("intercepts", {1, 2})},
                    {{"X", kX}});
  expect_floats(out[0], {2, 1}, {0.200000018f, -0.700000048f});
}

TEST(LinearRegressor, reads_one_dimensional_and_double_input_as_rows) {
  expect_floats(run_ml("LinearRegressor", one_target("NONE"), {{"X", floats({2}, {1, 0.5f})}})[0], {1, 1}, {0.300000012f});
  // ORT only takes float; onnxfn also reads double and integer X as float.
  expect_floats(run_ml("LinearRegressor", one_target("NONE"), {{"X", Tensor::from_vector<double>({2, 2}, {1, 0.5, -1, 2})}})[0],
                {2, 1}, {0.300000012f, -0.600000024f});
}

TEST(LinearRegressor, rejects_missing_coefficients_and_short_ones) {
  expect_error([] { run_ml("LinearRegressor", {attr_int("targets", 1)}, {{"X", kX}}); }, ErrorKind::BadModel, "coefficients");
  expect_error([] { run_ml("LinearRegressor", {attr_floats("coefficients", {1, 2}), attr_int("targets", 0)}, {{"X", kX}}); },
               ErrorKind::BadModel, "targets");
  expect_error([] { run_ml("LinearRegressor", one_target("NONE"), {{"X", floats({1, 3}, {1, 2, 3})}}); }, ErrorKind::BadInput,
               "must be at least targets (1) * features (3)");
}

}  // namespace
}  // namespace onnxfn
