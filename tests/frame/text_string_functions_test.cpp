// String functions on UTF-8: case, trim, normalisation, accents, punctuation, white space,
// split and q-grams, including invalid UTF-8.
#include <gtest/gtest.h>

#include "common/error.h"
#include "frame/text/string_functions.h"

namespace onnxfn::text {
namespace {

using Strings = std::vector<std::string>;

TEST(TextStringFunctions, lower_and_upper_are_unicode_aware) {
  EXPECT_EQ(to_lower("ÉCOLE Ñandú ΣΟΦΙΑ"), "école ñandú σοφια");
  EXPECT_EQ(to_upper("straße café"), "STRAẞE CAFÉ");  // utf8proc maps ß to ẞ (U+1E9E)
  EXPECT_EQ(to_lower("東京 😀 ABC"), "東京 😀 abc");
  EXPECT_EQ(to_lower(""), "");
}

TEST(TextStringFunctions, case_fold_uses_full_folding) {
  EXPECT_EQ(case_fold("Straße"), "strasse");
  EXPECT_EQ(case_fold("STRAẞE"), "strasse");
  EXPECT_EQ(case_fold("ΣΊΣΥΦΟΣ"), case_fold("σίσυφος"));
}

TEST(TextStringFunctions, trim_removes_unicode_white_space_at_both_ends) {
  EXPECT_EQ(trim("  \t abc def \n"), "abc def");
  EXPECT_EQ(trim("\u00A0\u3000東京\u2003"), "東京");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim("\u200Bx"), "\u200Bx");  // ZERO WIDTH SPACE is not White_Space
}

TEST(TextStringFunctions, normalizes_to_each_form) {
  const std::string decomposed = "Cafe\u0301";  // e + COMBINING ACUTE ACCENT
  EXPECT_EQ(normalize(decomposed, NormalForm::NFC), "Café");
  EXPECT_EQ(normalize("Café", NormalForm::NFD), decomposed);
  EXPECT_EQ(normalize("ＫＤＬ-４０ ﬁ x²", NormalForm::NFKC), "KDL-40 fi x2");
  EXPECT_EQ(normalize("ﬁ", NormalForm::NFC), "ﬁ");  // canonical forms keep compatibility chars
  EXPECT_EQ(normalize("Å", NormalForm::NFKD), "A\u030A");
  // Hangul syllables decompose and recompose algorithmically.
  EXPECT_EQ(normalize(normalize("한국", NormalForm::NFD), NormalForm::NFC), "한국");
}

TEST(TextStringFunctions, fold_accents_strips_nonspacing_marks) {
  EXPECT_EQ(fold_accents("Café Ñandú"), "Cafe Nandu");
  EXPECT_EQ(to_lower(fold_accents("Café Ñandú")), "cafe nandu");
  EXPECT_EQ(fold_accents("Crème brûlée, Ångström, naïve"), "Creme brulee, Angstrom, naive");
  EXPECT_EQ(fold_accents("e\u0301\u0323"), "e");  // several combining marks
  // Letters that are not a base plus a mark keep their identity.
  EXPECT_EQ(fold_accents("ø ß ł"), "ø ß ł");
  // Spacing marks (Mc) stay: Devanagari vowel signs are part of the word.
  EXPECT_EQ(fold_accents("हिंदी"), "हिदी");  // U+0902 ANUSVARA (Mn) goes, U+093F, U+0940 (Mc) stay
  EXPECT_EQ(fold_accents("ｃａｆé", /*compatibility=*/true), "cafe");
  EXPECT_EQ(fold_accents("東京 😀"), "東京 😀");
}

TEST(TextStringFunctions, strip_punctuation_removes_unicode_punctuation_only) {
  EXPECT_EQ(strip_punctuation("Wi-Fi, 5.0 (new)!"), "WiFi 50 new");
  EXPECT_EQ(strip_punctuation("«Hola», ¿qué?"), "Hola qué");
  EXPECT_EQ(strip_punctuation("東京、大阪。"), "東京大阪");
  EXPECT_EQ(strip_punctuation("$100 + 5€ ©"), "$100 + 5€ ©");  // symbols are kept
  EXPECT_EQ(strip_punctuation("a-b_c", " "), "a b c");
}

TEST(TextStringFunctions, collapse_whitespace_joins_runs_with_one_space_and_trims) {
  EXPECT_EQ(collapse_whitespace("  Sony \t\n  DSC-W55\u00A0\u2003camera  "), "Sony DSC-W55 camera");
  EXPECT_EQ(collapse_whitespace(" \t "), "");
  EXPECT_EQ(collapse_whitespace("a"), "a");
}

TEST(TextStringFunctions, split_on_a_separator_keeps_empty_parts) {
  EXPECT_EQ(split("a,,b", ","), (Strings{"a", "", "b"}));
  EXPECT_EQ(split("", ","), (Strings{""}));
  EXPECT_EQ(split("a::b::", "::"), (Strings{"a", "b", ""}));
  EXPECT_EQ(split("東京・大阪", "・"), (Strings{"東京", "大阪"}));
  EXPECT_EQ(split("abc", "|"), (Strings{"abc"}));
}

TEST(TextStringFunctions, split_rejects_an_empty_separator) {
  try {
    split("abc", "");
    FAIL() << "expected BadInput";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("separator"), std::string::npos);
  }
}

TEST(TextStringFunctions, qgrams_are_code_points_with_optional_padding) {
  EXPECT_EQ(qgrams("abcd", 2), (Strings{"ab", "bc", "cd"}));
  EXPECT_EQ(qgrams("abc", 3, /*pad=*/true), (Strings{"##a", "#ab", "abc", "bc$", "c$$"}));
  EXPECT_EQ(qgrams("東京都", 2), (Strings{"東京", "京都"}));
  EXPECT_EQ(qgrams("😀😁", 1), (Strings{"😀", "😁"}));
  EXPECT_EQ(qgrams("ab", 3), (Strings{"ab"}));  // shorter than q: itself
  EXPECT_EQ(qgrams("a", 2, true), (Strings{"#a", "a$"}));
  EXPECT_TRUE(qgrams("", 3).empty());
  EXPECT_TRUE(qgrams("", 3, true).empty());
  EXPECT_THROW(qgrams("abc", 0), Error);
  EXPECT_THROW(qgrams("abc", kMaxQgramSize + 1), Error);
}

TEST(TextStringFunctions, invalid_utf8_becomes_replacement_characters_in_every_result) {
  const std::string bad = "Caf\xC3 \xFF" "ok\xE2\x82";
  for (const std::string& out :
       {to_lower(bad), to_upper(bad), case_fold(bad), trim(bad), normalize(bad, NormalForm::NFKC),
        fold_accents(bad), strip_punctuation(bad), collapse_whitespace(bad)}) {
    EXPECT_TRUE(is_valid_utf8(out)) << out;
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos) << out;
  }
  EXPECT_EQ(to_lower(bad), "caf\xEF\xBF\xBD \xEF\xBF\xBDok\xEF\xBF\xBD");
  for (const std::string& part : split(bad, " ")) EXPECT_TRUE(is_valid_utf8(part));
  for (const std::string& gram : qgrams(bad, 2, true)) EXPECT_TRUE(is_valid_utf8(gram));
}

}  // namespace
}  // namespace onnxfn::text
