// Frame -> CSV (RFC 4180) that read_csv reads back to the same frame when given frame.schema().
//
// How to use it:
//   std::string text = write_csv(frame);                         // header, ',' and "\n"
//   write_csv_file(frame, "out.csv", {.header = false});
//
// A field is quoted only when it must be: it contains the delimiter, a quote, CR or LF, or it is
// an empty string (an unquoted empty field is a null). Nulls are empty fields. Floats are written
// in their shortest round-trip form with ".0" on integral values (value_conversion.h), and
// nan / inf / -inf; bools as true / false.
#pragma once

#include <string>
#include <string_view>

#include "frame/frame.h"

namespace onnxfn {

struct CsvWriteOptions {
  char delimiter = ',';
  bool header = true;
  std::string_view line_end = "\n";  // "\r\n" for the RFC's CRLF
};

std::string write_csv(const Frame& frame, const CsvWriteOptions& options = {});
// Appends to `out`, e.g. one chunk after another.
void append_csv(std::string& out, const Frame& frame, const CsvWriteOptions& options = {});
void write_csv_file(const Frame& frame, const std::string& path, const CsvWriteOptions& options = {});

}  // namespace onnxfn
