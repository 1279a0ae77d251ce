// Attribute readers shared by the ai.onnx.ml model kernels, beyond Node's typed getters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kernel.h"

namespace onnxfn::ops::ml {

// A floats attribute that must be present and non-empty; BadModel naming it otherwise.
inline std::vector<float> required_floats(const KernelBuildInfo& info, std::string_view name) {
  std::optional<std::vector<float>> v = info.node().find_floats(name);
  if (!v || v->empty()) info.fail("attribute '" + std::string(name) + "' is missing or empty");
  return *v;
}

}  // namespace onnxfn::ops::ml
