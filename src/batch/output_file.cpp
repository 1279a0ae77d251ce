// Partial-file-then-rename output (see output_file.h).
#include "batch/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "frame/csv_writer.h"
#include "frame/json_frame_writer.h"

namespace onnxfn::batch {
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  const std::string ext = lower_extension(path_);
  kind_ = ext == "jsonl" || ext == "ndjson" ? Kind::JsonLines : ext == "json" ? Kind::JsonArray : Kind::Csv;
  if (path_ == "-" || path_.empty()) {
    path_ = "-";
    file_ = stdout;
    return;
  }
  partial_ = path_ + ".partial-" + std::to_string(::getpid());
  file_ = std::fopen(partial_.c_str(), "wb");
  if (!file_) throw_error(ErrorKind::BadInput, "output '" + path_ + "': cannot create '" + partial_ + "': " + std::strerror(errno));
}

OutputFile::~OutputFile() {
  if (committed_ || partial_.empty()) return;
  if (file_) std::fclose(file_);
  std::remove(partial_.c_str());
}

void OutputFile::put(const std::string& text) {
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size())
    throw_error(ErrorKind::BadInput, "output '" + path_ + "': write failed: " + std::strerror(errno));
}

void OutputFile::write(const Frame& chunk) {
  std::string text;
  switch (kind_) {
    case Kind::Csv: {
      CsvWriteOptions options;
      options.header = !started_;
      append_csv(text, chunk, options);
      break;
    }
    case Kind::JsonLines: text = write_json(chunk); break;
    case Kind::JsonArray: {
      // One array across chunks: each chunk's "[...]" loses its brackets and joins with a comma.
      std::string array = write_json(chunk, {.layout = JsonLayout::Array});
      std::string_view body = std::string_view(array).substr(1, array.size() - 2);
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
  rows_ += chunk.num_rows();
  put(text);
}

void OutputFile::commit() {
  if (kind_ == Kind::JsonArray) put(started_ ? "]\n" : "[]\n");
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

}  // namespace onnxfn::batch
