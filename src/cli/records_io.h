// Records files for the bundle commands: CSV or JSON (Lines or array) by extension or --format,
// read into a Frame, and written chunk by chunk so large batches stream.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "frame/frame.h"
#include "frame/record_encoder.h"

namespace onnxfn::cli {

// format: "csv", "jsonl", "json" or "auto" (by extension: .csv, .jsonl / .ndjson, .json; otherwise,
// and for stdin "-", sniffed: '{' or '[' first means JSON, else CSV).
// `types` fixes the type of the CSV columns it names that the file has (a bundle passes its
// pipeline's input columns), so that a string column of digits such as "00123" keeps its text
// instead of being inferred as int64. JSON values carry their own types and are read as they are.
Frame read_records(const std::string& path, const std::string& format, const Schema& types = {});

class RecordWriter {
 public:
  // path "-" or empty: stdout. format "csv", "jsonl" (JSON Lines), "json" (one JSON array) or
  // "auto": by the output's extension as for read_records, CSV when there is none.
  RecordWriter(const std::string& path, const std::string& format);
  ~RecordWriter();
  // Chunks are appended: one CSV header, or one JSON array, for the whole output.
  void write(const Frame& chunk);
  void finish();

 private:
  std::string path_;
  RecordEncoder encoder_{RecordFormat::Csv};
  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_ = nullptr;
  void put(const std::string& text);
};

}  // namespace onnxfn::cli
