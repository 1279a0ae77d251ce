// Reductions: Reduce*, ArgMax/ArgMin, TopK, Softmax/LogSoftmax/Hardmax.
// Expected values come from ONNX Runtime 1.32 on one-node models built with onnx.helper, e.g.
//   node = helper.make_node("ReduceL2", ["X", "A"], ["Y"], keepdims=0)
//   sess = ort.InferenceSession(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]).SerializeToString())
#include "ops/tensor_test_helpers.h"

#include <limits>

namespace onnxfn {
namespace {

using namespace testing;

// [2, 2, 4]
Tensor sample() {
  return f32({2, 2, 4}, {1.5f, -2, 3, 0.25f, 4, 5, -6, 7, 0.5f, 1, -1, 2, 3, -3, 2, 9});
}

struct ReduceCase {
  const char* op;
  std::vector<double> axes02_keep;  // axes [0, 2], keepdims: shape [1, 2, 1]
  std::vector<double> axis1_drop;   // axes [1], keepdims 0: shape [2, 4]
};

TEST(Reduce, every_op_over_outer_and_inner_axes_opset18) {
  const std::vector<ReduceCase> cases = {
      {"ReduceSum", {5.25, 21.0}, {5.5, 3.0, -3.0, 7.25, 3.5, -2.0, 1.0, 11.0}},
      {"ReduceMean", {0.65625, 2.625}, {2.75, 1.5, -1.5, 3.625, 1.75, -1.0, 0.5, 5.5}},
      {"ReduceMax", {3.0, 9.0}, {4.0, 5.0, 3.0, 7.0, 3.0, 1.0, 2.0, 9.0}},
      {"ReduceMin", {-2.0, -6.0}, {1.5, -2.0, -6.0, 0.25, 0.5, -3.0, -1.0, 2.0}},
      {"ReduceProd", {2.25, 136080.0}, {6.0, -10.0, -18.0, 1.75, 1.5, -3.0, -2.0, 18.0}},
      {"ReduceSumSquare", {21.5625, 229.0}, {18.25, 29.0, 45.0, 49.0625, 9.25, 10.0, 5.0, 85.0}},
      {"ReduceL1", {11.25, 39.0}, {5.5, 7.0, 9.0, 7.25, 3.5, 4.0, 3.0, 11.0}},
      {"ReduceL2", {4.643543720245361, 15.132745742797852},
       {4.27200174331665, 5.385164737701416, 6.7082037925720215, 7.004462718963623, 3.041381359100342,
        3.1622776985168457, 2.2360680103302, 9.219544410705566}},
      {"ReduceLogSumExp", {3.6404905319213867, 9.151678085327148},
       {4.078889846801758, 5.000911235809326, 3.0001232624053955, 7.0011701583862305, 3.078889846801758,
        1.018149971961975, 2.0485873222351074, 9.000911712646484}},
  };
  for (const ReduceCase& c : cases) {
    SCOPED_TRACE(c.op);
    auto out = run_node(c.op, 18, {in("X", sample()), in("A", i64({2}, {0, 2}))});
    expect_close<float>(out[0], {1, 2, 1}, c.axes02_keep);
    out = run_node(c.op, 18, {in("X", sample()), init("A", i64({1}, {1}))}, {attr_int("keepdims", 0)});
    expect_close<float>(out[0], {2, 4}, c.axis1_drop);
  }
}

TEST(Reduce, log_sum_and_all_axes) {
  const Tensor x = sample();
  std::vector<float> v;
  for (float e : x.span<float>()) v.push_back(std::abs(e));
  auto out = run_node("ReduceLogSum", 18, {in("X", f32({2, 2, 4}, v)), in("A", i64({1}, {-1}))}, {attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2, 2}, {1.9095425605773926, 3.0910425186157227, 1.504077434539795, 2.8332133293151855});
  out = run_node("ReduceSum", 13, {in("X", sample())}, {attr_int("keepdims", 0)});
  expect_close<float>(out[0], {}, {26.25});
}

TEST(Reduce, axes_attribute_before_the_axes_input_version) {
  // ReduceMean takes axes as an input only from 18; ReduceSum from 13.
  auto out = run_node("ReduceMean", 13, {in("X", sample())}, {attr_ints("axes", {0, -1}), attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2}, {0.65625, 2.625});
  out = run_node("ReduceSum", 11, {in("X", sample())}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2, 4}, {5.5, 3.0, -3.0, 7.25, 3.5, -2.0, 1.0, 11.0});
}

TEST(Reduce, noop_with_empty_axes_still_maps_each_element) {
  const Tensor x = f32({2, 2}, {1, -2, 3, 4});
  auto out = run_node("ReduceSum", 13, {in("X", x), in("A", i64({0}, {}))}, {attr_int("noop_with_empty_axes", 1), attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2, 2}, {1, -2, 3, 4});
  // ORT: ReduceSumSquare squares and ReduceL2 takes |x| even when nothing is reduced.
  out = run_node("ReduceSumSquare", 18, {in("X", x)}, {attr_int("noop_with_empty_axes", 1)});
  expect_close<float>(out[0], {2, 2}, {1, 4, 9, 16});
  out = run_node("ReduceL2", 18, {in("X", x)}, {attr_int("noop_with_empty_axes", 1)});
  expect_close<float>(out[0], {2, 2}, {1, 2, 3, 4});
  out = run_node("ReduceSum", 13, {in("X", x), in("A", i64({0}, {}))}, {attr_int("keepdims", 0)});
  expect_close<float>(out[0], {}, {6});
}

TEST(Reduce, empty_reductions_give_identity_values) {
  const Tensor x = Tensor::zeros(DType::Float, {2, 0, 3});
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<const char*, double>> cases = {
      {"ReduceMax", -inf}, {"ReduceMin", inf}, {"ReduceSum", 0}, {"ReduceProd", 1},
      {"ReduceMean", 0},   {"ReduceLogSumExp", -inf}, {"ReduceLogSum", -inf}, {"ReduceL2", 0}};
  for (const auto& [op, value] : cases) {
    SCOPED_TRACE(op);
    auto out = run_node(op, 18, {in("X", x), init("A", i64({1}, {1}))});
    expect_close<float>(out[0], {2, 1, 3}, std::vector<double>(6, value));
  }
  auto out = run_node("ReduceMax", 18, {in("X", Tensor::zeros(DType::Int32, {2, 0})), init("A", i64({1}, {1}))}, {attr_int("keepdims", 0)});
  expect_values<int32_t>(out[0], {2}, {INT32_MIN, INT32_MIN});
}

TEST(Reduce, integers_truncate_like_ort) {
  const Tensor x = i64({2, 2}, {1, 2, 4, 4});
  auto out = run_node("ReduceMean", 13, {in("X", x)}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
  expect_values<int64_t>(out[0], {2}, {1, 4});
  out = run_node("ReduceL2", 13, {in("X", x)}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
  expect_values<int64_t>(out[0], {2}, {2, 5});
  out = run_node("ReduceLogSumExp", 13, {in("X", x)}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
  expect_values<int64_t>(out[0], {2}, {2, 4});
  out = run_node("ReduceMean", 13, {in("X", i32({2, 2}, {1, 2, 4, 4}))}, {attr_int("keepdims", 0)});
  expect_values<int32_t>(out[0], {}, {2});
}

TEST(Reduce, nan_and_infinity_handling_matches_ort) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  auto out = run_node("ReduceMax", 13, {in("X", f32({2, 2}, {1, nan, 4, 4}))}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2}, {1, 4});
  out = run_node("ReduceMin", 13, {in("X", f32({2, 2}, {nan, 1, 4, 4}))}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2}, {std::nan(""), 4});
  out = run_node("ReduceLogSumExp", 13, {in("X", f32({2, 2}, {-inf, -inf, inf, 4}))}, {attr_ints("axes", {1}), attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2}, {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()});
}

TEST(Reduce, bool_max_from_opset20_and_repeated_axes) {
  auto out = run_node("ReduceMax", 20, {in("X", Tensor::from_vector<bool>({2}, {true, false}))});
  expect_values<bool>(out[0], {1}, {true});
  out = run_node("ReduceSum", 13, {in("X", f32({2, 2}, {1, 2, 4, 4})), init("A", i64({2}, {1, 1}))}, {attr_int("keepdims", 0)});
  expect_close<float>(out[0], {2}, {3, 8});
}

TEST(Reduce, out_of_range_axis_is_bad_input) {
  expect_error([] { run_node("ReduceSum", 13, {in("X", f32({2, 2}, {1, 2, 4, 4})), in("A", i64({1}, {2}))}); }, ErrorKind::BadInput,
               "out of range");
  expect_error([] { run_node("ReduceSum", 13, {in("X", f32({1}, {1})), in("A", f32({1}, {0}))}); }, ErrorKind::BadInput, "int64");
}

TEST(Reduce, large_column_and_row_sums_use_threads_consistently) {
  // 300 x 500: column sums take the kept-inner path, row sums the contiguous path, in parallel.
  std::vector<float> v(300 * 500);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f - 0.5f;
  const Tensor x = f32({300, 500}, v);
  auto cols = run_node("ReduceSum", 13, {in("X", x), init("A", i64({1}, {0}))}, {attr_int("keepdims", 0)}, 1, 2);
  auto rows = run_node("ReduceSum", 13, {in("X", x), init("A", i64({1}, {1}))}, {attr_int("keepdims", 0)}, 1, 2);
  for (int64_t j = 0; j < 500; j += 37) {
    double s = 0;
    for (int64_t i = 0; i < 300; ++i) s += v[static_cast<size_t>(i * 500 + j)];
    EXPECT_NEAR(cols[0].data<float>()[j], s, 1e-4);
  }
  for (int64_t i = 0; i < 300; i += 29) {
    double s = 0;
    for (int64_t j = 0; j < 500; ++j) s += v[static_cast<size_t>(i * 500 + j)];
    EXPECT_NEAR(rows[0].data<float>()[i], s, 1e-4);
  }
}

TEST(ArgMax, axis_keepdims_and_select_last_index) {
  auto out = run_node("ArgMax", 13, {in("X", sample())}, {attr_int("axis", 1), attr_int("keepdims", 0)});
  expect_values<int64_t>(out[0], {2, 4}, {1, 1, 0, 1, 1, 0, 1, 1});
  out = run_node("ArgMin", 13, {in("X", sample())}, {attr_int("axis", -1)});
  expect_values<int64_t>(out[0], {2, 2, 1}, {1, 2, 2, 1});
  const Tensor ties = f32({2, 3}, {1, 3, 3, 2, 2, 1});
  out = run_node("ArgMax", 12, {in("X", ties)}, {attr_int("axis", 1), attr_int("select_last_index", 1)});
  expect_values<int64_t>(out[0], {2, 1}, {2, 1});
  out = run_node("ArgMax", 12, {in("X", ties)}, {attr_int("axis", 1)});
  expect_values<int64_t>(out[0], {2, 1}, {1, 0});
  // select_last_index does not exist before opset 12.
  out = run_node("ArgMax", 11, {in("X", ties)}, {attr_int("axis", 1), attr_int("select_last_index", 1)});
  expect_values<int64_t>(out[0], {2, 1}, {1, 0});
}

TEST(ArgMax, nan_wins_only_when_first_and_empty_axis_fails) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  expect_values<int64_t>(run_node("ArgMax", 12, {in("X", f32({4}, {1, nan, 0, 2}))})[0], {1}, {3});
  expect_values<int64_t>(run_node("ArgMax", 12, {in("X", f32({4}, {nan, 1, 0, 2}))})[0], {1}, {0});
  expect_values<int64_t>(run_node("ArgMin", 12, {in("X", f32({4}, {1, nan, 0, 2}))})[0], {1}, {2});
  expect_error([] { run_node("ArgMax", 13, {in("X", Tensor::zeros(DType::Float, {2, 0}))}, {attr_int("axis", 1)}); },
               ErrorKind::BadInput, "empty axis");
}

