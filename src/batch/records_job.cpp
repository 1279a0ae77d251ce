// A records file through a bundle in chunks (see records_job.h).
#include "batch/records_job.h"

#include <chrono>

#include "frame/record_files.h"

namespace onnxfn::batch {

RecordsJobSummary run_records_job(const pipeline::Predictor& predictor, const RecordsJob& job) {
  const auto t0 = std::chrono::steady_clock::now();
  // Bundle input columns fix the CSV types they name, so "00123" stays a string.
  const Schema types = predictor.bundle() ? predictor.bundle()->spec.input : Schema{};
  Frame records = read_records(job.input, "auto", types);
  const double read_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  RecordFileWriter writer(job.output, job.output_format);
  RecordsJobSummary s;
  s.rows_in = records.num_rows();
  const std::string source = job.input == "-" ? "stdin" : job.input;
  s.scoring = run_chunks(
      predictor, records.num_rows(),
      // One chunk (the usual case) is the records themselves: no copy.
      [&](size_t a, size_t b) { return a == 0 && b == records.num_rows() ? std::move(records) : records.slice(a, b - a); },
      [&](size_t, const Frame& out) { writer.write(out); },
      {.chunk_size = job.chunk_size, .work = job.work, .unit = source + ": rows", .profile = job.profile,
       .progress = job.progress});
  writer.commit();
  s.rows_out = writer.rows_written();
  s.scoring.trace.read_ms += read_ms;
  return s;
}

}  // namespace onnxfn::batch
