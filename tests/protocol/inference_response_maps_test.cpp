// encode_inference_response on sequences of maps (ZipMap answers), which are assembled as one text
// per map from cached key texts: the same bytes as the writer's key-by-key path, including
// escaped keys, non-finite scores, keys that change between rows and int64 keys.
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

}  // namespace
}  // namespace onnxfn
