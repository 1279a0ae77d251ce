// What one invocation does with its event, whatever the trigger (docs: README, Deploy to AWS Lambda):
//
//   {"inputs": [...]}                      Open Inference Protocol v2 request -> v2 response
//   {"records": [...], "output"?: path}    records through the bundle -> {"records": [...]}, or
//                                          written to `output` (CSV / JSON Lines / JSON by extension)
//   {"job": {...}}                         EventBridge Scheduler input or a direct call: a batch job
//   {"detail-type": "Scheduled Event", ...}  an EventBridge rule: the job in "detail", else the
//                                          function's configured job (ONNXFN_JOB)
//   API Gateway REST (v1), HTTP API (v2), Function URL events: the HTTP API (protocol/http_api.h)
//
// A job is {"left", "right"[, "pairs", "gold", "top_k"], "output"} (product matching: PairJob) or
// {"input", "output"} (a records file); relative paths are taken from the task root. Jobs stop
// cleanly before the invocation's deadline. Answers over Lambda's response limit are refused with a
// ResourceLimit error naming the size (events can ask for an output file instead).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "lambda/deadline.h"
#include "pipeline/predictor.h"
#include "protocol/http_api.h"

namespace onnxfn::lambda {

// Lambda's limit for a synchronous response, as the Runtime Interface Emulator enforces it.
inline constexpr size_t kMaxResponseBytes = 6'291'556;

enum class EventKind { Inference, Records, Job, ScheduledEvent, HttpV1, HttpV2 };
std::string_view event_kind_name(EventKind kind);

struct HandlerOptions {
  size_t max_response_bytes = kMaxResponseBytes;
  std::string task_root = ".";   // relative job paths are taken from here
  std::string default_job;       // JSON object: the job of a scheduled event that names none (ONNXFN_JOB)
};

struct HandlerResult {
  std::string body;                 // the response payload
  EventKind kind = EventKind::Inference;
  size_t rows = 0;                  // records or pairs processed
  pipeline::Trace trace;            // read (decode), pipeline, model, encode
};

class FunctionHandler {
 public:
  // `http`: answers the HTTP events (the runtime passes protocol::InferenceApi over the same model).
  using HttpHandler = std::function<protocol::HttpResponse(const protocol::HttpRequest&)>;
  FunctionHandler(const pipeline::Predictor& predictor, HttpHandler http, HandlerOptions options);
  // Throws onnxfn::Error (BadInput for an event it cannot read, ...); HTTP events never throw for a
  // bad request: they answer with the HTTP status of the error table, as API Gateway expects.
  HandlerResult handle(std::string_view event, const Deadline& deadline) const;

 private:
  using Clock = std::chrono::steady_clock;
  void infer(std::string_view event, HandlerResult& result, Clock::time_point start) const;
  void records(std::string_view array, const std::string& output, HandlerResult& result, Clock::time_point start) const;
  void records_text(std::string_view text, const std::string& output, HandlerResult& result, Clock::time_point start) const;
  void predict_records(Frame in, const std::string& output, HandlerResult& result, Clock::time_point start) const;
  void require_bundle() const;
  HandlerResult checked(HandlerResult result) const;

  const pipeline::Predictor& predictor_;
  HttpHandler http_;
  HandlerOptions options_;
};

}  // namespace onnxfn::lambda
