// parse_simple_tensor_request (float tensors read straight from the text) against the general
// DOM path on the same requests: the same tensors bit for bit, and every request outside its
// narrow kind declined so that the general path answers it (and names its errors).
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "common/error.h"
#include "protocol/inference_protocol.h"
#include "protocol/simple_tensor_request.h"

namespace onnxfn {
namespace {

// A top-level "parameters" object the fast reader declines and the general path ignores.
std::string general_only(const std::string& json) { return "{\"parameters\": {}, " + json.substr(json.find('{') + 1); }

void expect_same(const InferenceRequest& a, const InferenceRequest& b, const std::string& json) {
  EXPECT_EQ(a.id, b.id);
  ASSERT_EQ(a.inputs.size(), b.inputs.size()) << json;
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    EXPECT_EQ(a.inputs[i].first, b.inputs[i].first);
    const Tensor& x = a.inputs[i].second.tensor();
    const Tensor& y = b.inputs[i].second.tensor();
    ASSERT_EQ(x.dtype(), y.dtype());
    ASSERT_EQ(x.shape(), y.shape());
    ASSERT_EQ(x.byte_size(), y.byte_size());
    const void* xs = x.dtype() == DType::Float ? static_cast<const void*>(x.data<float>()) : x.data<double>();
    const void* ys = y.dtype() == DType::Float ? static_cast<const void*>(y.data<float>()) : y.data<double>();
    EXPECT_EQ(std::memcmp(xs, ys, x.byte_size()), 0) << json;
  }
}

std::string random_number(std::mt19937_64& rng) {
  char buf[64];
  switch (rng() % 9) {
    case 0: {
      double d = 0;
      do d = std::bit_cast<double>(static_cast<uint64_t>(rng())); while (!std::isfinite(d));
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
    }
    case 1: return std::to_string(static_cast<int64_t>(rng()));
    case 2: return std::to_string(static_cast<uint64_t>(rng()) | (1ull << 63));
    case 3: {
      static const char* const kEdges[] = {"-0", "-0.0", "0", "1E+2", "2.5e-3", "1e-400", "-1e-320", "3.4028235677973366e38",
                                           "1e39", "18446744073709551616", "123456789012345678901234567890", "0.1"};
      return kEdges[rng() % std::size(kEdges)];
    }
    case 4: return (rng() % 3 == 0 ? "-" : "") + std::to_string(rng() % 10) + ".0";  // the reader's "D.0" shortcut
    case 5: {  // and tokens that start like it
      static const char* const kNear[] = {"1.00", "1.05", "2.0e1", "9.0E-1", "-0.0e0", "10.0", "-12.0", "0.01", "3.0000000000000004"};
      return kNear[rng() % std::size(kNear)];
    }
    default: {
      const double d = std::uniform_real_distribution<double>(-1000, 1000)(rng);
      return std::string(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(1 + rng() % 17), d)));
    }
  }
}

TEST(SimpleTensorRequest, random_float_requests_decode_exactly_as_the_general_path) {
  std::mt19937_64 rng(5);
  const char* const kSpace[] = {"", " ", "\n  ", "\t"};
  auto sp = [&] { return std::string(kSpace[rng() % 4]); };
  for (int round = 0; round < 400; ++round) {
    std::string json = "{" + sp();
    if (rng() % 2) json += "\"id\":" + sp() + "\"req-" + std::to_string(round) + "\"," + sp();
    json += "\"inputs\"" + sp() + ":" + sp() + "[";
    const size_t inputs = 1 + rng() % 2;
    for (size_t k = 0; k < inputs; ++k) {
      const int64_t rows = static_cast<int64_t>(rng() % 20), cols = 1 + static_cast<int64_t>(rng() % 8);
      json += (k ? "," : "") + sp() + "{\"name\": \"in" + std::to_string(k) + "\", \"datatype\":" + sp() +
              (rng() % 2 ? "\"FP32\"" : "\"FP64\"") + ", \"shape\": [" + std::to_string(rows) + "," + sp() + std::to_string(cols) +
              "], \"data\": [";
      for (int64_t i = 0; i < rows * cols; ++i) json += (i ? "," + sp() : sp()) + (rng() % 9 ? random_number(rng) : "null");
      json += sp() + "]" + sp() + "}";
    }
    json += "]" + sp() + "}";
    const InferenceRequest general = parse_inference_request(general_only(json));
    const auto simple = parse_simple_tensor_request(json);
    ASSERT_TRUE(simple) << json;  // every number here fits a double (1e39 is an FP32 infinity)
    expect_same(*simple, general, json);
    expect_same(parse_inference_request(json), general, json);
  }
}

TEST(SimpleTensorRequest, anything_else_is_left_to_the_general_path) {
  const std::string body = R"("datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4])";
  const char* const kDeclined[] = {
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [[1, 2], [3, 4]]}]})",   // nested
      R"({"inputs": [{"name": "X", "datatype": "INT64", "shape": [2, 2], "data": [1, 2, 3, 4]}]})",      // not float
      R"({"inputs": [{"name": "X", "data": [1, 2, 3, 4], "datatype": "FP32", "shape": [2, 2]}]})",       // data first
      R"({"inputs": [{"name": "X\u0041", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]}]})",  // escape
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, "4"]}]})",     // text
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3]}]})",          // short
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4, 5]}]})",    // long
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4,]}]})",      // trailing comma
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 1e400]}]})",   // too big
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2.0, 2], "data": [1, 2, 3, 4]}]})",     // float dim
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [], "data": [1]}]})",                    // rank 0
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [100000000, 1000], "data": [1]}]})",     // unfillable
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4], "parameters": {}}]})",
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]}], "outputs": [{"name": "y"}]})",
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]}, {"name": "X", "datatype": "FP32", "shape": [1], "data": [1]}]})",
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, nul]}]})",
      R"({"id": 7, "inputs": []})",
      R"({"model_name": "m", "inputs": []})",
      R"([])",
      R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]}])",  // unclosed
  };
  for (const char* json : kDeclined) EXPECT_FALSE(parse_simple_tensor_request(json)) << json;
  // Declined requests still get the general path's answer, or its error naming the place.
  EXPECT_EQ(parse_inference_request(kDeclined[0]).inputs.at(0).second.tensor().numel(), 4);
  try {
    parse_inference_request(kDeclined[4]);
    FAIL() << "accepted text in FP32 data";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("input 'X' row 1 (element 3): expected a number or null, got text '4'"), std::string::npos)
        << e.what();
  }
  const auto taken = parse_simple_tensor_request("{\"inputs\": [{\"name\": \"X\", " + body + "}]} trailing text");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->inputs.at(0).second.tensor().data<float>()[3], 4.0f);
}

}  // namespace
}  // namespace onnxfn
