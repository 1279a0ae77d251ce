// The Lambda Runtime API (2018-06-01) as a custom runtime speaks it: fetch the next invocation,
// post its response or error, report an init error. Plain HTTP to AWS_LAMBDA_RUNTIME_API over
// net::HttpClient; one client per runtime loop (not thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "net/http_client.h"

namespace onnxfn::lambda {

struct Invocation {
  std::string request_id;     // Lambda-Runtime-Aws-Request-Id
  int64_t deadline_ms = 0;    // Lambda-Runtime-Deadline-Ms: epoch milliseconds (0 when absent)
  std::string trace_id;       // Lambda-Runtime-Trace-Id (set as _X_AMZN_TRACE_ID)
  std::string function_arn;   // Lambda-Runtime-Invoked-Function-Arn
  std::string event;          // the payload
};

// An error as the Runtime API takes it: {"errorMessage", "errorType", "stackTrace": []}.
std::string error_payload(std::string_view error_type, std::string_view message);

class RuntimeClient {
 public:
  // `api`: host:port, as in AWS_LAMBDA_RUNTIME_API.
  explicit RuntimeClient(std::string api);

  // Blocks until Lambda hands over an invocation (no read timeout: the runtime is frozen between
  // invocations). NetworkError when the API is gone; Internal for a malformed answer.
  Invocation next();
  void post_response(const std::string& request_id, std::string_view body);
  void post_error(const std::string& request_id, std::string_view error_type, std::string_view message);
  void post_init_error(std::string_view error_type, std::string_view message);

 private:
  void post(const std::string& path, std::string_view body, const net::HttpHeaders& headers);

  std::string base_;
  net::HttpClient wait_client_;  // GET next: waits as long as it takes
  net::HttpClient post_client_;  // responses: bounded
};

}  // namespace onnxfn::lambda