struct TopKCase {
  int64_t k;
  bool largest, sorted;
  std::vector<float> values;
  std::vector<int64_t> indices;
};

TEST(TopK, matches_ort_for_scan_heap_and_selection_paths) {
  const Tensor x = f32({12}, {5, 1, 9, 9, 3, 7, 2, 9, 0, 4, 8, 6});
  const std::vector<TopKCase> cases = {
      {1, true, true, {9}, {2}},
      {1, false, true, {0}, {8}},
      {2, true, true, {9, 9}, {2, 3}},
      {2, true, false, {9, 9}, {3, 2}},
      {3, false, false, {2, 1, 0}, {6, 1, 8}},
      {5, true, true, {9, 9, 9, 8, 7}, {2, 3, 7, 10, 5}},
      {5, true, false, {7, 8, 9, 9, 9}, {5, 10, 2, 3, 7}},
      {5, false, false, {4, 3, 2, 1, 0}, {9, 4, 6, 1, 8}},
      {12, true, true, {9, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, {2, 3, 7, 10, 5, 11, 0, 9, 4, 6, 1, 8}},
      {12, true, false, {2, 6, 9, 9, 3, 7, 5, 9, 8, 4, 1, 0}, {6, 11, 2, 3, 4, 5, 0, 7, 10, 9, 1, 8}},
      {12, false, false, {2, 1, 0, 6, 3, 4, 5, 9, 8, 7, 9, 9}, {6, 1, 8, 11, 4, 9, 0, 2, 10, 5, 3, 7}},
  };
  for (const TopKCase& c : cases) {
    SCOPED_TRACE("k=" + std::to_string(c.k) + " largest=" + std::to_string(c.largest) + " sorted=" + std::to_string(c.sorted));
    auto out = run_node("TopK", 11, {in("X", x), in("K", i64({1}, {c.k}))},
                        {attr_int("largest", c.largest), attr_int("sorted", c.sorted)}, 2);
    expect_values<float>(out[0], {c.k}, c.values);
    expect_values<int64_t>(out[1], {c.k}, c.indices);
  }
}

TEST(TopK, axis_ties_nan_and_int64) {
  auto out = run_node("TopK", 11, {in("X", f32({2, 5}, {3, 1, 3, 2, 1, 5, 4, 3, 2, 1})), in("K", i64({1}, {1}))}, {attr_int("axis", 0)}, 2);
  expect_values<float>(out[0], {1, 5}, {5, 4, 3, 2, 1});
  expect_values<int64_t>(out[1], {1, 5}, {1, 1, 0, 0, 0});
  out = run_node("TopK", 11, {in("X", f32({5}, {3, std::numeric_limits<float>::quiet_NaN(), 3, 2, 1})), in("K", i64({1}, {2}))}, {}, 2);
  EXPECT_TRUE(std::isnan(out[0].data<float>()[0]));
  expect_values<int64_t>(out[1], {2}, {1, 0});
  out = run_node("TopK", 11, {in("X", i64({1, 10}, {4, 4, 1, 7, 7, 0, 2, 9, 9, 9})), in("K", i64({1}, {6}))},
                 {attr_int("axis", 1), attr_int("sorted", 0)}, 2);
  expect_values<int64_t>(out[0], {1, 6}, {7, 9, 9, 9, 7, 4});
  expect_values<int64_t>(out[1], {1, 6}, {3, 7, 9, 8, 4, 0});
}

TEST(TopK, nan_ranks_above_every_number_like_ort) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = f32({16}, {1, 2, nan, nan, 5, 0, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7});
  struct Case {
    int64_t k;
    bool largest, sorted;
    std::vector<int64_t> indices;
  };
  const std::vector<Case> cases = {
      {1, true, true, {2}},
      {2, true, true, {2, 3}},
      {2, false, false, {0, 5}},
      {3, true, false, {8, 3, 2}},
      {16, true, false, {15, 8, 2, 3, 7, 6, 11, 4, 14, 13, 12, 0, 10, 1, 9, 5}},
      {16, false, true, {5, 0, 9, 1, 10, 11, 12, 4, 13, 14, 6, 15, 7, 8, 2, 3}},
      {16, false, false, {15, 1, 0, 14, 4, 5, 6, 13, 12, 9, 10, 11, 2, 7, 8, 3}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("k=" + std::to_string(c.k) + " largest=" + std::to_string(c.largest) + " sorted=" + std::to_string(c.sorted));
    auto out = run_node("TopK", 11, {in("X", x), in("K", i64({1}, {c.k}))}, {attr_int("largest", c.largest), attr_int("sorted", c.sorted)}, 2);
    expect_values<int64_t>(out[1], {c.k}, c.indices);
  }
}

TEST(TopK, k_attribute_in_opset1_and_errors) {
  auto out = run_node("TopK", 1, {in("X", f32({1, 5}, {3, 1, 3, 2, 1}))}, {attr_int("k", 2)}, 2);
  expect_values<float>(out[0], {1, 2}, {3, 3});
  expect_values<int64_t>(out[1], {1, 2}, {0, 2});
  expect_error([] { run_node("TopK", 11, {in("X", f32({3}, {1, 2, 3})), in("K", i64({1}, {4}))}, {}, 2); }, ErrorKind::BadInput, "larger");
  expect_error([] { run_node("TopK", 11, {in("X", f32({3}, {1, 2, 3})), in("K", i64({1}, {-1}))}, {}, 2); }, ErrorKind::BadInput,
               "negative");
  expect_error([] { run_node("TopK", 1, {in("X", f32({3}, {1, 2, 3}))}, {}, 2); }, ErrorKind::BadModel, "'k'");
  out = run_node("TopK", 11, {in("X", f32({3}, {1, 2, 3})), in("K", i64({1}, {0}))}, {}, 2);
  EXPECT_EQ(out[0].shape(), (Shape{0}));
}

Tensor softmax_input() { return f32({2, 2, 3}, {1, 2, 3, 4, 5, 6, 0, 0, 1, -1, 2, 2}); }

TEST(Softmax, opset11_coerces_to_2d_but_opset13_uses_one_axis) {
  auto out = run_node("Softmax", 11, {in("X", softmax_input())}, {attr_int("axis", 1)});
  expect_close<float>(out[0], {2, 2, 3},
                      {0.00426977826282382, 0.011606461368501186, 0.03154963254928589, 0.08576079457998276, 0.23312200605869293,
                       0.6336913108825684, 0.05034163221716881, 0.05034163221716881, 0.136842742562294, 0.018519651144742966,
                       0.37197715044021606, 0.37197715044021606});
  out = run_node("Softmax", 13, {in("X", softmax_input())}, {attr_int("axis", 1)});
  expect_close<float>(out[0], {2, 2, 3},
                      {0.04742587357759476, 0.04742587357759476, 0.04742587357759476, 0.9525741338729858, 0.9525741338729858,
                       0.9525741338729858, 0.7310585975646973, 0.11920291185379028, 0.2689414322376251, 0.2689414322376251,
                       0.8807970285415649, 0.7310585975646973});
  out = run_node("Softmax", 13, {in("X", softmax_input())});
  expect_close<float>(out[0], {2, 2, 3},
                      {0.09003057330846786, 0.2447284758090973, 0.6652409434318542, 0.09003057330846786, 0.2447284758090973,
                       0.6652409434318542, 0.21194155514240265, 0.21194155514240265, 0.5761168599128723, 0.024288896471261978,
                       0.48785555362701416, 0.48785555362701416});
}

TEST(Softmax, large_double_values_are_stable) {
  auto out = run_node("Softmax", 13, {in("X", Tensor::from_vector<double>({3}, {1000, 1001, 999}))});
  expect_close<double>(out[0], {3}, {0.2447284710547976, 0.6652409557748218, 0.09003057317038046}, 1e-12);
}

TEST(LogSoftmax, opset11_and_opset13_axes) {
  auto out = run_node("LogSoftmax", 11, {in("X", softmax_input())}, {attr_int("axis", 1)});
  expect_close<float>(out[0], {2, 2, 3},
                      {-5.456193447113037, -4.456193447113037, -3.456193447113037, -2.456193447113037, -1.4561933279037476,
                       -0.45619332790374756, -2.9889228343963623, -2.9889228343963623, -1.9889228343963623, -3.9889228343963623,
                       -0.9889228343963623, -0.9889228343963623});
  out = run_node("LogSoftmax", 13, {in("X", softmax_input())}, {attr_int("axis", 0)});
  expect_close<float>(out[0], {2, 2, 3},
                      {-0.31326165795326233, -0.12692804634571075, -0.12692804634571075, -0.006715348921716213, -0.04858732968568802,
                       -0.018149960786104202, -1.31326162815094, -2.1269280910491943, -2.1269280910491943, -5.006715297698975,
                       -3.0485873222351074, -4.0181498527526855});
}

TEST(Hardmax, first_maximum_per_version_semantics) {
  auto out = run_node("Hardmax", 11, {in("X", softmax_input())}, {attr_int("axis", 1)});
  expect_values<float>(out[0], {2, 2, 3}, {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0});
  out = run_node("Hardmax", 13, {in("X", softmax_input())}, {attr_int("axis", 1)});
  expect_values<float>(out[0], {2, 2, 3}, {0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1});
}

TEST(Softmax, rejects_scalar_bad_axis_and_integers) {
  expect_error([] { run_node("Softmax", 13, {in("X", Tensor::scalar<float>(2))}); }, ErrorKind::BadInput, "rank 1");
  expect_error([] { run_node("Softmax", 13, {in("X", softmax_input())}, {attr_int("axis", 3)}); }, ErrorKind::BadInput, "out of range");
  expect_error([] { run_node("Softmax", 13, {in("X", i64({2}, {1, 2}))}); }, ErrorKind::BadInput, "float or double");
}

}  // namespace
}  // namespace onnxfn
