// Data-movement kernels: Transpose, Concat, Split, Slice, Gather*, ScatterElements, Expand, Tile,
// Pad, Range, OneHot, NonZero, CumSum, Trilu.
// Expected values come from ONNX Runtime 1.32 on one-node models built with onnx.helper, e.g.
//   node = helper.make_node("Slice", ["X", "S", "E", "A", "T"], ["Y"])
//   sess = ort.InferenceSession(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString())
#include "ops/tensor_test_helpers.h"

namespace onnxfn {
namespace {

using namespace testing;

Tensor iota234() {
  std::vector<float> v(24);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return f32({2, 3, 4}, v);
}

TEST(Transpose, permutes_axes_and_reverses_by_default) {
  auto out = run_node("Transpose", 13, {in("X", iota234())}, {attr_ints("perm", {1, 2, 0})});
  expect_values<float>(out[0], {3, 4, 2}, {0, 12, 1, 13, 2, 14, 3, 15, 4, 16, 5, 17, 6, 18, 7, 19, 8, 20, 9, 21, 10, 22, 11, 23});
  out = run_node("Transpose", 13, {in("X", iota234())});
  expect_values<float>(out[0], {4, 3, 2}, {0, 12, 4, 16, 8, 20, 1, 13, 5, 17, 9, 21, 2, 14, 6, 18, 10, 22, 3, 15, 7, 19, 11, 23});
}

TEST(Transpose, moves_strings_and_rejects_bad_perm) {
  auto out = run_node("Transpose", 13, {in("X", Tensor::from_strings({2, 2}, {"a", "b", "c", "d"}))});
  expect_values<std::string>(out[0], {2, 2}, {"a", "c", "b", "d"});
  expect_error([] { run_node("Transpose", 13, {in("X", iota234())}, {attr_ints("perm", {2, 0, 0})}); }, ErrorKind::BadModel,
               "permutation");
  expect_error([] { run_node("Transpose", 13, {in("X", iota234())}, {attr_ints("perm", {1, 0})}); }, ErrorKind::BadInput,
               "rank 3");
}

TEST(Concat, joins_along_axis_including_strings) {
  auto out = run_node("Concat", 13, {in("A", f32({2, 2}, {0, 1, 2, 3})), in("B", f32({2, 3}, {10, 11, 12, 13, 14, 15}))},
                      {attr_int("axis", 1)});
  expect_values<float>(out[0], {2, 5}, {0, 1, 10, 11, 12, 2, 3, 13, 14, 15});
  out = run_node("Concat", 13,
                 {in("A", Tensor::from_strings({2, 1}, {"a", "b"})), in("B", Tensor::from_strings({2, 1}, {"c", "d"}))},
                 {attr_int("axis", -1)});
  expect_values<std::string>(out[0], {2, 2}, {"a", "c", "b", "d"});
}

TEST(Concat, rejects_mismatched_shapes_and_missing_axis) {
  expect_error([] { run_node("Concat", 13, {in("A", f32({2, 2}, {0, 1, 2, 3})), in("B", f32({1, 3}, {1, 2, 3}))}, {attr_int("axis", 1)}); },
               ErrorKind::BadInput, "incompatible");
  expect_error([] { run_node("Concat", 13, {in("A", f32({1}, {0}))}); }, ErrorKind::BadModel, "'axis' is required");
}

TEST(Split, num_outputs_from_opset18_gives_a_smaller_last_piece) {
  std::vector<float> v{0, 1, 2, 3, 4, 5, 6};
  auto out = run_node("Split", 18, {in("X", f32({7}, v))}, {attr_int("num_outputs", 3)}, 3);
  expect_values<float>(out[0], {3}, {0, 1, 2});
  expect_values<float>(out[1], {3}, {3, 4, 5});
  expect_values<float>(out[2], {1}, {6});
  // ORT: 6 elements in 4 pieces -> [2, 2, 2, 0].
  out = run_node("Split", 18, {in("X", f32({6}, {0, 1, 2, 3, 4, 5}))}, {attr_int("num_outputs", 4)}, 4);
  EXPECT_EQ(out[3].shape(), (Shape{0}));
}

TEST(Split, split_attribute_before_13_and_input_from_13) {
  const Tensor x = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  auto out = run_node("Split", 11, {in("X", x)}, {attr_int("axis", -1), attr_ints("split", {1, 2})}, 2);
  expect_values<float>(out[0], {2, 1}, {0, 3});
  expect_values<float>(out[1], {2, 2}, {1, 2, 4, 5});
  out = run_node("Split", 13, {in("X", x), init("S", i64({2}, {2, 1}))}, {attr_int("axis", 1)}, 2);
  expect_values<float>(out[0], {2, 2}, {0, 1, 3, 4});
  expect_values<float>(out[1], {2, 1}, {2, 5});
  out = run_node("Split", 13, {in("X", x)}, {}, 2);
  expect_values<float>(out[0], {1, 3}, {0, 1, 2});
}

TEST(Split, rejects_uneven_or_inconsistent_splits) {
  const Tensor x = f32({7}, {0, 1, 2, 3, 4, 5, 6});
  expect_error([&] { run_node("Split", 13, {in("X", x)}, {}, 3); }, ErrorKind::BadInput, "evenly");
  expect_error([&] { run_node("Split", 13, {in("X", x), in("S", i64({2}, {3, 5}))}, {}, 2); }, ErrorKind::BadInput, "add up");
  expect_error([&] { run_node("Split", 18, {in("X", x)}, {}, 2); }, ErrorKind::BadModel, "neither");
  expect_error([&] { run_node("Split", 18, {in("X", x)}, {attr_int("num_outputs", 3)}, 2); }, ErrorKind::BadModel,
               "num_outputs");
}

TEST(Slice, negative_steps_and_clamping) {
  std::vector<float> v{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  auto out = run_node("Slice", 13, {in("X", f32({10}, v)), in("S", i64({1}, {-1})), in("E", i64({1}, {-100})),
                                    in("A", i64({1}, {0})), in("T", i64({1}, {-3}))});
  expect_values<float>(out[0], {4}, {9, 6, 3, 0});
  out = run_node("Slice", 13, {in("X", f32({10}, v)), in("S", i64({1}, {2})), in("E", i64({1}, {INT64_MAX})),
                               omitted(), in("T", i64({1}, {4}))});
  expect_values<float>(out[0], {2}, {2, 6});
  out = run_node("Slice", 13, {in("X", f32({10}, v)), in("S", i64({1}, {INT64_MIN})), in("E", i64({1}, {3}))});
  expect_values<float>(out[0], {3}, {0, 1, 2});
  out = run_node("Slice", 13, {in("X", f32({10}, v)), in("S", i64({1}, {5})), in("E", i64({1}, {2}))});
  expect_values<float>(out[0], {0}, {});
}

TEST(Slice, several_axes_with_constant_inputs) {
  auto out = run_node("Slice", 13, {in("X", iota234()), init("S", i64({2}, {-1, 3})), init("E", i64({2}, {0, -10})),
                                    init("A", i64({2}, {2, 1})), init("T", i64({2}, {-2, -1}))});
  expect_values<float>(out[0], {2, 3, 2}, {11, 9, 7, 5, 3, 1, 23, 21, 19, 17, 15, 13});
}

TEST(Slice, attributes_in_opset1) {
  auto out = run_node("Slice", 1, {in("X", f32({2, 5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}))},
                      {attr_ints("starts", {1}), attr_ints("ends", {1000})});
  expect_values<float>(out[0], {1, 5}, {5, 6, 7, 8, 9});
}

TEST(Slice, rejects_zero_step_and_repeated_axes) {
  const Tensor x = f32({2, 5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  expect_error([&] { run_node("Slice", 13, {in("X", x), in("S", i64({1}, {1})), in("E", i64({1}, {3})), in("A", i64({1}, {1})), in("T", i64({1}, {0}))}); },
               ErrorKind::BadInput, "0 for axis");
  expect_error([&] { run_node("Slice", 13, {in("X", x), in("S", i64({2}, {1, 1})), in("E", i64({2}, {3, 3})), in("A", i64({2}, {1, -1}))}); },
               ErrorKind::BadInput, "repeated");
}

TEST(Gather, negative_indices_with_index_shape) {
  auto out = run_node("Gather", 13, {in("X", iota234()), in("I", i64({2, 1}, {2, -3}))}, {attr_int("axis", 1)});
  expect_values<float>(out[0], {2, 2, 1, 4}, {8, 9, 10, 11, 0, 1, 2, 3, 20, 21, 22, 23, 12, 13, 14, 15});
  out = run_node("Gather", 13, {in("X", Tensor::from_strings({3}, {"a", "b", "c"})), in("I", i32({3}, {2, 0, 2}))});
  expect_values<std::string>(out[0], {3}, {"c", "a", "c"});
  out = run_node("Gather", 13, {in("X", f32({2, 3}, {0, 1, 2, 3, 4, 5})), in("I", Tensor::scalar<int64_t>(1))});
  expect_values<float>(out[0], {3}, {3, 4, 5});
}

TEST(Gather, out_of_range_index_is_bad_input_naming_the_node) {
  expect_error([] { run_node("Gather", 13, {in("X", f32({2, 3}, {0, 1, 2, 3, 4, 5})), in("I", i64({2}, {3, 0}))}, {attr_int("axis", 1)}); },
               ErrorKind::BadInput, "Gather_0");
  expect_error([] { run_node("Gather", 13, {in("X", f32({2, 3}, {0, 1, 2, 3, 4, 5})), in("I", i64({1}, {-4}))}, {attr_int("axis", 1)}); },
               ErrorKind::BadInput, "out of range [-3, 2]");
}

TEST(GatherElements, picks_along_axis) {
  const Tensor d = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  auto out = run_node("GatherElements", 13, {in("X", d), in("I", i64({1, 4}, {0, 1, 2, 0}))}, {attr_int("axis", 1)});
  expect_values<float>(out[0], {1, 4}, {0, 1, 2, 0});
  out = run_node("GatherElements", 13, {in("X", d), in("I", i64({3, 1}, {0, 1, 1}))});
  expect_values<float>(out[0], {3, 1}, {0, 3, 3});
  out = run_node("GatherElements", 13, {in("X", d), in("I", i64({1, 2}, {-1, 0}))}, {attr_int("axis", 1)});
  expect_values<float>(out[0], {1, 2}, {2, 0});
  expect_error([&] { run_node("GatherElements", 13, {in("X", d), in("I", i64({1, 2}, {3, 0}))}, {attr_int("axis", 1)}); },
               ErrorKind::BadInput, "out of range");
}

TEST(GatherND, tuples_and_batch_dims) {
  const Tensor d = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  auto out = run_node("GatherND", 13, {in("X", d), in("I", i64({2, 2}, {1, -1, 0, 0}))});
  expect_values<float>(out[0], {2}, {5, 0});
  out = run_node("GatherND", 13, {in("X", d), in("I", i64({2, 1}, {1, 0}))});
  expect_values<float>(out[0], {2, 3}, {3, 4, 5, 0, 1, 2});
  out = run_node("GatherND", 13, {in("X", iota234()), in("I", i64({2, 1, 2}, {1, 3, 0, 0}))}, {attr_int("batch_dims", 1)});
  expect_values<float>(out[0], {2, 1}, {7, 12});
  expect_error([&] { run_node("GatherND", 13, {in("X", d), in("I", i64({1, 1}, {2}))}); }, ErrorKind::BadInput, "out of range");
}

TEST(ScatterElements, replaces_and_reduces) {
  const Tensor d = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  const Tensor idx = i64({2, 2}, {0, 1, 1, 1});
  const Tensor upd = f32({2, 2}, {10, 20, 30, 40});
  auto out = run_node("ScatterElements", 18, {in("X", d), in("I", idx), in("U", upd)}, {attr_int("axis", 1), attr_string("reduction", "add")});
  expect_values<float>(out[0], {2, 3}, {10, 21, 2, 3, 74, 5});
  out = run_node("ScatterElements", 18, {in("X", d), in("I", idx), in("U", upd)}, {attr_int("axis", 1)});
  expect_values<float>(out[0], {2, 3}, {10, 20, 2, 3, 40, 5});
  out = run_node("ScatterElements", 18, {in("X", d), in("I", i64({2, 2}, {0, -1, 1, 1})), in("U", upd)},
                 {attr_int("axis", 1), attr_string("reduction", "max")});
  expect_values<float>(out[0], {2, 3}, {10, 1, 20, 3, 40, 5});
  expect_error([&] { run_node("ScatterElements", 16, {in("X", d), in("I", idx), in("U", upd)}, {attr_string("reduction", "max")}); },
               ErrorKind::BadModel, "reduction");
  expect_error([&] { run_node("ScatterElements", 13, {in("X", d), in("I", i64({2, 2}, {0, 3, 1, 1})), in("U", upd)}, {attr_int("axis", 1)}); },
               ErrorKind::BadInput, "out of range");
}

TEST(Expand, broadcasts_both_ways) {
  auto out = run_node("Expand", 13, {in("X", f32({3, 1}, {0, 1, 2})), in("S", i64({3}, {2, 1, 4}))});
  expect_values<float>(out[0], {2, 3, 4}, {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2});
  out = run_node("Expand", 13, {in("X", f32({3, 1}, {0, 1, 2})), in("S", i64({1}, {1}))});
  expect_values<float>(out[0], {3, 1}, {0, 1, 2});
  expect_error([] { run_node("Expand", 13, {in("X", f32({3, 1}, {0, 1, 2})), in("S", i64({2}, {2, 0}))}); }, ErrorKind::BadInput,
               "cannot be broadcast");
}

TEST(Tile, repeats_each_axis) {
  auto out = run_node("Tile", 13, {in("X", f32({2, 2}, {1, 2, 3, 4})), in("R", i64({2}, {1, 2}))});
  expect_values<float>(out[0], {2, 4}, {1, 2, 1, 2, 3, 4, 3, 4});
  out = run_node("Tile", 13, {in("X", f32({3, 1}, {0, 1, 2})), in("R", i64({2}, {2, 3}))});
  expect_values<float>(out[0], {6, 3}, {0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1, 1, 2, 2, 2});
  expect_error([] { run_node("Tile", 13, {in("X", f32({3, 1}, {0, 1, 2})), in("R", i64({1}, {2}))}); }, ErrorKind::BadInput, "rank");
  expect_error([] { run_node("Tile", 13, {in("X", f32({3, 1}, {0, 1, 2})), in("R", i64({2}, {-1, 1}))}); }, ErrorKind::BadInput,
               "negative");
}

TEST(Pad, reflect_edge_constant_and_wrap) {
  const Tensor x = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  auto out = run_node("Pad", 18, {in("X", x), in("P", i64({4}, {1, 2, 1, 1}))}, {attr_string("mode", "reflect")});
  expect_values<float>(out[0], {4, 6}, {5, 4, 3, 4, 5, 4, 2, 1, 0, 1, 2, 1, 5, 4, 3, 4, 5, 4, 2, 1, 0, 1, 2, 1});
  out = run_node("Pad", 18, {in("X", x), in("P", i64({4}, {0, 1, 1, 0}))}, {attr_string("mode", "edge")});
  expect_values<float>(out[0], {3, 4}, {0, 0, 1, 2, 3, 3, 4, 5, 3, 3, 4, 5});
  out = run_node("Pad", 18, {in("X", x), in("P", i64({4}, {1, 0, 0, 1})), in("V", Tensor::scalar<float>(-1))});
  expect_values<float>(out[0], {3, 4}, {-1, -1, -1, -1, 0, 1, 2, -1, 3, 4, 5, -1});
  out = run_node("Pad", 19, {in("X", f32({3}, {1, 2, 3})), in("P", i64({2}, {4, 5}))}, {attr_string("mode", "wrap")});
  expect_values<float>(out[0], {12}, {3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2});
}

TEST(Pad, negative_pads_crop_and_axes_input) {
  auto out = run_node("Pad", 18, {in("X", f32({3}, {1, 2, 3})), in("P", i64({2}, {-1, 2})), in("V", Tensor::scalar<float>(9))});
  expect_values<float>(out[0], {4}, {2, 3, 9, 9});
  out = run_node("Pad", 18, {in("X", f32({2, 3}, {1, 2, 3, 4, 5, 6})), in("P", i64({2}, {1, -1})), in("V", Tensor::scalar<float>(9)),
                             in("A", i64({1}, {-1}))});
  expect_values<float>(out[0], {2, 3}, {9, 1, 2, 9, 4, 5});
}

TEST(Pad, negative_pads_crop_before_wrap_edge_and_reflect_like_ort) {
  const Tensor x = f32({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  auto out = run_node("Pad", 19, {in("X", x), in("P", i64({4}, {0, -1, 0, 2}))}, {attr_string("mode", "wrap")});
  expect_values<float>(out[0], {2, 5}, {1, 2, 3, 1, 2, 5, 6, 7, 5, 6});
  out = run_node("Pad", 19, {in("X", x), in("P", i64({4}, {0, 2, 0, -1}))}, {attr_string("mode", "edge")});
  expect_values<float>(out[0], {2, 5}, {0, 0, 0, 1, 2, 4, 4, 4, 5, 6});
  out = run_node("Pad", 19, {in("X", x), in("P", i64({4}, {0, 2, 0, -1}))}, {attr_string("mode", "reflect")});
  expect_values<float>(out[0], {2, 5}, {2, 1, 0, 1, 2, 6, 5, 4, 5, 6});
  // ORT rejects an axis that cropping empties in the non-constant modes.
  expect_error([] { run_node("Pad", 19, {in("X", Tensor::zeros(DType::Float, {3, 2})), in("P", i64({4}, {0, -2, 0, 0}))}, {attr_string("mode", "edge")}); },
               ErrorKind::BadInput, "after cropping");
}

TEST(Pad, attributes_in_opset2) {
  auto out = run_node("Pad", 2, {in("X", f32({2, 3}, {1, 2, 3, 4, 5, 6}))}, {attr_ints("pads", {0, 1, 0, 1}), attr_float("value", 2)});
  expect_values<float>(out[0], {2, 5}, {2, 1, 2, 3, 2, 2, 4, 5, 6, 2});
}

TEST(Pad, rejects_reflect_beyond_size_and_edge_of_empty_axis) {
  expect_error([] { run_node("Pad", 18, {in("X", f32({3}, {1, 2, 3})), in("P", i64({2}, {4, 4}))}, {attr_string("mode", "reflect")}); },
               ErrorKind::BadInput, "reflect");
  expect_error([] { run_node("Pad", 18, {in("X", Tensor::zeros(DType::Float, {0, 3})), in("P", i64({4}, {1, 0, 1, 0}))}, {attr_string("mode", "edge")}); },
               ErrorKind::BadInput, "size 0");
  expect_error([] { run_node("Pad", 18, {in("X", f32({3}, {1, 2, 3})), in("P", i64({2}, {1, 1}))}, {attr_string("mode", "wrap")}); },
               ErrorKind::BadModel, "mode");
}

TEST(Range, repeated_addition_like_ort) {
  auto out = run_node("Range", 11, {in("S", Tensor::scalar<float>(0.1f)), in("L", Tensor::scalar<float>(1.0f)), in("D", Tensor::scalar<float>(0.1f))});
  // Bit-exact ORT floats (0.1f added repeatedly).
  expect_values<float>(out[0], {9}, {0.1f, 0.2f, 0.30000001192092896f, 0.4000000059604645f, 0.5f, 0.6000000238418579f,
                                     0.7000000476837158f, 0.8000000715255737f, 0.9000000953674316f});
  out = run_node("Range", 11, {in("S", Tensor::scalar<int32_t>(10)), in("L", Tensor::scalar<int32_t>(1)), in("D", Tensor::scalar<int32_t>(-3))});
  expect_values<int32_t>(out[0], {3}, {10, 7, 4});
  expect_error([] { run_node("Range", 11, {in("S", Tensor::scalar<int32_t>(0)), in("L", Tensor::scalar<int32_t>(1)), in("D", Tensor::scalar<int32_t>(0))}); },
               ErrorKind::BadInput, "zero");
}

TEST(OneHot, negative_indices_count_from_depth_and_out_of_range_is_off) {
  auto out = run_node("OneHot", 9, {in("X", i64({4}, {0, -1, 3, 5})), in("D", Tensor::scalar<int64_t>(4)), in("V", f32({2}, {0, 1}))});
  expect_values<float>(out[0], {4, 4}, {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0});
  out = run_node("OneHot", 11, {in("X", i64({3}, {1, 0, 2})), in("D", Tensor::scalar<int64_t>(3)), in("V", i64({2}, {5, 7}))},
                 {attr_int("axis", 0)});
  expect_values<int64_t>(out[0], {3, 3}, {5, 7, 5, 7, 5, 5, 5, 5, 7});
  // Float indices and depth are truncated (ORT).
  out = run_node("OneHot", 11, {in("X", f32({4}, {0, -1, 2.7f, 5})), in("D", f32({1}, {4.5f})), in("V", f32({2}, {0, 1}))},
                 {attr_int("axis", 0)});
  expect_values<float>(out[0], {4, 4}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0});
}

TEST(NonZero, coordinates_in_row_major_order) {
  auto out = run_node("NonZero", 13, {in("X", Tensor::from_vector<bool>({2, 3}, {true, false, true, false, true, true}))});
  expect_values<int64_t>(out[0], {2, 4}, {0, 0, 1, 1, 0, 2, 1, 2});
  out = run_node("NonZero", 13, {in("X", Tensor::scalar<float>(3))});
  expect_values<int64_t>(out[0], {1, 1}, {0});
}

TEST(CumSum, exclusive_and_reverse) {
  auto out = run_node("CumSum", 14, {in("X", f32({4}, {1, 2, 3, 4})), in("A", Tensor::scalar<int32_t>(0))},
                      {attr_int("exclusive", 1), attr_int("reverse", 1)});
  expect_values<float>(out[0], {4}, {9, 7, 4, 0});
  out = run_node("CumSum", 14, {in("X", f32({2, 3}, {1, 2, 3, 4, 5, 6})), in("A", i64({1}, {1}))}, {attr_int("reverse", 1)});
  expect_values<float>(out[0], {2, 3}, {6, 5, 3, 15, 11, 6});
  out = run_node("CumSum", 11, {in("X", i32({2, 3}, {0, 1, 2, 3, 4, 5})), in("A", Tensor::scalar<int64_t>(-1))});
  expect_values<int32_t>(out[0], {2, 3}, {0, 1, 3, 3, 7, 12});
  expect_error([] { run_node("CumSum", 14, {in("X", f32({4}, {1, 2, 3, 4})), in("A", Tensor::scalar<int64_t>(1))}); }, ErrorKind::BadInput,
               "out of range");
}

TEST(Trilu, upper_and_lower_with_k) {
  auto out = run_node("Trilu", 14, {in("X", f32({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})), in("K", Tensor::scalar<int64_t>(-1))},
                      {attr_int("upper", 0)});
  expect_values<float>(out[0], {3, 3}, {0, 0, 0, 4, 0, 0, 7, 8, 0});
  out = run_node("Trilu", 14, {in("X", i64({3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})), in("K", Tensor::scalar<int64_t>(1))});
  expect_values<int64_t>(out[0], {3, 4}, {0, 2, 3, 4, 0, 0, 7, 8, 0, 0, 0, 12});
}

}  // namespace
}  // namespace onnxfn
