// Column storage: construction, typed access, appends, slicing and taking rows.
#include "frame/column.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace onnxfn {

std::string_view column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::Int64: return "int64";
    case ColumnType::Float64: return "float64";
    case ColumnType::String: return "string";
    case ColumnType::Bool: return "bool";
  }
  return "unknown";
}

std::optional<ColumnType> parse_column_type(std::string_view name) {
  if (name == "int64" || name == "int") return ColumnType::Int64;
  if (name == "float64" || name == "float" || name == "double") return ColumnType::Float64;
  if (name == "string" || name == "str") return ColumnType::String;
  if (name == "bool" || name == "boolean") return ColumnType::Bool;
  return std::nullopt;
}

Column::Column(ColumnType type) : type_(type) {
  if (type_ == ColumnType::String) offsets_.push_back(0);
}

void Column::type_mismatch(ColumnType expected) const {
  throw_error(ErrorKind::Internal, "internal error: " + std::string(column_type_name(type_)) + " column used as " +
                                       std::string(column_type_name(expected)));
}

namespace {

template <class T, class Append>
Column from_optionals(ColumnType type, const std::vector<std::optional<T>>& values, Append append) {
  Column c(type);
  c.reserve(values.size());
  for (const auto& v : values) {
    if (v) append(c, *v);
    else c.append_null();
  }
  return c;
}

}  // namespace

Column Column::int64(const std::vector<std::optional<int64_t>>& values) {
  return from_optionals(ColumnType::Int64, values, [](Column& c, int64_t v) { c.append_int64(v); });
}
Column Column::float64(const std::vector<std::optional<double>>& values) {
  return from_optionals(ColumnType::Float64, values, [](Column& c, double v) { c.append_float64(v); });
}
Column Column::boolean(const std::vector<std::optional<bool>>& values) {
  return from_optionals(ColumnType::Bool, values, [](Column& c, bool v) { c.append_bool(v); });
}
Column Column::string(const std::vector<std::optional<std::string_view>>& values) {
  return from_optionals(ColumnType::String, values, [](Column& c, std::string_view v) { c.append_string(v); });
}

Column Column::nulls(ColumnType type, size_t rows) {
  Column c(type);
  switch (type) {
    case ColumnType::Int64: c.i64_.assign(rows, 0); break;
    case ColumnType::Float64: c.f64_.assign(rows, 0.0); break;
    case ColumnType::Bool: c.b8_.assign(rows, 0); break;
    case ColumnType::String: c.offsets_.assign(rows + 1, 0); break;
  }
  c.size_ = rows;
  if (rows != 0) {
    c.valid_.assign(rows, 0);
    c.null_count_ = rows;
  }
  return c;
}

void Column::adopt_validity(std::vector<uint8_t> validity) {
  if (validity.empty()) return;
  ONNXFN_ASSERT(validity.size() == size_);
  size_t valid = 0;
  for (uint8_t& v : validity) {
    v = v != 0;
    valid += v;
  }
  if (valid == size_) return;  // no nulls: keep the cheaper representation
  null_count_ = size_ - valid;
  valid_ = std::move(validity);
}

Column Column::from_int64(std::vector<int64_t> values, std::vector<uint8_t> validity) {
  Column c(ColumnType::Int64);
  c.size_ = values.size();
  c.i64_ = std::move(values);
  c.adopt_validity(std::move(validity));
  return c;
}

Column Column::from_float64(std::vector<double> values, std::vector<uint8_t> validity) {
  Column c(ColumnType::Float64);
  c.size_ = values.size();
  c.f64_ = std::move(values);
  c.adopt_validity(std::move(validity));
  return c;
}

Column Column::from_bool(std::vector<uint8_t> values, std::vector<uint8_t> validity) {
  Column c(ColumnType::Bool);
  for (uint8_t& v : values) v = v != 0;
  c.size_ = values.size();
  c.b8_ = std::move(values);
  c.adopt_validity(std::move(validity));
  return c;
}

Column Column::from_strings(std::string chars, std::vector<uint64_t> offsets, std::vector<uint8_t> validity) {
  ONNXFN_ASSERT(!offsets.empty() && offsets.front() == 0 && offsets.back() == chars.size());
  ONNXFN_ASSERT(std::is_sorted(offsets.begin(), offsets.end()));
  Column c(ColumnType::String);
  c.size_ = offsets.size() - 1;
  c.chars_ = std::move(chars);
  c.offsets_ = std::move(offsets);
  c.adopt_validity(std::move(validity));
  return c;
}

