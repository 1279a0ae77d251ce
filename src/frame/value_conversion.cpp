// Text <-> value rules: std::from_chars / std::to_chars based, locale-independent and allocation-free
// on the common path.
#include "frame/value_conversion.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace onnxfn {
namespace {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// std::from_chars takes '-' but not '+'; accept one '+' that is not followed by another sign.
std::string_view skip_plus(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  return s;
}

bool equals_ignoring_case(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if ((s[i] | 0x20) != lower[i]) return false;  // lower is letters only, so |0x20 folds ASCII case
  return true;
}

// Up to 18 digits cannot overflow int64, so short numbers skip from_chars' overflow checks.
// Returns false when the text needs the general path (longer, or not plain digits).
bool parse_short_int(std::string_view s, int64_t& out) {
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  if (p == end || end - p > 18) return false;
  int64_t v = 0;
  for (; p != end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = negative ? -v : v;
  return true;
}

// Clinger's fast path: a decimal with at most 15 significant digits and no exponent is
// m / 10^k with m and 10^k exact doubles (m < 2^53, k <= 22), and one IEEE division rounds
// correctly, so the result equals from_chars'. Returns false to take the general path.
bool parse_simple_decimal(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  uint64_t m = 0;
  int digits = 0, fraction = -1;  // fraction: digits after the point, -1 before one is seen
  for (; p != end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d <= 9) {
      m = m * 10 + d;
      if (++digits > 15) return false;
      if (fraction >= 0) ++fraction;
    } else if (*p == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (digits == 0) return false;
  const double v = static_cast<double>(m) / kPow10[fraction < 0 ? 0 : fraction];
  out = negative ? -v : v;
  return true;
}

}  // namespace

std::optional<int64_t> parse_int64(std::string_view text) {
  // Most fields are bare digits: trim only when the ends are blanks.
  if (!text.empty() && (text.front() <= ' ' || text.back() <= ' ')) text = trim_blanks(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text = skip_plus(text);
  int64_t v = 0;
  if (parse_short_int(text, v)) return v;
  const char* end = text.data() + text.size();
  auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end) return std::nullopt;
  return v;
}

std::optional<double> parse_float64(std::string_view text) {
  if (!text.empty() && (text.front() <= ' ' || text.back() <= ' ')) text = trim_blanks(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text = skip_plus(text);
  double v = 0;
  if (parse_simple_decimal(text, v)) return v;
  const char* end = text.data() + text.size();
  auto r = std::from_chars(text.data(), end, v, std::chars_format::general);
  if (r.ptr != end) return std::nullopt;
  if (r.ec == std::errc()) return v;
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars leaves the value unset on overflow/underflow; strtod gives +-inf or the nearest
    // tiny value, which is what every other CSV reader produces for "1e999" or "1e-400".
    const std::string copy(text);
    return std::strtod(copy.c_str(), nullptr);
  }
  return std::nullopt;
}

std::optional<bool> parse_bool_word(std::string_view text) {
  if (!text.empty() && (text.front() <= ' ' || text.back() <= ' ')) text = trim_blanks(text);
  if (equals_ignoring_case(text, "true")) return true;
  if (equals_ignoring_case(text, "false")) return false;
  return std::nullopt;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (auto b = parse_bool_word(text)) return b;
  text = trim_blanks(text);
  if (text == "1") return true;
  if (text == "0") return false;
  return std::nullopt;
}

std::optional<int64_t> int64_from_float64(double v) {
  // 2^63 is exactly representable; every double below it and >= -2^63 converts without overflow.
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0) || std::trunc(v) != v) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<bool> bool_from_int64(int64_t v) {
  if (v == 0 || v == 1) return v == 1;
  return std::nullopt;
}

std::optional<bool> bool_from_float64(double v) {
  if (v == 0.0 || v == 1.0) return v == 1.0;
  return std::nullopt;
}

void append_int64_text(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_float64_text(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "nan";  // the sign and payload of a NaN carry no meaning for data
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
  for (const char* p = buf; p != r.ptr; ++p)
    if (*p == '.' || *p == 'e') return;
  out += ".0";
}

void append_value_text(std::string& out, const Column& column, size_t row) {
  switch (column.type()) {
    case ColumnType::Int64: append_int64_text(out, column.int64_values()[row]); break;
    case ColumnType::Float64: append_float64_text(out, column.float64_values()[row]); break;
    case ColumnType::Bool: out += bool_text(column.bool_values()[row] != 0); break;
    case ColumnType::String: out += column.string_value(row); break;
  }
}

}  // namespace onnxfn
