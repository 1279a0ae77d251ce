// Registration functions of the ai.onnx.ml kernel families (one per file in src/ops/ml/).
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops {

}  // namespace onnxfn::ops
