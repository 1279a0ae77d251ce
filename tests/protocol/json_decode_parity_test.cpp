// The fast request decoder (parse_json_document: numbers read by from_chars, runs of numbers in
// arrays read beside RapidJSON's reader) against RapidJSON's own full-precision DOM parse of the
// same text, the decoder it replaced: same tree, same value types, bit-identical doubles, errors
// at the same byte. Random documents from a fixed seed, so a failure reproduces.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "common/error.h"
#include "common/json_numbers.h"
#include "protocol/inference_protocol.h"
#include "protocol/json_document.h"

namespace onnxfn {
namespace {

constexpr unsigned kReferenceFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseFullPrecisionFlag;

// RapidJSON's DOM with its full-precision strtod, behind the guard that keeps it in bounds.
void reference_parse(rapidjson::Document& doc, const std::string& json) {
  std::string storage;
  const std::string_view safe = guard_json_numbers(json, storage);
  doc.Parse<kReferenceFlags>(safe.data(), safe.size());
}

// Deep equality with the number's kind (int64 / uint64 / double) and the double's bits.
::testing::AssertionResult same(const rapidjson::Value& a, const rapidjson::Value& b, const std::string& path) {
  auto differ = [&](const std::string& what) { return ::testing::AssertionFailure() << path << ": " << what; };
  if (a.GetType() != b.GetType()) return differ("types differ");
  if (a.IsNumber()) {
    if (a.IsDouble() != b.IsDouble() || a.IsInt64() != b.IsInt64() || a.IsUint64() != b.IsUint64())
      return differ("number kinds differ");
    if (a.IsDouble()) {
      if (std::bit_cast<uint64_t>(a.GetDouble()) != std::bit_cast<uint64_t>(b.GetDouble()))
        return differ("doubles differ in bits");
    } else if (a.IsInt64() ? a.GetInt64() != b.GetInt64() : a.GetUint64() != b.GetUint64()) {
      return differ("integers differ");
    }
  } else if (a.IsString()) {
    if (std::string_view(a.GetString(), a.GetStringLength()) != std::string_view(b.GetString(), b.GetStringLength()))
      return differ("strings differ");
  } else if (a.IsBool()) {
    if (a.GetBool() != b.GetBool()) return differ("booleans differ");
  } else if (a.IsArray()) {
    if (a.Size() != b.Size()) return differ("array sizes " + std::to_string(a.Size()) + " vs " + std::to_string(b.Size()));
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
      if (auto r = same(a[i], b[i], path + "[" + std::to_string(i) + "]"); !r) return r;
  } else if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return differ("member counts differ");
    for (auto i = a.MemberBegin(), j = b.MemberBegin(); i != a.MemberEnd(); ++i, ++j) {
      const std::string key = i->name.GetString();
      if (key != j->name.GetString()) return differ("keys differ");
      if (auto r = same(i->value, j->value, path + "." + key); !r) return r;
    }
  }
  return ::testing::AssertionSuccess();
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  std::string number() {
    char buf[64];
    switch (pick(12)) {
      case 0: {  // any finite double, shortest text
        double d = 0;
        do d = std::bit_cast<double>(static_cast<uint64_t>(rng_())); while (!std::isfinite(d));
        return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
      }
      case 1: {  // 17 significant digits, exponent form
        const double d = std::ldexp(unit() - 0.5, static_cast<int>(pick(200)) - 100);
        return std::string(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%.17e", d)));
      }
      case 2: {  // a float32's value printed as a double (what Python's json writes for FP32 data)
        const float f = static_cast<float>(unit() * 1000 - 500);
        return std::string(buf, std::to_chars(buf, buf + sizeof buf, static_cast<double>(f)).ptr);
      }
      case 3: return std::to_string(static_cast<int64_t>(rng_()));
      case 4: return std::to_string(static_cast<uint64_t>(rng_()) | (1ull << 63));  // beyond int64
      case 5: {
        static const char* const kEdges[] = {"-0", "-0.0", "0e0", "0E-0", "-0e+5", "1E+2", "2.5e-3", "9223372036854775807",
                                             "-9223372036854775808", "9223372036854775808", "18446744073709551615",
                                             "18446744073709551616", "-9223372036854775809", "1e308", "4.9e-324", "2.2250738585072014e-308",
                                             "1e-400", "123456789012345678901234567890", "0.1", "1.7976931348623157e308"};
        return kEdges[pick(std::size(kEdges))];
      }
      case 6: {  // a long digit string (integer or with many decimals)
        std::string s = pick(2) ? "-" : "";
        s += static_cast<char>('1' + pick(9));
        for (size_t n = 20 + pick(60); n > 0; --n) s += static_cast<char>('0' + pick(10));
        if (pick(2)) s.insert(s.size() / 2, ".");
        return s;
      }
      case 7: return "0." + std::string(pick(300), '0') + "1" + (pick(2) ? "e" + std::to_string(static_cast<int>(pick(40)) - 20) : "");
      case 8: return std::to_string(static_cast<int>(pick(2000)) - 1000);
      default: return std::string(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(1 + pick(17)),
                                                                        (unit() - 0.5) * std::pow(10.0, static_cast<int>(pick(40)) - 20))));
    }
  }

