// Reproducible function.zip (see function_zip.h), with minizip (zlib's contrib) writing entries
// that libdeflate compressed: its level 12 (exhaustive parsing) deflates the bootstrap ~3% and a
// forest ~5% smaller than zlib's level 9, in standard deflate that Lambda unzips as any other.
#include "lambda/function_zip.h"

#include <libdeflate.h>
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

struct CompressorFreer {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// Raw deflate (no zlib or gzip wrapper), what a zip entry of method 8 holds. The output bound is
// libdeflate's worst case, so compression cannot run out of room.
std::string deflate_max(libdeflate_compressor* c, const std::string& data) {
  std::string out(libdeflate_deflate_compress_bound(c, data.size()), '\0');
  const size_t n = libdeflate_deflate_compress(c, data.data(), data.size(), out.data(), out.size());
  if (n == 0) throw_error(ErrorKind::Internal, "function.zip: deflate found no room within its own bound");
  out.resize(n);
  return out;
}

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
  constexpr int kLevel = 12;  // libdeflate's maximum
  std::unique_ptr<libdeflate_compressor, CompressorFreer> compressor(libdeflate_alloc_compressor(kLevel));
  if (!compressor) throw_error(ErrorKind::Internal, "function.zip: cannot allocate the deflate compressor");
  ZipSizes sizes;
  for (const ZipEntry& e : entries) {
    const std::string data = read_file(e.source);
    const std::string packed = deflate_max(compressor.get(), data);
    const auto crc = static_cast<uLong>(libdeflate_crc32(0, data.data(), data.size()));
    zip_fileinfo info{};
    info.tmz_date = {0, 0, 0, 1, 0, 1980};  // 1980-01-01 00:00:00, the earliest DOS date
    info.dosDate = 0;
    // Unix mode in the high half of the external attributes; Lambda keeps bootstrap executable.
    info.external_fa = static_cast<uLong>(e.executable ? 0100755u : 0100644u) << 16;
    constexpr uLong kMadeByUnix = (3u << 8) | 20u;
    // raw = 1: minizip stores the bytes as given (method 8, "maximum compression" flag from level
    // 9) and takes the sizes and CRC from zipCloseFileInZipRaw64.
    if (zipOpenNewFileInZip4_64(zip.get(), e.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED, 9, 1, -MAX_WBITS,
                                8, Z_DEFAULT_STRATEGY, nullptr, 0, kMadeByUnix, 0, data.size() >= 0xffffffffu ? 1 : 0) != ZIP_OK ||
        zipWriteInFileInZip(zip.get(), packed.data(), static_cast<unsigned>(packed.size())) != ZIP_OK ||
        zipCloseFileInZipRaw64(zip.get(), data.size(), crc) != ZIP_OK)
      throw_error(ErrorKind::BadInput, "'" + path + "': cannot write entry '" + e.name + "'");
    sizes.unzipped += data.size();
  }
  if (zipClose(zip.release(), nullptr) != ZIP_OK) throw_error(ErrorKind::BadInput, "'" + path + "': cannot finish it");
  sizes.zipped = std::filesystem::file_size(path);
  return sizes;
}

}  // namespace onnxfn::lambda
