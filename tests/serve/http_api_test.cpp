// The transport-independent HTTP API (protocol/http_api.h) on a zoo ZipMap forest and the
// product-matching example bundle: every route, JSON and binary tensors, records, KServe v1, and
// the statuses of bad requests (400 malformed, 404 unknown, 413 too big, 422 wrong tensor).
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <cstring>

#include "protocol/binary_tensors.h"
#include "protocol/http_api.h"
#include "protocol/inference_protocol.h"
#include "support/zoo.h"

namespace onnxfn::protocol {
namespace {

using testing::read_json;
using testing::read_text;

const std::string kForest = "random_forest_clf_binary_zipmap";

std::filesystem::path bundle_dir() { return std::filesystem::path(ONNXFN_SOURCE_DIR) / "examples/product-matching/bundle"; }

const std::string kPairsJsonl =
    R"({"left_id": "a1", "right_id": "b1", "left_title": "Sony Bravia KDL-40W600B 40 LED TV", "left_description": "", "left_brand": "Sony", "left_price": "499.99", "right_title": "Sony KDL40W600B Bravia 40-inch", "right_description": "", "right_brand": "sony", "right_price": "489"})"
    "\n"
    R"({"left_id": "a2", "right_id": "b2", "left_title": "Canon EOS 70D body", "left_description": "camera", "left_brand": "Canon", "left_price": "899", "right_title": "LG 42LB5600 42-Inch 1080p LED TV", "right_description": "tv", "right_brand": "LG", "right_price": "449.5"})"
    "\n";

struct Api : ::testing::Test {
  static void SetUpTestSuite() {
    repo = new ModelRepository;
    repo->add(kForest, pipeline::Predictor::load(testing::zoo_dir() / kForest / "model.onnx", {.threads = 1}));
    repo->add("pairs", pipeline::Predictor::load(bundle_dir(), {.threads = 1}));
  }
  static void TearDownTestSuite() { delete repo; }
  static inline ModelRepository* repo = nullptr;

