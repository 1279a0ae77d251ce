// Metric bookkeeping under one mutex (a map update per request: far below a request's cost) and
// the text exposition, written by hand since the format is a few lines per family.
#include "serve/metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace onnxfn::serve {
namespace {

// Label values escaped as the exposition format asks: backslash, quote and newline.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

template <class H, class B>
void write_histogram(std::string& out, const std::string& name, const std::string& labels, const H& h, const B& bounds) {
  uint64_t cumulative = 0;
  const std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += h.buckets[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + number(bounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + number(h.sum) + "\n";
  out += name + "_count" + braces + " " + std::to_string(h.count) + "\n";
}

}  // namespace

template <size_t N>
void Metrics::Histogram<N>::add(double v, const std::array<double, N>& bounds) {
  ++count;
  sum += v;
  for (size_t i = 0; i < N; ++i)
    if (v <= bounds[i]) {
      ++buckets[i];
      return;
    }
}

void Metrics::model_loaded(const std::string& model, double seconds) {
  std::lock_guard lock(mutex_);
  load_seconds_.emplace_back(model, seconds);
}

void Metrics::observe(std::string_view model, std::string_view route, int status, double seconds, size_t rows) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(model), std::string(route), status}];
  latency_[std::string(route)].add(seconds, kSecondsBounds);
  if (rows > 0) rows_.add(static_cast<double>(rows), kRowsBounds);
}

void Metrics::batch_run(std::string_view model, size_t rows, size_t requests) {
  std::lock_guard lock(mutex_);
  auto it = batches_.find(model);
  if (it == batches_.end()) it = batches_.emplace(std::string(model), BatchCounts{}).first;
  if (requests == 0) return;
  it->second.rows.add(static_cast<double>(rows), kBatchBounds);
  it->second.requests += requests;
}

std::string Metrics::exposition() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP onnxfn_requests_total HTTP requests handled, by model, route and status.\n# TYPE onnxfn_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += "onnxfn_requests_total{model=\"" + label(std::get<0>(key)) + "\",route=\"" + label(std::get<1>(key)) + "\",status=\"" +
           std::to_string(std::get<2>(key)) + "\"} " + std::to_string(n) + "\n";
  out += "# HELP onnxfn_request_duration_seconds Time from the request's last byte read to its answer written.\n"
         "# TYPE onnxfn_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_)
    write_histogram(out, "onnxfn_request_duration_seconds", "route=\"" + label(route) + "\"", h, kSecondsBounds);
  out += "# HELP onnxfn_request_rows Rows per inference request.\n# TYPE onnxfn_request_rows histogram\n";
  write_histogram(out, "onnxfn_request_rows", "", rows_, kRowsBounds);
  out += "# HELP onnxfn_batch_rows Rows per session run of the models that batch, by model (none when no model batches).\n"
         "# TYPE onnxfn_batch_rows histogram\n";
  for (const auto& [model, b] : batches_) write_histogram(out, "onnxfn_batch_rows", "model=\"" + label(model) + "\"", b.rows, kBatchBounds);
  out += "# HELP onnxfn_batch_requests_total Inference requests answered by those session runs, by model.\n"
         "# TYPE onnxfn_batch_requests_total counter\n";
  for (const auto& [model, b] : batches_)
    out += "onnxfn_batch_requests_total{model=\"" + label(model) + "\"} " + std::to_string(b.requests) + "\n";
  out += "# HELP onnxfn_requests_in_flight Requests being handled now.\n# TYPE onnxfn_requests_in_flight gauge\n";
  out += "onnxfn_requests_in_flight " + std::to_string(in_flight.load()) + "\n";
  out += "# HELP onnxfn_connections_open Open client connections.\n# TYPE onnxfn_connections_open gauge\n";
  out += "onnxfn_connections_open " + std::to_string(connections_open.load()) + "\n";
  out += "# HELP onnxfn_connections_refused_total Connections closed at once because --max-connections were open.\n"
         "# TYPE onnxfn_connections_refused_total counter\n";
  out += "onnxfn_connections_refused_total " + std::to_string(connections_refused.load()) + "\n";
  out += "# HELP onnxfn_connections_timed_out_total Connections closed because a header or body was not read in time.\n"
         "# TYPE onnxfn_connections_timed_out_total counter\n";
  out += "onnxfn_connections_timed_out_total " + std::to_string(connections_timed_out.load()) + "\n";
  out += "# HELP onnxfn_model_load_seconds Time to load each model or bundle at start.\n# TYPE onnxfn_model_load_seconds gauge\n";
  for (const auto& [model, s] : load_seconds_) out += "onnxfn_model_load_seconds{model=\"" + label(model) + "\"} " + number(s) + "\n";
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n";
  out += "process_resident_memory_bytes " + std::to_string(resident_memory_bytes()) + "\n";
  return out;
}

uint64_t resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace onnxfn::serve
