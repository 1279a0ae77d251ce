// JSON -> Frame: JSON Lines (one object per line) or a JSON array of objects, each object a row
// and each key a column; types inferred or given by a schema.
//
// How to use it:
//   Frame f = read_json(body, "request");                            // format detected: '[' = array
//   Frame g = read_json_file("rows.jsonl", {.format = JsonFormat::Lines,
//                                           .schema = {{"id", ColumnType::Int64}}});
//
// Columns appear in the order their keys are first seen; schema columns never seen are added at
// the end, all null. A null or a missing key is a null. Nested arrays and objects are kept as
// their compact JSON text in a string column. NaN, Infinity and -Infinity tokens (as Python's json
// module writes them) are read as float64 values.
// Types: a column the schema names gets its type, converting values by the cast rules
// (value_conversion.h: numbers <-> strings as text, integral floats to int64, 0/1 and true/false to
// bool); a value that does not convert is a BadInput. The other columns are inferred by the rule in
// column_inference.h: int64 if every value is an integer number, else float64 if every value is a
// number, else bool if every value is true/false, else string (numbers and booleans in a string
// column become their text; an all-null column is a string column).
// Errors name the source and the line (JSON Lines, from 1) or the record index (arrays, from 0),
// and the key.
#pragma once

#include <string>
#include <string_view>

#include "frame/frame.h"

namespace onnxfn {

enum class JsonFormat {
  Auto,   // an array if the first non-blank character is '[', JSON Lines otherwise
  Lines,  // one object per line; blank lines are skipped
  Array,  // one array of objects
};

struct JsonReadOptions {
  JsonFormat format = JsonFormat::Auto;
  Schema schema{};  // fixed types for the columns it names
};

Frame read_json(std::string_view text, const std::string& source, const JsonReadOptions& options = {});
// The source in error messages is the path.
Frame read_json_file(const std::string& path, const JsonReadOptions& options = {});

}  // namespace onnxfn
