// Runtime API client (see runtime_client.h).
#include "lambda/runtime_client.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <chrono>

namespace onnxfn::lambda {

std::string error_payload(std::string_view error_type, std::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("errorMessage");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.Key("errorType");
  w.String(error_type.data(), static_cast<rapidjson::SizeType>(error_type.size()));
  w.Key("stackTrace");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

namespace {

constexpr const char* kVersion = "/2018-06-01/runtime";

// The GET next call is a long poll: the process is frozen while no invocation is pending, and an
// idle function may wait for hours. A day bounds it without ever firing in practice.
net::HttpClientOptions waiting_options() {
  net::HttpClientOptions o;
  o.io_timeout = std::chrono::hours(24);
  o.max_body_bytes = 7u << 20;  // invocation payloads are at most 6 MB
  o.chunked_body_reserve = o.max_body_bytes;  // they come chunked: read without reallocating
  return o;
}

net::HttpClientOptions posting_options() {
  net::HttpClientOptions o;
  o.connect_timeout = std::chrono::seconds(5);
  o.io_timeout = std::chrono::seconds(30);
  o.max_body_bytes = 1u << 20;
  return o;
}

}  // namespace

RuntimeClient::RuntimeClient(std::string api)
    : base_("http://" + std::move(api) + kVersion), wait_client_(waiting_options()), post_client_(posting_options()) {}

Invocation RuntimeClient::next() {
  net::HttpResponse r = wait_client_.request("GET", base_ + "/invocation/next", {}, "");
  if (r.status != 200)
    throw_error(ErrorKind::Internal, "Runtime API: GET invocation/next answered " + std::to_string(r.status) + ": " + r.body);
  Invocation inv;
  inv.request_id = r.header("Lambda-Runtime-Aws-Request-Id");
  if (inv.request_id.empty()) throw_error(ErrorKind::Internal, "Runtime API: invocation without Lambda-Runtime-Aws-Request-Id");
  const std::string deadline = r.header("Lambda-Runtime-Deadline-Ms");
  if (!deadline.empty()) {
    auto [end, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), inv.deadline_ms);
    if (ec != std::errc() || end != deadline.data() + deadline.size()) inv.deadline_ms = 0;
  }
  inv.trace_id = r.header("Lambda-Runtime-Trace-Id");
  inv.function_arn = r.header("Lambda-Runtime-Invoked-Function-Arn");
  inv.event = std::move(r.body);
  return inv;
}

void RuntimeClient::post(const std::string& path, std::string_view body, const net::HttpHeaders& headers) {
  net::HttpResponse r = post_client_.request("POST", base_ + path, headers, body);
  // 202 Accepted; 413 (payload too large) and 400 are answers about the payload, reported by the
  // caller's next step (Lambda turns them into the invocation's error); anything else is fatal.
  if (r.status != 202 && r.status != 413 && r.status != 400)
    throw_error(ErrorKind::Internal, "Runtime API: POST " + path + " answered " + std::to_string(r.status) + ": " + r.body);
}

void RuntimeClient::post_response(const std::string& request_id, std::string_view body) {
  post("/invocation/" + request_id + "/response", body, {{"Content-Type", "application/json"}});
}

void RuntimeClient::post_error(const std::string& request_id, std::string_view error_type, std::string_view message) {
  post("/invocation/" + request_id + "/error", error_payload(error_type, message),
       {{"Content-Type", "application/json"}, {"Lambda-Runtime-Function-Error-Type", std::string(error_type)}});
}

void RuntimeClient::post_init_error(std::string_view error_type, std::string_view message) {
  post("/init/error", error_payload(error_type, message),
       {{"Content-Type", "application/json"}, {"Lambda-Runtime-Function-Error-Type", std::string(error_type)}});
}

}  // namespace onnxfn::lambda
