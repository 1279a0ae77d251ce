// SocketStream: non-blocking sockets driven with poll() against a deadline, and mbedTLS on top
// through send/receive callbacks that honour the same deadline.
#include "net/socket_stream.h"

#include <fcntl.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <cerrno>
#include <cstring>

#include "net/http_client.h"

namespace onnxfn::net {

using error_code = boost::system::error_code;

namespace {

std::string mbedtls_message(int code) {
  char text[160];
  mbedtls_strerror(code, text, sizeof text);
  return text;
}

error_code errno_code(int err) { return error_code(err, boost::system::system_category()); }

}  // namespace

struct TlsConfig::State {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca;
  mbedtls_ssl_config config;
  State() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_ssl_config_init(&config);
  }
  ~State() {
    mbedtls_ssl_config_free(&config);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
};

TlsConfig::TlsConfig() : state_(std::make_unique<State>()) {
  State& s = *state_;
  static const char personalisation[] = "onnxfn-net";
  int rc = mbedtls_ctr_drbg_seed(&s.drbg, mbedtls_entropy_func, &s.entropy,
                                 reinterpret_cast<const unsigned char*>(personalisation), sizeof personalisation - 1);
  if (rc != 0) throw NetworkError("TLS: cannot seed the random generator: " + mbedtls_message(rc));
  const std::string bundle = find_ca_bundle();
  if (bundle.empty()) throw NetworkError("TLS: no CA bundle found (set SSL_CERT_FILE, or install ca-certificates)");
  // A positive result counts certificates that did not parse (a bundle may hold some mbedTLS
  // does not support); only a bundle with none usable is an error.
  rc = mbedtls_x509_crt_parse_file(&s.ca, bundle.c_str());
  if (rc < 0 || s.ca.version == 0)
    throw NetworkError("TLS: cannot load the CA bundle " + bundle + ": " + mbedtls_message(rc));
  rc = mbedtls_ssl_config_defaults(&s.config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                   MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) throw NetworkError("TLS: cannot set up: " + mbedtls_message(rc));
  mbedtls_ssl_conf_authmode(&s.config, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&s.config, &s.ca, nullptr);
  mbedtls_ssl_conf_rng(&s.config, mbedtls_ctr_drbg_random, &s.drbg);
  mbedtls_ssl_conf_min_version(&s.config, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);  // TLS 1.2+
}

TlsConfig::~TlsConfig() = default;

struct SocketStream::Tls {
  mbedtls_ssl_context ssl;
  Tls() { mbedtls_ssl_init(&ssl); }
  ~Tls() { mbedtls_ssl_free(&ssl); }
};

namespace {

int tls_send(void* context, const unsigned char* data, size_t size) {
  auto* stream = static_cast<SocketStream*>(context);
  const long n = stream->socket_send(reinterpret_cast<const char*>(data), size, stream->last_socket_error);
  return n >= 0 ? static_cast<int>(n) : MBEDTLS_ERR_NET_SEND_FAILED;
}

int tls_recv(void* context, unsigned char* data, size_t size) {
  auto* stream = static_cast<SocketStream*>(context);
  const long n = stream->socket_recv(reinterpret_cast<char*>(data), size, stream->last_socket_error);
  return n >= 0 ? static_cast<int>(n) : MBEDTLS_ERR_NET_RECV_FAILED;
}

}  // namespace

SocketStream::SocketStream(const std::string& host, const std::string& port, TlsConfig* tls,
                           clock::time_point deadline, const std::string& where)
    : deadline_(deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  // getaddrinfo has no deadline of its own; numeric hosts (loopback, the Lambda Runtime API)
  // resolve without a lookup.
  const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) throw NetworkError(where + ": cannot resolve " + host + ": " + gai_strerror(rc));
  std::string problem = "no address";
  for (addrinfo* a = found; a && fd_ < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      problem = std::strerror(errno);
      continue;
    }
    error_code ec;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        ec = errno_code(errno);
      } else {
        fd_ = fd;  // wait() polls fd_
        if (wait(POLLOUT, ec)) {
          int err = 0;
          socklen_t length = sizeof err;
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length);
          if (err != 0) ec = errno_code(err);
        }
        fd_ = -1;
      }
    }
    if (ec) {
      problem = ec == boost::beast::error::timeout ? "timed out" : ec.message();
      ::close(fd);
      continue;
    }
    fd_ = fd;
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) throw NetworkError(where + ": cannot connect to " + host + ":" + port + ": " + problem);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  if (tls) {
    tls_ = std::make_unique<Tls>();
    int r = mbedtls_ssl_setup(&tls_->ssl, &tls->state().config);
    // The host name goes out as SNI and the certificate must name it.
    if (r == 0) r = mbedtls_ssl_set_hostname(&tls_->ssl, host.c_str());
    if (r != 0) {
      ::close(fd_);
      throw NetworkError(where + ": TLS setup failed: " + mbedtls_message(r));
    }
    mbedtls_ssl_set_bio(&tls_->ssl, this, tls_send, tls_recv, nullptr);
    while ((r = mbedtls_ssl_handshake(&tls_->ssl)) != 0) {
      if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
      std::string why = mbedtls_message(r);
      if (r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        char info[512];
        mbedtls_x509_crt_verify_info(info, sizeof info, "", mbedtls_ssl_get_verify_result(&tls_->ssl));
        why = "certificate not trusted for " + host + ": " + info;
        while (!why.empty() && why.back() == '\n') why.pop_back();
      } else if (last_socket_error) {
        why = last_socket_error == boost::beast::error::timeout ? "timed out" : last_socket_error.message();
      }
      tls_.reset();
      ::close(fd_);
      throw NetworkError(where + ": TLS handshake with " + host + " failed: " + why);
    }
  }
}

