// ai.onnx.ml Imputer: NaN and ordinary replaced values, per-feature and single imputed values,
// int64 inputs, and ORT's errors for mismatched value kinds.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("Imputer", ["X"], ["Y"], domain="ai.onnx.ml", **attrs), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const Tensor kX = floats({2, 3}, {1, kNaN, 3, kNaN, 0, 0});

TEST(Imputer, replaces_nan_with_a_single_value) {
  auto out = run_ml("Imputer", {attr_floats("imputed_value_floats", {9}), attr_float("replaced_value_float", kNaN)}, {{"X", kX}});
  expect_floats(out[0], {2, 3}, {1, 9, 3, 9, 0, 0});
}

TEST(Imputer, replaces_nan_with_the_value_of_its_feature) {
  auto out = run_ml("Imputer", {attr_floats("imputed_value_floats", {7, 8, 9}), attr_float("replaced_value_float", kNaN)},
                    {{"X", kX}});
  expect_floats(out[0], {2, 3}, {1, 8, 3, 7, 0, 0});
}

TEST(Imputer, default_replaced_value_is_zero_and_odd_value_counts_use_the_first) {
  auto out = run_ml("Imputer", {attr_floats("imputed_value_floats", {7, 8})}, {{"X", kX}});
  expect_floats(out[0], {2, 3}, {1, kNaN, 3, kNaN, 7, 7});
}

TEST(Imputer, imputes_int64_features) {
  auto out = run_ml("Imputer", {attr_ints("imputed_value_int64s", {7, 8, 9}), attr_int("replaced_value_int64", -1)},
                    {{"X", int64s({2, 3}, {-1, 2, -1, 4, -1, 6})}});
  expect_values<int64_t>(out[0], {2, 3}, {7, 2, 9, 4, 8, 6});
}

TEST(Imputer, double_input_uses_the_float_attributes) {
  // Beyond ORT (float and int64 only): double reads *_floats, int32 reads *_int64s.
  auto out = run_ml("Imputer", {attr_floats("imputed_value_floats", {2.5f}), attr_float("replaced_value_float", kNaN)},
                    {{"X", Tensor::from_vector<double>({2}, {std::nan(""), 1})}});
  expect_values<double>(out[0], {2}, {2.5, 1});
}

TEST(Imputer, rejects_both_or_neither_value_lists_and_a_mismatched_input_kind) {
  expect_error([] {
    run_ml("Imputer", {attr_floats("imputed_value_floats", {1}), attr_ints("imputed_value_int64s", {1})}, {{"X", kX}});
  }, ErrorKind::BadModel, "exactly one of");
  expect_error([] { run_ml("Imputer", {}, {{"X", kX}}); }, ErrorKind::BadModel, "exactly one of");
  expect_error([] { run_ml("Imputer", {attr_floats("imputed_value_floats", {1})}, {{"X", int64s({1, 2}, {1, 0})}}); },
               ErrorKind::BadInput, "only has imputed values of the other kind");
}

}  // namespace
}  // namespace onnxfn
