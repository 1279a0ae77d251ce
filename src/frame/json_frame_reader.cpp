// read_json: RapidJSON's SAX reader (iterative, so deep nesting cannot overflow the stack) feeding
// typed or inferring columns directly, without building a DOM.
#include "frame/json_frame_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstring>
#include <optional>
#include <unordered_map>

#include "common/error.h"
#include "common/json_numbers.h"
#include "frame/column_inference.h"
#include "frame/text_file.h"
#include "frame/value_conversion.h"

namespace onnxfn {
namespace {

// Full precision: doubles must round correctly to survive a write/read round trip. NaN and
// Infinity: Python's json module (and our writer) emit them. Encoding is validated so string
// columns hold UTF-8.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag |
                                 rapidjson::kParseNanAndInfFlag | rapidjson::kParseValidateEncodingFlag;

// One JSON scalar (or the text of a nested array/object) on its way into a column.
struct JsonValue {
  enum class Kind { Null, Bool, Int64, Float64, String, Nested };
  Kind kind = Kind::Null;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;

  static JsonValue of(Kind k) {
    JsonValue v;
    v.kind = k;
    return v;
  }
  static JsonValue boolean(bool x) {
    JsonValue v = of(Kind::Bool);
    v.b = x;
    return v;
  }
  static JsonValue integer(int64_t x) {
    JsonValue v = of(Kind::Int64);
    v.i = x;
    return v;
  }
  static JsonValue number(double x) {
    JsonValue v = of(Kind::Float64);
    v.d = x;
    return v;
  }
  static JsonValue text(Kind k, std::string_view x) {
    JsonValue v = of(k);
    v.s = x;
    return v;
  }
};

struct JsonColumn {
  std::string name;
  std::optional<ColumnType> fixed;
  Column typed;
  InferringColumn inferred;
  size_t last_record = static_cast<size_t>(-1);  // the record that last set a value here
};

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

std::string describe(const JsonValue& v) {
  std::string s;
  switch (v.kind) {
    case JsonValue::Kind::Null: return "null";
    case JsonValue::Kind::Bool: return std::string(bool_text(v.b));
    case JsonValue::Kind::Int64: append_int64_text(s, v.i); return s;
    case JsonValue::Kind::Float64: append_float64_text(s, v.d); return s;
    case JsonValue::Kind::String: {
      constexpr size_t kMax = 40;
      return "\"" + std::string(v.s.substr(0, kMax)) + (v.s.size() > kMax ? "...\"" : "\"");
    }
    case JsonValue::Kind::Nested: return "a nested " + std::string(v.s.starts_with("[") ? "array" : "object");
  }
  return s;
}

// Converts one non-null value to a schema type by the cast rules; false if it does not convert.
bool append_converted(Column& c, const JsonValue& v) {
  using K = JsonValue::Kind;
  switch (c.type()) {
    case ColumnType::Int64: {
      std::optional<int64_t> i;
      if (v.kind == K::Int64) i = v.i;
      else if (v.kind == K::Float64) i = int64_from_float64(v.d);
      else if (v.kind == K::Bool) i = v.b ? 1 : 0;
      else if (v.kind == K::String) i = parse_int64(v.s);
      if (!i) return false;
      c.append_int64(*i);
      return true;
    }
    case ColumnType::Float64: {
      std::optional<double> d;
      if (v.kind == K::Float64) d = v.d;
      else if (v.kind == K::Int64) d = static_cast<double>(v.i);
      else if (v.kind == K::Bool) d = v.b ? 1.0 : 0.0;
      else if (v.kind == K::String) d = parse_float64(v.s);
      if (!d) return false;
      c.append_float64(*d);
      return true;
    }
    case ColumnType::Bool: {
      std::optional<bool> b;
      if (v.kind == K::Bool) b = v.b;
      else if (v.kind == K::Int64) b = bool_from_int64(v.i);
      else if (v.kind == K::Float64) b = bool_from_float64(v.d);
      else if (v.kind == K::String) b = parse_bool(v.s);
      if (!b) return false;
      c.append_bool(*b);
      return true;
    }
    case ColumnType::String: {
      if (v.kind == K::String || v.kind == K::Nested) {
        c.append_string(v.s);
        return true;
      }
      std::string text;
      if (v.kind == K::Int64) append_int64_text(text, v.i);
      else if (v.kind == K::Float64) append_float64_text(text, v.d);
      else if (v.kind == K::Bool) text = bool_text(v.b);
      c.append_string(text);
      return true;
    }
  }
  return false;
}

// The SAX handler: tracks nesting, maps keys to columns and appends each value.
class RecordHandler {
 public:
  RecordHandler(const std::string& source, const Schema& schema, bool array)
      : source_(source), schema_(schema), record_depth_(array ? 1 : 0), array_(array) {}

