// API Gateway / Function URL events (see http_event.h).
#include "lambda/http_event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>

#include "common/error.h"

namespace onnxfn::lambda {
namespace {

using rapidjson::Value;

const Value* member(const Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string_view string_member(const Value& v, const char* name) {
  const Value* m = member(v, name);
  return m && m->IsString() ? std::string_view(m->GetString(), m->GetStringLength()) : std::string_view();
}

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, "HTTP event: " + message); }

// Query values arrive decoded in format 1.0; the target carries them encoded again.
void append_encoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

void add_headers(protocol::HttpRequest& request, const Value* headers, bool multi) {
  if (!headers || !headers->IsObject()) return;
  for (const auto& h : headers->GetObject()) {
    std::string name(h.name.GetString(), h.name.GetStringLength());
    if (multi && h.value.IsArray()) {
      for (const auto& v : h.value.GetArray())
        if (v.IsString()) request.headers.emplace_back(name, std::string(v.GetString(), v.GetStringLength()));
    } else if (h.value.IsString()) {
      request.headers.emplace_back(name, std::string(h.value.GetString(), h.value.GetStringLength()));
    }
  }
}

void set_body(protocol::HttpRequest& request, const Value& event) {
  const Value* body = member(event, "body");
  if (!body || body->IsNull()) return;
  if (!body->IsString()) bad("'body' is not a string");
  std::string_view text(body->GetString(), body->GetStringLength());
  const Value* b64 = member(event, "isBase64Encoded");
  if (b64 && b64->IsBool() && b64->GetBool())
    request.body = base64_decode(text, "HTTP event 'body' (isBase64Encoded)");
  else
    request.body = std::string(text);
}

// Whether a body can go as a JSON string (else base64); structure only, which is what decides it.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 4;
    if (n == 4 || i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

int http_event_version(const Value& event) {
  if (!event.IsObject()) return 0;
  const Value* context = member(event, "requestContext");
  if (string_member(event, "version") == "2.0" && context && member(*context, "http")) return 2;
  if (member(event, "httpMethod") && (context || member(event, "resource"))) return 1;
  return 0;
}

protocol::HttpRequest http_request_from_event(const Value& event, int version) {
  protocol::HttpRequest request;
  if (version == 2) {
    const Value& http = *member(*member(event, "requestContext"), "http");
    request.method = std::string(string_member(http, "method"));
    std::string_view path = string_member(event, "rawPath");
    if (path.empty()) path = string_member(http, "path");
    // A named stage of an HTTP API prefixes the path with it; routes do not include it.
    const std::string_view stage = string_member(*member(event, "requestContext"), "stage");
    if (!stage.empty() && stage != "$default" && path.size() > stage.size() + 1 && path[0] == '/' &&
        path.substr(1, stage.size()) == stage && path[stage.size() + 1] == '/')
      path.remove_prefix(stage.size() + 1);
    request.target = std::string(path.empty() ? "/" : path);
    const std::string_view query = string_member(event, "rawQueryString");
    if (!query.empty()) request.target += "?" + std::string(query);
    add_headers(request, member(event, "headers"), false);
  } else {
    request.method = std::string(string_member(event, "httpMethod"));
    const std::string_view path = string_member(event, "path");
    request.target = std::string(path.empty() ? "/" : path);
    const Value* multi = member(event, "multiValueQueryStringParameters");
    const Value* single = member(event, "queryStringParameters");
    char sep = '?';
    auto add_param = [&](const Value& name, const Value& value) {
      if (!value.IsString()) return;
      request.target += sep;
      sep = '&';
      append_encoded(request.target, std::string_view(name.GetString(), name.GetStringLength()));
      request.target += '=';
      append_encoded(request.target, std::string_view(value.GetString(), value.GetStringLength()));
    };
    if (multi && multi->IsObject()) {
      for (const auto& p : multi->GetObject())
        if (p.value.IsArray())
          for (const auto& v : p.value.GetArray()) add_param(p.name, v);
    } else if (single && single->IsObject()) {
      for (const auto& p : single->GetObject()) add_param(p.name, p.value);
    }
    const Value* multi_headers = member(event, "multiValueHeaders");
    if (multi_headers && multi_headers->IsObject())
      add_headers(request, multi_headers, true);
    else
      add_headers(request, member(event, "headers"), false);
  }
  if (request.method.empty()) bad(version == 2 ? "requestContext.http.method is missing" : "'httpMethod' is missing");
  set_body(request, event);
  return request;
}

std::string http_response_event(const protocol::HttpResponse& response) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const bool text = valid_utf8(response.body);
  w.StartObject();
  w.Key("statusCode");
  w.Int(response.status);
  w.Key("headers");
  w.StartObject();
  for (const auto& [name, value] : response.headers) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  w.Key("body");
  if (text) {
    w.String(response.body.data(), static_cast<rapidjson::SizeType>(response.body.size()));
  } else {
    const std::string encoded = base64_encode(response.body);
    w.String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
  }
  w.Key("isBase64Encoded");
  w.Bool(!text);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text, const std::string& what) {
  static const std::array<int8_t, 256> kValue = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    for (int c = 0; c < 26; ++c) t['A' + c] = static_cast<int8_t>(c), t['a' + c] = static_cast<int8_t>(26 + c);
    for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<int8_t>(52 + c);
    t['+'] = 62, t['/'] = 63;
    t['-'] = 62, t['_'] = 63;  // URL-safe alphabet too
    return t;
  }();
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0, symbols = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int8_t v = kValue[c];
    if (v < 0 || padding) throw_error(ErrorKind::BadInput, what + ": not base64 (character " + std::to_string(i) + ")");
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (symbols % 4 == 1 || padding > 2 || (padding && (symbols + padding) % 4 != 0))
    throw_error(ErrorKind::BadInput, what + ": not base64 (bad length or padding)");
  return out;
}

}  // namespace onnxfn::lambda
