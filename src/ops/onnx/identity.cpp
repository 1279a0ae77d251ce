// Identity: passes its input through, sharing storage (tensors are immutable once published).
#include "ops/onnx/register.h"

namespace onnxfn::ops {
namespace {

class IdentityKernel final : public Kernel {
 public:
  void run(KernelContext& ctx) const override { ctx.set_output(0, ctx.input_value(0)); }
};

}  // namespace

void register_identity(KernelRegistry& r) {
  r.add("ai.onnx", "Identity", 1, 25, [](const KernelBuildInfo&) -> std::unique_ptr<Kernel> {
    return std::make_unique<IdentityKernel>();
  });
}

}  // namespace onnxfn::ops
