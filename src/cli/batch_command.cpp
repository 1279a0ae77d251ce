// `onnxfn batch`: product matching over two tables. Candidate pairs come from blocking (the
// bundle's blocking section) or a pairs file; they are scored in chunks through the bundle and the
// matches stream to an output file that appears only when the job has finished (docs/batch.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "batch/pair_job.h"
#include "cli/batch_run.h"
#include "cli/bundle_records.h"
#include "cli/cli.h"
#include "common/error_table.h"
#include "frame/frame_ops.h"
#include "frame/record_files.h"
#include "storage/store.h"

namespace onnxfn::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }


// A run id unique to this process unless the caller gives one (a retried Lambda event gives its id).
std::string default_run_id() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() & 0xffffff);
}

int print_status(const std::string& checkpoint) {
  storage::Store store;
  const auto jobs = batch::job_progress(store, checkpoint);
  if (jobs.empty()) throw_error(ErrorKind::BadInput, "no batch jobs under '" + checkpoint + "' (give the --checkpoint location of a durable run)");
  for (const batch::JobProgress& j : jobs)
    std::cout << "{\"job\": \"" << j.job_id << "\", \"status\": \"" << (j.complete ? "complete" : j.chunks_done == j.chunks_total ? "assembling" : "partial")
              << "\", \"chunks_done\": " << j.chunks_done << ", \"chunks_total\": " << j.chunks_total << ", \"rows_written\": " << j.rows_written
              << ", \"output\": \"" << j.output << "\"}\n";
  return kExitOk;
}

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

// Checkpointed run: chunks are committed to the checkpoint as they finish; the output is assembled
// once every chunk is done. Exit 0 when the job is complete (now or before), 75 (EX_TEMPFAIL: run
// again) when chunks remain.
int run_durable_batch(const BatchOptions& o, batch::PairJob& job) {
  if (o.output == "-") throw_error(ErrorKind::BadInput, "a checkpointed batch writes a file or an s3:// object, not stdout");
  storage::Store store;
  batch::DurableOptions d;
  d.checkpoint = o.checkpoint;
  d.output = o.output;
  d.key = "scheduled " + o.scheduled_time + "\n";
  d.run_id = o.run_id.empty() ? default_run_id() : o.run_id;
  d.lease_seconds = o.lease_seconds;
  if (o.max_seconds > 0)
    d.deadline = std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(o.max_seconds));
  ProgressBar progress(!o.quiet && ::isatty(STDERR_FILENO));
  batch::DurableResult r = job.run_durable(store, d, o.all, [&](size_t done, size_t total) { progress.update(done, total); });
  progress.finish();
  if (!o.quiet) {
    std::string s = "onnxfn batch: job " + r.job_id + " (checkpoint " + r.checkpoint + ")\n";
    s += "  chunks           " + std::to_string(r.chunks_done) + " of " + std::to_string(r.chunks_total) + " done, " + std::to_string(r.chunks_run) +
         " by this run" + (r.chunks_held ? ", " + std::to_string(r.chunks_held) + " held by another run" : std::string()) + "\n";
    if (r.status == batch::JobStatus::AlreadyComplete) s += "  already complete: nothing to do (" + o.output + ")\n";
    if (r.status == batch::JobStatus::Complete) s += "  rows written     " + std::to_string(r.rows_written) + " -> " + o.output + "\n";
    if (r.deadline_reached) s += "  stopped before the deadline (--max-seconds); run again to continue\n";
    std::cerr << s;
  }
  std::cout << r.json() << "\n";
  return r.status == batch::JobStatus::Partial ? kExitTryAgain : kExitOk;
}

}  // namespace

