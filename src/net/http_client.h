// A small synchronous HTTP/1.1 client (Boost.Beast's parser over plain sockets, TLS 1.2+ through
// mbedTLS; socket_stream.h says why not Asio + OpenSSL) for the doors
// and stores that talk to one service at a time: S3 (storage/) and the Lambda Runtime API.
//
//   net::HttpClient client;                       // one per thread: not thread-safe
//   auto r = client.request("GET", "https://host/path", {{"accept", "*/*"}}, "");
//   if (r.status == 200) use(r.body);
//
// - One connection is kept alive and reused while requests go to the same scheme, host and port
//   and the server allows it; a reused connection that turns out to be closed by the server is
//   replaced once, transparently, before anything of the response was read.
// - Every step (resolve, connect, TLS handshake, write, each read) has a deadline; a stalled
//   server ends the call with NetworkError instead of hanging.
// - TLS verifies the peer against the system CA bundle (SSL_CERT_FILE, then the Debian and the
//   Amazon Linux / Lambda locations) and the host name.
// - Responses with a status are returned whatever the status; only transport failures throw.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace onnxfn::net {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// A transport failure: name resolution, connect, TLS, timeout, reset, malformed response. Callers
// that retry (the S3 client) retry these; the kind is Internal because it is not the input's fault.
class NetworkError : public Error {
 public:
  explicit NetworkError(const std::string& message) : Error(ErrorKind::Internal, message) {}
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // as received, names in the server's case
  std::string body;     // empty when the body was streamed to a callback

  // The first header with this name (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};  // resolve + connect + TLS handshake
  std::chrono::milliseconds io_timeout{60'000};       // each write of the request, each read
  std::uint64_t max_body_bytes = 1ull << 30;          // a larger buffered body is a ResourceLimit error
  // Capacity reserved (not touched) for a buffered body of unknown length (chunked), so that
  // growing it copies nothing: the Lambda Runtime API's events (up to 6 MB) come chunked.
  std::size_t chunked_body_reserve = 0;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends METHOD URL with these headers (Host and Content-Length are added) and BODY, and returns
  // the whole response. A HEAD request reads no body.
  HttpResponse request(std::string_view method, std::string_view url, const HttpHeaders& headers,
                       std::string_view body);

  // The same, but the response body goes to ON_DATA piece by piece as it arrives (bounded memory
  // for large GETs); the returned response has an empty body. ON_DATA may throw to stop.
  HttpResponse request_streaming(std::string_view method, std::string_view url, const HttpHeaders& headers,
                                 std::string_view body,
                                 const std::function<void(std::string_view)>& on_data);

  // Drops the kept-alive connection (the next request opens a new one).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The CA bundle the client loads: SSL_CERT_FILE if set, else the first existing system bundle;
// "" when none is found (TLS requests then fail with an error saying so).
std::string find_ca_bundle();

}  // namespace onnxfn::net
