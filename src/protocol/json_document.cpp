// A SAX handler in front of the Document: every event forwarded, number tokens (delivered as text
// by kParseNumbersAsStringsFlag) converted here.
#include "protocol/json_document.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <charconv>

#include "common/error.h"

namespace onnxfn {
namespace {

struct NumberConverter {
  rapidjson::Document& doc;
  const rapidjson::StringStream& stream;
  size_t bad_number_at = std::string::npos;

  bool Null() { return doc.Null(); }
  bool Bool(bool b) { return doc.Bool(b); }
  bool Int(int i) { return doc.Int(i); }
  bool Uint(unsigned u) { return doc.Uint(u); }
  bool Int64(int64_t i) { return doc.Int64(i); }
  bool Uint64(uint64_t u) { return doc.Uint64(u); }
  bool Double(double d) { return doc.Double(d); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc.String(s, n, copy); }
  bool StartObject() { return doc.StartObject(); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc.Key(s, n, copy); }
  bool EndObject(rapidjson::SizeType n) { return doc.EndObject(n); }
  bool StartArray() { return doc.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return doc.EndArray(n); }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    const char* end = s + n;
    if (std::string_view(s, n).find_first_of(".eE") == std::string_view::npos) {
      int64_t i = 0;
      if (auto r = std::from_chars(s, end, i); r.ec == std::errc() && r.ptr == end) return doc.Int64(i);
      uint64_t u = 0;
      if (auto r = std::from_chars(s, end, u); r.ec == std::errc() && r.ptr == end) return doc.Uint64(u);
    }
    double d = 0;
    auto r = std::from_chars(s, end, d);
    if (r.ec != std::errc() || r.ptr != end) {
      bad_number_at = stream.Tell() - n;
      return false;
    }
    return doc.Double(d);
  }
};

}  // namespace

void parse_json_document(rapidjson::Document& doc, std::string_view json, const std::string& what) {
  // StringStream reads to a NUL: the text is copied with a terminator, and a NUL inside it
  // becomes an invalid byte, so RapidJSON reports its offset instead of stopping there.
  std::string owned(json);
  for (char& c : owned)
    if (c == '\0') c = '\x01';
  rapidjson::StringStream stream(owned.c_str());
  NumberConverter handler{doc, stream};
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
