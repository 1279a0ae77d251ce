// String functions over UTF-8 values (see string_functions.h for the rules each one follows).
#include "frame/text/string_functions.h"

#include "common/error.h"

namespace onnxfn::text {

namespace {

// Applies a 1:1 code-point mapping; ASCII bytes are mapped in place without decoding.
template <class Map>
std::string map_code_points(std::string_view text, Map&& map) {
  std::string out;
  out.reserve(text.size());
  if (is_ascii(text)) {
    for (const char c : text) out.push_back(static_cast<char>(map(static_cast<char32_t>(c))));
    return out;
  }
  for (const char32_t cp : decode_utf8(text)) append_utf8(map(cp), out);
  return out;
}

std::string transformed(std::string_view text, const TextTransform& how) {
  std::u32string cps;
  cps.reserve(text.size());
  transform(text, how, cps);
  return encode_utf8(cps);
}

}  // namespace

std::string to_lower(std::string_view text) { return map_code_points(text, simple_lower); }

std::string to_upper(std::string_view text) { return map_code_points(text, simple_upper); }

std::string case_fold(std::string_view text) {
  return transformed(text, TextTransform{.case_fold = true});
}

std::string trim(std::string_view text) {
  const std::u32string cps = decode_utf8(text);
  size_t begin = 0, end = cps.size();
  while (begin < end && is_white_space(cps[begin])) ++begin;
  while (end > begin && is_white_space(cps[end - 1])) --end;
  return encode_utf8(std::u32string_view(cps).substr(begin, end - begin));
}

std::string normalize(std::string_view text, NormalForm form) {
  const bool compat = form == NormalForm::NFKC || form == NormalForm::NFKD;
  const bool compose = form == NormalForm::NFC || form == NormalForm::NFKC;
  return transformed(text, TextTransform{.compatibility = compat, .compose = compose});
}

std::string fold_accents(std::string_view text, bool compatibility) {
  return transformed(text, TextTransform{.compatibility = compatibility,
                                         .strip_nonspacing_marks = true,
                                         .compose = true});
}

std::string strip_punctuation(std::string_view text, std::string_view replacement) {
  const std::string valid_replacement = sanitize_utf8(replacement);
  std::string out;
  out.reserve(text.size());
  for (const char32_t cp : decode_utf8(text)) {
    if (is_punctuation(cp))
      out += valid_replacement;
    else
      append_utf8(cp, out);
  }
  return out;
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char32_t cp : decode_utf8(text)) {
    if (is_white_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    append_utf8(cp, out);
  }
  return out;
}

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  if (separator.empty()) throw_error(ErrorKind::BadInput, "split: the separator is empty");
  const std::string valid_text = sanitize_utf8(text);
  const std::string valid_separator = sanitize_utf8(separator);
  const std::string_view rest(valid_text);
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t at = rest.find(valid_separator, start);
    if (at == std::string_view::npos) break;
    parts.emplace_back(rest.substr(start, at - start));
    start = at + valid_separator.size();
  }
  parts.emplace_back(rest.substr(start));
  return parts;
}

std::vector<std::string> qgrams(std::string_view text, size_t q, bool pad) {
  if (q < 1 || q > kMaxQgramSize)
    throw_error(ErrorKind::BadInput, "qgrams: q must be between 1 and " +
                                         std::to_string(kMaxQgramSize) + ", got " +
                                         std::to_string(q));
  std::vector<std::string> grams;
  std::u32string scratch;
  for_each_qgram(decode_utf8(text), q, pad, scratch,
                 [&](std::u32string_view gram) { grams.push_back(encode_utf8(gram)); });
  return grams;
}

}  // namespace onnxfn::text
