// Levenshtein distance (bit-parallel, single word and blocks) against published values and a
// textbook dynamic-programming reference; exact match.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "frame/text/similarity.h"
#include "frame/text/unicode.h"
#include "frame_test_util.h"

namespace onnxfn::text {
namespace {

// Wagner–Fischer DP, the definition itself.
size_t reference_levenshtein(std::u32string_view a, std::u32string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

TEST(TextEditDistance, matches_published_examples) {
  EXPECT_EQ(levenshtein_distance(U"kitten", U"sitting"), 3u);
  EXPECT_EQ(levenshtein_distance(U"flaw", U"lawn"), 2u);
  EXPECT_EQ(levenshtein_distance(U"saturday", U"sunday"), 3u);
  EXPECT_EQ(levenshtein_distance(U"", U"abc"), 3u);
  EXPECT_EQ(levenshtein_distance(U"abc", U""), 3u);
  EXPECT_EQ(levenshtein_distance(U"", U""), 0u);
  EXPECT_EQ(levenshtein_distance(U"same", U"same"), 0u);
}

TEST(TextEditDistance, counts_code_points_not_bytes) {
  EXPECT_EQ(levenshtein_distance(U"😀", U"😁"), 1u);   // 4 bytes each, 1 substitution
  EXPECT_EQ(levenshtein_distance(U"東京都", U"京都"), 1u);
  EXPECT_EQ(levenshtein_distance(U"café", U"cafe"), 1u);
  EXPECT_EQ(levenshtein_distance(U"cafe\u0301", U"cafe"), 1u);  // a combining mark is a code point
}

TEST(TextEditDistance, normalised_similarity_divides_by_the_longer_length) {
  EXPECT_DOUBLE_EQ(levenshtein_similarity(U"kitten", U"sitting"), 1.0 - 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(levenshtein_similarity(U"", U""), 1.0);
  EXPECT_DOUBLE_EQ(levenshtein_similarity(U"", U"abc"), 0.0);
  EXPECT_DOUBLE_EQ(levenshtein_similarity(U"abc", U"xyz"), 0.0);
}

TEST(TextEditDistance, agrees_with_dynamic_programming_on_random_strings_of_every_length) {
  std::mt19937 rng(20240611);
  // Lengths straddle the 64-code-point word boundary and several blocks; small alphabets make
  // long matching runs, non-ASCII letters exercise the hashed mask table.
  const std::u32string alphabets[] = {U"ab", U"abcd", U"acgt", U"aéb東😀",
                                      U"abcdefghijklmnopqrstuvwxyz"};
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const std::u32string& alphabet = alphabets[iteration % 5];
    auto random_string = [&](size_t length) {
      std::u32string s;
      for (size_t i = 0; i < length; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
      return s;
    };
    const size_t la = rng() % 210, lb = rng() % 210;
    std::u32string a = random_string(la), b = random_string(lb);
    if (iteration % 3 == 0 && !a.empty()) {  // near-duplicates, the common case in matching
      b = a;
      for (int edits = static_cast<int>(rng() % 6); edits > 0; --edits)
        b[rng() % b.size()] = alphabet[rng() % alphabet.size()];
    }
    ASSERT_EQ(levenshtein_distance(a, b), reference_levenshtein(a, b))
        << "lengths " << a.size() << ", " << b.size();
  }
}

TEST(TextEditDistance, handles_the_exact_word_boundaries) {
  for (const size_t n : {63u, 64u, 65u, 127u, 128u, 129u, 200u}) {
    const std::u32string a(n, U'x');
    std::u32string b = a;
    b[0] = U'y';
    b[n - 1] = U'z';
    EXPECT_EQ(levenshtein_distance(a, b), 2u) << n;
    EXPECT_EQ(levenshtein_distance(a, U"y" + a + U"y"), 2u) << n;
    EXPECT_EQ(levenshtein_distance(a, std::u32string(n, U'q')), n) << n;
    EXPECT_EQ(levenshtein_distance(a, U""), n) << n;
  }
}

// A pattern of at most 64 code points below U+0100 takes a flat per-thread table (NarrowMasks):
// the text may still hold any code point, and each use must leave the table clean for the next.
TEST(TextEditDistance, narrow_patterns_against_any_text) {
  std::mt19937 rng(99);
  const std::u32string narrow = U"abcéÿ ", wide = U"abé東😀Ā";
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const std::u32string a = testing::random_text(rng, narrow, 1 + rng() % 64);
    const std::u32string b = testing::random_text(rng, iteration % 2 ? wide : narrow, rng() % 130);
    ASSERT_EQ(levenshtein_distance(a, b), reference_levenshtein(a, b)) << "lengths " << a.size() << ", " << b.size();
    ASSERT_EQ(levenshtein_distance(b, a), reference_levenshtein(a, b)) << "lengths " << a.size() << ", " << b.size();
  }
  EXPECT_EQ(levenshtein_distance(U"\u00ff\u00ff", U"\u01ff\u00ff"), 1u);  // U+01FF is not U+00FF
}

// Two pairs at once (interleaved loops, two mask tables) against the definition, for every mix of
// what sends a pair elsewhere: null, empty, equal, a pattern over 64 code points or above U+00FF,
// texts of different lengths (one loop runs on after the other).
TEST(TextEditDistance, two_pairs_at_once_agree_with_the_definition) {
  std::mt19937 rng(21);
  const std::u32string narrow = U"abcé ", wide = U"ab東Ā";
  const auto random_value = [&](int kind) -> PreparedString {
    switch (kind) {
      case 0: return PreparedString();    // null
      case 1: return PreparedString("");  // empty
      default: {
        const std::u32string t = testing::random_text(rng, kind == 2 ? wide : narrow, rng() % (kind == 3 ? 150 : 40));
        return PreparedString(encode_utf8(t), PrepareOptions{.case_fold = false, .compatibility = false, .fold_accents = false});
      }
    }
  };
  const auto expected = [](const PreparedString& a, const PreparedString& b) -> std::optional<double> {
    if (a.is_null() || b.is_null()) return std::nullopt;
    const size_t longest = std::max(a.code_points().size(), b.code_points().size());
    if (longest == 0) return 1.0;
    return 1.0 - static_cast<double>(reference_levenshtein(a.code_points(), b.code_points())) / static_cast<double>(longest);
  };
  for (int iteration = 0; iteration < 4000; ++iteration) {
    const auto kind = [&] { return rng() % 8 == 0 ? static_cast<int>(rng() % 4) : 4; };
    const PreparedString a0 = random_value(kind()), b0 = random_value(kind()), a1 = random_value(kind());
    const PreparedString b1 = iteration % 5 == 0 ? a1 : random_value(kind());
    std::optional<double> two[2];
    levenshtein_similarity_2(a0, b0, a1, b1, two);
    ASSERT_EQ(two[0], expected(a0, b0)) << iteration;
    ASSERT_EQ(two[1], expected(a1, b1)) << iteration;
    ASSERT_EQ(two[0], levenshtein_similarity(a0, b0)) << iteration;  // bit for bit
  }
}

TEST(TextEditDistance, prepared_values_are_null_aware) {
  const PreparedString null_value;
  const PreparedString empty("");
  const PreparedString sony("SONY  Cyber-shot"), sony2("sony cyber-shot");
  EXPECT_EQ(levenshtein_distance(null_value, sony), std::nullopt);
  EXPECT_EQ(levenshtein_similarity(sony, null_value), std::nullopt);
  EXPECT_EQ(levenshtein_similarity(null_value, null_value), std::nullopt);
  EXPECT_EQ(levenshtein_similarity(empty, empty), 1.0);
  EXPECT_EQ(levenshtein_similarity(empty, sony), 0.0);
  EXPECT_EQ(levenshtein_distance(sony, sony2), 0);  // case and white space are normalised
  EXPECT_EQ(levenshtein_distance(empty, sony), static_cast<int64_t>(sony.code_points().size()));
}

TEST(TextEditDistance, exact_match_compares_normalised_text) {
  EXPECT_EQ(exact_match(PreparedString("Café  Ñandú"), PreparedString("cafe nandu")), 1.0);
  EXPECT_EQ(exact_match(PreparedString("abc"), PreparedString("abd")), 0.0);
  EXPECT_EQ(exact_match(PreparedString(""), PreparedString("")), 1.0);
  EXPECT_EQ(exact_match(PreparedString(""), PreparedString("a")), 0.0);
  EXPECT_EQ(exact_match(PreparedString(), PreparedString("a")), std::nullopt);
}

}  // namespace
}  // namespace onnxfn::text
