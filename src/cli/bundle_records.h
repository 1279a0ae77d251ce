// Shared by the record commands (`predict --bundle`, `features`): their options, the options they
// spell alike, and the run that prints the --time / --profile lines.
#pragma once

#include <cstdint>
#include <string>

#include "batch/chunk_loop.h"
#include "pipeline/predictor.h"

namespace CLI {
class App;
}

namespace onnxfn::cli {

struct BundleRunOptions {
  std::string bundle;
  std::string input;
  std::string output = "-";
  std::string format = "auto";  // output: auto (by extension), csv, jsonl or json
  int threads = 0;
  int64_t chunk_size = static_cast<int64_t>(batch::kDefaultChunkSize);
  bool features_only = false;   // the feature table, without the model (which may not exist yet)
  bool report_time = false;     // print the pipeline's (and model's) compute time to stderr
  bool report_profile = false;  // and the pipeline's time per step, derived column and text preparation
};

// `loaded`: the bundle when the caller has loaded it already (else loaded from options.bundle).
void run_bundle_records(const BundleRunOptions& options, const pipeline::Predictor* loaded = nullptr);

// --output-format (hidden alias --format) and --chunk-size (hidden alias --chunk-rows): one name
// per concept across commands.
void add_output_format_option(CLI::App& cmd, std::string& format);
void add_chunk_size_option(CLI::App& cmd, int64_t& chunk_size, const std::string& unit);

}  // namespace onnxfn::cli
