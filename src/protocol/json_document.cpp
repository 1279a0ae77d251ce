// A SAX handler in front of the Document: every event forwarded, number tokens (delivered as text
// by kParseNumbersAsStringsFlag) converted here, and runs of numbers inside arrays (a
// tensor's "data", KServe v1 "instances") read by a tight loop of our own instead of one trip
// through RapidJSON's state machine per value: that loop was most of a 100-row request's time.
#include "protocol/json_document.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "common/json_numbers.h"

namespace onnxfn {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct NumberConverter {
  rapidjson::Document& doc;
  rapidjson::MemoryStream& stream;
  size_t bad_number_at = std::string::npos;
  // Per open container: whether it is an array, and the values our fast loop added to it (the
  // Document pops as many values as EndArray says; RapidJSON only counted its own).
  struct Open {
    bool array;
    rapidjson::SizeType added;
  };
  std::vector<Open> open;

  bool Null() { return doc.Null() && after_value(); }
  bool Bool(bool b) { return doc.Bool(b) && after_value(); }
  bool Int(int i) { return doc.Int(i); }
  bool Uint(unsigned u) { return doc.Uint(u); }
  bool Int64(int64_t i) { return doc.Int64(i); }
  bool Uint64(uint64_t u) { return doc.Uint64(u); }
  bool Double(double d) { return doc.Double(d); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc.String(s, n, copy) && after_value(); }
  bool StartObject() {
    open.push_back({false, 0});
    return doc.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc.Key(s, n, copy); }
  bool EndObject(rapidjson::SizeType n) {
    open.pop_back();
    return doc.EndObject(n) && after_value();
  }
  bool StartArray() {
    open.push_back({true, 0});
    return doc.StartArray();
  }
  bool EndArray(rapidjson::SizeType n) {
    n += open.back().added;
    open.pop_back();
    return doc.EndArray(n) && after_value();
  }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    const bool integer = std::string_view(s, n).find_first_of(".eE") == std::string_view::npos;
    return number(s, n, integer, stream.Tell() - n) && after_value();
  }

 private:
  // Integers that fit int64 / uint64 stay integers, as RapidJSON makes them; the rest are doubles
  // rounded correctly (what RapidJSON's full-precision mode computes).
  bool number(const char* s, size_t n, bool integer, size_t offset) {
    const JsonNumber v = json_number_value(std::string_view(s, n), integer);
    switch (v.kind) {
      case JsonNumber::Kind::Int64: return doc.Int64(v.i);
      case JsonNumber::Kind::Uint64: return doc.Uint64(v.u);
      case JsonNumber::Kind::Double: return doc.Double(v.d);
      case JsonNumber::Kind::TooBig: break;
    }
    bad_number_at = offset;
    return false;
  }

  // After a value inside an array RapidJSON expects ',' or ']'. While the text goes on with
  // ", <number>" and the number ends where a JSON number must (space, ',', ']', '}'), the pair is
  // consumed here; at anything else the stream is put back before the ',' and RapidJSON goes on,
  // so every error is still found and placed by RapidJSON itself.
  bool after_value() {
    if (open.empty() || !open.back().array) return true;
    const char* p = stream.src_;
    const char* const end = stream.end_;
    for (;;) {
      const char* q = p;
      while (q < end && is_space(*q)) ++q;
      if (q >= end || *q != ',') break;
      ++q;
      while (q < end && is_space(*q)) ++q;
      bool integer = false;
      const size_t n = json_number_length(std::string_view(q, static_cast<size_t>(end - q)), integer);
      if (n == 0) break;
      const char* after = q + n;
      if (after < end && !is_space(*after) && *after != ',' && *after != ']' && *after != '}') break;
      if (!number(q, n, integer, static_cast<size_t>(q - stream.begin_))) return false;
      ++open.back().added;
      p = after;
    }
    stream.src_ = p;
    return true;
  }
};

}  // namespace

void parse_json_document(rapidjson::Document& doc, std::string_view json, const std::string& what) {
  // A MemoryStream reads exactly the text (a NUL inside it is an invalid byte whose offset
  // RapidJSON reports); strings are copied into the document.
  rapidjson::MemoryStream stream(json.data(), json.size());
  NumberConverter handler{doc, stream, std::string::npos, {}};
  handler.open.reserve(16);
  rapidjson::Reader reader;
  auto generate = [&](rapidjson::Document&) {
    return !reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseNumbersAsStringsFlag>(stream, handler)
                .IsError();
  };
  doc.Populate(generate);
  if (handler.bad_number_at != std::string::npos)
    throw_error(ErrorKind::BadInput, what + ": invalid JSON at byte " + std::to_string(handler.bad_number_at) + ": number out of range");
  if (reader.HasParseError())
    throw_error(ErrorKind::BadInput, what + ": invalid JSON at byte " + std::to_string(reader.GetErrorOffset()) + ": " +
                                         rapidjson::GetParseError_En(reader.GetParseErrorCode()));
}

}  // namespace onnxfn
