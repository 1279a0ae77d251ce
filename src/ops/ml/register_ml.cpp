// Registers the kernels of this family (see register.h).
#include "ops/ml/register.h"

namespace onnxfn::ops {

void register_ml_kernels(KernelRegistry& r) {
  (void)r;
}

}  // namespace onnxfn::ops
