// Bundle commands: `onnxfn features` (the feature table as serving computes it; training scripts
// call this so no feature is implemented twice) and `onnxfn fit` (fits the bundle's state, e.g.
// IDF tables, on records). `predict --bundle` shares predict_bundle_records.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "cli/pair_inputs.h"
#include "cli/records_io.h"
#include "frame/frame_ops.h"
#include "pipeline/predictor.h"

namespace onnxfn::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// Errors from one chunk name the input rows it holds (rows numbered from 0 in the whole input).
template <class Fn>
auto on_rows(const std::string& input, size_t start, size_t count, Fn&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    if (count == 0) throw;
    throw_error(e.kind(), (input == "-" ? std::string("stdin") : input) + ": rows " + std::to_string(start) + "-" +
                              std::to_string(start + count - 1) + ": " + e.what());
  }
}

// Adds one chunk's step times to the run's, matching entries by label.
void add_step_times(pipeline::StepProfile& total, const pipeline::StepProfile& chunk) {
  for (const pipeline::StepTime& t : chunk) {
    auto it = std::find_if(total.begin(), total.end(), [&](const pipeline::StepTime& x) { return x.label == t.label; });
    if (it == total.end()) {
      total.push_back(t);
    } else {
      it->ms += t.ms;
      it->values += t.values;
    }
  }
}

void print_profile(const pipeline::StepProfile& profile, std::ostream& out) {
  std::vector<std::string> labels;
  size_t width = 0;
  for (const pipeline::StepTime& t : profile) {
    labels.push_back(t.label + (t.values > 0 ? " (" + std::to_string(t.values) + " values)" : ""));
    width = std::max(width, labels.back().size());
  }
  for (size_t i = 0; i < profile.size(); ++i) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%10.3f ms", profile[i].ms);
    out << "  " << labels[i] << std::string(width - labels[i].size(), ' ') << ms << "\n";
  }
}

}  // namespace

void predict_bundle_records(const BundleRunOptions& o) {
  // `features` needs no model: training computes the features before the model exists.
  pipeline::Bundle bundle = pipeline::load_bundle(o.bundle);
  std::unique_ptr<pipeline::Predictor> predictor;
  std::unique_ptr<pipeline::Pipeline> own_pipeline;
  if (o.features_only) {
    try {
      own_pipeline = std::make_unique<pipeline::Pipeline>(bundle.spec, &bundle.state);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::BadInput) throw;
      throw_error(ErrorKind::BadModel, e.what());
    }
  } else {
    predictor = std::make_unique<pipeline::Predictor>(std::move(bundle), SessionOptions{.threads = o.threads});
  }
  const pipeline::Pipeline& pipe = predictor ? predictor->pipeline() : *own_pipeline;
  const double threshold = predictor ? predictor->bundle().threshold() : 0.0;

  Frame records = read_records(o.input, "auto", pipe.spec().input);
  RecordWriter writer(o.output, o.format);
  const size_t rows = records.num_rows();
  const size_t chunk = static_cast<size_t>(o.chunk_rows);
  double pipeline_ms = 0, model_ms = 0;
  // Per step label, summed over chunks, in first-run order.
  pipeline::StepProfile profile, chunk_profile;
  pipeline::StepProfile* const profiling = o.report_profile ? &chunk_profile : nullptr;
  // Chunks bound the memory of a large file to a small multiple of one chunk's tensors. An empty
  // input still runs once, so the output has its header.
  for (size_t start = 0; start < rows || start == 0; start += chunk) {
    // One chunk (the usual case) is the records themselves: no copy.
    Frame part = rows <= chunk ? std::move(records) : records.slice(start, chunk);
    Frame out = on_rows(o.input, start, part.num_rows(), [&] {
      auto t0 = Clock::now();
      chunk_profile.clear();
      Frame stepped = pipe.run_steps(pipe.conform(std::move(part)), profiling);
      add_step_times(profile, chunk_profile);
      if (o.features_only) {
        Frame table = pipe.feature_table(stepped);
        pipeline_ms += ms_since(t0);
        return table;
      }
      NamedValues inputs = pipe.to_tensors(stepped);
      pipeline_ms += ms_since(t0);
      auto t1 = Clock::now();
      NamedValues outputs = predictor->session().run(inputs);
      model_ms += ms_since(t1);
      auto t2 = Clock::now();
      Frame result = pipe.to_records(stepped, outputs, threshold);
      pipeline_ms += ms_since(t2);
      return result;
    });
    writer.write(out);
    if (rows == 0) break;
  }
  writer.finish();
  if (o.report_time || o.report_profile) {
    char line[160];
    if (o.features_only) std::snprintf(line, sizeof line, "features: %zu rows, pipeline %.3f ms\n", rows, pipeline_ms);
    else std::snprintf(line, sizeof line, "predict: %zu rows, pipeline %.3f ms, model %.3f ms\n", rows, pipeline_ms, model_ms);
    std::cerr << line;
  }
  if (o.report_profile) print_profile(profile, std::cerr);
}

