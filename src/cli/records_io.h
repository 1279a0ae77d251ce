// Records files for the bundle commands: CSV or JSON (Lines or array) by extension or --format,
// read into a Frame, and written chunk by chunk so large batches stream.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "frame/frame.h"

namespace onnxfn::cli {

// format: "csv", "jsonl", "json" or "auto" (by extension; stdin "-" is sniffed).
Frame read_records(const std::string& path, const std::string& format);

class RecordWriter {
 public:
  // path "-" or empty: stdout. format as for read_records; auto picks by extension, else CSV.
  RecordWriter(const std::string& path, const std::string& format);
  ~RecordWriter();
  void write(const Frame& chunk);
  void finish();

 private:
  std::string path_;
  bool json_ = false;
  bool header_written_ = false;
  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_ = nullptr;
};

}  // namespace onnxfn::cli
