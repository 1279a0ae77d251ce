// Token Jaccard, q-gram Jaccard and binary token cosine on prepared values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "frame/text/similarity.h"
#include "frame/text/string_functions.h"

namespace onnxfn::text {
namespace {

TEST(TextSetSimilarity, token_jaccard_is_intersection_over_union) {
  // {sony, dsc, w55, camera} vs {sony, camera, black}: 2 shared of 5.
  EXPECT_DOUBLE_EQ(*token_jaccard(PreparedString("Sony DSC-W55 camera"),
                                  PreparedString("sony camera (black)")),
                   2.0 / 5.0);
  // Repeats do not count: sets.
  EXPECT_DOUBLE_EQ(*token_jaccard(PreparedString("tv tv tv"), PreparedString("tv")), 1.0);
  // Normalisation happens before comparison.
  EXPECT_DOUBLE_EQ(*token_jaccard(PreparedString("CAFÉ Ñandú"), PreparedString("cafe nandu")), 1.0);
}

TEST(TextSetSimilarity, token_cosine_is_the_binary_vector_cosine) {
  EXPECT_DOUBLE_EQ(*token_cosine(PreparedString("Sony DSC-W55 camera"),
                                 PreparedString("sony camera black")),
                   2.0 / std::sqrt(4.0 * 3.0));
  EXPECT_DOUBLE_EQ(*token_cosine(PreparedString("a b"), PreparedString("c d")), 0.0);
  EXPECT_DOUBLE_EQ(*token_cosine(PreparedString("a b"), PreparedString("b a")), 1.0);
}

TEST(TextSetSimilarity, qgram_jaccard_uses_padded_trigrams_by_default) {
  // "abc" → {##a, #ab, abc, bc$, c$$}; "abd" → {##a, #ab, abd, bd$, d$$}: 2 shared of 8.
  EXPECT_DOUBLE_EQ(*qgram_jaccard(PreparedString("abc"), PreparedString("abd")), 2.0 / 8.0);
  // Unpadded bigrams: "abcd" {ab, bc, cd} vs "bcde" {bc, cd, de}: 2 of 4.
  const PrepareOptions bigrams{.qgram_size = 2, .qgram_padding = false};
  EXPECT_DOUBLE_EQ(*qgram_jaccard(PreparedString("abcd", bigrams), PreparedString("bcde", bigrams)),
                   2.0 / 4.0);
  // Q-grams are over code points: one differing CJK character out of three.
  EXPECT_DOUBLE_EQ(*qgram_jaccard(PreparedString("東京都", bigrams), PreparedString("東京府", bigrams)),
                   1.0 / 3.0);
}

// The q-gram set is sorted by a counting pass on the first character with a fallback to
// std::sort (long runs, non-Latin text, hashed grams): whichever path runs, the set must be the
// distinct q-grams of qgrams(), counted here with std::set.
TEST(TextSetSimilarity, qgram_sets_are_the_distinct_qgrams_on_every_sorting_path) {
  std::mt19937 rng(3);
  const std::vector<std::string> pieces = {"a", "b", "ab", "sony ", "x", "é", "東", "😀", "1", "aaaa", " "};
  for (const size_t q : {size_t{1}, size_t{2}, size_t{3}, size_t{4}}) {
    for (int round = 0; round < 150; ++round) {
      std::string text;
      const size_t n = round < 140 ? rng() % 40 : 3000;  // the long ones exhaust the move budget
      for (size_t i = 0; i < n; ++i) text += round % 2 ? pieces[rng() % pieces.size()] : "a" + pieces[rng() % 4];
      const PrepareOptions options{.qgram_size = q};
      const PreparedString prepared(text, options);
      const std::vector<std::string> grams = qgrams(prepared.text(), q, /*pad=*/true);
      const std::set<std::string> distinct(grams.begin(), grams.end());
      ASSERT_EQ(prepared.qgram_set().size(), distinct.size()) << q << " " << text;
      ASSERT_TRUE(std::is_sorted(prepared.qgram_set().begin(), prepared.qgram_set().end()));
    }
  }
}

// q-gram Jaccard against its definition on the grams themselves, for the rolled default trigrams
// and the general path (bigrams, no padding), on random Latin, CJK and emoji text.
TEST(TextSetSimilarity, qgram_jaccard_matches_the_definition_on_random_text) {
  std::mt19937 rng(5);
  const std::vector<std::string> pieces = {"a", "b", "ab", "sony ", "x", "é", "東", "😀", "1", "#", "$", " "};
  const auto random_text = [&] {
    std::string t;
    for (size_t i = rng() % 12; i > 0; --i) t += pieces[rng() % pieces.size()];
    return t;
  };
  for (const auto& options : {PrepareOptions{}, PrepareOptions{.qgram_size = 2, .qgram_padding = false}}) {
    for (int round = 0; round < 500; ++round) {
      const PreparedString a(random_text(), options), b(random_text(), options);
      const auto grams = [&](const PreparedString& p) {
        const std::vector<std::string> g = qgrams(p.text(), options.qgram_size, options.qgram_padding);
        return std::set<std::string>(g.begin(), g.end());
      };
      const std::set<std::string> ga = grams(a), gb = grams(b);
      std::vector<std::string> common;
      std::set_intersection(ga.begin(), ga.end(), gb.begin(), gb.end(), std::back_inserter(common));
      const size_t unite = ga.size() + gb.size() - common.size();
      const double expected = unite == 0 ? 1.0 : static_cast<double>(common.size()) / static_cast<double>(unite);
      ASSERT_EQ(*qgram_jaccard(a, b), expected) << "'" << a.text() << "' '" << b.text() << "'";
    }
  }
}

TEST(TextSetSimilarity, null_and_empty_follow_the_common_rule) {
  const PreparedString null_value, empty(""), punctuation_only("?!"), text("sony");
  for (auto f : {token_jaccard, qgram_jaccard, token_cosine}) {
    EXPECT_EQ(f(null_value, text), std::nullopt);
    EXPECT_EQ(f(text, null_value), std::nullopt);
    EXPECT_EQ(f(null_value, null_value), std::nullopt);
    EXPECT_EQ(f(empty, empty), 1.0);
    EXPECT_EQ(f(empty, text), 0.0);
    EXPECT_EQ(f(text, empty), 0.0);
    EXPECT_EQ(f(text, text), 1.0);
  }
  // A value without word tokens has an empty token set, like an empty value.
  EXPECT_EQ(token_jaccard(punctuation_only, empty), 1.0);
  EXPECT_EQ(token_jaccard(punctuation_only, text), 0.0);
}

TEST(TextSetSimilarity, set_level_functions_merge_sorted_hashes) {
  const uint64_t a[] = {1, 3, 5, 7}, b[] = {3, 4, 5};
  EXPECT_EQ(intersection_size(a, b), 2u);
  EXPECT_DOUBLE_EQ(jaccard(a, b), 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(binary_cosine(a, b), 2.0 / std::sqrt(12.0));
  EXPECT_EQ(jaccard({}, {}), 1.0);
  EXPECT_EQ(binary_cosine(a, {}), 0.0);
}

// SetProbe counts what the merge counts, for uniform members (as PreparedString's), members that
// crowd a few buckets (the table grows, then falls back to the merge), 0 as a member, and empty
// sets; one probe serves many sets.
TEST(TextSetSimilarity, set_probe_counts_what_the_merge_counts) {
  std::mt19937_64 rng(5);
  const auto random_set = [&](size_t n, uint64_t top_mask) {
    std::vector<uint64_t> v;
    for (size_t i = 0; i < n; ++i) v.push_back(rng() & top_mask);
    if (n > 0 && rng() % 4 == 0) v.push_back(0);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  SetProbe probe;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    // Every top bit free; then members sharing their top 8 or 40 bits (crowded buckets).
    const uint64_t mask = iteration % 3 == 0 ? ~uint64_t{0} : iteration % 3 == 1 ? ~uint64_t{0} >> 8 : 0xFFFFFF;
    const std::vector<uint64_t> a = random_set(rng() % 80, mask);
    probe.assign(a);
    ASSERT_EQ(probe.size(), a.size());
    for (int k = 0; k < 4; ++k) {
      std::vector<uint64_t> b = random_set(rng() % 80, mask);
      for (const uint64_t x : a)  // shared members
        if (rng() % 3 == 0) b.push_back(x);
      std::sort(b.begin(), b.end());
      b.erase(std::unique(b.begin(), b.end()), b.end());
      ASSERT_EQ(probe.intersection_size(b), intersection_size(a, b)) << iteration;
      ASSERT_EQ(jaccard_of_counts(a.size(), b.size(), probe.intersection_size(b)), jaccard(a, b));
      ASSERT_EQ(binary_cosine_of_counts(a.size(), b.size(), probe.intersection_size(b)), binary_cosine(a, b));
    }
  }
}

}  // namespace
}  // namespace onnxfn::text
