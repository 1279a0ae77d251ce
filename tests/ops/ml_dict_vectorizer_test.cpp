// ai.onnx.ml DictVectorizer: a map to a dense row in vocabulary order (absent keys zero), int64
// and string vocabularies, the onnxfn sequence-of-maps batch, and errors.
// The string->float case was checked against ONNX Runtime 1.32 (onnx.helper.make_node(
// "DictVectorizer", ["X"], ["Y"], domain="ai.onnx.ml", string_vocabulary=...) fed a Python dict).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

TEST(DictVectorizer, string_keys_fill_vocabulary_positions_and_repeats) {
  Value x(Map{strings({3}, {"a", "b", "z"}), floats({3}, {1.5f, 2, 3})});
  auto out = run_ml("DictVectorizer", {attr_strings("string_vocabulary", {"b", "a", "c", "a"})}, {{"X", x}});
  expect_floats(out[0], {1, 4}, {2, 1.5f, 0, 1.5f});
}

TEST(DictVectorizer, int64_keys_keep_the_value_type) {
  Value x(Map{int64s({2}, {1, 3}), strings({2}, {"x", "y"})});
  auto out = run_ml("DictVectorizer", {attr_ints("int64_vocabulary", {3, 1, 2})}, {{"X", x}});
  expect_values<std::string>(out[0], {1, 3}, {"y", "x", ""});
}

TEST(DictVectorizer, a_sequence_of_maps_gives_one_row_each) {
  Sequence rows;
  rows.items.emplace_back(Map{strings({1}, {"a"}), Tensor::from_vector<double>({1}, {1.5})});
  rows.items.emplace_back(Map{strings({2}, {"b", "a"}), Tensor::from_vector<double>({2}, {2, 3})});
  auto out = run_ml("DictVectorizer", {attr_strings("string_vocabulary", {"a", "b"})}, {{"X", Value(rows)}});
  expect_values<double>(out[0], {2, 2}, {1.5, 0, 3, 2});
}

TEST(DictVectorizer, rejects_keys_of_the_other_kind) {
  Value x(Map{int64s({1}, {1}), floats({1}, {1})});
  expect_error([&] { run_ml("DictVectorizer", {attr_strings("string_vocabulary", {"a"})}, {{"X", x}}); }, ErrorKind::BadInput,
               "int64 keys, the vocabulary is string");
  expect_error([&] {
    run_ml("DictVectorizer", {attr_strings("string_vocabulary", {"a"}), attr_ints("int64_vocabulary", {1})}, {{"X", x}});
  }, ErrorKind::BadModel, "only one of");
}

}  // namespace
}  // namespace onnxfn
