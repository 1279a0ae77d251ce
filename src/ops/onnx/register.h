// Registration functions of the ai.onnx kernel families; each is defined in the file named.
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops {

void register_identity(KernelRegistry& r);             // identity.cpp
void register_elementwise_kernels(KernelRegistry& r);  // register_elementwise.cpp
void register_tensor_kernels(KernelRegistry& r);       // register_tensor.cpp
void register_control_flow_kernels(KernelRegistry& r); // control_flow.cpp

}  // namespace onnxfn::ops
