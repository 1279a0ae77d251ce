// `onnxfn lambda` (the custom runtime; also the binary run as `bootstrap`) and `onnxfn package`
// (function.zip and deployment templates): argument parsing only, the work is in src/lambda/.
#include <CLI/CLI.hpp>

#include "cli/cli.h"
#include "common/error_table.h"
#include "lambda/runtime.h"

namespace onnxfn::cli {

void add_lambda_commands(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "lambda",
      "Run as an AWS Lambda custom runtime (what the binary does when it is named `bootstrap`): load the bundle or model "
      "named by _HANDLER (relative to LAMBDA_TASK_ROOT; default: the one beside the binary) and answer invocations from "
      "AWS_LAMBDA_RUNTIME_API");
  cmd->callback([&action] {
    action = [] { return lambda::run_runtime(lambda::settings_from_environment()); };
  });
}

}  // namespace onnxfn::cli
