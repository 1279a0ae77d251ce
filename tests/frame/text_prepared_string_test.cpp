// PreparedString: normalisation, tokens, sets and model numbers computed once per record.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/error.h"
#include "frame/text/model_numbers.h"
#include "frame/text/prepared_string.h"
#include "frame/text/string_functions.h"
#include "frame/text/tokenize.h"
#include "frame/text/unicode.h"

namespace onnxfn::text {
namespace {

TEST(TextPreparedString, default_constructed_is_null) {
  const PreparedString null_value;
  EXPECT_TRUE(null_value.is_null());
  const PreparedString empty("");
  EXPECT_FALSE(empty.is_null());
  EXPECT_EQ(empty.text(), "");
  EXPECT_EQ(empty.token_count(), 0u);
  EXPECT_TRUE(empty.token_set().empty());
  EXPECT_TRUE(empty.qgram_set().empty());
}

TEST(TextPreparedString, normalises_case_accents_compatibility_forms_and_white_space) {
  const PreparedString p("  Café\tÑandú  ＫＤＬ４０  Straße ");
  EXPECT_EQ(p.text(), "cafe nandu kdl40 strasse");
  EXPECT_EQ(p.code_points(), U"cafe nandu kdl40 strasse");
}

TEST(TextPreparedString, options_switch_each_step_off) {
  const PrepareOptions keep{.case_fold = false, .compatibility = false, .fold_accents = false};
  EXPECT_EQ(PreparedString("Café ＫＤＬ", keep).text(), "Café ＫＤＬ");
  const PrepareOptions punctuation{.strip_punctuation = true};
  const PreparedString p("Wi-Fi (new), DSC-W55!", punctuation);
  EXPECT_EQ(p.text(), "wi fi new dsc w55");
  // Model numbers are extracted before punctuation is stripped.
  ASSERT_EQ(p.model_numbers().size(), 1u);
  EXPECT_EQ(p.model_numbers()[0], "dscw55");
}

TEST(TextPreparedString, tokens_are_views_with_code_points_and_hashes) {
  const PreparedString p("Sony DSC-W55 Café camera sony");
  ASSERT_EQ(p.token_count(), 6u);
  EXPECT_EQ(p.token(0), "sony");
  EXPECT_EQ(p.token(3), "cafe");
  EXPECT_EQ(p.token_code_points(2), U"w55");
  EXPECT_EQ(p.token_hash(0), p.token_hash(5));
  EXPECT_EQ(p.token_hash(0), PreparedString::hash_token("sony"));
  EXPECT_EQ(p.token_set().size(), 5u);  // "sony" twice
  EXPECT_TRUE(std::is_sorted(p.token_set().begin(), p.token_set().end()));
}

TEST(TextPreparedString, token_byte_offsets_follow_multibyte_text) {
  const PreparedString p("東京 ñandú 😀 x");
  ASSERT_EQ(p.token_count(), 4u);
  EXPECT_EQ(p.token(0), "東");
  EXPECT_EQ(p.token(1), "京");
  EXPECT_EQ(p.token(2), "nandu");
  EXPECT_EQ(p.token(3), "x");
  EXPECT_EQ(p.token_code_points(3), U"x");
}

// A value can keep less (the pipeline prepares only what its functions read); what it keeps is
// the same as in a full preparation, and the token list forces the code points it views.
TEST(TextPreparedString, kept_parts_match_a_full_preparation) {
  for (const char* raw : {"Sony DSC-W55 Café 7.2MP", "", "  東京 ＫＤＬ４０ ", "a a a"}) {
    const PreparedString full(raw);
    const PreparedString set_only(raw, PrepareOptions{.keep_tokens = false, .keep_code_points = false});
    EXPECT_EQ(set_only.text(), full.text());
    EXPECT_TRUE(set_only.code_points().empty());
    EXPECT_EQ(set_only.token_count(), 0u);
    EXPECT_TRUE(std::ranges::equal(set_only.token_set(), full.token_set()));
    EXPECT_TRUE(std::ranges::equal(set_only.qgram_set(), full.qgram_set()));
    EXPECT_TRUE(std::ranges::equal(set_only.model_number_set(), full.model_number_set()));
    const PreparedString tokens_kept(raw, PrepareOptions{.keep_code_points = false});
    EXPECT_EQ(tokens_kept.code_points(), full.code_points());
    ASSERT_EQ(tokens_kept.token_count(), full.token_count());
    for (size_t i = 0; i < full.token_count(); ++i)
      EXPECT_EQ(tokens_kept.token_code_points(i), full.token_code_points(i));
  }
}

TEST(TextPreparedString, qgram_set_counts_distinct_padded_grams) {
  // "aaaa" padded: ##a, #aa, aaa, aaa, aa$, a$$ → 5 distinct.
  EXPECT_EQ(PreparedString("aaaa").qgram_set().size(), 5u);
  EXPECT_TRUE(PreparedString("x", PrepareOptions{.qgram_size = 0}).qgram_set().empty());
  EXPECT_THROW(PreparedString("x", PrepareOptions{.qgram_size = 33}), Error);
}

TEST(TextPreparedString, invalid_utf8_is_prepared_with_replacement_characters) {
  const PreparedString p("Caf\xC3 ok\xFF");
  EXPECT_TRUE(is_valid_utf8(p.text()));
  EXPECT_EQ(p.text(), "caf\xEF\xBF\xBD ok\xEF\xBF\xBD");
  EXPECT_EQ(p.token_count(), 2u);  // U+FFFD is a symbol: it separates tokens
}

TEST(TextPreparedString, assign_reuses_the_object_and_resets_every_part) {
  PreparedString p("Sony DSC-W55 camera");
  p.assign("tv");
  EXPECT_EQ(p.text(), "tv");
  EXPECT_EQ(p.token_count(), 1u);
  EXPECT_EQ(p.token_set().size(), 1u);
  EXPECT_TRUE(p.model_numbers().empty());
  EXPECT_TRUE(p.model_number_set().empty());
  p.assign_null();
  EXPECT_TRUE(p.is_null());
  p.assign("W55");
  EXPECT_FALSE(p.is_null());
  EXPECT_EQ(p.model_number_set().size(), 1u);
}

TEST(TextPreparedString, prepares_a_huge_value_and_then_small_ones) {
  std::string huge;
  for (int i = 0; i < 100000; ++i) huge += "Café W55 ";
  const PreparedString big(huge);
  EXPECT_EQ(big.token_set().size(), 2u);
  EXPECT_EQ(big.model_numbers().size(), 1u);
  const PreparedString small("Ñandú");
  EXPECT_EQ(small.text(), "nandu");
}

TEST(TextPreparedString, handles_emoji_cjk_and_combining_marks) {
  const PreparedString p("😀 索尼 e\u0301\u0301 ｶﾒﾗ");
  EXPECT_EQ(p.text(), "😀 索尼 e カメラ");  // NFKC maps halfwidth katakana
  EXPECT_TRUE(is_valid_utf8(p.text()));
}

// Plain ASCII takes a one-pass path (normalise, collapse white space, tokenise). It must agree
// with the definitions each step has on its own, on text full of what that path special-cases:
// upper case, every ASCII white space, punctuation between and inside words, codes.
TEST(TextPreparedString, ascii_path_agrees_with_the_step_by_step_definitions) {
  std::mt19937 rng(7);
  const std::string alphabet = "aZ9 \t\n\r\v\f-/.,!#_~\"'()MNxy0";
  for (int trial = 0; trial < 2000; ++trial) {
    std::string raw;
    const size_t length = rng() % (trial % 4 == 0 ? 96 : 24);  // some long enough for many tokens
    for (size_t i = 0; i < length; ++i) raw += alphabet[rng() % alphabet.size()];
    for (const bool fold : {true, false}) {
      const PreparedString p(raw, PrepareOptions{.case_fold = fold});
      const std::string expected_text = collapse_whitespace(fold ? case_fold(raw) : raw);
      ASSERT_EQ(p.text(), expected_text) << "'" << raw << "'";
      ASSERT_EQ(p.code_points(), decode_utf8(expected_text));
      const std::vector<std::string> tokens = tokenize(expected_text);
      ASSERT_EQ(p.token_count(), tokens.size()) << "'" << raw << "'";
      std::vector<uint64_t> token_set;
      for (size_t i = 0; i < tokens.size(); ++i) {
        ASSERT_EQ(p.token(i), tokens[i]);
        ASSERT_EQ(p.token_hash(i), PreparedString::hash_token(tokens[i]));
        token_set.push_back(PreparedString::hash_token(tokens[i]));
      }
      std::sort(token_set.begin(), token_set.end());
      token_set.erase(std::unique(token_set.begin(), token_set.end()), token_set.end());
      ASSERT_TRUE(std::ranges::equal(p.token_set(), token_set)) << "'" << raw << "'";
      // Only the token set kept (a description for token_cosine): the same set and text.
      const PreparedString set_only(raw, PrepareOptions{.case_fold = fold, .keep_tokens = false, .keep_code_points = false,
                                                        .qgram_size = 0, .model_numbers = false});
      ASSERT_EQ(set_only.text(), expected_text);
      ASSERT_TRUE(std::ranges::equal(set_only.token_set(), token_set)) << "'" << raw << "'";
      const std::vector<std::string> codes = extract_model_numbers(raw);
      ASSERT_EQ(p.model_numbers(), std::vector<std::string_view>(codes.begin(), codes.end())) << "'" << raw << "'";
      // The ASCII path finds codes from its tokens; with other rules, and without tokens.
      const ModelNumberOptions strict{.min_digits_for_numbers = 2, .min_length = 3};
      const std::vector<std::string> strict_codes = extract_model_numbers(raw, strict);
      for (const bool with_tokens : {true, false}) {
        const PreparedString q(raw, PrepareOptions{.case_fold = fold, .tokens = with_tokens, .model_number_options = strict});
        ASSERT_EQ(q.model_numbers(), std::vector<std::string_view>(strict_codes.begin(), strict_codes.end())) << "'" << raw << "'";
      }
      std::vector<std::string> grams = qgrams(expected_text, 3, /*pad=*/true);
      std::sort(grams.begin(), grams.end());
      grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
      ASSERT_EQ(p.qgram_set().size(), grams.size()) << "'" << raw << "'";
      ASSERT_TRUE(std::is_sorted(p.qgram_set().begin(), p.qgram_set().end()));
    }
  }
}

// Every part of two prepared values, compared.
void expect_same_preparation(const PreparedString& p, const PreparedString& q, const std::string& raw) {
  ASSERT_EQ(p.text(), q.text()) << "'" << raw << "'";
  ASSERT_EQ(p.code_points(), q.code_points()) << "'" << raw << "'";
  ASSERT_EQ(p.token_count(), q.token_count()) << "'" << raw << "'";
  for (size_t i = 0; i < p.token_count(); ++i) {
    ASSERT_EQ(p.token(i), q.token(i)) << "'" << raw << "'";
    ASSERT_EQ(p.token_code_points(i), q.token_code_points(i)) << "'" << raw << "'";
    ASSERT_EQ(p.token_hash(i), q.token_hash(i)) << "'" << raw << "'";
    ASSERT_EQ(p.token_char_mask(i), q.token_char_mask(i)) << "'" << raw << "'";
  }
  ASSERT_TRUE(std::ranges::equal(p.token_set(), q.token_set())) << "'" << raw << "'";
  ASSERT_TRUE(std::ranges::equal(p.qgram_set(), q.qgram_set())) << "'" << raw << "'";
  ASSERT_TRUE(std::ranges::equal(p.model_number_set(), q.model_number_set())) << "'" << raw << "'";
  ASSERT_EQ(p.model_numbers(), q.model_numbers()) << "'" << raw << "'";
}

// ASCII text, and Latin text that transforms to ASCII ("Müller", "Škoda", "ß"), take the one-pass
// path; every value must come out as the general path (fast_paths = false) prepares it, whatever
// the options. The alphabet mixes both with what keeps text off it (a combining mark, CJK, a
// ligature, NBSP, a soft hyphen, letters that fold to non-ASCII).
TEST(TextPreparedString, fast_paths_agree_with_the_general_path) {
  std::mt19937 rng(11);
  const std::vector<std::string> alphabet = {"a", "Z", "9", " ", "\t", "-", "/", ".", ",", "M", "x", "0", "é", "Ü", "ß", "Š",
                                             "ñ", "Ø", "ı", "İ", "Æ", "\u00a0", "\u00ad", "\u0301", "ﬁ", "索", "²", "Ω"};
  for (int trial = 0; trial < 3000; ++trial) {
    std::string raw;
    const size_t length = rng() % 20;
    // Mostly Latin-only strings (the new path), sometimes anything.
    const size_t range = trial % 3 == 0 ? alphabet.size() : 21;
    for (size_t i = 0; i < length; ++i) raw += alphabet[rng() % range];
    for (int flags = 0; flags < 8; ++flags) {
      PrepareOptions options{.case_fold = (flags & 1) != 0, .compatibility = (flags & 2) != 0, .fold_accents = (flags & 4) != 0};
      const PreparedString fast(raw, options);
      options.fast_paths = false;
      const PreparedString general(raw, options);
      expect_same_preparation(fast, general, raw);
    }
  }
}

// Text with nothing to collapse (single spaces between words: most titles and descriptions) is
// folded 16 bytes at a time, and tokens are found from 64-byte masks: long values whose words
// straddle those boundaries, and ones that only nearly qualify (a double or trailing space, a
// tab), must come out as the general path prepares them.
TEST(TextPreparedString, long_single_spaced_text_agrees_with_the_general_path) {
  std::mt19937 rng(13);
  const std::string word_bytes = "abcXYZ0189-/.";
  for (int trial = 0; trial < 3000; ++trial) {
    std::string raw;
    const size_t words = 1 + rng() % 40;
    for (size_t w = 0; w < words; ++w) {
      if (w > 0) raw += ' ';
      const size_t length = 1 + rng() % (trial % 2 == 0 ? 6 : 70);
      for (size_t i = 0; i < length; ++i) raw += word_bytes[rng() % word_bytes.size()];
    }
    switch (trial % 8) {  // the exceptions to single spacing, at a random place
      case 1: {  // a double space: after a random one (at any block boundary over the trials)
        const size_t at = raw.find(' ', rng() % raw.size());
        if (at != std::string::npos) raw.insert(at, " ");
        break;
      }
      case 2: raw += ' '; break;
      case 3: raw.insert(rng() % (raw.size() + 1), "\t"); break;
      case 4: raw.insert(0, " "); break;
      default: break;
    }
    for (const bool fold : {true, false}) {
      PrepareOptions options{.case_fold = fold};
      const PreparedString fast(raw, options);
      options.fast_paths = false;
      const PreparedString general(raw, options);
      expect_same_preparation(fast, general, raw);
      const PreparedString set_only(raw, PrepareOptions{.case_fold = fold, .keep_tokens = false, .keep_code_points = false,
                                                        .qgram_size = 0, .model_numbers = false});
      ASSERT_EQ(set_only.text(), general.text());
      ASSERT_TRUE(std::ranges::equal(set_only.token_set(), general.token_set())) << "'" << raw << "'";
    }
  }
}

// The same with a double space, a tab or a capital at each position of a long single-spaced value
// in turn: every place relative to the 16- and 64-byte blocks.
TEST(TextPreparedString, an_exception_at_every_position_agrees_with_the_general_path) {
  const std::string base = "ab cd-9 EF/1 g h2 ij klm n0p q r st uv wxyz 12 345 6 78 9a bc d e fg hi jk lm no pq rs tu";
  for (size_t at = 0; at <= base.size(); ++at) {
    for (const char* insert : {" ", "  ", "\t", "Q", "-"}) {
      std::string raw = base;
      raw.insert(at, insert);
      PrepareOptions options;
      const PreparedString fast(raw, options);
      options.fast_paths = false;
      const PreparedString general(raw, options);
      expect_same_preparation(fast, general, raw);
    }
  }
}

// Letters and digits each have a bit of their own (so a model number and a word share a bit only
// when they share a character); every code point has some bit, the same wherever it occurs.
TEST(TextPreparedString, char_masks_give_letters_and_digits_their_own_bits) {
  uint64_t seen = 0;
  for (const char32_t c : std::u32string(U"abcdefghijklmnopqrstuvwxyz0123456789")) {
    const uint64_t bit = uint64_t{1} << PreparedString::char_class(c);
    EXPECT_EQ(seen & bit, 0u) << static_cast<uint32_t>(c);
    seen |= bit;
  }
  const PreparedString p("wb9504 wireless é-1 索尼");
  ASSERT_EQ(p.token(1), "wireless");
  EXPECT_EQ(p.token_char_mask(0) & p.token_char_mask(1), uint64_t{1} << PreparedString::char_class(U'w'));
  for (size_t i = 0; i < p.token_count(); ++i) {
    uint64_t expected = 0;
    for (const char32_t c : p.token_code_points(i)) expected |= uint64_t{1} << PreparedString::char_class(c);
    EXPECT_EQ(p.token_char_mask(i), expected) << i;
  }
}

// Copies are deep and keep every part.
TEST(TextPreparedString, copies_are_independent) {
  PreparedString a("Sony DSC-W55 camera");
  const PreparedString b = a;
  a.assign("tv");
  EXPECT_EQ(b.text(), "sony dsc-w55 camera");
  EXPECT_EQ(b.token(1), "dsc");
  EXPECT_EQ(b.model_numbers().size(), 1u);
  PreparedString c;
  c = b;
  EXPECT_EQ(c.token_code_points(2), U"w55");
  EXPECT_TRUE(std::ranges::equal(c.qgram_set(), b.qgram_set()));
  c = PreparedString();
  EXPECT_TRUE(c.is_null());
}

// Values whose blocks come from an arena hold the same parts as standalone ones; copies own their
// blocks (they outlive the arena), a moved-from value is null.
TEST(TextPreparedString, arena_values_equal_standalone_ones) {
  const std::vector<std::string> texts = {"Sony DSC-W55 camera", "", "Müller KDL40 Fernseher",
                                          std::string(100000, 'x'), "ａｂｃ 12-AB", "tv"};
  std::vector<PreparedString> copies;
  {
    PreparedArena arena;
    std::vector<PreparedString> values(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) values[i].assign(texts[i], {}, &arena);
    for (size_t i = 0; i < texts.size(); ++i) {
      const PreparedString alone(texts[i]);
      EXPECT_EQ(values[i].text(), alone.text()) << i;
      EXPECT_EQ(values[i].code_points(), alone.code_points()) << i;
      EXPECT_TRUE(std::ranges::equal(values[i].token_set(), alone.token_set())) << i;
      EXPECT_TRUE(std::ranges::equal(values[i].qgram_set(), alone.qgram_set())) << i;
      EXPECT_EQ(values[i].model_numbers(), alone.model_numbers()) << i;
      ASSERT_EQ(values[i].token_count(), alone.token_count()) << i;
      for (size_t t = 0; t < alone.token_count(); ++t) EXPECT_EQ(values[i].token(t), alone.token(t));
      copies.push_back(values[i]);
    }
    PreparedString moved = std::move(values[0]);
    EXPECT_TRUE(values[0].is_null());
    EXPECT_EQ(moved.text(), "sony dsc-w55 camera");
  }
  EXPECT_EQ(copies[0].token(1), "dsc");
  EXPECT_EQ(copies[2].text(), "muller kdl40 fernseher");
  EXPECT_EQ(copies[3].code_points().size(), 100000u);
}

}  // namespace
}  // namespace onnxfn::text
