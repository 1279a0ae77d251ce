// Monge–Elkan with Jaro–Winkler and Levenshtein inner measures; asymmetry and its symmetric mean.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
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

// The symmetric form takes the maxima over all token pairs in any order, pruned by bounds. Token
// lists here
// mix byte tokens and others (Latin-1, CJK, emoji, longer than 16), repeat tokens, and grow past
// one batch of candidates; each comparison runs twice, the second time from the memo.
TEST(TextMongeElkan, symmetric_form_equals_both_directions_on_varied_token_lists) {
  std::mt19937 rng(13);
  const std::vector<std::string> words = {
      "sony", "sonny", "snoy", "tv", "bravia", "kdl40", "40", "4o", "inch", "hdtv", "hd", "a",
      "abc", "ab", "cafe", "café", "naïve", "naive", "ÿes", "東京", "東京都", "😀x", "x😀",
      "abcdefghijkl", "abcde", "abcdefghijklmnopqrstu", "abcdefghijklmnopqrstv", "mississippi",
      "missisippi", "powershot", "powershto", "wireless", "digital", "headphones", "headphone"};
  const auto random_text = [&](size_t max_words) {
    std::string t;
    const size_t n = rng() % (max_words + 1);
    for (size_t i = 0; i < n; ++i) t += words[rng() % words.size()] + " ";
    return t;
  };
  for (int round = 0; round < 600; ++round) {
    const size_t max_words = round % 10 == 0 ? 24 : 8;  // 24 × 24 pairs span several batches
    const PreparedString a(random_text(max_words)), b(random_text(max_words));
    Tokens ta, tb;
    for (size_t i = 0; i < a.token_count(); ++i) ta.push_back(a.token_code_points(i));
    for (size_t j = 0; j < b.token_count(); ++j) tb.push_back(b.token_code_points(j));
    for (const InnerSimilarity inner : {InnerSimilarity::JaroWinkler, InnerSimilarity::Levenshtein}) {
      const double expected = (monge_elkan(ta, tb, inner) + monge_elkan(tb, ta, inner)) / 2.0;
      for (int pass = 0; pass < 2; ++pass) {
        ASSERT_EQ(*monge_elkan_symmetric(a, b, inner), expected) << a.text() << " | " << b.text();
        ASSERT_EQ(*monge_elkan_symmetric(b, a, inner), expected) << b.text() << " | " << a.text();
      }
    }
  }
}

// The prepared directional form and monge_elkan_both take the pruned, batched walk; they must give
// exactly the plain definition's values (monge_elkan over token lists), in either order of calls.
TEST(TextMongeElkan, directional_and_both_forms_equal_the_plain_walk) {
  std::mt19937 rng(29);
  const std::vector<std::string> words = {"sony", "sonny", "tv", "bravia", "kdl40", "40", "4o", "inch", "hd",
                                          "a", "ab", "café", "cafe", "東京", "😀x", "abcdefghijkl", "abcde",
                                          "abcdefghijklmnopqrstu", "mississippi", "missisippi", "wireless"};
  const auto random_text = [&](size_t max_words) {
    std::string t;
    const size_t n = rng() % (max_words + 1);
    for (size_t i = 0; i < n; ++i) t += words[rng() % words.size()] + " ";
    return t;
  };
  for (int round = 0; round < 600; ++round) {
    const PreparedString a(random_text(8)), b(random_text(round % 5 == 0 ? 40 : 12));
    Tokens ta, tb;
    for (size_t i = 0; i < a.token_count(); ++i) ta.push_back(a.token_code_points(i));
    for (size_t j = 0; j < b.token_count(); ++j) tb.push_back(b.token_code_points(j));
    for (const InnerSimilarity inner : {InnerSimilarity::JaroWinkler, InnerSimilarity::Levenshtein}) {
      const double ab = monge_elkan(ta, tb, inner), ba = monge_elkan(tb, ta, inner);
      ASSERT_EQ(*monge_elkan(a, b, inner), ab) << a.text() << " | " << b.text();
      ASSERT_EQ(*monge_elkan(b, a, inner), ba) << b.text() << " | " << a.text();
      const auto both = monge_elkan_both(a, b, inner);
      ASSERT_EQ(both->first, ab) << a.text() << " | " << b.text();
      ASSERT_EQ(both->second, ba) << a.text() << " | " << b.text();
    }
  }
  EXPECT_EQ(monge_elkan_both(PreparedString(), PreparedString("x")), std::nullopt);
}

// Where rounding lifts a similarity an ulp above its exact length bound, the bound's margin keeps
// the pair from being skipped: both forms find the true maxima.
TEST(TextMongeElkan, agrees_with_the_definition_where_rounding_exceeds_the_length_bound) {
  // JW(abcdefghijkl, abcde): m = 5, t = 0, ℓ = 4 computes to 0.88333333333333341, one ulp above
  // (5/12 + 2)/3 boosted; Levenshtein(abc, a) = 1 − 2/3 is one ulp above 1/3.
  EXPECT_GT(jaro_winkler(U"abcdefghijkl", U"abcde"), 0.8833333333333333);
  EXPECT_GT(levenshtein_similarity(U"abc", U"a"), 1.0 / 3.0);
  for (const auto& [left, right] : {std::pair{"abcdefghijkl xyz abcdf", "abcde xyz"},
                                    std::pair{"abc ab", "a b"}}) {
    const PreparedString a(left), b(right);
    Tokens ta, tb;
    for (size_t i = 0; i < a.token_count(); ++i) ta.push_back(a.token_code_points(i));
    for (size_t j = 0; j < b.token_count(); ++j) tb.push_back(b.token_code_points(j));
    for (const InnerSimilarity inner : {InnerSimilarity::JaroWinkler, InnerSimilarity::Levenshtein}) {
      // The definition, every pair computed: each row's maximum, averaged.
      const auto brute_force = [&](const Tokens& x, const Tokens& y) {
        double total = 0;
        for (const auto& s : x) {
          double best = 0;
          for (const auto& t : y)
            best = std::max(best, inner == InnerSimilarity::JaroWinkler ? jaro_winkler(s, t) : levenshtein_similarity(s, t));
          total += best;
        }
        return total / static_cast<double>(x.size());
      };
      EXPECT_EQ(monge_elkan(ta, tb, inner), brute_force(ta, tb)) << left << " | " << right;
      EXPECT_EQ(monge_elkan(tb, ta, inner), brute_force(tb, ta)) << left << " | " << right;
      const double expected = (brute_force(ta, tb) + brute_force(tb, ta)) / 2.0;
      EXPECT_EQ(*monge_elkan_symmetric(a, b, inner), expected) << left << " | " << right;
    }
  }
}

}  // namespace
}  // namespace onnxfn::text
