// Encodes a stream of record chunks as one output: CSV with a single header, JSON Lines, or one
// JSON array spanning every chunk. The writers of `predict --bundle` and `batch` share it, so
// both produce byte-identical files for the same records.
//
//   RecordEncoder enc(RecordFormat::JsonArray);
//   out << enc.encode(chunk1) << enc.encode(chunk2) << enc.finish();
#pragma once

#include <string>
#include <string_view>

#include "frame/frame.h"

namespace onnxfn {

enum class RecordFormat { Csv, JsonLines, JsonArray };

// By a file extension without the dot, any case: jsonl/ndjson, json, else CSV.
RecordFormat record_format_for_extension(std::string_view extension);

class RecordEncoder {
 public:
  explicit RecordEncoder(RecordFormat format) : format_(format) {}

  RecordFormat format() const { return format_; }
  // The text that appends `chunk` to what was encoded before.
  std::string encode(const Frame& chunk);
  // The closing text: "]\n" for an array ("[]\n" when nothing was encoded), else empty.
  std::string finish() const;

 private:
  RecordFormat format_;
  bool started_ = false;
  bool any_row_ = false;
};

}  // namespace onnxfn