  HttpResponse call(const std::string& method, const std::string& target, std::string body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {}, ApiLimits limits = {}) {
    InferenceApi api(*repo, limits);
    return api.handle({method, target, std::move(headers), std::move(body)}, &record);
  }
  static rapidjson::Document parse(const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    EXPECT_FALSE(d.HasParseError()) << json;
    return d;
  }
  RequestRecord record;
};

TEST_F(Api, AnswersServerMetadataAndHealth) {
  auto meta = parse(call("GET", "/v2").body);
  EXPECT_STREQ(meta["name"].GetString(), "onnxfn");
  EXPECT_STREQ(meta["extensions"][0].GetString(), "binary_tensor_data");
  auto live = call("GET", "/v2/health/live");
  EXPECT_EQ(live.status, 200);
  EXPECT_TRUE(parse(live.body)["live"].GetBool());
  EXPECT_EQ(call("GET", "/v2/health/ready").status, 200);
  EXPECT_EQ(call("POST", "/v2/health/live").status, 405);
}

TEST_F(Api, IsNotReadyWhileDraining) {
  InferenceApi api(*repo);
  api.set_ready(false);
  HttpResponse r = api.handle({"GET", "/v2/health/ready", {}, {}});
  EXPECT_EQ(r.status, 503);
  EXPECT_FALSE(parse(r.body)["ready"].GetBool());
  EXPECT_EQ(api.handle({"GET", "/v2/models/pairs/ready", {}, {}}).status, 503);
  // A request that reached the API while draining was in flight: it is answered.
  EXPECT_EQ(api.handle({"POST", "/v2/models/" + kForest + "/infer", {}, read_text(testing::zoo_dir() / kForest / "request.json")}).status, 200);
}

TEST_F(Api, DescribesAModelsTensors) {
  HttpResponse r = call("GET", "/v2/models/" + kForest);
  ASSERT_EQ(r.status, 200) << r.body;
  auto m = parse(r.body);
  EXPECT_STREQ(m["platform"].GetString(), "onnxfn");
  EXPECT_STREQ(m["versions"][0].GetString(), "1");
  EXPECT_STREQ(m["inputs"][0]["name"].GetString(), "X");
  EXPECT_STREQ(m["inputs"][0]["datatype"].GetString(), "FP32");
  EXPECT_EQ(m["inputs"][0]["shape"][0].GetInt(), -1);
  EXPECT_EQ(m["inputs"][0]["shape"][1].GetInt(), 5);
  EXPECT_STREQ(m["outputs"][0]["datatype"].GetString(), "INT64");
  EXPECT_STREQ(m["outputs"][1]["name"].GetString(), "output_probability");
  EXPECT_STREQ(m["outputs"][1]["datatype"].GetString(), "JSON");
  EXPECT_EQ(call("GET", "/v2/models/" + kForest + "/versions/1").status, 200);
  EXPECT_EQ(call("GET", "/v2/models/" + kForest + "/versions/7").status, 404);
  EXPECT_EQ(call("GET", "/v2/models/" + kForest + "/ready").status, 200);
  auto bundle = parse(call("GET", "/v2/models/pairs").body);
  EXPECT_STREQ(bundle["inputs"][0]["datatype"].GetString(), "BYTES");
}

TEST_F(Api, InfersJsonLikeOnnxRuntime) {
  HttpResponse r = call("POST", "/v2/models/" + kForest + "/infer", read_text(testing::zoo_dir() / kForest / "request.json"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto expected = read_json(testing::zoo_dir() / kForest / "expected.json");
  auto actual = parse(r.body);
  EXPECT_EQ(testing::compare_response(actual, expected["outputs"], testing::zoo_tolerance(kForest)), "");
  EXPECT_EQ(record.route, "infer");
  EXPECT_EQ(record.rows, 24u);
  EXPECT_GT(record.trace.model_ms, 0.0);
}

// The request tritonclient sends by default: the JSON header, then the FP32 bytes; the label
// answered as raw INT64 bytes, the ZipMap as JSON.
TEST_F(Api, InfersBinaryTensorsBothWays) {
  InferenceRequest json_request = parse_inference_request(read_text(testing::zoo_dir() / kForest / "request.json"));
  const Tensor& x = json_request.inputs[0].second.tensor();
  std::string bytes;
  append_tensor_binary(x, bytes);
  const std::string header = R"({"inputs":[{"name":"X","datatype":"FP32","shape":[24,5],"parameters":{"binary_data_size":)" +
                             std::to_string(bytes.size()) + R"(}}],"outputs":[{"name":"output_label","parameters":{"binary_data":true}}]})";
  HttpResponse r = call("POST", "/v2/models/" + kForest + "/infer", header + bytes,
                        {{"Inference-Header-Content-Length", std::to_string(header.size())}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string json_length_text;
  for (const auto& [name, value] : r.headers)
    if (name == "Inference-Header-Content-Length") json_length_text = value;
  ASSERT_FALSE(json_length_text.empty());
  const size_t json_length = std::stoul(json_length_text);
  auto head = parse(r.body.substr(0, json_length));
  ASSERT_EQ(head["outputs"].Size(), 1u);
  EXPECT_EQ(head["outputs"][0]["parameters"]["binary_data_size"].GetUint64(), 24u * 8);
  ASSERT_EQ(r.body.size() - json_length, 24u * 8);
  auto expected = read_json(testing::zoo_dir() / kForest / "expected.json");
  const auto& labels = expected["outputs"][0]["data"];
  for (rapidjson::SizeType i = 0; i < 24; ++i) {
    int64_t got = 0;
    std::memcpy(&got, r.body.data() + json_length + i * 8, 8);
    EXPECT_EQ(got, labels[i].GetInt64()) << "row " << i;
  }
}

TEST_F(Api, RefusesBinaryBodiesOfTheWrongLength) {
  const std::string header = R"({"inputs":[{"name":"X","datatype":"FP32","shape":[2,5],"parameters":{"binary_data_size":40}}]})";
  HttpResponse short_body = call("POST", "/v2/models/" + kForest + "/infer", header + std::string(39, '\0'),
                                 {{"Inference-Header-Content-Length", std::to_string(header.size())}});
  EXPECT_EQ(short_body.status, 400);
  EXPECT_NE(short_body.body.find("binary_data_size is 40 but only 39"), std::string::npos) << short_body.body;
  HttpResponse extra = call("POST", "/v2/models/" + kForest + "/infer", header + std::string(44, '\0'),
                            {{"Inference-Header-Content-Length", std::to_string(header.size())}});
  EXPECT_EQ(extra.status, 400);
  HttpResponse past_end = call("POST", "/v2/models/" + kForest + "/infer", header, {{"Inference-Header-Content-Length", "100000"}});
  EXPECT_EQ(past_end.status, 400);
  const std::string wrong_size = R"({"inputs":[{"name":"X","datatype":"FP32","shape":[2,5],"parameters":{"binary_data_size":8}}]})";
  HttpResponse mismatch = call("POST", "/v2/models/" + kForest + "/infer", wrong_size + std::string(8, '\0'),
                               {{"Inference-Header-Content-Length", std::to_string(wrong_size.size())}});
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_NE(mismatch.body.find("needs 10 x 4"), std::string::npos) << mismatch.body;
}

TEST_F(Api, DecodesLengthPrefixedBytesElements) {
  std::string bytes;
  append_tensor_binary(Tensor::from_strings({3}, {"a", "", "héllo"}), bytes);
  EXPECT_EQ(bytes.size(), 4u * 3 + 1 + 0 + 6);
  Tensor t = tensor_from_binary(bytes, DType::String, {3}, "input 's'");
  EXPECT_EQ(t.data<std::string>()[2], "héllo");
  EXPECT_THROW(tensor_from_binary(bytes.substr(0, bytes.size() - 1), DType::String, {3}, "input 's'"), Error);
  EXPECT_THROW(tensor_from_binary(bytes + "x", DType::String, {3}, "input 's'"), Error);
}

TEST_F(Api, AnswersBadRequestsWithTheirStatus) {
  const std::string infer = "/v2/models/" + kForest + "/infer";
  HttpResponse malformed = call("POST", infer, R"({"inputs": [)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("at byte"), std::string::npos) << malformed.body;
  EXPECT_EQ(call("POST", "/v2/models/nope/infer", "{}").status, 404);
  EXPECT_EQ(call("GET", "/v3/anything").status, 404);
  HttpResponse wrong_name = call("POST", infer, R"({"inputs":[{"name":"Y","datatype":"FP32","shape":[1,5],"data":[1,2,3,4,5]}]})");
  EXPECT_EQ(wrong_name.status, 422);
  EXPECT_NE(wrong_name.body.find("'Y'"), std::string::npos) << wrong_name.body;
  HttpResponse wrong_shape = call("POST", infer, R"({"inputs":[{"name":"X","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}]})");
  EXPECT_EQ(wrong_shape.status, 422) << wrong_shape.body;
  HttpResponse too_big = call("POST", infer, std::string(100, ' '), {}, ApiLimits{.max_body_bytes = 99});
  EXPECT_EQ(too_big.status, 413);
  HttpResponse too_many = call("POST", infer, read_text(testing::zoo_dir() / kForest / "request.json"), {}, ApiLimits{.max_rows = 10});
  EXPECT_EQ(too_many.status, 413);
  EXPECT_NE(too_many.body.find("24 rows"), std::string::npos) << too_many.body;
  auto err = parse(wrong_name.body);
  EXPECT_TRUE(err["error"].IsString());
}

TEST_F(Api, BundleTakesColumnsAsBytesTensors) {
  std::string body = R"({"inputs":[)";
  const char* columns[][2] = {{"left_id", "a1"},           {"right_id", "b1"},          {"left_title", "Sony Bravia KDL-40W600B"},
                              {"left_description", ""},    {"left_brand", "Sony"},      {"left_price", "499"},
                              {"right_title", "Sony KDL40W600B Bravia"}, {"right_description", ""}, {"right_brand", "sony"},
                              {"right_price", "489"}};
  for (size_t i = 0; i < std::size(columns); ++i)
    body += std::string(i ? "," : "") + R"({"name":")" + columns[i][0] + R"(","datatype":"BYTES","shape":[1],"data":[")" + columns[i][1] + "\"]}";
  body += "]}";
  HttpResponse r = call("POST", "/v2/models/pairs/infer", body);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = parse(r.body);
  bool has_probability = false;
  for (const auto& o : out["outputs"].GetArray())
    if (std::string_view(o["name"].GetString()) == "probability") {
      has_probability = true;
      EXPECT_GT(o["data"][0].GetDouble(), 0.5);  // the same TV
    }
  EXPECT_TRUE(has_probability) << r.body;
}

TEST_F(Api, RecordsRouteAnswersInTheFormatItWasGiven) {
  HttpResponse jsonl = call("POST", "/v2/models/pairs/records", kPairsJsonl, {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(jsonl.status, 200) << jsonl.body;
  EXPECT_EQ(jsonl.headers[0].second, "application/x-ndjson");
  EXPECT_EQ(std::count(jsonl.body.begin(), jsonl.body.end(), '\n'), 2);
  EXPECT_NE(jsonl.body.find("\"left_id\":\"a1\""), std::string::npos) << jsonl.body;
  EXPECT_EQ(record.rows, 2u);
  const std::string csv =
      "left_id,right_id,left_title,left_description,left_brand,left_price,right_title,right_description,right_brand,right_price\n"
      "x,y,Canon EOS 70D,,Canon,899,Canon EOS-70D body,,Canon,\n";
  HttpResponse out = call("POST", "/v2/models/pairs/records", csv, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.body.substr(0, 8), "left_id,");
  EXPECT_EQ(std::count(out.body.begin(), out.body.end(), '\n'), 2);
  HttpResponse sniffed = call("POST", "/v2/models/pairs/records", "[" + kPairsJsonl.substr(0, kPairsJsonl.find('\n')) + "]");
  ASSERT_EQ(sniffed.status, 200) << sniffed.body;
  EXPECT_EQ(parse(sniffed.body).Size(), 1u);
  EXPECT_EQ(call("POST", "/v2/models/pairs/records", "{\"left_id\": ", {{"Content-Type", "application/json"}}).status, 400);
  EXPECT_EQ(call("POST", "/v2/models/pairs/records", "x", {{"Content-Type", "image/png"}}).status, 415);
  EXPECT_EQ(call("POST", "/v2/models/" + kForest + "/records", kPairsJsonl).status, 404);
}

TEST_F(Api, KServeV1PredictsForModelsAndBundles) {
  HttpResponse m = call("POST", "/v1/models/" + kForest + ":predict", R"({"instances": [[0,0,0,0,0],[3.98,-1.45,4.98,1.35,1.41]]})");
  ASSERT_EQ(m.status, 200) << m.body;
  auto pm = parse(m.body);
  ASSERT_EQ(pm["predictions"].Size(), 2u);
  EXPECT_TRUE(pm["predictions"][0].IsInt64());
  HttpResponse b = call("POST", "/v1/models/pairs:predict", "{\"instances\": [" + kPairsJsonl.substr(0, kPairsJsonl.find('\n')) + "]}");
  ASSERT_EQ(b.status, 200) << b.body;
  auto pb = parse(b.body);
  EXPECT_STREQ(pb["predictions"][0]["left_id"].GetString(), "a1");
  EXPECT_EQ(call("POST", "/v1/models/pairs:predict", R"({"instances": 3})").status, 400);
  EXPECT_EQ(call("POST", "/v1/models/" + kForest + ":predict", R"({"instances": [[1,2],[1,2,3]]})").status, 400);
  EXPECT_TRUE(parse(call("GET", "/v1/models/pairs").body)["ready"].GetBool());
}

}  // namespace
}  // namespace onnxfn::protocol
