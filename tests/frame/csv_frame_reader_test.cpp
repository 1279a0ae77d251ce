// read_csv: type inference, nulls vs empty strings, schemas and errors naming file, line and column.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "frame/csv_frame_reader.h"
#include "frame/text_file.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

TEST(CsvFrameReader, infers_int_float_bool_and_string_columns) {
  const Frame f = read_csv("id,price,ok,name\n1,2.5,true,apple\n2,3,FALSE,pear\n", "t.csv");
  EXPECT_EQ(f.schema(), (Schema{{"id", ColumnType::Int64},
                                {"price", ColumnType::Float64},
                                {"ok", ColumnType::Bool},
                                {"name", ColumnType::String}}));
  EXPECT_TRUE(f.column("id").equals(Column::int64({1, 2})));
  EXPECT_TRUE(f.column("price").equals(Column::float64({2.5, 3.0})));
  EXPECT_TRUE(f.column("ok").equals(Column::boolean({true, false})));
  EXPECT_TRUE(f.column("name").equals(Column::string({"apple", "pear"})));
}

TEST(CsvFrameReader, promotes_ints_to_float_when_a_later_value_has_a_fraction) {
  const Frame f = read_csv("x\n1\n\n9007199254740993\n0.5\n", "t.csv");
  // One column: the blank line is a null. The big int converts exactly as its text would parse.
  EXPECT_TRUE(f.column("x").equals(Column::float64({1.0, std::nullopt, 9007199254740992.0, 0.5})));
}

TEST(CsvFrameReader, keeps_original_text_when_a_typed_column_turns_into_string) {
  const Frame f = read_csv("zip,flag,v\n007,true,1.50\n01234,false,2\nA1,maybe,x\n", "t.csv");
  EXPECT_TRUE(f.column("zip").equals(Column::string({"007", "01234", "A1"})));
  EXPECT_TRUE(f.column("flag").equals(Column::string({"true", "false", "maybe"})));
  EXPECT_TRUE(f.column("v").equals(Column::string({"1.50", "2", "x"})));
}

TEST(CsvFrameReader, keeps_original_text_with_nulls_and_quoted_fields_before_the_demotion) {
  const Frame f = read_csv("a,b\n1,\"x,y\"\n,z\n\"2\",\"\"\nword,q\n", "t.csv");
  EXPECT_TRUE(f.column("a").equals(Column::string({"1", std::nullopt, "2", "word"})));
  EXPECT_TRUE(f.column("b").equals(Column::string({"x,y", "z", "", "q"})));
}

TEST(CsvFrameReader, unquoted_empty_is_null_and_quoted_empty_is_an_empty_string) {
  const Frame f = read_csv("s,n\n\"\",\na,1\n,2\n", "t.csv");
  EXPECT_TRUE(f.column("s").equals(Column::string({"", "a", std::nullopt})));
  EXPECT_TRUE(f.column("n").equals(Column::int64({std::nullopt, 1, 2})));
}

TEST(CsvFrameReader, a_quoted_empty_value_makes_an_inferred_number_column_a_string) {
  const Frame f = read_csv("n\n1\n\"\"\n", "t.csv");
  EXPECT_TRUE(f.column("n").equals(Column::string({"1", ""})));
}

TEST(CsvFrameReader, all_null_column_is_a_string_column_of_nulls) {
  const Frame f = read_csv("a,b\n1,\n2,\n", "t.csv");
  EXPECT_TRUE(f.column("b").equals(Column::nulls(ColumnType::String, 2)));
}

TEST(CsvFrameReader, numbers_may_have_blanks_around_them_but_strings_keep_theirs) {
  const Frame f = read_csv("n,s\n 1 , a \n2,b\n", "t.csv");
  EXPECT_TRUE(f.column("n").equals(Column::int64({1, 2})));
  EXPECT_TRUE(f.column("s").equals(Column::string({" a ", "b"})));
}

TEST(CsvFrameReader, reads_nan_and_infinities_as_floats) {
  const Frame f = read_csv("x\nnan\n-inf\n1\n", "t.csv");
  const auto v = f.column("x").float64_values();
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(v[1], -INFINITY);
  EXPECT_EQ(v[2], 1.0);
}

TEST(CsvFrameReader, keeps_unicode_and_multiline_strings) {
  const Frame f = read_csv("name,note\nJosé,\"日本\n🙂\"\n", "t.csv");
  EXPECT_TRUE(f.column("name").equals(Column::string({"José"})));
  EXPECT_TRUE(f.column("note").equals(Column::string({"日本\n🙂"})));
}

