// IR and opset versions this build of onnxfn understands. Newer files are refused at load time
// with a message, rather than run with semantics we have not checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace onnxfn {

inline constexpr int64_t kMinIrVersion = 3;   // IR 3 introduced opset_import
inline constexpr int64_t kMaxIrVersion = 13;  // onnx 1.20

// Highest opset onnxfn knows for a domain (the operator history tables in ops/ go this far);
// nullopt for domains it has no operators for.
inline std::optional<int64_t> max_known_opset(std::string_view canonical_domain) {
  if (canonical_domain == "ai.onnx") return 25;
  if (canonical_domain == "ai.onnx.ml") return 5;
  return std::nullopt;
}

}  // namespace onnxfn
