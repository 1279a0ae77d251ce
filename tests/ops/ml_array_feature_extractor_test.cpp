// ai.onnx.ml ArrayFeatureExtractor: selection along the last axis for numbers and strings, the
// [1, k] shape of 1-D input, multi-dimensional indices, and index errors.
// Expected values come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("ArrayFeatureExtractor", ["X", "I"], ["Z"], domain="ai.onnx.ml"), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(ArrayFeatureExtractor, selects_string_columns_in_index_order) {
  auto out = run_ml("ArrayFeatureExtractor", {},
                    {{"X", strings({2, 3}, {"a", "b", "c", "d", "e", "f"})}, {"I", int64s({3}, {2, 0, 2})}});
  expect_values<std::string>(out[0], {2, 3}, {"c", "a", "c", "f", "d", "f"});
}

TEST(ArrayFeatureExtractor, one_dimensional_input_gives_a_row) {
  auto out = run_ml("ArrayFeatureExtractor", {}, {{"X", floats({3}, {1, 2, 3})}, {"I", int64s({1}, {1})}});
  expect_floats(out[0], {1, 1}, {2});
}

TEST(ArrayFeatureExtractor, rank_three_input_with_two_dimensional_indices) {
  std::vector<int32_t> x(12);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int32_t>(i);
  auto out = run_ml("ArrayFeatureExtractor", {},
                    {{"X", Tensor::from_vector<int32_t>({2, 2, 3}, x)}, {"I", int64s({2, 1}, {2, 1})}});
  // The last axis is replaced by the number of indices.
  expect_values<int32_t>(out[0], {2, 2, 2}, {2, 1, 5, 4, 8, 7, 11, 10});
}

TEST(ArrayFeatureExtractor, rejects_out_of_range_negative_and_missing_indices) {
  const Tensor x = Tensor::from_vector<double>({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_error([&] { run_ml("ArrayFeatureExtractor", {}, {{"X", x}, {"I", int64s({1}, {3})}}); }, ErrorKind::BadInput,
               "Y[0] = 3 is out of range [0, 3)");
  expect_error([&] { run_ml("ArrayFeatureExtractor", {}, {{"X", x}, {"I", int64s({1}, {-1})}}); }, ErrorKind::BadInput,
               "out of range");
  expect_error([&] { run_ml("ArrayFeatureExtractor", {}, {{"X", x}, {"I", int64s({0}, {})}}); }, ErrorKind::BadInput,
               "no indices");
}

}  // namespace
}  // namespace onnxfn