Column Column::borrow_int64(std::span<const int64_t> values) {
  Column c(ColumnType::Int64);
  c.size_ = values.size();
  c.borrowed_ = values.data();
  return c;
}

Column Column::borrow_float64(std::span<const double> values) {
  Column c(ColumnType::Float64);
  c.size_ = values.size();
  c.borrowed_ = values.data();
  return c;
}

void Column::own_values() {
  if (!borrowed_) return;
  if (type_ == ColumnType::Int64) {
    const auto* v = static_cast<const int64_t*>(borrowed_);
    i64_.assign(v, v + size_);
  } else {
    const auto* v = static_cast<const double*>(borrowed_);
    f64_.assign(v, v + size_);
  }
  borrowed_ = nullptr;
}

std::span<const int64_t> Column::int64_values() const {
  check_type(ColumnType::Int64);
  if (borrowed_) return {static_cast<const int64_t*>(borrowed_), size_};
  return i64_;
}
std::span<const double> Column::float64_values() const {
  check_type(ColumnType::Float64);
  if (borrowed_) return {static_cast<const double*>(borrowed_), size_};
  return f64_;
}
std::span<const uint8_t> Column::bool_values() const {
  check_type(ColumnType::Bool);
  return b8_;
}

std::optional<int64_t> Column::int64_at(size_t row) const {
  check_type(ColumnType::Int64);
  ONNXFN_ASSERT(row < size_);
  if (is_null(row)) return std::nullopt;
  return int64_values()[row];
}
std::optional<double> Column::float64_at(size_t row) const {
  check_type(ColumnType::Float64);
  ONNXFN_ASSERT(row < size_);
  if (is_null(row)) return std::nullopt;
  return float64_values()[row];
}
std::optional<bool> Column::bool_at(size_t row) const {
  check_type(ColumnType::Bool);
  ONNXFN_ASSERT(row < size_);
  if (is_null(row)) return std::nullopt;
  return b8_[row] != 0;
}
std::optional<std::string_view> Column::string_at(size_t row) const {
  check_type(ColumnType::String);
  ONNXFN_ASSERT(row < size_);
  if (is_null(row)) return std::nullopt;
  return string_value(row);
}

void Column::reserve(size_t rows, size_t string_bytes) {
  own_values();
  switch (type_) {
    case ColumnType::Int64: i64_.reserve(rows); break;
    case ColumnType::Float64: f64_.reserve(rows); break;
    case ColumnType::Bool: b8_.reserve(rows); break;
    case ColumnType::String:
      offsets_.reserve(rows + 1);
      chars_.reserve(string_bytes);
      break;
  }
}

void Column::append_null() {
  own_values();
  switch (type_) {
    case ColumnType::Int64: i64_.push_back(0); break;
    case ColumnType::Float64: f64_.push_back(0.0); break;
    case ColumnType::Bool: b8_.push_back(0); break;
    case ColumnType::String: offsets_.push_back(chars_.size()); break;
  }
  if (valid_.empty()) {
    valid_.reserve(std::max(i64_.capacity(), std::max(f64_.capacity(), std::max(b8_.capacity(), offsets_.capacity()))));
    valid_.assign(size_, 1);
  }
  valid_.push_back(0);
  ++null_count_;
  ++size_;
}

void Column::append_from(const Column& other, size_t row) {
  check_type(other.type_);
  if (other.is_null(row)) {
    append_null();
    return;
  }
  switch (type_) {
    case ColumnType::Int64: append_int64(other.int64_values()[row]); break;
    case ColumnType::Float64: append_float64(other.float64_values()[row]); break;
    case ColumnType::Bool: append_bool(other.b8_[row] != 0); break;
    case ColumnType::String: append_string(other.string_value(row)); break;
  }
}

void Column::append_column(const Column& other) {
  check_type(other.type_);
  if (other.has_nulls() || has_nulls()) {
    if (valid_.empty()) valid_.assign(size_, 1);
    if (other.valid_.empty()) valid_.insert(valid_.end(), other.size_, 1);
    else valid_.insert(valid_.end(), other.valid_.begin(), other.valid_.end());
  }
  switch (type_) {
    case ColumnType::Int64: {
      own_values();
      const auto v = other.int64_values();  // read after own_values: `other` may be this column
      i64_.insert(i64_.end(), v.begin(), v.end());
      break;
    }
    case ColumnType::Float64: {
      own_values();
      const auto v = other.float64_values();
      f64_.insert(f64_.end(), v.begin(), v.end());
      break;
    }
    case ColumnType::Bool: b8_.insert(b8_.end(), other.b8_.begin(), other.b8_.end()); break;
    case ColumnType::String: {
      const uint64_t base = chars_.size();
      chars_.append(other.chars_);
      offsets_.reserve(offsets_.size() + other.size_);
      for (size_t i = 1; i < other.offsets_.size(); ++i) offsets_.push_back(base + other.offsets_[i]);
      break;
    }
  }
  size_ += other.size_;
  null_count_ += other.null_count_;
}

