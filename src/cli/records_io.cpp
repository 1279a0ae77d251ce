// Reading and streaming records files.
#include "cli/records_io.h"

#include <iostream>

#include "common/error.h"

#include "cli/file_io.h"
#include "frame/csv_frame_reader.h"
#include "frame/csv_writer.h"
#include "frame/json_frame_reader.h"
#include "frame/json_frame_writer.h"

namespace onnxfn::cli {
namespace {

std::string resolve_format(const std::string& path, const std::string& format, const std::string& text_start) {
  if (format != "auto") return format;
  std::string ext = file_extension(path);
  if (ext == "csv" || ext == "jsonl" || ext == "json") return ext;
  if (ext == "ndjson") return "jsonl";
  size_t first = text_start.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text_start[first] == '{' || text_start[first] == '[')) return "json";
  return "csv";
}

}  // namespace

Frame read_records(const std::string& path, const std::string& format) {
  std::string text = read_input_file(path, "input");
  std::string kind = resolve_format(path, format, text.substr(0, 64));
  std::string source = path == "-" ? "stdin" : path;
  if (kind == "csv") return read_csv(text, source);
  JsonReadOptions options;
  options.format = kind == "jsonl" ? JsonFormat::Lines : JsonFormat::Auto;
  return read_json(text, source, options);
}

RecordWriter::RecordWriter(const std::string& path, const std::string& format) : path_(path) {
  json_ = resolve_format(path, format, "") != "csv";
  if (path.empty() || path == "-") {
    out_ = &std::cout;
  } else {
    file_ = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
    if (!*file_) throw_error(ErrorKind::BadInput, "output '" + path + "': cannot open for writing");
    out_ = file_.get();
  }
}

RecordWriter::~RecordWriter() = default;

void RecordWriter::write(const Frame& chunk) {
  std::string text;
  if (json_) {
    text = write_json(chunk);
  } else {
    CsvWriteOptions options;
    options.header = !header_written_;
    append_csv(text, chunk, options);
  }
  header_written_ = true;
  out_->write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!*out_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed");
}

void RecordWriter::finish() {
  out_->flush();
  if (!*out_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed");
}

}  // namespace onnxfn::cli
