// Chunked CSV / JSON Lines / JSON array encoding (see record_encoder.h).
#include "frame/record_encoder.h"

#include <cctype>

#include "frame/csv_writer.h"
#include "frame/json_frame_writer.h"

namespace onnxfn {

RecordFormat record_format_for_extension(std::string_view extension) {
  std::string ext(extension);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "jsonl" || ext == "ndjson") return RecordFormat::JsonLines;
  if (ext == "json") return RecordFormat::JsonArray;
  return RecordFormat::Csv;
}

std::string RecordEncoder::encode(const Frame& chunk) {
  std::string text;
  switch (format_) {
    case RecordFormat::Csv: {
      CsvWriteOptions options;
      options.header = !started_;
      append_csv(text, chunk, options);
      break;
    }
    case RecordFormat::JsonLines: text = write_json(chunk); break;
    case RecordFormat::JsonArray: {
      // One array across chunks: each chunk's "[...]" loses its brackets and joins with a comma.
      const std::string array = write_json(chunk, {.layout = JsonLayout::Array});
      const std::string_view body = std::string_view(array).substr(1, array.size() - 2);
      if (!started_) text = "[";
      if (!body.empty()) {
        if (any_row_) text += ",\n";
        text += body;
        any_row_ = true;
      }
      break;
    }
  }
  started_ = true;
  return text;
}

std::string RecordEncoder::finish() const {
  if (format_ != RecordFormat::JsonArray) return {};
  return started_ ? "]\n" : "[]\n";
}

}  // namespace onnxfn
