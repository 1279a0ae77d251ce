// Registration functions of the ai.onnx kernel families (one per file in src/ops/onnx/).
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops {

void register_identity(KernelRegistry& r);

}  // namespace onnxfn::ops
