// ai.onnx.ml CastMap: int64-keyed maps to a [1, n] row in key order (DENSE) or by key position
// up to max_map (SPARSE), cast to float, int64 or string with ORT's conversions and pad values.
// Float-valued cases were checked against ONNX Runtime 1.32 (onnx.helper.make_node("CastMap",
// ["X"], ["Y"], domain="ai.onnx.ml", ...) fed a Python dict); its Python binding cannot feed
// string-valued maps, so those follow ORT's std::stof / std::stoll / std::to_string code.
#include "ops/ml_test_support.h"

namespace onnxfn {
namespace {

using namespace testing;

Value float_map(std::vector<int64_t> keys, std::vector<float> values) {
  const int64_t n = static_cast<int64_t>(keys.size());
  return Value(Map{int64s({n}, std::move(keys)), floats({n}, std::move(values))});
}

Value string_map(std::vector<int64_t> keys, std::vector<std::string> values) {
  const int64_t n = static_cast<int64_t>(keys.size());
  return Value(Map{int64s({n}, std::move(keys)), strings({n}, std::move(values))});
}

TEST(CastMap, dense_float_map_comes_out_in_key_order) {
  auto out = run_ml("CastMap", {}, {{"X", float_map({3, 1, 7}, {1.5f, 2.5f, -1})}});
  expect_floats(out[0], {1, 3}, {2.5f, 1.5f, -1});
}

TEST(CastMap, floats_to_strings_use_six_decimals) {
  auto out = run_ml("CastMap", {attr_string("cast_to", "TO_STRING")}, {{"X", float_map({3, 1, 7}, {1.5f, 2.5f, -1})}});
  expect_values<std::string>(out[0], {1, 3}, {"2.500000", "1.500000", "-1.000000"});
}

TEST(CastMap, sparse_places_values_by_key_and_pads_with_zero) {
  auto out = run_ml("CastMap", {attr_string("cast_to", "TO_INT64"), attr_string("map_form", "SPARSE"), attr_int("max_map", 6)},
                    {{"X", float_map({3, 1, 7}, {1.5f, -2.5f, -1})}});
  // Key 7 lies beyond max_map and is dropped; -2.5 truncates to -2.
  expect_values<int64_t>(out[0], {1, 6}, {0, -2, 0, 1, 0, 0});
}

TEST(CastMap, sparse_strings_pad_with_orts_0_f) {
  auto out = run_ml("CastMap", {attr_string("cast_to", "TO_STRING"), attr_string("map_form", "SPARSE"), attr_int("max_map", 3)},
                    {{"X", string_map({2}, {"x"})}});
  expect_values<std::string>(out[0], {1, 3}, {"0.f", "0.f", "x"});
}

TEST(CastMap, parses_string_values_like_stof_and_stoll) {
  auto f = run_ml("CastMap", {}, {{"X", string_map({3, 1, 2}, {" 1.5abc", "1e3", "-0.25"})}});
  expect_floats(f[0], {1, 3}, {1000, -0.25f, 1.5f});
  auto i = run_ml("CastMap", {attr_string("cast_to", "TO_INT64")}, {{"X", string_map({3, 1}, {" 12x", "-7"})}});
  expect_values<int64_t>(i[0], {1, 2}, {-7, 12});
  expect_error([] { run_ml("CastMap", {}, {{"X", string_map({1}, {"abc"})}}); }, ErrorKind::BadInput, "cannot be converted");
}

TEST(CastMap, rejects_negative_sparse_keys_and_bad_attributes) {
  expect_error([] {
    run_ml("CastMap", {attr_string("map_form", "SPARSE"), attr_int("max_map", 3)}, {{"X", float_map({-1, 1}, {1, 2})}});
  }, ErrorKind::BadInput, "negative keys");
  expect_error([] { run_ml("CastMap", {attr_string("cast_to", "TO_DOUBLE")}, {{"X", float_map({1}, {1})}}); }, ErrorKind::BadModel,
               "cast_to");
  expect_error([] { run_ml("CastMap", {attr_string("map_form", "SPARSE"), attr_int("max_map", 0)}, {{"X", float_map({1}, {1})}}); },
               ErrorKind::BadModel, "max_map");
}

}  // namespace
}  // namespace onnxfn
