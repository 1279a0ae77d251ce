// Reading zip bundles with minizip (see bundle_archive.h).
#include "pipeline/bundle_archive.h"

#include <minizip/unzip.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "common/error.h"

namespace onnxfn::pipeline {
namespace {

struct ZipCloser {
  void operator()(void* zip) const { unzClose(zip); }
};

[[noreturn]] void bad_archive(const std::filesystem::path& path, const std::string& problem) {
  throw_error(ErrorKind::BadModel, "bundle '" + path.string() + "': " + problem);
}

bool safe_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos) return false;
  size_t start = 0;
  while (start <= name.size()) {
    const size_t end = std::min(name.find('/', start), name.size());
    if (name.compare(start, end - start, "..") == 0) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

bool is_zip_archive(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

std::map<std::string, std::string> read_zip_archive(const std::filesystem::path& path, const ArchiveLimits& limits) {
  std::unique_ptr<void, ZipCloser> zip(unzOpen64(path.c_str()));
  if (!zip) bad_archive(path, "not a readable zip archive (no central directory)");
  std::map<std::string, std::string> files;
  uint64_t total = 0, entries = 0;
  for (int status = unzGoToFirstFile(zip.get()); status != UNZ_END_OF_LIST_OF_FILE; status = unzGoToNextFile(zip.get())) {
    if (status != UNZ_OK) bad_archive(path, "corrupt zip directory after " + std::to_string(entries) + " entries");
    if (++entries > limits.max_entries) bad_archive(path, "more than " + std::to_string(limits.max_entries) + " entries");
    unz_file_info64 info{};
    char name_buffer[1024];
    if (unzGetCurrentFileInfo64(zip.get(), &info, name_buffer, sizeof name_buffer, nullptr, 0, nullptr, 0) != UNZ_OK ||
        info.size_filename >= sizeof name_buffer)
      bad_archive(path, "corrupt or overlong entry name after " + std::to_string(entries - 1) + " entries");
    const std::string name(name_buffer, info.size_filename);
    if (!safe_name(name)) bad_archive(path, "entry '" + name + "': absolute or '..' paths are refused");
    if (name.back() == '/') continue;  // a folder
    if (info.flag & 1) bad_archive(path, "entry '" + name + "' is encrypted");
    if (info.uncompressed_size > limits.max_total_bytes - total)
      bad_archive(path, "entry '" + name + "' would take the bundle past " + std::to_string(limits.max_total_bytes) + " bytes");
    if (unzOpenCurrentFile(zip.get()) != UNZ_OK) bad_archive(path, "entry '" + name + "': unsupported compression or corrupt header");
    // Read in blocks, so memory follows the data actually inflated, never only the header's claim.
    std::string bytes;
    bytes.reserve(static_cast<size_t>(std::min<uint64_t>(info.uncompressed_size, uint64_t{64} << 20)));
    std::unique_ptr<char[]> block(new char[1 << 16]);
    int got = 0;
    while ((got = unzReadCurrentFile(zip.get(), block.get(), 1 << 16)) > 0) {
      if (bytes.size() + static_cast<size_t>(got) > info.uncompressed_size) break;
      bytes.append(block.get(), static_cast<size_t>(got));
    }
    const int closed = unzCloseCurrentFile(zip.get());
    if (got != 0 || bytes.size() != info.uncompressed_size || closed != UNZ_OK)
      bad_archive(path, "entry '" + name + "' is corrupt (" +
                            (closed == UNZ_CRCERROR ? std::string("CRC mismatch") : got > 0 ? "longer than its header says" : "size or data error") + ")");
    total += info.uncompressed_size;
    if (!files.emplace(name, std::move(bytes)).second) bad_archive(path, "entry '" + name + "' appears twice");
  }
  // A zipped bundle folder: every name starts with the same "folder/".
  if (!files.empty()) {
    const std::string& first = files.begin()->first;
    const size_t slash = first.find('/');
    if (slash != std::string::npos) {
      const std::string prefix = first.substr(0, slash + 1);
      bool all = true;
      for (const auto& [name, bytes] : files) all = all && name.compare(0, prefix.size(), prefix) == 0;
      if (all) {
        std::map<std::string, std::string> stripped;
        for (auto& [name, bytes] : files) stripped.emplace(name.substr(prefix.size()), std::move(bytes));
        return stripped;
      }
    }
  }
  return files;
}

}  // namespace onnxfn::pipeline
