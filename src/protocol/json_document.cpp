// A SAX handler in front of the Document: every event forwarded, number tokens (delivered as text
// by kParseNumbersAsStringsFlag) converted here, and runs of numbers inside arrays (a
// tensor's "data", KServe v1 "instances") read by a tight loop of our own instead of one trip
// through RapidJSON's state machine per value: that loop was most of a 100-row request's time.
#include "protocol/json_document.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/error.h"

namespace onnxfn {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Length of the JSON number (RFC 8259 §6) at the start of [p, end), 0 if none is there; `plain` is
// set when it has no fraction or exponent (an integer candidate).
size_t number_token(const char* p, const char* end, bool& plain) {
  const char* q = p;
  if (q < end && *q == '-') ++q;
  if (q >= end || !is_digit(*q)) return 0;
  if (*q == '0') ++q;
  else
    while (q < end && is_digit(*q)) ++q;
  plain = true;
  if (q < end && *q == '.') {
    if (q + 1 >= end || !is_digit(q[1])) return 0;
    q += 2;
    while (q < end && is_digit(*q)) ++q;
    plain = false;
  }
  if (q < end && (*q == 'e' || *q == 'E')) {
    ++q;
    if (q < end && (*q == '+' || *q == '-')) ++q;
    if (q >= end || !is_digit(*q)) return 0;
    while (q < end && is_digit(*q)) ++q;
    plain = false;
  }
  return static_cast<size_t>(q - p);
}

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
    const bool plain = std::string_view(s, n).find_first_of(".eE") == std::string_view::npos;
    return number(s, n, plain, stream.Tell() - n) && after_value();
  }

 private:
  // Integers that fit int64 / uint64 stay integers, as RapidJSON makes them; the rest are doubles
  // rounded correctly by from_chars (what RapidJSON's full-precision mode computes).
  bool number(const char* s, size_t n, bool plain, size_t offset) {
    const char* end = s + n;
    if (plain) {
      int64_t i = 0;
      if (auto r = std::from_chars(s, end, i); r.ec == std::errc() && r.ptr == end) return doc.Int64(i);
      uint64_t u = 0;
      if (auto r = std::from_chars(s, end, u); r.ec == std::errc() && r.ptr == end) return doc.Uint64(u);
    }
    double d = 0;
    auto r = std::from_chars(s, end, d);
    if (r.ec == std::errc::result_out_of_range && r.ptr == end) {
      // Underflow (1e-400) is ±0 or a subnormal, as RapidJSON and strtod read it; only overflow is
      // an error (RapidJSON's "number too big"). Rare enough for a copy.
      d = std::strtod(std::string(s, n).c_str(), nullptr);
      if (!std::isinf(d)) return doc.Double(d);
    }
    if (r.ec != std::errc() || r.ptr != end) {
      bad_number_at = offset;
      return false;
    }
    return doc.Double(d);
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
      bool plain = false;
      const size_t n = number_token(q, end, plain);
      if (n == 0) break;
      const char* after = q + n;
      if (after < end && !is_space(*after) && *after != ',' && *after != ']' && *after != '}') break;
      if (!number(q, n, plain, static_cast<size_t>(q - stream.begin_))) return false;
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
