// Registration functions of the ai.onnx.ml kernel families; each is defined in the file named.
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops {

void register_ml_kernels(KernelRegistry& r);    // register_ml.cpp
void register_tree_kernels(KernelRegistry& r);  // trees/register_trees.cpp

}  // namespace onnxfn::ops
