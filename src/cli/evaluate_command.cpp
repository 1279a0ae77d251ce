// `onnxfn evaluate`: precision, recall and F1 of a bundle on a labelled pair split, scored through
// the same path as `onnxfn batch` (pair records, pipeline, model, threshold), so the figure a user
// reads is the one the deployed function produces.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "batch/pair_job.h"
#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "common/error_table.h"

namespace onnxfn::cli {
namespace {

struct EvaluateOptions {
  std::string bundle, left, right, pairs;
  int64_t chunk_size = static_cast<int64_t>(batch::kDefaultChunkSize);
  int threads = 0;
};

struct Counts {
  size_t tp = 0, fp = 0, fn = 0, tn = 0;
};

double ratio(size_t num, size_t den) { return den ? static_cast<double>(num) / static_cast<double>(den) : 0.0; }

int run_evaluate(const EvaluateOptions& o) {
  auto predictor = pipeline::Predictor::load(o.bundle, {.threads = o.threads});
  if (!predictor->is_bundle()) throw_error(ErrorKind::BadInput, "'" + o.bundle + "' is an ONNX model: evaluate needs a bundle");
  const pipeline::PipelineSpec& spec = predictor->bundle()->spec;
  if (!spec.output.label)
    throw_error(ErrorKind::BadModel, "bundle '" + o.bundle + "': pipeline.json has no output.label, so there is no match decision to evaluate");
  const std::string label_column = spec.output.label->column;

  batch::PairJob job(*predictor, {.left = o.left, .right = o.right, .pairs = o.pairs, .gold = {}}, {.chunk_size = static_cast<size_t>(o.chunk_size)});
  const batch::PairList& pairs = job.pairs();
  if (!pairs.labelled()) throw_error(ErrorKind::BadInput, "pairs file '" + o.pairs + "' has no label column (ltable_id,rtable_id,label)");

  Counts c;
  job.run([&](size_t first, const Frame& scored) {
    const size_t expected = std::min(pairs.size() - first, static_cast<size_t>(o.chunk_size));
    if (scored.num_rows() != expected)
      throw_error(ErrorKind::BadModel, "bundle '" + o.bundle + "': the pipeline returned " + std::to_string(scored.num_rows()) + " rows for " +
                                           std::to_string(expected) + " pairs (a filter step?); evaluate needs one decision per pair");
    const Column& decided = scored.column(label_column);
    for (size_t r = 0; r < scored.num_rows(); ++r) {
      const bool predicted = !decided.is_null(r) && decided.bool_values()[r];
      const bool actual = pairs.labels[first + r] != 0;
      (predicted ? (actual ? c.tp : c.fp) : (actual ? c.fn : c.tn)) += 1;
    }
  });

  const double precision = ratio(c.tp, c.tp + c.fp), recall = ratio(c.tp, c.tp + c.fn);
  const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "pairs      %zu (%zu labelled matches) from %s\n"
                "threshold  %.4f\n"
                "counts     TP %zu  FP %zu  FN %zu  TN %zu\n"
                "precision  %.4f\n"
                "recall     %.4f\n"
                "f1         %.4f\n"
                "{\"precision\": %.4f, \"recall\": %.4f, \"f1\": %.4f}\n",
                pairs.size(), c.tp + c.fn, o.pairs.c_str(), predictor->threshold(), c.tp, c.fp, c.fn, c.tn, precision, recall, f1,
                precision, recall, f1);
  std::cout << buf;
  std::cout.flush();
  return kExitOk;
}

}  // namespace

void add_evaluate_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<EvaluateOptions>();
  CLI::App* cmd = app.add_subcommand("evaluate", "Precision, recall and F1 of a matching bundle on labelled pairs (the batch scoring path)");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder or .zip whose pipeline.json takes pair records")->required();
  cmd->add_option("--left", opts->left, "Left product table: CSV, JSON Lines (.jsonl) or a JSON array (.json)")->required();
  cmd->add_option("--right", opts->right, "Right product table")->required();
  cmd->add_option("--pairs", opts->pairs, "Labelled pairs: CSV ltable_id,rtable_id,label (label 0/1)")->required();
  add_chunk_size_option(*cmd, opts->chunk_size, "Pairs");
  cmd->add_option("-t,--threads", opts->threads, "Threads for features and the model (default: the CPUs available)")->check(CLI::Range(0, 1024));
  cmd->footer(
      "Example:\n"
      "  onnxfn evaluate --bundle bundle --left tableA.csv --right tableB.csv --pairs test.csv\n"
      "Prints the counts (TP/FP/FN/TN), precision, recall and F1 of the bundle's match decisions\n"
      "(probability >= threshold); the last line is JSON: {\"precision\": p, \"recall\": r, \"f1\": f},\n"
      "fractions from 0 to 1 with 4 decimals (0 when undefined, e.g. precision with no predicted match).\n"
      "Exit codes: 0 ok, 2 bad input (tables, pairs, arguments), 3 bad bundle or model, 4 resource limit.");
  cmd->callback([opts, &action] { action = [opts] { return run_evaluate(*opts); }; });
}

}  // namespace onnxfn::cli
