// CsvReader: a single pass over the buffer. Unquoted fields are scanned eight bytes at a time,
// quoted fields with memchr; a quoted field without "" escapes is returned as a view of the input.
#include "frame/csv_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "common/error.h"

namespace onnxfn {

CsvReader::CsvReader(std::string_view text, std::string source, char delimiter)
    : text_(text), source_(std::move(source)), delim_(delimiter) {
  if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // UTF-8 byte order mark
  for (unsigned char c : {static_cast<unsigned char>(delimiter), static_cast<unsigned char>('"'),
                          static_cast<unsigned char>('\n'), static_cast<unsigned char>('\r')})
    special_[c] = true;
}

std::string CsvReader::where(size_t field, std::string_view name) const {
  std::string s = source_ + ": line " + std::to_string(row_line_) + ", field " + std::to_string(field + 1);
  if (!name.empty()) s += " ('" + std::string(name) + "')";
  return s;
}

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Bytes of `word` equal to the byte repeated in `pattern` get their high bit set. Bits above the
// lowest match may be false positives (a borrow carries upward), but the lowest one is exact,
// which is all a forward scan needs.
inline uint64_t match_bytes(uint64_t word, uint64_t pattern) {
  const uint64_t x = word ^ pattern;
  return (x - kOnes) & ~x & kHighs;
}

}  // namespace

size_t CsvReader::find_special(size_t i) const {
  const size_t n = text_.size();
  const char* const data = text_.data();
  // Eight bytes per step (SWAR): fields of numbers and short words usually end within the first
  // word, which costs one well-predicted branch instead of a branch per byte.
  if constexpr (std::endian::native == std::endian::little) {
    const uint64_t delim = kOnes * static_cast<unsigned char>(delim_), quote = kOnes * '"', lf = kOnes * '\n',
                   cr = kOnes * '\r';
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, data + i, 8);
      const uint64_t m = match_bytes(w, delim) | match_bytes(w, quote) | match_bytes(w, lf) | match_bytes(w, cr);
      if (m != 0) return i + static_cast<size_t>(std::countr_zero(m)) / 8;
      i += 8;
    }
  }
  while (i < n && !special_[static_cast<unsigned char>(data[i])]) ++i;
  return i;
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  quoted_.clear();
  scratch_.clear();
  patches_.clear();
  const size_t n = text_.size();
  const char* const data = text_.data();
  if (keep_blank_lines_) {
    if (pos_ >= n) return false;
    if (data[pos_] == '\n' || data[pos_] == '\r') {  // a blank line: one unquoted empty field
      row_line_ = line_;
      if (data[pos_] == '\r') ++pos_;
      if (pos_ < n && data[pos_] == '\n') {
        ++pos_;
        ++line_;
      }
      fields.emplace_back();
      quoted_.push_back(0);
      return true;
    }
  } else {
    while (pos_ < n && (data[pos_] == '\n' || data[pos_] == '\r')) {
      if (data[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= n) return false;
  }
  row_line_ = line_;
  for (;;) {
    if (pos_ < n && data[pos_] == '"') {
      const size_t start_line = line_;
      const size_t start = ++pos_;
      bool escaped = false;  // whether the value had "" escapes and lives in scratch_
      size_t scratch_start = scratch_.size();
      for (;;) {
        const char* q = pos_ < n ? static_cast<const char*>(std::memchr(data + pos_, '"', n - pos_)) : nullptr;
        if (!q)
          throw_error(ErrorKind::BadInput, source_ + ": line " + std::to_string(start_line) + ", field " +
                                               std::to_string(fields.size() + 1) + ": quoted field is never closed");
        const size_t end = static_cast<size_t>(q - data);
        line_ += static_cast<size_t>(std::count(data + pos_, q, '\n'));
        if (end + 1 < n && data[end + 1] == '"') {  // "" is an escaped quote
          if (!escaped) {
            escaped = true;
            scratch_start = scratch_.size();
            scratch_.append(data + start, end - start);
          } else {
            scratch_.append(data + pos_, end - pos_);
          }
          scratch_.push_back('"');
          pos_ = end + 2;
          continue;
        }
        if (escaped) scratch_.append(data + pos_, end - pos_);
        else fields.emplace_back(data + start, end - start);
        pos_ = end + 1;  // past the closing quote
        break;
      }
      if (pos_ < n && data[pos_] != delim_ && data[pos_] != '\n' && data[pos_] != '\r')
        throw_error(ErrorKind::BadInput, source_ + ": line " + std::to_string(line_) + ", field " +
                                             std::to_string(fields.size() + (escaped ? 1 : 0)) +
                                             ": unexpected character after a closing quote");
      if (escaped) {
        // scratch_ may still grow (and move) while the row is read: point into it at the end.
        patches_.push_back({fields.size(), scratch_start, scratch_.size() - scratch_start});
        fields.emplace_back();
      }
      quoted_.push_back(1);
    } else {
      const size_t start = pos_;
      const size_t i = find_special(pos_);
      pos_ = i;
      if (i < n && data[i] == '"')
        throw_error(ErrorKind::BadInput, source_ + ": line " + std::to_string(line_) + ", field " +
                                             std::to_string(fields.size() + 1) +
                                             ": a quote inside an unquoted field (quote the whole field and double the quote)");
      fields.emplace_back(data + start, i - start);
      quoted_.push_back(0);
    }
    if (pos_ < n && data[pos_] == delim_) {
      ++pos_;
      if (pos_ >= n || data[pos_] == '\n' || data[pos_] == '\r') {  // trailing delimiter: one more empty field
        fields.emplace_back();
        quoted_.push_back(0);
        break;
      }
      continue;
    }
    break;
  }
  if (pos_ < n && data[pos_] == '\r') ++pos_;
  if (pos_ < n && data[pos_] == '\n') {
    ++pos_;
    ++line_;
  }
  for (const Patch& p : patches_) fields[p.field] = std::string_view(scratch_.data() + p.offset, p.size);
  return true;
}

}  // namespace onnxfn
