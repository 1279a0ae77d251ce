// serve_open_loop: a bounded open-loop HTTP load generator for bench/serve/half_saturation.sh.
// wrk keeps each connection busy back to back (closed loop), which measures saturation but not the
// latency at a given rate, and Debian's wrk has no fixed-rate mode. Here request i is due at
// t0 + i / rate, connection i % C sends it when due (or as soon as it is free), and its latency
// counts from when it was due, so a stall shows in the percentiles instead of slowing the load
// (no coordinated omission). --rate 0 is a closed loop: the saturation throughput.
//
//   serve_open_loop --port P --path /v2/models/m/infer --body FILE [--connections 16]
//                   [--seconds 10] [--rate R]
// Prints one JSON line: sent, errors, achieved req/s, p50/p90/p99/max ms. Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{10, 0};  // a server that stops answering fails the request, never hangs the run
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

bool send_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads one response (headers, then Content-Length bytes); true when its status is 200.
bool read_response(int fd, std::string& buffer) {
  buffer.clear();
  char chunk[16384];
  size_t header_end = std::string::npos;
  size_t need = 0;
  for (;;) {
    if (header_end == std::string::npos) {
      header_end = buffer.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        size_t length = 0;
        for (const char* key : {"Content-Length: ", "content-length: "}) {
          const size_t at = buffer.find(key);
          if (at != std::string::npos && at < header_end) length = std::strtoull(buffer.c_str() + at + std::strlen(key), nullptr, 10);
        }
        need = header_end + 4 + length;
      }
    }
    if (header_end != std::string::npos && buffer.size() >= need) return buffer.compare(0, 12, "HTTP/1.1 200") == 0;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, connections = 16;
  double seconds = 10, rate = 0;
  std::string path, body_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--port") port = std::atoi(value.c_str());
    else if (key == "--path") path = value;
    else if (key == "--body") body_file = value;
    else if (key == "--connections") connections = std::atoi(value.c_str());
    else if (key == "--seconds") seconds = std::atof(value.c_str());
    else if (key == "--rate") rate = std::atof(value.c_str());
    else {
      std::fprintf(stderr, "serve_open_loop: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  std::ifstream in(body_file, std::ios::binary);
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (port <= 0 || path.empty() || body.empty() || connections < 1 || connections > 1024 || seconds <= 0 || seconds > 600) {
    std::fprintf(stderr, "usage: serve_open_loop --port P --path PATH --body FILE [--connections 1-1024] [--seconds S<=600] [--rate R]\n");
    return 2;
  }
  const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto t0 = Clock::now() + std::chrono::milliseconds(50);
  const auto end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::vector<double>> latencies(static_cast<size_t>(connections));
  std::atomic<uint64_t> errors{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c)
    threads.emplace_back([&, c] {
      std::vector<double>& mine = latencies[static_cast<size_t>(c)];
      std::string buffer;
      int fd = connect_loopback(port);
      for (uint64_t i = static_cast<uint64_t>(c);; i += static_cast<uint64_t>(connections)) {
        Clock::time_point due = rate > 0 ? t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(i) / rate))
                                         : std::max(Clock::now(), t0);
        if (due >= end) break;
        std::this_thread::sleep_until(due);
        if (fd < 0) fd = connect_loopback(port);
        const bool ok = fd >= 0 && send_all(fd, request) && read_response(fd, buffer);
        if (!ok) {
          errors.fetch_add(1);
          if (fd >= 0) ::close(fd);
          fd = -1;
          continue;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
      }
      if (fd >= 0) ::close(fd);
    });
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> all;
  for (const auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * static_cast<double>(all.size())))]; };
  std::printf("{\"sent\": %zu, \"errors\": %llu, \"rps\": %.0f, \"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}\n",
              all.size(), static_cast<unsigned long long>(errors.load()), static_cast<double>(all.size()) / elapsed, pct(0.5), pct(0.9),
              pct(0.99), all.empty() ? 0.0 : all.back());
  return 0;
}
