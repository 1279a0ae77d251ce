// Bundle commands: `onnxfn features` (the feature table as serving computes it; training scripts
// call this so no feature is implemented twice) and `onnxfn fit` (fits the bundle's state, e.g.
// IDF tables, on records). The work is batch::run_records_job / batch::PairJob; this file parses
// arguments and prints.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "batch/pair_job.h"
#include "batch/records_job.h"
#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "common/error_table.h"
#include "frame/frame_ops.h"
#include "frame/record_files.h"

namespace onnxfn::cli {
namespace {

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

void add_output_format_option(CLI::App& cmd, std::string& format) {
  cmd.add_option("--output-format", format, "Output records: auto (by --output extension; CSV for stdout), csv, jsonl or json (one array)")
      ->check(CLI::IsMember({"auto", "csv", "jsonl", "json"}));
  // The spelling of earlier releases, kept hidden for one release.
  cmd.add_option("--format", format)->group("")->check(CLI::IsMember({"auto", "csv", "jsonl", "json"}));
}

void add_chunk_size_option(CLI::App& cmd, int64_t& chunk_size, const std::string& unit) {
  cmd.add_option("--chunk-size", chunk_size, unit + " per chunk (memory is a small multiple of one chunk)")
      ->check(CLI::Range(int64_t{1}, static_cast<int64_t>(batch::kMaxChunkSize)));
  cmd.add_option("--chunk-rows", chunk_size)->group("")->check(CLI::Range(int64_t{1}, static_cast<int64_t>(batch::kMaxChunkSize)));
}

void run_bundle_records(const BundleRunOptions& o, const pipeline::Predictor* loaded) {
  // `features` needs no model: training computes the features before the model exists.
  std::unique_ptr<pipeline::Predictor> own;
  if (!loaded) own = pipeline::Predictor::load(o.bundle, {.threads = o.threads, .require_model = !o.features_only});
  const pipeline::Predictor* predictor = loaded ? loaded : own.get();
  if (!predictor->is_bundle())
    throw_error(ErrorKind::BadInput, "'" + o.bundle + "' is an ONNX model, not a bundle: features need a bundle's pipeline");
  batch::RecordsJobSummary s = batch::run_records_job(
      *predictor, {.input = o.input, .output = o.output, .output_format = o.format, .chunk_size = static_cast<size_t>(o.chunk_size),
                   .work = o.features_only ? batch::ChunkWork::Features : batch::ChunkWork::Predict, .profile = o.report_profile});
  if (o.report_time || o.report_profile) {
    const pipeline::Trace& t = s.scoring.trace;
    char line[160];
    if (o.features_only) std::snprintf(line, sizeof line, "features: %zu rows, pipeline %.3f ms\n", s.rows_in, t.pipeline_ms);
    else std::snprintf(line, sizeof line, "predict: %zu rows, pipeline %.3f ms, model %.3f ms\n", s.rows_in, t.pipeline_ms, t.model_ms);
    std::cerr << line;
  }
  if (o.report_profile) print_profile(s.scoring.steps, std::cerr);
}

void add_features_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BundleRunOptions>();
  opts->features_only = true;
  opts->threads = 1;
  CLI::App* cmd = app.add_subcommand("features", "Write the feature table a bundle's pipeline computes from records (as serving does)");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder or .zip (pipeline.json, metadata.json, state/; model.onnx not needed)")->required();
  cmd->add_option("-i,--input", opts->input, "Records: CSV or JSON Lines / JSON array (by extension); - for stdin")->required();
  cmd->add_option("-o,--output", opts->output, "Feature table (default stdout); CSV unless the extension is .jsonl/.json");
  add_output_format_option(*cmd, opts->format);
  add_chunk_size_option(*cmd, opts->chunk_size, "Rows");
  cmd->add_option("-t,--threads", opts->threads, "Threads for the pipeline (default 1)")->check(CLI::Range(0, 1024));
  cmd->add_flag("--time", opts->report_time, "Print the time spent computing features (not reading or writing) to stderr");
  cmd->add_flag("--profile", opts->report_profile,
                "Also print that time per step, per derived column and per text preparation (each distinct value of "
                "a text argument is prepared once per step, at the first column that needs it)");
  cmd->footer("Columns: the pipeline's carry columns, then every model input column in the model's order.");
  auto pairs = std::make_shared<batch::PairJobInputs>();
  auto* left = cmd->add_option("--left", pairs->left, "Pair form: the left product table (CSV or JSON Lines)");
  auto* right = cmd->add_option("--right", pairs->right, "Pair form: the right product table");
  auto* pairs_file = cmd->add_option("--pairs", pairs->pairs, "Pair form: pairs file, CSV ltable_id,rtable_id[,label]");
  cmd->get_option("--input")->required(false);
  left->needs(right)->needs(pairs_file)->excludes("--input");
  right->needs(left);
  pairs_file->needs(left);
  cmd->parse_complete_callback([cmd, pairs] {
    if (pairs->left.empty() && cmd->get_option("--input")->count() == 0)
      throw CLI::RequiredError("--input (or --left, --right and --pairs for pair records)");
  });
  cmd->footer(cmd->get_footer() +
              "\nPair form: each pair of --pairs becomes one record from a --left row and a --right row, columns\n"
              "prefixed left_/right_ (the bundle's blocking section names the id columns and prefixes); rows come\n"
              "out in the pairs file's order. See docs/batch.md.\n"
              "  onnxfn features --bundle B --left tableA.csv --right tableB.csv --pairs train.csv --output train_features.csv");
  cmd->callback([opts, pairs, &action] {
    action = [opts, pairs] {
      if (pairs->left.empty()) {
        run_bundle_records(*opts);
        return kExitOk;
      }
      auto predictor = pipeline::Predictor::load(opts->bundle, {.threads = opts->threads, .require_model = false});
      batch::PairJob job(*predictor, *pairs, {.chunk_size = static_cast<size_t>(opts->chunk_size), .work = batch::ChunkWork::Features});
      RecordFileWriter writer(opts->output, opts->format);
      job.run([&](size_t, const Frame& table) { writer.write(table); });
      writer.commit();
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
