// ai.onnx.ml Normalizer: MAX, L1 and L2 row norms, zero rows passed through, integer and 1-D
// inputs, and errors.
// Expected numbers come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("Normalizer", ["X"], ["Y"], domain="ai.onnx.ml", norm=...), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const std::vector<float> kRows = {1, -2, 3, 0, 0, 0, -1, -4, -2};

TEST(Normalizer, max_divides_by_the_row_maximum_even_when_negative) {
  auto out = run_ml("Normalizer", {attr_string("norm", "MAX")}, {{"X", floats({3, 3}, kRows)}});
  expect_floats(out[0], {3, 3}, {0.333333343f, -0.666666687f, 1, 0, 0, 0, 1, 4, 2});
}

TEST(Normalizer, l1_divides_by_the_sum_of_absolute_values) {
  auto out = run_ml("Normalizer", {attr_string("norm", "L1")}, {{"X", floats({3, 3}, kRows)}});
  expect_floats(out[0], {3, 3}, {0.166666672f, -0.333333343f, 0.5f, 0, 0, 0, -0.142857149f, -0.571428597f, -0.285714298f});
}

TEST(Normalizer, l2_keeps_signs_for_float_and_integer_input) {
  const std::vector<float> want = {0.267261237f, -0.534522474f, 0.801783741f, 0, 0, 0, -0.218217894f, -0.872871578f, -0.436435789f};
  expect_floats(run_ml("Normalizer", {attr_string("norm", "L2")}, {{"X", floats({3, 3}, kRows)}})[0], {3, 3}, want);
  expect_floats(run_ml("Normalizer", {attr_string("norm", "L2")}, {{"X", int64s({3, 3}, {1, -2, 3, 0, 0, 0, -1, -4, -2})}})[0],
                {3, 3}, want);
}

TEST(Normalizer, one_dimensional_double_input_is_one_row) {
  auto out = run_ml("Normalizer", {attr_string("norm", "L1")}, {{"X", Tensor::from_vector<double>({3}, {1, -4, 3})}});
  expect_floats(out[0], {3}, {0.125f, -0.5f, 0.375f});
}

TEST(Normalizer, defaults_to_max) {
  auto out = run_ml("Normalizer", {}, {{"X", floats({1, 2}, {1, 4})}});
  expect_floats(out[0], {1, 2}, {0.25f, 1});
}

TEST(Normalizer, rejects_unknown_norms_and_rank_three_input) {
  expect_error([] { run_ml("Normalizer", {attr_string("norm", "L3")}, {{"X", floats({1, 2}, {1, 2})}}); }, ErrorKind::BadModel,
               "'norm' is 'L3'");
  expect_error([] { run_ml("Normalizer", {attr_string("norm", "L1")}, {{"X", floats({1, 1, 2}, {1, 2})}}); },
               ErrorKind::BadInput, "must be 1-D or 2-D");
}

}  // namespace
}  // namespace onnxfn
