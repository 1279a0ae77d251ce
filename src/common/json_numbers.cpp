// Rewriting over-long JSON number tokens, and the number grammar and conversion the decoders share
// (see json_numbers.h).
#include "common/json_numbers.h"

#include <array>
#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

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

// The eight bytes at p as a number when they are all ASCII digits (one test and three multiplies
// for what would be eight steps of the digit loop; most feature values have 16-17 digits).
[[gnu::always_inline]] inline bool eight_digits(const char* p, uint64_t& value) {
  if constexpr (std::endian::native != std::endian::little) return false;
  uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  // Each byte's high nibble is 3, and stays 3 with 6 added: '0'..'9' exactly.
  if (((v & 0xF0F0F0F0F0F0F0F0) | (((v + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4)) != 0x3333333333333333) return false;
  v -= 0x3030303030303030;
  v = v * 10 + (v >> 8);  // pairs of digits (the first in memory is the most significant)
  v = (((v & 0x000000FF000000FF) * (100 + (1000000ULL << 32))) + (((v >> 16) & 0x000000FF000000FF) * (1 + (10000ULL << 32)))) >> 32;
  value = v;
  return true;
}

// Takes the run of digits at p into m (`digits`: its significant digits so far); the count taken,
// or -1 beyond 19 significant digits. Inlined: the number's state stays in registers.
[[gnu::always_inline]] inline int digit_run(const char*& p, const char* end, uint64_t& m, int& digits) {
  const char* const from = p;
  for (;;) {
    uint64_t eight = 0;  // whole when they are all significant (m has begun, or starts here)
    if (digits <= 11 && end - p >= 8 && (m != 0 || *p != '0') && eight_digits(p, eight)) {
      m = m * 100000000 + eight;
      digits += 8;
      p += 8;
    } else if (p < end && is_digit(*p)) {
      if ((m != 0 || *p != '0') && ++digits > 19) return -1;  // leading zeros are not significant
      m = m * 10 + static_cast<uint64_t>(*p++ - '0');
    } else {
      return static_cast<int>(p - from);
    }
  }
}

// Every power of ten up to 1e22 is exact in a double (5^22 < 2^53), up to 1e27 in an x87 long double
// (5^27 < 2^64): a product or quotient of two exact operands is then one correctly rounded operation.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr int kMaxExactPow10 = 22;

// ---- m / 10^e by one multiplication with a truncated reciprocal (1 <= e <= 27, any m >= 1) ----
// (The idea of Eisel and Lemire's algorithm, Lemire 2021, "Number parsing at a gigabyte per second",
// for this exponent range only.) With 2^b <= 5^e < 2^(b+1), R = floor(2^(128+b) / 5^e) has 128
// bits; m normalised to m' (top bit set) times R is within 2^64 below the exact m' 2^(128+b) / 5^e,
// so unless the product's middle word is all ones (a carry from the error could reach the top
// word; then another path decides) the top word is the exact quotient's and the bits below it are
// not all zero. A rounding bit of 1 is then never a tie: round half up is round to nearest.
__extension__ using Uint128 = unsigned __int128;  // GCC and Clang on 64-bit targets (x86-64, arm64)
constexpr int kMaxReciprocalPow10 = 27;  // 5^27 < 2^63: the long division below stays in 128 bits

struct Reciprocal {
  uint64_t hi = 0, lo = 0;
  int b = 0;  // floor(log2(5^e))
};

consteval Reciprocal reciprocal_of_pow5(int e) {
  uint64_t d = 1;
  for (int i = 0; i < e; ++i) d *= 5;
  Reciprocal r;
  while ((d >> (r.b + 1)) != 0) ++r.b;
  // Long division of 2^(128+b) by d, one quotient bit at a time; the quotient has exactly 128 bits.
  Uint128 rem = 0, q = 0;
  for (int bit = 128 + r.b; bit >= 0; --bit) {
    rem = (rem << 1) | (bit == 128 + r.b ? 1u : 0u);
    q <<= 1;
    if (rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  r.hi = static_cast<uint64_t>(q >> 64);
  r.lo = static_cast<uint64_t>(q);
  return r;
}

template <size_t... I>
consteval auto reciprocal_table(std::index_sequence<I...>) {  // entry i: e = i + 1
  return std::array<Reciprocal, sizeof...(I)>{reciprocal_of_pow5(static_cast<int>(I) + 1)...};
}
constexpr auto kReciprocals = reciprocal_table(std::make_index_sequence<kMaxReciprocalPow10>{});
// 2^130 / 5 = 0.8 x 2^128; 2^190 / 5^27 (5^27 = 0x6765C793FA10079D), computed apart.
static_assert(kReciprocals[0].hi == 0xCCCCCCCCCCCCCCCC && kReciprocals[0].lo == 0xCCCCCCCCCCCCCCCC && kReciprocals[0].b == 2);
static_assert(kReciprocals[26].hi == 0x9E74D1B791E07E48 && kReciprocals[26].lo == 0x775EA264CF55347D && kReciprocals[26].b == 62);

// m / 10^e correctly rounded (a normal double: at least 1e-27), or nullopt when the product cannot tell.
std::optional<double> divided_by_pow10(uint64_t m, int e) {
  const Reciprocal& r = kReciprocals[static_cast<size_t>(e - 1)];
  const int s = std::countl_zero(m);
  const uint64_t mn = m << s;
  const Uint128 low = static_cast<Uint128>(mn) * r.lo;
  const Uint128 high = static_cast<Uint128>(mn) * r.hi;
  const Uint128 upper = high + static_cast<uint64_t>(low >> 64);  // the product's top two words
  const auto middle = static_cast<uint64_t>(upper);
  if (middle == ~uint64_t{0}) return std::nullopt;
  const auto top = static_cast<uint64_t>(upper >> 64);  // in [2^62, 2^64)
  const int t = static_cast<int>(top >> 63) ^ 1;        // 1 when bit 63 is clear
  uint64_t mantissa = ((top >> (10 - t)) + 1) >> 1;     // 53 bits and the rounding bit, rounded
  int exponent = 63 - t - s - e - r.b;                  // of the leading bit
  if (mantissa == (uint64_t{1} << 53)) {
    mantissa >>= 1;
    ++exponent;
  }
  const uint64_t bits = (static_cast<uint64_t>(exponent + 1023) << 52) | (mantissa & ((uint64_t{1} << 52) - 1));
  return std::bit_cast<double>(bits);
}

#if LDBL_MANT_DIG == 64
constexpr long double kPow10L[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
                                   1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
                                   1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
constexpr int kMaxExactPow10L = 27;

// m x 10^e correctly rounded to double, through one extended-precision operation. Rounding twice
// (to 64 bits, then to 53) differs from rounding once only when the extended result lies within half
// an extended ulp of a double midpoint, i.e. its 11 extra bits are exactly 100 0000 0000: then
// nullopt, and from_chars decides. The results here (1e-27..1e46) are normal doubles.
std::optional<double> scaled_extended(uint64_t m, int e) {
  const long double x = e < 0 ? static_cast<long double>(m) / kPow10L[-e] : static_cast<long double>(m) * kPow10L[e];
  uint64_t significand = 0;  // x86's 80-bit format: the 64-bit significand first (little-endian)
  std::memcpy(&significand, &x, sizeof significand);
  if ((significand & 0x7ff) == 0x400) return std::nullopt;
  return static_cast<double>(x);
}
#endif

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

FastDouble json_number_fast_double(std::string_view s) {
  const char* const begin = s.data();
  const char* const end = begin + s.size();
  const char* p = begin;
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  if (p == end || !is_digit(*p)) return {};
  uint64_t m = 0;  // the significant digits, at most 19 (< 2^64)
  int digits = 0, exponent = 0;
  if (*p == '0') ++p;
  else if (digit_run(p, end, m, digits) < 0)
    return {};
  // "N.0" alone (how JSON writers print whole floats: two thirds of a feature request's numbers) is
  // N exactly: the uint64 to double conversion rounds correctly, so no division and no second run.
  if (end - p >= 2 && p[0] == '.' && p[1] == '0' &&
      (end - p == 2 || (!is_digit(p[2]) && p[2] != 'e' && p[2] != 'E'))) {
    const double magnitude = static_cast<double>(m);
    return {negative ? -magnitude : magnitude, static_cast<size_t>(p + 2 - begin)};
  }
  bool integer = true;
  if (p < end && *p == '.') {
    ++p;
    if (p == end || !is_digit(*p)) return {};
    const int fraction = digit_run(p, end, m, digits);
    if (fraction < 0) return {};
    exponent -= fraction;
    integer = false;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool minus = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+')) ++p;
    if (p == end || !is_digit(*p)) return {};
    int e = 0;
    for (; p < end && is_digit(*p); ++p)
      if (e < 10000) e = e * 10 + (*p - '0');
    exponent += minus ? -e : e;
    integer = false;
  }
  const size_t length = static_cast<size_t>(p - begin);
  if (integer) {  // json_number_value's int64 or uint64 (or, below -2^63, its double), as a double
    return {m == 0 ? 0.0 : negative ? -static_cast<double>(m) : static_cast<double>(m), length};
  }
  double magnitude = 0;
  if (m == 0) {
    magnitude = 0;
  } else if (m <= (uint64_t{1} << 53) && exponent >= -kMaxExactPow10 && exponent <= kMaxExactPow10) {
    magnitude = exponent < 0 ? static_cast<double>(m) / kPow10[-exponent] : static_cast<double>(m) * kPow10[exponent];
  } else {
    std::optional<double> x;
    if (exponent < 0 && exponent >= -kMaxReciprocalPow10) x = divided_by_pow10(m, -exponent);
#if LDBL_MANT_DIG == 64
    if (!x && exponent >= -kMaxExactPow10L && exponent <= kMaxExactPow10L) x = scaled_extended(m, exponent);
#endif
    if (!x) return {};
    magnitude = *x;
  }
  return {negative ? -magnitude : magnitude, length};
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
