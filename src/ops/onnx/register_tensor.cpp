// Registers the kernels of this family (see register.h).
#include "ops/onnx/register.h"

namespace onnxfn::ops {

void register_tensor_kernels(KernelRegistry& r) {
  (void)r;
}

}  // namespace onnxfn::ops
