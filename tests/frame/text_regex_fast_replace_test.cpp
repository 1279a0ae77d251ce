// The byte-scan stand-ins for RE2's GlobalReplace (regex_fast_replace.h) give RE2's results byte
// for byte: on the product-matching bundle's patterns and look-alikes, over random text built
// from the bytes and words that can trip them (word and non-word neighbours, every \s byte, \v,
// '#', '_', digits, capitals, multi-byte characters).
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

#include "frame/text/regex_fast_replace.h"
#include "frame/text/regex_functions.h"

namespace onnxfn::text {
namespace {

std::string re2_replace_all(const std::string& pattern, std::string text, const std::string& rewrite) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  const RE2 re(pattern, options);
  EXPECT_TRUE(re.ok()) << pattern;
  RE2::GlobalReplace(&text, re, rewrite);
  return text;
}

std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      " ", "  ", "\t", "\n", "\f", "\r", "\v", "#", "_", "-", "/", ".", "0", "7", "42", "3.5", "a", "x", "Z",
      "mac", "osx", "macintosh", "macintoshx", "xmac", "pc", "pcs", "win", "windows", "wi", "fi", "wi fi", "wifi",
      "wireless", "pro", "prof", "professional", "blk", "black", "grey", "gray", "#mac", "é", "東京", "ß", "ﬁ", "😀",
      "tb4019bk", "16gb", "std", "edu", "acad", "students", "student", "upg", "upgr", "upsell", "dlx", "refurbished"};
  std::uniform_int_distribution<size_t> count(0, 14), pick(0, pieces.size() - 1);
  std::string text;
  for (size_t n = count(rng); n > 0; --n) text += pieces[pick(rng)];
  return text;
}

struct Case {
  std::string pattern;
  std::string rewrite;
};

TEST(TextRegexFastReplace, gives_re2s_results_on_random_text) {
  const std::vector<Case> cases = {
      {R"(\S*[^0-9\s]\S*)", ""},
      {R"(\S*[^0-9\s]\S*)", "<\\0>"},
      {R"((?:^|\s)[^#\s]\S*)", " "},
      {R"((?:^|\s)[^#\s]\S*)", "[\\0]\\\\"},
      {R"(\b(?:macintosh|osx)\b)", "mac"},
      {R"(\b(?:windows|pc)\b)", "win"},
      {R"(\b(?:wireless|wi fi|wifi)\b)", "wireless"},
      {R"(\b(?:upg|upgr|upsell)\b)", "upgrade"},
      {R"(\b(?:mac|macintosh|m)\b)", "<\\0>"},
      {R"(\b(mac|win|pro|professional|black|gray|wireless|refurbished|16gb|tb4019bk)\b)", "#\\1"},
      {R"(\b(a|x|Z|_|7)\b)", "\\1\\0"},
  };
  std::mt19937 rng(19);
  for (const Case& c : cases) {
    const Regex regex(c.pattern);
    ASSERT_NE(regex.fast_replace(), nullptr) << c.pattern;
    for (int k = 0; k < 3000; ++k) {
      const std::string text = random_text(rng);
      std::string fast;
      ASSERT_TRUE(regex.fast_replace()->replace_all(text, c.rewrite, fast));
      ASSERT_EQ(fast, re2_replace_all(c.pattern, text, c.rewrite)) << c.pattern << " on '" << text << "'";
      ASSERT_EQ(regex_replace(regex, text, c.rewrite), fast);
    }
  }
}

TEST(TextRegexFastReplace, takes_only_the_shapes_it_reproduces) {
  for (const char* other : {R"(\b(?:a.b|c)\b)", R"(\b(?:a|)\b)", R"(\b(?: a|b)\b)", R"(\b(?:a|b )\b)",
                            R"(\b(?:a|b)\B)", R"(\b(?:a|b))", R"((?:a|b)\b)",
                            R"(\b(?:(a)|b)\b)", R"(\S+[^0-9\s]\S*)", R"((?:^|\s)[^#\s]\S+)", R"(x)"})
    EXPECT_EQ(Regex(other).fast_replace(), nullptr) << other;
}

TEST(TextRegexFastReplace, leaves_escapes_it_does_not_expand_to_re2) {
  const Regex regex(R"(\b(?:pro|prof)\b)");
  std::string out;
  EXPECT_FALSE(regex.fast_replace()->replace_all("a pro b", "\\2", out));
  EXPECT_FALSE(regex.fast_replace()->replace_all("a pro b", "x\\", out));
  EXPECT_TRUE(regex.fast_replace()->replace_all("a pro b", "\\0!", out));
  EXPECT_EQ(out, "a pro! b");
  // Through regex_replace, an invalid rewrite is still RE2's error.
  EXPECT_ANY_THROW(regex_replace(regex, "a pro b", "\\1"));
  // Text that is not valid UTF-8 is made valid first, as on RE2's path.
  EXPECT_EQ(regex_replace(Regex(R"(\S*[^0-9\s]\S*)"), "12 a\xff 3", ""), "12  3");
}

}  // namespace
}  // namespace onnxfn::text
