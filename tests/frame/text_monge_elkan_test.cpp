// Monge–Elkan with Jaro–Winkler and Levenshtein inner measures; asymmetry and its symmetric mean.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "frame/text/similarity.h"

namespace onnxfn::text {
namespace {

using Tokens = std::vector<std::u32string_view>;

TEST(TextMongeElkan, averages_the_best_inner_match_of_each_token) {
  const Tokens a = {U"paul", U"johnson"}, b = {U"johson", U"paule"};
  // Hand computed: JW(paul, paule) = 0.96, JW(johnson, johson) = 0.92778 (m = 6, t = 1, ℓ = 3);
  // the cross pairs share no characters within the window.
  EXPECT_NEAR(monge_elkan(a, b), (0.96 + 0.9277777777777778) / 2, 1e-12);
  // Levenshtein: 1 − 1/5 and 1 − 1/7.
  EXPECT_NEAR(monge_elkan(a, b, InnerSimilarity::Levenshtein), (0.8 + 6.0 / 7.0) / 2, 1e-12);
}

TEST(TextMongeElkan, is_asymmetric_and_offers_the_symmetric_mean) {
  const Tokens sony_tv = {U"sony", U"tv"}, sony = {U"sony"};
  EXPECT_DOUBLE_EQ(monge_elkan(sony_tv, sony), 0.5);  // JW(tv, sony) = 0
  EXPECT_DOUBLE_EQ(monge_elkan(sony, sony_tv), 1.0);
  const PreparedString a("Sony TV"), b("sony");
  EXPECT_DOUBLE_EQ(*monge_elkan(a, b), 0.5);
  EXPECT_DOUBLE_EQ(*monge_elkan(b, a), 1.0);
  EXPECT_DOUBLE_EQ(*monge_elkan_symmetric(a, b), 0.75);
  EXPECT_DOUBLE_EQ(*monge_elkan_symmetric(b, a), 0.75);
}

TEST(TextMongeElkan, repeated_tokens_count_each_time) {
  const Tokens a = {U"tv", U"tv", U"sony"}, b = {U"tv"};
  EXPECT_DOUBLE_EQ(monge_elkan(a, b), 2.0 / 3.0);
}

TEST(TextMongeElkan, tolerates_typos_and_word_order) {
  const PreparedString a("Canon PowerShot SX200"), b("sx200 powershot cannon");
  EXPECT_GT(*monge_elkan_symmetric(a, b), 0.95);
  EXPECT_LT(*token_jaccard(a, b), 0.6);
}

TEST(TextMongeElkan, null_and_empty_follow_the_common_rule) {
  const PreparedString null_value, empty(""), text("sony");
  EXPECT_EQ(monge_elkan(null_value, text), std::nullopt);
  EXPECT_EQ(monge_elkan_symmetric(text, null_value), std::nullopt);
  EXPECT_EQ(monge_elkan(empty, empty), 1.0);
  EXPECT_EQ(monge_elkan(empty, text), 0.0);
  EXPECT_EQ(monge_elkan(text, empty), 0.0);
  EXPECT_EQ(monge_elkan(text, text, InnerSimilarity::Levenshtein), 1.0);
  EXPECT_EQ(monge_elkan(Tokens{}, Tokens{}), 1.0);
}

// The symmetric form computes both directions in one pass (equal tokens first, pruning, a
// per-thread memo of token pairs); it must equal the mean of the two plain directions, computed
// here by the token-list overload, which shares none of that machinery.
TEST(TextMongeElkan, one_pass_symmetric_form_equals_the_mean_of_both_directions) {
  std::mt19937 rng(7);
  const std::vector<std::string> words = {"sony", "sonny", "tv", "bravia", "kdl40", "kdl-40v", "lcd", "led",
                                          "40", "inch", "hdtv", "hd", "cafe", "café", "ab", "ba", "x"};
  const auto random_text = [&] {
    std::string t;
    const size_t n = rng() % 7;  // 0..6 words, repeats allowed
    for (size_t i = 0; i < n; ++i) t += words[rng() % words.size()] + " ";
    return t;
  };
  for (int round = 0; round < 400; ++round) {
    const PreparedString a(random_text()), b(random_text());
    Tokens ta, tb;
    for (size_t i = 0; i < a.token_count(); ++i) ta.push_back(a.token_code_points(i));
    for (size_t j = 0; j < b.token_count(); ++j) tb.push_back(b.token_code_points(j));
    for (const InnerSimilarity inner : {InnerSimilarity::JaroWinkler, InnerSimilarity::Levenshtein}) {
      const double expected = (monge_elkan(ta, tb, inner) + monge_elkan(tb, ta, inner)) / 2.0;
      ASSERT_EQ(*monge_elkan_symmetric(a, b, inner), expected) << a.text() << " | " << b.text();
      ASSERT_EQ(*monge_elkan_symmetric(b, a, inner), expected) << b.text() << " | " << a.text();
    }
  }
}

}  // namespace
}  // namespace onnxfn::text
