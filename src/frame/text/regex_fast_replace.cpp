// Byte-scan stand-ins for RE2's GlobalReplace on a few pattern shapes (see regex_fast_replace.h).
#include "frame/text/regex_fast_replace.h"

namespace onnxfn::text::detail {

namespace {

// RE2's \w (ASCII only, also in UTF-8 mode): the two sides of \b.
bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
// RE2's \s: [\t\n\f\r ] (Perl's, without \v). Everything else, every byte of a multi-byte
// character included, is \S.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

size_t token_end(std::string_view text, size_t p) {
  while (p < text.size() && !is_space(text[p])) ++p;
  return p;
}

}  // namespace

std::optional<FastReplace> FastReplace::recognize(std::string_view pattern) {
  if (pattern == R"(\S*[^0-9\s]\S*)") return FastReplace(Kind::kNonNumericTokens);
  if (pattern == R"((?:^|\s)[^#\s]\S*)") return FastReplace(Kind::kUnmarkedTokens);
  FastReplace words(Kind::kWords);
  std::string_view body = pattern;
  if (body.starts_with(R"(\b(?:)")) {
    body.remove_prefix(5);
  } else if (body.starts_with(R"(\b()")) {
    body.remove_prefix(3);
    words.capture_ = true;
  } else {
    return std::nullopt;
  }
  if (!body.ends_with(R"()\b)")) return std::nullopt;
  body.remove_suffix(3);
  // Literal words only: no character RE2 could read as syntax, no word RE2's \b could split.
  for (size_t start = 0;;) {
    const size_t bar = body.find('|', start);
    const std::string_view word = body.substr(start, bar == std::string_view::npos ? body.size() - start : bar - start);
    if (word.empty() || !is_word(word.front()) || !is_word(word.back())) return std::nullopt;
    for (const char c : word)
      if (!is_word(c) && c != ' ') return std::nullopt;
    if (words.words_.size() == 0xFFFF) return std::nullopt;
    words.by_first_[static_cast<unsigned char>(word.front())].push_back(static_cast<uint16_t>(words.words_.size()));
    words.words_.emplace_back(word);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return words;
}

bool FastReplace::find(std::string_view text, size_t from, size_t& begin, size_t& end) const {
  const size_t n = text.size();
  switch (kind_) {
    case Kind::kWords:
      // Every word starts and ends with a word character, so \b holds before p when the byte
      // before is no word character (RE2 sees the text before the search start), and after the
      // word likewise; the first alternative that fits wins (leftmost-first).
      for (size_t p = from; p < n; ++p) {
        if (!is_word(text[p]) || (p > 0 && is_word(text[p - 1]))) continue;
        for (const uint16_t index : by_first_[static_cast<unsigned char>(text[p])]) {
          const std::string& word = words_[index];
          const size_t e = p + word.size();
          if (e <= n && text.compare(p, word.size(), word) == 0 && (e == n || !is_word(text[e]))) {
            begin = p;
            end = e;
            return true;
          }
        }
      }
      return false;
    case Kind::kNonNumericTokens:
      // A match starts at the first byte of a token holding a byte other than a digit (from
      // there \S* reaches it; inside a digits-only token nothing can) and greedy \S* takes the
      // rest of the token. Searches start at a token's end (the previous match's) or at 0.
      for (size_t p = from; p < n;) {
        while (p < n && is_space(text[p])) ++p;
        const size_t start = p;
        bool non_digit = false;
        for (; p < n && !is_space(text[p]); ++p) non_digit |= text[p] < '0' || text[p] > '9';
        if (non_digit) {
          begin = start;
          end = p;
          return true;
        }
      }
      return false;
    case Kind::kUnmarkedTokens:
      for (size_t p = from; p < n; ++p) {
        // ^ first (position 0 only), then \s, each followed by a character other than '#' or \s.
        if (p == 0 && !is_space(text[0]) && text[0] != '#') {
          begin = 0;
          end = token_end(text, 0);
          return true;
        }
        if (is_space(text[p]) && p + 1 < n && !is_space(text[p + 1]) && text[p + 1] != '#') {
          begin = p;
          end = token_end(text, p + 1);
          return true;
        }
      }
      return false;
  }
  return false;
}

bool FastReplace::replace_all(std::string_view text, std::string_view rewrite, std::string& out) const {
  out.clear();
  size_t pos = 0, begin = 0, end = 0;
  while (find(text, pos, begin, end)) {  // every match is non-empty: no empty-match stepping
    out.append(text, pos, begin - pos);
    // RE2's rewrite: \0 the match, \N group N (group 1 of \b(...)\b is the match too: \b is
    // empty), \\ a backslash.
    for (size_t k = 0; k < rewrite.size(); ++k) {
      if (rewrite[k] != '\\') {
        out.push_back(rewrite[k]);
        continue;
      }
      if (++k == rewrite.size()) return false;
      const char c = rewrite[k];
      if (c == '\\')
        out.push_back('\\');
      else if (c == '0' || (c == '1' && capture_))
        out.append(text, begin, end - begin);
      else
        return false;
    }
    pos = end;
  }
  out.append(text, pos);
  return true;
}

}  // namespace onnxfn::text::detail