  void set_line(size_t line) { line_ = line; }
  const std::optional<std::string>& error() const { return error_; }
  size_t records() const { return records_; }

  Frame finish() {
    for (const Field& f : schema_)
      if (!index_.count(f.name)) column_for(f.name);
    Frame frame;
    for (auto& c : columns_)
      frame.add_column(std::move(c.name), c.fixed ? std::move(c.typed) : std::move(c.inferred).finish());
    return frame;
  }

  // RapidJSON SAX interface.
  bool Null() { return scalar(JsonValue::of(JsonValue::Kind::Null)); }
  bool Bool(bool b) { return scalar(JsonValue::boolean(b)); }
  bool Int(int i) { return scalar(JsonValue::integer(i)); }
  bool Uint(unsigned u) { return scalar(JsonValue::integer(u)); }
  bool Int64(int64_t i) { return scalar(JsonValue::integer(i)); }
  bool Uint64(uint64_t u) {
    if (u <= static_cast<uint64_t>(INT64_MAX)) return scalar(JsonValue::integer(static_cast<int64_t>(u)));
    return scalar(JsonValue::number(static_cast<double>(u)));  // beyond int64: a float
  }
  bool Double(double d) { return scalar(JsonValue::number(d)); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return fail("unexpected raw number"); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return scalar(JsonValue::text(JsonValue::Kind::String, std::string_view(s, n)));
  }

  bool StartObject() {
    if (capturing_ || depth_ == record_depth_ + 1) return start_nested(true);
    if (depth_ == 0 && array_) return fail("expected an array of records, found an object");
    ++depth_;  // a record starts
    current_ = kNone;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (capturing_) return capture_.Key(s, n);
    const std::string_view key(s, n);
    current_ = column_for(key);
    JsonColumn& c = columns_[current_];
    if (c.last_record == records_) return fail("key '" + c.name + "' appears twice in the record");
    c.last_record = records_;
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    if (capturing_) return end_nested(capture_.EndObject());
    --depth_;  // a record ends: the columns it did not mention are null there
    for (JsonColumn& c : columns_) {
      if (c.last_record == records_) continue;
      if (c.fixed) c.typed.append_null();
      else c.inferred.add_null();
    }
    ++records_;
    return true;
  }
  bool StartArray() {
    if (capturing_ || depth_ == record_depth_ + 1) return start_nested(false);
    if (depth_ == 0 && array_) {
      ++depth_;
      return true;
    }
    return fail(std::string(array_ ? "record" : "a line") + " must be a JSON object, found an array");
  }
  bool EndArray(rapidjson::SizeType) {
    if (capturing_) return end_nested(capture_.EndArray());
    --depth_;
    return true;
  }

  std::string where() const {
    return source_ + (array_ ? ": record " + std::to_string(records_) : ": line " + std::to_string(line_));
  }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  bool fail(const std::string& message) {
    error_ = where() + ": " + message;
    return false;
  }

  size_t column_for(std::string_view key) {
    // Records usually list their keys in the same order: try the column after the last one first.
    const size_t guess = current_ == kNone ? 0 : current_ + 1;
    if (guess < columns_.size() && columns_[guess].name == key) return guess;
    if (auto it = index_.find(key); it != index_.end()) return it->second;
    JsonColumn c;
    c.name = std::string(key);
    c.fixed = schema_type(schema_, key);
    if (c.fixed) c.typed = Column::nulls(*c.fixed, records_);
    else
      for (size_t r = 0; r < records_; ++r) c.inferred.add_null();
    index_.emplace(c.name, columns_.size());
    columns_.push_back(std::move(c));
    return columns_.size() - 1;
  }

  bool scalar(const JsonValue& v) {
    if (capturing_) {
      switch (v.kind) {
        case JsonValue::Kind::Null: return capture_.Null();
        case JsonValue::Kind::Bool: return capture_.Bool(v.b);
        case JsonValue::Kind::Int64: return capture_.Int64(v.i);
        case JsonValue::Kind::Float64: return capture_.Double(v.d);
        case JsonValue::Kind::String:
        case JsonValue::Kind::Nested: return capture_.String(v.s.data(), static_cast<rapidjson::SizeType>(v.s.size()));
      }
    }
    if (depth_ == 0 && array_) return fail("expected an array of records, found " + describe(v));
    if (depth_ == record_depth_)
      return fail(std::string(array_ ? "record" : "a line") + " must be a JSON object, found " + describe(v));
    return member_value(v);
  }

