// CSV writing row by row into one growing string; numbers go through std::to_chars directly.
#include "frame/csv_writer.h"

#include "frame/text_file.h"
#include "frame/value_conversion.h"

namespace onnxfn {
namespace {

void append_field(std::string& out, std::string_view s, char delimiter) {
  bool quote = s.empty();
  for (char ch : s) {
    if (ch == delimiter || ch == '"' || ch == '\n' || ch == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace

void append_csv(std::string& out, const Frame& frame, const CsvWriteOptions& options) {
  const size_t columns = frame.num_columns();
  if (columns == 0) return;
  if (options.header) {
    for (size_t c = 0; c < columns; ++c) {
      if (c) out += options.delimiter;
      append_field(out, frame.name(c), options.delimiter);
    }
    out += options.line_end;
  }
  for (size_t row = 0; row < frame.num_rows(); ++row) {
    for (size_t c = 0; c < columns; ++c) {
      if (c) out += options.delimiter;
      const Column& col = frame.column(c);
      if (col.is_null(row)) continue;
      if (col.type() == ColumnType::String) append_field(out, col.string_value(row), options.delimiter);
      else append_value_text(out, col, row);
    }
    out += options.line_end;
  }
}

std::string write_csv(const Frame& frame, const CsvWriteOptions& options) {
  std::string out;
  append_csv(out, frame, options);
  return out;
}

void write_csv_file(const Frame& frame, const std::string& path, const CsvWriteOptions& options) {
  write_text_file(path, write_csv(frame, options));
}

}  // namespace onnxfn
