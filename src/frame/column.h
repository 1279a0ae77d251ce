// Column: one typed, contiguous vector of values plus an optional validity vector (nulls); the
// unit a Frame is made of. Strings live in one character buffer with offsets, so building a string
// column appends bytes instead of allocating a std::string per value.
//
// How to use it:
//   Column ids = Column::int64({1, std::nullopt, 3});         // small columns from optional values
//   Column price(ColumnType::Float64);                         // building: reserve, then append_*
//   price.reserve(n);
//   price.append_float64(9.5);
//   price.append_null();
//   std::span<const double> v = price.float64_values();        // hot loops: typed span + is_null(i)
//   for (size_t i = 0; i < v.size(); ++i)
//     if (!price.is_null(i)) total += v[i];
//   std::optional<std::string_view> s = names.string_at(2);   // null-aware access to one value
//   Column picked = ids.take(rows);                            // rows[i] == Column::kNullRow: a null
//
// A null slot holds the zero value (0, 0.0, false, "") so typed spans are always readable; only
// is_null() says whether the slot means anything. NaN is a float64 value, not a null.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace onnxfn {

enum class ColumnType : uint8_t { Int64, Float64, String, Bool };

// "int64", "float64", "string", "bool": the names used in schemas and error messages.
std::string_view column_type_name(ColumnType type);
// The inverse of column_type_name (also accepts "int", "float", "double", "str", "boolean").
std::optional<ColumnType> parse_column_type(std::string_view name);

class Column {
 public:
  // In take(): a row index that produces a null (used by left joins for unmatched rows).
  static constexpr size_t kNullRow = std::numeric_limits<size_t>::max();

  explicit Column(ColumnType type = ColumnType::Int64);

  // Small columns from optional values (tests, literals, expression results).
  static Column int64(const std::vector<std::optional<int64_t>>& values);
  static Column float64(const std::vector<std::optional<double>>& values);
  static Column boolean(const std::vector<std::optional<bool>>& values);
  static Column string(const std::vector<std::optional<std::string_view>>& values);
  // A column of `rows` nulls.
  static Column nulls(ColumnType type, size_t rows);

  // Adopting finished vectors without copying. `validity` is empty (no nulls) or one byte per
  // row, 1 = value, 0 = null. Strings: offsets.size() == rows + 1, offsets[0] == 0, ascending,
  // offsets.back() == chars.size(). Bools are 0 or 1.
  static Column from_int64(std::vector<int64_t> values, std::vector<uint8_t> validity = {});
  static Column from_float64(std::vector<double> values, std::vector<uint8_t> validity = {});
  // Columns without nulls that read the caller's memory instead of copying it (the Python
  // package hands NumPy / Arrow buffers over this way). The caller keeps the memory alive and
  // unchanged while this column, or any copy of it, lives; appending to such a column first
  // copies the values into its own storage.
  static Column borrow_int64(std::span<const int64_t> values);
  static Column borrow_float64(std::span<const double> values);
  bool is_borrowed() const { return borrowed_ != nullptr; }
  static Column from_bool(std::vector<uint8_t> values, std::vector<uint8_t> validity = {});
  static Column from_strings(std::string chars, std::vector<uint64_t> offsets, std::vector<uint8_t> validity = {});

  ColumnType type() const { return type_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  bool is_null(size_t row) const { return !valid_.empty() && valid_[row] == 0; }
  bool has_nulls() const { return null_count_ != 0; }
  size_t null_count() const { return null_count_; }
  // Empty when the column has no nulls; otherwise one byte per row, 1 = value, 0 = null.
  std::span<const uint8_t> validity() const { return valid_; }

  // Typed views (the column must have that type; null slots read as zero / empty).
  std::span<const int64_t> int64_values() const;
  std::span<const double> float64_values() const;
  std::span<const uint8_t> bool_values() const;
  std::string_view string_value(size_t row) const {
    check_type(ColumnType::String);
    return std::string_view(chars_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  // The raw string storage: value i is chars[offsets[i], offsets[i + 1]).
  std::string_view string_chars() const { return chars_; }
  std::span<const uint64_t> string_offsets() const { return offsets_; }

  // Null-aware access to one value (std::nullopt for a null); the row must be in range.
  std::optional<int64_t> int64_at(size_t row) const;
  std::optional<double> float64_at(size_t row) const;
  std::optional<bool> bool_at(size_t row) const;
  std::optional<std::string_view> string_at(size_t row) const;

  // Building. Each append_* requires the matching type; append_null works for every type.
  void reserve(size_t rows, size_t string_bytes = 0);
  void append_int64(int64_t v) {
    check_type(ColumnType::Int64);
    if (borrowed_) own_values();
    i64_.push_back(v);
    mark_valid();
  }
  void append_float64(double v) {
    check_type(ColumnType::Float64);
    if (borrowed_) own_values();
    f64_.push_back(v);
    mark_valid();
  }
  void append_bool(bool v) {
    check_type(ColumnType::Bool);
    b8_.push_back(v ? 1 : 0);
    mark_valid();
  }
  void append_string(std::string_view v) {
    check_type(ColumnType::String);
    chars_.append(v);
    offsets_.push_back(chars_.size());
    mark_valid();
  }
  void append_null();
  // Appends row `row` of `other` (same type), null or not.
  void append_from(const Column& other, size_t row);
  // Appends every row of `other` (same type).
  void append_column(const Column& other);

  // Rows [offset, offset + count) clipped to the column's end.
  Column slice(size_t offset, size_t count) const;
  // Row rows[i] of this column for each i (kNullRow gives a null); rows must be in range.
  Column take(std::span<const size_t> rows) const;

  // Same type, size, nulls and values; float64 values compare by bits, except that every NaN
  // equals every other NaN.
  bool equals(const Column& other) const;

 private:
  void check_type(ColumnType expected) const {
    if (type_ != expected) type_mismatch(expected);
  }
  [[noreturn]] void type_mismatch(ColumnType expected) const;
  void mark_valid() {
    if (!valid_.empty()) valid_.push_back(1);
    ++size_;
  }
  void adopt_validity(std::vector<uint8_t> validity);
  void own_values();  // a borrowed column's values copied into i64_ / f64_

  ColumnType type_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  // Exactly one of these holds the values, by type_ (separate members rather than a variant keep
  // the hot append/read paths free of visitation).
  std::vector<int64_t> i64_;
  std::vector<double> f64_;
  std::vector<uint8_t> b8_;
  std::string chars_;
  std::vector<uint64_t> offsets_;  // strings: size_ + 1 entries
  std::vector<uint8_t> valid_;     // empty while the column has no nulls
  const void* borrowed_ = nullptr; // the caller's int64 / float64 values instead of i64_ / f64_
};

}  // namespace onnxfn
