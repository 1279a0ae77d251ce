// ai.onnx.ml LabelEncoder versions 1, 2 and 4: string <-> index (v1), key/value lists with
// per-type defaults (v2), tensor attributes, default_tensor, double/int16 and NaN keys (v4).
// Expected values come from ONNX Runtime 1.32 on the same one-node models (onnx.helper.make_node
// ("LabelEncoder", ["X"], ["Y"], domain="ai.onnx.ml", **attrs) with ai.onnx.ml opset 1, 2 or 4,
// onnxruntime.InferenceSession).
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

const Tensor kStrings = strings({4}, {"a", "b", "zz", ""});
const Tensor kFloats = floats({4}, {1, kNaN, 2, -0.0f});

Attribute tensor_attr(const std::string& name, Tensor t) { return attr_tensor(name, std::move(t)); }

TEST(LabelEncoder, v1_maps_strings_to_their_last_index) {
  auto out = run_ml("LabelEncoder", {attr_strings("classes_strings", {"a", "b", "a"})}, {{"X", kStrings}}, 1, 1);
  expect_values<int64_t>(out[0], {4}, {2, 1, -1, -1});
}

TEST(LabelEncoder, v1_maps_indices_to_strings_with_the_default_for_unknown_ones) {
  auto out = run_ml("LabelEncoder", {attr_strings("classes_strings", {"a", "b", "a"}), attr_string("default_string", "?")},
                    {{"X", int64s({4}, {0, 2, 5, -1})}}, 1, 1);
  expect_values<std::string>(out[0], {4}, {"a", "a", "?", "?"});
}

TEST(LabelEncoder, v2_float_keys_never_match_nan_but_match_negative_zero) {
  auto out = run_ml("LabelEncoder",
                    {attr_floats("keys_floats", {1, kNaN, 1, 0}), attr_strings("values_strings", {"a", "n", "b", "z"})},
                    {{"X", kFloats}}, 1, 2);
  // A repeated key keeps its first value.
  expect_values<std::string>(out[0], {4}, {"a", "_Unused", "_Unused", "z"});
}

TEST(LabelEncoder, v4_float_keys_match_nan) {
  auto out = run_ml("LabelEncoder",
                    {attr_floats("keys_floats", {1, kNaN, 1, 0}), attr_strings("values_strings", {"a", "n", "b", "z"})},
                    {{"X", kFloats}}, 1, 4);
  expect_values<std::string>(out[0], {4}, {"a", "n", "_Unused", "z"});
}

TEST(LabelEncoder, defaults_depend_on_the_value_type) {
  for (int64_t opset : {2, 3, 4}) {
    SCOPED_TRACE(opset);
    auto f = run_ml("LabelEncoder", {attr_strings("keys_strings", {"a", "b"}), attr_floats("values_floats", {2.5f, 3.5f})},
                    {{"X", kStrings}}, 1, opset);
    expect_floats(f[0], {4}, {2.5f, 3.5f, -0.0f, -0.0f});
    EXPECT_TRUE(std::signbit(f[0].tensor().data<float>()[2]));
    auto i = run_ml("LabelEncoder", {attr_ints("keys_int64s", {0, 2, 0}), attr_ints("values_int64s", {7, 8, 9})},
                    {{"X", int64s({2, 2}, {0, 2, 5, -1})}}, 1, opset);
    expect_values<int64_t>(i[0], {2, 2}, {7, 8, -1, -1});
    auto s = run_ml("LabelEncoder",
                    {attr_strings("keys_strings", {"a", "b"}), attr_strings("values_strings", {"x", "y"}), attr_string("default_string", "D")},
                    {{"X", kStrings}}, 1, opset);
    expect_values<std::string>(s[0], {4}, {"x", "y", "D", "D"});
    auto fi = run_ml("LabelEncoder", {attr_floats("keys_floats", {1, 0}), attr_ints("values_int64s", {4, 5})}, {{"X", kFloats}}, 1, opset);
    expect_values<int64_t>(fi[0], {4}, {4, -1, -1, 5});
  }
}

