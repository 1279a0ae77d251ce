// String functions over UTF-8 values, the building blocks of text feature pipelines: case mapping,
// trimming, Unicode normalisation, accent folding, punctuation stripping, whitespace collapsing,
// splitting and character q-grams. (Regexes: regex_functions.h; word tokens: tokenize.h.)
//
// Every function is total over byte strings: ill-formed UTF-8 is read with each maximal ill-formed
// subsequence replaced by U+FFFD (unicode.h) and every result is valid UTF-8. Nulls are the
// caller's concern (a Frame maps a null input to a null output without calling these).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "frame/text/unicode.h"

namespace onnxfn::text {

// One-to-one Unicode case mappings: "ÉCOLE" → "école", "straße" → "STRAẞE" (see simple_upper).
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);
// Full case folding (CaseFolding.txt C + F), for caseless matching: "Straße" → "strasse".
std::string case_fold(std::string_view text);

// Removes White_Space characters (Unicode, not only ASCII) at both ends.
std::string trim(std::string_view text);

// NFC / NFD / NFKC / NFKD (UAX #15). NFKC also maps fullwidth forms, ligatures and superscripts
// to their plain equivalents ("ＫＤＬ４０" → "KDL40", "ﬁ" → "fi", "²" → "2").
std::string normalize(std::string_view text, NormalForm form);

// Accent folding: canonical (or, with `compatibility`, compatibility) decomposition, removal of
// nonspacing marks (general category Mn), then canonical composition. "Café Ñandú" → "Cafe Nandu";
// letters that are not composed with a mark keep their identity ("ø", "ß", "ł" are unchanged).
std::string fold_accents(std::string_view text, bool compatibility = false);

// Replaces every punctuation character (general category P*) by `replacement` (default: removes
// it). Symbols (S*: "$", "+", "€", "©") are not punctuation and are kept.
std::string strip_punctuation(std::string_view text, std::string_view replacement = {});

// Replaces every run of White_Space characters by one U+0020 and trims both ends.
std::string collapse_whitespace(std::string_view text);

// Splits on every occurrence of `separator` (a non-empty string, matched byte-wise after both are
// made valid UTF-8): "a,,b" → {"a", "", "b"}; "" → {""}. An empty separator throws BadInput.
std::vector<std::string> split(std::string_view text, std::string_view separator);

// Character q-grams on code points (not bytes), in order and with repeats, q in [1, 32] (else
// BadInput). With `pad`, the text is framed by q−1 '#' before and q−1 '$' after, the convention of
// py_stringmatching's QgramTokenizer, so first and last characters count as much as middle ones:
// q=3, "abc" → {"##a", "#ab", "abc", "bc$", "c$$"}. Without padding, a non-empty text shorter than
// q yields itself as its single gram, so that two different short strings never share an empty
// gram set. An empty text yields no grams either way.
std::vector<std::string> qgrams(std::string_view text, size_t q, bool pad = false);

inline constexpr size_t kMaxQgramSize = 32;
inline constexpr char32_t kQgramPadBefore = U'#';
inline constexpr char32_t kQgramPadAfter = U'$';

// Calls `emit(std::u32string_view gram)` for each q-gram of `cps` by the rule above; `scratch` is
// reused for the padded copy. Shared by qgrams() and PreparedString so both follow one rule.
template <class Emit>
void for_each_qgram(std::u32string_view cps, size_t q, bool pad, std::u32string& scratch,
                    Emit&& emit) {
  if (cps.empty()) return;
  std::u32string_view framed = cps;
  if (pad && q > 1) {
    scratch.assign(q - 1, kQgramPadBefore);
    scratch.append(cps);
    scratch.append(q - 1, kQgramPadAfter);
    framed = scratch;
  }
  if (framed.size() < q) {
    emit(framed);
    return;
  }
  for (size_t i = 0; i + q <= framed.size(); ++i) emit(framed.substr(i, q));
}

}  // namespace onnxfn::text
