// Unary math kernels (unary_math.cpp) against ORT 1.32 values; see elementwise_test_support.h
// for how the expected numbers were produced.
#include "ops/elementwise_test_support.h"

namespace onnxfn::testing {
namespace {

const std::vector<float> kX = {-3.5f, -1.0f, -0.25f, 0.0f, 0.3f, 1.0f, 2.5f, 7.0f};
const std::vector<float> kPositive = {0.001f, 0.25f, 1.0f, 2.5f, 7.0f, 100.0f};
const std::vector<float> kUnit = {-0.9f, -0.5f, 0.0f, 0.3f, 0.75f};

TEST(UnaryMath, exp_log_sqrt_reciprocal_match_ort_float) {
  expect_close<float>(run1("Exp", {vec(kX)}, {}, 18), {8},
                      {0.0301973838f, 0.36787945f, 0.778800786f, 1.0f, 1.34985876f, 2.71828175f, 12.1824942f, 1096.63318f});
  expect_close<float>(run1("Log", {vec(kPositive)}, {}, 18), {6},
                      {-6.90775537f, -1.38629436f, 0.0f, 0.91629076f, 1.9459101f, 4.60517025f});
  expect_tensor<float>(run1("Sqrt", {vec(kPositive)}, {}, 18), {6},
                       {0.0316227786f, 0.5f, 1.0f, 1.58113885f, 2.64575124f, 10.0f});
  expect_tensor<float>(run1("Reciprocal", {vec(kPositive)}, {}, 18), {6},
                       {999.999939f, 4.0f, 1.0f, 0.400000006f, 0.142857149f, 0.00999999978f});
}

TEST(UnaryMath, exp_of_double_is_computed_in_double) {
  std::vector<double> x(kX.begin(), kX.end());
  expect_close<double>(run1("Exp", {vec(x)}, {}, 18), {8},
                       {0.030197383422318501, 0.36787944117144228, 0.77880078307140488, 1, 1.3498588236675741,
                        2.7182818284590455, 12.182493960703473, 1096.6331584284585},
                       1e-15);
}

TEST(UnaryMath, trigonometric_and_hyperbolic_match_ort) {
  expect_close<float>(run1("Sin", {vec(kX)}, {}, 18), {8},
                      {0.350783229f, -0.841470957f, -0.247403964f, 0.0f, 0.295520216f, 0.841470957f, 0.598472178f, 0.656986594f});
  expect_close<float>(run1("Cos", {vec(kX)}, {}, 18), {8},
                      {-0.93645668f, 0.540302277f, 0.968912423f, 1.0f, 0.955336511f, 0.540302277f, -0.801143587f, 0.753902256f});
  expect_close<float>(run1("Atan", {vec(kX)}, {}, 18), {8},
                      {-1.29249668f, -0.785398126f, -0.244978681f, 0.0f, 0.291456789f, 0.785398126f, 1.19028997f, 1.42889929f});
  expect_close<float>(run1("Asinh", {vec(kX)}, {}, 18), {8},
                      {-1.96572053f, -0.881373584f, -0.247466475f, 0.0f, 0.295673072f, 0.881373584f, 1.64723122f, 2.64412069f});
  expect_close<float>(run1("Tan", {vec(kUnit)}, {}, 18), {5}, {-1.26015818f, -0.546302497f, 0.0f, 0.309336275f, 0.931596458f});
  expect_close<float>(run1("Asin", {vec(kUnit)}, {}, 18), {5}, {-1.11976957f, -0.523598731f, 0.0f, 0.304692686f, 0.848062098f});
  expect_close<float>(run1("Acos", {vec(kUnit)}, {}, 18), {5}, {2.69056582f, 2.09439516f, 1.57079637f, 1.26610386f, 0.722734272f});
  expect_close<float>(run1("Atanh", {vec(kUnit)}, {}, 18), {5}, {-1.47221935f, -0.549306154f, 0.0f, 0.309519619f, 0.972955108f});
  expect_close<float>(run1("Sinh", {vec(kUnit)}, {}, 18), {5}, {-1.02651668f, -0.521095276f, 0.0f, 0.304520309f, 0.822316706f});
  expect_close<float>(run1("Cosh", {vec(kUnit)}, {}, 18), {5}, {1.4330864f, 1.12762594f, 1.0f, 1.04533851f, 1.29468334f});
  std::vector<float> ge1;
  for (float v : kPositive) ge1.push_back(v + 1);
  expect_close<float>(run1("Acosh", {vec(ge1)}, {}, 18), {6},
                      {0.044718679f, 0.693147182f, 1.31695795f, 1.92484736f, 2.76865935f, 5.30824327f});
}

TEST(UnaryMath, erf_matches_ort) {
  expect_close<float>(run1("Erf", {vec(kX)}, {}, 18), {8},
                      {-0.999999285f, -0.842700779f, -0.276326388f, 0.0f, 0.328626782f, 0.842700779f, 0.999593079f, 1.0f});
}

TEST(UnaryMath, round_halves_to_even_and_floor_ceil) {
  Tensor x = vec<float>({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, 2.6f, -2.6f, kNaN, kInf});
  expect_tensor<float>(run1("Round", {x}, {}, 11), {10}, {0.0f, 2.0f, 2.0f, -0.0f, -2.0f, 2.0f, 3.0f, -3.0f, kNaN, kInf});
  expect_tensor<double>(run1("Floor", {vec<double>({-1.5, 1.5, -0.0})}), {3}, {-2.0, 1.0, -0.0});
  expect_tensor<double>(run1("Ceil", {vec<double>({-1.5, 1.5, 0.2})}), {3}, {-1.0, 2.0, 1.0});
}

TEST(UnaryMath, abs_and_neg_wrap_the_most_negative_integer_like_ort) {
  expect_tensor<int32_t>(run1("Abs", {vec<int32_t>({INT32_MIN, -3, 4})}), {3}, {INT32_MIN, 3, 4});
  expect_tensor<int32_t>(run1("Neg", {vec<int32_t>({INT32_MIN, -3, 4})}), {3}, {INT32_MIN, 3, -4});
  expect_tensor<int8_t>(run1("Abs", {vec<int8_t>({-128, -7})}), {2}, {-128, 7});
  expect_tensor<uint8_t>(run1("Abs", {vec<uint8_t>({200, 0})}), {2}, {200, 0});
  expect_tensor<float>(run1("Neg", {vec<float>({1.5f, -0.0f})}), {2}, {-1.5f, 0.0f});
}

TEST(UnaryMath, sign_keeps_nan_and_maps_negative_zero_to_zero) {
  Tensor y = run1("Sign", {vec<float>({-3.0f, 0.0f, kNaN, 2.0f, -0.0f})});
  expect_tensor<float>(y, {5}, {-1.0f, 0.0f, kNaN, 1.0f, 0.0f});
  EXPECT_FALSE(std::signbit(y.data<float>()[4]));
  expect_tensor<int64_t>(run1("Sign", {vec<int64_t>({-3, 0, 2})}), {3}, {-1, 0, 1});
  expect_tensor<uint16_t>(run1("Sign", {vec<uint16_t>({0, 9})}), {2}, {0, 1});
}

TEST(UnaryMath, isnan_and_isinf_with_detect_attributes) {
  Tensor x = vec<float>({-2.0f, kNaN, 0.5f, -kInf, kInf});
  expect_tensor<bool>(run1("IsNaN", {x}), {5}, {false, true, false, false, false});
  expect_tensor<bool>(run1("IsInf", {x}), {5}, {false, false, false, true, true});
  expect_tensor<bool>(run1("IsInf", {x}, {attr_int("detect_negative", 0)}), {5}, {false, false, false, false, true});
  expect_tensor<bool>(run1("IsInf", {x}, {attr_int("detect_positive", 0)}), {5}, {false, false, false, true, false});
}

TEST(UnaryMath, not_inverts_bools_and_keeps_the_shape) {
  expect_tensor<bool>(run1("Not", {tensor<bool>({2, 2}, {true, false, false, true})}), {2, 2}, {false, true, true, false});
}

TEST(UnaryMath, empty_and_scalar_tensors) {
  expect_tensor<float>(run1("Exp", {tensor<float>({0, 3}, {})}), {0, 3}, {});
  expect_tensor<float>(run1("Sqrt", {Tensor::scalar<float>(4.0f)}), {}, {2.0f});
}

TEST(UnaryMath, early_opset_versions_are_supported) {
  expect_tensor<float>(run1("Exp", {vec<float>({0.0f})}, {}, 1), {1}, {1.0f});
  expect_tensor<float>(run1("Abs", {vec<float>({-2.0f})}, {}, 6), {1}, {2.0f});
}

TEST(UnaryMath, rejects_element_types_the_operator_does_not_define) {
  expect_error([] { run1("Sqrt", {vec<int32_t>({4})}); }, ErrorKind::BadInput, "int32");
  expect_error([] { run1("Neg", {vec<uint8_t>({4})}); }, ErrorKind::BadInput, "uint8");
  expect_error([] { run1("Not", {vec<float>({1.0f})}); }, ErrorKind::BadInput, "bool expected");
}

TEST(UnaryMath, operator_missing_in_the_model_opset_is_unsupported) {
  // Round was introduced in opset 11.
  expect_error([] { run1("Round", {vec<float>({1.0f})}, {}, 10); }, ErrorKind::Unsupported, "Round");
}

TEST(UnaryMath, large_tensor_gives_the_same_result_on_several_threads) {
  std::vector<float> x(200000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 1000) * 0.01f - 5.0f;
  Tensor one = run_onnx("Exp", {vec(x)}, {}, 17, 1).at(0);
  Tensor four = run_onnx("Exp", {vec(x)}, {}, 17, 4).at(0);
  ASSERT_EQ(one.numel(), four.numel());
  for (int64_t i = 0; i < one.numel(); ++i) ASSERT_EQ(one.data<float>()[i], four.data<float>()[i]) << i;
}

}  // namespace
}  // namespace onnxfn::testing
