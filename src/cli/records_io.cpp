// Reading and streaming records files.
#include "cli/records_io.h"

#include <algorithm>
#include <iostream>

#include "common/error.h"

#include "cli/file_io.h"
#include "frame/csv_frame_reader.h"
#include "frame/csv_reader.h"
#include "frame/json_frame_reader.h"

namespace onnxfn::cli {
namespace {

std::string resolve_format(const std::string& path, const std::string& format, std::string_view text_start) {
  if (format != "auto") return format;
  std::string ext = file_extension(path);
  if (ext == "csv" || ext == "jsonl" || ext == "json") return ext;
  if (ext == "ndjson") return "jsonl";
  if (text_start.starts_with("\xEF\xBB\xBF")) text_start.remove_prefix(3);
  size_t first = text_start.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text_start[first] == '{' || text_start[first] == '[')) return "json";
  return "csv";
}

// The part of `types` naming columns the CSV's header has (the reader insists on every column a
// schema names; a missing one is reported later, by the pipeline, with the full list).
Schema header_types(std::string_view text, const std::string& source, const Schema& types) {
  if (types.empty()) return {};
  CsvReader reader(text, source);
  std::vector<std::string_view> header;
  if (!reader.next(header)) return {};
  Schema present;
  for (const Field& f : types)
    if (std::find(header.begin(), header.end(), f.name) != header.end()) present.push_back(f);
  return present;
}

}  // namespace

Frame read_records(const std::string& path, const std::string& format, const Schema& types) {
  std::string text = read_input_file(path, "input");
  std::string kind = resolve_format(path, format, std::string_view(text).substr(0, 64));
  std::string source = path == "-" ? "stdin" : path;
  if (kind == "csv") return read_csv(text, source, {.schema = header_types(text, source, types)});
  JsonReadOptions options;
  options.format = kind == "jsonl" ? JsonFormat::Lines : JsonFormat::Auto;  // "json": an array or JSON Lines
  return read_json(text, source, options);
}

RecordWriter::RecordWriter(const std::string& path, const std::string& format) : path_(path.empty() ? "-" : path) {
  std::string kind = resolve_format(path_ == "-" ? "" : path_, format, "");
  encoder_ = RecordEncoder(record_format_for_extension(kind));
  if (path_ == "-") {
    out_ = &std::cout;
  } else {
    file_ = std::make_unique<std::ofstream>(path_, std::ios::binary | std::ios::trunc);
    if (!*file_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': cannot open for writing");
    out_ = file_.get();
  }
}

RecordWriter::~RecordWriter() = default;

void RecordWriter::put(const std::string& text) {
  out_->write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!*out_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed");
}

void RecordWriter::write(const Frame& chunk) { put(encoder_.encode(chunk)); }

void RecordWriter::finish() {
  put(encoder_.finish());
  out_->flush();
  if (!*out_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed");
}

}  // namespace onnxfn::cli
