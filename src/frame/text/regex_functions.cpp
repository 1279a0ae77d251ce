// RE2-backed regex search, extract and replace (see regex_functions.h).
#include "frame/text/regex_functions.h"

#include <re2/re2.h>

#include <vector>

#include "common/error.h"
#include "frame/text/regex_fast_replace.h"
#include "frame/text/unicode.h"

namespace onnxfn::text {

namespace {

// Patterns end up in error messages, which are JSON-encoded by the doors: keep them short and
// valid UTF-8.
std::string quoted_pattern(std::string_view pattern) {
  constexpr size_t kMaxShown = 200;
  std::string shown = sanitize_utf8(pattern.substr(0, kMaxShown));
  if (pattern.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

// RE2 in UTF-8 mode treats ill-formed bytes as unmatchable but still copies them into results;
// replacing them first keeps every result valid UTF-8. Valid input (the common case) is not copied.
std::string_view valid_text(std::string_view text, std::string& storage) {
  if (is_valid_utf8(text)) return text;
  storage = sanitize_utf8(text);
  return storage;
}

// Whether the pattern uses \C, RE2's "any single byte" even in UTF-8 mode: a match could end
// inside a multi-byte character, and extract and replace would then return ill-formed UTF-8.
// Escapes are read pairwise, so "\\C" (a backslash, then C) is not one.
bool has_any_byte_escape(std::string_view pattern) {
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] == 'C') return true;
    ++i;  // the escaped character
  }
  return false;
}

}  // namespace

Regex::Regex(std::string_view pattern) : pattern_(pattern) {
  if (has_any_byte_escape(pattern_))
    throw_error(ErrorKind::BadInput, "invalid regular expression " + quoted_pattern(pattern_) +
                                         ": \\C (any single byte) is not supported, since it can split a UTF-8 "
                                         "character; use . for any character");
  RE2::Options options;
  options.set_log_errors(false);  // errors become BadInput, not lines on stderr
  options.set_encoding(RE2::Options::EncodingUTF8);
  re_ = std::make_unique<re2::RE2>(re2::StringPiece(pattern_.data(), pattern_.size()), options);
  if (!re_->ok())
    throw_error(ErrorKind::BadInput,
                "invalid regular expression " + quoted_pattern(pattern_) + ": " + re_->error());
  if (auto fast = detail::FastReplace::recognize(pattern_)) fast_ = std::make_unique<detail::FastReplace>(*fast);
}

Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

int Regex::capture_groups() const { return re_->NumberOfCapturingGroups(); }

bool regex_contains(const Regex& regex, std::string_view text) {
  std::string storage;
  const std::string_view valid = valid_text(text, storage);
  return RE2::PartialMatch(re2::StringPiece(valid.data(), valid.size()), regex.re2());
}

std::optional<std::string> regex_extract(const Regex& regex, std::string_view text, int group) {
  if (group < 0 || group > regex.capture_groups())
    throw_error(ErrorKind::BadInput, "regex_extract: group " + std::to_string(group) +
                                         " does not exist in " + quoted_pattern(regex.pattern()) +
                                         ", which has " + std::to_string(regex.capture_groups()) +
                                         " capture group(s)");
  std::string storage;
  const std::string_view valid = valid_text(text, storage);
  const re2::StringPiece input(valid.data(), valid.size());
  const size_t n = static_cast<size_t>(group) + 1;
  re2::StringPiece small[4];
  std::vector<re2::StringPiece> large;
  re2::StringPiece* submatch = small;
  if (n > 4) {
    large.resize(n);
    submatch = large.data();
  }
  if (!regex.re2().Match(input, 0, input.size(), RE2::UNANCHORED, submatch, static_cast<int>(n)))
    return std::nullopt;
  const re2::StringPiece& found = submatch[group];
  if (found.data() == nullptr) return std::nullopt;  // the group did not participate
  return std::string(found.data(), found.size());
}

std::string regex_replace(const Regex& regex, std::string_view text, std::string_view rewrite,
                          bool all) {
  const re2::StringPiece rewrite_piece(rewrite.data(), rewrite.size());
  std::string error;
  if (!regex.re2().CheckRewriteString(rewrite_piece, &error))
    throw_error(ErrorKind::BadInput, "regex_replace: invalid rewrite '" + sanitize_utf8(rewrite) +
                                         "' for " + quoted_pattern(regex.pattern()) + ": " + error);
  std::string storage;
  if (all && regex.fast_replace() != nullptr && is_valid_utf8(rewrite)) {
    std::string result;
    if (regex.fast_replace()->replace_all(valid_text(text, storage), rewrite, result)) return result;
  }
  std::string result(valid_text(text, storage));
  // The rewrite is inserted verbatim: make it valid too.
  const std::string valid_rewrite = sanitize_utf8(rewrite);
  const re2::StringPiece valid_piece(valid_rewrite.data(), valid_rewrite.size());
  if (all)
    RE2::GlobalReplace(&result, regex.re2(), valid_piece);
  else
    RE2::Replace(&result, regex.re2(), valid_piece);
  return result;
}

}  // namespace onnxfn::text
