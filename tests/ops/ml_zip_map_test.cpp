// ai.onnx.ml ZipMap: one map per row from class label to score, keys sorted as ORT's std::map
// orders them, a repeated label keeping its last column, 1-D input, and errors.
// Expected values come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("ZipMap", ["X"], ["Z"], domain="ai.onnx.ml", classlabels_...=...), onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const Tensor kScores = floats({2, 3}, {0.1f, 0.9f, 0.3f, 0.5f, 0.2f, 0.7f});

TEST(ZipMap, int64_labels_give_one_sorted_map_per_row) {
  auto out = run_ml("ZipMap", {attr_ints("classlabels_int64s", {5, -1, 3})}, {{"X", kScores}});
  const Sequence& rows = out[0].sequence();
  ASSERT_EQ(rows.items.size(), 2u);
  expect_values<int64_t>(Value(rows.items[0].map().keys), {3}, {-1, 3, 5});
  expect_floats(Value(rows.items[0].map().values), {3}, {0.9f, 0.3f, 0.1f});
  expect_values<int64_t>(Value(rows.items[1].map().keys), {3}, {-1, 3, 5});
  expect_floats(Value(rows.items[1].map().values), {3}, {0.2f, 0.7f, 0.5f});
}

TEST(ZipMap, repeated_string_label_keeps_its_last_column) {
  auto out = run_ml("ZipMap", {attr_strings("classlabels_strings", {"b", "a", "b"})}, {{"X", kScores}});
  const Sequence& rows = out[0].sequence();
  ASSERT_EQ(rows.items.size(), 2u);
  expect_values<std::string>(Value(rows.items[0].map().keys), {2}, {"a", "b"});
  expect_floats(Value(rows.items[0].map().values), {2}, {0.9f, 0.3f});
  expect_floats(Value(rows.items[1].map().values), {2}, {0.2f, 0.7f});
}

TEST(ZipMap, one_dimensional_input_is_one_row_and_zero_rows_give_an_empty_sequence) {
  auto one = run_ml("ZipMap", {attr_ints("classlabels_int64s", {5, -1, 3})}, {{"X", floats({3}, {0.1f, 0.9f, 0.3f})}});
  ASSERT_EQ(one[0].sequence().items.size(), 1u);
  auto none = run_ml("ZipMap", {attr_ints("classlabels_int64s", {5, -1, 3})}, {{"X", floats({0, 3}, {})}});
  EXPECT_TRUE(none[0].sequence().items.empty());
}

TEST(ZipMap, rejects_column_count_mismatch_and_missing_labels) {
  expect_error([] { run_ml("ZipMap", {attr_ints("classlabels_int64s", {5, -1})}, {{"X", kScores}}); }, ErrorKind::BadInput,
               "3 columns but there are 2 class labels");
  expect_error([] { run_ml("ZipMap", {}, {{"X", kScores}}); }, ErrorKind::BadModel, "must be given");
  expect_error([] {
    run_ml("ZipMap", {attr_ints("classlabels_int64s", {1}), attr_strings("classlabels_strings", {"a"})}, {{"X", floats({1, 1}, {1})}});
  }, ErrorKind::BadModel, "only one of");
}

}  // namespace
}  // namespace onnxfn
