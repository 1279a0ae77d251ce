// `onnxfn tune BUNDLE --event EVENT.json`: the Lambda memory sweep before deploying (argument
// parsing and output files only; the sweep, the models and the reports are in src/tune/).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "cli/cli.h"
#include "common/error.h"
#include "common/error_table.h"
#include "engine/thread_pool.h"
#include "tune/emulated_function.h"
#include "tune/report.h"
#include "tune/sweep.h"

namespace onnxfn::cli {
namespace {

namespace fs = std::filesystem;

struct TuneArgs {
  std::string bundle, event, memory = "128,256,512,1024,1769,2048,3008,4096,10240", arch = "x86_64", strategy = "cost";
  double weight = 0.5;
  int runs = 5, timeout = 900;
  int64_t predictions = 0;
  std::string method = "auto", duration = "measured", emulator, work_dir, json, chart;
  std::string compare, compare_event, compare_name = "compare", compare_task_root, compare_handler;
};

std::string read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_error(ErrorKind::BadInput, what + " " + path + ": cannot open it");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const std::string& path, const std::string& text, const std::string& what) {
  std::ofstream out(path, std::ios::binary);
  if (!(out << text)) throw_error(ErrorKind::BadInput, what + " " + path + ": cannot write it");
}

int run_tune(const TuneArgs& a) {
  tune::TuneOptions o;
  o.memory_mb = tune::parse_memory_list(a.memory);
  o.arch = tune::parse_arch(a.arch);
  o.strategy = tune::parse_strategy(a.strategy);
  if (!(a.weight >= 0 && a.weight <= 1)) throw_error(ErrorKind::BadInput, "--balanced-weight: give 0 (speed) to 1 (cost)");
  o.balanced_weight = a.weight;
  o.runs = a.runs;
  o.method = a.method;
  o.duration_basis = a.duration;
  o.timeout_seconds = a.timeout;
  o.emulator = tune::find_emulator(a.emulator);
  o.work_dir = a.work_dir.empty() ? (fs::temp_directory_path() / ("onnxfn-tune-" + std::to_string(::getpid()))).string() : a.work_dir;
  if (!fs::exists(a.bundle)) throw_error(ErrorKind::BadInput, "tune: " + a.bundle + ": no such bundle or model");

  tune::FunctionUnderTest f;
  f.name = "onnxfn";
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw_error(ErrorKind::Internal, "tune: cannot find this binary (/proc/self/exe): " + ec.message());
  f.command = {self.string(), "lambda"};
  const fs::path bundle = fs::absolute(a.bundle).lexically_normal();
  f.task_root = (bundle.has_filename() ? bundle : bundle.parent_path()).parent_path().string();
  f.handler = (bundle.has_filename() ? bundle : bundle.parent_path()).filename().string();
  f.event = read_text(a.event, "--event");
  f.predictions = a.predictions > 0 ? a.predictions : tune::predictions_in_event(f.event);

  tune::TuneReport report;
  report.options = o;
  report.machine_cpus = available_cpus();
  {
    std::ifstream load("/proc/loadavg");
    std::string one, five, fifteen;
    load >> one >> five >> fifteen;
    report.machine_load = one + " " + five + " " + fifteen;
  }
  std::cerr << "onnxfn tune: " << o.memory_mb.size() << " sizes x " << (o.runs + 1) << " invocations of " << f.predictions
            << " predictions; logs in " << o.work_dir << "\n";
  report.function = tune::run_sweep(f, o);
  if (!a.compare.empty()) {
    tune::FunctionUnderTest c;
    c.name = a.compare_name;
    c.command = {"/bin/sh", "-c", a.compare};
    c.task_root = fs::absolute(a.compare_task_root.empty() ? fs::current_path() : fs::path(a.compare_task_root)).string();
    c.handler = a.compare_handler;
    c.event = a.compare_event.empty() ? f.event : read_text(a.compare_event, "--compare-event");
    c.predictions = a.predictions > 0 ? a.predictions : tune::predictions_in_event(c.event);
    report.compare = tune::run_sweep(c, o);
  }
  std::cout << tune::report_table(report);
  if (!a.json.empty()) write_text(a.json, tune::report_json(report), "--json");
  if (!a.chart.empty()) write_text(a.chart, tune::report_svg(report), "--chart");
  return tune::recommended_memory(report.function, o.strategy) ? kExitOk : kExitResource;
}

}  // namespace

void add_tune_command(CLI::App& app, Action& action) {
  static TuneArgs a;
  auto* cmd = app.add_subcommand(
      "tune",
      "The Lambda memory sweep before deploying: run the function (this binary as bootstrap, under the AWS Lambda Runtime Interface "
      "Emulator) with EVENT at each memory size's CPU share, and report duration, peak RSS and cost per size with the recommended size "
      "(docs/tune.md). Exit 4 when no size fits");
  cmd->add_option("bundle", a.bundle, "bundle folder, bundle .zip or .onnx model")->required();
  cmd->add_option("-e,--event", a.event, "the invocation's event (JSON), e.g. {\"records\": [...]} with 10,000 pairs")->required();
  cmd->add_option("--memory", a.memory, "memory sizes in MB, comma-separated (128-10240)")->capture_default_str();
  cmd->add_option("--arch", a.arch, "x86_64 or arm64 (prices)")->capture_default_str();
  cmd->add_option("--strategy", a.strategy, "cost, speed or balanced (AWS Lambda Power Tuning's strategies)")->capture_default_str();
  cmd->add_option("--balanced-weight", a.weight, "balanced strategy: 0 = speed only, 1 = cost only")->capture_default_str();
  cmd->add_option("--runs", a.runs, "warm invocations per size, after one cold one (median reported)")->capture_default_str();
  cmd->add_option("--compare", a.compare,
                  "another bootstrap command (run by /bin/sh -c under the same emulator and quotas), e.g. 'exec node index.js'");
  cmd->add_option("--compare-event", a.compare_event, "the event for --compare (default: --event)");
  cmd->add_option("--compare-name", a.compare_name, "the compared function's name in the reports")->capture_default_str();
  cmd->add_option("--compare-task-root", a.compare_task_root, "LAMBDA_TASK_ROOT for --compare (default: the current folder)");
  cmd->add_option("--compare-handler", a.compare_handler, "_HANDLER for --compare");
  cmd->add_option("--predictions", a.predictions, "predictions per invocation (default: the event's records or input rows)");
  cmd->add_option("--json", a.json, "write the JSON report (schema onnxfn.tune/1) here");
  cmd->add_option("--chart", a.chart, "write the SVG chart here");
  cmd->add_option("--method", a.method, "auto (cgroup CPU quotas where writable, else threads), cgroup or threads")->capture_default_str();
  cmd->add_option("--duration", a.duration,
                  "what costs are computed from: measured, or cpu (CPU time / min(share, threads): the duration on an idle machine; "
                  "for a busy shared machine)")
      ->capture_default_str();
  cmd->add_option("--emulator", a.emulator, "aws-lambda-rie (default: $ONNXFN_RIE, PATH, .tools/bin)");
  cmd->add_option("--work-dir", a.work_dir, "folder for the emulator logs (default: a new one under the temp folder)");
  cmd->add_option("--timeout", a.timeout, "seconds an invocation may take (AWS_LAMBDA_FUNCTION_TIMEOUT)")->capture_default_str();
  cmd->callback([&action] { action = [] { return run_tune(a); }; });
}

}  // namespace onnxfn::cli
