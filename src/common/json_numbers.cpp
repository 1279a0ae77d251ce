// Rewriting over-long JSON number tokens (see json_numbers.h).
#include "common/json_numbers.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace onnxfn {
namespace {

constexpr size_t kLongest = 24;  // "-2.2250738585072014e-308": the longest shortest double

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the JSON number (RFC 8259 §6) starting at `s`, 0 if none does.
size_t number_length(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size() || !is_digit(s[i])) return 0;
  if (s[i] == '0') ++i;
  else
    while (i < s.size() && is_digit(s[i])) ++i;
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    i += 2;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && is_digit(s[j])) {
      i = j;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
  }
  return i;
}

// The shortest text of the token's value, at most kLongest characters, in float form. Overflow becomes 1e400
// (negative: -1e400), which RapidJSON still reports as too big.
std::string shortest(std::string_view token) {
  const std::string copy(token);
  const double v = std::strtod(copy.c_str(), nullptr);
  if (std::isinf(v)) return v < 0 ? "-1e400" : "1e400";
  char buf[32];
  // Scientific keeps it a float ("1e+00", not "1"; a token this long is never an int64 either)
  // and within kLongest characters.
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return std::string(buf, r.ptr);
}

}  // namespace

std::string_view guard_json_numbers(std::string_view json, std::string& storage) {
  bool copied = false;
  size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {  // a string: to its unescaped closing quote
      for (++i; i < json.size() && json[i] != '"'; ++i)
        if (json[i] == '\\') ++i;
      ++i;
    } else if (c == '/' && i + 1 < json.size() && json[i + 1] == '/') {  // comments (pipeline spec)
      while (i < json.size() && json[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < json.size() && json[i + 1] == '*') {
      const size_t end = json.find("*/", i + 2);
      i = end == std::string_view::npos ? json.size() : end + 2;
    } else if (c == '-' || is_digit(c)) {
      const size_t n = number_length(json.substr(i));
      if (n > kLongest) {
        if (!copied) {
          storage.assign(json);
          copied = true;
        }
        const std::string text = shortest(json.substr(i, n));
        storage.replace(i, text.size(), text);
        storage.replace(i + text.size(), n - text.size(), n - text.size(), ' ');
      }
      i += n > 0 ? n : 1;
    } else {
      ++i;
    }
  }
  return copied ? std::string_view(storage) : json;
}

}  // namespace onnxfn
