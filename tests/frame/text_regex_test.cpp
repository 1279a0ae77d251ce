// Regex search, extract and replace with RE2; invalid patterns and rewrites are BadInput.
#include <gtest/gtest.h>

#include "common/error.h"
#include "frame/text/regex_functions.h"
#include "frame/text/unicode.h"

namespace onnxfn::text {
namespace {

TEST(TextRegex, extracts_the_first_match_or_a_capture_group) {
  const Regex size(R"((\d+(?:\.\d+)?)\s*(gb|tb))");
  EXPECT_EQ(regex_extract(size, "SSD 512 gb and 1.5tb"), "512 gb");
  EXPECT_EQ(regex_extract(size, "SSD 512 gb and 1.5tb", 1), "512");
  EXPECT_EQ(regex_extract(size, "SSD 512 gb and 1.5tb", 2), "gb");
  EXPECT_EQ(regex_extract(size, "no size here"), std::nullopt);
  EXPECT_EQ(size.capture_groups(), 2);
}

TEST(TextRegex, a_group_that_did_not_participate_is_null_and_an_empty_match_is_empty) {
  const Regex optional_group("a(b)?c");
  EXPECT_EQ(regex_extract(optional_group, "xacx", 1), std::nullopt);
  EXPECT_EQ(regex_extract(optional_group, "xabcx", 1), "b");
  const Regex empty("x*");
  EXPECT_EQ(regex_extract(empty, "abc"), "");
}

TEST(TextRegex, matches_unicode_by_code_point) {
  const Regex word(R"(\p{L}+)");
  EXPECT_EQ(regex_extract(word, "123 Ñandú 東京"), "Ñandú");
  const Regex han(R"(\p{Han}+)");
  EXPECT_EQ(regex_extract(han, "Sony 索尼 camera"), "索尼");
  const Regex one(R"(^.$)");
  EXPECT_TRUE(regex_contains(one, "😀"));  // one code point, four bytes
}

TEST(TextRegex, searches_unanchored) {
  const Regex model(R"([A-Z]{2,4}-?[A-Z]?\d{2,})");
  EXPECT_TRUE(regex_contains(model, "Sony DSC-W55 camera"));
  EXPECT_FALSE(regex_contains(model, "sony camera"));
}

TEST(TextRegex, replaces_all_or_the_first_match_with_group_references) {
  // Leftmost-first alternation, as in Perl: "inch" must come before "in".
  const Regex digits(R"((\d+)\s*(?:inch|in|"))");
  EXPECT_EQ(regex_replace(digits, R"(40 inch and 32")", R"(\1in)"), "40in and 32in");
  EXPECT_EQ(regex_replace(digits, R"(40 inch and 32")", R"(\1in)", /*all=*/false),
            R"(40in and 32")");
  const Regex space(R"(\s+)");
  EXPECT_EQ(regex_replace(space, "a  b\t\tc", " "), "a b c");
  EXPECT_EQ(regex_replace(space, "abc", "_"), "abc");
}

TEST(TextRegex, invalid_pattern_is_bad_input_naming_the_pattern) {
  try {
    Regex bad("(unclosed[");
    FAIL() << "expected BadInput";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    const std::string message = e.what();
    EXPECT_NE(message.find("'(unclosed['"), std::string::npos) << message;
    EXPECT_NE(message.find("invalid regular expression"), std::string::npos) << message;
  }
  // Backreferences would need backtracking: RE2 refuses them.
  EXPECT_THROW(Regex(R"((a)\1)"), Error);
  // Repetition counts beyond RE2's limit.
  EXPECT_THROW(Regex("a{1001}"), Error);
}

// \C matches one byte even in UTF-8 mode, so results could split a character (found by the text
// fuzzer: "\CW" on "\xD3WSS" extracted half of U+FFFD): refused at compile time. An escaped
// backslash before C is a literal backslash and C.
TEST(TextRegex, any_byte_escape_is_refused) {
  for (const char* pattern : {R"(\CW)", R"(a\C)", R"([\C])", R"(x\\\C)"}) {
    try {
      Regex bad(pattern);
      FAIL() << "expected BadInput for " << pattern;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      EXPECT_NE(std::string(e.what()).find("any single byte"), std::string::npos) << e.what();
    }
  }
  const Regex literal(R"(\\C)");
  EXPECT_TRUE(regex_contains(literal, R"(a\Cb)"));
  EXPECT_EQ(regex_extract(Regex(R"(\d+C)"), "x12Cy"), "12C");
}

TEST(TextRegex, invalid_pattern_message_is_valid_utf8) {
  try {
    Regex bad("(\xFF");
    FAIL() << "expected BadInput";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_TRUE(is_valid_utf8(e.what()));
  }
}

TEST(TextRegex, missing_group_or_bad_rewrite_is_bad_input) {
  const Regex one_group("(a)");
  EXPECT_THROW(regex_extract(one_group, "a", 2), Error);
  EXPECT_THROW(regex_extract(one_group, "a", -1), Error);
  EXPECT_THROW(regex_replace(one_group, "a", R"(\2)"), Error);
  try {
    regex_replace(one_group, "a", R"(\2)");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
  }
}

TEST(TextRegex, invalid_utf8_input_gives_valid_results) {
  const Regex any(".+");
  const auto whole = regex_extract(any, "a\xFF" "b");
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(*whole, "a\xEF\xBF\xBD" "b");
  EXPECT_TRUE(is_valid_utf8(regex_replace(Regex("b"), "\xC3" "b\xC3", "x")));
}

TEST(TextRegex, is_linear_on_patterns_that_make_backtracking_engines_explode) {
  const Regex evil("(a+)+$");
  const std::string input = std::string(100000, 'a') + "!";
  EXPECT_FALSE(regex_contains(evil, input));  // would take ages with backtracking
}

TEST(TextRegex, moves_keep_the_compiled_pattern) {
  Regex a("b+");
  Regex b = std::move(a);
  EXPECT_EQ(regex_extract(b, "abbbc"), "bbb");
  EXPECT_EQ(b.pattern(), "b+");
}

}  // namespace
}  // namespace onnxfn::text