  std::string string() {
    static const char* const kPieces[] = {"a", "Z", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9",
                                          "\\ud83d\\ude00", "é", "日本", "😀", "\\u0000", ",", "]", "}", "1", "-"};
    std::string s = "\"";
    for (size_t n = pick(8); n > 0; --n) s += kPieces[pick(std::size(kPieces))];
    return s + "\"";
  }

  std::string space() {
    static const char* const kSpaces[] = {"", "", "", " ", "\n", " \t", "\r\n  "};
    return kSpaces[pick(std::size(kSpaces))];
  }

  std::string value(int depth) {
    const size_t k = pick(depth > 3 ? 10 : 14);
    if (k < 6) return number();
    if (k == 6) return "null";
    if (k == 7) return pick(2) ? "true" : "false";
    if (k < 10) return string();
    if (k < 13) {  // arrays, often long runs of numbers with nulls between
      std::string s = "[" + space();
      const size_t n = pick(30);
      for (size_t i = 0; i < n; ++i) {
        if (i) s += space() + "," + space();
        s += pick(8) ? (pick(10) ? number() : "null") : value(depth + 1);
      }
      return s + space() + "]";
    }
    std::string s = "{" + space();
    const size_t n = pick(5);
    for (size_t i = 0; i < n; ++i) {
      if (i) s += ",";
      s += space() + "\"k" + std::to_string(i) + "\"" + space() + ":" + space() + value(depth + 1);
    }
    return s + space() + "}";
  }

  size_t pick(size_t n) { return static_cast<size_t>(rng_() % n); }

 private:
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  std::mt19937_64 rng_;
};

// The byte our decoder's error names, or npos when it parsed.
size_t error_byte(const std::string& json) {
  rapidjson::Document doc;
  try {
    parse_json_document(doc, json, "t");
  } catch (const Error& e) {
    const std::string m = e.what();
    const size_t at = m.find("at byte ");
    return at == std::string::npos ? std::string::npos - 1 : std::stoull(m.substr(at + 8));
  }
  return std::string::npos;
}

TEST(JsonDecodeParity, random_documents_decode_as_rapidjson_full_precision_did) {
  Generator gen(20261207);
  for (int i = 0; i < 3000; ++i) {
    const std::string json = gen.space() + gen.value(0) + gen.space();
    rapidjson::Document expected, actual;
    reference_parse(expected, json);
    if (expected.HasParseError()) {  // 1e400 and friends: both refuse, at the number's first byte
      EXPECT_EQ(error_byte(json), expected.GetErrorOffset()) << json;
      continue;
    }
    parse_json_document(actual, json, "t");
    ASSERT_TRUE(same(actual, expected, "$")) << json;
  }
}

