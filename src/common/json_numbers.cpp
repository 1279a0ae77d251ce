// Rewriting over-long JSON number tokens, and the number grammar and conversion the decoders share
// (see json_numbers.h).
#include "common/json_numbers.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace onnxfn {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr size_t kLongest = 24;  // "-2.2250738585072014e-308": the longest shortest double

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

size_t json_number_length(std::string_view s, bool& integer) {
  auto digit = [&](size_t at) { return at < s.size() && s[at] >= '0' && s[at] <= '9'; };
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (!digit(i)) return 0;
  if (s[i] == '0') ++i;
  else
    while (digit(i)) ++i;
  integer = true;
  if (i < s.size() && s[i] == '.') {
    if (!digit(i + 1)) return 0;
    i += 2;
    while (digit(i)) ++i;
    integer = false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (!digit(j)) return 0;
    i = j;
    while (digit(i)) ++i;
    integer = false;
  }
  return i;
}

JsonNumber json_number_value(std::string_view token, bool integer) {
  const char* s = token.data();
  const char* end = s + token.size();
  JsonNumber n;
  if (integer) {
    if (auto r = std::from_chars(s, end, n.i); r.ec == std::errc() && r.ptr == end) {
      n.kind = JsonNumber::Kind::Int64;
      return n;
    }
    if (auto r = std::from_chars(s, end, n.u); r.ec == std::errc() && r.ptr == end) {
      n.kind = JsonNumber::Kind::Uint64;
      return n;
    }
  }
  auto r = std::from_chars(s, end, n.d);
  if (r.ec == std::errc::result_out_of_range && r.ptr == end) {
    n.d = std::strtod(std::string(token).c_str(), nullptr);
    if (!std::isinf(n.d)) n.kind = JsonNumber::Kind::Double;
    return n;
  }
  if (r.ec != std::errc() || r.ptr != end) return n;
  if (std::isnan(n.d)) n.d = std::numeric_limits<double>::quiet_NaN();  // "-NaN" too, as RapidJSON reads it
  n.kind = JsonNumber::Kind::Double;
  return n;
}

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
      bool integer = false;
      const size_t n = json_number_length(json.substr(i), integer);
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
