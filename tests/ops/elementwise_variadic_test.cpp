// Max, Min, Sum, Mean (elementwise_variadic.cpp) against ORT 1.32 behaviour; see
// elementwise_test_support.h for how the expected numbers were produced.
#include "ops/elementwise_test_support.h"

namespace onnxfn::testing {
namespace {

TEST(Variadic, max_and_min_propagate_nan_and_keep_the_first_of_equal_zeros) {
  Tensor a = vec<float>({1, kNaN, 3, kNaN, -0.0f, 0.0f});
  Tensor b = vec<float>({kNaN, 2, 1, kNaN, 0.0f, -0.0f});
  Tensor mx = run1("Max", {a, b});
  expect_tensor<float>(mx, {6}, {kNaN, kNaN, 3, kNaN, -0.0f, 0.0f});
  EXPECT_TRUE(std::signbit(mx.data<float>()[4]));
  EXPECT_FALSE(std::signbit(mx.data<float>()[5]));
  Tensor mn = run1("Min", {a, b});
  expect_tensor<float>(mn, {6}, {kNaN, kNaN, 1, kNaN, -0.0f, 0.0f});
  EXPECT_TRUE(std::signbit(mn.data<float>()[4]));
}

TEST(Variadic, single_input_is_copied) {
  expect_tensor<int32_t>(run1("Max", {vec<int32_t>({3, -1})}), {2}, {3, -1});
  expect_tensor<float>(run1("Mean", {vec<float>({0.5f})}), {1}, {0.5f});
}

TEST(Variadic, three_inputs_broadcast_to_a_common_shape) {
  // [3] , [2,1], scalar -> [2,3]
  expect_tensor<int64_t>(run1("Max", {vec<int64_t>({1, 5, 3}), tensor<int64_t>({2, 1}, {2, 4}), Tensor::scalar<int64_t>(3)}),
                         {2, 3}, {3, 5, 3, 4, 5, 4});
  expect_tensor<float>(run1("Sum", {vec<float>({1, 2, 3}), tensor<float>({2, 1}, {10, 20}), Tensor::scalar<float>(100)}),
                       {2, 3}, {111, 112, 113, 121, 122, 123});
  // The first two inputs do not span the output here.
  expect_tensor<double>(run1("Min", {vec<double>({1, 5}), vec<double>({4, 2}), tensor<double>({2, 1}, {3, 0})}), {2, 2},
                        {1, 2, 0, 0});
}

TEST(Variadic, mean_multiplies_the_sum_by_the_reciprocal_like_ort) {
  Tensor x = vec<float>({0.1f, 0.7f});
  expect_tensor<float>(run1("Mean", {x, x, x}), {2}, {0.100000009f, 0.699999988f});
}

TEST(Variadic, before_opset_8_inputs_must_have_the_same_shape) {
  expect_tensor<float>(run1("Sum", {vec<float>({1, 2}), vec<float>({3, 4})}, {}, 6), {2}, {4, 6});
  expect_error([] { run1("Max", {tensor<float>({2, 2}, {1, 2, 3, 4}), vec<float>({1, 2})}, {}, 6); }, ErrorKind::BadInput,
               "before opset 8");
}

TEST(Variadic, rejects_mixed_types_incompatible_shapes_and_integer_mean) {
  expect_error([] { run1("Sum", {vec<float>({1}), vec<double>({1})}); }, ErrorKind::BadInput, "input 1 has type double");
  expect_error([] { run1("Max", {vec<float>({1, 2, 3}), vec<float>({1, 2})}); }, ErrorKind::BadInput, "cannot be broadcast");
  expect_error([] { run1("Mean", {vec<int32_t>({1}), vec<int32_t>({1})}); }, ErrorKind::BadInput, "int32");
}

TEST(Variadic, integer_max_and_min_but_float_only_sum) {
  expect_tensor<uint8_t>(run1("Max", {vec<uint8_t>({1, 200}), vec<uint8_t>({100, 3})}), {2}, {100, 200});
  expect_tensor<int16_t>(run1("Min", {vec<int16_t>({-1, 200}), Tensor::scalar<int16_t>(3)}), {2}, {-1, 3});
  // ONNX Sum and Mean are defined for floating-point types only (ORT: float and double).
  expect_error([] { run1("Sum", {vec<int32_t>({1}), vec<int32_t>({1})}); }, ErrorKind::BadInput, "int32");
}

}  // namespace
}  // namespace onnxfn::testing
