// Scoring pairs in chunks: pair records (pair_records.h) through a bundle's Predictor, one chunk
// of pairs at a time, so the memory of a job is a small multiple of one chunk whatever the number
// of pairs (DESIGN.md, batch: chunks of 10,000 rows). `onnxfn batch` and `onnxfn evaluate` both
// score through here; the results do not depend on the chunk size or the thread count.
//
//   PairScorer scorer(predictor, builder, {.chunk_size = 10000, .threads = 4});
//   ScoreTimes t = scorer.run(pairs, [&](size_t first_pair, const Frame& scored) { ... });
#pragma once

#include <cstddef>
#include <functional>

#include "batch/pair_records.h"
#include "pipeline/predictor.h"

namespace onnxfn::batch {

inline constexpr size_t kDefaultChunkSize = 10000;
inline constexpr size_t kMaxChunkSize = 10'000'000;

struct ScoreOptions {
  size_t chunk_size = kDefaultChunkSize;  // 1 .. kMaxChunkSize
  int threads = 1;  // pair records and features are computed on this many slices of a chunk at once
  // Called after each chunk with the pairs done so far and the total.
  std::function<void(size_t done, size_t total)> progress{};
};

// Wall-clock seconds per stage, summed over chunks.
struct ScoreTimes {
  double features = 0;  // pair records, pipeline steps, input tensors
  double model = 0;     // the session, and model outputs -> output records
  double write = 0;     // the sink
};

class PairScorer {
 public:
  // BadInput for a chunk size outside 1 .. kMaxChunkSize.
  PairScorer(const pipeline::Predictor& predictor, const PairRecordBuilder& builder, ScoreOptions options);

  // The predictor's output records for pairs [first_pair, first_pair + rows) of a chunk: its carry
  // columns (left_id, right_id, ...), probability and label. One row per pair unless the pipeline
  // has a filter step.
  using Sink = std::function<void(size_t first_pair, const Frame& scored)>;
  // Errors name the pairs of the failing chunk ("pairs 10000-19999: ...").
  ScoreTimes run(const PairList& pairs, const Sink& sink) const;

 private:
  const pipeline::Predictor& predictor_;
  const PairRecordBuilder& builder_;
  ScoreOptions options_;
};

}  // namespace onnxfn::batch
