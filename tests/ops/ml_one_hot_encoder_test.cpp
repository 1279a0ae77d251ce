// ai.onnx.ml OneHotEncoder: int64 and string categories, numbers truncated to int64 (NaN and
// out-of-range values as INT64_MIN, as ORT on x86-64), unknown categories with zeros = 1 or 0.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("OneHotEncoder", ["X"], ["Y"], domain="ai.onnx.ml", **attrs), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(OneHotEncoder, appends_a_category_axis_for_strings) {
  auto out = run_ml("OneHotEncoder", {attr_strings("cats_strings", {"a", "b", "c"})}, {{"X", strings({2, 2}, {"a", "z", "c", "b"})}});
  // "z" is unknown: an all-zero vector (zeros defaults to 1).
  expect_floats(out[0], {2, 2, 3}, {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0});
}

TEST(OneHotEncoder, truncates_floats_and_maps_a_repeated_category_to_its_last_position) {
  auto out = run_ml("OneHotEncoder", {attr_ints("cats_int64s", {1, 2, 1})}, {{"X", floats({2, 2}, {1.7f, 2, 3, -0.5f})}});
  expect_floats(out[0], {2, 2, 3}, {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0});
}

TEST(OneHotEncoder, nan_and_huge_numbers_become_int64_min) {
  auto out = run_ml("OneHotEncoder", {attr_ints("cats_int64s", {0, std::numeric_limits<int64_t>::min()})},
                    {{"X", Tensor::from_vector<double>({1, 2}, {std::nan(""), 1e30})}});
  expect_floats(out[0], {1, 2, 2}, {0, 1, 0, 1});
}

TEST(OneHotEncoder, int64_and_int32_inputs_look_up_cats_int64s) {
  expect_floats(run_ml("OneHotEncoder", {attr_ints("cats_int64s", {5, 7})}, {{"X", int64s({3}, {7, 5, 6})}})[0], {3, 2},
                {0, 1, 1, 0, 0, 0});
  expect_floats(run_ml("OneHotEncoder", {attr_ints("cats_int64s", {5, 7})}, {{"X", Tensor::from_vector<int32_t>({1}, {7})}})[0],
                {1, 2}, {0, 1});
}

TEST(OneHotEncoder, unknown_category_is_an_error_when_zeros_is_0) {
  const std::vector<Attribute> attrs = {attr_strings("cats_strings", {"a", "b"}), attr_int("zeros", 0)};
  expect_floats(run_ml("OneHotEncoder", attrs, {{"X", strings({1, 2}, {"a", "b"})}})[0], {1, 2, 2}, {1, 0, 0, 1});
  expect_error([&] { run_ml("OneHotEncoder", attrs, {{"X", strings({1, 2}, {"a", "c"})}}); }, ErrorKind::BadInput,
               "not a known category");
}

TEST(OneHotEncoder, needs_exactly_one_category_list) {
  expect_error([] { run_ml("OneHotEncoder", {}, {{"X", int64s({1}, {1})}}); }, ErrorKind::BadModel, "exactly one of");
  expect_error([] {
    run_ml("OneHotEncoder", {attr_ints("cats_int64s", {1}), attr_strings("cats_strings", {"a"})}, {{"X", int64s({1}, {1})}});
  }, ErrorKind::BadModel, "exactly one of");
}

}  // namespace
}  // namespace onnxfn
