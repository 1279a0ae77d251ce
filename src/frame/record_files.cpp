// Record formats, decoding and the one record file writer (see record_files.h).
#include "frame/record_files.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "common/error.h"
#include "frame/csv_frame_reader.h"
#include "frame/csv_reader.h"
#include "frame/json_frame_reader.h"
#include "frame/text_file.h"

namespace onnxfn {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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

RecordFormat resolve_record_format(std::string_view path, std::string_view requested, std::string_view text_start) {
  if (requested == "csv") return RecordFormat::Csv;
  if (requested == "jsonl") return RecordFormat::JsonLines;
  if (requested == "json") return RecordFormat::JsonArray;
  if (requested != "auto" && !requested.empty())
    throw_error(ErrorKind::BadInput, "record format '" + std::string(requested) + "': expected auto, csv, jsonl or json");
  const std::string ext = file_extension(path);
  if (ext == "csv") return RecordFormat::Csv;
  if (ext == "jsonl" || ext == "ndjson") return RecordFormat::JsonLines;
  if (ext == "json") return RecordFormat::JsonArray;
  if (text_start.starts_with("\xEF\xBB\xBF")) text_start.remove_prefix(3);
  const size_t first = text_start.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text_start[first] == '[') return RecordFormat::JsonArray;
  if (first != std::string_view::npos && text_start[first] == '{') return RecordFormat::JsonLines;
  return RecordFormat::Csv;
}

std::string_view record_format_name(RecordFormat format) {
  switch (format) {
    case RecordFormat::Csv: return "csv";
    case RecordFormat::JsonLines: return "jsonl";
    case RecordFormat::JsonArray: return "json";
  }
  return "csv";
}

std::optional<RecordFormat> record_format_for_media_type(std::string_view content_type) {
  const std::string type = lower(content_type.substr(0, content_type.find(';')));
  const std::string_view t = std::string_view(type).substr(0, type.find_last_not_of(" \t") + 1);
  if (t == "text/csv" || t == "application/csv") return RecordFormat::Csv;
  if (t == "application/x-ndjson" || t == "application/jsonl" || t == "application/json-lines" || t == "application/x-jsonlines" ||
      t == "application/ndjson")
    return RecordFormat::JsonLines;
  if (t == "application/json") return RecordFormat::JsonArray;
  return std::nullopt;
}

std::string_view media_type_for(RecordFormat format) {
  switch (format) {
    case RecordFormat::Csv: return "text/csv";
    case RecordFormat::JsonLines: return "application/x-ndjson";
    case RecordFormat::JsonArray: return "application/json";
  }
  return "application/json";
}

Frame decode_records(std::string_view text, RecordFormat format, const std::string& source, const Schema& types) {
  if (format == RecordFormat::Csv) return read_csv(text, source, {.schema = header_types(text, source, types)});
  JsonReadOptions options;
  // An "array" request takes JSON Lines too: one object per line is what most clients send.
  options.format = format == RecordFormat::JsonLines ? JsonFormat::Lines : JsonFormat::Auto;
  return read_json(text, source, options);
}

Frame read_records(const std::string& path, const std::string& format, const Schema& types) {
  const std::string text = read_input_file(path, "input");
  const RecordFormat kind = resolve_record_format(path == "-" ? "" : path, format, std::string_view(text).substr(0, 64));
  return decode_records(text, kind, path == "-" ? "stdin" : path, types);
}

std::string read_input_file(const std::string& path, const std::string& role) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw_error(ErrorKind::BadInput, role + " '" + path + "': " + (std::filesystem::exists(path, ec) ? "is not a regular file" : "no such file"));
  try {
    return read_text_file(path);  // one fread; istreambuf_iterator took longer than parsing
  } catch (const Error& e) {
    throw_error(ErrorKind::BadInput, role + " " + e.what());
  }
}

void write_output_file(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) throw_error(ErrorKind::BadInput, "output: write to stdout failed");
    return;
  }
  write_text_file(path, text);
}

std::string file_extension(std::string_view path) {
  if (path == "-") return "";
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  return lower(ext);
}

RecordFileWriter::RecordFileWriter(std::string path, const std::string& format) : path_(std::move(path)) {
  if (path_.empty()) path_ = "-";
  encoder_ = RecordEncoder(resolve_record_format(path_ == "-" ? "" : path_, format, ""));
  if (path_ == "-") {
    file_ = stdout;
    return;
  }
  // A device or a pipe (/dev/null, a FIFO) is written in place: renaming a file onto it would
  // replace it, and it has no partial state to hide anyway.
  std::error_code ec;
  if (std::filesystem::exists(path_, ec) && !std::filesystem::is_regular_file(path_, ec)) {
    if (std::filesystem::is_directory(path_, ec)) throw_error(ErrorKind::BadInput, "output '" + path_ + "' is a folder");
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': cannot open for writing: " + std::strerror(errno));
    direct_ = true;
    return;
  }
  partial_ = path_ + ".partial-" + std::to_string(::getpid());
  file_ = std::fopen(partial_.c_str(), "wb");
  if (!file_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': cannot create '" + partial_ + "': " + std::strerror(errno));
}

RecordFileWriter::~RecordFileWriter() {
  if (direct_ && !committed_ && file_) std::fclose(file_);
  if (committed_ || partial_.empty()) return;
  if (file_) std::fclose(file_);
  std::remove(partial_.c_str());
}

void RecordFileWriter::put(const std::string& text) {
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size())
    throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed: " + std::strerror(errno));
}

void RecordFileWriter::write(const Frame& chunk) {
  put(encoder_.encode(chunk));
  rows_ += chunk.num_rows();
}

void RecordFileWriter::commit() {
  put(encoder_.finish());
  if (direct_) {
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    committed_ = true;
    if (!closed) throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed: " + std::strerror(errno));
    return;
  }
  if (partial_.empty()) {
    if (std::fflush(file_) != 0) throw_error(ErrorKind::BadInput, "output: write to stdout failed");
    committed_ = true;
    return;
  }
  const bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed: " + std::strerror(errno));
  if (std::rename(partial_.c_str(), path_.c_str()) != 0)
    throw_error(ErrorKind::BadInput, "output '" + path_ + "': cannot rename '" + partial_ + "' onto it: " + std::strerror(errno));
  committed_ = true;
}

}  // namespace onnxfn
