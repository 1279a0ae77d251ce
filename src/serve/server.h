// `onnxfn serve`: the HTTP API (protocol/http_api.h) behind a Boost.Beast HTTP/1.1 server with
// keep-alive, plus GET /metrics. N I/O threads each read, infer and write on their connections
// (inference is short and CPU-bound: a thread per core is the whole scheduler). Slow or stuck
// clients are cut off by header and body read timeouts; connections over the limit are closed at
// once; SIGTERM or SIGINT stops accepting, finishes the requests in flight, closes idle
// connections and returns. With dynamic batching the requests are answered on worker threads
// instead, so that requests waiting to share a session run do not hold the I/O threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "protocol/http_api.h"
#include "serve/dynamic_batcher.h"
#include "serve/metrics.h"

namespace onnxfn::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                 // 0: any free port (printed at start)
  int threads = 0;                      // I/O threads; 0 = available CPUs
  size_t max_connections = 1024;
  size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // from the first wait for a request to its last header byte
  std::chrono::milliseconds body_timeout{30'000};    // to read the whole body
  std::chrono::milliseconds drain_timeout{30'000};   // SIGTERM: longest wait for requests in flight
  bool json_access_log = false;
  protocol::ApiLimits limits;
  // Dynamic batching of /infer (and KServe v1 on bare models), off by default: `batch` for every
  // model, `model_batch` for the models named there (serve/batch_settings.h). Requests to a
  // batching model are answered on a pool of worker threads (waiting for company must not block
  // the I/O threads); the others stay on the I/O threads.
  BatchOptions batch;
  std::map<std::string, BatchOptions, std::less<>> model_batch;
  const BatchOptions& batch_for(std::string_view model) const {
    const auto it = model_batch.find(model);
    return it == model_batch.end() ? batch : it->second;
  }
};

class Server {
 public:
  Server(const protocol::ModelRepository& models, ServerOptions options, Metrics& metrics);
  ~Server();
  // Binds, calls `on_listening(port)`, serves until SIGTERM/SIGINT, drains and returns.
  // BadInput when the address cannot be bound.
  void run(const std::function<void(uint16_t)>& on_listening = {});

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace onnxfn::serve
