// The output file of a batch job, written so that a killed or failed run never leaves a file that
// looks complete: rows stream into "<output>.partial-<pid>" beside the output, which is renamed
// onto the output only by commit(), after the last row (rename is atomic within a file system).
// A job that ends without commit() removes its partial file. "-" writes to stdout (no renaming).
//
// Format by extension: .jsonl / .ndjson JSON Lines, .json one JSON array, anything else CSV with
// one header (as `onnxfn predict --bundle` writes records).
//
//   OutputFile out("matches.csv");
//   out.write(chunk);   // any number of times
//   out.commit();
#pragma once

#include <cstdio>
#include <string>

#include "frame/frame.h"
#include "frame/record_encoder.h"

namespace onnxfn::batch {

class OutputFile {
 public:
  // BadInput naming the output when its folder does not exist or is not writable.
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(const Frame& chunk);
  // Closes the file and renames it onto the output.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& partial_path() const { return partial_; }
  size_t rows_written() const { return rows_; }

 private:
  void put(const std::string& text);

  std::string path_;
  std::string partial_;  // empty for stdout
  std::FILE* file_ = nullptr;
  RecordEncoder encoder_{RecordFormat::Csv};
  bool committed_ = false;
  size_t rows_ = 0;
};

}  // namespace onnxfn::batch
