// ai.onnx.ml CategoryMapper: strings to int64 and back through paired lists, defaults, repeats.
// Expected values come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("CategoryMapper", ["X"], ["Y"], domain="ai.onnx.ml", **attrs), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(CategoryMapper, maps_strings_to_ints_with_the_last_pair_winning) {
  auto out = run_ml("CategoryMapper", {attr_strings("cats_strings", {"a", "b", "a"}), attr_ints("cats_int64s", {1, 2, 3})},
                    {{"X", strings({2, 2}, {"a", "b", "zz", ""})}});
  expect_values<int64_t>(out[0], {2, 2}, {3, 2, -1, -1});
}

TEST(CategoryMapper, maps_ints_to_strings_with_default_string) {
  auto out = run_ml("CategoryMapper",
                    {attr_strings("cats_strings", {"a", "b", "c"}), attr_ints("cats_int64s", {0, 2, 0}), attr_string("default_string", "D")},
                    {{"X", int64s({4}, {0, 2, 5, -1})}});
  expect_values<std::string>(out[0], {4}, {"c", "b", "D", "D"});
}

TEST(CategoryMapper, rejects_lists_of_different_lengths_and_other_input_types) {
  expect_error([] {
    run_ml("CategoryMapper", {attr_strings("cats_strings", {"a", "b"}), attr_ints("cats_int64s", {1})}, {{"X", int64s({1}, {1})}});
  }, ErrorKind::BadModel, "same length");
  expect_error([] {
    run_ml("CategoryMapper", {attr_strings("cats_strings", {"a"}), attr_ints("cats_int64s", {1})}, {{"X", floats({1}, {1})}});
  }, ErrorKind::BadInput, "expected string or int64");
}

}  // namespace
}  // namespace onnxfn
