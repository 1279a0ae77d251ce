// RFC 4180 CSV tokenizer over an in-memory buffer: quoted fields with embedded delimiters, quotes
// ("" escapes) and newlines; LF or CRLF row ends; an optional UTF-8 BOM. Fields are views into the
// buffer (or into a per-row scratch buffer for quoted fields that contain "" escapes), so reading
// does not allocate per field. Malformed input throws BadInput naming the source, line and field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onnxfn {

class CsvReader {
 public:
  CsvReader(std::string_view text, std::string source, char delimiter = ',');

  // Reads the next row into `fields` (views valid until the next call). Returns false at the end.
  // Blank lines are skipped. Each field knows whether it was quoted: a quoted empty field is an
  // empty string, an unquoted empty field is a missing value (null).
  bool next(std::vector<std::string_view>& fields);
  bool quoted(size_t field) const { return field < quoted_.size() && quoted_[field]; }

  // By default blank lines are skipped. With keep_blank_lines(true) a blank line is a row of one
  // unquoted empty field: in a one-column CSV that is how a null is written.
  void keep_blank_lines(bool keep) { keep_blank_lines_ = keep; }

  // 1-based line on which the last row returned by next() started.
  size_t line() const { return row_line_; }
  const std::string& source() const { return source_; }

  // "<source>: line <line>, field <field> (<name>)" for error messages.
  std::string where(size_t field, std::string_view name = {}) const;

 private:
  // The first byte at or after i that ends an unquoted field (text size if none).
  size_t find_special(size_t i) const;

  std::string_view text_;
  std::string source_;
  char delim_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t row_line_ = 0;
  bool keep_blank_lines_ = false;
  bool special_[256] = {};             // bytes that end an unquoted field: delimiter, quote, CR, LF
  std::vector<uint8_t> quoted_;
  std::string scratch_;                // unescaped quoted fields of the current row, back to back
  struct Patch {
    size_t field, offset, size;
  };
  std::vector<Patch> patches_;         // fields that point into scratch_ once the row is complete
};

}  // namespace onnxfn
