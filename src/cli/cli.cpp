// Top-level argument parsing and error-to-exit-code mapping.
#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string_view>

#include "common/error_table.h"

namespace onnxfn::cli {

// Product matching over two tables (batch_command.cpp, evaluate_command.cpp; docs/batch.md).
void add_batch_command(CLI::App& app, Action& action);
void add_evaluate_command(CLI::App& app, Action& action);
// EventBridge schedule expressions (schedule_command.cpp; docs/schedules.md).
void add_schedule_command(CLI::App& app, Action& action);
// AWS Lambda (lambda_command.cpp; README, Deploy to AWS Lambda).
void add_lambda_commands(CLI::App& app, Action& action);
// The HTTP server (serve_command.cpp; serve/).
void add_serve_command(CLI::App& app, Action& action);
// The Lambda memory sweep (tune_command.cpp; docs/tune.md).
void add_tune_command(CLI::App& app, Action& action);

void add_model_or_bundle(CLI::App& cmd, std::string& model, std::string& bundle, const std::string& bundle_help) {
  auto* model_option = cmd.add_option("model", model, "ONNX model file");
  model_option->excludes(cmd.add_option("-b,--bundle", bundle, bundle_help));
}

void require_model_or_bundle(const std::string& command, const std::string& model, const std::string& bundle) {
  if (model.empty() == bundle.empty())
    throw_error(ErrorKind::BadInput, command + ": give a MODEL file or --bundle FOLDER (one of them)");
}

int run(int argc, char** argv) {
  // Lambda's provided.al2023 runtime starts a file named `bootstrap`: run as that, the binary is
  // `onnxfn lambda` whatever its arguments.
  static char lambda_word[] = "lambda";
  char* lambda_argv[] = {argc > 0 ? argv[0] : lambda_word, lambda_word, nullptr};
  const std::string_view self = argc > 0 ? argv[0] : "";
  if (self == "bootstrap" || (self.size() > 10 && self.substr(self.size() - 10) == "/bootstrap")) {
    argc = 2;
    argv = lambda_argv;
  }
  CLI::App app{"onnxfn: run scikit-learn models exported to ONNX, from one small static binary.\n"
               "Every command takes --help."};
  app.name("onnxfn");
  app.set_version_flag("--version", "onnxfn 0.1.0");
  app.require_subcommand(1);
  Action action;
  add_inspect_command(app, action);
  add_predict_command(app, action);
  add_bench_command(app, action);
  add_features_command(app, action);
  add_fit_command(app, action);
  add_batch_command(app, action);
  add_evaluate_command(app, action);
  add_schedule_command(app, action);
  add_lambda_commands(app, action);
  add_serve_command(app, action);
  add_tune_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;  // --help/--version exit 0; usage errors 2
  }
  try {
    return action ? action() : kExitOk;
  } catch (const Error& e) {
    std::cerr << "onnxfn: error (" << to_string(e.kind()) << "): " << e.what() << "\n";
    return exit_code_for(e.kind());
  } catch (const std::bad_alloc&) {
    std::cerr << "onnxfn: error (resource limit): out of memory\n";
    return kExitResource;
  } catch (const std::exception& e) {
    std::cerr << "onnxfn: internal error: " << e.what() << "\n";
    return kExitResource;
  }
}

}  // namespace onnxfn::cli
