// A chunked job that finishes exactly once, however often it is started, killed or run twice at
// the same time: the state lives in the store the data lives in (a folder or an s3:// prefix), not
// in the process or in /tmp, because the next attempt may run on another machine (DESIGN.md, batch).
//
//   <checkpoint>/<job id>/manifest.json     chunks done (rows written each); updated by compare-and-swap
//   <checkpoint>/<job id>/parts/part-N      chunk N's output, written whole before the manifest names it
//   <checkpoint>/<job id>/leases/job        which run works on the job until when (created if absent,
//                                           renewed while it works, taken over by compare-and-swap once
//                                           expired or by a retry with the same run id)
//   <checkpoint>/<job id>/complete.json     written once the output is assembled: later runs are no-ops
//
// Chunks are fixed by the row count and the chunk size alone and their output depends only on their
// rows, so a chunk computed twice (a run killed after writing its part, before the manifest) writes
// the same bytes again. The output is assembled from the parts in order and equals, byte for byte,
// what an uninterrupted streaming run writes.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "batch/chunk_loop.h"
#include "frame/record_encoder.h"
#include "storage/store.h"

namespace onnxfn::batch {

struct DurableOptions {
  std::string checkpoint;  // folder or s3://bucket/prefix under which jobs keep their state
  std::string output;      // the final output: a file or an s3:// object
  RecordFormat format = RecordFormat::Csv;
  // What identifies the job (inputs and their versions, bundle, options, scheduled time): equal
  // keys are the same job. Its digest is the job id.
  std::string key;
  std::string run_id;              // this attempt; a retry with the same id reclaims its own leases
  double lease_seconds = 60;       // a job lease its run stopped renewing expires after this
  // Stop before a chunk that would not finish by then (the slowest chunk so far, plus a margin).
  std::optional<std::chrono::system_clock::time_point> deadline;
};

enum class JobStatus {
  Complete,         // this run finished the job (assembled the output)
  AlreadyComplete,  // an earlier run had: nothing was done (a duplicate delivery)
  Partial,          // chunks remain: the deadline came, or another run is working on the job; run again
};

std::string_view job_status_name(JobStatus status);  // "complete", "already_complete", "partial"

struct DurableResult {
  JobStatus status = JobStatus::Partial;
  std::string job_id;
  std::string checkpoint;      // where the job keeps its state
  size_t chunks_total = 0;
  size_t chunks_done = 0;      // by any run, after this one
  size_t chunks_run = 0;       // by this run
  size_t chunks_held = 0;      // left to another run that holds the job's lease
  size_t rows_written = 0;     // output rows of the done chunks
  bool deadline_reached = false;
  ChunkTrace scoring;          // this run's chunks
  // {"status": "partial", "job": "...", "chunks_done": k, "chunks_total": n, ...}
  std::string json() const;
};

// The digest of a job key: 16 hex digits of its SHA-256.
std::string job_id_for(std::string_view key);

// Turns a chunk's output records into what is written (e.g. only the matches); identity when empty.
using ChunkTransform = std::function<Frame(Frame scored)>;

// Runs (or continues) the job over `total_rows` rows cut into `chunk_size` chunks. Errors in a
// chunk name its rows; the manifest keeps what finished before.
DurableResult run_durable(storage::Store& store, const pipeline::Predictor& predictor, size_t total_rows, const ChunkSource& source,
                          const ChunkOptions& chunks, const DurableOptions& options, const ChunkTransform& transform = {});

struct JobProgress {
  std::string job_id;
  size_t chunks_total = 0, chunks_done = 0, rows_written = 0;
  bool complete = false;
  std::string output;
};
// Every job under a checkpoint location (`onnxfn batch --status`).
std::vector<JobProgress> job_progress(storage::Store& store, const std::string& checkpoint);

}  // namespace onnxfn::batch
