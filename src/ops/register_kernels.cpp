// The list of kernel families. Explicit calls rather than static self-registration, which a
// static link would silently drop.
#include "ops/ml/register.h"
#include "ops/onnx/register.h"

namespace onnxfn {

void register_all_kernels(KernelRegistry& r) {
  ops::register_identity(r);
  ops::register_elementwise_kernels(r);
  ops::register_tensor_kernels(r);
  ops::register_control_flow_kernels(r);
  ops::register_ml_kernels(r);
  ops::register_tree_kernels(r);
}

}  // namespace onnxfn
