// Constant, ConstantOfShape, Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze.
// Expected values come from ONNX Runtime 1.32 on one-node models built with onnx.helper, e.g.
//   node = helper.make_node("Reshape", ["X", "S"], ["Y"], allowzero=1)
//   ort.InferenceSession(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])...)
#include "ops/tensor_test_helpers.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(Constant, value_ints_and_value_float_from_opset12) {
  auto out = run_node("Constant", 13, {}, {attr_ints("value_ints", {3, -1})});
  expect_values<int64_t>(out[0], {2}, {3, -1});
  out = run_node("Constant", 12, {}, {attr_float("value_float", 2.5f)});
  expect_values<float>(out[0], {}, {2.5f});
  out = run_node("Constant", 13, {}, {attr_strings("value_strings", {"a", "b"})});
  expect_values<std::string>(out[0], {2}, {"a", "b"});
}

TEST(Constant, value_tensor_attribute) {
  auto out = run_node("Constant", 9, {}, {attr_tensor("value", f32({2, 1}, {1, 2}))});
  expect_values<float>(out[0], {2, 1}, {1, 2});
}

TEST(Constant, rejects_typed_values_before_opset12_and_two_values) {
  expect_error([] { run_node("Constant", 11, {}, {attr_int("value_int", 1)}); }, ErrorKind::BadModel, "opset 12");
  expect_error([] { run_node("Constant", 13, {}, {attr_int("value_int", 1), attr_float("value_float", 1)}); },
               ErrorKind::BadModel, "exactly one");
  expect_error([] { run_node("Constant", 13, {}, {}); }, ErrorKind::BadModel, "exactly one");
}

TEST(ConstantOfShape, fills_with_value_or_float_zero) {
  auto out = run_node("ConstantOfShape", 20, {in("S", i64({2}, {2, 3}))}, {attr_tensor("value", i64({1}, {7}))});
  expect_values<int64_t>(out[0], {2, 3}, {7, 7, 7, 7, 7, 7});
  out = run_node("ConstantOfShape", 9, {in("S", i64({1}, {2}))});
  expect_values<float>(out[0], {2}, {0, 0});
  out = run_node("ConstantOfShape", 9, {in("S", i64({0}, {}))}, {attr_tensor("value", f32({1}, {4}))});
  expect_values<float>(out[0], {}, {4});
}

TEST(ConstantOfShape, rejects_negative_dims) {
  expect_error([] { run_node("ConstantOfShape", 9, {in("S", i64({2}, {2, -1}))}); }, ErrorKind::BadInput,
               "negative dimension");
}

TEST(Shape, start_and_end_are_clamped_from_opset15) {
  const Tensor x = Tensor::zeros(DType::Float, {2, 3, 4});
  auto out = run_node("Shape", 15, {in("X", x)}, {attr_int("start", -2), attr_int("end", 10)});
  expect_values<int64_t>(out[0], {2}, {3, 4});
  out = run_node("Shape", 15, {in("X", x)}, {attr_int("start", 2), attr_int("end", 1)});
  expect_values<int64_t>(out[0], {0}, {});
  // Before 15 the attributes do not exist: the whole shape.
  out = run_node("Shape", 13, {in("X", x)}, {attr_int("start", 1)});
  expect_values<int64_t>(out[0], {3}, {2, 3, 4});
}

TEST(Size, counts_elements_as_int64_scalar) {
  auto out = run_node("Size", 13, {in("X", Tensor::zeros(DType::Bool, {2, 5}))});
  expect_values<int64_t>(out[0], {}, {10});
}

TEST(Reshape, copies_zero_dims_and_infers_minus_one) {
  const Tensor x = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  auto out = run_node("Reshape", 13, {in("X", x), in("S", i64({2}, {0, -1}))});
  expect_values<float>(out[0], {2, 3}, {0, 1, 2, 3, 4, 5});
  out = run_node("Reshape", 13, {in("X", x), init("S", i64({2}, {3, -1}))});
  expect_values<float>(out[0], {3, 2}, {0, 1, 2, 3, 4, 5});
}

TEST(Reshape, allowzero_keeps_zero_from_opset14) {
  const Tensor empty = Tensor::zeros(DType::Float, {0, 3});
  // ORT: [0,3] -> [-1,0] with allowzero gives [3,0]; without it 0 copies the input dim.
  auto out = run_node("Reshape", 14, {in("X", empty), in("S", i64({2}, {-1, 0}))}, {attr_int("allowzero", 1)});
  EXPECT_EQ(out[0].shape(), (Shape{3, 0}));
  out = run_node("Reshape", 14, {in("X", empty), in("S", i64({2}, {-1, 0}))});
  EXPECT_EQ(out[0].shape(), (Shape{0, 3}));
  // allowzero is ignored before opset 14.
  out = run_node("Reshape", 13, {in("X", empty), in("S", i64({2}, {-1, 0}))}, {attr_int("allowzero", 1)});
  EXPECT_EQ(out[0].shape(), (Shape{0, 3}));
}

