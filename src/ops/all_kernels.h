// The registry with every kernel of src/ops/: what a Session built by the layers above uses.
// ops/ fills it and hands it down to the engine (engine never includes ops).
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops {

// Built on first use, immutable afterwards (safe to share between threads).
const KernelRegistry& all_kernels();

}  // namespace onnxfn::ops
