// The command line: `onnxfn <command> ...`. Each command file adds a CLI11 subcommand whose
// callback returns an exit code; errors map to exit codes by category (common/error_table.h).
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace onnxfn::cli {

int run(int argc, char** argv);

// Each command registers itself on the app; `action` receives the code to run once parsed.
using Action = std::function<int()>;
void add_inspect_command(CLI::App& app, Action& action);
void add_predict_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_features_command(CLI::App& app, Action& action);
void add_fit_command(CLI::App& app, Action& action);

// The MODEL positional and -b,--bundle of a command that takes either (CLI11 refuses both);
// require_model_or_bundle, when the command runs, refuses neither.
void add_model_or_bundle(CLI::App& cmd, std::string& model, std::string& bundle, const std::string& bundle_help);
void require_model_or_bundle(const std::string& command, const std::string& model, const std::string& bundle);

}  // namespace onnxfn::cli
