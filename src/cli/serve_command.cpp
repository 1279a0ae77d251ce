// `onnxfn serve`: parses the options, loads the models, runs serve::Server until SIGTERM.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cli.h"
#include "common/error_table.h"
#include "common/error.h"
#include "serve/batch_settings.h"
#include "serve/model_loading.h"
#include "serve/server.h"

namespace onnxfn::cli {

void add_serve_command(CLI::App& app, Action& action) {
  struct Options {
    std::vector<std::string> models;
    std::string repository;
    serve::ServerOptions server;
    int model_threads = 1;
    int64_t header_timeout_ms = 10'000, body_timeout_ms = 30'000, drain_timeout_ms = 30'000;
    std::string log_format = "text";
    int64_t batch_delay_us = 500;
    std::vector<std::string> model_batch;  // --batch NAME=ROWS[:US] | NAME=off
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve models and bundles over HTTP: Open Inference Protocol v2, KServe v1, records");
  cmd->add_option("models", opts->models, "Model files (.onnx) or bundles (folder or .zip); NAME=PATH names one");
  cmd->add_option("--repository", opts->repository, "A folder whose entries are models or bundles, each named by its entry");
  cmd->add_option("--host", opts->server.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", opts->server.port, "Port (0: any free port, printed at start)")->capture_default_str();
  cmd->add_option("--threads", opts->server.threads, "Connection threads (default: the CPUs available)")->check(CLI::Range(0, 1024));
  cmd->add_option("--model-threads", opts->model_threads, "Intra-op threads per request (default 1: requests run side by side)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd->add_option("--max-body", opts->server.limits.max_body_bytes, "Largest request body in bytes (413 above)")->capture_default_str();
  cmd->add_option("--max-rows", opts->server.limits.max_rows, "Most rows per request (413 above)")->capture_default_str();
  cmd->add_option("--max-connections", opts->server.max_connections, "Open connections at most; more are closed at once")
      ->check(CLI::Range(size_t{1}, size_t{1'000'000}))
      ->capture_default_str();
  cmd->add_option("--header-timeout-ms", opts->header_timeout_ms, "Time to receive a request's headers, idle keep-alive included")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();
  cmd->add_option("--body-timeout-ms", opts->body_timeout_ms, "Time to receive a request's body (and to write the answer)")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}))
      ->capture_default_str();
  cmd->add_option("--drain-timeout-ms", opts->drain_timeout_ms, "On SIGTERM, longest wait for requests in flight")
      ->check(CLI::Range(int64_t{0}, int64_t{3'600'000}))
      ->capture_default_str();
  cmd->add_option("--batch-max-rows", opts->server.batch.max_rows,
                  "Dynamic batching (off by default): concurrent /infer requests to one model with the same inputs share a "
                  "session run of at most this many rows; larger requests run alone")
      ->check(CLI::Range(size_t{0}, size_t{1'000'000}));
  cmd->add_option("--batch-delay-us", opts->batch_delay_us, "With --batch-max-rows: longest wait of a request for company, microseconds")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000}))
      ->capture_default_str();
  cmd->add_option("--batch", opts->model_batch,
                  "Dynamic batching for one model, over --batch-max-rows/--batch-delay-us and its serve.json: "
                  "NAME=ROWS[:US] (ROWS 2..1000000, US 0..1000000) or NAME=off; repeat for more models")
      ->allow_extra_args(false);  // one NAME=... per --batch: the models after it stay models
  cmd->add_option("--log-format", opts->log_format, "text: a start line only; json: also one JSON access log line per request on stderr")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->footer(
      "Routes: GET /v2, /v2/health/{live,ready}, /v2/models/NAME[/versions/V][/ready]; POST\n"
      "/v2/models/NAME[/versions/V]/infer (JSON or binary tensors), /v2/models/NAME/records (bundles:\n"
      "JSON, JSON Lines or CSV by Content-Type), /v1/models/NAME:predict; GET /metrics. docs/openapi.yaml\n"
      "describes them. SIGTERM finishes the requests in flight and exits 0. --batch-max-rows merges\n"
      "concurrent small infer requests (same input names, types and feature count) into one session run,\n"
      "like Triton's dynamic batcher; answers are the same as unbatched; /metrics has onnxfn_batch_rows by\n"
      "model. Per model: --batch NAME=16:200 or NAME=off, or in a --repository model folder a serve.json\n"
      "such as {\"dynamic_batching\": {\"max_rows\": 16, \"delay_us\": 200}} ({} for the command-line\n"
      "settings, false for off); --batch wins over serve.json, which wins over --batch-max-rows.");
  cmd->callback([opts, &action] {
    action = [opts] {
      serve::Metrics metrics;
      opts->server.header_timeout = std::chrono::milliseconds(opts->header_timeout_ms);
      opts->server.body_timeout = std::chrono::milliseconds(opts->body_timeout_ms);
      opts->server.drain_timeout = std::chrono::milliseconds(opts->drain_timeout_ms);
      opts->server.json_access_log = opts->log_format == "json";
      opts->server.batch.delay = std::chrono::microseconds(opts->batch_delay_us);
      // --batch: its syntax before any model loads, its names once they have.
      std::map<std::string, serve::BatchOptions, std::less<>> flagged;
      for (const std::string& flag : opts->model_batch) {
        auto [name, batch] = serve::parse_batch_flag(flag, opts->server.batch);
        if (!flagged.emplace(name, batch).second) throw_error(ErrorKind::BadInput, "serve: --batch names model '" + name + "' twice");
      }
      protocol::ModelRepository models = serve::load_models(opts->models, opts->repository, {.threads = opts->model_threads}, metrics,
                                                            opts->server.batch, &opts->server.model_batch);
      for (auto& [name, batch] : flagged) {
        if (!models.find(name)) {
          std::string names;
          for (const std::string& n : models.names()) names += (names.empty() ? "" : ", ") + n;
          throw_error(ErrorKind::BadInput, "serve: --batch '" + name + "=...': no model named '" + name + "' is served (models: " + names + ")");
        }
        opts->server.model_batch[name] = batch;
      }
      serve::Server server(models, opts->server, metrics);
      server.run([&](uint16_t port) {
        std::string names;
        for (const std::string& n : models.names()) names += (names.empty() ? "" : ", ") + n;
        std::cerr << "onnxfn serve: listening on http://" << opts->server.host << ":" << port << " (models: " << names << ")" << std::endl;
      });
      std::cerr << "onnxfn serve: drained, exiting" << std::endl;
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
