// A blocking TCP connection, optionally TLS (mbedTLS), whose every read and write ends by a
// deadline; it models Beast's SyncReadStream/SyncWriteStream so that Beast's HTTP parser and
// serializer run over it. Why not Asio + OpenSSL: statically linked, OpenSSL 3 alone added 3.3 MB
// and Asio's executors 0.4 MB to the binary (measured; the budget is 8 MB for everything), while
// mbedTLS and plain sockets with poll() cost a fraction of that.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

namespace onnxfn::net {

// The CA bundle, random generator and TLS settings shared by every connection of a client.
class TlsConfig {
 public:
  TlsConfig();  // throws NetworkError when no CA bundle can be loaded
  ~TlsConfig();
  TlsConfig(const TlsConfig&) = delete;
  TlsConfig& operator=(const TlsConfig&) = delete;
  struct State;
  State& state() { return *state_; }
  // How many CA certificates were loaded (a system bundle has over a hundred).
  std::size_t ca_count() const;

 private:
  std::unique_ptr<State> state_;
};

class SocketStream {
 public:
  using clock = std::chrono::steady_clock;

  // Connects to HOST:PORT (and does the TLS handshake, verifying HOST, when TLS is given) before
  // DEADLINE; throws NetworkError naming WHERE on failure.
  SocketStream(const std::string& host, const std::string& port, TlsConfig* tls, clock::time_point deadline,
               const std::string& where);
  ~SocketStream();
  SocketStream(const SocketStream&) = delete;
  SocketStream& operator=(const SocketStream&) = delete;

  void set_deadline(clock::time_point deadline) { deadline_ = deadline; }

  // Beast's stream concepts: the first non-empty buffer is read into / written from.
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::mutable_buffer b = *it;
      if (b.size() > 0) return read_raw(static_cast<char*>(b.data()), b.size(), ec);
    }
    ec = {};
    return 0;
  }
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }
  // Beast writes a message as many small buffers (method, target, version, each header field, the
  // body): written one by one, each took a system call and, with TCP_NODELAY, a segment of its own
  // (5 to 8 per Lambda Runtime API call). Leading buffers that fit in kGather bytes go out in one
  // write; a larger first buffer is written from where it lies.
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec) {
    char gathered[kGather];
    std::size_t used = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::const_buffer b = *it;
      if (b.size() == 0) continue;
      if (used + b.size() > kGather) {
        if (used == 0) return write_raw(static_cast<const char*>(b.data()), b.size(), ec);
        break;
      }
      std::memcpy(gathered + used, b.data(), b.size());
      used += b.size();
    }
    if (used == 0) {
      ec = {};
      return 0;
    }
    return write_raw(gathered, used, ec);
  }
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  // Plain-socket halves, used by the TLS layer's callbacks too.
  long socket_recv(char* data, std::size_t size, boost::system::error_code& ec);
  long socket_send(const char* data, std::size_t size, boost::system::error_code& ec);
  boost::system::error_code last_socket_error;  // what the TLS callbacks saw last

 private:
  static constexpr std::size_t kGather = 4096;
  std::size_t read_raw(char* data, std::size_t size, boost::system::error_code& ec);
  std::size_t write_raw(const char* data, std::size_t size, boost::system::error_code& ec);
  bool wait(short events, boost::system::error_code& ec);

  int fd_ = -1;
  clock::time_point deadline_;
  struct Tls;
  std::unique_ptr<Tls> tls_;
};

}  // namespace onnxfn::net
