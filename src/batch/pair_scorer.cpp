// Chunked pair scoring (see pair_scorer.h).
#include "batch/pair_scorer.h"

#include <algorithm>
#include <chrono>

#include "common/error.h"
#include "engine/thread_pool.h"
#include "frame/frame_ops.h"

namespace onnxfn::batch {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

PairScorer::PairScorer(const pipeline::Predictor& predictor, const PairRecordBuilder& builder, ScoreOptions options)
    : predictor_(predictor), builder_(builder), options_(std::move(options)) {
  if (options_.chunk_size < 1 || options_.chunk_size > kMaxChunkSize)
    throw_error(ErrorKind::BadInput, "chunk size must be from 1 to " + std::to_string(kMaxChunkSize) + ", got " + std::to_string(options_.chunk_size));
  options_.threads = std::max(1, options_.threads);
}

ScoreTimes PairScorer::run(const PairList& pairs, const Sink& sink) const {
  ScoreTimes times;
  const pipeline::Pipeline& pipe = predictor_.pipeline();
  const double threshold = predictor_.bundle().threshold();
  const size_t total = pairs.size(), chunk = options_.chunk_size;
  ThreadPool pool(options_.threads);
  // Slices of at least this many pairs share a chunk's feature work between threads; below it the
  // per-slice overhead (frames, column lookups) outweighs the gain.
  constexpr int64_t kMinSlice = 256;
  for (size_t begin = 0; begin < total || begin == 0; begin += chunk) {
    const size_t end = std::min(total, begin + chunk);
    try {
      auto t0 = Clock::now();
      const int64_t rows = static_cast<int64_t>(end - begin);
      const int64_t slices = std::clamp<int64_t>(rows / kMinSlice, 1, pool.size());
      std::vector<Frame> stepped(static_cast<size_t>(slices));
      // Each slice covers rows [s*rows/slices, (s+1)*rows/slices): boundaries fixed by the counts
      // alone, and concat_rows puts the slices back in order, so output never depends on threads.
      pool.parallel_for(
          slices, 1,
          [&](int64_t sb, int64_t se) {
            for (int64_t s = sb; s < se; ++s) {
              const size_t a = begin + static_cast<size_t>(s * rows / slices), b = begin + static_cast<size_t>((s + 1) * rows / slices);
              stepped[static_cast<size_t>(s)] = pipe.run_steps(pipe.conform(builder_.build(pairs, a, b)));
            }
          },
          slices);
      Frame records = slices == 1 ? std::move(stepped[0]) : concat_rows(stepped);
      NamedValues inputs = pipe.to_tensors(records);
      times.features += seconds_since(t0);

      auto t1 = Clock::now();
      NamedValues outputs = predictor_.session().run(inputs);
      Frame scored = pipe.to_records(records, outputs, threshold);
      times.model += seconds_since(t1);

      auto t2 = Clock::now();
      sink(begin, scored);
      times.write += seconds_since(t2);
    } catch (const Error& e) {
      if (end == begin) throw;
      throw_error(e.kind(), "pairs " + std::to_string(begin + 1) + "-" + std::to_string(end) + ": " + e.what());
    }
    if (options_.progress) options_.progress(end, total);
    if (total == 0) break;
  }
  return times;
}

}  // namespace onnxfn::batch
