// `onnxfn batch`: product matching over two tables. Candidate pairs come from blocking (the
// bundle's blocking section) or a pairs file; they are scored in chunks through the bundle and the
// matches stream to an output file that appears only when the job has finished (docs/batch.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "batch/blocking.h"
#include "batch/output_file.h"
#include "batch/pair_scorer.h"
#include "cli/batch_run.h"
#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "cli/pair_inputs.h"
#include "engine/thread_pool.h"
#include "frame/frame_ops.h"

namespace onnxfn::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

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

}  // namespace

int run_batch(const BatchOptions& o) {
  const auto start = Clock::now();
  const int threads = o.threads > 0 ? o.threads : available_cpus();
  // The bundle first, so that a bad bundle exits 3 whatever is wrong with the inputs.
  auto predictor = pipeline::Predictor::load(o.bundle, {.threads = threads});
  const pipeline::PipelineSpec& spec = predictor->bundle().spec;
  const double load_seconds = seconds_since(start);

  auto t_read = Clock::now();
  PairTables tables = load_pair_tables(spec, o.left, o.right);
  batch::PairRecordBuilder builder(tables.left, tables.right, spec);
  const pipeline::BlockingSpec blocking = batch::blocking_of(spec);
  batch::PairList pairs;
  if (!o.pairs.empty()) pairs = batch::read_pairs_file(o.pairs, tables.left, tables.right, blocking);
  std::optional<batch::PairList> gold;
  if (!o.gold.empty()) gold = batch::read_pairs_file(o.gold, tables.left, tables.right, blocking);
  double read_seconds = seconds_since(t_read);

  double block_seconds = 0;
  std::optional<batch::BlockingResult> blocked;
  if (o.pairs.empty()) {
    if (!spec.blocking || spec.blocking->text.empty())
      throw_error(ErrorKind::BadInput, "bundle '" + o.bundle + "': pipeline.json has no \"blocking\" section, so candidate pairs cannot be generated; give --pairs FILE");
    auto t_block = Clock::now();
    const text::IdfTable* idf = nullptr;
    if (!blocking.idf.empty()) {
      auto it = predictor->bundle().state.idf_tables.find(blocking.idf);
      if (it == predictor->bundle().state.idf_tables.end())
        throw_error(ErrorKind::BadModel, "bundle '" + o.bundle + "': blocking.idf names state '" + blocking.idf + "', which is not loaded");
      idf = &it->second;
    }
    batch::BlockingTexts texts = batch::blocking_texts(tables.left, tables.right, blocking.text);
    batch::BlockingOptions options;
    options.top_k = static_cast<size_t>(o.top_k > 0 ? o.top_k : blocking.top_k);
    options.threads = threads;
    blocked = batch::block(texts.left, texts.right, tables.right.id_rank(), idf, options);
    pairs = std::move(blocked->pairs);
    block_seconds = seconds_since(t_block);
  }

  const auto& label = spec.output.label;
  const bool write_all = o.all || !label;
  batch::OutputFile output(o.output);
  ProgressBar progress(!o.quiet && ::isatty(STDERR_FILENO));
  size_t matches = 0;
  batch::PairScorer scorer(*predictor, builder,
                           {.chunk_size = static_cast<size_t>(o.chunk_size),
                            .threads = threads,
                            .progress = [&](size_t done, size_t total) { progress.update(done, total); }});
  batch::ScoreTimes times = scorer.run(pairs, [&](size_t, const Frame& scored) {
    if (!label) {
      output.write(scored);
      return;
    }
    const Column& is_match = scored.column(label->column);
    size_t n = 0;
    for (size_t r = 0; r < scored.num_rows(); ++r) n += !is_match.is_null(r) && is_match.bool_values()[r];
    matches += n;
    output.write(write_all ? scored : filter(scored, is_match));
  });
  auto t_commit = Clock::now();
  output.commit();
  times.write += seconds_since(t_commit);
  progress.finish();
  if (o.quiet) return kExitOk;

  const double total_seconds = seconds_since(start);
  const double left_n = static_cast<double>(tables.left.size()), right_n = static_cast<double>(tables.right.size());
  std::string s = "onnxfn batch: bundle " + o.bundle + "\n";
  s += "  rows in          left " + std::to_string(tables.left.size()) + " (" + o.left + "), right " + std::to_string(tables.right.size()) + " (" +
       o.right + ")\n";
  const double cross = left_n * right_n;
  const double reduction = cross > 0 ? 1.0 - static_cast<double>(pairs.size()) / cross : 0.0;
  s += "  candidate pairs  " + std::to_string(pairs.size()) +
       (blocked ? " by blocking (top " + std::to_string(o.top_k > 0 ? o.top_k : blocking.top_k) + "), " : " from " + o.pairs + ", ") +
       fixed(left_n > 0 ? static_cast<double>(pairs.size()) / left_n : 0.0, 2) + " per left record, " + fixed(100 * reduction, 2) +
       "% fewer than the " + fixed(cross, 0) + "-pair cross product\n";
  if (gold) {
    batch::BlockingRecall recall = batch::blocking_recall(pairs, *gold);
    s += "  blocking recall  " + fixed(recall.recall(), 4) + " (" + std::to_string(recall.retained) + " of " + std::to_string(recall.positives) +
         " gold matches in " + o.gold + " are candidates)\n";
  }
  s += "  pairs scored     " + std::to_string(pairs.size()) + "\n";
  if (label) s += "  matches          " + std::to_string(matches) + " (threshold " + fixed(predictor->bundle().threshold(), 4) + ")\n";
  s += "  rows written     " + std::to_string(output.rows_written()) + (write_all ? " (every scored pair)" : " (matches only; --all for every pair)") +
       " -> " + output.path() + "\n";
  s += "  time (s)         load " + fixed(load_seconds, 3) + ", read " + fixed(read_seconds, 3) + ", block " + fixed(block_seconds, 3) + ", features " +
       fixed(times.features, 3) + ", model " + fixed(times.model, 3) + ", write " + fixed(times.write, 3) + "; total " + fixed(total_seconds, 3) +
       " (" + fixed(total_seconds > 0 ? static_cast<double>(pairs.size()) / total_seconds : 0.0, 0) + " pairs/s)\n";
  std::cerr << s;
  return kExitOk;
}

void add_batch_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BatchOptions>();
  CLI::App* cmd = app.add_subcommand("batch", "Match two product tables with a bundle: blocking (or a pairs file), scoring in chunks, matches out");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder or .zip whose pipeline.json takes pair records (left_*/right_* columns)")->required();
  cmd->add_option("--left", opts->left, "Left product table: CSV, JSON Lines (.jsonl) or a JSON array (.json)")->required();
  cmd->add_option("--right", opts->right, "Right product table")->required();
  cmd->add_option("-o,--output", opts->output, "Matches file: CSV, or JSON Lines / JSON array by extension (.jsonl/.json); - for stdout")->required();
  cmd->add_option("--pairs", opts->pairs, "Score these pairs instead of blocking: CSV ltable_id,rtable_id[,label]");
  cmd->add_option("--gold", opts->gold, "Labelled pairs (ltable_id,rtable_id[,label]): report blocking recall, the share of its matches among the candidates");
  cmd->add_option("--chunk-size", opts->chunk_size, "Pairs per chunk (memory is a small multiple of one chunk)")
      ->check(CLI::Range(int64_t{1}, static_cast<int64_t>(batch::kMaxChunkSize)));
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
