// ai.onnx.ml Binarizer: 1 where X > threshold, else 0, in X's own element type.
#include <cmath>
#include <string>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class BinarizerKernel final : public Kernel {
 public:
  // The spec default threshold is 0 (ORT fills schema defaults in, so it uses 0 too).
  explicit BinarizerKernel(const KernelBuildInfo& info) : threshold_(info.node().get_float("threshold", 0.0f)) {}

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    auto run_typed = [&](auto tag) {
      using T = decltype(tag);
      const T* in = x.data<T>();
      T* out = ctx.output(0, x.dtype(), x.shape()).template mutable_data<T>();
      for (int64_t i = 0; i < x.numel(); ++i) {
        // ORT rejects NaN rather than mapping it to 0.
        if constexpr (std::is_floating_point_v<T>)
          if (std::isnan(in[i])) ctx.fail("input X has a NaN at index " + std::to_string(i));
        // Integers compare as float against the float threshold (C++ promotion, as in ORT).
        using Cmp = std::conditional_t<std::is_same_v<T, double>, double, float>;
        out[i] = static_cast<Cmp>(in[i]) > static_cast<Cmp>(threshold_) ? T{1} : T{0};
      }
    };
    switch (x.dtype()) {
      case DType::Float: run_typed(float{}); break;
      case DType::Double: run_typed(double{}); break;
      case DType::Int64: run_typed(int64_t{}); break;
      case DType::Int32: run_typed(int32_t{}); break;
      default: ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected float, double, int64 or int32");
    }
  }

 private:
  float threshold_;
};

}  // namespace

void register_binarizer(KernelRegistry& r) {
  r.add("ai.onnx.ml", "Binarizer", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<BinarizerKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
