// The chunk loop (see chunk_loop.h).
#include "batch/chunk_loop.h"

#include <algorithm>
#include <chrono>

#include "common/error.h"

namespace onnxfn::batch {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// Adds one chunk's step times to the run's, matching entries by label (first-run order).
void add_step_times(pipeline::StepProfile& total, const pipeline::StepProfile& chunk) {
  for (const pipeline::StepTime& t : chunk) {
    auto it = std::find_if(total.begin(), total.end(), [&](const pipeline::StepTime& x) { return x.label == t.label; });
    if (it == total.end()) {
      total.push_back(t);
    } else {
      it->ms += t.ms;
      it->values += t.values;
    }
  }
}

}  // namespace

ChunkTrace run_chunks(const pipeline::Predictor& predictor, size_t total, const ChunkSource& source, const ChunkSink& sink,
                      const ChunkOptions& options) {
  const size_t chunk = options.chunk_size;
  if (chunk < 1 || chunk > kMaxChunkSize)
    throw_error(ErrorKind::BadInput, "chunk size must be from 1 to " + std::to_string(kMaxChunkSize) + ", got " + std::to_string(chunk));
  ChunkTrace result;
  pipeline::StepProfile chunk_steps;
  for (size_t begin = 0; begin < total || begin == 0; begin += chunk) {
    const size_t end = std::min(total, begin + chunk);
    try {
      pipeline::Trace t;
      chunk_steps.clear();
      if (options.profile) t.steps = &chunk_steps;
      auto t0 = Clock::now();
      Frame records = source(begin, end);
      t.read_ms = ms_since(t0);
      Frame out = options.work == ChunkWork::Features ? predictor.features(records, &t) : predictor.predict(records, &t);
      auto t1 = Clock::now();
      sink(begin, out);
      t.encode_ms = ms_since(t1);
      t.steps = nullptr;
      result.trace.add(t);
      if (options.profile) add_step_times(result.steps, chunk_steps);
      ++result.chunks;
    } catch (const Error& e) {
      if (end == begin) throw;
      throw_error(e.kind(), options.unit + " " + std::to_string(begin + 1) + "-" + std::to_string(end) + ": " + e.what());
    }
    if (options.progress) options.progress(end, total);
    if (total == 0) break;
  }
  return result;
}

}  // namespace onnxfn::batch
