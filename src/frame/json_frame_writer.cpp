// JSON writing with RapidJSON's Writer for structure and string escaping; numbers are formatted
// by value_conversion.h (std::to_chars) and passed through as raw values.
#include "frame/json_frame_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>

#include "frame/text_file.h"
#include "frame/value_conversion.h"

namespace onnxfn {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_value(Writer& w, const Column& c, size_t row, std::string& scratch) {
  switch (c.type()) {
    case ColumnType::Int64: w.Int64(c.int64_values()[row]); return;
    case ColumnType::Bool: w.Bool(c.bool_values()[row] != 0); return;
    case ColumnType::String: {
      const std::string_view s = c.string_value(row);
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      return;
    }
    case ColumnType::Float64: {
      const double v = c.float64_values()[row];
      scratch.clear();
      if (std::isnan(v)) scratch = "NaN";
      else if (std::isinf(v)) scratch = v > 0 ? "Infinity" : "-Infinity";
      else append_float64_text(scratch, v);
      w.RawValue(scratch.data(), scratch.size(), rapidjson::kNumberType);
      return;
    }
  }
}

}  // namespace

std::string write_json(const Frame& frame, const JsonWriteOptions& options) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  std::string scratch;
  const bool array = options.layout == JsonLayout::Array;
  if (array) w.StartArray();
  for (size_t row = 0; row < frame.num_rows(); ++row) {
    if (!array) w.Reset(buf);  // each line is a complete JSON document of its own
    w.StartObject();
    for (size_t c = 0; c < frame.num_columns(); ++c) {
      const Column& col = frame.column(c);
      if (col.is_null(row) && !options.write_nulls) continue;
      const std::string& name = frame.name(c);
      w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      if (col.is_null(row)) w.Null();
      else write_value(w, col, row, scratch);
    }
    w.EndObject();
    if (!array) buf.Put('\n');
  }
  if (array) w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

void write_json_file(const Frame& frame, const std::string& path, const JsonWriteOptions& options) {
  write_text_file(path, write_json(frame, options));
}

}  // namespace onnxfn
