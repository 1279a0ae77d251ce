// A product-matching job: two product tables, candidate pairs (blocking, or a pairs file), scored
// in chunks through the bundle's Predictor into a sink. This is the object every door drives:
// `onnxfn batch` and `onnxfn evaluate` parse arguments and print its summary; Lambda, the
// scheduler and Spark run the same job.
//
//   PairJob job(predictor, {.left = "A.csv", .right = "B.csv"}, {.top_k = 20});
//   JobSummary s = job.run([&](size_t first, const Frame& scored) { out.write(scored); }, progress);
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "batch/blocking.h"
#include "batch/chunk_loop.h"
#include "batch/durable_job.h"
#include "batch/pair_records.h"
#include "pipeline/predictor.h"

namespace onnxfn::batch {

struct PairJobInputs {
  std::string left, right;  // product tables: CSV, JSON Lines or a JSON array
  std::string pairs;        // score these pairs instead of blocking (CSV ltable_id,rtable_id[,label])
  std::string gold;         // labelled pairs: report the blocking recall
};

struct PairJobOptions {
  size_t chunk_size = kDefaultChunkSize;
  size_t top_k = 0;  // blocking candidates per left record; 0: the bundle's blocking.top_k
  ChunkWork work = ChunkWork::Predict;
};

struct JobSummary {
  size_t left_rows = 0, right_rows = 0;
  size_t pairs = 0;                       // candidate pairs scored
  bool blocked = false;                   // pairs came from blocking (else from the pairs file)
  size_t top_k = 0;                       // blocking's candidates per left record
  std::optional<BlockingRecall> recall;   // with gold pairs
  double read_seconds = 0, block_seconds = 0;
  ChunkTrace scoring;                     // features (read + pipeline), model, write (encode) times

  double cross_product() const { return static_cast<double>(left_rows) * static_cast<double>(right_rows); }
};

class PairJob {
 public:
  // Reads both tables and the pairs (or runs blocking). BadInput naming the file for bad tables or
  // pairs; BadModel when the bundle cannot generate pairs (no blocking section and no pairs file).
  PairJob(const pipeline::Predictor& predictor, PairJobInputs inputs, PairJobOptions options);

  const PairList& pairs() const { return pairs_; }

  // Scores every pair, chunk by chunk in pair order; `progress` gets pairs done and the total.
  JobSummary run(const ChunkSink& sink, std::function<void(size_t, size_t)> progress = {});

  // The same as a durable job (durable_job.h): checkpointed in `options.checkpoint` (default
  // <output>.onnxfn-job), resumable, exactly once. The output format comes from its extension;
  // `all`: every scored pair, else only the matches (a bundle without output.label writes all).
  // `options.key` (e.g. the schedule tick) is extended with key(), the output and `all`.
  // `progress` gets chunks done and the total.
  DurableResult run_durable(storage::Store& store, DurableOptions options, bool all, std::function<void(size_t, size_t)> progress = {});

  // What identifies this job: the bundle (metadata, threshold, contract), each input's location and
  // version (size and etag), and the options that change the output.
  std::string key(storage::Store& store) const;
  const JobSummary& summary() const { return summary_; }

 private:
  const pipeline::Predictor& predictor_;
  PairJobInputs inputs_;
  PairJobOptions options_;
  std::optional<ProductTable> left_, right_;
  std::optional<PairRecordBuilder> builder_;
  PairList pairs_;
  std::optional<PairList> gold_;
  JobSummary summary_;
};

}  // namespace onnxfn::batch
