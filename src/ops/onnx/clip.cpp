// Clip: bounds every element to [min, max]; from attributes before opset 11, from optional
// scalar inputs since.
#include <limits>

#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

// y = min(max(x, lo), hi) with std::max / std::min argument order, which gives ORT's results at
// the edges: NaN inputs stay NaN, a NaN bound is ignored, and min > max yields max everywhere.
// A missing bound is the type's lowest / highest finite value, so -inf is clipped to lowest()
// even without a min (as ORT does).
template <class T>
void clip_tensor(KernelContext& ctx, const Tensor& x, T lo, T hi) {
  Tensor& y = ctx.output(0, x.dtype(), x.shape());
  map_unary<T, T>(ctx, x, y, kCheapGrain, [lo, hi](T v) { return std::min(std::max(v, lo), hi); });
}

class ClipAttributeKernel final : public Kernel {
 public:
  ClipAttributeKernel(std::optional<float> lo, std::optional<float> hi) : lo_(lo), hi_(hi) {}
  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    dispatch_float(x.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      clip_tensor<T>(ctx, x, lo_ ? static_cast<T>(*lo_) : std::numeric_limits<T>::lowest(),
                     hi_ ? static_cast<T>(*hi_) : std::numeric_limits<T>::max());
    });
  }

 private:
  std::optional<float> lo_, hi_;
};

// ORT requires min and max to be scalars (rank 0 or shape [1]) of the input's type.
class ClipInputKernel final : public Kernel {
 public:
  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    dispatch_numeric(x.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      clip_tensor<T>(ctx, x, bound<T>(ctx, 1, "min", std::numeric_limits<T>::lowest()),
                     bound<T>(ctx, 2, "max", std::numeric_limits<T>::max()));
    });
  }

 private:
  template <class T>
  static T bound(const KernelContext& ctx, size_t i, const char* what, T fallback) {
    if (!ctx.has_input(i)) return fallback;
    const Tensor& t = ctx.input(i);
    if (t.dtype() != dtype_of<T>())
      ctx.fail(std::string(what) + " has type " + dtype_name(t.dtype()) + ", the input " + dtype_name(dtype_of<T>()));
    if (t.numel() != 1 || t.rank() > 1)
      ctx.fail(std::string(what) + " must be a scalar, got shape " + shape_to_string(t.shape()));
    return t.data<T>()[0];
  }
};

}  // namespace

void register_clip(KernelRegistry& r) {
  r.add("ai.onnx", "Clip", 1, 6, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<ClipAttributeKernel>(info.node().find_float("min"), info.node().find_float("max"));
  });
  r.add("ai.onnx", "Clip", 11, kLatestOpset, [](const KernelBuildInfo&) -> std::unique_ptr<Kernel> {
    return std::make_unique<ClipInputKernel>();
  });
}

}  // namespace onnxfn::ops::elementwise
