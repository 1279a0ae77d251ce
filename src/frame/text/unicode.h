// UTF-8 decoding and encoding, the Unicode character properties the text functions need, and the
// one normalisation routine (utf8proc) behind case folding, NFC/NFKC and accent folding.
//
// Invalid UTF-8 is never an error here: every byte string has exactly one decoding, in which each
// maximal ill-formed subsequence becomes one U+FFFD (Unicode Standard 15.0, §3.9, "U+FFFD
// Substitution of Maximal Subparts"; the same rule as the WHATWG Encoding Standard's UTF-8 decoder
// and Python's bytes.decode("utf-8", "replace")). Every function that returns text returns valid
// UTF-8, so downstream encoders (JSON, CSV) never see broken bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace onnxfn::text {

inline constexpr char32_t kReplacementCharacter = U'\uFFFD';

bool is_ascii(std::string_view bytes);
bool is_valid_utf8(std::string_view bytes);

// Appends the code points of `bytes` to `out` (ill-formed subsequences → U+FFFD, see above).
void decode_utf8(std::string_view bytes, std::u32string& out);
std::u32string decode_utf8(std::string_view bytes);

// Appends the UTF-8 encoding of `cp`; a surrogate or a value above U+10FFFF (never produced by
// decode_utf8) is written as U+FFFD.
void append_utf8(char32_t cp, std::string& out);
void encode_utf8(std::u32string_view cps, std::string& out);  // appends
std::string encode_utf8(std::u32string_view cps);

// `bytes` with every ill-formed subsequence replaced by U+FFFD (a plain copy when already valid).
std::string sanitize_utf8(std::string_view bytes);

// Character properties, from the Unicode Character Database as compiled into utf8proc.
bool is_white_space(char32_t cp);      // the White_Space property (PropList.txt), all 25 of them
bool is_letter(char32_t cp);           // general category L*
bool is_mark(char32_t cp);             // M*
bool is_nonspacing_mark(char32_t cp);  // Mn: the accents that accent folding removes
bool is_number(char32_t cp);           // N* (Nd, Nl, No)
bool is_punctuation(char32_t cp);      // P* (Pc Pd Ps Pe Pi Pf Po); "$+<=>^`|~" are symbols, not P*
// Scripts written without spaces between words, whose characters each form a word token:
// Han ideographs (incl. compatibility ideographs and the supplementary-plane extensions) and
// Hiragana (UAX #29 finds no word boundaries inside them; Katakana runs stay together, as there).
bool is_ideographic(char32_t cp);

// One-to-one case mappings (utf8proc's: the simple mappings of UnicodeData.txt, plus "ß" → "ẞ"
// U+1E9E, where UnicodeData.txt has none), so the code-point count never changes. For caseless
// comparison use full case folding (TextTransform::case_fold), which maps "ß" and "ẞ" to "ss".
char32_t simple_lower(char32_t cp);
char32_t simple_upper(char32_t cp);

enum class NormalForm { NFC, NFD, NFKC, NFKD };

// One pass of Unicode processing (UAX #15 normalisation via utf8proc):
//  1. full case folding (CaseFolding.txt, statuses C + F) if `case_fold`,
//  2. canonical (or, if `compatibility`, compatibility) decomposition with canonical ordering,
//  3. removal of nonspacing marks (Mn) if `strip_nonspacing_marks`: accent folding, so
//     "Café Ñandú" becomes "Cafe Nandu". Only Mn is removed, not Mc, so that the vowel signs of
//     Indic scripts (spacing marks) survive,
//  4. canonical composition if `compose`.
// With everything off but `compose` this is NFC; `compatibility` + `compose` is NFKC; without
// `compose` NFD / NFKD. ASCII input takes a fast path (it is invariant under all four forms).
struct TextTransform {
  bool case_fold = false;
  bool compatibility = false;
  bool strip_nonspacing_marks = false;
  bool compose = true;
};

// Appends the transformed code points of `bytes` (decoded as by decode_utf8) to `out`.
void transform(std::string_view bytes, const TextTransform& how, std::u32string& out);
// The same through utf8proc alone, without transform's ASCII and Latin shortcuts: the reference
// that tests and the text fuzzer hold the shortcuts to.
void transform_without_shortcuts(std::string_view bytes, const TextTransform& how, std::u32string& out);

}  // namespace onnxfn::text
