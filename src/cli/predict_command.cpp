// `onnxfn predict`: one inference. With a model: an Open Inference Protocol v2 JSON request or CSV
// in, a v2 JSON response out. With a bundle: records (CSV / JSON) in, records out, through the
// bundle's pipeline (batch::run_records_job, in chunks). Both go through the Predictor.
#include <CLI/CLI.hpp>

#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "common/error_table.h"
#include "frame/record_files.h"
#include "pipeline/predictor.h"
#include "protocol/inference_protocol.h"

namespace onnxfn::cli {

void add_predict_command(CLI::App& app, Action& action) {
  struct Options {
    std::string model;
    std::string bundle;
    std::string input_format = "auto";
    BundleRunOptions run;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("predict", "Run a model on a KServe v2 JSON request or CSV, or a bundle on records");
  add_model_or_bundle(*cmd, opts->model, opts->bundle, "Bundle folder or .zip: records in, records out through its pipeline");
  cmd->add_option("-i,--input", opts->run.input,
                  "Model: KServe v2 JSON (.json) or CSV with a header (.csv). Bundle: records, CSV or JSON Lines. - for stdin")
      ->required();
  cmd->add_option("-o,--output", opts->run.output, "Where to write the response or records (default: stdout)");
  cmd->add_option("--input-format", opts->input_format, "Model input: json, csv or auto (by extension; stdin: by first character)")
      ->check(CLI::IsMember({"auto", "json", "csv"}));
  add_output_format_option(*cmd, opts->run.format);
  cmd->add_option("-t,--threads", opts->run.threads, "Intra-op threads (default: the CPUs available to the process)")->check(CLI::Range(0, 1024));
  add_chunk_size_option(*cmd, opts->run.chunk_size, "Bundle: rows");
  cmd->add_flag("--time", opts->run.report_time, "Bundle: print the pipeline's and the model's time to stderr");
  cmd->footer(
      "CSV input to a model: a model with one input takes every column in order; otherwise each\n"
      "model input takes the column with its name (or <name>_0, <name>_1, ... for wider inputs).\n"
      "Empty float fields and JSON null mean NaN. Bundle output is CSV unless --output ends in .jsonl/.json\n"
      "or --output-format says otherwise. MODEL may also be a bundle folder or .zip.\n"
      "Exit codes: 0 ok, 2 bad input (request, CSV, arguments), 3 bad or unsupported model, 4 resource limit.");
  cmd->callback([opts, &action] {
    action = [opts] {
      require_model_or_bundle("predict", opts->model, opts->bundle);
      const std::string path = opts->bundle.empty() ? opts->model : opts->bundle;
      // The model is loaded first so that a bad model reports exit 3 even with a bad request.
      auto predictor = pipeline::Predictor::load(path, {.threads = opts->run.threads});
      if (predictor->is_bundle()) {
        BundleRunOptions run = opts->run;
        run.bundle = path;
        run_bundle_records(run, predictor.get());
        return kExitOk;
      }
      const std::string& input = opts->run.input;
      const std::string text = read_input_file(input, "input");
      std::string format = opts->input_format;
      if (format == "auto" && (file_extension(input) == "json" || file_extension(input) == "csv")) format = file_extension(input);
      InferenceRequest request = decode_request(text, format, input == "-" ? "stdin" : input, predictor->inputs());
      NamedValues outputs = select_outputs(predictor->infer(request.inputs), request.requested_outputs);
      write_output_file(opts->run.output, encode_inference_response(outputs, predictor->name(), request.id) + "\n");
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
