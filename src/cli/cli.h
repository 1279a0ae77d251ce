// The command line: `onnxfn <command> ...`. Each command file adds a CLI11 subcommand whose
// callback returns an exit code; errors map to exit codes by category (exit_codes.h).
#pragma once

#include <functional>

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

}  // namespace onnxfn::cli
