// Dynamic batching for `onnxfn serve` (--batch-max-rows, --batch-delay-us), like Triton's dynamic
// batcher: concurrent small requests to one model with the same input names, types and per-row
// shape share one session run (rows concatenated in arrival order), and each gets its own rows
// back. The first request of a batch waits at most `delay` for company; a batch that reaches
// `max_rows` runs at once. Requests that cannot merge (other shapes or types, as many rows as a
// batch or more) run alone, and so do all members of a batch whose merged run fails, so one bad
// request never fails the others. No thread of its own: the first request's thread runs the batch
// while the others wait for their part (the server gives waiting requests worker threads).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "pipeline/predictor.h"

namespace onnxfn::serve {

struct BatchOptions {
  size_t max_rows = 0;                      // rows per merged run; 0 or 1: no batching
  std::chrono::microseconds delay{500};     // longest wait of a batch's first request for company
  bool enabled() const { return max_rows > 1; }
};

class DynamicBatcher {
 public:
  // `on_run(rows, requests)`: called once per session run this batcher makes (metrics).
  DynamicBatcher(BatchOptions options, std::function<void(size_t rows, size_t requests)> on_run = {});
  ~DynamicBatcher();

  // model.infer(inputs), possibly merged with concurrent calls. Same outputs and errors as alone.
  NamedValues infer(const pipeline::Predictor& model, const NamedValues& inputs, pipeline::Trace* trace);

  const BatchOptions& options() const { return options_; }

 private:
  struct Batch;
  NamedValues run_alone(const pipeline::Predictor& model, const NamedValues& inputs, pipeline::Trace* trace, size_t rows);
  void run_batch(Batch& batch) noexcept;

  BatchOptions options_;
  std::function<void(size_t, size_t)> on_run_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Batch>> open_;  // batches still taking requests
};

}  // namespace onnxfn::serve
