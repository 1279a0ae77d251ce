// Reproducible function.zip (see function_zip.h), with minizip (zlib's contrib).
#include "lambda/function_zip.h"

#include <minizip/zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "common/error.h"

namespace onnxfn::lambda {
namespace {

struct ZipCloser {
  void operator()(void* z) const { zipClose(z, nullptr); }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_error(ErrorKind::BadInput, "'" + path + "': cannot read it for function.zip");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

ZipSizes write_function_zip(const std::string& path, std::vector<ZipEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const ZipEntry& a, const ZipEntry& b) { return a.name < b.name; });
  std::unique_ptr<void, ZipCloser> zip(zipOpen64(path.c_str(), APPEND_STATUS_CREATE));
  if (!zip) throw_error(ErrorKind::BadInput, "'" + path + "': cannot create it");
  ZipSizes sizes;
  for (const ZipEntry& e : entries) {
    const std::string data = read_file(e.source);
    zip_fileinfo info{};
    info.tmz_date = {0, 0, 0, 1, 0, 1980};  // 1980-01-01 00:00:00, the earliest DOS date
    info.dosDate = 0;
    // Unix mode in the high half of the external attributes; Lambda keeps bootstrap executable.
    info.external_fa = static_cast<uLong>(e.executable ? 0100755u : 0100644u) << 16;
    constexpr uLong kMadeByUnix = (3u << 8) | 20u;
    if (zipOpenNewFileInZip4_64(zip.get(), e.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED, 9, 0, -MAX_WBITS,
                                8, Z_DEFAULT_STRATEGY, nullptr, 0, kMadeByUnix, 0, data.size() >= 0xffffffffu ? 1 : 0) != ZIP_OK ||
        zipWriteInFileInZip(zip.get(), data.data(), static_cast<unsigned>(data.size())) != ZIP_OK ||
        zipCloseFileInZip(zip.get()) != ZIP_OK)
      throw_error(ErrorKind::BadInput, "'" + path + "': cannot write entry '" + e.name + "'");
    sizes.unzipped += data.size();
  }
  if (zipClose(zip.release(), nullptr) != ZIP_OK) throw_error(ErrorKind::BadInput, "'" + path + "': cannot finish it");
  sizes.zipped = std::filesystem::file_size(path);
  return sizes;
}

}  // namespace onnxfn::lambda
