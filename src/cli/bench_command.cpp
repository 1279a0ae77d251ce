// `onnxfn bench MODEL` / `onnxfn bench --bundle B`: times Session::run alone (the way ONNX
// Runtime's perf test does), with the input rows tiled up to --rows, and prints median and min
// milliseconds.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <random>

#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "cli/records_io.h"
#include "cli/request_input.h"
#include "model/model_loader.h"
#include "ops/all_kernels.h"
#include "pipeline/predictor.h"

namespace onnxfn::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Repeats the rows (leading dimension) of `t` cyclically until it has `rows` rows.
Tensor tile_rows(const Tensor& t, int64_t rows) {
  if (t.rank() == 0 || t.dim(0) == 0) throw_error(ErrorKind::BadInput, "bench: inputs need at least one row to tile");
  Shape shape = t.shape();
  int64_t have = shape[0];
  int64_t width = t.numel() / have;
  shape[0] = rows;
  Tensor out = Tensor::zeros(t.dtype(), shape);
  if (t.dtype() == DType::String) {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < width; ++j) out.mutable_data<std::string>()[r * width + j] = t.data<std::string>()[(r % have) * width + j];
    return out;
  }
  size_t row_bytes = static_cast<size_t>(width) * dtype_size(t.dtype());
  const auto* src = static_cast<const std::byte*>(t.raw_data());
  auto* dst = static_cast<std::byte*>(out.mutable_raw_data());
  for (int64_t r = 0; r < rows; ++r) std::copy_n(src + (r % have) * row_bytes, row_bytes, dst + r * row_bytes);
  return out;
}

// Random inputs from the declared types when no --input is given (fixed seed: repeatable runs).
NamedValues synthesize_inputs(const Session& session, int64_t rows) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal;
  NamedValues inputs;
  for (const ValueInfo& in : session.inputs()) {
    if (!in.type.is_tensor() || !in.type.shape)
      throw_error(ErrorKind::BadInput, "bench: input '" + in.name + "' has no fixed shape; give --input with example rows");
    Shape shape;
    for (size_t d = 0; d < in.type.shape->size(); ++d) {
      const Dim& dim = (*in.type.shape)[d];
      if (d == 0) shape.push_back(rows);
      else if (dim.value) shape.push_back(*dim.value);
      else throw_error(ErrorKind::BadInput, "bench: input '" + in.name + "' has an unknown width; give --input with example rows");
    }
    Tensor t = Tensor::zeros(in.type.elem, shape);
    switch (in.type.elem) {
      case DType::Float: for (float& v : t.mutable_span<float>()) v = static_cast<float>(normal(rng)); break;
      case DType::Double: for (double& v : t.mutable_span<double>()) v = normal(rng); break;
      case DType::Int64: for (int64_t& v : t.mutable_span<int64_t>()) v = static_cast<int64_t>(rng() % 10); break;
      case DType::Int32: for (int32_t& v : t.mutable_span<int32_t>()) v = static_cast<int32_t>(rng() % 10); break;
      default:
        throw_error(ErrorKind::BadInput, "bench: cannot synthesize " + dtype_name(in.type.elem) + " input '" + in.name +
                                             "'; give --input with example rows");
    }
    inputs.emplace_back(in.name, Value(std::move(t)));
  }
  return inputs;
}

