// `onnxfn batch`: product matching over two tables. Candidate pairs come from blocking (the
// bundle's blocking section) or a pairs file; they are scored in chunks through the bundle and the
// matches stream to an output file that appears only when the job has finished (docs/batch.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "batch/pair_job.h"
#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "common/error_table.h"
#include "frame/frame_ops.h"
#include "frame/record_files.h"

namespace onnxfn::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct BatchOptions {
  std::string bundle, left, right, pairs, gold, output;
  int64_t chunk_size = static_cast<int64_t>(batch::kDefaultChunkSize);
  int64_t top_k = 0;  // 0: the bundle's blocking.top_k
  bool all = false;
  bool quiet = false;
  int threads = 0;
};

// A one-line bar redrawn in place; only on a terminal, so logs and pipes stay clean.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  void update(size_t done, size_t total) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    constexpr int kWidth = 30;
    const double f = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
    const int filled = static_cast<int>(f * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r  scoring [%s] %3.0f%%  %zu / %zu pairs", bar.c_str(), f * 100, done, total);
    std::fflush(stderr);
    drawn_ = true;
  }
  void finish() {
    if (drawn_) std::fputs("\r\033[K", stderr);  // clear the bar before the summary
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point last_{};
};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

int run_batch(const BatchOptions& o) {
  const auto start = Clock::now();
  // The bundle first, so that a bad bundle exits 3 whatever is wrong with the inputs.
  auto predictor = pipeline::Predictor::load(o.bundle, {.threads = o.threads});
  const double load_seconds = seconds_since(start);
  if (!predictor->is_bundle()) throw_error(ErrorKind::BadInput, "'" + o.bundle + "' is an ONNX model: batch needs a bundle");
  batch::PairJob job(*predictor, {.left = o.left, .right = o.right, .pairs = o.pairs, .gold = o.gold},
                     {.chunk_size = static_cast<size_t>(o.chunk_size), .top_k = static_cast<size_t>(o.top_k)});

  const auto& label = predictor->bundle()->spec.output.label;
  const bool write_all = o.all || !label;
  RecordFileWriter output(o.output);
  ProgressBar progress(!o.quiet && ::isatty(STDERR_FILENO));
  size_t matches = 0;
  batch::JobSummary s = job.run(
      [&](size_t, const Frame& scored) {
        if (!label) {
          output.write(scored);
          return;
        }
        const Column& is_match = scored.column(label->column);
        size_t n = 0;
        for (size_t r = 0; r < scored.num_rows(); ++r) n += !is_match.is_null(r) && is_match.bool_values()[r];
        matches += n;
        output.write(write_all ? scored : filter(scored, is_match));
      },
      [&](size_t done, size_t total) { progress.update(done, total); });
  auto t_commit = Clock::now();
  output.commit();
  const double commit_seconds = seconds_since(t_commit);
  progress.finish();
  if (o.quiet) return kExitOk;

  const pipeline::Trace& t = s.scoring.trace;
  const double total_seconds = seconds_since(start);
  const double left_n = static_cast<double>(s.left_rows);
  std::string out = "onnxfn batch: bundle " + o.bundle + "\n";
  out += "  rows in          left " + std::to_string(s.left_rows) + " (" + o.left + "), right " + std::to_string(s.right_rows) + " (" + o.right + ")\n";
  const double cross = s.cross_product();
  const double reduction = cross > 0 ? 1.0 - static_cast<double>(s.pairs) / cross : 0.0;
  out += "  candidate pairs  " + std::to_string(s.pairs) + (s.blocked ? " by blocking (top " + std::to_string(s.top_k) + "), " : " from " + o.pairs + ", ") +
         fixed(left_n > 0 ? static_cast<double>(s.pairs) / left_n : 0.0, 2) + " per left record, " + fixed(100 * reduction, 2) + "% fewer than the " +
         fixed(cross, 0) + "-pair cross product\n";
  if (s.recall)
    out += "  blocking recall  " + fixed(s.recall->recall(), 4) + " (" + std::to_string(s.recall->retained) + " of " + std::to_string(s.recall->positives) +
           " gold matches in " + o.gold + " are candidates)\n";
  out += "  pairs scored     " + std::to_string(s.pairs) + "\n";
  if (label) out += "  matches          " + std::to_string(matches) + " (threshold " + fixed(predictor->threshold(), 4) + ")\n";
  out += "  rows written     " + std::to_string(output.rows_written()) + (write_all ? " (every scored pair)" : " (matches only; --all for every pair)") +
         " -> " + output.path() + "\n";
  out += "  time (s)         load " + fixed(load_seconds, 3) + ", read " + fixed(s.read_seconds, 3) + ", block " + fixed(s.block_seconds, 3) + ", features " +
         fixed((t.read_ms + t.pipeline_ms) / 1000, 3) + ", model " + fixed(t.model_ms / 1000, 3) + ", write " + fixed(t.encode_ms / 1000 + commit_seconds, 3) +
         "; total " + fixed(total_seconds, 3) + " (" + fixed(total_seconds > 0 ? static_cast<double>(s.pairs) / total_seconds : 0.0, 0) + " pairs/s)\n";
  std::cerr << out;
  return kExitOk;
}

}  // namespace

