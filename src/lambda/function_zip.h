// function.zip for a custom runtime: `bootstrap` (mode 0755) and the bundle, written so that the
// same inputs give the same bytes (entries in name order, fixed 1980-01-01 timestamps, fixed
// modes and "made by" Unix), which keeps deployments and their hashes stable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace onnxfn::lambda {

struct ZipEntry {
  std::string name;    // path inside the zip ('/' separated)
  std::string source;  // file to read
  bool executable = false;
};

struct ZipSizes {
  uint64_t zipped = 0, unzipped = 0;
};

// Writes `entries` (sorted by name here) to `path`; BadInput naming the file that cannot be read
// or written.
ZipSizes write_function_zip(const std::string& path, std::vector<ZipEntry> entries);

}  // namespace onnxfn::lambda
