// Fuzzes zip bundle loading: the bytes are written to a file (minizip reads archives from files)
// and loaded as a bundle, so the archive reader, the size and name checks, and the spec, metadata
// and state parsers behind them all see hostile input. Any outcome but an onnxfn::Error is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/error.h"
#include "pipeline/bundle.h"
#include "pipeline/bundle_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/onnxfn_bundle_zip_fuzz_" + std::to_string(::getpid()) + ".zip";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    // Small limits, so an archive that inflates a lot is refused quickly rather than timed out.
    (void)onnxfn::pipeline::read_zip_archive(path, {.max_total_bytes = 1 << 20, .max_entries = 64});
    (void)onnxfn::pipeline::load_bundle(path, {.require_state = false});
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
