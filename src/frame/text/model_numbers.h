// Model numbers and product codes ("DSC-W55", "KDL40V4100", "MK-4000/B"): in product matching a
// shared code is strong evidence of a match and two different codes strong evidence against one.
//
// The rule, applied to text after NFKC and case folding (so "ＫＤＬ４０" and "kdl40" agree):
//  - a candidate is a maximal run of ASCII letters and digits, in which a joiner ('-', '/', '.',
//    U+2010 HYPHEN) between two letters or digits is dropped: "dsc-w55" → "dscw55",
//    "mk-4000/b" → "mk4000b"; any other character ends the candidate (so "kdl 40v4100" gives
//    "kdl" and "40v4100", and a code is never joined across a space);
//  - a candidate is a code when it has at least one letter and at least one digit ("w55",
//    "1080p", "16gb", "2mp" are codes; "sony" is not), or when it is all digits and has at least
//    `min_digits_for_numbers` of them (off by default: part numbers such as "4100" count, but so
//    would years and prices);
//  - codes shorter than `min_length` characters (after dropping joiners) are ignored.
// The result is sorted and without repeats. Comparison of two code sets is compare_model_numbers
// (similarity.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "frame/text/tokenize.h"

namespace onnxfn::text {

struct ModelNumberOptions {
  size_t min_digits_for_numbers = 0;  // 0: all-digit candidates are never codes
  size_t min_length = 1;
};

// Codes in code points that are already NFKC + case folded (PreparedString's text); ASCII capitals
// are still lowered. Appends to `out` (cleared first), sorted and unique.
void extract_model_numbers(std::u32string_view cps, const ModelNumberOptions& options,
                           std::vector<std::string>& out);

// The same for ASCII text whose word tokens (tokenize.h: runs of ASCII letters and digits) are
// known, with what each holds (kTokenLetters | kTokenDigits), as PreparedString's ASCII pass finds
// them: the rule then applies per token, with no second look at the characters.
inline constexpr uint8_t kTokenLetters = 1, kTokenDigits = 2;
void extract_ascii_model_numbers(std::string_view text, std::span<const TokenSpan> tokens,
                                 std::span<const uint8_t> kinds, const ModelNumberOptions& options,
                                 std::vector<std::string>& out);

// Codes in any UTF-8 text: applies NFKC, case folding and accent folding (the PreparedString
// defaults) first.
std::vector<std::string> extract_model_numbers(std::string_view text,
                                               const ModelNumberOptions& options = {});

}  // namespace onnxfn::text
