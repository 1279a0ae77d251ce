// `onnxfn lambda` (the custom runtime; also the binary run as `bootstrap`) and `onnxfn package`
// (function.zip and deployment templates): argument parsing only, the work is in src/lambda/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <iostream>

#include "cli/cli.h"
#include "common/error_table.h"
#include "lambda/package.h"
#include "lambda/runtime.h"
#include "pipeline/reference_set.h"
#include "tune/report.h"

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

  static std::string verify_bundle;
  auto* verify = app.add_subcommand("verify",
                                    "Recompute a bundle's reference set (reference.json: sample records with the scikit-learn model's own "
                                    "probabilities and labels, stored by the training helpers) and report the largest difference; exit 3 "
                                    "when it disagrees beyond the set's tolerance");
  verify->add_option("-b,--bundle", verify_bundle, "bundle folder")->required();
  verify->callback([&action] {
    action = [] {
      const auto predictor = pipeline::Predictor::load(verify_bundle);
      const auto report = pipeline::verify_reference_set(*predictor, verify_bundle);
      if (!report) throw_error(ErrorKind::BadInput, "verify: " + verify_bundle + " has no reference set (reference.json); retrain it with the training helper to store one");
      std::cout << lambda::describe_reference_report(*report) << "\n";
      return report->passed() ? kExitOk : kExitBadModel;
    };
  });

  static lambda::PackageOptions o;
  static std::string memory = "1024", tune_report;
  auto* pkg = app.add_subcommand("package",
                                 "Package a bundle (or model) for AWS Lambda: function.zip (bootstrap + bundle, reproducible bytes), "
                                 "a SAM template.yaml and a Serverless Framework v3 serverless.yml in --out; checks sizes, memory, "
                                 "timeout and the schedule before writing anything");
  pkg->add_option("bundle", o.bundle, "bundle folder, bundle .zip or .onnx model")->required();
  pkg->add_option("-o,--out", o.out, "output folder")->required();
  pkg->add_option("--arch", o.arch, "x86_64 or arm64")->capture_default_str();
  pkg->add_option("--binary", o.binary, "the static onnxfn build to ship as bootstrap (default: this binary, for its own architecture)");
  pkg->add_option("--memory", memory, "memory in MB (128-10240), or auto: the size `onnxfn tune --json` recommended (--tune-report)")
      ->capture_default_str();
  pkg->add_option("--tune-report", tune_report, "with --memory auto: the JSON report of `onnxfn tune ... --json FILE`");
  pkg->add_option("--timeout", o.timeout_s, "timeout in seconds (1-900)")->capture_default_str();
  pkg->add_option("--schedule", o.schedule, "EventBridge Scheduler expression: cron(min hour dom month dow year), rate(n unit) or at(...)");
  pkg->add_option("--job", o.job_file, "JSON file: the job each scheduled firing runs ({\"left\", \"right\", \"output\"} or {\"input\", \"output\"})");
  pkg->add_flag("--http", o.http, "add an HTTP API (API Gateway v2) event: the routes of `onnxfn serve`");
  pkg->add_option("--name", o.name, "function name (default: the bundle's name)");
  pkg->add_flag("--fanout", o.fanout,
                "add a Step Functions Distributed Map to template.yaml: one durable pair job per object under an S3 prefix");
  static CLI::Option* fanout_concurrency =
      pkg->add_option("--fanout-concurrency", o.fanout_concurrency, "with --fanout: shards scored at once (1-10000)")->capture_default_str();
  pkg->callback([&action] {
    action = [] {
      if (fanout_concurrency->count() && !o.fanout)
        throw_error(ErrorKind::BadInput, "package: --fanout-concurrency sets the fan-out's parallelism: give --fanout too");
      if (memory == "auto") {
        if (tune_report.empty()) throw_error(ErrorKind::BadInput, "package --memory auto: give --tune-report FILE (written by `onnxfn tune BUNDLE --event E --json FILE`)");
        std::ifstream in(tune_report, std::ios::binary);
        if (!in) throw_error(ErrorKind::BadInput, "--tune-report " + tune_report + ": cannot open it");
        o.memory_mb = tune::recommended_memory_from_report(std::string(std::istreambuf_iterator<char>(in), {}), "--tune-report " + tune_report);
      } else {
        try {
          size_t used = 0;
          o.memory_mb = std::stoi(memory, &used);
          if (used != memory.size()) throw std::invalid_argument(memory);
        } catch (const std::exception&) {
          throw_error(ErrorKind::BadInput, "--memory " + memory + ": a size in MB (128-10240) or auto");
        }
      }
      const lambda::PackageResult r = lambda::package_function(o);
      auto mb = [](uint64_t bytes) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
        return std::string(buf);
      };
      auto pct = [](uint64_t part, uint64_t whole) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
        return std::string(buf);
      };
      std::cout << "onnxfn package: " << o.bundle << " for " << o.arch << ", " << o.memory_mb << " MB" << (memory == "auto" ? " (tune's recommendation)" : "") << ", " << o.timeout_s << " s\n"
                << "  function.zip    " << r.zipped << " bytes zipped (" << mb(r.zipped) << ", " << pct(r.zipped, lambda::kMaxZippedBytes)
                << " of the 50 MB limit), " << r.unzipped << " unzipped (" << pct(r.unzipped, lambda::kMaxUnzippedBytes)
                << " of 250 MB) -> " << r.zip_path << "\n"
                << "  handler         " << r.handler << "\n"
                << "  parity          " << r.parity << "\n"
                << "  template.yaml   AWS SAM (provided.al2023" << (o.http ? ", HttpApi" : "")
                << (o.schedule.empty() ? "" : ", ScheduleV2 " + o.schedule)
                << (o.fanout ? ", Step Functions fan-out at " + std::to_string(o.fanout_concurrency) + " shards at once" : "") << ") -> "
                << r.sam_path << "\n"
                << "  serverless.yml  Serverless Framework v3 -> " << r.serverless_path << "\n";
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
