// UTF-8 decoding with maximal-subpart replacement, encoding, and the character properties.
#include <gtest/gtest.h>

#include "frame/text/unicode.h"

#include <random>
#include <string>

namespace onnxfn::text {
namespace {

TEST(TextUnicode, decodes_ascii_and_multibyte_code_points) {
  EXPECT_EQ(decode_utf8("abc"), U"abc");
  EXPECT_EQ(decode_utf8("Café 東京 😀"), U"Café 東京 😀");
  EXPECT_EQ(decode_utf8(""), U"");
}

TEST(TextUnicode, replaces_each_maximal_ill_formed_subpart_with_one_replacement_character) {
  // Unicode 15.0 §3.9, Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
  EXPECT_EQ(decode_utf8("a\xF1\x80\x80\xE1\x80\xC2" "b\x80" "c\x80\xBF" "d"),
            U"a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
  // Surrogates, overlong forms and values above U+10FFFF: every byte is its own subpart
  // (the same result as Python's bytes.decode("utf-8", "replace")).
  EXPECT_EQ(decode_utf8("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(decode_utf8("\xC0\xAF"), U"\uFFFD\uFFFD");
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80"), U"\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(decode_utf8("\xE0\x80\xAF"), U"\uFFFD\uFFFD\uFFFD");
  // A truncated sequence at the end is one subpart.
  EXPECT_EQ(decode_utf8("x\xF0\x9F\x98"), U"x\uFFFD");
  EXPECT_EQ(decode_utf8("\xFF\xFE"), U"\uFFFD\uFFFD");
}

TEST(TextUnicode, validates_utf8) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));  // U+FFFD itself is valid
  EXPECT_TRUE(is_valid_utf8("Ñandú 😀"));
  EXPECT_FALSE(is_valid_utf8("abc\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x90\x80"));  // a 3-byte maximal subpart
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_TRUE(is_ascii("abc def 123"));
  EXPECT_FALSE(is_ascii("abc dé"));
}

TEST(TextUnicode, sanitize_keeps_valid_text_and_replaces_invalid_bytes) {
  EXPECT_EQ(sanitize_utf8("Café"), "Café");
  EXPECT_EQ(sanitize_utf8("a\xC3" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_TRUE(is_valid_utf8(sanitize_utf8("\xF1\x80\x80\xE1\x80\xC2\xFF")));
}

TEST(TextUnicode, encodes_code_points_and_replaces_non_scalar_values) {
  EXPECT_EQ(encode_utf8(U"Ñ東😀"), "Ñ東😀");
  std::string out;
  append_utf8(0xD800, out);    // a surrogate is not a scalar value
  append_utf8(0x110000, out);  // beyond Unicode
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(TextUnicode, classifies_characters_by_general_category) {
  EXPECT_TRUE(is_letter(U'a'));
  EXPECT_TRUE(is_letter(U'Ñ'));
  EXPECT_TRUE(is_letter(U'東'));
  EXPECT_FALSE(is_letter(U'1'));
  EXPECT_TRUE(is_number(U'7'));
  EXPECT_TRUE(is_number(U'٣'));  // ARABIC-INDIC DIGIT THREE
  EXPECT_TRUE(is_number(U'½'));
  EXPECT_TRUE(is_nonspacing_mark(0x0301));  // COMBINING ACUTE ACCENT
  EXPECT_TRUE(is_mark(0x093E));              // DEVANAGARI VOWEL SIGN AA (Mc)
  EXPECT_FALSE(is_nonspacing_mark(0x093E));
  EXPECT_TRUE(is_punctuation(U'-'));
  EXPECT_TRUE(is_punctuation(U'«'));
  EXPECT_TRUE(is_punctuation(U'。'));
  EXPECT_FALSE(is_punctuation(U'$'));  // Sc
  EXPECT_FALSE(is_punctuation(U'+'));  // Sm
  EXPECT_TRUE(is_white_space(U'\u00A0'));
  EXPECT_TRUE(is_white_space(U'\u3000'));
  EXPECT_FALSE(is_white_space(U'\u200B'));  // ZERO WIDTH SPACE is not White_Space
  EXPECT_TRUE(is_ideographic(U'東'));
  EXPECT_TRUE(is_ideographic(U'の'));
  EXPECT_FALSE(is_ideographic(U'カ'));
}

TEST(TextUnicode, maps_case_one_code_point_at_a_time) {
  EXPECT_EQ(simple_lower(U'É'), U'é');
  EXPECT_EQ(simple_upper(U'ñ'), U'Ñ');
  EXPECT_EQ(simple_upper(U'ß'), U'ẞ');  // utf8proc's choice; UnicodeData.txt has none
  EXPECT_EQ(simple_lower(U'Σ'), U'σ');
  EXPECT_EQ(simple_lower(U'東'), U'東');
}

TEST(TextUnicode, transform_folds_case_normalises_and_strips_accents) {
  std::u32string out;
  transform("Café Ñandú", TextTransform{.case_fold = true, .strip_nonspacing_marks = true}, out);
  EXPECT_EQ(out, U"cafe nandu");
  out.clear();
  transform("Straße", TextTransform{.case_fold = true}, out);
  EXPECT_EQ(out, U"strasse");
  out.clear();
  // Decomposed input is composed (NFC): e + COMBINING ACUTE → é.
  transform("e\u0301", TextTransform{}, out);
  EXPECT_EQ(out, U"é");
  out.clear();
  transform("é", TextTransform{.compose = false}, out);  // NFD
  EXPECT_EQ(out, U"e\u0301");
  out.clear();
  transform("ＫＤＬ４０ ﬁ", TextTransform{.compatibility = true}, out);  // NFKC
  EXPECT_EQ(out, U"KDL40 fi");
  out.clear();
  transform("bad\xFF" "byte", TextTransform{.case_fold = true}, out);
  EXPECT_EQ(out, U"bad\uFFFDbyte");
}

// transform's ASCII and Latin shortcuts give what utf8proc gives, for every flag combination:
// each code point below U+0250 between ASCII letters, and random text mixing ASCII, Latin,
// combining marks (which must send text down the general path), compatibility forms, Greek and
// ill-formed bytes.
TEST(TextUnicode, transform_shortcuts_agree_with_utf8proc) {
  std::vector<std::string> texts;
  for (char32_t cp = 0x80; cp < 0x250; ++cp) {
    std::string t = "A";
    append_utf8(cp, t);
    texts.push_back(t + "b");
  }
  const std::vector<std::string> pieces = {"a", "Z", " ", "9", "-", "é", "É", "ß", "Š", "ǅ", "İ", "ŉ", "½", "µ",
                                           "\u00A0", "\u00A8", "e\u0301", "\u0301", "ﬁ", "Ω", "\xC3", "\xC9\xBF", "Ǆ"};
  std::mt19937 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::string t;
    for (size_t k = rng() % 8; k > 0; --k) t += pieces[rng() % pieces.size()];
    texts.push_back(t);
  }
  for (unsigned flags = 0; flags < 16; ++flags) {
    const TextTransform how{.case_fold = (flags & 1) != 0, .compatibility = (flags & 2) != 0,
                            .strip_nonspacing_marks = (flags & 4) != 0, .compose = (flags & 8) != 0};
    for (const std::string& t : texts) {
      std::u32string fast = U"x", reference = U"x";  // appends after what is there
      transform(t, how, fast);
      transform_without_shortcuts(t, how, reference);
      ASSERT_EQ(fast, reference) << "flags " << flags << " text '" << t << "'";
    }
  }
}

}  // namespace
}  // namespace onnxfn::text
