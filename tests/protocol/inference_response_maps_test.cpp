// encode_inference_response on sequences of maps (ZipMap answers), which are assembled as one text
// per map from cached key texts: the same bytes as the writer's key-by-key path, including
// escaped keys, non-finite scores, keys that change between rows and int64 keys; and on numeric
// tensors, whose data arrays are written without a writer call per element.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "protocol/inference_protocol.h"

namespace onnxfn {
namespace {

std::string data_of(const Value& v) {
  const std::string json = encode_inference_response({{"p", v}}, "m", "");
  const size_t at = json.find("\"data\":");
  return json.substr(at + 7, json.size() - at - 7 - 3);  // drop the closing "}]}"
}

Tensor floats(std::vector<float> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::from_vector<float>({n}, v);
}

TEST(InferenceResponseMaps, string_keys_are_escaped_and_non_finite_scores_follow_the_tensor_rules) {
  const Tensor keys = Tensor::from_strings({3}, {"a\"b", "tab\there", "\xc3\xa9t\xc3\xa9"});
  Sequence s;
  s.items.emplace_back(Map{keys, floats({0.1f, 1e-7f, 3.0f})});
  s.items.emplace_back(Map{keys, floats({std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                                         -std::numeric_limits<float>::infinity()})});
  EXPECT_EQ(data_of(Value(std::move(s))),
            "[{\"a\\\"b\":0.1,\"tab\\there\":1e-07,\"\xc3\xa9t\xc3\xa9\":3},"
            "{\"a\\\"b\":null,\"tab\\there\":\"Infinity\",\"\xc3\xa9t\xc3\xa9\":\"-Infinity\"}]");
}

TEST(InferenceResponseMaps, each_row_matches_the_same_map_encoded_alone) {
  const Tensor ints = Tensor::from_vector<int64_t>({2}, {-3, 12});
  const Tensor strs = Tensor::from_strings({1}, {"only"});
  const std::vector<Map> rows = {
      Map{ints, floats({0.25f, 0.75f})},
      Map{strs, floats({0.5f})},  // other keys: the cached key texts must be replaced
      Map{ints, Tensor::from_vector<double>({2}, {0.1, 1.0 / 3})},
      Map{ints, Tensor::from_vector<int64_t>({2}, {7, 8})},  // not float: the general path
  };
  Sequence s;
  std::string expected = "[";
  for (const Map& m : rows) {
    s.items.emplace_back(m);
    const std::string alone = data_of(Value(Map(m)));  // "[{...}]"
    expected += (expected.size() > 1 ? "," : "") + alone.substr(1, alone.size() - 2);
  }
  expected += "]";
  EXPECT_EQ(data_of(Value(std::move(s))), expected);
  EXPECT_EQ(expected,
            "[{\"-3\":0.25,\"12\":0.75},{\"only\":0.5},{\"-3\":0.1,\"12\":0.3333333333333333},{\"-3\":7,\"12\":8}]");
}

// A sequence whose maps are all float or double is written in one pass into the writer's buffer:
// the same bytes as each map alone, when the keys change between rows too.
TEST(InferenceResponseMaps, an_all_float_sequence_matches_each_map_encoded_alone) {
  const Tensor ints = Tensor::from_vector<int64_t>({2}, {-3, 12});
  const Tensor strs = Tensor::from_strings({1}, {"only"});
  const std::vector<Map> rows = {Map{ints, floats({0.25f, 0.75f})}, Map{strs, floats({0.5f})},
                                 Map{ints, Tensor::from_vector<double>({2}, {0.1, 1.0 / 3})}, Map{ints, floats({1e30f, -0.0f})}};
  Sequence s;
  std::string expected = "[";
  for (const Map& m : rows) {
    s.items.emplace_back(m);
    const std::string alone = data_of(Value(Map(m)));
    expected += (expected.size() > 1 ? "," : "") + alone.substr(1, alone.size() - 2);
  }
  expected += "]";
  EXPECT_EQ(data_of(Value(std::move(s))), expected);
  EXPECT_EQ(expected, "[{\"-3\":0.25,\"12\":0.75},{\"only\":0.5},{\"-3\":0.1,\"12\":0.3333333333333333},{\"-3\":1e+30,\"12\":-0}]");
}

// Float, double, int64 and int32 tensors' data arrays are written straight into the buffer, with the
// element writer's texts: shortest round-trip numbers, null for NaN, the infinities as strings.
TEST(InferenceResponseMaps, numeric_tensor_data_is_written_as_the_element_writer_writes_it) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(data_of(Value(floats({0.1f, -0.0f, std::numeric_limits<float>::quiet_NaN(), inf, -inf, 1e-45f, 3.4028235e38f}))),
            "[0.1,-0,null,\"Infinity\",\"-Infinity\",1e-45,3.4028235e+38]");
  EXPECT_EQ(data_of(Value(Tensor::from_vector<double>({3}, {0.1, -2.5e-300, 1.0 / 3}))), "[0.1,-2.5e-300,0.3333333333333333]");
  EXPECT_EQ(data_of(Value(Tensor::from_vector<int64_t>({3}, {std::numeric_limits<int64_t>::min(), 0, 42}))),
            "[-9223372036854775808,0,42]");
  EXPECT_EQ(data_of(Value(Tensor::from_vector<int32_t>({2}, {-7, std::numeric_limits<int32_t>::max()}))), "[-7,2147483647]");
  EXPECT_EQ(data_of(Value(floats({}))), "[]");
  const std::string json = encode_inference_response({{"a", floats({1.5f})}, {"b", Value(Tensor::from_vector<int64_t>({1}, {2}))}}, "m", "");
  EXPECT_EQ(json, "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.5]},"
                  "{\"name\":\"b\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[2]}]}");
}

}  // namespace
}  // namespace onnxfn
