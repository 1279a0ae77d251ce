// Registration functions of the elementwise kernel families; register_elementwise.cpp calls them.
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops::elementwise {

// Highest opset version onnxfn knows (engine/op_history.inc); ranges end here when the op has not changed.
inline constexpr int kLatestOpset = 25;

void register_unary_math(KernelRegistry& r);           // unary_math.cpp
void register_activations(KernelRegistry& r);          // activation.cpp
void register_binary_arithmetic(KernelRegistry& r);    // binary_arithmetic.cpp
void register_variadic(KernelRegistry& r);             // elementwise_variadic.cpp
void register_compare_logic(KernelRegistry& r);        // compare_logic.cpp
void register_where(KernelRegistry& r);                // where.cpp
void register_cast(KernelRegistry& r);                 // cast.cpp
void register_clip(KernelRegistry& r);                 // clip.cpp

}  // namespace onnxfn::ops::elementwise
