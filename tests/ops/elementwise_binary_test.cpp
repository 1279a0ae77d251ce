// Binary arithmetic kernels (binary_arithmetic.cpp) and the broadcast machinery, against ORT 1.32
// values; see elementwise_test_support.h for how the expected numbers were produced.
#include "ops/elementwise_test_support.h"

namespace onnxfn::testing {
namespace {

std::vector<float> iota(int n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  return v;
}

TEST(BinaryBroadcast, same_shape_scalar_row_column_and_3d) {
  expect_tensor<float>(run1("Add", {tensor<float>({2, 2}, {1, 2, 3, 4}), tensor<float>({2, 2}, {10, 20, 30, 40})}), {2, 2},
                       {11, 22, 33, 44});
  expect_tensor<float>(run1("Add", {tensor<float>({2, 3}, iota(6)), vec<float>({10, 20, 30})}), {2, 3},
                       {10.0f, 21.0f, 32.0f, 13.0f, 24.0f, 35.0f});
  expect_tensor<float>(run1("Sub", {tensor<float>({2, 1}, {1, 2}), tensor<float>({1, 3}, {10, 20, 30})}), {2, 3},
                       {-9.0f, -19.0f, -29.0f, -8.0f, -18.0f, -28.0f});
  expect_tensor<float>(run1("Mul", {tensor<float>({2, 3, 4}, iota(24)), tensor<float>({3, 1}, {1, 2, 3})}), {2, 3, 4},
                       {0.0f,  1.0f,  2.0f,  3.0f,  8.0f,  10.0f, 12.0f, 14.0f, 24.0f, 27.0f, 30.0f, 33.0f,
                        12.0f, 13.0f, 14.0f, 15.0f, 32.0f, 34.0f, 36.0f, 38.0f, 60.0f, 63.0f, 66.0f, 69.0f});
  expect_tensor<float>(run1("Div", {Tensor::scalar<float>(1.0f), vec<float>({2, 4, 0, -0.0f})}), {4},
                       {0.5f, 0.25f, kInf, -kInf});
  expect_tensor<double>(run1("Sub", {vec<double>({5, 6}), Tensor::scalar<double>(1.5)}), {2}, {3.5, 4.5});
}

TEST(BinaryBroadcast, interleaved_broadcast_dims) {
  // [2,1,3] x [1,2,1]: each input repeats along a different axis.
  Tensor y = run1("Mul", {tensor<int64_t>({2, 1, 3}, {1, 2, 3, 4, 5, 6}), tensor<int64_t>({1, 2, 1}, {10, 100})});
  expect_tensor<int64_t>(y, {2, 2, 3}, {10, 20, 30, 100, 200, 300, 40, 50, 60, 400, 500, 600});
}

TEST(BinaryBroadcast, zero_sized_and_scalar_outputs) {
  expect_tensor<float>(run1("Add", {tensor<float>({0, 3}, {}), vec<float>({1, 2, 3})}), {0, 3}, {});
  expect_tensor<float>(run1("Add", {tensor<float>({0, 1}, {}), tensor<float>({1, 3}, {1, 2, 3})}), {0, 3}, {});
  expect_tensor<float>(run1("Add", {Tensor::scalar<float>(1.0f), Tensor::scalar<float>(2.0f)}), {}, {3.0f});
  expect_tensor<float>(run1("Add", {tensor<float>({1, 1}, {1.0f}), vec<float>({2.0f})}), {1, 1}, {3.0f});
}

TEST(BinaryBroadcast, rejects_incompatible_shapes_and_mixed_types) {
  expect_error([] { run1("Add", {vec<float>({1, 2, 3}), vec<float>({1, 2})}); }, ErrorKind::BadInput,
               "cannot be broadcast");
  expect_error([] { run1("Mul", {tensor<float>({2, 3}, iota(6)), tensor<float>({3, 2}, iota(6))}); }, ErrorKind::BadInput,
               "cannot be broadcast");
  expect_error([] { run1("Add", {vec<float>({1}), vec<double>({1})}); }, ErrorKind::BadInput, "input types differ");
  expect_error([] { run1("Add", {vec<bool>({true}), vec<bool>({true})}); }, ErrorKind::BadInput, "bool");
}

TEST(BinaryBroadcast, large_inputs_agree_across_thread_counts) {
  const int rows = 3000, cols = 70;
  std::vector<float> a(static_cast<size_t>(rows * cols)), b(static_cast<size_t>(cols)), c(static_cast<size_t>(rows));
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i % 97) - 40.0f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(i) * 0.5f;
  for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<float>(i % 13);
  for (const auto& rhs : {vec(b), tensor<float>({rows, 1}, c), Tensor::scalar<float>(2.0f), tensor<float>({rows, cols}, a)}) {
    Tensor one = run_onnx("Mul", {tensor<float>({rows, cols}, a), rhs}, {}, 17, 1).at(0);
    Tensor three = run_onnx("Mul", {tensor<float>({rows, cols}, a), rhs}, {}, 17, 3).at(0);
    ASSERT_EQ(one.shape(), (Shape{rows, cols}));
    for (int64_t i = 0; i < one.numel(); ++i) {
      const float expected = a[static_cast<size_t>(i)] * rhs.data<float>()[rhs.numel() == 1 ? 0 : rhs.numel() == cols ? i % cols : rhs.numel() == rows ? i / cols : i];
      ASSERT_EQ(one.data<float>()[i], expected) << i;
      ASSERT_EQ(three.data<float>()[i], expected) << i;
    }
  }
}

TEST(BinaryArithmetic, integer_arithmetic_wraps_like_ort) {
  expect_tensor<int8_t>(run1("Add", {vec<int8_t>({127, -128}), vec<int8_t>({1, -1})}), {2}, {-128, 127});
  expect_tensor<int32_t>(run1("Mul", {vec<int32_t>({1 << 30, 65536}), vec<int32_t>({4, 65536})}), {2}, {0, 0});
  expect_tensor<uint16_t>(run1("Mul", {vec<uint16_t>({65535}), vec<uint16_t>({65535})}), {1}, {1});
  expect_tensor<uint8_t>(run1("Sub", {vec<uint8_t>({1}), vec<uint8_t>({2})}), {1}, {255});
}

TEST(BinaryArithmetic, integer_division_truncates_toward_zero) {
  expect_tensor<int32_t>(run1("Div", {vec<int32_t>({7, -7, 7, -7, 5}), vec<int32_t>({2, 2, -2, -2, 3})}), {5}, {3, -3, -3, 3, 1});
  expect_tensor<uint8_t>(run1("Div", {vec<uint8_t>({250}), vec<uint8_t>({3})}), {1}, {83});
  // ORT crashes (SIGFPE) on INT_MIN / -1; we wrap, as two's complement arithmetic would.
  expect_tensor<int32_t>(run1("Div", {vec<int32_t>({INT32_MIN}), vec<int32_t>({-1})}), {1}, {INT32_MIN});
  expect_tensor<int8_t>(run1("Div", {vec<int8_t>({-128}), vec<int8_t>({-1})}), {1}, {-128});
}

TEST(BinaryArithmetic, integer_division_or_modulo_by_zero_is_bad_input) {
  expect_error([] { run1("Div", {vec<int64_t>({1, 2}), vec<int64_t>({1, 0})}); }, ErrorKind::BadInput, "division by zero");
  expect_error([] { run1("Mod", {vec<int32_t>({1}), vec<int32_t>({0})}); }, ErrorKind::BadInput, "modulo by zero");
  expect_error([] { run1("Mod", {vec<uint8_t>({1}), vec<uint8_t>({0})}, {attr_int("fmod", 1)}); }, ErrorKind::BadInput,
               "modulo by zero");
}

TEST(BinaryArithmetic, mod_sign_follows_divisor_or_dividend_with_fmod) {
  Tensor a = vec<int64_t>({7, -7, 7, -7, 5, -5, 0});
  Tensor b = vec<int64_t>({2, 2, -2, -2, 3, 3, 3});
  expect_tensor<int64_t>(run1("Mod", {a, b}), {7}, {1, 1, -1, -1, 2, 1, 0});
  expect_tensor<int64_t>(run1("Mod", {a, b}, {attr_int("fmod", 1)}), {7}, {1, -1, 1, -1, 2, -2, 0});
  expect_tensor<int32_t>(run1("Mod", {vec<int32_t>({INT32_MIN}), vec<int32_t>({-1})}), {1}, {0});
  expect_tensor<float>(run1("Mod", {vec<float>({7.5f, -7.5f, 7.5f, -4.0f, 5.0f}), vec<float>({2, 2, -2, 2, 0})},
                            {attr_int("fmod", 1)}),
                       {5}, {1.5f, -1.5f, 1.5f, -0.0f, kNaN});
}

TEST(BinaryArithmetic, mod_attribute_errors_are_bad_model) {
  expect_error([] { run1("Mod", {vec<int32_t>({5}), vec<int32_t>({3})}, {attr_int("fmod", 2)}); }, ErrorKind::BadModel,
               "fmod");
  // ORT: "fmod attribute must be true for floating point types".
  expect_error([] { run1("Mod", {vec<float>({5}), vec<float>({3})}); }, ErrorKind::BadModel, "fmod");
}

TEST(BinaryArithmetic, bitshift_left_right_and_overlong_shifts) {
  expect_tensor<uint8_t>(run1("BitShift", {vec<uint8_t>({1, 255, 16, 3}), vec<uint8_t>({1, 8, 9, 2})},
                              {attr_string("direction", "LEFT")}, 11),
                         {4}, {2, 0, 0, 12});
  expect_tensor<uint32_t>(run1("BitShift", {vec<uint32_t>({0xFFFFFFFFu, 16, 1}), vec<uint32_t>({31, 2, 32})},
                               {attr_string("direction", "RIGHT")}, 11),
                          {3}, {1, 4, 0});
  expect_tensor<uint64_t>(run1("BitShift", {vec<uint64_t>({1, 1}), Tensor::scalar<uint64_t>(63)},
                               {attr_string("direction", "LEFT")}, 11),
                          {2}, {uint64_t{1} << 63, uint64_t{1} << 63});
}

TEST(BinaryArithmetic, bitshift_requires_a_valid_direction) {
  expect_error([] { run1("BitShift", {vec<uint8_t>({1}), vec<uint8_t>({1})}, {}, 11); }, ErrorKind::BadModel, "direction");
  expect_error([] { run1("BitShift", {vec<uint8_t>({1}), vec<uint8_t>({1})}, {attr_string("direction", "UP")}, 11); },
               ErrorKind::BadModel, "direction");
  expect_error([] { run1("BitShift", {vec<int32_t>({1}), vec<int32_t>({1})}, {attr_string("direction", "LEFT")}, 11); },
               ErrorKind::BadInput, "unsigned");
}

TEST(Pow, float_and_mixed_type_exponents) {
  expect_close<float>(run1("Pow", {vec<float>({2, 0.5f, 9, 1.5f}), vec<float>({0.5f, -1.5f, 0.5f, 2.5f})}), {4},
                      {1.41421354f, 2.82842708f, 3.0f, 2.75567603f});
  expect_tensor<float>(run1("Pow", {vec<float>({2, -3, 1.5f}), vec<int64_t>({10, 3, -2})}), {3}, {1024.0f, -27.0f, 0.444444448f});
  expect_tensor<float>(run1("Pow", {vec<float>({4, -4, 2}), Tensor::scalar<float>(0.5f)}), {3}, {2.0f, kNaN, 1.41421354f});
  expect_tensor<double>(run1("Pow", {vec<double>({1.1, -2, 1e-3}), Tensor::scalar<int32_t>(3)}), {3},
                        {1.3310000000000004, -8.0, 1.0000000000000001e-09});
}

TEST(Pow, integer_bases_convert_like_ort) {
  // Computed in double and converted back: out of range gives INT64_MIN, like ORT's cast.
  expect_tensor<int64_t>(run1("Pow", {vec<int64_t>({7, 10, 2, -8}), vec<float>({1.5f, 2.5f, -1, 0.5f})}), {4},
                         {18, 316, 0, INT64_MIN});
  expect_tensor<int64_t>(run1("Pow", {vec<int64_t>({10, 3, 2, 0}), vec<int64_t>({19, 40, -2, -1})}), {4},
                         {INT64_MIN, INT64_MIN, 0, INT64_MIN});
  // A scalar exponent of 2 or 3 is x*x (x*x*x) in the base type, which wraps.
  expect_tensor<int32_t>(run1("Pow", {vec<int32_t>({3, -3, 65536}), Tensor::scalar<int64_t>(2)}), {3}, {9, 9, 0});
}

TEST(Pow, rejects_unsupported_base_types) {
  expect_error([] { run1("Pow", {vec<uint8_t>({2}), vec<uint8_t>({2})}); }, ErrorKind::BadInput, "base type uint8");
  expect_error([] { run1("Pow", {vec<float>({2}), vec<bool>({true})}); }, ErrorKind::BadInput, "exponent type bool");
}

// ONNX backend test_pow_types_float32_uint32/uint64: any integer exponent type is allowed.
TEST(Pow, accepts_unsigned_and_small_integer_exponents) {
  expect_tensor<float>(run1("Pow", {vec<float>({2, 3}), vec<uint32_t>({3, 2})}), {2}, {8, 9});
  expect_tensor<float>(run1("Pow", {vec<float>({2}), vec<uint64_t>({10})}), {1}, {1024});
  expect_tensor<float>(run1("Pow", {vec<float>({4}), vec<int8_t>({-1})}), {1}, {0.25f});
}

// Opset < 7: B must match a contiguous run of A's dims (trailing by default, or from `axis`).
TEST(LegacyBroadcast, add_with_broadcast_and_axis_attributes) {
  Tensor a = tensor<float>({2, 3, 2}, iota(12));
  expect_tensor<float>(run1("Add", {a, vec<float>({100, 200})}, {attr_int("broadcast", 1)}, 6), {2, 3, 2},
                       {100, 201, 102, 203, 104, 205, 106, 207, 108, 209, 110, 211});
  expect_tensor<float>(run1("Add", {a, vec<float>({100, 200, 300})}, {attr_int("broadcast", 1), attr_int("axis", 1)}, 6),
                       {2, 3, 2}, {100, 101, 202, 203, 304, 305, 106, 107, 208, 209, 310, 311});
  expect_tensor<float>(run1("Mul", {a, Tensor::scalar<float>(2.0f)}, {attr_int("broadcast", 1)}, 1), {2, 3, 2},
                       {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22});
  expect_tensor<float>(run1("Sub", {vec<float>({5, 6}), vec<float>({1, 2})}, {}, 6), {2}, {4, 4});
}

TEST(LegacyBroadcast, rejects_shapes_the_legacy_rule_does_not_allow) {
  // numpy would broadcast [3] against [2,3], the legacy rule needs broadcast=1.
  expect_error([] { run1("Add", {tensor<float>({2, 3}, iota(6)), vec<float>({1, 2, 3})}, {}, 6); }, ErrorKind::BadInput,
               "broadcast");
  expect_error([] { run1("Add", {tensor<float>({2, 3}, iota(6)), vec<float>({1, 2})}, {attr_int("broadcast", 1)}, 6); },
               ErrorKind::BadInput, "does not match");
  expect_error([] { run1("Add", {vec<float>({1}), vec<float>({1})}, {attr_int("broadcast", 3)}, 6); }, ErrorKind::BadModel,
               "broadcast");
}

}  // namespace
}  // namespace onnxfn::testing