void add_features_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BundleRunOptions>();
  opts->features_only = true;
  opts->threads = 1;
  CLI::App* cmd = app.add_subcommand("features", "Write the feature table a bundle's pipeline computes from records (as serving does)");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder or .zip (pipeline.json, metadata.json, state/; model.onnx not needed)")->required();
  cmd->add_option("-i,--input", opts->input, "Records: CSV or JSON Lines / JSON array (by extension); - for stdin")->required();
  cmd->add_option("-o,--output", opts->output, "Feature table (default stdout); CSV unless the extension is .jsonl/.json");
  cmd->add_option("--format", opts->format, "Output format: auto (by extension), csv, jsonl or json (one array)")
      ->check(CLI::IsMember({"auto", "csv", "jsonl", "json"}));
  cmd->add_option("--chunk-rows", opts->chunk_rows, "Rows per chunk")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  cmd->add_flag("--time", opts->report_time, "Print the time spent computing features (not reading or writing) to stderr");
  cmd->add_flag("--profile", opts->report_profile,
                "Also print that time per step, per derived column and per text preparation (each distinct value of "
                "a text argument is prepared once per step, at the first column that needs it)");
  cmd->footer("Columns: the pipeline's carry columns, then every model input column in the model's order.");
  auto pair_opts = std::make_shared<PairFeatureOptions>();  // the pair-record form (cli/pair_inputs.h)
  add_pair_feature_options(*cmd, *pair_opts);
  cmd->callback([opts, pair_opts, &action] {
    action = [opts, pair_opts] {
      if (pair_opts->requested()) {
        write_pair_features(opts->bundle, *pair_opts, opts->output, opts->format, opts->chunk_rows);
        return kExitOk;
      }
      predict_bundle_records(*opts);
      return kExitOk;
    };
  });
}

void add_fit_command(CLI::App& app, Action& action) {
  struct Options {
    std::string bundle;
    std::vector<std::string> inputs;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("fit", "Fit a bundle's state (IDF tables) on records and write it into the bundle");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder (not a .zip: fit writes into it) whose pipeline.json declares \"state\"")->required();
  cmd->add_option("-i,--input", opts->inputs, "Records to fit on (CSV or JSON); several files are concatenated")->required();
  cmd->callback([opts, &action] {
    action = [opts] {
      pipeline::Bundle bundle = pipeline::load_bundle(opts->bundle, {.require_state = false});
      std::vector<Frame> parts;
      for (const std::string& in : opts->inputs) parts.push_back(read_records(in, "auto"));
      Frame records = parts.size() == 1 ? std::move(parts[0]) : concat_rows(parts);
      pipeline::fit_bundle_state(bundle, records);
      for (const auto& s : bundle.spec.state)
        std::cerr << "fitted state '" << s.name << "' on " << records.num_rows() << " records -> " << (bundle.dir / s.file).string() << "\n";
      return kExitOk;
    };
  });
}

}  // namespace onnxfn::cli
