// `onnxfn inspect MODEL [--json]`: what a model needs and whether onnxfn can run it.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "cli/model_report.h"
#include "model/model_loader.h"

namespace onnxfn::cli {

void add_inspect_command(CLI::App& app, Action& action) {
  struct Options {
    std::string model;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show a model's inputs, outputs and operators, and whether onnxfn supports them");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_flag("--json", opts->json, "Print the stable JSON form (schema onnxfn.inspect/1)");
  cmd->footer("Exit codes: 0 the model loads (even if some operators are unsupported: see 'supported'),\n"
              "3 the model is malformed or invalid, 4 resource limit.");
  cmd->callback([opts, &action] {
    action = [opts] {
      Model model = load_model(opts->model);
      ModelReport report = build_report(model, opts->model);
      if (opts->json) write_report_json(report, std::cout);
      else write_report_text(report, std::cout);
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
