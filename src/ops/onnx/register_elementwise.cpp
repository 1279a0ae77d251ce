// Registers the kernels of this family (see register.h): the ai.onnx elementwise operators.
#include "ops/onnx/elementwise_families.h"
#include "ops/onnx/register.h"

namespace onnxfn::ops {

void register_elementwise_kernels(KernelRegistry& r) {
  elementwise::register_unary_math(r);
  elementwise::register_activations(r);
  elementwise::register_binary_arithmetic(r);
  elementwise::register_variadic(r);
  elementwise::register_compare_logic(r);
  elementwise::register_where(r);
  elementwise::register_cast(r);
  elementwise::register_clip(r);
}

}  // namespace onnxfn::ops
