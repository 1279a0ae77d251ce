// Word tokens for token-based similarity (Jaccard, cosine, TF-IDF, Monge–Elkan) and IDF tables.
//
// The rule: a token is a maximal run of letters (general category L*), numbers (N*) and marks (M*,
// so that combining accents and Indic vowel signs stay with their letter); every other code point
// (spaces, punctuation, symbols, controls) separates tokens. Each Han ideograph and each Hiragana
// character is a token of its own, since those scripts put no spaces between words (as UAX #29
// word boundaries do; there is no dictionary segmentation). So "Sony DSC-W55, 7.2MP" →
// {"Sony", "DSC", "W55", "7", "2MP"} and "索尼相机" → {"索", "尼", "相", "机"}. Letters and digits
// are not split from each other ("2MP" is one token); model numbers have their own extractor
// (similarity.h) that also joins "DSC-W55". Tokens are not case-folded or normalised here:
// PreparedString does that before tokenising.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onnxfn::text {

// A token as a span of code points.
struct TokenSpan {
  uint32_t begin = 0;
  uint32_t length = 0;
};

// Appends the tokens of `cps` to `out` (cleared first).
void tokenize(std::u32string_view cps, std::vector<TokenSpan>& out);

// The tokens of UTF-8 `text` (decoded as by decode_utf8), as UTF-8 strings.
std::vector<std::string> tokenize(std::string_view text);

}  // namespace onnxfn::text