TEST(LabelEncoder, v4_reads_tensor_attributes_and_default_tensor) {
  auto out = run_ml("LabelEncoder",
                    {tensor_attr("keys_tensor", Tensor::from_vector<double>({2}, {1.5, std::nan("")})),
                     tensor_attr("values_tensor", Tensor::from_vector<double>({2}, {10, 20})),
                     tensor_attr("default_tensor", Tensor::from_vector<double>({1}, {-7}))},
                    {{"X", Tensor::from_vector<double>({3}, {1.5, 3.0, std::nan("")})}}, 1, 4);
  expect_values<double>(out[0], {3}, {10, -7, 20});
  auto i = run_ml("LabelEncoder",
                  {attr_strings("keys_strings", {"a", "b"}), attr_ints("values_int64s", {1, 2}),
                   tensor_attr("default_tensor", int64s({1}, {42}))},
                  {{"X", kStrings}}, 1, 4);
  expect_values<int64_t>(i[0], {4}, {1, 2, 42, 42});
}

TEST(LabelEncoder, v4_double_values_ignore_default_float_like_ort) {
  auto out = run_ml("LabelEncoder",
                    {tensor_attr("keys_tensor", Tensor::from_vector<double>({2}, {1.5, 2.5})),
                     tensor_attr("values_tensor", Tensor::from_vector<double>({2}, {10, 20})), attr_float("default_float", 3)},
                    {{"X", Tensor::from_vector<double>({3}, {1.5, 3.0, 2.5})}}, 1, 4);
  expect_values<double>(out[0], {3}, {10, -0.0, 20});
}

TEST(LabelEncoder, v4_maps_strings_to_int16) {
  auto out = run_ml("LabelEncoder",
                    {attr_strings("keys_strings", {"a", "b"}), tensor_attr("values_tensor", Tensor::from_vector<int16_t>({2}, {3, 4}))},
                    {{"X", kStrings}}, 1, 4);
  expect_values<int16_t>(out[0], {4}, {3, 4, -1, -1});
}

TEST(LabelEncoder, rejects_inconsistent_tables) {
  auto build = [](std::vector<Attribute> attrs, int64_t opset) {
    return [attrs, opset] { run_ml("LabelEncoder", attrs, {{"X", kStrings}}, 1, opset); };
  };
  expect_error(build({attr_strings("keys_strings", {"a", "b"}), attr_ints("values_int64s", {1})}, 2), ErrorKind::BadModel,
               "number of keys (2) and of values (1)");
  expect_error(build({attr_strings("keys_strings", {"a"}), tensor_attr("keys_tensor", strings({1}, {"b"})),
                      attr_ints("values_int64s", {1})}, 4),
               ErrorKind::BadModel, "only one of the keys_*");
  expect_error(build({attr_ints("values_int64s", {1})}, 2), ErrorKind::BadModel, "one of the keys_*");
  // keys_tensor does not exist before version 4.
  expect_error(build({tensor_attr("keys_tensor", strings({1}, {"b"})), attr_ints("values_int64s", {1})}, 2), ErrorKind::BadModel,
               "one of the keys_*");
  expect_error(build({attr_strings("keys_strings", {"a"}), attr_ints("values_int64s", {1}),
                      tensor_attr("default_tensor", floats({1}, {1}))}, 4),
               ErrorKind::BadModel, "value type int64");
  expect_error(build({attr_strings("keys_strings", {"a"}), attr_ints("values_int64s", {1}),
                      tensor_attr("default_tensor", int64s({}, {1}))}, 4),
               ErrorKind::BadModel, "1-D tensor of one value");
}

TEST(LabelEncoder, rejects_input_of_another_type_than_the_keys) {
  expect_error([] {
    run_ml("LabelEncoder", {attr_strings("keys_strings", {"a"}), attr_ints("values_int64s", {1})}, {{"X", int64s({1}, {1})}}, 1, 2);
  }, ErrorKind::BadInput, "the keys are string");
  expect_error([] { run_ml("LabelEncoder", {attr_strings("classes_strings", {"a"})}, {{"X", floats({1}, {1})}}, 1, 1); },
               ErrorKind::BadInput, "expected string or int64");
}

}  // namespace
}  // namespace onnxfn
