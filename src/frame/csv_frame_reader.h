// CSV -> Frame: the CsvReader tokenizer (RFC 4180) plus type inference or a schema.
//
// How to use it:
//   Frame f = read_csv(text, "upload.csv");                 // header row, every type inferred
//   Frame g = read_csv_file("items.csv", {.schema = {{"zip", ColumnType::String}}});
//   Frame h = read_csv(text, "t.tsv", {.delimiter = '\t', .header = false});  // column_1, column_2, ...
//
// Values: an unquoted empty field is a null; a quoted empty field ("") is an empty string (and a
// null in an int64 / float64 / bool column given by the schema, since no number is empty). Spaces
// and tabs around numbers and booleans are ignored; strings keep them. A blank line is skipped,
// except in a one-column CSV, where it is that column's null.
// Types: columns the schema names get its type (int64: parse_int64, float64: parse_float64,
// bool: true/false in any case or 1/0, see value_conversion.h); a value that does not parse is a
// BadInput naming the source, line and column. The other columns are inferred by the rule in
// column_inference.h: int64 if every non-null value is an integer, else float64 if every value is
// a number, else bool if every value is true/false, else string (also for an all-null column).
// Whatever the inferred type, string columns keep each value's exact original text.
#pragma once

#include <string>
#include <string_view>

#include "frame/frame.h"

namespace onnxfn {

struct CsvReadOptions {
  char delimiter = ',';
  bool header = true;  // false: the first row is data and the columns are column_1, column_2, ...
  Schema schema{};       // fixed types for the columns it names (each must exist)
};

Frame read_csv(std::string_view text, const std::string& source, const CsvReadOptions& options = {});
// The source in error messages is the path.
Frame read_csv_file(const std::string& path, const CsvReadOptions& options = {});

}  // namespace onnxfn