SocketStream::~SocketStream() {
  tls_.reset();  // no close_notify: the connection is dropped, never half-used
  if (fd_ >= 0) ::close(fd_);
}

bool SocketStream::wait(short events, error_code& ec) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - clock::now()).count();
    if (left <= 0) {
      ec = boost::beast::error::timeout;
      return false;
    }
    pollfd p{fd_, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) {
      ec = errno_code(errno);
      return false;
    }
  }
}

long SocketStream::socket_recv(char* data, std::size_t size, error_code& ec) {
  for (;;) {
    const ssize_t n = ::recv(fd_, data, size, 0);
    if (n > 0) return n;
    if (n == 0) {
      ec = boost::asio::error::eof;
      return -1;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec = errno_code(errno);
      return -1;
    }
    if (!wait(POLLIN, ec)) return -1;
  }
}

long SocketStream::socket_send(const char* data, std::size_t size, error_code& ec) {
  for (;;) {
    const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec = errno_code(errno);
      return -1;
    }
    if (!wait(POLLOUT, ec)) return -1;
  }
}

std::size_t SocketStream::read_raw(char* data, std::size_t size, error_code& ec) {
  ec = {};
  if (!tls_) {
    const long n = socket_recv(data, size, ec);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  for (;;) {
    last_socket_error = {};
    const int n = mbedtls_ssl_read(&tls_->ssl, reinterpret_cast<unsigned char*>(data), size);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
      ec = boost::asio::error::eof;
    } else if (last_socket_error) {
      ec = last_socket_error;
    } else {
      ec = boost::asio::error::connection_aborted;  // a TLS-level failure (bad record, alert)
    }
    return 0;
  }
}

std::size_t SocketStream::write_raw(const char* data, std::size_t size, error_code& ec) {
  ec = {};
  if (!tls_) {
    const long n = socket_send(data, size, ec);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  for (;;) {
    last_socket_error = {};
    const int n = mbedtls_ssl_write(&tls_->ssl, reinterpret_cast<const unsigned char*>(data), size);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    ec = last_socket_error ? last_socket_error : error_code(boost::asio::error::connection_aborted);
    return 0;
  }
}

}  // namespace onnxfn::net
