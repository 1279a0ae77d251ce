// `onnxfn predict MODEL --input FILE`: one inference over a KServe v2 JSON request or a CSV file,
// answered with a KServe v2 JSON response.
#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "engine/session.h"
#include "model/model_loader.h"
#include "protocol/csv_inputs.h"
#include "protocol/inference_protocol.h"

namespace onnxfn::cli {

void add_predict_command(CLI::App& app, Action& action) {
  struct Options {
    std::string model;
    std::string input;
    std::string output = "-";
    std::string format = "auto";
    int threads = 0;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("predict", "Run a model on a KServe v2 JSON request or a CSV file");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("-i,--input", opts->input, "Request file: KServe v2 JSON (.json) or CSV with a header (.csv); - for stdin")
      ->required();
  cmd->add_option("-o,--output", opts->output, "Where to write the KServe v2 JSON response (default: stdout)");
  cmd->add_option("--input-format", opts->format, "json, csv or auto (by extension; stdin: by first character)")
      ->check(CLI::IsMember({"auto", "json", "csv"}));
  cmd->add_option("-t,--threads", opts->threads, "Intra-op threads (default: the CPUs available to the process)")
      ->check(CLI::Range(0, 1024));
  cmd->footer(
      "CSV input: a model with one input takes every column in order; otherwise each model input\n"
      "takes the column with its name (or <name>_0, <name>_1, ... for wider inputs). Empty float\n"
      "fields and JSON null mean NaN.\n"
      "Exit codes: 0 ok, 2 bad input (request, CSV, arguments), 3 bad or unsupported model, 4 resource limit.");
  cmd->callback([opts, &action] {
    action = [opts] {
      // The model is loaded first so that a bad model reports exit 3 even with a bad request.
      Model model = load_model(opts->model);
      Session session(std::move(model), {.threads = opts->threads});
      std::string text = read_input_file(opts->input, "input");
      std::string format = opts->format;
      if (format == "auto") {
        std::string ext = file_extension(opts->input);
        if (ext == "json") format = "json";
        else if (ext == "csv") format = "csv";
        else format = text.find_first_not_of(" \t\r\n") != std::string::npos && text[text.find_first_not_of(" \t\r\n")] == '{' ? "json" : "csv";
      }
      InferenceRequest request;
      if (format == "json") request = parse_inference_request(text);
      else request.inputs = csv_to_inputs(text, opts->input == "-" ? "stdin" : opts->input, session.inputs());
      NamedValues outputs = select_outputs(session.run(request.inputs), request.requested_outputs);
      std::string name = std::filesystem::path(opts->model).stem().string();
      write_output_file(opts->output, encode_inference_response(outputs, name, request.id) + "\n");
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
