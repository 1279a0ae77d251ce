// Jaro and Jaro–Winkler against the classic published values and a textbook reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "frame/text/similarity.h"
#include "frame_test_util.h"

namespace onnxfn::text {
namespace {

// The textbook O(|a|·window) scan (Jaro 1989, strcmp95's integer t).
double reference_jaro(std::u32string_view a, std::u32string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t window = std::max<size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::vector<bool> used(b.size());
  std::u32string a_matches;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    for (size_t j = lo; j < std::min(b.size(), i + window + 1); ++j) {
      if (!used[j] && a[i] == b[j]) {
        used[j] = true;
        a_matches.push_back(a[i]);
        break;
      }
    }
  }
  const size_t m = a_matches.size();
  if (m == 0) return 0.0;
  size_t k = 0, half = 0;
  for (size_t j = 0; j < b.size(); ++j)
    if (used[j]) half += b[j] != a_matches[k++];
  const double md = static_cast<double>(m), t = static_cast<double>(half / 2);
  const double la = static_cast<double>(a.size()), lb = static_cast<double>(b.size());
  return (md / la + md / lb + (md - t) / md) / 3;
}

TEST(TextJaro, matches_the_classic_examples) {
  // Winkler (1990); also Wikipedia's "Jaro–Winkler distance". Rounded to three places there.
  EXPECT_NEAR(jaro(U"MARTHA", U"MARHTA"), 0.944, 5e-4);
  EXPECT_NEAR(jaro_winkler(U"MARTHA", U"MARHTA"), 0.961, 5e-4);
  EXPECT_NEAR(jaro(U"DWAYNE", U"DUANE"), 0.822, 5e-4);
  EXPECT_NEAR(jaro_winkler(U"DWAYNE", U"DUANE"), 0.840, 5e-4);
  EXPECT_NEAR(jaro(U"DIXON", U"DICKSONX"), 0.767, 5e-4);
  EXPECT_NEAR(jaro_winkler(U"DIXON", U"DICKSONX"), 0.813, 5e-4);
  // Exact values: MARTHA/MARHTA has m = 6, t = 1.
  EXPECT_DOUBLE_EQ(jaro(U"MARTHA", U"MARHTA"), (1.0 + 1.0 + 5.0 / 6.0) / 3.0);
  EXPECT_NEAR(jaro(U"JONES", U"JOHNSON"), 0.790, 5e-4);
  EXPECT_NEAR(jaro_winkler(U"JONES", U"JOHNSON"), 0.832, 5e-4);
}

TEST(TextJaro, applies_the_prefix_bonus_only_above_the_boost_threshold) {
  // CRATE/TRACE: jaro = 0.733 > 0.7 but no common prefix, so no bonus.
  EXPECT_NEAR(jaro_winkler(U"CRATE", U"TRACE"), 0.733, 5e-4);
  // Below the threshold the prefix does not count.
  const double low = jaro(U"ABXXXXXX", U"ABYYYYYY");
  ASSERT_LT(low, 0.7);
  EXPECT_DOUBLE_EQ(jaro_winkler(U"ABXXXXXX", U"ABYYYYYY"), low);
  // Without a threshold it does.
  EXPECT_GT(jaro_winkler(U"ABXXXXXX", U"ABYYYYYY", {.boost_threshold = 0.0}), low);
  // Parameters that would leave [0, 1] are clamped.
  EXPECT_EQ(jaro_winkler(U"ABCDEFGX", U"ABCDEFGY", {.prefix_scale = 0.5}), 1.0);
  // At most four prefix characters count.
  const double j = jaro(U"ABCDEFGX", U"ABCDEFGY");
  EXPECT_DOUBLE_EQ(jaro_winkler(U"ABCDEFGX", U"ABCDEFGY"), j + 4 * 0.1 * (1 - j));
}

TEST(TextJaro, handles_empty_identical_and_disjoint_strings) {
  EXPECT_EQ(jaro(U"", U""), 1.0);
  EXPECT_EQ(jaro(U"", U"a"), 0.0);
  EXPECT_EQ(jaro(U"abc", U""), 0.0);
  EXPECT_EQ(jaro(U"abc", U"abc"), 1.0);
  EXPECT_EQ(jaro_winkler(U"abc", U"abc"), 1.0);
  EXPECT_EQ(jaro(U"abc", U"xyz"), 0.0);
  EXPECT_EQ(jaro(U"a", U"a"), 1.0);
}

TEST(TextJaro, works_on_code_points) {
  EXPECT_NEAR(jaro_winkler(U"café", U"cafe"), 0.8833333, 1e-6);
  EXPECT_EQ(jaro(U"😀😁", U"😀😁"), 1.0);
  EXPECT_EQ(jaro(U"東京都", U"京都"), 0.0);  // window 0: positions must agree
  EXPECT_NEAR(jaro(U"東京都庁", U"東京都"), reference_jaro(U"東京都庁", U"東京都"), 1e-12);
}

TEST(TextJaro, agrees_with_the_textbook_scan_and_is_symmetric_on_random_strings) {
  std::mt19937 rng(7);
  const std::u32string alphabets[] = {U"ab", U"abc", U"acgt", U"aé東😀",
                                      U"abcdefghijklmnopqrstuvwxyz"};
  for (int iteration = 0; iteration < 4000; ++iteration) {
    const std::u32string& alphabet = alphabets[iteration % 5];
    auto random_string = [&](size_t length) {
      std::u32string s;
      for (size_t i = 0; i < length; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
      return s;
    };
    const size_t max_length = iteration % 2 ? 20 : 300;  // short, and across 64-bit words
    const std::u32string a = random_string(rng() % max_length);
    const std::u32string b = random_string(rng() % max_length);
    const double expected = reference_jaro(a, b);
    ASSERT_NEAR(jaro(a, b), expected, 1e-12) << "lengths " << a.size() << ", " << b.size();
    ASSERT_NEAR(jaro(b, a), expected, 1e-12) << "lengths " << a.size() << ", " << b.size();
  }
}

// The shorter side of at most 64 code points below U+0100 takes a flat per-thread table
// (NarrowMasks), whatever the longer side holds; each use must leave the table clean.
TEST(TextJaro, narrow_sides_against_any_text) {
  std::mt19937 rng(11);
  const std::u32string narrow = U"abcéÿ ", wide = U"abé東😀Ā";
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const std::u32string a = testing::random_text(rng, narrow, 17 + rng() % 48);
    const std::u32string b = testing::random_text(rng, iteration % 2 ? wide : narrow, a.size() + rng() % 80);
    const double expected = reference_jaro(b, a);
    ASSERT_NEAR(jaro(a, b), expected, 1e-12) << "lengths " << a.size() << ", " << b.size();
    ASSERT_NEAR(jaro(b, a), expected, 1e-12) << "lengths " << a.size() << ", " << b.size();
  }
  EXPECT_EQ(jaro(U"\u00ff\u00ff\u00ff", U"\u01ff\u01ff\u01ff"), 0.0);  // U+01FF is not U+00FF
}

// Tokens of up to 16 code points below 256 take a byte path (one SSE2 compare per character),
// which Monge–Elkan also calls directly. Both must give the scan's double exactly: the textbook
// matching with the longer string scanning the shorter.
TEST(TextJaro, short_byte_tokens_give_the_textbook_value_bit_for_bit) {
  const auto reference_jaro_winkler = [](std::u32string_view x, std::u32string_view y) {
    const double j = x.size() >= y.size() ? reference_jaro(x, y) : reference_jaro(y, x);
    if (j <= 0.7) return j;
    size_t prefix = 0;
    while (prefix < std::min<size_t>({4, x.size(), y.size()}) && x[prefix] == y[prefix]) ++prefix;
    return std::clamp(j + static_cast<double>(prefix) * 0.1 * (1.0 - j), 0.0, 1.0);
  };
  std::mt19937 rng(11);
  const std::u32string alphabets[] = {U"ab", U"abc", U"aeé", U"xÿ\u0080", U"abcdefghijklmnopqrstuvwxyz0123"};
  for (int iteration = 0; iteration < 20000; ++iteration) {
    const std::u32string& alphabet = alphabets[iteration % 5];
    auto random_string = [&] {
      std::u32string s(1 + rng() % 16, U' ');
      for (char32_t& c : s) c = alphabet[rng() % alphabet.size()];
      return s;
    };
    const std::u32string x = random_string(), y = random_string();
    const double expected = reference_jaro_winkler(x, y);
    ASSERT_EQ(jaro_winkler(x, y), expected);
    detail::ShortToken sx, sy;
    ASSERT_TRUE(sx.assign(x) && sy.assign(y));
    ASSERT_EQ(detail::jaro_winkler(sx, sy), expected);
  }
  detail::ShortToken t;
  EXPECT_FALSE(t.assign(U""));
  EXPECT_FALSE(t.assign(U"abcdefghijklmnopq"));  // 17 code points
  EXPECT_FALSE(t.assign(U"東京"));                // beyond one byte
  EXPECT_TRUE(t.assign(U"abcdefghijklmnop"));
  EXPECT_TRUE(t.assign(U"ÿé"));
}

TEST(TextJaro, prepared_values_are_null_aware) {
  EXPECT_EQ(jaro(PreparedString(), PreparedString("x")), std::nullopt);
  EXPECT_EQ(jaro_winkler(PreparedString("x"), PreparedString()), std::nullopt);
  EXPECT_EQ(jaro_winkler(PreparedString(""), PreparedString("")), 1.0);
  EXPECT_EQ(jaro_winkler(PreparedString(""), PreparedString("x")), 0.0);
  EXPECT_NEAR(*jaro_winkler(PreparedString("Martha"), PreparedString("MARHTA")), 0.961, 5e-4);
}

}  // namespace
}  // namespace onnxfn::text
