// Exact byte-scan stand-ins for RE2's GlobalReplace on three pattern shapes that text-cleaning
// pipelines chain by the dozen (the product-matching bundle runs 15 per distinct title):
//  - words:      \b(?:w1|w2|...)\b or \b(w1|w2|...)\b, each wi plain letters, digits, '_' and
//                inner spaces, starting and ending with a word character (a synonym table);
//  - non-numeric tokens: \S*[^0-9\s]\S*  (every whitespace-separated token with a non-digit);
//  - unmarked tokens:    (?:^|\s)[^#\s]\S*  (every token not starting with '#', with the
//                whitespace before it).
// RE2 searches each match with a separate engine run (and the tokens patterns match nearly every
// token): ~0.4 us per pattern and title, the scans here a tenth of that. The results are RE2's
// byte for byte (leftmost-first alternation, RE2's ASCII \b and \s = [\t\n\f\r ], whole code
// points: every boundary these shapes can match at is an ASCII byte); tests/frame/
// text_regex_fast_replace_test.cpp compares the two on random text. Other patterns go to RE2.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onnxfn::text::detail {

class FastReplace {
 public:
  // The stand-in for `pattern`, or nullopt when the pattern has none of the shapes above.
  static std::optional<FastReplace> recognize(std::string_view pattern);

  // Every match in `text` (valid UTF-8) replaced by `rewrite` (valid UTF-8, as RE2's
  // CheckRewriteString accepts it for this pattern), into `out`. False, with `out` unspecified,
  // when the rewrite has an escape this does not expand (the caller then asks RE2).
  bool replace_all(std::string_view text, std::string_view rewrite, std::string& out) const;

 private:
  enum class Kind { kWords, kNonNumericTokens, kUnmarkedTokens };
  explicit FastReplace(Kind kind) : kind_(kind) {}

  // [begin, end) of the leftmost match at or after `from`, or false.
  bool find(std::string_view text, size_t from, size_t& begin, size_t& end) const;

  Kind kind_;
  bool capture_ = false;            // kWords: \b(...)\b, whose group 1 is the whole match
  std::vector<std::string> words_;  // kWords: the alternatives, in order
  // kWords: for each first byte, the indexes of the words starting with it, in order (a title's
  // token is compared with the few words that can match it, not with all fifty).
  std::array<std::vector<uint16_t>, 128> by_first_;
};

}  // namespace onnxfn::text::detail
