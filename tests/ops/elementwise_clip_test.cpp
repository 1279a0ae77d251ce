// Clip (clip.cpp), attribute (opset < 11) and input (opset >= 11) forms, against ORT 1.32
// behaviour; see elementwise_test_support.h.
#include "ops/elementwise_test_support.h"

namespace onnxfn::testing {
namespace {

const std::vector<float> kX = {-2.0f, kNaN, 0.5f, 5.0f, -kInf, kInf};

TEST(Clip, bounds_from_inputs_keep_nan) {
  expect_tensor<float>(run1("Clip", {vec(kX), Tensor::scalar<float>(0), Tensor::scalar<float>(1)}, {}, 13), {6},
                       {0.0f, kNaN, 0.5f, 1.0f, 0.0f, 1.0f});
}

TEST(Clip, min_above_max_gives_max_and_nan_bound_is_ignored) {
  expect_tensor<float>(run1("Clip", {vec(kX), Tensor::scalar<float>(2), Tensor::scalar<float>(1)}, {}, 13), {6},
                       {1.0f, kNaN, 1.0f, 1.0f, 1.0f, 1.0f});
  expect_tensor<float>(run1("Clip", {vec(kX), Tensor::scalar<float>(kNaN), Tensor::scalar<float>(1)}, {}, 13), {6},
                       {-2.0f, kNaN, 0.5f, 1.0f, -kInf, 1.0f});
}

TEST(Clip, missing_bounds_are_the_finite_limits_of_the_type) {
  constexpr float lowest = std::numeric_limits<float>::lowest();
  constexpr float highest = std::numeric_limits<float>::max();
  // Only max given (min omitted with an empty name): -inf becomes lowest(), as in ORT.
  expect_tensor<float>(run1("Clip", {vec(kX), Tensor(), Tensor::scalar<float>(1)}, {}, 13), {6},
                       {-2.0f, kNaN, 0.5f, 1.0f, lowest, 1.0f});
  expect_tensor<float>(run1("Clip", {vec(kX)}, {}, 11), {6}, {-2.0f, kNaN, 0.5f, 5.0f, lowest, highest});
}

TEST(Clip, integer_types_from_opset_12) {
  expect_tensor<int32_t>(run1("Clip", {vec<int32_t>({-5, 3, 10}), Tensor::scalar<int32_t>(0), Tensor::scalar<int32_t>(4)}, {}, 12),
                         {3}, {0, 3, 4});
  expect_tensor<uint8_t>(run1("Clip", {vec<uint8_t>({0, 100, 255}), vec<uint8_t>({10})}, {}, 13), {3}, {10, 100, 255});
}

TEST(Clip, opset6_attributes) {
  expect_tensor<float>(run1("Clip", {vec(kX)}, {attr_float("min", 0.0f), attr_float("max", 1.0f)}, 6), {6},
                       {0.0f, kNaN, 0.5f, 1.0f, 0.0f, 1.0f});
  expect_tensor<double>(run1("Clip", {vec<double>({-2, 0.5, 5})}, {attr_float("min", 0.1f)}, 6), {3},
                        {static_cast<double>(0.1f), 0.5, 5.0});
  expect_tensor<float>(run1("Clip", {vec<float>({-kInf, 3.0f})}, {}, 1), {2}, {std::numeric_limits<float>::lowest(), 3.0f});
}

TEST(Clip, rejects_non_scalar_or_mistyped_bounds) {
  expect_error([] { run1("Clip", {vec<float>({1}), vec<float>({0, 1})}, {}, 13); }, ErrorKind::BadInput, "min must be a scalar");
  expect_error([] { run1("Clip", {vec<float>({1}), tensor<float>({1, 1}, {0})}, {}, 13); }, ErrorKind::BadInput,
               "min must be a scalar");
  expect_error([] { run1("Clip", {vec<float>({1}), Tensor::scalar<double>(0)}, {}, 13); }, ErrorKind::BadInput, "min has type double");
  expect_error([] { run1("Clip", {vec<int32_t>({1})}, {attr_float("min", 0.0f)}, 6); }, ErrorKind::BadInput, "int32");
}

TEST(Clip, versions_7_to_10_exist_as_clip_6) {
  // Clip changed at 1, 6, 11: opset 10 resolves to the attribute form.
  expect_tensor<float>(run1("Clip", {vec<float>({-1.0f, 2.0f})}, {attr_float("min", 0.0f)}, 10), {2}, {0.0f, 2.0f});
}

}  // namespace
}  // namespace onnxfn::testing
