// Word tokenisation on code points (the rule is stated in tokenize.h).
#include "frame/text/tokenize.h"

#include "frame/text/unicode.h"

namespace onnxfn::text {

namespace {

bool is_word_char(char32_t cp) {
  if (cp < 0x80) return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || (cp >= '0' && cp <= '9');
  return is_letter(cp) || is_number(cp) || is_mark(cp);
}

}  // namespace

void tokenize(std::u32string_view cps, std::vector<TokenSpan>& out) {
  out.clear();
  bool in_token = false;
  for (size_t i = 0; i < cps.size(); ++i) {
    const char32_t cp = cps[i];
    if (!is_word_char(cp)) {
      in_token = false;
      continue;
    }
    if (cp >= 0x3040 && is_ideographic(cp)) {
      out.push_back({static_cast<uint32_t>(i), 1});
      in_token = false;
      continue;
    }
    if (in_token) {
      ++out.back().length;
    } else {
      out.push_back({static_cast<uint32_t>(i), 1});
      in_token = true;
    }
  }
}

std::vector<std::string> tokenize(std::string_view text) {
  const std::u32string cps = decode_utf8(text);
  std::vector<TokenSpan> spans;
  tokenize(cps, spans);
  std::vector<std::string> tokens;
  tokens.reserve(spans.size());
  for (const TokenSpan& span : spans)
    tokens.push_back(encode_utf8(std::u32string_view(cps).substr(span.begin, span.length)));
  return tokens;
}

}  // namespace onnxfn::text
