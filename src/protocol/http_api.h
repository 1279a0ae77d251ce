// The HTTP API of onnxfn, independent of any transport: a request (method, target, headers, body)
// in, a response out. `onnxfn serve` puts it behind Boost.Beast; the Lambda adapter puts it behind
// API Gateway (REST v1, HTTP v2) and Function URL events. One set of routes, formats and errors:
//
//   GET  /v2, /v2/health/live, /v2/health/ready                      server metadata, health
//   GET  /v2/models/{name}[/versions/{v}][/ready]                     model metadata, readiness
//   POST /v2/models/{name}[/versions/{v}]/infer                       Open Inference Protocol v2 (JSON,
//                                                                     and the binary tensor extension)
//   POST /v2/models/{name}[/versions/{v}]/records                     bundles: records (JSON, JSON Lines,
//                                                                     CSV by Content-Type) in, same out
//   POST /v1/models/{name}:predict                                    KServe v1 {"instances": [...]}
//   GET  /v1/models/{name}                                            KServe v1 readiness
//
// Errors are {"error": "..."} with the status of common/error_table.h.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/predictor.h"

namespace onnxfn::protocol {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/v2/models/m/infer"
  std::vector<std::pair<std::string, std::string>> headers;  // names in any case
  std::string body;
  // The first header with this name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type at least
  std::string body;
};

// The models a server or function answers for, by name (a folder's name in a repository, the
// bundle's metadata name or the model file's stem otherwise). Loaded once, shared by all threads.
class ModelRepository {
 public:
  void add(std::string name, std::unique_ptr<pipeline::Predictor> predictor);
  const pipeline::Predictor* find(std::string_view name) const;  // nullptr when unknown
  std::vector<std::string> names() const;
  size_t size() const { return models_.size(); }

 private:
  std::map<std::string, std::unique_ptr<pipeline::Predictor>, std::less<>> models_;
};

struct ApiLimits {
  size_t max_body_bytes = 6 * 1024 * 1024;  // 6 MiB, like Lambda's synchronous payload limit
  size_t max_rows = 1'000'000;              // rows per request; more is 413
};

// Called once per handled request (metrics, access logs): route name, model, status, rows, trace.
struct RequestRecord {
  std::string_view route;  // "infer", "records", "v1_predict", "metadata", "health", ...
  std::string_view model;
  int status = 200;
  size_t rows = 0;
  pipeline::Trace trace;
};

class InferenceApi {
 public:
  InferenceApi(const ModelRepository& models, ApiLimits limits = {});
  // Never throws for a bad request: every failure becomes a 4xx/5xx response with {"error": ...}.
  HttpResponse handle(const HttpRequest& request, RequestRecord* record = nullptr) const;
  // A draining server is no longer ready: /v2/health/ready and model readiness answer 503.
  void set_ready(bool ready) { ready_.store(ready); }
  bool ready() const { return ready_.load(); }
  const ApiLimits& limits() const { return limits_; }
  // How decoded tensors reach a model (/infer, KServe v1 on a bare model): model.infer unless set.
  // `onnxfn serve` puts its dynamic batcher here (serve/dynamic_batcher.h). Set before serving.
  using InferFunction = std::function<NamedValues(const pipeline::Predictor&, const NamedValues&, pipeline::Trace*)>;
  void set_infer(InferFunction infer) { infer_ = std::move(infer); }

 private:
  HttpResponse route(const HttpRequest& request, RequestRecord& record) const;
  HttpResponse infer(const pipeline::Predictor& model, const HttpRequest& request, RequestRecord& record) const;
  HttpResponse records(const pipeline::Predictor& model, const HttpRequest& request, RequestRecord& record) const;
  HttpResponse v1_predict(const pipeline::Predictor& model, const HttpRequest& request, RequestRecord& record) const;
  void check_rows(size_t rows) const;
  NamedValues run_model(const pipeline::Predictor& model, const NamedValues& inputs, pipeline::Trace* trace) const {
    return infer_ ? infer_(model, inputs, trace) : model.infer(inputs, trace);
  }

  const ModelRepository& models_;
  ApiLimits limits_;
  std::atomic<bool> ready_{true};
  InferFunction infer_;
};

}  // namespace onnxfn::protocol
