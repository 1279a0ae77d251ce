// Where: picks X or Y by a bool condition, numpy broadcasting across all three inputs, for any
// element type (strings included).
#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

class WhereKernel final : public Kernel {
 public:
  void run(KernelContext& ctx) const override {
    const Tensor& cond = ctx.input(0);
    const Tensor& x = ctx.input(1);
    const Tensor& y = ctx.input(2);
    if (cond.dtype() != DType::Bool) ctx.fail("condition must be bool, got " + dtype_name(cond.dtype()));
    if (x.dtype() != y.dtype())
      ctx.fail("X and Y types differ: " + dtype_name(x.dtype()) + " and " + dtype_name(y.dtype()));
    const BroadcastPlan<3> plan = plan_broadcast<3>({&cond.shape(), &x.shape(), &y.shape()}, ctx);
    dispatch_any(x.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      Tensor& out = ctx.output(0, x.dtype(), plan.out_shape);
      const bool* pc = cond.data<bool>();
      const T* px = x.data<T>();
      const T* py = y.data<T>();
      T* po = out.mutable_data<T>();
      const int64_t grain = std::is_same_v<T, std::string> ? kCostlyGrain : kCheapGrain;
      for_each_run(plan, ctx, grain, [&](const Run& run) {
        const int64_t len = run.len;
        const int64_t sc = run.steps[0], sx = run.steps[1], sy = run.steps[2];
        for (int64_t row = 0; row < run.rows; ++row) {
          const bool* c = pc + run.offsets[0] + row * run.row_strides[0];
          const T* a = px + run.offsets[1] + row * run.row_strides[1];
          const T* b = py + run.offsets[2] + row * run.row_strides[2];
          T* r = po + run.out + row * len;
          if (sc == 1 && sx == 1 && sy == 1) {
            for (int64_t i = 0; i < len; ++i) r[i] = c[i] ? a[i] : b[i];
          } else {
            for (int64_t i = 0; i < len; ++i) r[i] = c[i * sc] ? a[i * sx] : b[i * sy];
          }
        }
      });
    });
  }
};

}  // namespace

void register_where(KernelRegistry& r) {
  r.add("ai.onnx", "Where", 9, kLatestOpset, [](const KernelBuildInfo&) -> std::unique_ptr<Kernel> {
    return std::make_unique<WhereKernel>();
  });
}

}  // namespace onnxfn::ops::elementwise
