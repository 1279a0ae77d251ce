// The one chunk loop: rows of an input, a chunk at a time, through a Predictor into a sink, so the
// memory of a job is a small multiple of one chunk whatever its size (DESIGN.md, batch: chunks of
// 10,000 rows). Pair jobs (`batch`, `evaluate`, `features --pairs`) and record files (`predict
// --bundle`, `features`) all run through here; results do not depend on the chunk size or threads.
//
//   Trace t = run_chunks(predictor, rows, [&](size_t a, size_t b) { return records.slice(a, b - a); },
//                        [&](size_t first, const Frame& out) { writer.write(out); }, {.chunk_size = 10000});
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "pipeline/predictor.h"

namespace onnxfn::batch {

inline constexpr size_t kDefaultChunkSize = 10000;
inline constexpr size_t kMaxChunkSize = 10'000'000;

enum class ChunkWork {
  Predict,   // output records (carry columns, probability, label)
  Features,  // the feature table (needs no model)
};

struct ChunkOptions {
  size_t chunk_size = kDefaultChunkSize;  // 1 .. kMaxChunkSize, else BadInput
  ChunkWork work = ChunkWork::Predict;
  std::string unit = "rows";              // errors say "<unit> 10001-20000: ..." (numbered from 1)
  bool profile = false;                   // per-step pipeline times into the returned trace's steps
  // Called after each chunk with the rows done so far and the total.
  std::function<void(size_t done, size_t total)> progress{};
};

// Records for input rows [begin, end).
using ChunkSource = std::function<Frame(size_t begin, size_t end)>;
// The output of the chunk whose first input row is `first_row`.
using ChunkSink = std::function<void(size_t first_row, const Frame& out)>;

struct ChunkTrace {
  pipeline::Trace trace;            // read_ms: building chunk records; pipeline, model; encode_ms: the sink
  pipeline::StepProfile steps;      // with ChunkOptions::profile, summed over chunks by label
  size_t chunks = 0;
};

// An empty input still runs one empty chunk, so outputs get their header.
ChunkTrace run_chunks(const pipeline::Predictor& predictor, size_t total_rows, const ChunkSource& source, const ChunkSink& sink,
                      const ChunkOptions& options);

}  // namespace onnxfn::batch