int run_batch(const BatchOptions& o) {
  if (!o.status.empty()) return print_status(o.status);
  for (const auto& [name, value] : {std::pair{"--bundle", &o.bundle}, {"--left", &o.left}, {"--right", &o.right}, {"--output", &o.output}})
    if (value->empty()) throw_error(ErrorKind::BadInput, std::string("batch: ") + name + " is required");
  const auto start = Clock::now();
  // The bundle first, so that a bad bundle exits 3 whatever is wrong with the inputs.
  auto predictor = pipeline::Predictor::load(o.bundle, {.threads = o.threads});
  const double load_seconds = seconds_since(start);
  if (!predictor->is_bundle()) throw_error(ErrorKind::BadInput, "'" + o.bundle + "' is an ONNX model: batch needs a bundle");
  batch::PairJob job(*predictor, {.left = o.left, .right = o.right, .pairs = o.pairs, .gold = o.gold},
                     {.chunk_size = static_cast<size_t>(o.chunk_size), .top_k = static_cast<size_t>(o.top_k)});

  const auto& label = predictor->bundle()->spec.output.label;
  const bool write_all = o.all || !label;
  if (!o.checkpoint.empty() || storage::is_s3_uri(o.output)) return run_durable_batch(o, job);
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

void add_batch_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BatchOptions>();
  CLI::App* cmd = app.add_subcommand("batch", "Match two product tables with a bundle: blocking (or a pairs file), scoring in chunks, matches out");
  cmd->add_option("-b,--bundle", opts->bundle, "Bundle folder or .zip whose pipeline.json takes pair records (left_*/right_* columns) [required]");
  cmd->add_option("--left", opts->left, "Left product table: CSV, JSON Lines (.jsonl) or a JSON array (.json); a path or s3://bucket/key [required]");
  cmd->add_option("--right", opts->right, "Right product table [required]");
  cmd->add_option("-o,--output", opts->output,
                  "Matches file: CSV, or JSON Lines / JSON array by extension (.jsonl/.json); - for stdout; s3://bucket/key [required]");
  cmd->add_option("--pairs", opts->pairs, "Score these pairs instead of blocking: CSV ltable_id,rtable_id[,label]");
  cmd->add_option("--gold", opts->gold, "Labelled pairs (ltable_id,rtable_id[,label]): report blocking recall, the share of its matches among the candidates");
  add_chunk_size_option(*cmd, opts->chunk_size, "Pairs");
  cmd->add_option("--top-k", opts->top_k, "Blocking: candidates per left record (default: the bundle's blocking.top_k)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000}));
  cmd->add_flag("--all", opts->all, "Write every scored pair with its probability, not only the matches");
  cmd->add_option("-t,--threads", opts->threads, "Threads for blocking, features and the model (default: the CPUs available)")->check(CLI::Range(0, 1024));
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress bar and no summary");
  cmd->add_option("--checkpoint", opts->checkpoint,
                  "Durable run: keep the job's progress under this folder or s3:// prefix (default <output>.onnxfn-job for s3:// outputs); "
                  "a re-run continues where the last one stopped and the output is written exactly once");
  cmd->add_option("--max-seconds", opts->max_seconds, "Durable run: stop before a chunk that would not finish in this time; exit 75 when chunks remain")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--run-id", opts->run_id, "Durable run: this attempt's id (a retry with the same id takes back its own chunk leases at once)");
  cmd->add_option("--lease-seconds", opts->lease_seconds, "Durable run: how long a stopped run's chunk lease holds off other runs")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--scheduled-time", opts->scheduled_time, "Durable run: the schedule tick this run belongs to (part of the job's identity)");
  cmd->add_option("--status", opts->status, "Print the progress of every durable job under this checkpoint location (JSON lines) and exit");
  cmd->footer(
      "Examples:\n"
      "  onnxfn batch --bundle bundle --left tableA.csv --right tableB.csv --output matches.csv\n"
      "  onnxfn batch --bundle bundle --left tableA.csv --right tableB.csv --gold test.csv --all --output scored.jsonl\n"
      "  onnxfn batch --bundle bundle --left tableA.csv --right tableB.csv --pairs test.csv --output matches.csv\n"
      "Output columns: the bundle's output (left_id, right_id, probability, match for a matching bundle).\n"
      "The output appears only when the job has finished (it is written to <output>.partial-<pid> first).\n"
      "A progress bar is drawn on stderr when it is a terminal; a summary follows (rows, pairs, matches,\n"
      "blocking recall with --gold, seconds per stage). See docs/batch.md.\n"
      "Durable runs (--checkpoint, or an s3:// output): chunks are committed as they finish, a re-run after a kill,\n"
      "a timeout or a duplicate delivery continues without writing a row twice; the last stdout line is\n"
      "{\"status\": \"complete\"|\"already_complete\"|\"partial\", \"chunks_done\": k, \"chunks_total\": n, ...}.\n"
      "  onnxfn batch --bundle bundle --left s3://data/A.csv --right s3://data/B.csv --output s3://data/matches.csv --max-seconds 840\n"
      "  onnxfn batch --status s3://data/matches.csv.onnxfn-job\n"
      "Exit codes: 0 ok, 2 bad input (tables, pairs, arguments), 3 bad bundle or model, 4 resource limit, 75 partial (run again).");
  cmd->callback([opts, &action] { action = [opts] { return run_batch(*opts); }; });
}

}  // namespace onnxfn::cli
