// Numeric similarity 1 − |a − b| / max(|a|, |b|): zeros, signs, infinities, NaN and nulls.
#include <gtest/gtest.h>

#include <limits>

#include "frame/text/similarity.h"

namespace onnxfn::text {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMax = std::numeric_limits<double>::max();

TEST(TextNumericSimilarity, is_one_minus_the_relative_difference) {
  EXPECT_DOUBLE_EQ(*numeric_similarity(100.0, 90.0), 0.9);
  EXPECT_DOUBLE_EQ(*numeric_similarity(90.0, 100.0), 0.9);
  EXPECT_DOUBLE_EQ(*numeric_similarity(499.99, 499.99), 1.0);
  EXPECT_DOUBLE_EQ(*numeric_similarity(-10.0, -5.0), 0.5);
  EXPECT_DOUBLE_EQ(*numeric_similarity(0.0, 5.0), 0.0);
}

TEST(TextNumericSimilarity, defines_zero_over_zero_as_one_and_clamps_opposite_signs) {
  EXPECT_EQ(numeric_similarity(0.0, 0.0), 1.0);
  EXPECT_EQ(numeric_similarity(0.0, -0.0), 1.0);
  EXPECT_EQ(numeric_similarity(1.0, -1.0), 0.0);
  EXPECT_EQ(numeric_similarity(kMax, -kMax), 0.0);  // |a − b| overflows to ∞
}

TEST(TextNumericSimilarity, handles_infinities) {
  EXPECT_EQ(numeric_similarity(kInf, kInf), 1.0);
  EXPECT_EQ(numeric_similarity(-kInf, -kInf), 1.0);
  EXPECT_EQ(numeric_similarity(kInf, -kInf), 0.0);
  EXPECT_EQ(numeric_similarity(kInf, 1e300), 0.0);
}

TEST(TextNumericSimilarity, null_or_nan_gives_null) {
  EXPECT_EQ(numeric_similarity(std::nullopt, 1.0), std::nullopt);
  EXPECT_EQ(numeric_similarity(1.0, std::nullopt), std::nullopt);
  EXPECT_EQ(numeric_similarity(std::nullopt, std::nullopt), std::nullopt);
  EXPECT_EQ(numeric_similarity(kNaN, 1.0), std::nullopt);
  EXPECT_EQ(numeric_similarity(kNaN, kNaN), std::nullopt);
}

}  // namespace
}  // namespace onnxfn::text
