// Regular expressions over UTF-8 values: search, extract (whole match or one capture group) and
// replace, with RE2 (https://github.com/google/re2/wiki/Syntax). RE2 runs in time linear in the
// input and bounds the memory of a compiled pattern, so patterns and values from untrusted specs
// and requests cannot blow up (no backtracking, no backreferences in patterns).
//
// Compile a pattern once (Regex) and apply it to every value. An invalid pattern throws BadInput
// naming the pattern and RE2's reason. Values that are not valid UTF-8 are matched after their
// ill-formed bytes are replaced by U+FFFD (unicode.h), so results are always valid UTF-8.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace onnxfn::text {

namespace detail {
class FastReplace;
}

class Regex {
 public:
  // Throws BadInput: "invalid regular expression '<pattern>': <reason>".
  explicit Regex(std::string_view pattern);
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  const std::string& pattern() const { return pattern_; }
  int capture_groups() const;
  const re2::RE2& re2() const { return *re_; }
  // A byte-scan stand-in for replacing every match (regex_fast_replace.h), or null.
  const detail::FastReplace* fast_replace() const { return fast_.get(); }

 private:
  std::string pattern_;
  std::unique_ptr<re2::RE2> re_;
  std::unique_ptr<detail::FastReplace> fast_;
};

// Whether the pattern matches anywhere in `text` (unanchored, like Python's re.search).
bool regex_contains(const Regex& regex, std::string_view text);

// The first (leftmost) match, or its capture group `group` (0 = the whole match). Null when
// there is no match or the group did not take part in it; an empty match is an empty string.
// A group beyond the pattern's capture groups throws BadInput.
std::optional<std::string> regex_extract(const Regex& regex, std::string_view text, int group = 0);

// Replaces the first match (all = false) or every non-overlapping match (all = true) with
// `rewrite`, in which \0 is the whole match, \1..\9 capture groups and \\ a backslash. A rewrite
// that names a missing group or has a stray backslash throws BadInput.
std::string regex_replace(const Regex& regex, std::string_view text, std::string_view rewrite,
                          bool all = true);

}  // namespace onnxfn::text
