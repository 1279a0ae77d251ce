// `onnxfn predict`: one inference. With a model: a KServe v2 JSON request or CSV in, a KServe v2
// JSON response out. With --bundle: records (CSV / JSON) in, records out, through the bundle's
// pipeline.
#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "cli/request_input.h"
#include "engine/session.h"
#include "model/model_loader.h"
#include "ops/all_kernels.h"
#include "protocol/inference_protocol.h"

namespace onnxfn::cli {

void add_predict_command(CLI::App& app, Action& action) {
  struct Options {
    std::string model;
    std::string bundle;
    std::string input;
    std::string output = "-";
    std::string format = "auto";
    std::string output_format = "auto";
    int threads = 0;
    int64_t chunk_rows = kDefaultChunkRows;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("predict", "Run a model on a KServe v2 JSON request or CSV, or a bundle on records");
  add_model_or_bundle(*cmd, opts->model, opts->bundle, "Bundle folder or .zip: records in, records out through its pipeline");
  cmd->add_option("-i,--input", opts->input,
                  "Model: KServe v2 JSON (.json) or CSV with a header (.csv). Bundle: records, CSV or JSON Lines. - for stdin")
      ->required();
  cmd->add_option("-o,--output", opts->output, "Where to write the response or records (default: stdout)");
  cmd->add_option("--input-format", opts->format, "Model input: json, csv or auto (by extension; stdin: by first character)")
      ->check(CLI::IsMember({"auto", "json", "csv"}));
  cmd->add_option("--output-format", opts->output_format, "Bundle output records: auto (by --output extension), csv, jsonl or json")
      ->check(CLI::IsMember({"auto", "csv", "jsonl", "json"}));
  cmd->add_option("-t,--threads", opts->threads, "Intra-op threads (default: the CPUs available to the process)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--chunk-rows", opts->chunk_rows, "Bundle: rows per chunk")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  cmd->footer(
      "CSV input to a model: a model with one input takes every column in order; otherwise each\n"
      "model input takes the column with its name (or <name>_0, <name>_1, ... for wider inputs).\n"
      "Empty float fields and JSON null mean NaN. Bundle output is CSV unless --output ends in .jsonl/.json\n"
      "or --output-format says otherwise.\n"
      "Exit codes: 0 ok, 2 bad input (request, CSV, arguments), 3 bad or unsupported model, 4 resource limit.");
  cmd->callback([opts, &action] {
    action = [opts] {
      require_model_or_bundle("predict", opts->model, opts->bundle);
      if (!opts->bundle.empty()) {
        predict_bundle_records({.bundle = opts->bundle, .input = opts->input, .output = opts->output, .format = opts->output_format,
                                .threads = opts->threads, .chunk_rows = opts->chunk_rows});
        return kExitOk;
      }
      // The model is loaded first so that a bad model reports exit 3 even with a bad request.
      Session session(load_model(opts->model), ops::all_kernels(), {.threads = opts->threads});
      InferenceRequest request = read_request(opts->input, opts->format, session);
      NamedValues outputs = select_outputs(session.run(request.inputs), request.requested_outputs);
      std::string name = std::filesystem::path(opts->model).stem().string();
      write_output_file(opts->output, encode_inference_response(outputs, name, request.id) + "\n");
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
