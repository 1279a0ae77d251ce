// Bundle commands: `onnxfn features` (the feature table as serving computes it; training scripts
// call this so no feature is implemented twice) and `onnxfn fit` (fits the bundle's state, e.g.
// IDF tables, on records).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "cli/records_io.h"
#include "frame/frame_ops.h"
#include "pipeline/predictor.h"

namespace onnxfn::cli {

void predict_bundle_records(const std::string& bundle, const std::string& input, const std::string& output,
                            const std::string& format, int threads, int64_t chunk_rows, bool features_only) {
  auto predictor = pipeline::Predictor::load(bundle, {.threads = threads});
  Frame records = read_records(input, "auto");
  RecordWriter writer(output, format);
  size_t rows = records.num_rows();
  size_t chunk = static_cast<size_t>(chunk_rows);
  // Chunks bound the memory of a large file to a small multiple of one chunk's tensors.
  for (size_t start = 0; start < rows || start == 0; start += chunk) {
    Frame part = records.slice(start, chunk);
    writer.write(features_only ? predictor->features(part) : predictor->predict(part));
    if (rows == 0) break;
  }
  writer.finish();
}

void add_features_command(CLI::App& app, Action& action) {
  struct Options {
    std::string bundle, input, output = "-", format = "auto";
    int64_t chunk_rows = kDefaultChunkRows;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("features", "Write the feature table a bundle's pipeline computes from records (as serving does)");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder (model.onnx, pipeline.json, metadata.json, state/)")->required();
  cmd->add_option("-i,--input", opts->input, "Records: CSV or JSON Lines / JSON array (by extension); - for stdin")->required();
  cmd->add_option("-o,--output", opts->output, "Feature table (default stdout); CSV unless the extension is .jsonl/.json");
  cmd->add_option("--format", opts->format, "Output format: auto, csv, jsonl or json")->check(CLI::IsMember({"auto", "csv", "jsonl", "json"}));
  cmd->add_option("--chunk-rows", opts->chunk_rows, "Rows per chunk")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  cmd->footer("Columns: the pipeline's carry columns, then every model input column in the model's order.");
  cmd->callback([opts, &action] {
    action = [opts] {
      predict_bundle_records(opts->bundle, opts->input, opts->output, opts->format, 1, opts->chunk_rows, true);
      return kExitOk;
    };
  });
}

void add_fit_command(CLI::App& app, Action& action) {
  struct Options {
    std::string bundle;
    std::vector<std::string> inputs;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("fit", "Fit a bundle's state (IDF tables) on records and write it into the bundle");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder whose pipeline.json declares \"state\"")->required();
  cmd->add_option("-i,--input", opts->inputs, "Records to fit on (CSV or JSON); several files are concatenated")->required();
  cmd->callback([opts, &action] {
    action = [opts] {
      pipeline::Bundle bundle = pipeline::load_bundle(opts->bundle, {.require_state = false});
      std::vector<Frame> parts;
      for (const std::string& in : opts->inputs) parts.push_back(read_records(in, "auto"));
      Frame records = parts.size() == 1 ? std::move(parts[0]) : concat_rows(parts);
      pipeline::fit_bundle_state(bundle, records);
      for (const auto& s : bundle.spec.state)
        std::cerr << "fitted state '" << s.name << "' on " << records.num_rows() << " records -> " << (bundle.dir / s.file).string() << "\n";
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