TEST(CsvFrameReader, without_a_header_names_columns_by_position) {
  const Frame f = read_csv("1,a\n2,b\n", "t.csv", {.header = false});
  EXPECT_EQ(f.names(), (std::vector<std::string>{"column_1", "column_2"}));
  EXPECT_TRUE(f.column("column_1").equals(Column::int64({1, 2})));
}

TEST(CsvFrameReader, header_only_gives_zero_rows_and_empty_text_gives_an_empty_frame) {
  const Frame f = read_csv("a,b\n", "t.csv", {.schema = {{"a", ColumnType::Float64}}});
  EXPECT_EQ(f.num_rows(), 0u);
  EXPECT_EQ(f.schema(), (Schema{{"a", ColumnType::Float64}, {"b", ColumnType::String}}));
  EXPECT_EQ(read_csv("", "t.csv").num_columns(), 0u);
}

TEST(CsvFrameReader, schema_fixes_types_and_accepts_1_0_booleans) {
  const Frame f = read_csv("zip,n,b\n007,1,1\n,2.0e0,false\n", "t.csv",
                           {.schema = {{"zip", ColumnType::String}, {"n", ColumnType::Float64}, {"b", ColumnType::Bool}}});
  EXPECT_TRUE(f.column("zip").equals(Column::string({"007", std::nullopt})));
  EXPECT_TRUE(f.column("n").equals(Column::float64({1.0, 2.0})));
  EXPECT_TRUE(f.column("b").equals(Column::boolean({true, false})));
}

TEST(CsvFrameReader, quoted_empty_is_null_in_a_typed_number_column) {
  const Frame f = read_csv("n\n\"\"\n3\n", "t.csv", {.schema = {{"n", ColumnType::Int64}}});
  EXPECT_TRUE(f.column("n").equals(Column::int64({std::nullopt, 3})));
}

TEST(CsvFrameReader, cast_errors_name_file_line_and_column) {
  expect_bad_input([] { read_csv("id,price\n1,2\n2,abc\n", "items.csv", {.schema = {{"price", ColumnType::Float64}}}); },
                   {"items.csv: line 3, column 'price': 'abc' is not a float64"});
  expect_bad_input([] { read_csv("a,id\nx,\"multi\nline\"\ny,1.5\n", "g.csv", {.schema = {{"id", ColumnType::Int64}}}); },
                   {"g.csv: line 2, column 'id': 'multi\\nline' is not an int64"});
  expect_bad_input([] { read_csv("b\nyes\n", "b.csv", {.schema = {{"b", ColumnType::Bool}}}); },
                   {"b.csv: line 2, column 'b': 'yes' is not a bool"});
  expect_bad_input([] { read_csv("i\n99999999999999999999\n", "i.csv", {.schema = {{"i", ColumnType::Int64}}}); },
                   {"i.csv: line 2, column 'i'"});
}

TEST(CsvFrameReader, rejects_rows_with_the_wrong_field_count_naming_the_line) {
  expect_bad_input([] { read_csv("a,b\n1,2\n3\n", "t.csv"); }, {"t.csv: line 3 has 1 fields, the header has 2"});
}

TEST(CsvFrameReader, rejects_duplicate_header_names_and_unknown_schema_columns) {
  expect_bad_input([] { read_csv("a,b,a\n1,2,3\n", "t.csv"); }, {"t.csv: line 1: the header names column 'a' twice"});
  expect_bad_input([] { read_csv("a,b\n1,2\n", "t.csv", {.schema = {{"c", ColumnType::Int64}}}); },
                   {"t.csv: the schema names column 'c'", "'a', 'b'"});
}

TEST(CsvFrameReader, tokenizer_errors_name_the_file_and_line) {
  expect_bad_input([] { read_csv("a\n\"open\n", "bad.csv"); }, {"bad.csv: line 2, field 1: quoted field is never closed"});
}

TEST(CsvFrameReader, reads_files_and_names_missing_ones) {
  const std::string path = (std::filesystem::temp_directory_path() / "onnxfn_frame_reader_test.csv").string();
  write_text_file(path, "a\n1\n");
  const Frame f = read_csv_file(path);
  std::remove(path.c_str());
  EXPECT_TRUE(f.column("a").equals(Column::int64({1})));
  expect_bad_input([] { read_csv_file("/nonexistent/x.csv"); }, {"'/nonexistent/x.csv': cannot open"});
}

}  // namespace
}  // namespace onnxfn
