// HttpClient: Beast's HTTP/1.1 serializer and parser over a SocketStream (deadline-bound socket,
// mbedTLS for https), one kept-alive connection at a time.
#include "net/http_client.h"

#include <strings.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "net/socket_stream.h"
#include "net/url.h"

namespace onnxfn::net {

namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;
using clock = std::chrono::steady_clock;

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  return "";
}

std::string find_ca_bundle() {
  if (const char* env = std::getenv("SSL_CERT_FILE"); env && *env) return env;
  // Debian/Ubuntu, then Amazon Linux 2023 (the Lambda provided.al2023 runtime) and Fedora/RHEL.
  for (const char* path : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                           "/etc/ssl/cert.pem"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  return "";
}

namespace {

// A failure before any byte of the response arrived on a reused connection: the server closed it
// while idle, so the request is sent again on a fresh one.
bool is_stale_connection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
         ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
         ec == boost::asio::error::connection_aborted;
}

std::string describe(const error_code& ec) {
  return ec == beast::error::timeout ? std::string("timed out") : ec.message();
}

}  // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  std::unique_ptr<TlsConfig> tls;  // created at the first https request
  std::unique_ptr<SocketStream> stream;
  std::string connected_to;  // "scheme://host:port" of the open connection, "" when none
  beast::flat_buffer buffer;

  // Beast reads into `buffer` as much as its free capacity takes, at least 512 bytes: a buffer
  // left at that size made a 4.6 MB chunked Lambda event 9,000 recv calls (a fifth of the
  // invocation's CPU). 64 KiB per read, as Beast's own read loop caps it.
  explicit Impl(HttpClientOptions o) : options(o) { buffer.reserve(64 * 1024); }

  void disconnect() {
    stream.reset();
    connected_to.clear();
    buffer.clear();
  }

  void connect(const Url& url, const std::string& where) {
    disconnect();
    if (url.tls() && !tls) tls = std::make_unique<TlsConfig>();
    stream = std::make_unique<SocketStream>(url.host, url.port, url.tls() ? tls.get() : nullptr,
                                            clock::now() + options.connect_timeout, where);
    connected_to = url.scheme + "://" + url.host + ":" + url.port;
  }

  [[noreturn]] void fail(const std::string& where, const error_code& ec) {
    disconnect();
    if (ec == http::error::body_limit)
      throw_error(ErrorKind::ResourceLimit,
                  where + ": response body larger than " + std::to_string(options.max_body_bytes) + " bytes");
    throw NetworkError(where + ": " + describe(ec));
  }

  HttpResponse exchange(std::string_view method, std::string_view url_text, const HttpHeaders& headers,
                        std::string_view body, const std::function<void(std::string_view)>* on_data) {
    const Url url = parse_url(url_text);
    const std::string where = std::string(method) + " " + std::string(url_text);
    const std::string key = url.scheme + "://" + url.host + ":" + url.port;

    http::request<http::span_body<const char>> req;
    const beast::string_view method_text(method.data(), method.size());
    const http::verb verb = http::string_to_verb(method_text);
    if (verb == http::verb::unknown)
      req.method_string(method_text);
    else
      req.method(verb);
    req.target(beast::string_view(url.target));
    req.version(11);
    req.set(http::field::host, url.host_header());
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = beast::span<const char>(body.data(), body.size());
    req.prepare_payload();
    const bool head = verb == http::verb::head;

    for (int attempt = 0;; ++attempt) {
      const bool reused = connected_to == key;
      if (!reused) connect(url, where);
      error_code ec;
      stream->set_deadline(clock::now() + options.io_timeout);
      http::write(*stream, req, ec);
      http::response_parser<http::buffer_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(on_data ? std::numeric_limits<std::uint64_t>::max() : options.max_body_bytes);
      if (head) parser.skip(true);
      if (!ec) {
        stream->set_deadline(clock::now() + options.io_timeout);
        http::read_header(*stream, buffer, parser, ec);
      }
      if (ec) {
        if (reused && attempt == 0 && is_stale_connection(ec)) {
          disconnect();
          continue;
        }
        fail(where, ec);
      }
      HttpResponse response;
      response.status = static_cast<int>(parser.get().result_int());
      for (const auto& field : parser.get())
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      if (on_data)
        stream_body(parser, *on_data, where);
      else
        read_body_into(parser, response.body, where);
      if (!parser.get().keep_alive()) disconnect();
      return response;
    }
  }

  // A buffered body read straight into the string: no bounce through a chunk, sized once from its
  // Content-Length, else (chunked) grown in steps of an eighth within the reserved capacity and by
  // doubling beyond it. Copying a 4.6 MB chunked Lambda event through a chunk and doublings was a
  // tenth of a model-only invocation's CPU.
  void read_body_into(http::response_parser<http::buffer_body>& parser, std::string& body, const std::string& where) {
    constexpr std::size_t kStep = 64 * 1024;
    const std::size_t ceiling = static_cast<std::size_t>(options.max_body_bytes) + kStep;  // the parser refuses more
    if (parser.is_done()) return;  // no body (HEAD, 204, 304): its Content-Length allocates nothing
    std::size_t used = 0;
    const bool sized = parser.content_length() && *parser.content_length() <= options.max_body_bytes;
    if (sized) body.resize(static_cast<std::size_t>(*parser.content_length()));  // one allocation
    else if (options.chunked_body_reserve > 0) body.reserve(std::min(ceiling, options.chunked_body_reserve));
    while (!parser.is_done()) {
      if (!sized && body.size() - used < kStep) {
        std::size_t size = used + std::max(kStep, used / 8);  // touches little more than the body
        if (size > body.capacity()) size = std::max(size, body.size() * 2);  // reallocating: seldom
        body.resize(std::min(ceiling, size));
      }
      const std::size_t room = body.size() - used;
      parser.get().body().data = body.data() + used;
      parser.get().body().size = room;
      error_code ec;
      stream->set_deadline(clock::now() + options.io_timeout);
      http::read(*stream, buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) fail(where + ": reading the response body", ec);
      used += room - parser.get().body().size;
    }
    body.resize(used);
  }

  // A streamed body: each piece handed to `on_data` as it arrives.
  void stream_body(http::response_parser<http::buffer_body>& parser, const std::function<void(std::string_view)>& on_data,
                   const std::string& where) {
    char chunk[64 * 1024];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      error_code ec;
      stream->set_deadline(clock::now() + options.io_timeout);
      http::read(*stream, buffer, parser, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) fail(where + ": reading the response body", ec);
      const std::size_t got = sizeof chunk - parser.get().body().size;
      if (got == 0) continue;
      try {
        on_data(std::string_view(chunk, got));
      } catch (...) {
        disconnect();  // the rest of the body is unread: the connection cannot be reused
        throw;
      }
    }
  }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(options)) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view url, const HttpHeaders& headers,
                                 std::string_view body) {
  return impl_->exchange(method, url, headers, body, nullptr);
}

HttpResponse HttpClient::request_streaming(std::string_view method, std::string_view url,
                                           const HttpHeaders& headers, std::string_view body,
                                           const std::function<void(std::string_view)>& on_data) {
  return impl_->exchange(method, url, headers, body, &on_data);
}

void HttpClient::close() { impl_->disconnect(); }

}  // namespace onnxfn::net
