// CsvReader: a single pass over the buffer; unquoted fields are found with memchr-speed scans.
#include "frame/csv_reader.h"

#include <cstring>

#include "common/error.h"

namespace onnxfn {

CsvReader::CsvReader(std::string_view text, std::string source, char delimiter)
    : text_(text), source_(std::move(source)), delim_(delimiter) {
  if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // UTF-8 byte order mark
}

std::string CsvReader::where(size_t field, std::string_view name) const {
  std::string s = source_ + ": line " + std::to_string(row_line_) + ", field " + std::to_string(field + 1);
  if (!name.empty()) s += " ('" + std::string(name) + "')";
  return s;
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  quoted_.clear();
  scratch_.clear();
  const size_t n = text_.size();
  // Skip blank lines.
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;
  row_line_ = line_;
  // Quoted fields are unescaped into scratch_; remember which fields to patch once scratch_ stops
  // growing (its strings may move while it grows).
  std::vector<std::pair<size_t, size_t>> patches;  // field index, scratch index
  for (;;) {
    if (pos_ < n && text_[pos_] == '"') {
      size_t start_line = line_;
      ++pos_;
      std::string value;
      for (;;) {
        if (pos_ >= n)
          throw_error(ErrorKind::BadInput, source_ + ": line " + std::to_string(start_line) + ", field " +
                                               std::to_string(fields.size() + 1) + ": quoted field is never closed");
        const char* q = static_cast<const char*>(std::memchr(text_.data() + pos_, '"', n - pos_));
        size_t end = q ? static_cast<size_t>(q - text_.data()) : n;
        for (size_t i = pos_; i < end; ++i)
          if (text_[i] == '\n') ++line_;
        value.append(text_.data() + pos_, end - pos_);
        pos_ = end;
        if (pos_ >= n) continue;  // reports the unclosed quote above
        if (pos_ + 1 < n && text_[pos_ + 1] == '"') {  // "" is an escaped quote
          value.push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;  // closing quote
        break;
      }
      if (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r')
        throw_error(ErrorKind::BadInput, source_ + ": line " + std::to_string(line_) + ", field " +
                                             std::to_string(fields.size() + 1) +
                                             ": unexpected character after a closing quote");
      patches.emplace_back(fields.size(), scratch_.size());
      scratch_.push_back(std::move(value));
      fields.emplace_back();
      quoted_.push_back(true);
    } else {
      size_t start = pos_;
      while (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        if (text_[pos_] == '"')
          throw_error(ErrorKind::BadInput, source_ + ": line " + std::to_string(line_) + ", field " +
                                               std::to_string(fields.size() + 1) +
                                               ": a quote inside an unquoted field (quote the whole field and double the quote)");
        ++pos_;
      }
      fields.emplace_back(text_.data() + start, pos_ - start);
      quoted_.push_back(false);
    }
    if (pos_ < n && text_[pos_] == delim_) {
      ++pos_;
      if (pos_ >= n || text_[pos_] == '\n' || text_[pos_] == '\r') {  // trailing delimiter: one more empty field
        fields.emplace_back();
        quoted_.push_back(false);
        break;
      }
      continue;
    }
    break;
  }
  if (pos_ < n && text_[pos_] == '\r') ++pos_;
  if (pos_ < n && text_[pos_] == '\n') {
    ++pos_;
    ++line_;
  }
  for (auto [f, s] : patches) fields[f] = scratch_[s];
  return true;
}

}  // namespace onnxfn
