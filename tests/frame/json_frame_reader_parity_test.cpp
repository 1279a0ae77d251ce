// read_json (numbers read by from_chars, UTF-8 checked up front, runs of simple members read beside
// RapidJSON's reader) against RapidJSON's full-precision DOM of the same records, the way records
// were read before: same values, bit-identical doubles, the same error position. Fixed seeds.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <random>
#include <string>

#include "common/error.h"
#include "common/json_numbers.h"
#include "frame/json_frame_reader.h"

namespace onnxfn {
namespace {

constexpr unsigned kReferenceFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag |
                                     rapidjson::kParseNanAndInfFlag | rapidjson::kParseValidateEncodingFlag;

void reference_parse(rapidjson::Document& doc, const std::string& json) {
  std::string storage;
  const std::string_view safe = guard_json_numbers(json, storage);
  doc.Parse<kReferenceFlags>(safe.data(), safe.size());
}

struct Gen {
  std::mt19937_64 rng;
  size_t pick(size_t n) { return static_cast<size_t>(rng() % n); }
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng); }

  std::string number() {
    char buf[64];
    switch (pick(9)) {
      case 0: {
        double d = 0;
        do d = std::bit_cast<double>(static_cast<uint64_t>(rng())); while (!std::isfinite(d));
        return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
      }
      case 1: return std::string(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%.17E", (unit() - 0.5) * 1e-5)));
      case 2: return std::to_string(static_cast<int64_t>(rng()));
      case 3: return std::to_string(static_cast<uint64_t>(rng()) | (1ull << 63));
      case 4: {
        static const char* const kEdges[] = {"-0", "-0.0", "0e0", "1E+2", "NaN", "-NaN", "Infinity", "-Infinity", "Inf",
                                             "1e-400", "-1e-400", "4.9e-324", "18446744073709551616", "123456789012345678901234567890.5",
                                             "0.000000000000000000000000000000000000000000000000000000000000000000000000000001"};
        return kEdges[pick(std::size(kEdges))];
      }
      default: return std::string(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%.*g", static_cast<int>(1 + pick(17)),
                                                                        (unit() - 0.5) * std::pow(10.0, static_cast<int>(pick(30)) - 15))));
    }
  }
  std::string text() {
    static const char* const kPieces[] = {"a", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\ud83d\\ude00", "é", "日本",
                                          "😀", ",", "}", ":", "1"};
    std::string s = "\"";
    for (size_t n = pick(6); n > 0; --n) s += kPieces[pick(std::size(kPieces))];
    return s + "\"";
  }
  std::string space() {
    static const char* const kSpaces[] = {"", "", " ", "\n", " \t "};
    return kSpaces[pick(std::size(kSpaces))];
  }
};

TEST(JsonFrameReaderParity, random_records_read_as_rapidjson_full_precision_read_them) {
  Gen g{std::mt19937_64(99)};
  const Schema schema{{"num", ColumnType::Float64}, {"text", ColumnType::String}, {"flag", ColumnType::Bool}};
  for (int round = 0; round < 60; ++round) {
    std::string json = "[";
    const size_t rows = 1 + g.pick(80);
    for (size_t r = 0; r < rows; ++r) {
      json += (r ? "," : "") + g.space() + "{";
      std::vector<std::string> members;
      if (g.pick(6)) members.push_back("\"num\"" + g.space() + ":" + g.space() + (g.pick(8) ? g.number() : "null"));
      if (g.pick(6)) members.push_back("\"text\":" + g.space() + (g.pick(8) ? g.text() : "null"));
      if (g.pick(6)) members.push_back("\"flag\": " + std::string(g.pick(3) ? (g.pick(2) ? "true" : "false") : "null"));
      std::shuffle(members.begin(), members.end(), g.rng);
      for (size_t m = 0; m < members.size(); ++m) json += (m ? "," + g.space() : g.space()) + members[m];
      json += g.space() + "}";
    }
    json += "]";
    rapidjson::Document ref;
    reference_parse(ref, json);
    ASSERT_FALSE(ref.HasParseError()) << json;
    const Frame f = read_json(json, "t", {.format = JsonFormat::Array, .schema = schema});
    ASSERT_EQ(f.num_rows(), rows);
    for (size_t r = 0; r < rows; ++r) {
      const rapidjson::Value& rec = ref[static_cast<rapidjson::SizeType>(r)];
      auto num = rec.FindMember("num");
      const std::optional<double> got = f.column("num").float64_at(r);
      if (num == rec.MemberEnd() || num->value.IsNull()) {
        EXPECT_FALSE(got) << "row " << r;
      } else {
        ASSERT_TRUE(got) << "row " << r;
        const double want = num->value.GetDouble();
        if (std::isnan(want)) EXPECT_TRUE(std::isnan(*got)) << "row " << r;
        else EXPECT_EQ(std::bit_cast<uint64_t>(*got), std::bit_cast<uint64_t>(want)) << "row " << r << ": " << want << " vs " << *got;
      }
      auto text = rec.FindMember("text");
      const auto got_text = f.column("text").string_at(r);
      if (text == rec.MemberEnd() || text->value.IsNull()) EXPECT_FALSE(got_text);
      else EXPECT_EQ(got_text, std::string_view(text->value.GetString(), text->value.GetStringLength())) << json;
      auto flag = rec.FindMember("flag");
      const Column& flags = f.column("flag");
      EXPECT_EQ(flags.is_null(r), flag == rec.MemberEnd() || flag->value.IsNull());
    }
  }
}

