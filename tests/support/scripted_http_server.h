// A scripted HTTP server on a loopback port for client tests (net/, storage/): each request
// (headers to the blank line, then Content-Length bytes) is answered with the raw bytes a test's
// callback returns; connections are counted. Serves one connection at a time on its own thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

namespace onnxfn::testing {

class ScriptedServer {
 public:
  using Respond = std::function<std::string(const std::string& request, int connection, bool& close_after)>;

  explicit ScriptedServer(Respond respond) : respond_(std::move(respond)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
      throw std::runtime_error("test server: cannot listen");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (!stopping_) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      const int connection = ++connections_;
      std::string pending;
      bool close_after = false;
      while (!close_after) {
        std::string request;
        if (!read_request(fd, pending, request)) break;
        const std::string reply = respond_(request, connection, close_after);
        if (!reply.empty() && ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) break;
      }
      ::close(fd);
    }
  }
  static bool read_request(int fd, std::string& pending, std::string& request) {
    char buffer[4096];
    for (;;) {
      const auto header_end = pending.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::size_t body = 0;
        const auto cl = pending.find("Content-Length: ");
        if (cl != std::string::npos && cl < header_end) body = std::stoul(pending.substr(cl + 16));
        if (pending.size() >= header_end + 4 + body) {
          request = pending.substr(0, header_end + 4 + body);
          pending.erase(0, request.size());
          return true;
        }
      }
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      pending.append(buffer, static_cast<std::size_t>(n));
    }
  }

  Respond respond_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// "HTTP/1.1 200 OK" with BODY and a Content-Length (plus EXTRA header lines, each ending in \r\n).
inline std::string http_ok(const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

}  // namespace onnxfn::testing