void add_batch_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BatchOptions>();
  CLI::App* cmd = app.add_subcommand("batch", "Match two product tables with a bundle: blocking (or a pairs file), scoring in chunks, matches out");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder or .zip whose pipeline.json takes pair records (left_*/right_* columns)")->required();
  cmd->add_option("--left", opts->left, "Left product table: CSV, JSON Lines (.jsonl) or a JSON array (.json)")->required();
  cmd->add_option("--right", opts->right, "Right product table")->required();
  cmd->add_option("-o,--output", opts->output, "Matches file: CSV, or JSON Lines / JSON array by extension (.jsonl/.json); - for stdout")->required();
  cmd->add_option("--pairs", opts->pairs, "Score these pairs instead of blocking: CSV ltable_id,rtable_id[,label]");
  cmd->add_option("--gold", opts->gold, "Labelled pairs (ltable_id,rtable_id[,label]): report blocking recall, the share of its matches among the candidates");
  add_chunk_size_option(*cmd, opts->chunk_size, "Pairs");
  cmd->add_option("--top-k", opts->top_k, "Blocking: candidates per left record (default: the bundle's blocking.top_k)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000}));
  cmd->add_flag("--all", opts->all, "Write every scored pair with its probability, not only the matches");
  cmd->add_option("-t,--threads", opts->threads, "Threads for blocking, features and the model (default: the CPUs available)")->check(CLI::Range(0, 1024));
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress bar and no summary");
  cmd->footer(
      "Examples:\n"
      "  onnxfn batch --bundle bundle --left tableA.csv --right tableB.csv --output matches.csv\n"
      "  onnxfn batch --bundle bundle --left tableA.csv --right tableB.csv --gold test.csv --all --output scored.jsonl\n"
      "  onnxfn batch --bundle bundle --left tableA.csv --right tableB.csv --pairs test.csv --output matches.csv\n"
      "Output columns: the bundle's output (left_id, right_id, probability, match for a matching bundle).\n"
      "The output appears only when the job has finished (it is written to <output>.partial-<pid> first).\n"
      "A progress bar is drawn on stderr when it is a terminal; a summary follows (rows, pairs, matches,\n"
      "blocking recall with --gold, seconds per stage). See docs/batch.md.\n"
      "Exit codes: 0 ok, 2 bad input (tables, pairs, arguments), 3 bad bundle or model, 4 resource limit.");
  cmd->callback([opts, &action] { action = [opts] { return run_batch(*opts); }; });
}

}  // namespace onnxfn::cli
