// The options and entry point of `onnxfn batch`, shared with `onnxfn schedule run`, which runs
// scheduled batch jobs through the same path (to move onto batch::Job with the checkpointed jobs).
#pragma once

#include <cstdint>
#include <string>

#include "batch/chunk_loop.h"

namespace onnxfn::cli {

struct BatchOptions {
  std::string bundle, left, right, pairs, gold, output;
  int64_t chunk_size = static_cast<int64_t>(batch::kDefaultChunkSize);
  int64_t top_k = 0;  // 0: the bundle's blocking.top_k
  bool all = false;
  bool quiet = false;
  int threads = 0;
  // Durable runs (checkpointed, resumable, exactly once; docs/batch.md).
  std::string checkpoint, run_id, scheduled_time, status;
  double max_seconds = 0;
  double lease_seconds = 60;
};

// Runs one batch job; throws onnxfn::Error on failure, returns the exit code otherwise.
int run_batch(const BatchOptions& options);

}  // namespace onnxfn::cli