Column Column::slice(size_t offset, size_t count) const {
  const size_t begin = std::min(offset, size_);
  const size_t end = begin + std::min(count, size_ - begin);
  Column c(type_);
  c.size_ = end - begin;
  switch (type_) {
    case ColumnType::Int64: c.i64_.assign(int64_values().begin() + begin, int64_values().begin() + end); break;
    case ColumnType::Float64: c.f64_.assign(float64_values().begin() + begin, float64_values().begin() + end); break;
    case ColumnType::Bool: c.b8_.assign(b8_.begin() + begin, b8_.begin() + end); break;
    case ColumnType::String: {
      const uint64_t base = offsets_[begin];
      c.chars_.assign(chars_, base, offsets_[end] - base);
      c.offsets_.resize(c.size_ + 1);
      for (size_t i = 0; i <= c.size_; ++i) c.offsets_[i] = offsets_[begin + i] - base;
      break;
    }
  }
  if (!valid_.empty()) c.adopt_validity(std::vector<uint8_t>(valid_.begin() + begin, valid_.begin() + end));
  return c;
}

namespace {

template <class T>
std::vector<T> take_values(std::span<const T> values, std::span<const size_t> rows) {
  std::vector<T> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = rows[i] == Column::kNullRow ? T{} : values[rows[i]];
  return out;
}

}  // namespace

Column Column::take(std::span<const size_t> rows) const {
  std::vector<uint8_t> validity;
  bool any_missing = false;
  for (size_t r : rows) {
    if (r == kNullRow) {
      any_missing = true;
      continue;
    }
    ONNXFN_ASSERT(r < size_);
  }
  if (any_missing || has_nulls()) {
    validity.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) validity[i] = rows[i] != kNullRow && !is_null(rows[i]);
  }
  switch (type_) {
    case ColumnType::Int64: return from_int64(take_values(int64_values(), rows), std::move(validity));
    case ColumnType::Float64: return from_float64(take_values(float64_values(), rows), std::move(validity));
    case ColumnType::Bool: return from_bool(take_values(bool_values(), rows), std::move(validity));
    case ColumnType::String: {
      size_t bytes = 0;
      for (size_t r : rows)
        if (r != kNullRow) bytes += offsets_[r + 1] - offsets_[r];
      std::string chars;
      chars.reserve(bytes);
      std::vector<uint64_t> offsets;
      offsets.reserve(rows.size() + 1);
      offsets.push_back(0);
      for (size_t r : rows) {
        if (r != kNullRow) chars.append(chars_, offsets_[r], offsets_[r + 1] - offsets_[r]);
        offsets.push_back(chars.size());
      }
      return from_strings(std::move(chars), std::move(offsets), std::move(validity));
    }
  }
  return Column(type_);
}

bool Column::equals(const Column& other) const {
  if (type_ != other.type_ || size_ != other.size_ || null_count_ != other.null_count_) return false;
  const std::span<const int64_t> i64 = type_ == ColumnType::Int64 ? int64_values() : std::span<const int64_t>();
  const std::span<const int64_t> other_i64 = type_ == ColumnType::Int64 ? other.int64_values() : std::span<const int64_t>();
  const std::span<const double> f64 = type_ == ColumnType::Float64 ? float64_values() : std::span<const double>();
  const std::span<const double> other_f64 = type_ == ColumnType::Float64 ? other.float64_values() : std::span<const double>();
  for (size_t i = 0; i < size_; ++i) {
    if (is_null(i) != other.is_null(i)) return false;
    if (is_null(i)) continue;
    switch (type_) {
      case ColumnType::Int64:
        if (i64[i] != other_i64[i]) return false;
        break;
      case ColumnType::Float64: {
        const double a = f64[i], b = other_f64[i];
        if (a != a && b != b) break;  // NaN == NaN here: equality of data, not IEEE comparison
        if (std::memcmp(&a, &b, sizeof a) != 0) return false;
        break;
      }
      case ColumnType::Bool:
        if (b8_[i] != other.b8_[i]) return false;
        break;
      case ColumnType::String:
        if (string_value(i) != other.string_value(i)) return false;
        break;
    }
  }
  return true;
}

}  // namespace onnxfn
