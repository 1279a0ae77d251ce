// HttpClient: synchronous calls built from Beast's asynchronous operations run to completion on a
// private io_context, because only the asynchronous operations honour tcp_stream's deadlines.
#include "net/http_client.h"

#include <openssl/ssl.h>
#include <strings.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "net/url.h"

namespace onnxfn::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

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
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

}  // namespace

struct HttpClient::Impl {
  HttpClientOptions options;
  asio::io_context ioc;
  std::unique_ptr<asio::ssl::context> tls_context;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  std::string connected_to;  // "scheme://host:port" of the open connection, "" when none
  beast::flat_buffer buffer;

  explicit Impl(HttpClientOptions o) : options(o) {}

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // Starts one asynchronous operation and runs the loop until it completes.
  template <class Start>
  error_code run(Start&& start) {
    error_code result = asio::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void disconnect() {
    if (plain || secure) {
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().socket().close(ignored);
    }
    secure.reset();
    plain.reset();
    connected_to.clear();
    buffer.clear();
  }

  asio::ssl::context& tls() {
    if (!tls_context) {
      auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      const std::string bundle = find_ca_bundle();
      if (bundle.empty())
        throw NetworkError("TLS: no CA bundle found (set SSL_CERT_FILE, or install ca-certificates)");
      error_code ec;
      context->load_verify_file(bundle, ec);
      if (ec) throw NetworkError("TLS: cannot load the CA bundle " + bundle + ": " + ec.message());
      context->set_verify_mode(asio::ssl::verify_peer);
      tls_context = std::move(context);
    }
    return *tls_context;
  }

  void connect(const Url& url, const std::string& where) {
    disconnect();
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    error_code ec = asio::error::would_block;
    resolver.async_resolve(url.host, url.port, [&](error_code e, tcp::resolver::results_type r) {
      ec = e;
      endpoints = std::move(r);
    });
    ioc.restart();
    ioc.run_for(options.connect_timeout);
    if (ec == asio::error::would_block) {  // the resolver has no deadline of its own
      resolver.cancel();
      ioc.restart();
      ioc.run();
      throw NetworkError(where + ": resolving " + url.host + " timed out");
    }
    if (ec) throw NetworkError(where + ": cannot resolve " + url.host + ": " + ec.message());

    if (url.tls()) {
      secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, tls());
    } else {
      plain = std::make_unique<beast::tcp_stream>(ioc);
    }
    lowest().expires_after(options.connect_timeout);
    ec = run([&](auto handler) { lowest().async_connect(endpoints, handler); });
    if (ec) {
      disconnect();
      throw NetworkError(where + ": cannot connect to " + url.host + ":" + url.port + ": " +
                         (ec == beast::error::timeout ? std::string("timed out") : ec.message()));
    }
    if (secure) {
      SSL* ssl = secure->native_handle();
      // SNI, and the certificate must name the host we asked for.
      if (!SSL_set_tlsext_host_name(ssl, url.host.c_str()) || !SSL_set1_host(ssl, url.host.c_str())) {
        disconnect();
        throw NetworkError(where + ": TLS setup failed for " + url.host);
      }
      lowest().expires_after(options.connect_timeout);
      ec = run([&](auto handler) { secure->async_handshake(asio::ssl::stream_base::client, handler); });
      if (ec) {
        disconnect();
        throw NetworkError(where + ": TLS handshake with " + url.host + " failed: " + ec.message());
      }
    }
    connected_to = url.scheme + "://" + url.host + ":" + url.port;
  }

  template <class Fn>
  auto with_stream(Fn&& fn) {
    if (secure) return fn(*secure);
    return fn(*plain);
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
      lowest().expires_after(options.io_timeout);
      error_code ec = with_stream([&](auto& s) { return run([&](auto h) { http::async_write(s, req, h); }); });
      http::response_parser<http::buffer_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(on_data ? std::numeric_limits<std::uint64_t>::max() : options.max_body_bytes);
      if (head) parser.skip(true);
      if (!ec) {
        lowest().expires_after(options.io_timeout);
        ec = with_stream(
            [&](auto& s) { return run([&](auto h) { http::async_read_header(s, buffer, parser, h); }); });
      }
      if (ec) {
        disconnect();
        if (reused && attempt == 0 && is_stale_connection(ec)) continue;
        if (ec == http::error::body_limit)  // a Content-Length over the limit, seen in the header
          throw_error(ErrorKind::ResourceLimit, where + ": response body larger than " +
                                                    std::to_string(options.max_body_bytes) + " bytes");
        throw NetworkError(where + ": " + (ec == beast::error::timeout ? std::string("timed out") : ec.message()));
      }
      HttpResponse response;
      response.status = static_cast<int>(parser.get().result_int());
      for (const auto& field : parser.get())
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      read_body(parser, response, on_data, where);
      if (!parser.get().keep_alive()) disconnect();
      return response;
    }
  }

  void read_body(http::response_parser<http::buffer_body>& parser, HttpResponse& response,
                 const std::function<void(std::string_view)>* on_data, const std::string& where) {
    char chunk[64 * 1024];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      lowest().expires_after(options.io_timeout);
      error_code ec = with_stream([&](auto& s) { return run([&](auto h) { http::async_read(s, buffer, parser, h); }); });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        disconnect();
        if (ec == http::error::body_limit)
          throw_error(ErrorKind::ResourceLimit, where + ": response body larger than " +
                                                    std::to_string(options.max_body_bytes) + " bytes");
        throw NetworkError(where + ": reading the response body: " +
                           (ec == beast::error::timeout ? std::string("timed out") : ec.message()));
      }
      const std::size_t got = sizeof chunk - parser.get().body().size;
      if (got == 0) continue;
      if (on_data) {
        try {
          (*on_data)(std::string_view(chunk, got));
        } catch (...) {
          disconnect();  // the rest of the body is unread: the connection cannot be reused
          throw;
        }
      } else {
        response.body.append(chunk, got);
      }
    }
  }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(options)) {}
HttpClient::~HttpClient() { impl_->disconnect(); }

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
