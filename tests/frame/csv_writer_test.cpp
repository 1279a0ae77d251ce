// write_csv: quoting only when needed, nulls as empty fields, shortest round-trip floats.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "frame/csv_writer.h"

namespace onnxfn {
namespace {

TEST(CsvWriter, writes_header_and_values_quoting_only_when_needed) {
  const Frame f({{"id", Column::int64({1, std::nullopt, -3})},
                 {"name", Column::string({"plain", "a,b", "say \"hi\""})},
                 {"note", Column::string({"", std::nullopt, "two\nlines"})}});
  EXPECT_EQ(write_csv(f), "id,name,note\n1,plain,\"\"\n,\"a,b\",\n-3,\"say \"\"hi\"\"\",\"two\nlines\"\n");
}

TEST(CsvWriter, writes_floats_shortest_with_a_fraction_and_special_values) {
  const Frame f({{"x", Column::float64({1.0, 0.1, 1e100, -0.0, std::nan(""), std::numeric_limits<double>::infinity()})},
                 {"b", Column::boolean({true, false, std::nullopt, true, true, false})}});
  EXPECT_EQ(write_csv(f), "x,b\n1.0,true\n0.1,false\n1e+100,\n-0.0,true\nnan,true\ninf,false\n");
}

TEST(CsvWriter, options_drop_the_header_and_change_delimiter_and_line_end) {
  const Frame f({{"a", Column::string({"x\ty", "z"})}, {"b", Column::int64({1, 2})}});
  EXPECT_EQ(write_csv(f, {.delimiter = '\t', .header = false, .line_end = "\r\n"}), "\"x\ty\"\t1\r\nz\t2\r\n");
}

TEST(CsvWriter, one_column_nulls_are_blank_lines_and_header_names_are_quoted_when_needed) {
  const Frame f({{"a,b", Column::int64({std::nullopt, 5})}});
  EXPECT_EQ(write_csv(f), "\"a,b\"\n\n5\n");
}

TEST(CsvWriter, quotes_carriage_returns_and_appends_chunks) {
  std::string out;
  const Frame f({{"s", Column::string({"a\rb"})}});
  append_csv(out, f);
  append_csv(out, f, {.header = false});
  EXPECT_EQ(out, "s\n\"a\rb\"\n\"a\rb\"\n");
}

TEST(CsvWriter, empty_frames_write_only_a_header) {
  EXPECT_EQ(write_csv(Frame({{"a", Column(ColumnType::Int64)}})), "a\n");
  EXPECT_EQ(write_csv(Frame()), "");
}

}  // namespace
}  // namespace onnxfn