// The model's inputs computed by a bundle's pipeline from example records (timed once: the
// pipeline is not part of what bench repeats).
NamedValues bundle_inputs(const pipeline::Predictor& predictor, const std::string& records_path, double& pipeline_ms) {
  const pipeline::Pipeline& pipe = predictor.pipeline();
  Frame records = read_records(records_path, "auto", pipe.spec().input);
  auto start = Clock::now();
  NamedValues inputs = pipe.to_tensors(pipe.run_steps(pipe.conform(std::move(records))));
  pipeline_ms = ms_since(start);
  return inputs;
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  struct Options {
    std::string model;
    std::string bundle;
    std::string input;
    int64_t rows = 10000;
    int threads = 1;
    int repeat = 20;
    int warmup = 3;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("bench", "Time Session::run on a model with the input rows tiled up to --rows");
  add_model_or_bundle(*cmd, opts->model, opts->bundle, "Bundle folder or .zip: time its model.onnx; --input then holds records for its pipeline");
  cmd->add_option("-i,--input", opts->input,
                  "Example rows: KServe v2 JSON or CSV; with --bundle, records (CSV / JSON Lines) the pipeline turns into "
                  "model inputs (default: random values from the input types)");
  cmd->add_option("-n,--rows", opts->rows, "Rows per run (input rows are repeated to reach it)")->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  cmd->add_option("-t,--threads", opts->threads, "Intra-op threads (0: the CPUs available to the process)")->check(CLI::Range(0, 1024));
  cmd->add_option("-r,--repeat", opts->repeat, "Timed runs")->check(CLI::Range(1, 100000));
  cmd->add_option("--warmup", opts->warmup, "Untimed runs first")->check(CLI::Range(0, 1000));
  cmd->add_flag("--json", opts->json, "Print JSON: median_ms, min_ms, mean_ms, max_ms, rows, threads, repeat, load_ms");
  cmd->callback([opts, &action] {
    action = [opts] {
      require_model_or_bundle("bench", opts->model, opts->bundle);
      auto load_start = Clock::now();
      std::unique_ptr<pipeline::Predictor> predictor;
      std::unique_ptr<Session> own_session;
      if (!opts->bundle.empty()) {
        predictor = pipeline::Predictor::load(opts->bundle, {.threads = opts->threads});
      } else {
        own_session = std::make_unique<Session>(load_model(opts->model), ops::all_kernels(), SessionOptions{.threads = opts->threads});
      }
      const Session& session = predictor ? predictor->session() : *own_session;
      const std::string name = predictor ? predictor->bundle().model_path().string() : opts->model;
      double load_ms = ms_since(load_start);
      NamedValues inputs;
      std::optional<double> pipeline_ms;
      if (opts->input.empty()) {
        inputs = synthesize_inputs(session, opts->rows);
      } else {
        NamedValues examples = predictor ? bundle_inputs(*predictor, opts->input, pipeline_ms.emplace())
                                         : read_request(opts->input, "auto", session).inputs;
        for (auto& [input_name, value] : examples)
          inputs.emplace_back(input_name, Value(tile_rows(value.tensor("input '" + input_name + "'"), opts->rows)));
      }
      for (int i = 0; i < opts->warmup; ++i) session.run(inputs);
      std::vector<double> times;
      for (int i = 0; i < opts->repeat; ++i) {
        auto start = Clock::now();
        NamedValues out = session.run(inputs);
        times.push_back(ms_since(start));
      }
      std::vector<double> sorted = times;
      std::sort(sorted.begin(), sorted.end());
      size_t n = sorted.size();
      double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      double mean = 0;
      for (double t : times) mean += t / static_cast<double>(n);
      if (opts->json) {
        std::cout << "{\"model\": \"" << std::filesystem::path(name).filename().string() << "\", \"rows\": " << opts->rows
                  << ", \"threads\": " << session.threads() << ", \"repeat\": " << n << ", \"median_ms\": " << median
                  << ", \"min_ms\": " << sorted.front() << ", \"mean_ms\": " << mean << ", \"max_ms\": " << sorted.back()
                  << ", \"load_ms\": " << load_ms;
        if (pipeline_ms) std::cout << ", \"pipeline_ms\": " << *pipeline_ms;
        std::cout << "}\n";
      } else {
        std::cout << name << ": " << opts->rows << " rows, " << session.threads() << " thread(s), " << n << " runs\n"
                  << "  median " << median << " ms   min " << sorted.front() << " ms   mean " << mean << " ms   max "
                  << sorted.back() << " ms\n"
                  << "  " << static_cast<int64_t>(static_cast<double>(opts->rows) / (median / 1000.0)) << " rows/s at the median; "
                  << "session created in " << load_ms << " ms\n";
        if (pipeline_ms)
          std::cout << "  pipeline (not repeated): model inputs from the records in " << *pipeline_ms << " ms\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
