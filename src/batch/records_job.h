// A records file through a bundle, chunk by chunk: `onnxfn predict --bundle` and `onnxfn features`
// over files of any size, and the same for other doors that are handed a file or object.
#pragma once

#include <functional>
#include <string>

#include "batch/chunk_loop.h"

namespace onnxfn::batch {

struct RecordsJob {
  std::string input;                  // records: CSV, JSON Lines or a JSON array; "-" for stdin
  std::string output = "-";           // records out; "-" for stdout (a file appears when complete)
  std::string output_format = "auto";  // auto (by extension), csv, jsonl or json
  size_t chunk_size = kDefaultChunkSize;
  ChunkWork work = ChunkWork::Predict;
  bool profile = false;
  // After each chunk: rows done and the total (Lambda checks its deadline here; may throw to stop).
  std::function<void(size_t done, size_t total)> progress{};
};

struct RecordsJobSummary {
  size_t rows_in = 0, rows_out = 0;
  ChunkTrace scoring;  // trace.read_ms includes reading the input file
};

RecordsJobSummary run_records_job(const pipeline::Predictor& predictor, const RecordsJob& job);

}  // namespace onnxfn::batch
