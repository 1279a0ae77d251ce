// function.zip's compression: entries are standard deflate (method 8) that zlib's inflate reads
// back byte for byte, and smaller than zlib's own maximum (level 9) on what a deployment holds:
// the static bootstrap and a forest model. The zip size is Lambda's deploy budget (issue 16: the
// zip with a 100-tree forest <= 2 MB), so a fallback to zlib's level would show here.
#include <gtest/gtest.h>
#include <minizip/unzip.h>
#include <zlib.h>

#include "emulator.h"
#include "lambda/function_zip.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;
namespace fs = std::filesystem;

// zlib's raw deflate at level 9, window 32 KB, memLevel 8: what minizip wrote before.
size_t zlib_level9_size(const std::string& data) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&s, data.size()), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  const size_t n = s.total_out;
  deflateEnd(&s);
  return n;
}

struct Stored {
  std::string name, data;
  int method = -1;
  uint64_t compressed = 0;
};

std::vector<Stored> read_zip(const fs::path& zip) {
  std::vector<Stored> entries;
  unzFile z = unzOpen64(zip.c_str());
  EXPECT_NE(z, nullptr) << zip;
  if (!z) return entries;
  for (int rc = unzGoToFirstFile(z); rc == UNZ_OK; rc = unzGoToNextFile(z)) {
    unz_file_info64 info{};
    char name[256] = {};
    unzGetCurrentFileInfo64(z, &info, name, sizeof name, nullptr, 0, nullptr, 0);
    Stored e{name, std::string(info.uncompressed_size, '\0'), static_cast<int>(info.compression_method),
             info.compressed_size};
    EXPECT_EQ(unzOpenCurrentFile(z), UNZ_OK);
    EXPECT_EQ(unzReadCurrentFile(z, e.data.data(), static_cast<unsigned>(e.data.size())),
              static_cast<int>(e.data.size()));
    EXPECT_EQ(unzCloseCurrentFile(z), UNZ_OK) << name << ": CRC mismatch";
    entries.push_back(std::move(e));
  }
  unzClose(z);
  return entries;
}

TEST(FunctionZip, EntriesAreStandardDeflateSmallerThanZlibsMaximumLevel) {
  const fs::path dir = lambda_temp_dir("function_zip_level");
  const fs::path model = product_bundle() / "model.onnx";
  const auto sizes = lambda::write_function_zip(
      (dir / "function.zip").string(), {{"model.onnx", model.string(), false}, {"bootstrap", ONNXFN_BINARY, true}});
  const auto entries = read_zip(dir / "function.zip");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(sizes.zipped, fs::file_size(dir / "function.zip"));
  const std::string sources[] = {read_file(ONNXFN_BINARY), read_file(model)};
  EXPECT_EQ(sizes.unzipped, sources[0].size() + sources[1].size());
  for (size_t i = 0; i < 2; ++i) {
    const Stored& e = entries[i];
    EXPECT_EQ(e.name, i == 0 ? "bootstrap" : "model.onnx");
    EXPECT_EQ(e.method, Z_DEFLATED) << e.name;
    EXPECT_TRUE(e.data == sources[i]) << e.name << ": inflated bytes differ from the source";
    const size_t zlib9 = zlib_level9_size(sources[i]);
    EXPECT_LT(e.compressed, zlib9) << e.name << ": " << e.compressed << " bytes, zlib level 9 gives " << zlib9;
  }
}

}  // namespace
}  // namespace onnxfn
