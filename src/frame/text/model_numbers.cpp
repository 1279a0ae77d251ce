// Model-number extraction (rule in model_numbers.h) and the comparison of two records' code sets.
#include "frame/text/model_numbers.h"

#include <algorithm>

#include "frame/text/similarity.h"
#include "frame/text/unicode.h"

namespace onnxfn::text {

namespace {

// Inlined even in this size-optimised file: called for every character of every prepared title.
[[gnu::always_inline]] inline bool is_code_letter(char32_t c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
[[gnu::always_inline]] inline bool is_code_digit(char32_t c) { return c >= '0' && c <= '9'; }
[[gnu::always_inline]] inline bool is_code_char(char32_t c) { return is_code_letter(c) || is_code_digit(c); }
[[gnu::always_inline]] inline bool is_joiner(char32_t c) { return c == '-' || c == '/' || c == '.' || c == 0x2010; }

// The rule on a run's letter and digit counts (model_numbers.h).
bool is_code(size_t letters, size_t digits, const ModelNumberOptions& options) {
  const bool mixed = letters > 0 && digits > 0;
  const bool number = letters == 0 && options.min_digits_for_numbers > 0 && digits >= options.min_digits_for_numbers;
  return (mixed || number) && letters + digits >= options.min_length;
}

void sort_codes(std::vector<std::string>& codes) {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
}

}  // namespace

void extract_model_numbers(std::u32string_view cps, const ModelNumberOptions& options,
                           std::vector<std::string>& out) {
  out.clear();
  size_t i = 0;
  while (i < cps.size()) {
    if (!is_code_char(cps[i])) {
      ++i;
      continue;
    }
    // Measure the run first: most runs are plain words, which are rejected without building them.
    const size_t start = i;
    size_t letters = 0, digits = 0;
    while (i < cps.size()) {
      const char32_t c = cps[i];
      if (is_code_char(c)) {
        const bool letter = is_code_letter(c);
        letters += letter;
        digits += !letter;
        ++i;
      } else if (is_joiner(c) && i + 1 < cps.size() && is_code_char(cps[i + 1])) {
        ++i;  // a joiner between two code characters is dropped
      } else {
        break;
      }
    }
    if (!is_code(letters, digits, options)) continue;
    std::string& code = out.emplace_back();
    code.reserve(letters + digits);
    for (size_t k = start; k < i; ++k) {
      const char32_t c = cps[k];
      if (is_code_char(c)) code.push_back(static_cast<char>(is_code_letter(c) ? (c | 0x20) : c));
    }
  }
  sort_codes(out);
}

// On ASCII text, the word tokens are exactly the runs of code characters, so a run above is a
// chain of tokens each followed by one joiner ('-', '/', '.') and the next token; its letter and
// digit counts matter only as far as the rule reads them: whether it has letters, digits, both,
// and (all digits) its length.
void extract_ascii_model_numbers(std::string_view text, std::span<const TokenSpan> tokens,
                                 std::span<const uint8_t> kinds, const ModelNumberOptions& options,
                                 std::vector<std::string>& out) {
  out.clear();
  for (size_t k = 0; k < tokens.size();) {
    const size_t first = k;
    uint8_t kind = 0;
    size_t length = 0;
    for (;;) {
      kind |= kinds[k];
      const TokenSpan& t = tokens[k++];
      length += t.length;
      const uint32_t end = t.begin + t.length;
      if (k == tokens.size() || tokens[k].begin != end + 1 || !is_joiner(static_cast<unsigned char>(text[end]))) break;
    }
    // The counts is_code reads: digits stand for all of them, or at least one, or none.
    const size_t digits = kind == kTokenDigits ? length : (kind & kTokenDigits) != 0 ? 1 : 0;
    const size_t letters = (kind & kTokenLetters) != 0 ? length - digits : 0;
    if (!is_code(letters, digits, options)) continue;
    std::string& code = out.emplace_back();
    code.reserve(length);
    for (size_t j = first; j < k; ++j) code.append(text.substr(tokens[j].begin, tokens[j].length));
    for (char& c : code) c = static_cast<char>(c | 0x20);  // letters lowered; digits have the bit
  }
  sort_codes(out);
}

std::vector<std::string> extract_model_numbers(std::string_view text,
                                               const ModelNumberOptions& options) {
  std::u32string cps;
  transform(text,
            TextTransform{.case_fold = true,
                          .compatibility = true,
                          .strip_nonspacing_marks = true,
                          .compose = true},
            cps);
  std::vector<std::string> codes;
  extract_model_numbers(cps, options, codes);
  return codes;
}

double ModelNumberMatch::jaccard() const {
  const size_t unite = left + right - common;
  return unite == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(unite);
}

std::optional<ModelNumberMatch> compare_model_numbers(const PreparedString& a,
                                                      const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  const auto left = a.model_number_set(), right = b.model_number_set();
  return ModelNumberMatch{left.size(), right.size(), intersection_size(left, right)};
}

}  // namespace onnxfn::text