TEST(Reshape, shape_attribute_in_opset1) {
  auto out = run_node("Reshape", 1, {in("X", f32({2, 3}, {0, 1, 2, 3, 4, 5}))}, {attr_ints("shape", {3, -1})});
  expect_values<float>(out[0], {3, 2}, {0, 1, 2, 3, 4, 5});
}

TEST(Reshape, rejects_incompatible_requests) {
  const Tensor x = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  expect_error([&] { run_node("Reshape", 13, {in("X", x), in("S", i64({1}, {4}))}); }, ErrorKind::BadInput,
               "element counts differ");
  expect_error([&] { run_node("Reshape", 13, {in("X", x), in("S", i64({2}, {-1, -1}))}); }, ErrorKind::BadInput,
               "more than one");
  expect_error([&] { run_node("Reshape", 13, {in("X", x), in("S", i64({3}, {0, 0, 0}))}); }, ErrorKind::BadInput,
               "no input dimension");
  expect_error([&] { run_node("Reshape", 13, {in("X", x), in("S", i64({2}, {-1, 4}))}); }, ErrorKind::BadInput,
               "not divisible");
}

TEST(Flatten, negative_axis_from_opset11) {
  const Tensor x = Tensor::zeros(DType::Float, {2, 3, 4});
  EXPECT_EQ(run_node("Flatten", 13, {in("X", x)}, {attr_int("axis", -1)})[0].shape(), (Shape{6, 4}));
  EXPECT_EQ(run_node("Flatten", 13, {in("X", x)}, {attr_int("axis", 3)})[0].shape(), (Shape{24, 1}));
  EXPECT_EQ(run_node("Flatten", 13, {in("X", x)}, {attr_int("axis", 0)})[0].shape(), (Shape{1, 24}));
  EXPECT_EQ(run_node("Flatten", 13, {in("X", Tensor::scalar<float>(1))}, {attr_int("axis", 0)})[0].shape(), (Shape{1, 1}));
  expect_error([&] { run_node("Flatten", 9, {in("X", x)}, {attr_int("axis", -1)}); }, ErrorKind::BadModel, "opset 11");
  expect_error([&] { run_node("Flatten", 13, {in("X", x)}, {attr_int("axis", 4)}); }, ErrorKind::BadInput, "out of range");
}

TEST(Squeeze, axes_attribute_before_13_and_input_from_13) {
  const Tensor x = Tensor::zeros(DType::Float, {1, 3, 1});
  EXPECT_EQ(run_node("Squeeze", 11, {in("X", x)}, {attr_ints("axes", {-1})})[0].shape(), (Shape{1, 3}));
  EXPECT_EQ(run_node("Squeeze", 13, {in("X", x), in("A", i64({1}, {0}))})[0].shape(), (Shape{3, 1}));
  EXPECT_EQ(run_node("Squeeze", 13, {in("X", x)})[0].shape(), (Shape{3}));
}

TEST(Squeeze, rejects_axis_whose_size_is_not_one) {
  const Tensor x = Tensor::zeros(DType::Float, {2, 3, 1});
  expect_error([&] { run_node("Squeeze", 13, {in("X", x), in("A", i64({1}, {1}))}); }, ErrorKind::BadInput, "not 1");
  expect_error([&] { run_node("Squeeze", 13, {in("X", x), in("A", i64({1}, {3}))}); }, ErrorKind::BadInput, "out of range");
}

TEST(Unsqueeze, axes_refer_to_the_output_rank) {
  const Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = run_node("Unsqueeze", 13, {in("X", x), in("A", i64({2}, {-1, 0}))});
  expect_values<float>(out[0], {1, 2, 3, 1}, {1, 2, 3, 4, 5, 6});
  out = run_node("Unsqueeze", 11, {in("X", x)}, {attr_ints("axes", {1})});
  EXPECT_EQ(out[0].shape(), (Shape{2, 1, 3}));
}

TEST(Unsqueeze, rejects_duplicate_axes_and_missing_axes) {
  const Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_error([&] { run_node("Unsqueeze", 13, {in("X", x), in("A", i64({2}, {1, 1}))}); }, ErrorKind::BadInput, "repeated");
  expect_error([&] { run_node("Unsqueeze", 11, {in("X", x)}); }, ErrorKind::BadModel, "'axes' is required");
}

}  // namespace
}  // namespace onnxfn