  bool member_value(const JsonValue& v) {
    JsonColumn& c = columns_[current_];
    if (v.kind == JsonValue::Kind::Null) {
      if (c.fixed) c.typed.append_null();
      else c.inferred.add_null();
      return true;
    }
    if (c.fixed) {
      if (append_converted(c.typed, v)) return true;
      return fail("key '" + c.name + "': " + describe(v) + " is not " + (c.fixed == ColumnType::Int64 ? "an " : "a ") +
                  std::string(column_type_name(*c.fixed)));
    }
    switch (v.kind) {
      case JsonValue::Kind::Bool: c.inferred.add_bool(v.b); break;
      case JsonValue::Kind::Int64: c.inferred.add_int64(v.i); break;
      case JsonValue::Kind::Float64: c.inferred.add_float64(v.d); break;
      case JsonValue::Kind::String:
      case JsonValue::Kind::Nested: c.inferred.add_string(v.s); break;
      case JsonValue::Kind::Null: break;
    }
    return true;
  }

  bool start_nested(bool object) {
    if (!capturing_) {
      capturing_ = true;
      capture_buf_.Clear();
      capture_.Reset(capture_buf_);
    }
    ++depth_;
    return object ? capture_.StartObject() : capture_.StartArray();
  }
  bool end_nested(bool ok) {
    --depth_;
    if (depth_ > record_depth_ + 1) return ok;
    capturing_ = false;
    return ok && member_value(JsonValue::text(JsonValue::Kind::Nested,
                                             std::string_view(capture_buf_.GetString(), capture_buf_.GetSize())));
  }

  const std::string& source_;
  const Schema& schema_;
  const size_t record_depth_;  // nesting depth at which records start: 0 for lines, 1 in an array
  const bool array_;
  size_t depth_ = 0;
  size_t line_ = 0;
  size_t records_ = 0;
  size_t current_ = kNone;  // column of the member being read
  std::vector<JsonColumn> columns_;
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_;
  std::optional<std::string> error_;
  bool capturing_ = false;  // inside a nested array/object, which is kept as JSON text
  rapidjson::StringBuffer capture_buf_;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteNanAndInfFlag>
      capture_;
};

// "line L, byte B" of a byte offset, for parse errors in a whole document.
std::string position(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  return "line " + std::to_string(line) + ", byte " + std::to_string(offset - line_start + 1);
}

[[noreturn]] void parse_error(const std::string& where, const rapidjson::Reader& reader) {
  throw_error(ErrorKind::BadInput, where + ": invalid JSON: " + rapidjson::GetParseError_En(reader.GetParseErrorCode()));
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

}  // namespace

Frame read_json(std::string_view text, const std::string& source, const JsonReadOptions& options) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  std::string guarded;
  text = guard_json_numbers(text, guarded);
  JsonFormat format = options.format;
  if (format == JsonFormat::Auto) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    format = first != std::string_view::npos && text[first] == '[' ? JsonFormat::Array : JsonFormat::Lines;
  }
  RecordHandler handler(source, options.schema, format == JsonFormat::Array);
  rapidjson::Reader reader;
  if (format == JsonFormat::Array) {
    rapidjson::MemoryStream in(text.data(), text.size());
    reader.Parse<kParseFlags>(in, handler);
    if (handler.error()) throw_error(ErrorKind::BadInput, *handler.error());
    if (reader.HasParseError()) parse_error(source + ": " + position(text, reader.GetErrorOffset()), reader);
    return handler.finish();
  }
  size_t line = 0;
  for (size_t pos = 0; pos < text.size();) {
    const char* nl = static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
    const size_t end = nl ? static_cast<size_t>(nl - text.data()) : text.size();
    const std::string_view row = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (is_blank(row)) continue;
    handler.set_line(line);
    rapidjson::MemoryStream in(row.data(), row.size());
    reader.Parse<kParseFlags>(in, handler);
    if (handler.error()) throw_error(ErrorKind::BadInput, *handler.error());
    if (reader.HasParseError())
      parse_error(source + ": line " + std::to_string(line) + ", byte " + std::to_string(reader.GetErrorOffset() + 1), reader);
  }
  return handler.finish();
}

Frame read_json_file(const std::string& path, const JsonReadOptions& options) {
  const std::string text = read_text_file(path);
  return read_json(text, path, options);
}

}  // namespace onnxfn
