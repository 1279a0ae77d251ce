// Prometheus metrics of `onnxfn serve` (GET /metrics, text exposition format 0.0.4): requests by
// model, route and status; latency and rows-per-request histograms; requests in flight; open and
// refused connections; model load seconds; rows per session run under dynamic batching; the
// process's resident memory.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace onnxfn::serve {

class Metrics {
 public:
  void model_loaded(const std::string& model, double seconds);
  void observe(std::string_view model, std::string_view route, int status, double seconds, size_t rows);
  // Dynamic batching: one session run of `model` of `rows` rows answering `requests` requests.
  void batch_run(std::string_view model, size_t rows, size_t requests);
  // A model that batches: its batch series are shown (at zero) before its first run.
  void model_batches(std::string_view model) { batch_run(model, 0, 0); }

  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> connections_open{0};
  std::atomic<uint64_t> connections_refused{0};  // over --max-connections
  std::atomic<uint64_t> connections_timed_out{0};  // header or body read timeouts (slow clients)

  std::string exposition() const;

 private:
  static constexpr std::array<double, 16> kSecondsBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,     0.25,   0.5,   1,      2.5,    5,     10};
  static constexpr std::array<double, 7> kRowsBounds = {1, 10, 100, 1000, 10000, 100000, 1000000};
  template <size_t N>
  struct Histogram {
    std::array<uint64_t, N> buckets{};  // non-cumulative; cumulated when written
    uint64_t count = 0;
    double sum = 0;
    void add(double v, const std::array<double, N>& bounds);
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // (model, route, status)
  std::map<std::string, Histogram<kSecondsBounds.size()>> latency_;         // by route
  Histogram<kRowsBounds.size()> rows_;
  static constexpr std::array<double, 11> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
  struct BatchCounts {
    Histogram<kBatchBounds.size()> rows;
    uint64_t requests = 0;
  };
  std::map<std::string, BatchCounts, std::less<>> batches_;  // by model
  std::vector<std::pair<std::string, double>> load_seconds_;
};

// The process's resident set size in bytes (/proc/self/statm), 0 when unknown.
uint64_t resident_memory_bytes();

}  // namespace onnxfn::serve
