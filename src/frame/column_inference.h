// InferringColumn: builds a column whose type is discovered from its values, the one place the
// type-inference rule of the CSV and JSON readers lives.
//
// The rule, over a column's non-null values:
//   int64    if every value is an integer (CSV: parse_int64 accepts the text; JSON: an integer
//            number that fits in int64),
//   float64  else if every value is a number (CSV: parse_float64, which includes nan / inf;
//            JSON: any number, including NaN / Infinity tokens),
//   bool     else if every value is a boolean (CSV: true / false in any case; JSON: true / false),
//   string   otherwise, and also for a column with no non-null values at all.
// Integers promoted to float64 convert exactly as the text would have parsed (both round to
// nearest). When a column turns into string after typed values, those earlier values are
// re-formatted as text (value_conversion.h); demoted_at() tells a reader that has the original
// text (CSV) which rows to replace.
//
// How to use it:
//   InferringColumn c;
//   c.add_text("1"); c.add_null(); c.add_text("2.5");   // int64, then promoted to float64
//   Column done = std::move(c).finish();                 // float64 {1.0, null, 2.5}
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "frame/column.h"

namespace onnxfn {

class InferringColumn {
 public:
  enum class State { Empty, Int64, Float64, Bool, String };
  static constexpr size_t kNever = std::numeric_limits<size_t>::max();

  // Rows the column will probably have: reserved once the type is known.
  void expect_rows(size_t rows) { expected_rows_ = rows; }

  void add_null();
  // Text from a CSV field (not an unquoted empty field, which is a null).
  void add_text(std::string_view text);
  // Typed values from JSON.
  void add_int64(int64_t v);
  void add_float64(double v);
  void add_bool(bool v);
  void add_string(std::string_view v);

  State state() const { return state_; }
  size_t size() const { return state_ == State::Empty ? pending_nulls_ : column_.size(); }
  // The row count when the column turned into string from int64 / float64 / bool (kNever if it
  // did not): rows before it hold re-formatted values, not the original text.
  size_t demoted_at() const { return demoted_at_; }

  // The finished column (a column that saw only nulls is a string column of nulls).
  Column finish() &&;

 private:
  void start(ColumnType type);
  void promote_to_float64();
  void demote_to_string();

  State state_ = State::Empty;
  size_t pending_nulls_ = 0;  // nulls seen while the type was still unknown
  size_t demoted_at_ = kNever;
  size_t expected_rows_ = 0;
  Column column_;
};

}  // namespace onnxfn
