// Running a bundle over a records file in chunks: shared by `predict --bundle` and `features`.
#pragma once

#include <cstdint>
#include <string>

namespace onnxfn::cli {

inline constexpr int64_t kDefaultChunkRows = 10000;

// Reads `input` records, runs the bundle chunk by chunk, and streams the output records (or the
// feature table when features_only) to `output`.
void predict_bundle_records(const std::string& bundle, const std::string& input, const std::string& output,
                            const std::string& format, int threads, int64_t chunk_rows, bool features_only);

}  // namespace onnxfn::cli
