// Cast / CastLike (cast.cpp) against ORT 1.32 values, including its string formatting and parsing
// and its results for out-of-range float -> integer casts; see elementwise_test_support.h.
#include "ops/elementwise_test_support.h"

namespace onnxfn::testing {
namespace {

Tensor cast(const Tensor& x, DType to, int64_t opset = 21) {
  return run1("Cast", {x}, {attr_int("to", static_cast<int64_t>(to))}, opset);
}

const std::vector<float> kOutOfRange = {1.7f, -1.7f, 300.5f, -300.5f, 70000, 3e9f, -3e9f, 1e19f,
                                        2e19f, -1e19f, kNaN, kInf, -kInf, 0.5f, -0.0f, 0.0f};

TEST(Cast, float_to_signed_integers_truncates_and_overflows_like_ort) {
  Tensor x = vec(kOutOfRange);
  expect_tensor<int64_t>(cast(x, DType::Int64), {16},
                         {1, -1, 300, -300, 70000, 3000000000, -3000000000, INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN,
                          INT64_MIN, INT64_MIN, 0, 0, 0});
  expect_tensor<int32_t>(cast(x, DType::Int32), {16},
                         {1, -1, 300, -300, 70000, INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN,
                          INT32_MIN, INT32_MIN, 0, 0, 0});
  expect_tensor<int16_t>(cast(x, DType::Int16), {16}, {1, -1, 300, -300, 4464, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  expect_tensor<int8_t>(cast(x, DType::Int8), {16}, {1, -1, 44, -44, 112, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
}

TEST(Cast, float_to_unsigned_integers_matches_ort) {
  Tensor x = vec(kOutOfRange);
  expect_tensor<uint64_t>(cast(x, DType::UInt64), {16},
                          {1, 18446744073709551615u, 300, 18446744073709551316u, 70000, 3000000000, 18446744070709551616u,
                           9999999980506447872u, 0, 9223372036854775808u, 9223372036854775808u, 0, 9223372036854775808u, 0,
                           0, 0});
  expect_tensor<uint32_t>(cast(x, DType::UInt32), {16},
                          {1, 4294967295u, 300, 4294966996u, 70000, 3000000000u, 2147483648u, 0, 0, 2147483648u,
                           2147483648u, 0, 2147483648u, 0, 0, 0});
  expect_tensor<uint16_t>(cast(x, DType::UInt16), {16}, {1, 65535, 300, 65236, 4464, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  expect_tensor<uint8_t>(cast(x, DType::UInt8), {16}, {1, 255, 44, 212, 112, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  expect_tensor<bool>(cast(x, DType::Bool), {16},
                      {true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false});
  std::vector<double> xd(kOutOfRange.begin(), kOutOfRange.end());
  expect_tensor<int32_t>(cast(vec(xd), DType::Int32), {16},
                         {1, -1, 300, -300, 70000, INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN, INT32_MIN,
                          INT32_MIN, INT32_MIN, 0, 0, 0});
}

TEST(Cast, integer_narrowing_wraps_and_wide_integers_round_to_float) {
  expect_tensor<int8_t>(cast(vec<int64_t>({200, -200, 127, (int64_t{1} << 40) + 5}), DType::Int8), {4}, {-56, 56, 127, 5});
  expect_tensor<float>(cast(vec<uint64_t>({18446744073709551615u, (uint64_t{1} << 53) + 1}), DType::Float), {2},
                       {1.84467441e+19f, 9.00719925e+15f});
  expect_tensor<float>(cast(vec<double>({1e39, -1e39, 3.4028235e38, 1e-50}), DType::Float), {4},
                       {kInf, -kInf, 3.40282347e+38f, 0.0f});
  expect_tensor<float>(cast(vec<bool>({true, false}), DType::Float), {2}, {1.0f, 0.0f});
}

TEST(Cast, numbers_to_strings_use_ort_formatting) {
  expect_tensor<std::string>(
      cast(vec<float>({0.1f, 1.0f / 3, -2.25f, 1e10f, 1e-5f, 123456789.0f, -0.0f, 3.4e38f, kNaN, kInf, -kInf}), DType::String),
      {11}, {"0.1", "0.33333334", "-2.25", "1e+10", "9.9999997e-06", "1.2345679e+08", "-0", "3.4e+38", "NaN", "INF", "-INF"});
  // Doubles are printed with 8 significant digits too.
  expect_tensor<std::string>(cast(vec<double>({0.1, 1.0 / 3, 1e22, 5e-324, 123456789012.0}), DType::String), {5},
                             {"0.1", "0.33333333", "1e+22", "4.9406565e-324", "1.2345679e+11"});
  expect_tensor<std::string>(cast(vec<int64_t>({-5, 0, int64_t{1} << 62}), DType::String), {3},
                             {"-5", "0", "4611686018427387904"});
  expect_tensor<std::string>(cast(vec<int8_t>({-100, 65}), DType::String), {2}, {"-100", "65"});
  expect_tensor<std::string>(cast(vec<bool>({true, false}), DType::String), {2}, {"1", "0"});
}

TEST(Cast, strings_to_numbers_parse_like_ort) {
  expect_tensor<float>(cast(strings({9}, {"1.5", " -2", "NaN", "-INF", "inf", "1e39", "1e-50", "12abc", "0x10"}), DType::Float),
                       {9}, {1.5f, -2.0f, kNaN, -kInf, kInf, kInf, 0.0f, 12.0f, 16.0f});
  expect_tensor<double>(cast(strings({3}, {"0.1", "1e39", "Infinity"}), DType::Double), {3}, {0.1, 1e39, kInf});
  expect_tensor<uint8_t>(cast(strings({4}, {"-1", "300", "1.9", " 7"}), DType::UInt8), {4}, {255, 44, 1, 7});
  expect_tensor<int8_t>(cast(strings({3}, {"-129", "127", "-1"}), DType::Int8), {3}, {127, 127, -1});
  expect_tensor<bool>(cast(strings({4}, {"0", "2", "-1", "0.9"}), DType::Bool), {4}, {false, true, true, false});
  expect_tensor<int64_t>(cast(strings({2}, {"9223372036854775807", "-42"}), DType::Int64), {2}, {INT64_MAX, -42});
}

TEST(Cast, unparsable_strings_are_bad_input) {
  expect_error([] { cast(strings({2}, {"1", "abc"}), DType::Float); }, ErrorKind::BadInput, "\"abc\"");
  expect_error([] { cast(strings({1}, {""}), DType::Int64); }, ErrorKind::BadInput, "int64");
  expect_error([] { cast(strings({1}, {"1e400"}), DType::Double); }, ErrorKind::BadInput, "1e400");
  expect_error([] { cast(strings({1}, {"99999999999999999999"}), DType::Int32); }, ErrorKind::BadInput, "int32");
  expect_error([] { cast(strings({1}, {"nan"}), DType::Int32); }, ErrorKind::BadInput, "nan");
}

TEST(Cast, same_type_and_string_to_string_pass_through) {
  expect_tensor<float>(cast(tensor<float>({2, 1}, {1.5f, 2.5f}), DType::Float), {2, 1}, {1.5f, 2.5f});
  expect_tensor<std::string>(cast(strings({1}, {" x "}), DType::String), {1}, {" x "});
  expect_tensor<double>(cast(tensor<float>({0}, {}), DType::Double), {0}, {});
}

TEST(Cast, opset1_names_the_type_as_a_string) {
  expect_tensor<int32_t>(run1("Cast", {vec<float>({2.7f})}, {attr_string("to", "INT32")}, 1), {1}, {2});
  expect_error([] { run1("Cast", {vec<float>({2.7f})}, {attr_string("to", "REAL")}, 1); }, ErrorKind::BadModel, "REAL");
}

TEST(Cast, bad_or_unsupported_target_types) {
  expect_error([] { run1("Cast", {vec<float>({1})}, {attr_int("to", 99)}); }, ErrorKind::BadModel, "'to'");
  expect_error([] { run1("Cast", {vec<float>({1})}, {}); }, ErrorKind::BadModel, "'to' is missing");
  expect_error([] { run1("Cast", {vec<float>({1})}, {attr_int("to", static_cast<int64_t>(DType::Float16))}); },
               ErrorKind::Unsupported, "float16");
}

TEST(CastLike, takes_the_type_of_the_second_input) {
  expect_tensor<int64_t>(run1("CastLike", {vec<float>({2.9f, -2.9f}), vec<int64_t>({0})}, {}, 15), {2}, {2, -2});
  expect_tensor<std::string>(run1("CastLike", {vec<double>({0.25}), strings({1}, {"a"})}, {}, 19), {1}, {"0.25"});
  expect_tensor<double>(run1("CastLike", {strings({1}, {"-0.5"}), Tensor::scalar<double>(0)}, {}, 21), {1}, {-0.5});
}

}  // namespace
}  // namespace onnxfn::testing
