// read_json: JSON Lines and arrays of records, inference, schemas, nesting and errors naming the
// source, line or record, and key.
#include <gtest/gtest.h>

#include <cmath>

#include "frame/json_frame_reader.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

TEST(JsonFrameReader, reads_json_lines_inferring_each_type) {
  const Frame f = read_json(
      "{\"id\": 1, \"price\": 2.5, \"ok\": true, \"name\": \"a\"}\n"
      "\n"
      "{\"id\": 2, \"price\": 3, \"ok\": false, \"name\": \"日本\"}\n",
      "rows.jsonl");
  EXPECT_EQ(f.schema(), (Schema{{"id", ColumnType::Int64},
                                {"price", ColumnType::Float64},
                                {"ok", ColumnType::Bool},
                                {"name", ColumnType::String}}));
  EXPECT_TRUE(f.column("price").equals(Column::float64({2.5, 3.0})));
  EXPECT_TRUE(f.column("name").equals(Column::string({"a", "日本"})));
}

TEST(JsonFrameReader, reads_an_array_of_records) {
  const Frame f = read_json(" [ {\"a\": 1}, {\"a\": null}, {\"a\": -4} ] ", "body");
  EXPECT_TRUE(f.column("a").equals(Column::int64({1, std::nullopt, -4})));
  EXPECT_EQ(read_json("[]", "body").num_columns(), 0u);
}

TEST(JsonFrameReader, missing_keys_and_keys_first_seen_later_are_null) {
  const Frame f = read_json("{\"a\": 1}\n{\"b\": \"x\"}\n{\"a\": 3, \"b\": \"y\"}\n", "t");
  EXPECT_EQ(f.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(f.column("a").equals(Column::int64({1, std::nullopt, 3})));
  EXPECT_TRUE(f.column("b").equals(Column::string({std::nullopt, "x", "y"})));
}

TEST(JsonFrameReader, mixed_columns_follow_the_inference_rule) {
  const Frame f = read_json(
      "[{\"i\": 1, \"f\": 1, \"s\": 1, \"b\": true, \"n\": null},"
      " {\"i\": 2, \"f\": 0.5, \"s\": \"x\", \"b\": 2.5, \"n\": null}]",
      "t");
  EXPECT_TRUE(f.column("i").equals(Column::int64({1, 2})));
  EXPECT_TRUE(f.column("f").equals(Column::float64({1.0, 0.5})));
  EXPECT_TRUE(f.column("s").equals(Column::string({"1", "x"})));
  EXPECT_TRUE(f.column("b").equals(Column::string({"true", "2.5"})));
  EXPECT_TRUE(f.column("n").equals(Column::nulls(ColumnType::String, 2)));
}

TEST(JsonFrameReader, integers_beyond_int64_are_floats) {
  const Frame f = read_json("{\"x\": 9223372036854775807}\n{\"x\": 18446744073709551615}\n", "t");
  EXPECT_EQ(f.column("x").type(), ColumnType::Float64);
}

TEST(JsonFrameReader, keeps_nested_values_as_compact_json_text) {
  const Frame f = read_json("{\"tags\": [\"a\", {\"k\": [1, 2.5, null]}], \"id\": 1}\n{\"tags\": {}, \"id\": 2}\n", "t");
  EXPECT_TRUE(f.column("tags").equals(Column::string({"[\"a\",{\"k\":[1,2.5,null]}]", "{}"})));
  EXPECT_TRUE(f.column("id").equals(Column::int64({1, 2})));
}

TEST(JsonFrameReader, reads_nan_and_infinity_tokens_as_floats) {
  const Frame f = read_json("[{\"x\": NaN}, {\"x\": -Infinity}, {\"x\": 1.5}]", "t");
  const auto v = f.column("x").float64_values();
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(v[1], -INFINITY);
}

TEST(JsonFrameReader, decodes_escapes_and_embedded_nul) {
  const Frame f = read_json("{\"s\": \"a\\u0000b\\n\\u00e9\\ud83d\\ude42\"}", "t");
  EXPECT_EQ(f.column("s").string_value(0), std::string("a\0b\n\xC3\xA9\xF0\x9F\x99\x82", 10));
}

TEST(JsonFrameReader, schema_converts_by_the_cast_rules_and_adds_unseen_columns) {
  const Frame f = read_json("{\"id\": \"7\", \"x\": 2, \"flag\": 1, \"s\": 2.0}\n{\"id\": 8.0, \"x\": \"1e3\", \"flag\": \"false\", \"s\": true}\n",
                            "t",
                            {.schema = {{"id", ColumnType::Int64},
                                        {"x", ColumnType::Float64},
                                        {"flag", ColumnType::Bool},
                                        {"s", ColumnType::String},
                                        {"extra", ColumnType::Float64}}});
  EXPECT_TRUE(f.column("id").equals(Column::int64({7, 8})));
  EXPECT_TRUE(f.column("x").equals(Column::float64({2.0, 1000.0})));
  EXPECT_TRUE(f.column("flag").equals(Column::boolean({true, false})));
  EXPECT_TRUE(f.column("s").equals(Column::string({"2.0", "true"})));
  EXPECT_TRUE(f.column("extra").equals(Column::nulls(ColumnType::Float64, 2)));
  EXPECT_EQ(f.names().back(), "extra");
}

TEST(JsonFrameReader, schema_errors_name_line_or_record_and_key) {
  const JsonReadOptions ints{.schema = {{"n", ColumnType::Int64}}};
  expect_bad_input([&] { read_json("{\"n\": 1}\n{\"n\": 2.5}\n", "rows.jsonl", ints); },
                   {"rows.jsonl: line 2: key 'n': 2.5 is not an int64"});
  expect_bad_input([&] { read_json("[{\"n\": 1}, {\"n\": \"abc\"}]", "body.json", ints); },
                   {"body.json: record 1: key 'n': \"abc\" is not an int64"});
  expect_bad_input([&] { read_json("{\"n\": [1]}\n", "t", ints); }, {"t: line 1: key 'n': a nested array is not an int64"});
}

TEST(JsonFrameReader, rejects_records_that_are_not_objects) {
  expect_bad_input([] { read_json("{\"a\": 1}\n[1, 2]\n", "t.jsonl"); }, {"t.jsonl: line 2: a line must be a JSON object, found an array"});
  expect_bad_input([] { read_json("[{\"a\": 1}, 5]", "t.json"); }, {"t.json: record 1: record must be a JSON object, found 5"});
  expect_bad_input([] { read_json("{\"a\": 1}", "t.json", {.format = JsonFormat::Array}); },
                   {"t.json: record 0: expected an array of records, found an object"});
  expect_bad_input([] { read_json("\"x\"\n", "t.jsonl"); }, {"t.jsonl: line 1: a line must be a JSON object, found \"x\""});
}

TEST(JsonFrameReader, rejects_duplicate_keys_naming_the_key) {
  expect_bad_input([] { read_json("{\"a\": 1, \"a\": 2}\n", "t"); }, {"t: line 1: key 'a' appears twice in the record"});
}

TEST(JsonFrameReader, syntax_errors_name_line_and_byte) {
  expect_bad_input([] { read_json("{\"a\": 1}\n{\"a\": }\n", "t.jsonl"); }, {"t.jsonl: line 2, byte 7: invalid JSON"});
  expect_bad_input([] { read_json("[{\"a\": 1},\n {\"a\" 2}]", "t.json"); }, {"t.json: line 2, byte 7: invalid JSON", "Missing a colon"});
  expect_bad_input([] { read_json("{\"a\": 1} {\"a\": 2}\n", "t.jsonl"); }, {"t.jsonl: line 1"});
  expect_bad_input([] { read_json("{\"s\": \"\xff\"}\n", "t.jsonl"); }, {"t.jsonl: line 1", "invalid JSON"});
}

TEST(JsonFrameReader, deep_nesting_is_kept_as_text_without_recursion) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const Frame f = read_json("{\"d\": " + deep + "}", "t");
  EXPECT_EQ(f.column("d").string_value(0).size(), deep.size());
}

