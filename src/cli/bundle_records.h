// Running a bundle over a records file in chunks: shared by `predict --bundle` and `features`.
#pragma once

#include <cstdint>
#include <string>

namespace onnxfn::cli {

inline constexpr int64_t kDefaultChunkRows = 10000;

struct BundleRunOptions {
  std::string bundle;
  std::string input;
  std::string output = "-";
  std::string format = "auto";  // output: auto (by extension), csv, jsonl or json
  int threads = 0;
  int64_t chunk_rows = kDefaultChunkRows;
  bool features_only = false;   // the feature table, without the model (which may not exist yet)
  bool report_time = false;     // print the pipeline's (and model's) compute time to stderr
  bool report_profile = false;  // and the pipeline's time per step, derived column and text preparation
};

// Reads `input` records, runs the bundle chunk by chunk, and streams the output records (or the
// feature table when features_only) to `output`.
void predict_bundle_records(const BundleRunOptions& options);

}  // namespace onnxfn::cli
