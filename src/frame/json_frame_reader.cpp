// read_json: RapidJSON's SAX reader (iterative, so deep nesting cannot overflow the stack) feeding
// typed or inferring columns directly, without building a DOM. Numbers arrive as text and are
// read by from_chars; UTF-8 is checked in one pass over the whole text before parsing: RapidJSON's
// full-precision strtod and its per-character encoding check were most of the reading time.
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

// Numbers as text, converted by from_chars: doubles round correctly (they must survive a write/read
// round trip), as RapidJSON's full-precision mode made them, at a fraction of its cost and without
// its strtod overread on very long tokens (common/json_numbers.h). NaN and Infinity: Python's json
// module (and our writer) emit them. Encoding: first_invalid_utf8 below, so string columns hold UTF-8.
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseNanAndInfFlag;

// Offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode Table 3-7: no
// overlongs, surrogates or code points above U+10FFFF; what kParseValidateEncodingFlag accepts),
// or npos. Eight ASCII bytes at a time.
size_t first_invalid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

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
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    JsonValue v;
    return number(s, n, stream_->Tell() - n, v) && scalar(v);
  }
  // The stream being parsed, for the offsets of numbers.
  void set_stream(rapidjson::MemoryStream& stream) { stream_ = &stream; }
  // Where a number that does not fit a double (1e400) starts, npos if none: reported as RapidJSON did.
  size_t too_big_at() const { return too_big_at_; }
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
    return member_value(v) && (capturing_ || depth_ != record_depth_ + 1 || simple_members());
  }

  // A number token's value (RawNumber's text, or one simple_members found): integers that fit int64
  // stay integers, the rest are doubles rounded correctly by from_chars. `offset`: where it starts;
  // false (too_big_at_ set) for a number beyond a double's range.
  bool number(const char* s, size_t n, size_t offset, JsonValue& v) {
    bool integer = true;
    for (const char* c = s; c < s + n && integer; ++c) integer = (*c >= '0' && *c <= '9') || *c == '-';
    const JsonNumber x = json_number_value(std::string_view(s, n), integer);
    switch (x.kind) {
      case JsonNumber::Kind::Int64: v = JsonValue::integer(x.i); return true;
      // Beyond int64: a float, as RapidJSON's Uint64 callback made it here.
      case JsonNumber::Kind::Uint64: v = JsonValue::number(static_cast<double>(x.u)); return true;
      case JsonNumber::Kind::Double: v = JsonValue::number(x.d); return true;
      case JsonNumber::Kind::TooBig: break;
    }
    too_big_at_ = offset;
    return false;
  }

  // After a member's value RapidJSON expects ',' or '}'. While the record goes on with members of
  // the simple kind (`, "key": value` with an unescaped key, and a number, an unescaped string,
  // null, true or false that ends where a JSON value must), they are read here, straight from the
  // text; at anything else the stream is put back before the ',' and RapidJSON reads on, so every
  // error is still found and placed by RapidJSON (or the UTF-8 check, which covers these bytes).
  bool simple_members() {
    const char* const end = stream_->end_;
    auto skip_space = [end](const char* q) {
      while (q < end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r')) ++q;
      return q;
    };
    // The end of an unescaped string's text starting after its opening quote, or nullptr.
    auto plain_string = [end](const char* q) -> const char* {
      while (q < end && *q != '"' && *q != '\\' && static_cast<unsigned char>(*q) >= 0x20) ++q;
      return q < end && *q == '"' ? q : nullptr;
    };
    auto ends_value = [end](const char* q) {
      return q == end || *q == ',' || *q == '}' || *q == ' ' || *q == '\n' || *q == '\t' || *q == '\r';
    };
    for (;;) {
      const char* q = skip_space(stream_->src_);
      if (q >= end || *q != ',') return true;
      q = skip_space(q + 1);
      if (q >= end || *q != '"') return true;
      const char* key_end = plain_string(q + 1);
      if (!key_end) return true;
      const std::string_view key(q + 1, static_cast<size_t>(key_end - q - 1));
      q = skip_space(key_end + 1);
      if (q >= end || *q != ':') return true;
      q = skip_space(q + 1);
      if (q >= end) return true;
      const char* const value = q;
      const char c = *q;
      JsonValue v;
      if (c == '"') {
        const char* text_end = plain_string(q + 1);
        if (!text_end) return true;
        v = JsonValue::text(JsonValue::Kind::String, std::string_view(q + 1, static_cast<size_t>(text_end - q - 1)));
        q = text_end + 1;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        q = number_end(q, end);
        if (!q) return true;
      } else if (end - q >= 4 && std::memcmp(q, "null", 4) == 0) {
        q += 4;
      } else if (end - q >= 4 && std::memcmp(q, "true", 4) == 0) {
        v = JsonValue::boolean(true);
        q += 4;
      } else if (end - q >= 5 && std::memcmp(q, "false", 5) == 0) {
        v = JsonValue::boolean(false);
        q += 5;
      } else {
        return true;
      }
      if (!ends_value(q)) return true;
      // Taken: the stream moves past the member first, so an error below is placed after it.
      stream_->src_ = q;
      if (!Key(key.data(), static_cast<rapidjson::SizeType>(key.size()), true)) return false;
      if ((c == '-' || (c >= '0' && c <= '9')) &&
          !number(value, static_cast<size_t>(q - value), static_cast<size_t>(value - stream_->begin_), v))
        return false;
      if (!member_value(v)) return false;
    }
  }

  // The end of the JSON number starting at q, or nullptr if none is there.
  static const char* number_end(const char* q, const char* end) {
    bool integer = false;
    const size_t n = json_number_length(std::string_view(q, static_cast<size_t>(end - q)), integer);
    return n == 0 ? nullptr : q + n;
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
  rapidjson::MemoryStream* stream_ = nullptr;
  size_t too_big_at_ = std::string::npos;
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

[[noreturn]] void parse_error(const std::string& where, rapidjson::ParseErrorCode code) {
  throw_error(ErrorKind::BadInput, where + ": invalid JSON: " + rapidjson::GetParseError_En(code));
}

// Parses `text` (the whole array, or one line) into the handler; throws BadInput with `where(offset)`
// for the first error in text order: RapidJSON's, a number too big, a handler's, or the first
// invalid UTF-8 byte (checked up front; RapidJSON would have stopped at it).
template <class Where>
void parse_into(RecordHandler& handler, std::string_view text, const Where& where) {
  const size_t bad_utf8 = first_invalid_utf8(text);
  rapidjson::MemoryStream in(text.data(), text.size());
  handler.set_stream(in);
  rapidjson::Reader reader;
  reader.Parse<kParseFlags>(in, handler);
  if (bad_utf8 != std::string_view::npos) {
    const size_t failed_at = !reader.HasParseError()              ? std::string_view::npos
                             : handler.too_big_at() != std::string::npos ? handler.too_big_at()
                                                                         : reader.GetErrorOffset();
    if (failed_at > bad_utf8) parse_error(where(bad_utf8), rapidjson::kParseErrorStringInvalidEncoding);
  }
  if (handler.error()) throw_error(ErrorKind::BadInput, *handler.error());
  if (handler.too_big_at() != std::string::npos) parse_error(where(handler.too_big_at()), rapidjson::kParseErrorNumberTooBig);
  if (reader.HasParseError()) parse_error(where(reader.GetErrorOffset()), reader.GetParseErrorCode());
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

}  // namespace

Frame read_json(std::string_view text, const std::string& source, const JsonReadOptions& options) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  JsonFormat format = options.format;
  if (format == JsonFormat::Auto) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    format = first != std::string_view::npos && text[first] == '[' ? JsonFormat::Array : JsonFormat::Lines;
  }
  RecordHandler handler(source, options.schema, format == JsonFormat::Array);
  if (format == JsonFormat::Array) {
    parse_into(handler, text, [&](size_t offset) { return source + ": " + position(text, offset); });
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
    parse_into(handler, row, [&](size_t offset) {
      return source + ": line " + std::to_string(line) + ", byte " + std::to_string(offset + 1);
    });
  }
  return handler.finish();
}

Frame read_json_file(const std::string& path, const JsonReadOptions& options) {
  const std::string text = read_text_file(path);
  return read_json(text, path, options);
}

}  // namespace onnxfn
