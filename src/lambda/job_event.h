// Batch jobs started by an event (EventBridge Scheduler input, a scheduled rule, a direct call):
// product matching over two tables (batch::PairJob) or a records file (batch::run_records_job),
// written to an output file, stopped cleanly before the invocation's deadline.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "lambda/deadline.h"
#include "pipeline/predictor.h"

namespace onnxfn::lambda {

struct JobSpec {
  std::string left, right, pairs, gold;  // a pair job
  std::string input;                     // or a records job
  std::string output;                    // required: where the records go (CSV / JSON Lines / JSON by extension)
  size_t top_k = 0;
  size_t chunk_size = 10000;
  bool all = false;                      // pair jobs: every scored pair, not only the matches
  // A durable job (batch/durable_job.h) when set, or when the output is an s3:// object
  // (checkpoint <output>.onnxfn-job): each invocation continues where the last one stopped.
  std::string checkpoint;
  // Set by the handler from the event: a retried delivery carries the same id (and takes its
  // lease back at once); the schedule tick is part of the job's identity.
  std::string run_id, scheduled_time;
};

// BadInput naming `where` and the field for an unknown key, a wrong type or a missing path.
// Relative paths are taken from `root`.
JobSpec parse_job(const rapidjson::Value& job, const std::string& where, const std::string& root);

struct JobResult {
  std::string body;  // the JSON answer: what ran, rows, output, times
  size_t rows = 0;
  pipeline::Trace trace;
};

JobResult run_job(const pipeline::Predictor& predictor, const JobSpec& job, const Deadline& deadline);

}  // namespace onnxfn::lambda
