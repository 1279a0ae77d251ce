// ai.onnx.ml Scaler: (X - offset) * scale per feature or with one value, integer and double
// inputs, ORT's flat-index feature mapping for rank 3, and errors.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("Scaler", ["X"], ["Y"], domain="ai.onnx.ml", offset=..., scale=...), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(Scaler, subtracts_offset_then_multiplies_by_scale_per_feature) {
  auto out = run_ml("Scaler", {attr_floats("offset", {1, 2, 3}), attr_floats("scale", {0.5f, 2, -1})},
                    {{"X", floats({3, 3}, {1, -2, 3, 0, 0, 0, -1, -4, -2})}});
  expect_floats(out[0], {3, 3}, {0, -8, -0.0f, -0.5f, -4, 3, -1, -12, 5});
}

TEST(Scaler, single_offset_and_scale_apply_to_every_element_of_int64_input) {
  auto out = run_ml("Scaler", {attr_floats("offset", {1.5f}), attr_floats("scale", {0.5f})},
                    {{"X", int64s({3, 3}, {1, -2, 3, 0, 0, 0, -1, -4, -2})}});
  expect_floats(out[0], {3, 3}, {-0.25f, -1.75f, 0.75f, -0.75f, -0.75f, -0.75f, -1.25f, -2.75f, -1.75f});
}

TEST(Scaler, double_input_is_computed_in_double) {
  auto out = run_ml("Scaler", {attr_floats("offset", {0.1f, 0.2f, 0.3f}), attr_floats("scale", {3, 7, 11})},
                    {{"X", Tensor::from_vector<double>({1, 3}, {1.123456789, 2.5, -3.75})}});
  expect_floats(out[0], {1, 3}, {3.07037044f, 16.1000004f, -44.5499992f});
}

TEST(Scaler, rank_three_input_indexes_features_by_flat_index_like_ort) {
  std::vector<float> x(8);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  auto out = run_ml("Scaler", {attr_floats("offset", {0, 10}), attr_floats("scale", {1, 1})}, {{"X", floats({2, 2, 2}, x)}});
  expect_floats(out[0], {2, 2, 2}, {0, -9, 2, -7, 4, -5, 6, -3});
}

TEST(Scaler, rejects_mismatched_attribute_lengths) {
  expect_error([] { run_ml("Scaler", {attr_floats("scale", {1, 2, 3})}, {{"X", floats({1, 3}, {1, 2, 3})}}); },
               ErrorKind::BadModel, "same length");
  expect_error([] { run_ml("Scaler", {attr_floats("offset", {1, 2, 3})}, {{"X", floats({1, 3}, {1, 2, 3})}}); },
               ErrorKind::BadModel, "'scale' is missing");
  expect_error([] {
    run_ml("Scaler", {attr_floats("offset", {1, 2}), attr_floats("scale", {1, 2})}, {{"X", floats({1, 3}, {1, 2, 3})}});
  }, ErrorKind::BadInput, "expected the feature count (3) or 1");
}

}  // namespace
}  // namespace onnxfn