// Number tokens with hundreds of digits crash RapidJSON 1.1.0's full-precision strtod (found by
// the inference-request fuzzer); common/json_numbers.h rewrites them to the same value first.
// The expected values are what a correctly rounded strtod gives for the literal text.
std::string zeros(size_t n) { return std::string(n, '0'); }

TEST(JsonFrameReader, numbers_with_hundreds_of_digits_read_correctly_rounded) {
  const std::string tiny = "0." + zeros(300) + "123";             // 1.23e-301
  const std::string long_one = "1." + zeros(400) + "1";            // rounds to 1
  const std::string huge_int = "12345678901234567890" + zeros(30);  // 1.2345678901234567e+49
  const std::string below_min = "-0." + zeros(600) + "7";          // underflows to -0
  const Frame f = read_json("[{\"a\": " + tiny + ", \"b\": " + long_one + ", \"c\": " + huge_int +
                                ", \"d\": " + below_min + ", \"s\": \"" + tiny + "\"}]",
                            "long.json");
  EXPECT_EQ(f.column("a").float64_at(0), 1.23e-301);
  EXPECT_EQ(f.column("b").float64_at(0), 1.0);
  EXPECT_EQ(f.column("c").float64_at(0), 1.2345678901234567e+49);
  EXPECT_EQ(f.column("d").float64_at(0), 0.0);
  EXPECT_TRUE(std::signbit(*f.column("d").float64_at(0)));
  EXPECT_EQ(f.column("s").string_at(0), tiny);  // strings are never touched
}

TEST(JsonFrameReader, numbers_with_hundreds_of_digits_beyond_double_are_an_error) {
  expect_bad_input([] { read_json("{\"a\": 1" + zeros(400) + "}\n", "big.jsonl"); },
                   {"big.jsonl: line 1"});
}

}  // namespace
}  // namespace onnxfn