TEST(JsonFrameReaderParity, inferred_integers_beyond_int64_become_floats_as_before) {
  const Frame f = read_json(R"([{"a": 9223372036854775807}, {"a": 9223372036854775808}, {"a": -0}])", "t");
  EXPECT_EQ(f.column("a").type(), ColumnType::Float64);
  EXPECT_EQ(f.column("a").float64_at(0), 9223372036854775807.0);
  EXPECT_EQ(f.column("a").float64_at(1), 9223372036854775808.0);
  EXPECT_EQ(f.column("a").float64_at(2), 0.0);
  const Frame g = read_json(R"([{"a": -0}, {"a": 12}])", "t");
  EXPECT_EQ(g.column("a").type(), ColumnType::Int64);
}

// The message each malformed text gave before (RapidJSON's check, position and wording).
TEST(JsonFrameReaderParity, errors_name_the_same_position_and_reason) {
  const std::pair<std::string, std::string> kCases[] = {
      {"[{\"a\": 1e400}]", "t: line 1, byte 8: invalid JSON: Number too big to be stored in double."},
      {"[{\"a\": 1}, {\"a\": -1e999, \"b\": 2}]", "t: line 1, byte 18: invalid JSON: Number too big to be stored in double."},
      {"[{\"a\": \"x\xff\"}]", "t: line 1, byte 10: invalid JSON: Invalid encoding in string."},
      {"[{\"a\": \"\xed\xa0\x80\"}]", "t: line 1, byte 9: invalid JSON: Invalid encoding in string."},
      {"[{\"a\": \"\xc0\xaf\"}]", "t: line 1, byte 9: invalid JSON: Invalid encoding in string."},
      {"[{\"a\": \"\xf4\x90\x80\x80\"}]", "t: line 1, byte 9: invalid JSON: Invalid encoding in string."},
      {"[{\"a\": 1,}, {\"b\": \"\xff\"}]", "t: line 1, byte 10: invalid JSON: Missing a name for object member."},
      {"[{\"a\": 1},\n {\"a\" 2}]", "t: line 2, byte 7: invalid JSON: Missing a colon after a name of object member."},
      {"[{\"a\": 1, \"b\": 01}]", "t: line 1, byte 17: invalid JSON: Missing a comma or '}' after an object member."},
      {"[{\"a\": 1, \"b\": tru}]", "t: line 1, byte 19: invalid JSON: Invalid value."},
      {"[{\"a\": 1, \"b\": 1e999}]", "t: line 1, byte 16: invalid JSON: Number too big to be stored in double."},
      {"[{\"a\": 1}, {\"a\": 2, \"a\": 1e999}]", "t: record 1: key 'a' appears twice in the record"},
      {"[{\"a\": 1, \"b\": \"x\", \"b\": \"\xff\"}]", "t: record 0: key 'b' appears twice in the record"},
      {"[{\"a\": 1, \"b\": \"x\"}, {\"b\": 2, \"c\": nul}]", "t: line 1, byte 39: invalid JSON: Invalid value."},
  };
  for (const auto& [json, message] : kCases) {
    try {
      read_json(json, "t");
      ADD_FAILURE() << "accepted " << json;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
  try {
    read_json("{\"a\": 1}\n{\"a\": \"\xe2\x82\"}\n", "t.jsonl");
    ADD_FAILURE() << "accepted a truncated sequence";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "t.jsonl: line 2, byte 8: invalid JSON: Invalid encoding in string.");
  }
}

}  // namespace
}  // namespace onnxfn
