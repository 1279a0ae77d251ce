// value_conversion: the text <-> value rules shared by readers, writers and cast.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "frame/value_conversion.h"

namespace onnxfn {
namespace {

TEST(ValueConversion, parse_int64_accepts_signs_blanks_and_the_full_range) {
  EXPECT_EQ(parse_int64("42"), 42);
  EXPECT_EQ(parse_int64(" -7\t"), -7);
  EXPECT_EQ(parse_int64("+5"), 5);
  EXPECT_EQ(parse_int64("007"), 7);
  EXPECT_EQ(parse_int64("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_int64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(ValueConversion, parse_int64_rejects_overflow_fractions_and_words) {
  EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int64("1.0"), std::nullopt);
  EXPECT_EQ(parse_int64("1e3"), std::nullopt);
  EXPECT_EQ(parse_int64(""), std::nullopt);
  EXPECT_EQ(parse_int64("-"), std::nullopt);
  EXPECT_EQ(parse_int64("+-1"), std::nullopt);
  EXPECT_EQ(parse_int64("1 2"), std::nullopt);
  EXPECT_EQ(parse_int64("0x10"), std::nullopt);
}

TEST(ValueConversion, parse_float64_accepts_decimals_exponents_and_special_values) {
  EXPECT_EQ(parse_float64("2.5"), 2.5);
  EXPECT_EQ(parse_float64(" -0.125 "), -0.125);
  EXPECT_EQ(parse_float64("+1e3"), 1000.0);
  EXPECT_EQ(parse_float64(".5"), 0.5);
  EXPECT_EQ(parse_float64("3"), 3.0);
  EXPECT_TRUE(std::signbit(*parse_float64("-0.0")));
  EXPECT_TRUE(std::isnan(*parse_float64("NaN")));
  EXPECT_EQ(parse_float64("inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_float64("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_float64("1e999"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_float64("4.9406564584124654e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(parse_float64("abc"), std::nullopt);
  EXPECT_EQ(parse_float64("1,5"), std::nullopt);
  EXPECT_EQ(parse_float64(""), std::nullopt);
  EXPECT_EQ(parse_float64("."), std::nullopt);
}

TEST(ValueConversion, parse_float64_fast_path_matches_from_chars_on_random_decimals) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const int digits = 1 + static_cast<int>(rng() % 17);
    std::string s = (rng() & 1) ? "-" : "";
    const int point = static_cast<int>(rng() % (digits + 1));
    for (int d = 0; d < digits; ++d) {
      if (d == point) s += '.';
      s += static_cast<char>('0' + rng() % 10);
    }
    double expected = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), expected);
    ASSERT_EQ(r.ptr, s.data() + s.size()) << s;
    const auto got = parse_float64(s);
    ASSERT_TRUE(got) << s;
    ASSERT_EQ(std::memcmp(&*got, &expected, sizeof expected), 0) << s << " " << *got << " vs " << expected;
  }
}

TEST(ValueConversion, booleans_are_words_in_any_case_and_1_0_only_when_typed) {
  EXPECT_EQ(parse_bool_word("true"), true);
  EXPECT_EQ(parse_bool_word("FALSE"), false);
  EXPECT_EQ(parse_bool_word("True"), true);
  EXPECT_EQ(parse_bool_word("1"), std::nullopt);
  EXPECT_EQ(parse_bool_word("yes"), std::nullopt);
  EXPECT_EQ(parse_bool_word("truex"), std::nullopt);
  EXPECT_EQ(parse_bool("1"), true);
  EXPECT_EQ(parse_bool(" 0 "), false);
  EXPECT_EQ(parse_bool("2"), std::nullopt);
}

TEST(ValueConversion, numeric_conversions_accept_only_exact_values) {
  EXPECT_EQ(int64_from_float64(3.0), 3);
  EXPECT_EQ(int64_from_float64(-9223372036854775808.0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(int64_from_float64(9223372036854775808.0), std::nullopt);
  EXPECT_EQ(int64_from_float64(2.5), std::nullopt);
  EXPECT_EQ(int64_from_float64(std::nan("")), std::nullopt);
  EXPECT_EQ(int64_from_float64(std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(bool_from_int64(1), true);
  EXPECT_EQ(bool_from_int64(2), std::nullopt);
  EXPECT_EQ(bool_from_float64(0.0), false);
  EXPECT_EQ(bool_from_float64(0.5), std::nullopt);
}

std::string float_text(double v) {
  std::string s;
  append_float64_text(s, v);
  return s;
}

TEST(ValueConversion, floats_print_shortest_round_trip_and_look_like_floats) {
  EXPECT_EQ(float_text(1.0), "1.0");
  EXPECT_EQ(float_text(-0.0), "-0.0");
  EXPECT_EQ(float_text(0.1), "0.1");
  EXPECT_EQ(float_text(1e16), "1e+16");
  EXPECT_EQ(float_text(123456.0), "123456.0");
  EXPECT_EQ(float_text(std::nan("")), "nan");
  EXPECT_EQ(float_text(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(float_text(5e-324), "5e-324");
  std::mt19937_64 rng(3);
  for (int i = 0; i < 10000; ++i) {
    const uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    const auto back = parse_float64(float_text(d));
    ASSERT_TRUE(back);
    ASSERT_EQ(std::memcmp(&d, &*back, sizeof d), 0) << float_text(d);
  }
}

TEST(ValueConversion, value_text_formats_each_type) {
  std::string s;
  append_value_text(s, Column::int64({-12}), 0);
  s += '|';
  append_value_text(s, Column::boolean({true}), 0);
  s += '|';
  append_value_text(s, Column::string({"é"}), 0);
  s += '|';
  append_value_text(s, Column::float64({2.0}), 0);
  EXPECT_EQ(s, "-12|true|é|2.0");
}

}  // namespace
}  // namespace onnxfn
