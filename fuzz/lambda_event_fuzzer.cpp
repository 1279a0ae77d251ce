// Fuzzes the Lambda event adapters: API Gateway v1/v2 / Function URL events to HTTP requests, the
// response event back (whose body must decode to the bytes it carried), base64, job specs and
// schedule expressions. Any outcome but an onnxfn::Error, or a broken round trip, is a bug.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.h"
#include "lambda/http_event.h"
#include "lambda/job_event.h"
#include "schedule/expression.h"

namespace {

template <class F>
void expect_error_or_ok(F&& f) {
  try {
    f();
  } catch (const onnxfn::Error&) {
  }
}

// What API Gateway would get from a response carrying `body`.
std::string body_seen_by_gateway(const std::string& body) {
  onnxfn::protocol::HttpResponse response{200, {{"Content-Type", "application/octet-stream"}}, body};
  rapidjson::Document d;
  d.Parse(onnxfn::lambda::http_response_event(response).c_str());
  if (d.HasParseError() || !d.IsObject()) std::abort();
  const std::string text(d["body"].GetString(), d["body"].GetStringLength());
  return d["isBase64Encoded"].GetBool() ? onnxfn::lambda::base64_decode(text, "response") : text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (onnxfn::lambda::base64_decode(onnxfn::lambda::base64_encode(text), "round trip") != text) std::abort();
  if (body_seen_by_gateway(text) != text) std::abort();
  expect_error_or_ok([&] { onnxfn::lambda::base64_decode(text, "fuzz"); });
  expect_error_or_ok([&] { onnxfn::schedule::validate_expression(text); });
  rapidjson::Document event;
  event.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (event.HasParseError()) return 0;
  expect_error_or_ok([&] { onnxfn::lambda::parse_job(event, "job", "/var/task"); });
  if (const int version = onnxfn::lambda::http_event_version(event)) {
    expect_error_or_ok([&] {
      const onnxfn::protocol::HttpRequest request = onnxfn::lambda::http_request_from_event(event, version);
      if (request.method.empty()) std::abort();
      if (body_seen_by_gateway(request.body) != request.body) std::abort();
    });
  }
  return 0;
}
