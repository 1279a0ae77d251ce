// The list of kernel families. Explicit calls rather than static self-registration, which a
// static link would silently drop.
#include "ops/all_kernels.h"

#include "ops/ml/register.h"
#include "ops/onnx/register.h"

namespace onnxfn::ops {

const KernelRegistry& all_kernels() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    register_identity(r);
    register_elementwise_kernels(r);
    register_tensor_kernels(r);
    register_control_flow_kernels(r);
    register_ml_kernels(r);
    register_tree_kernels(r);
    return r;
  }();
  return registry;
}

}  // namespace onnxfn::ops
