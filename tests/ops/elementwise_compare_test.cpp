// Comparison, logic (compare_logic.cpp) and Where (where.cpp) kernels against ORT 1.32 behaviour;
// see elementwise_test_support.h for how the expected numbers were produced.
#include "ops/elementwise_test_support.h"

namespace onnxfn::testing {
namespace {

TEST(Compare, ordering_operators_with_broadcast) {
  Tensor a = tensor<int64_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = vec<int64_t>({2, 2, 5});
  expect_tensor<bool>(run1("Less", {a, b}), {2, 3}, {true, false, true, false, false, false});
  expect_tensor<bool>(run1("Greater", {a, b}), {2, 3}, {false, false, false, true, true, true});
  expect_tensor<bool>(run1("LessOrEqual", {a, b}), {2, 3}, {true, true, true, false, false, false});
  expect_tensor<bool>(run1("GreaterOrEqual", {a, b}), {2, 3}, {false, true, false, true, true, true});
  expect_tensor<bool>(run1("Equal", {a, b}), {2, 3}, {false, true, false, false, false, false});
}

TEST(Compare, nan_is_unequal_and_unordered) {
  Tensor a = vec<float>({kNaN, 1.0f, kNaN});
  Tensor b = vec<float>({kNaN, kNaN, 1.0f});
  expect_tensor<bool>(run1("Equal", {a, b}), {3}, {false, false, false});
  expect_tensor<bool>(run1("Less", {a, b}), {3}, {false, false, false});
  expect_tensor<bool>(run1("GreaterOrEqual", {a, b}), {3}, {false, false, false});
  expect_tensor<bool>(run1("Equal", {vec<float>({-0.0f}), vec<float>({0.0f})}), {1}, {true});
}

TEST(Compare, equal_on_strings_and_bools) {
  expect_tensor<bool>(run1("Equal", {strings({2, 1}, {"a", "b"}), strings({3}, {"a", "b", ""})}, {}, 19), {2, 3},
                      {true, false, false, false, true, false});
  expect_tensor<bool>(run1("Equal", {vec<std::string>({"ab", "ab "}), vec<std::string>({"ab", "ab"})}, {}, 19), {2},
                      {true, false});
  expect_tensor<bool>(run1("Equal", {vec<bool>({true, false}), vec<bool>({true})}), {2}, {true, false});
}

TEST(Compare, rejects_strings_for_ordering_and_mixed_types) {
  expect_error([] { run1("Less", {vec<std::string>({"a"}), vec<std::string>({"b"})}); }, ErrorKind::BadInput, "string");
  expect_error([] { run1("Equal", {vec<int32_t>({1}), vec<int64_t>({1})}); }, ErrorKind::BadInput, "input types differ");
}

TEST(Compare, legacy_opset1_broadcast_attribute) {
  Tensor a = tensor<int32_t>({2, 2}, {1, 2, 3, 4});
  expect_tensor<bool>(run1("Equal", {a, vec<int32_t>({1, 3})}, {attr_int("broadcast", 1), attr_int("axis", 0)}, 1), {2, 2},
                      {true, false, true, false});
  expect_tensor<bool>(run1("Greater", {tensor<float>({2}, {1, 5}), vec<float>({2, 2})}, {}, 1), {2}, {false, true});
}

TEST(Logic, and_or_xor_with_broadcast) {
  Tensor a = tensor<bool>({2, 2}, {true, true, false, false});
  Tensor b = vec<bool>({true, false});
  expect_tensor<bool>(run1("And", {a, b}), {2, 2}, {true, false, false, false});
  expect_tensor<bool>(run1("Or", {a, b}), {2, 2}, {true, true, true, false});
  expect_tensor<bool>(run1("Xor", {a, b}), {2, 2}, {false, true, true, false});
  expect_error([] { run1("And", {vec<int32_t>({1}), vec<int32_t>({1})}); }, ErrorKind::BadInput, "bool expected");
}

TEST(Where, selects_with_three_way_broadcast) {
  Tensor cond = tensor<bool>({2, 1}, {true, false});
  Tensor x = vec<float>({1, 2, 3});
  Tensor y = Tensor::scalar<float>(-1.0f);
  expect_tensor<float>(run1("Where", {cond, x, y}), {2, 3}, {1, 2, 3, -1, -1, -1});
  expect_tensor<int64_t>(run1("Where", {vec<bool>({true, false, true}), vec<int64_t>({1, 2, 3}), vec<int64_t>({7, 8, 9})}), {3},
                         {1, 8, 3});
}

TEST(Where, selects_strings_and_bools) {
  expect_tensor<std::string>(run1("Where", {vec<bool>({false, true}), strings({2}, {"x", "yy"}), strings({2, 1}, {"a", "b"})}),
                             {2, 2}, {"a", "yy", "b", "yy"});
  expect_tensor<bool>(run1("Where", {vec<bool>({false, true}), vec<bool>({true, true}), vec<bool>({false, false})}), {2},
                      {false, true});
}

TEST(Where, rejects_non_bool_condition_mismatched_types_and_shapes) {
  expect_error([] { run1("Where", {vec<int32_t>({1}), vec<float>({1}), vec<float>({2})}); }, ErrorKind::BadInput,
               "condition must be bool");
  expect_error([] { run1("Where", {vec<bool>({true}), vec<float>({1}), vec<double>({2})}); }, ErrorKind::BadInput,
               "types differ");
  expect_error([] { run1("Where", {vec<bool>({true, false}), vec<float>({1, 2, 3}), vec<float>({2})}); }, ErrorKind::BadInput,
               "cannot be broadcast");
}

TEST(Where, large_broadcast_agrees_across_thread_counts) {
  const int n = 100000;
  std::vector<bool> c(static_cast<size_t>(n));
  std::vector<int32_t> x(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    c[static_cast<size_t>(i)] = i % 3 == 0;
    x[static_cast<size_t>(i)] = i;
  }
  Tensor one = run_onnx("Where", {vec(c), vec(x), Tensor::scalar<int32_t>(-1)}, {}, 17, 1).at(0);
  Tensor four = run_onnx("Where", {vec(c), vec(x), Tensor::scalar<int32_t>(-1)}, {}, 17, 4).at(0);
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(one.data<int32_t>()[i], i % 3 == 0 ? i : -1);
    ASSERT_EQ(four.data<int32_t>()[i], one.data<int32_t>()[i]);
  }
}

}  // namespace
}  // namespace onnxfn::testing
