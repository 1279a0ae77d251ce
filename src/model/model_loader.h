// Loading an ONNX file: read, decode (protobuf-lite), resolve external data, validate.
// Every failure throws Error(BadModel or Unsupported) with a message naming the node or value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "model/model.h"

namespace onnxfn {

struct LoadOptions {
  uint64_t max_file_bytes = uint64_t{2} << 30;  // protobuf cannot parse messages of 2 GiB or more
  int max_subgraph_depth = 16;                  // If/Loop nesting; guards recursion on hostile files
  // Read the file in blocks and decode large attribute lists (a forest's nodes) from the wire into
  // compact arrays (wire_lift.h). Off: the whole file is parsed by protobuf, the reference the
  // tests compare the lean path with.
  bool lift_large_lists = true;
};

Model load_model(const std::filesystem::path& path, const LoadOptions& options = {});

// Decodes a serialized ModelProto; external data files are resolved relative to `base_dir`
// (refused when `base_dir` is empty, e.g. for models that arrive over the network).
Model load_model_from_bytes(std::string_view bytes, const std::filesystem::path& base_dir,
                            const LoadOptions& options = {});

}  // namespace onnxfn
