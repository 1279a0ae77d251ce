// CsvReader, the RFC 4180 tokenizer: quoting, escapes, line ends, BOM, blank lines and errors.
#include <gtest/gtest.h>

#include "frame/csv_reader.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

std::vector<std::vector<std::string>> tokenize(std::string_view text, bool keep_blank = false) {
  CsvReader r(text, "t.csv");
  r.keep_blank_lines(keep_blank);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> rows;
  while (r.next(fields)) rows.emplace_back(fields.begin(), fields.end());
  return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, splits_plain_fields_and_keeps_blanks) {
  EXPECT_EQ(tokenize("a,b,c\n1, 2 ,\n"), (Rows{{"a", "b", "c"}, {"1", " 2 ", ""}}));
}

TEST(CsvReader, unescapes_quoted_fields_with_delimiters_quotes_and_newlines) {
  EXPECT_EQ(tokenize("\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"), (Rows{{"x,y", "say \"hi\"", "two\nlines"}}));
  EXPECT_EQ(tokenize("\"\"\"\",\"a\"\"\"\"b\"\n"), (Rows{{"\"", "a\"\"b"}}));
}

TEST(CsvReader, tells_quoted_empty_from_unquoted_empty) {
  CsvReader r("\"\",,\"a\"", "t.csv");
  std::vector<std::string_view> f;
  ASSERT_TRUE(r.next(f));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_TRUE(r.quoted(0));
  EXPECT_FALSE(r.quoted(1));
  EXPECT_TRUE(r.quoted(2));
  EXPECT_EQ(f[0], "");
  EXPECT_EQ(f[2], "a");
}

TEST(CsvReader, handles_crlf_bom_missing_final_newline_and_trailing_delimiter) {
  EXPECT_EQ(tokenize("\xEF\xBB\xBFh1,h2\r\n1,2\r\n3,"), (Rows{{"h1", "h2"}, {"1", "2"}, {"3", ""}}));
}

TEST(CsvReader, skips_blank_lines_unless_asked_to_keep_them) {
  EXPECT_EQ(tokenize("a\n\n\r\nb\n"), (Rows{{"a"}, {"b"}}));
  EXPECT_EQ(tokenize("a\n\n\r\nb\n", true), (Rows{{"a"}, {""}, {""}, {"b"}}));
}

TEST(CsvReader, reports_the_line_each_row_starts_on) {
  CsvReader r("a\n\"multi\nline\"\nc\n", "t.csv");
  std::vector<std::string_view> f;
  r.next(f);
  EXPECT_EQ(r.line(), 1u);
  r.next(f);
  EXPECT_EQ(r.line(), 2u);
  r.next(f);
  EXPECT_EQ(r.line(), 4u);
  EXPECT_EQ(r.where(0, "col"), "t.csv: line 4, field 1 ('col')");
}

TEST(CsvReader, finds_field_ends_at_every_offset_of_the_eight_byte_scan) {
  for (size_t len = 0; len < 40; ++len) {
    const std::string a(len, 'x'), b(len / 2 + 1, 'y');
    EXPECT_EQ(tokenize(a + "," + b + "\n" + b + "\r\n"), (Rows{{a, b}, {b}})) << len;
  }
}

TEST(CsvReader, uses_another_delimiter) {
  CsvReader r("a\tb,c\n", "t.tsv", '\t');
  std::vector<std::string_view> f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b,c"}));
}

TEST(CsvReader, rejects_malformed_quoting_naming_line_and_field) {
  using testing::expect_bad_input;
  expect_bad_input([] { tokenize("a,b\nc,\"open\n"); }, {"t.csv: line 2, field 2: quoted field is never closed"});
  expect_bad_input([] { tokenize("a,\"q\"x\n"); }, {"t.csv: line 1, field 2: unexpected character after a closing quote"});
  expect_bad_input([] { tokenize("a\nb\"c\n"); }, {"t.csv: line 2, field 1: a quote inside an unquoted field"});
}

}  // namespace
}  // namespace onnxfn
