// The ai.onnx.ml score transforms (src/ops/ml/post_transform.h) against ONNX Runtime 1.32, which
// produced these numbers through a LinearRegressor with one coefficient per target, X = [[1]] and
// post_transform PROBIT / LOGISTIC / SOFTMAX / SOFTMAX_ZERO (onnx.helper + InferenceSession).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "ops/ml/post_transform.h"

namespace onnxfn::ops::ml {
namespace {

TEST(PostTransform, probit_matches_orts_erfinv_approximation_not_the_exact_quantile) {
  const std::vector<std::pair<float, float>> cases = {
      {0.001f, -3.0846436f}, {0.025f, -1.95904887f}, {0.3f, -0.524445891f}, {0.975f, 1.95904934f}, {0.999f, 3.0846436f}};
  for (const auto& [p, want] : cases) EXPECT_NEAR(probit(p), want, 1e-5f) << p;
  // The exact standard normal quantile of 0.001 is -3.0902: the approximation is what ORT returns.
  EXPECT_GT(std::fabs(probit(0.001f) - (-3.0902323f)), 1e-3f);
  EXPECT_TRUE(std::isinf(probit(1.0f)));
  EXPECT_TRUE(std::isnan(probit(1.5f)));
}

TEST(PostTransform, logistic_saturates_without_overflow) {
  const std::vector<std::pair<float, float>> cases = {{-100, 0}, {-3, 0.0474258661f}, {0, 0.5f}, {3, 0.952574134f}, {100, 1}};
  for (const auto& [x, want] : cases) EXPECT_NEAR(logistic(x), want, 1e-6f) << x;
}

// One exponential for both columns, the same bits as two logistic() calls (NaN, -0, saturation).
TEST(PostTransform, logistic_pair_is_two_logistics_bit_for_bit) {
  for (const float x : {0.0f, -0.0f, 0.25f, -0.25f, 3.5f, -17.0f, 88.0f, -100.0f, 1e-30f, INFINITY, -INFINITY, NAN}) {
    float out[2];
    logistic_pair(x, out);
    const float want[2] = {logistic(-x), logistic(x)};
    EXPECT_EQ(std::memcmp(out, want, sizeof out), 0) << x;
  }
}

TEST(PostTransform, softmax_zero_leaves_near_zero_scores_out_of_the_sum) {
  std::vector<float> row = {-2, 5e-8f, 0, 1};
  softmax_zero(row);
  const std::vector<float> want = {0.0474258736f, 1.75216233e-08f, 0, 0.952574134f};
  for (size_t i = 0; i < row.size(); ++i) EXPECT_NEAR(row[i], want[i], 1e-6f) << i;
  std::vector<float> plain = {-2, 5e-8f, 0, 1};
  softmax(plain);
  const std::vector<float> want_plain = {0.0278833862f, 0.206031919f, 0.206031919f, 0.560052812f};
  for (size_t i = 0; i < plain.size(); ++i) EXPECT_NEAR(plain[i], want_plain[i], 1e-6f) << i;
}

TEST(PostTransform, single_scores_only_change_under_probit) {
  for (PostTransform t : {PostTransform::None, PostTransform::Logistic, PostTransform::Softmax, PostTransform::SoftmaxZero}) {
    std::vector<float> row = {0.3f};
    transform_row(row, t);
    EXPECT_EQ(row[0], 0.3f);
  }
  std::vector<float> row = {0.3f};
  transform_row(row, PostTransform::Probit);
  EXPECT_NEAR(row[0], -0.524445891f, 1e-5f);
}

TEST(PostTransform, binary_expansion_follows_orts_layouts) {
  float out[2];
  expand_binary_score(0.25f, PostTransform::None, /*negate_for_none=*/false, out);
  EXPECT_FLOAT_EQ(out[0], 0.75f);
  EXPECT_FLOAT_EQ(out[1], 0.25f);
  expand_binary_score(0.25f, PostTransform::None, /*negate_for_none=*/true, out);
  EXPECT_FLOAT_EQ(out[0], -0.25f);
  expand_binary_score(0.25f, PostTransform::Softmax, /*negate_for_none=*/true, out);
  EXPECT_FLOAT_EQ(out[0], 0.75f);
  expand_binary_score(0.25f, PostTransform::Logistic, /*negate_for_none=*/true, out);
  EXPECT_FLOAT_EQ(out[0], logistic(-0.25f));
  EXPECT_FLOAT_EQ(out[1], logistic(0.25f));
}

}  // namespace
}  // namespace onnxfn::ops::ml
