// ai.onnx.ml Scaler: Y = (X - offset) * scale as float, per feature (offset/scale as long as the
// feature dimension) or with a single offset/scale for every element.
#include <string>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class ScalerKernel final : public Kernel {
 public:
  explicit ScalerKernel(const KernelBuildInfo& info) {
    scale_ = info.node().find_floats("scale").value_or(std::vector<float>{});
    offset_ = info.node().find_floats("offset").value_or(std::vector<float>{});
    // The spec leaves both optional; ORT requires a scale and an offset of the same length.
    if (scale_.empty()) info.fail("attribute 'scale' is missing or empty");
    if (scale_.size() != offset_.size())
      info.fail("attributes 'scale' (" + std::to_string(scale_.size()) + " values) and 'offset' (" +
                std::to_string(offset_.size()) + " values) must have the same length");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (x.rank() == 0) ctx.fail("input X must have at least one dimension");
    // ORT's "feature" dimension is dim 1 (dim 0 for 1-D input) and it indexes the attributes by
    // flat element index modulo that size, also for inputs of rank 3 and more.
    const int64_t stride = x.rank() == 1 ? x.dim(0) : x.dim(1);
    const bool per_feature = static_cast<int64_t>(scale_.size()) == stride;
    if (!per_feature && scale_.size() != 1)
      ctx.fail("scale and offset have " + std::to_string(scale_.size()) + " values; expected the feature count (" +
               std::to_string(stride) + ") or 1");
    Tensor& y = ctx.output(0, DType::Float, x.shape());
    float* out = y.mutable_data<float>();
    // Arithmetic in double for double input and in float otherwise (integers convert to float
    // first), as ORT's expression (x - offset) * scale promotes.
    auto run_typed = [&](auto tag, auto math_tag) {
      using T = decltype(tag);
      using Math = decltype(math_tag);
      const T* in = x.data<T>();
      const int64_t count = x.numel();
      for (int64_t i = 0; i < count; ++i) {
        const size_t k = per_feature ? static_cast<size_t>(i % stride) : 0;
        out[i] = static_cast<float>((static_cast<Math>(in[i]) - static_cast<Math>(offset_[k])) * static_cast<Math>(scale_[k]));
      }
    };
    switch (x.dtype()) {
      case DType::Float: run_typed(float{}, float{}); break;
      case DType::Double: run_typed(double{}, double{}); break;
      case DType::Int64: run_typed(int64_t{}, float{}); break;
      case DType::Int32: run_typed(int32_t{}, float{}); break;
      default: ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected float, double, int64 or int32");
    }
  }

  OutputType output_type(size_t i) const override {
    return i == 0 ? OutputType{TypeInfo::Kind::Tensor, DType::Float} : OutputType{};
  }

 private:
  std::vector<float> scale_, offset_;
};

}  // namespace

void register_scaler(KernelRegistry& r) {
  r.add("ai.onnx.ml", "Scaler", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<ScalerKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
