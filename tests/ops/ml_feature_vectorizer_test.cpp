// ai.onnx.ml FeatureVectorizer: concatenation with truncation and zero padding to inputdimensions,
// inputs of different element types, rank 1 and 3 inputs, and errors.
// Expected values come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("FeatureVectorizer", inputs, ["Y"], domain="ai.onnx.ml", inputdimensions=...)). ORT binds all
// inputs to one type; the mixed-type case follows the same layout.
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(FeatureVectorizer, truncates_and_pads_each_input_to_its_dimension) {
  auto out = run_ml("FeatureVectorizer", {attr_ints("inputdimensions", {2, 2, 2})},
                    {{"A", floats({2, 2}, {1, 2, 3, 4})}, {"B", int64s({2, 1}, {5, 6})},
                     {"C", Tensor::from_vector<double>({2, 3}, {7, 8, 9, 10, 11, 12})}});
  expect_floats(out[0], {2, 6}, {1, 2, 5, 0, 7, 8, 3, 4, 6, 0, 10, 11});
}

TEST(FeatureVectorizer, flattens_rank_three_rows_and_pads_one_dimensional_input) {
  auto a = run_ml("FeatureVectorizer", {attr_ints("inputdimensions", {4})},
                  {{"A", Tensor::from_vector<double>({2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7})}});
  expect_floats(a[0], {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  auto b = run_ml("FeatureVectorizer", {attr_ints("inputdimensions", {5})}, {{"A", Tensor::from_vector<int32_t>({3}, {1, 2, 3})}});
  expect_floats(b[0], {1, 5}, {1, 2, 3, 0, 0});
}

TEST(FeatureVectorizer, rejects_batch_size_mismatch_and_wrong_input_count) {
  expect_error([] {
    run_ml("FeatureVectorizer", {attr_ints("inputdimensions", {2, 1})},
           {{"A", floats({2, 2}, {1, 2, 3, 4})}, {"B", floats({1, 1}, {1})}});
  }, ErrorKind::BadInput, "same batch size");
  expect_error([] { run_ml("FeatureVectorizer", {attr_ints("inputdimensions", {2, 1})}, {{"A", floats({2, 2}, {1, 2, 3, 4})}}); },
               ErrorKind::BadModel, "the node has 1 inputs but 'inputdimensions' has 2 values");
  expect_error([] { run_ml("FeatureVectorizer", {}, {{"A", floats({1}, {1})}}); }, ErrorKind::BadModel, "inputdimensions");
  expect_error([] { run_ml("FeatureVectorizer", {attr_ints("inputdimensions", {1})}, {{"A", strings({1}, {"a"})}}); },
               ErrorKind::BadInput, "element type string");
}

}  // namespace
}  // namespace onnxfn
