// Activation kernels (activation.cpp) against ORT 1.32 values; see elementwise_test_support.h
// for how the expected numbers were produced.
#include "ops/elementwise_test_support.h"

namespace onnxfn::testing {
namespace {

const std::vector<float> kX = {-3.5f, -1.0f, -0.25f, 0.0f, 0.3f, 1.0f, 2.5f, 7.0f};

TEST(Activation, relu_keeps_negative_zero_and_nan_like_ort) {
  Tensor y = run1("Relu", {vec<float>({-3.0f, 0.0f, kNaN, 2.0f, -0.0f})});
  expect_tensor<float>(y, {5}, {0.0f, 0.0f, kNaN, 2.0f, -0.0f});
  EXPECT_TRUE(std::signbit(y.data<float>()[4]));
  expect_tensor<int8_t>(run1("Relu", {vec<int8_t>({-5, 5})}, {}, 14), {2}, {0, 5});
}

TEST(Activation, leaky_relu_default_and_custom_alpha) {
  expect_tensor<float>(run1("LeakyRelu", {vec<float>({-3.0f, 2.0f})}), {2}, {-0.0299999993f, 2.0f});
  expect_tensor<float>(run1("LeakyRelu", {vec<float>({-2.0f, 2.0f})}, {attr_float("alpha", 0.5f)}), {2}, {-1.0f, 2.0f});
}

TEST(Activation, sigmoid_and_tanh_match_ort) {
  // ORT's float Sigmoid is MLAS's rational approximation: within 2e-7 absolute of the exact value
  // we compute, but up to 1e-5 relative apart for |x| <= 5 (x = -3.5 here: 1.3e-6).
  expect_close<float>(run1("Sigmoid", {vec(kX)}, {}, 18), {8},
                      {0.0293121934f, 0.268941432f, 0.437823504f, 0.5f, 0.574442506f, 0.731058598f, 0.924141824f, 0.999088943f},
                      1e-6, 2e-7);
  expect_close<float>(run1("Tanh", {vec(kX)}, {}, 18), {8},
                      {-0.998177946f, -0.761594176f, -0.244918659f, 0.0f, 0.291312605f, 0.761594176f, 0.986614347f, 0.999998331f});
  std::vector<double> xd(kX.begin(), kX.end());
  expect_close<double>(run1("Sigmoid", {vec(xd)}, {}, 18), {8},
                       {0.029312230751356361, 0.2689414213699951, 0.43782349911420193, 0.5, 0.57444251972582916,
                        0.7310585786300049, 0.92414181997875655, 0.9990889488055994},
                       1e-15);
}

TEST(Activation, sigmoid_saturates_without_overflow) {
  expect_close<float>(run1("Sigmoid", {vec<float>({-kInf, -200.0f, 200.0f, kInf})}), {4}, {0.0f, 0.0f, 1.0f, 1.0f}, 0, 1e-30);
}

TEST(Activation, softplus_softsign_elu_selu_mish_hardswish_match_ort) {
  expect_close<float>(run1("Softplus", {vec(kX)}, {}, 18), {8},
                      {0.0297504216f, 0.313261688f, 0.575939476f, 0.693147182f, 0.854355216f, 1.31326175f, 2.57888985f, 7.00091124f});
  expect_close<float>(run1("Softsign", {vec(kX)}, {}, 18), {8},
                      {-0.777777791f, -0.5f, -0.200000003f, 0.0f, 0.230769247f, 0.5f, 0.714285731f, 0.875f});
  expect_close<float>(run1("Elu", {vec(kX)}, {}, 18), {8},
                      {-0.969802618f, -0.63212055f, -0.221199214f, 0.0f, 0.300000012f, 1.0f, 2.5f, 7.0f});
  expect_close<float>(run1("Selu", {vec(kX)}, {}, 18), {8},
                      {-1.70500934f, -1.11133075f, -0.388890177f, 0.0f, 0.315210313f, 1.05070102f, 2.62675261f, 7.35490704f});
  expect_close<float>(run1("Mish", {vec(kX)}, {}, 18), {8},
                      {-0.10409575f, -0.30340144f, -0.129926965f, 0.0f, 0.20800139f, 0.865098476f, 2.47139239f, 6.99998903f});
  expect_tensor<float>(run1("HardSwish", {vec(kX)}, {}, 18), {8},
                       {-0.0f, -0.333333313f, -0.114583336f, 0.0f, 0.165000007f, 0.666666687f, 2.29166675f, 7.0f});
}

TEST(Activation, softplus_tail_differs_between_float_and_double_as_in_ort) {
  expect_close<float>(run1("Softplus", {vec<float>({-100.0f, -40.0f, 0.0f, 40.0f})}, {}, 18), {4},
                      {3.78350585e-44f, 4.24835413e-18f, 0.693147182f, 40.0f}, 1e-6, 1e-45);
  expect_tensor<double>(run1("Softplus", {vec<double>({-100.0, -40.0, 0.0, 40.0})}, {}, 18), {4},
                        {0.0, 0.0, 0.69314718055994529, 40.0});
}

TEST(Activation, celu_with_alpha) {
  expect_close<float>(run1("Celu", {vec(kX)}, {attr_float("alpha", 2.0f)}, 18), {8},
                      {-1.65245211f, -0.786938667f, -0.235006213f, 0.0f, 0.300000012f, 1.0f, 2.5f, 7.0f});
}

TEST(Activation, hard_sigmoid_and_celu_propagate_nan) {
  expect_tensor<float>(run1("HardSigmoid", {vec<float>({kNaN, 1.0f, -kInf, kInf, -10.0f})}), {5},
                       {kNaN, 0.699999988f, 0.0f, 1.0f, 0.0f});
  expect_tensor<float>(run1("Celu", {vec<float>({kNaN, 1.0f})}), {2}, {kNaN, 1.0f});
}

TEST(Activation, thresholded_relu_zeroes_at_and_below_alpha) {
  expect_tensor<float>(run1("ThresholdedRelu", {vec<float>({0.5f, 1.0f, 1.5f, kNaN})}), {4}, {0.0f, 0.0f, 1.5f, 0.0f});
  expect_tensor<float>(run1("ThresholdedRelu", {vec<float>({0.5f, 1.0f})}, {attr_float("alpha", 0.2f)}), {2}, {0.5f, 1.0f});
}

TEST(Activation, gelu_exact_and_tanh_approximation) {
  expect_close<float>(run1("Gelu", {vec(kX)}, {}, 20), {8},
                      {-0.00081422925f, -0.158655256f, -0.100323416f, 0.0f, 0.18537344f, 0.841344714f, 2.48447609f, 7.0f},
                      1e-6, 2e-7);
  expect_close<float>(run1("Gelu", {vec(kX)}, {attr_string("approximate", "tanh")}, 20), {8},
                      {-0.000616148114f, -0.158807963f, -0.100324653f, 0.0f, 0.185370922f, 0.841192007f, 2.48491573f, 7.0f},
                      1e-6, 2e-7);
}

TEST(Activation, gelu_rejects_unknown_approximation) {
  expect_error([] { run1("Gelu", {vec<float>({1.0f})}, {attr_string("approximate", "fast")}, 20); },
               ErrorKind::BadModel, "approximate");
}

TEST(Activation, prelu_broadcasts_slope_both_ways_like_ort) {
  // X [2,3,2] with a per-channel slope [3,1].
  std::vector<float> x;
  for (int i = -6; i < 6; ++i) x.push_back(static_cast<float>(i));
  expect_tensor<float>(run1("PRelu", {tensor<float>({2, 3, 2}, x), tensor<float>({3, 1}, {0.1f, 0.2f, 0.3f})}), {2, 3, 2},
                       {-0.600000024f, -0.5f, -0.800000012f, -0.600000024f, -0.600000024f, -0.300000012f,
                        0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f});
  // ORT's output takes the broadcast shape even where it is larger than X's.
  expect_tensor<float>(run1("PRelu", {vec<float>({-1.0f, -2.0f}), tensor<float>({2, 1}, {0.1f, 0.2f})}), {2, 2},
                       {-0.100000001f, -0.200000003f, -0.200000003f, -0.400000006f});
  expect_tensor<int32_t>(run1("PRelu", {vec<int32_t>({-4, 4}), vec<int32_t>({2})}), {2}, {-8, 4});
  expect_tensor<uint32_t>(run1("PRelu", {vec<uint32_t>({4, 0}), vec<uint32_t>({2})}), {2}, {4, 0});
}

TEST(Activation, prelu_rejects_incompatible_slope) {
  expect_error([] { run1("PRelu", {vec<float>({1, 2, 3}), vec<float>({1, 2})}); }, ErrorKind::BadInput, "broadcast");
  expect_error([] { run1("PRelu", {vec<float>({1, 2}), vec<double>({1, 2})}); }, ErrorKind::BadInput, "slope type");
}

}  // namespace
}  // namespace onnxfn::testing
