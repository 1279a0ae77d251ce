// InferringColumn: the type-inference state machine (see column_inference.h for the rule).
#include "frame/column_inference.h"

#include <algorithm>
#include <string>

#include "frame/value_conversion.h"

namespace onnxfn {

void InferringColumn::start(ColumnType type) {
  column_ = Column::nulls(type, pending_nulls_);
  column_.reserve(std::max(expected_rows_, pending_nulls_ + 1));
  pending_nulls_ = 0;
  switch (type) {
    case ColumnType::Int64: state_ = State::Int64; break;
    case ColumnType::Float64: state_ = State::Float64; break;
    case ColumnType::Bool: state_ = State::Bool; break;
    case ColumnType::String: state_ = State::String; break;
  }
}

void InferringColumn::promote_to_float64() {
  const auto ints = column_.int64_values();
  std::vector<double> values(ints.begin(), ints.end());
  std::vector<uint8_t> validity(column_.validity().begin(), column_.validity().end());
  column_ = Column::from_float64(std::move(values), std::move(validity));
  state_ = State::Float64;
}

void InferringColumn::demote_to_string() {
  Column text(ColumnType::String);
  text.reserve(column_.size() + 1, column_.size() * 8);
  std::string buf;
  for (size_t i = 0; i < column_.size(); ++i) {
    if (column_.is_null(i)) {
      text.append_null();
      continue;
    }
    buf.clear();
    append_value_text(buf, column_, i);
    text.append_string(buf);
  }
  demoted_at_ = column_.size();
  column_ = std::move(text);
  state_ = State::String;
}

void InferringColumn::add_null() {
  if (state_ == State::Empty) ++pending_nulls_;
  else column_.append_null();
}

void InferringColumn::add_text(std::string_view text) {
  switch (state_) {
    case State::String: column_.append_string(text); return;
    case State::Int64:
      if (auto v = parse_int64(text)) {
        column_.append_int64(*v);
        return;
      }
      if (auto d = parse_float64(text)) {
        promote_to_float64();
        column_.append_float64(*d);
        return;
      }
      break;
    case State::Float64:
      if (auto d = parse_float64(text)) {
        column_.append_float64(*d);
        return;
      }
      break;
    case State::Bool:
      if (auto b = parse_bool_word(text)) {
        column_.append_bool(*b);
        return;
      }
      break;
    case State::Empty:
      if (auto v = parse_int64(text)) {
        start(ColumnType::Int64);
        column_.append_int64(*v);
      } else if (auto d = parse_float64(text)) {
        start(ColumnType::Float64);
        column_.append_float64(*d);
      } else if (auto b = parse_bool_word(text)) {
        start(ColumnType::Bool);
        column_.append_bool(*b);
      } else {
        start(ColumnType::String);
        column_.append_string(text);
      }
      return;
  }
  demote_to_string();
  column_.append_string(text);
}

void InferringColumn::add_int64(int64_t v) {
  switch (state_) {
    case State::Empty: start(ColumnType::Int64); [[fallthrough]];
    case State::Int64: column_.append_int64(v); return;
    case State::Float64: column_.append_float64(static_cast<double>(v)); return;
    case State::Bool: demote_to_string(); [[fallthrough]];
    case State::String: {
      std::string buf;
      append_int64_text(buf, v);
      column_.append_string(buf);
      return;
    }
  }
}

void InferringColumn::add_float64(double v) {
  switch (state_) {
    case State::Empty: start(ColumnType::Float64); [[fallthrough]];
    case State::Float64: column_.append_float64(v); return;
    case State::Int64:
      promote_to_float64();
      column_.append_float64(v);
      return;
    case State::Bool: demote_to_string(); [[fallthrough]];
    case State::String: {
      std::string buf;
      append_float64_text(buf, v);
      column_.append_string(buf);
      return;
    }
  }
}

void InferringColumn::add_bool(bool v) {
  switch (state_) {
    case State::Empty: start(ColumnType::Bool); [[fallthrough]];
    case State::Bool: column_.append_bool(v); return;
    case State::Int64:
    case State::Float64: demote_to_string(); [[fallthrough]];
    case State::String: column_.append_string(bool_text(v)); return;
  }
}

void InferringColumn::add_string(std::string_view v) {
  switch (state_) {
    case State::Empty: start(ColumnType::String); break;
    case State::Int64:
    case State::Float64:
    case State::Bool: demote_to_string(); break;
    case State::String: break;
  }
  column_.append_string(v);
}

Column InferringColumn::finish() && {
  if (state_ == State::Empty) return Column::nulls(ColumnType::String, pending_nulls_);
  return std::move(column_);
}

}  // namespace onnxfn