TEST(JsonDecodeParity, long_number_runs_keep_every_value_and_count) {
  Generator gen(7);
  std::string json = "[";
  for (int i = 0; i < 20000; ++i) json += (i ? ", " : "") + (i % 97 == 5 ? std::string("null") : gen.number());
  json += "]";
  rapidjson::Document expected, actual;
  reference_parse(expected, json);
  ASSERT_FALSE(expected.HasParseError());
  parse_json_document(actual, json, "t");
  ASSERT_EQ(actual.Size(), 20000u);
  EXPECT_TRUE(same(actual, expected, "$"));
}

TEST(JsonDecodeParity, malformed_documents_fail_at_the_byte_rapidjson_names) {
  const char* const kBad[] = {"[1, 2,]", "[1, 2, ]", "[1,,2]", "[1, 2", "[1, 2 3]", "[1, 01]", "[1, 1.]", "[1, 1.e5]",
                              "[1, -]", "[1, 2}", "[1, 2x]", "[1, 2, nul]", "[null, 1, 2, tru]", "{\"a\": [1, 2, ]}",
                              "[1, \"a\", 2, 3, 1e999]", "[\"x\", 1, 2, 3", "[1, 2, \"unterminated]", "[1, 2, +3]",
                              "[1, 2, .5]", "[1, 2, 3e]", "[1, 2, 3e+]", "[0, -0, 00]", "[[1, 2], [3, 4,], 5]"};
  std::vector<std::string> cases(std::begin(kBad), std::end(kBad));
  cases.emplace_back("[1, 2, \0 3]", 11);  // a NUL byte inside the text
  cases.emplace_back("[1, 2\0, 3]", 11);
  for (const std::string& json : cases) {
    rapidjson::Document expected;
    reference_parse(expected, json);
    ASSERT_TRUE(expected.HasParseError()) << json;
    EXPECT_EQ(error_byte(json), expected.GetErrorOffset()) << json;
  }
}

TEST(JsonDecodeParity, fp32_tensor_data_rounds_like_the_double_it_was_read_as) {
  Generator gen(42);
  std::string data;
  std::vector<std::string> tokens;
  for (int i = 0; i < 100 * 30; ++i) {
    tokens.push_back(i % 41 == 3 ? "null" : gen.number());
    data += (i ? "," : "") + tokens.back();
  }
  // Values beyond float range become infinities; tokens RapidJSON refuses (1e400) are replaced.
  for (auto& t : tokens)
    if (t != "null") {
      rapidjson::Document d;
      reference_parse(d, t);
      if (d.HasParseError()) t = "0.5";
    }
  data.clear();
  for (size_t i = 0; i < tokens.size(); ++i) data += (i ? "," : "") + tokens[i];
  const InferenceRequest req =
      parse_inference_request(R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [100, 30], "data": [)" + data + "]}]}");
  const Tensor& x = req.inputs.at(0).second.tensor();
  ASSERT_EQ(x.numel(), 3000);
  const float* got = x.data<float>();
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == "null") {
      EXPECT_TRUE(std::isnan(got[i])) << i;
      continue;
    }
    rapidjson::Document d;
    reference_parse(d, tokens[i]);
    const float want = static_cast<float>(d.GetDouble());
    EXPECT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want)) << tokens[i];
  }
}

TEST(JsonDecodeParity, a_bad_value_in_a_number_run_names_its_row_and_element) {
  try {
    parse_inference_request(R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 3], "data": [1, 2, 3, 4, "x", 6]}]})");
    FAIL() << "accepted text in FP32 data";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("input 'X' row 1 (element 4)"), std::string::npos) << e.what();
  }
  try {
    parse_inference_request(R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 3], "data": [1, 2, 3, 4, 5, 6, ]}]})");
    FAIL() << "accepted a trailing comma";
  } catch (const Error& e) {
    // byte 90: the "]" after the trailing comma, where RapidJSON places it too
    EXPECT_NE(std::string(e.what()).find("invalid JSON at byte 90: Invalid value"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace onnxfn
