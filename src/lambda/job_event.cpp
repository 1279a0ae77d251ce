// Batch jobs from events (see job_event.h).
#include "lambda/job_event.h"

#include "storage/store.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <filesystem>

#include "batch/pair_job.h"
#include "batch/records_job.h"
#include "frame/frame_ops.h"
#include "frame/record_files.h"

namespace onnxfn::lambda {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

std::string resolve(const std::string& path, const std::string& root) {
  if (path.empty() || std::filesystem::path(path).is_absolute() || storage::is_s3_uri(path)) return path;
  return (std::filesystem::path(root) / path).string();
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

JobSpec parse_job(const rapidjson::Value& job, const std::string& where, const std::string& root) {
  if (!job.IsObject()) bad(where + ": a job must be a JSON object");
  JobSpec spec;
  for (const auto& m : job.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    const std::string what = where + "." + key;
    std::string* text = key == "left" ? &spec.left : key == "right" ? &spec.right : key == "pairs" ? &spec.pairs
                      : key == "gold" ? &spec.gold : key == "input" ? &spec.input : key == "output" ? &spec.output
                      : key == "checkpoint" ? &spec.checkpoint : nullptr;
    if (text) {
      if (!m.value.IsString() || m.value.GetStringLength() == 0) bad(what + ": expected a non-empty path");
      *text = resolve(m.value.GetString(), root);
    } else if (key == "top_k" || key == "chunk_size") {
      if (!m.value.IsUint64() || m.value.GetUint64() == 0 || m.value.GetUint64() > 10'000'000)
        bad(what + ": expected a whole number from 1 to 10000000");
      (key == "top_k" ? spec.top_k : spec.chunk_size) = static_cast<size_t>(m.value.GetUint64());
    } else if (key == "all") {
      if (!m.value.IsBool()) bad(what + ": expected true or false");
      spec.all = m.value.GetBool();
    } else {
      bad(where + ": unknown key '" + key + "' (a job takes left, right, pairs, gold, top_k, all, input, output, chunk_size, checkpoint)");
    }
  }
  const bool pair_job = !spec.left.empty() || !spec.right.empty();
  if (pair_job == !spec.input.empty())
    bad(where + ": give either \"left\" and \"right\" (product matching) or \"input\" (a records file)");
  if (pair_job && (spec.left.empty() || spec.right.empty())) bad(where + ": a pair job needs both \"left\" and \"right\"");
  if (!pair_job && (!spec.pairs.empty() || !spec.gold.empty() || spec.top_k || spec.all))
    bad(where + ": pairs, gold, top_k and all belong to pair jobs (left and right)");
  if (spec.output.empty()) bad(where + ": \"output\" is missing (a job writes its records to a file, e.g. /tmp/matches.jsonl)");
  return spec;
}

// A pair job checkpointed in the store: the invocation runs the chunks it has time for. A job left
// partial is reported as a ResourceLimit error (the time ran out), so that Lambda's retries and the
// schedule's retry policy invoke it again; the retry continues it.
JobResult run_durable_job(const pipeline::Predictor& predictor, const JobSpec& job, const Deadline& deadline) {
  batch::PairJob pair_job(predictor, {.left = job.left, .right = job.right, .pairs = job.pairs, .gold = job.gold},
                          {.chunk_size = job.chunk_size, .top_k = job.top_k});
  batch::DurableOptions d;
  d.checkpoint = job.checkpoint;
  d.output = job.output;
  d.key = "scheduled " + job.scheduled_time + "\n";
  d.run_id = job.run_id.empty() ? "lambda-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) : job.run_id;
  // The answer and the commit of the last chunk must fit too: a second of margin.
  if (deadline.set()) d.deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline.epoch_ms() - 1000));
  storage::Store store;
  batch::DurableResult r = pair_job.run_durable(store, d, job.all);
  if (r.status == batch::JobStatus::Partial)
    throw_error(ErrorKind::ResourceLimit, "job partial, run it again to continue: " + r.json());
  JobResult result;
  result.rows = r.scoring.trace.rows;
  result.trace = r.scoring.trace;
  result.body = r.json();
  return result;
}

JobResult run_job(const pipeline::Predictor& predictor, const JobSpec& job, const Deadline& deadline) {
  if (!predictor.is_bundle()) bad("a job needs a bundle (the function runs a bare ONNX model)");
  if (!job.checkpoint.empty() || storage::is_s3_uri(job.output)) {
    if (!job.input.empty()) bad("a checkpointed job is a pair job (left and right); records jobs write a file in one invocation");
    return run_durable_job(predictor, job, deadline);
  }
  const auto start = std::chrono::steady_clock::now();
  JobResult result;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (!job.input.empty()) {
    DeadlineGuard guard(deadline, "rows");
    batch::RecordsJobSummary s = batch::run_records_job(
        predictor, {.input = job.input, .output = job.output, .chunk_size = job.chunk_size,
                    .progress = [&](size_t done, size_t total) { guard.check(done, total); }});
    result.rows = s.rows_in;
    result.trace = s.scoring.trace;
    w.Key("job"), w.String("records");
    w.Key("rows_in"), w.Uint64(s.rows_in);
    w.Key("rows_written"), w.Uint64(s.rows_out);
  } else {
    batch::PairJob pair_job(predictor, {.left = job.left, .right = job.right, .pairs = job.pairs, .gold = job.gold},
                            {.chunk_size = job.chunk_size, .top_k = job.top_k});
    DeadlineGuard guard(deadline, "pairs");
    guard.begin(pair_job.pairs().size());
    const auto& label = predictor.bundle()->spec.output.label;
    const bool write_all = job.all || !label;
    RecordFileWriter output(job.output);
    size_t matches = 0;
    batch::JobSummary s = pair_job.run(
        [&](size_t, const Frame& scored) {
          if (write_all) {
            output.write(scored);
            if (!label) return;
          }
          const Column& is_match = scored.column(label->column);
          size_t n = 0;
          for (size_t r = 0; r < scored.num_rows(); ++r) n += !is_match.is_null(r) && is_match.bool_values()[r];
          matches += n;
          if (!write_all) output.write(filter(scored, is_match));
        },
        [&](size_t done, size_t total) { guard.check(done, total); });
    output.commit();
    result.rows = s.pairs;
    result.trace = s.scoring.trace;
    w.Key("job"), w.String("pairs");
    w.Key("left_rows"), w.Uint64(s.left_rows);
    w.Key("right_rows"), w.Uint64(s.right_rows);
    w.Key("pairs"), w.Uint64(s.pairs);
    w.Key("blocked"), w.Bool(s.blocked);
    if (label) w.Key("matches"), w.Uint64(matches);
    w.Key("rows_written"), w.Uint64(output.rows_written());
    if (s.recall) w.Key("blocking_recall"), w.Double(s.recall->recall());
  }
  w.Key("output"), w.String(job.output.c_str());
  w.Key("seconds"), w.Double(ms_since(start) / 1000);
  w.EndObject();
  result.body.assign(buffer.GetString(), buffer.GetSize());
  return result;
}

}  // namespace onnxfn::lambda
