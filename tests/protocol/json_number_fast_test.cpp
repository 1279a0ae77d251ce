// json_number_fast_double (the tensor readers' hot path) against the one conversion it shortcuts,
// json_number_length + json_number_value (from_chars): the same length and the same double, bit
// for bit, on random, shortest-form, edge and near-midpoint tokens, and no token taken that the
// grammar refuses.
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "common/json_numbers.h"

namespace onnxfn {
namespace {

// What the decoders make of a token for a floating-point tensor (GetDouble() of the number).
bool reference(std::string_view token, size_t& length, double& value) {
  bool integer = false;
  length = json_number_length(token, integer);
  if (length == 0) return false;
  const JsonNumber n = json_number_value(token.substr(0, length), integer);
  switch (n.kind) {
    case JsonNumber::Kind::Int64: value = static_cast<double>(n.i); return true;
    case JsonNumber::Kind::Uint64: value = static_cast<double>(n.u); return true;
    case JsonNumber::Kind::Double: value = n.d; return true;
    case JsonNumber::Kind::TooBig: return false;
  }
  return false;
}

// Checks one token; returns whether the fast path took it.
bool check(const std::string& token) {
  const FastDouble f = json_number_fast_double(token);
  const size_t n = f.length;
  const double fast = f.value;
  if (n == 0) return false;
  size_t length = 0;
  double value = 0;
  EXPECT_TRUE(reference(token, length, value)) << token;
  EXPECT_EQ(n, length) << token;
  EXPECT_EQ(std::bit_cast<uint64_t>(fast), std::bit_cast<uint64_t>(value)) << token << ": " << fast << " vs " << value;
  return true;
}

std::string digits(std::mt19937_64& rng, int count, bool leading_nonzero) {
  std::string s;
  for (int i = 0; i < count; ++i) s += static_cast<char>('0' + (i == 0 && leading_nonzero ? 1 + rng() % 9 : rng() % 10));
  return s;
}

TEST(JsonNumberFast, shortest_forms_of_random_doubles_convert_as_from_chars) {
  std::mt19937_64 rng(11);
  char buf[64];
  size_t taken = 0, total = 0;
  for (int i = 0; i < 400000; ++i) {
    double d = 0;
    switch (i % 4) {
      case 0: d = std::uniform_real_distribution<double>(0, 1)(rng); break;  // features: 0.x with 16-17 digits
      case 1: d = std::uniform_real_distribution<double>(-1e6, 1e6)(rng); break;
      case 2: d = std::ldexp(std::uniform_real_distribution<double>(1, 2)(rng), static_cast<int>(rng() % 200) - 100); break;
      default: d = static_cast<double>(std::uniform_real_distribution<float>(-10, 10)(rng)); break;
    }
    const std::string shortest(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
    taken += check(shortest);
    const std::string fixed(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%.*g", 1 + static_cast<int>(rng() % 19), d)));
    taken += check(fixed);
    total += 2;
  }
  EXPECT_GT(taken, total * 9 / 10);  // the fast path is really taken, not always declined
}

TEST(JsonNumberFast, random_digit_strings_with_points_and_exponents_convert_as_from_chars) {
  std::mt19937_64 rng(12);
  size_t taken = 0;
  for (int i = 0; i < 1000000; ++i) {
    const int count = 1 + static_cast<int>(rng() % 21);
    std::string s = (rng() % 4 == 0 ? "-" : "") + digits(rng, count, true);
    if (rng() % 6 == 0) s = (s[0] == '-' ? "-0." : "0.") + std::string(rng() % 12, '0') + digits(rng, count, true);
    else if (count > 1 && rng() % 3) s.insert(s.size() - static_cast<size_t>(1 + rng() % (count - 1)), ".");
    if (rng() % 3 == 0) s += std::string(rng() % 2 ? "e" : "E") + (rng() % 2 ? "-" : rng() % 2 ? "+" : "") + std::to_string(rng() % 45);
    taken += check(s);
  }
  EXPECT_GT(taken, 500000u);
}

TEST(JsonNumberFast, tokens_near_double_midpoints_convert_as_from_chars) {
  // Above 2^53 doubles are even integers, so odd integers are midpoints: exact ties (ties-to-even)
  // and their neighbours a thousandth away, with and without a point or exponent.
  std::mt19937_64 rng(13);
  for (int i = 0; i < 200000; ++i) {
    const int shift = static_cast<int>(rng() % 11);  // ulp 2^(shift+1) in [2^(53+shift), 2^(54+shift))
    const uint64_t base = (uint64_t{1} << (53 + shift)) + ((rng() >> 12) << (shift + 1) & ((uint64_t{1} << (53 + shift)) - 1));
    const uint64_t mid = base + (uint64_t{1} << shift);
    for (const uint64_t n : {mid, mid - 1, mid + 1, base}) {
      const std::string s = std::to_string(n);
      check(s);
      check(s + ".0");
      check(s + "e0");
      check("-" + s + ".0");
      check(s.substr(0, s.size() - 1) + "." + s.back());  // n / 10
      check(s + "e-3");
      check(s.substr(0, 16) + ".001");
      check(s.substr(0, 16) + ".999");
      check("0." + s);
    }
  }
}

// Past 2^53 significant digits (or below 1e-22) a fraction is m / 10^e by a truncated reciprocal of
// 5^e (1 <= e <= 27): 17 to 19 random digits at every such e, values that are exact (m a multiple of
// 5^e: the product cannot tell, another path decides) and whole numbers written "N.0".
TEST(JsonNumberFast, long_fractions_and_whole_floats_convert_as_from_chars) {
  std::mt19937_64 rng(14);
  size_t taken = 0, total = 0;
  for (int i = 0; i < 600000; ++i) {
    const int e = 1 + static_cast<int>(rng() % 27);
    std::string m = digits(rng, 17 + static_cast<int>(rng() % 3), true);
    if (i % 3 == 0) {  // a multiple of 5^e with at most 19 digits
      uint64_t p5 = 1;
      for (int k = 0; k < e && p5 <= 1'000'000'000'000'000'000ULL / 5; ++k) p5 *= 5;
      m = std::to_string(p5 * (1 + rng() % (10'000'000'000'000'000'000ULL / p5)));
    }
    // m / 10^e with the point inside the digits, or "0." and leading zeros when e is longer
    const std::string s = static_cast<int>(m.size()) > e ? m.substr(0, m.size() - static_cast<size_t>(e)) + "." + m.substr(m.size() - static_cast<size_t>(e))
                                                         : "0." + std::string(static_cast<size_t>(e) - m.size(), '0') + m;
    taken += check(s);
    taken += check("-" + s);
    total += 2;
  }
  EXPECT_GT(taken, total * 9 / 10);
  for (const char* t : {"0.0", "-0.0", "1.0", "-1.0", "8.0", "10.0", "9007199254740993.0", "18446744073709551615.0",
                        "9999999999999999999.0", "1.0e3", "1.00", "1.05", "1.0,", "2.0]", "3.0}", "4.0 "})
    check(t);
}

TEST(JsonNumberFast, edge_tokens_convert_as_from_chars_or_are_declined) {
  for (const char* t : {"0", "-0", "0.0", "-0.0", "0e0", "-0e-0", "0.000", "1", "-1", "1.0", "8.0", "-1.0", "1e22", "1e23", "9.999e27",
                        "1e28", "123e-27", "1e-28", "9007199254740992.0", "9007199254740993.0", "9007199254740993",
                        "18446744073709551615", "18446744073709551616", "9999999999999999999", "9999999999999999999.0",
                        "-9223372036854775808", "-9223372036854775809", "-9999999999999999999", "0.30000000000000004",
                        "2.2250738585072014e-308", "1.7976931348623157e308", "4.9e-324", "1e400", "-1e400", "1e-400",
                        "3.4028235677973366e38", "1.00000000000000000000001", "0.1e1", "1E+2", "2.5e-3", "7e-10"})
    check(t);
}

TEST(JsonNumberFast, takes_no_token_the_grammar_refuses) {
  for (const char* t : {"", "-", "+1", ".5", "1.", "1.e5", "1e", "1e+", "1e-", "-a", "a", "--1", "-.1", "NaN", "Infinity",
                        "-Infinity", "null"}) {
    bool integer = false;
    EXPECT_EQ(json_number_fast_double(t).length, json_number_length(t, integer)) << t;
    EXPECT_EQ(json_number_fast_double(t).length, 0u) << t;
  }
  // A prefix is a number, as the grammar reads it ("01" is "0" then a stray digit, declined later).
  for (const char* t : {"01", "0x10", "1.5.5", "1e5e5", "12,", "3]", "-0.5}"}) {
    bool integer = false;
    EXPECT_EQ(json_number_fast_double(t).length, json_number_length(t, integer)) << t;
    check(t);
  }
}

}  // namespace
}  // namespace onnxfn
