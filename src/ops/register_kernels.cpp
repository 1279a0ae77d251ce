// The list of kernel families. Explicit calls rather than static self-registration, which a
// static link would silently drop.
#include "ops/ml/register.h"
#include "ops/onnx/register.h"

namespace onnxfn {

void register_all_kernels(KernelRegistry& r) {
  ops::register_identity(r);
}

}  // namespace onnxfn
