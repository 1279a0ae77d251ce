// select, rename and cast: reshaping a frame's columns and converting their types.
#include <algorithm>

#include "common/error.h"
#include "frame/frame_ops.h"
#include "frame/value_conversion.h"

namespace onnxfn {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

std::string value_text(const Column& c, size_t row) {
  std::string s;
  append_value_text(s, c, row);
  constexpr size_t kMax = 40;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return "'" + s + "'";
}

[[noreturn]] void cast_error(const Column& c, size_t row, ColumnType to, std::string_view name, std::string_view why = {}) {
  bad("cast: column '" + std::string(name) + "', row " + std::to_string(row) + ": cannot convert " +
      std::string(column_type_name(c.type())) + " " + value_text(c, row) + " to " + std::string(column_type_name(to)) +
      (why.empty() ? "" : " (" + std::string(why) + ")"));
}

// Applies `convert(row) -> std::optional<T>` to every non-null row, collecting into T values.
template <class T, class Convert>
std::pair<std::vector<T>, std::vector<uint8_t>> convert_rows(const Column& c, ColumnType to, std::string_view name,
                                                            std::string_view why, Convert convert) {
  std::vector<T> out(c.size());
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.is_null(i)) continue;
    auto v = convert(i);
    if (!v) cast_error(c, i, to, name, why);
    out[i] = static_cast<T>(*v);
  }
  return {std::move(out), std::vector<uint8_t>(c.validity().begin(), c.validity().end())};
}

Column to_string_column(const Column& c) {
  Column out(ColumnType::String);
  out.reserve(c.size(), c.size() * 8);
  std::string buf;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.is_null(i)) {
      out.append_null();
      continue;
    }
    buf.clear();
    append_value_text(buf, c, i);
    out.append_string(buf);
  }
  return out;
}

}  // namespace

Frame select(const Frame& frame, const std::vector<std::string>& columns) {
  Frame out;
  for (const std::string& name : columns) {
    if (out.has_column(name)) bad("select: column '" + name + "' is selected twice");
    out.add_column(name, frame.column(name));
  }
  return out;
}

Frame rename(Frame frame, const std::vector<std::pair<std::string, std::string>>& renames) {
  for (const auto& [from, to] : renames) frame.rename_column(from, to);
  return frame;
}

Column cast(const Column& c, ColumnType to, std::string_view name) {
  const ColumnType from = c.type();
  if (from == to) return c;
  if (to == ColumnType::String) return to_string_column(c);
  switch (to) {
    case ColumnType::Int64: {
      auto [v, valid] = [&] {
        if (from == ColumnType::Float64)
          return convert_rows<int64_t>(c, to, name, "not an integer in the int64 range",
                                       [&](size_t i) { return int64_from_float64(c.float64_values()[i]); });
        if (from == ColumnType::Bool)
          return convert_rows<int64_t>(c, to, name, "", [&](size_t i) { return std::optional<int64_t>(c.bool_values()[i]); });
        return convert_rows<int64_t>(c, to, name, "not an integer in the int64 range",
                                     [&](size_t i) { return parse_int64(c.string_value(i)); });
      }();
      return Column::from_int64(std::move(v), std::move(valid));
    }
    case ColumnType::Float64: {
      auto [v, valid] = [&] {
        if (from == ColumnType::Int64)
          return convert_rows<double>(c, to, name, "",
                                      [&](size_t i) { return std::optional<double>(static_cast<double>(c.int64_values()[i])); });
        if (from == ColumnType::Bool)
          return convert_rows<double>(c, to, name, "", [&](size_t i) { return std::optional<double>(c.bool_values()[i]); });
        return convert_rows<double>(c, to, name, "not a number", [&](size_t i) { return parse_float64(c.string_value(i)); });
      }();
      return Column::from_float64(std::move(v), std::move(valid));
    }
    case ColumnType::Bool: {
      auto [v, valid] = [&] {
        if (from == ColumnType::Int64)
          return convert_rows<uint8_t>(c, to, name, "only 0 and 1 are booleans",
                                       [&](size_t i) { return bool_from_int64(c.int64_values()[i]); });
        if (from == ColumnType::Float64)
          return convert_rows<uint8_t>(c, to, name, "only 0 and 1 are booleans",
                                       [&](size_t i) { return bool_from_float64(c.float64_values()[i]); });
        return convert_rows<uint8_t>(c, to, name, "expected true, false, 1 or 0",
                                     [&](size_t i) { return parse_bool(c.string_value(i)); });
      }();
      return Column::from_bool(std::move(v), std::move(valid));
    }
    case ColumnType::String: break;
  }
  return to_string_column(c);
}

Frame cast(Frame frame, std::string_view column, ColumnType to) {
  Column converted = cast(frame.column(column), to, column);
  frame.replace_column(column, std::move(converted));
  return frame;
}

}  // namespace onnxfn
