// ai.onnx.ml Binarizer: 1 above the threshold (default 0), NaN rejected as ORT does, other element
// types kept.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("Binarizer", ["X"], ["Y"], domain="ai.onnx.ml", threshold=...), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(Binarizer, compares_against_the_default_threshold_zero) {
  auto out = run_ml("Binarizer", {}, {{"X", floats({1, 4}, {0.5f, 1, 1.5f, -1})}});
  expect_floats(out[0], {1, 4}, {1, 1, 1, 0});
}

TEST(Binarizer, values_equal_to_the_threshold_become_zero) {
  auto out = run_ml("Binarizer", {attr_float("threshold", 1)}, {{"X", floats({1, 4}, {0.5f, 1, 1.5f, -1})}});
  expect_floats(out[0], {1, 4}, {0, 0, 1, 0});
}

TEST(Binarizer, keeps_double_and_integer_element_types) {
  // ORT implements float only; the spec also allows double, int64 and int32.
  auto d = run_ml("Binarizer", {attr_float("threshold", 0.25f)}, {{"X", Tensor::from_vector<double>({3}, {0.25, 0.3, -2})}});
  expect_values<double>(d[0], {3}, {0, 1, 0});
  auto i = run_ml("Binarizer", {attr_float("threshold", 1.5f)}, {{"X", int64s({3}, {1, 2, 3})}});
  expect_values<int64_t>(i[0], {3}, {0, 1, 1});
}

TEST(Binarizer, rejects_nan_input) {
  expect_error([] { run_ml("Binarizer", {}, {{"X", floats({2}, {1, kNaN})}}); }, ErrorKind::BadInput, "NaN at index 1");
}

}  // namespace
}  // namespace onnxfn
