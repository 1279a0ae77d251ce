// Partial-file-then-rename output (see output_file.h).
#include "batch/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace onnxfn::batch {

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  std::string ext = std::filesystem::path(path_).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  encoder_ = RecordEncoder(record_format_for_extension(ext));
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
  put(encoder_.encode(chunk));
  rows_ += chunk.num_rows();
}

void OutputFile::commit() {
  put(encoder_.finish());
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
