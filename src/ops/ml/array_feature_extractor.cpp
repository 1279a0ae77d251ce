// ai.onnx.ml ArrayFeatureExtractor: selects the given indices along X's last axis (any element
// type, strings included); a 1-D X gives a [1, k] result as in ORT.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/kernel_support.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class ArrayFeatureExtractorKernel final : public Kernel {
 public:
  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Tensor& y = ctx.input(1);
    if (x.rank() == 0) ctx.fail("input X must have at least one dimension");
    const int64_t stride = x.dim(x.rank() - 1);
    // The spec types Y as int64; int32 indices are accepted too. Every index is checked (ORT
    // rejects negative and too large ones; there is no negative-index wrap-around).
    std::vector<int64_t> indices(static_cast<size_t>(y.numel()));
    if (y.dtype() == DType::Int64) {
      std::copy(y.data<int64_t>(), y.data<int64_t>() + y.numel(), indices.begin());
    } else if (y.dtype() == DType::Int32) {
      std::copy(y.data<int32_t>(), y.data<int32_t>() + y.numel(), indices.begin());
    } else {
      ctx.fail("input Y has element type " + dtype_name(y.dtype()) + ", expected int64");
    }
    if (indices.empty()) ctx.fail("input Y has no indices");
    for (size_t j = 0; j < indices.size(); ++j)
      if (indices[j] < 0 || indices[j] >= stride)
        ctx.fail("index Y[" + std::to_string(j) + "] = " + std::to_string(indices[j]) + " is out of range [0, " +
                 std::to_string(stride) + ")");
    const int64_t k = static_cast<int64_t>(indices.size());
    Shape shape = x.shape();
    if (x.rank() == 1) shape = {1, k};
    else shape.back() = k;
    const int64_t rows = stride == 0 ? 0 : x.numel() / stride;
    dispatch_any(x.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* in = x.data<T>();
      T* out = ctx.output(0, x.dtype(), shape).template mutable_data<T>();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < k; ++j) out[r * k + j] = in[r * stride + indices[static_cast<size_t>(j)]];
    });
  }
};

}  // namespace

void register_array_feature_extractor(KernelRegistry& r) {
  r.add("ai.onnx.ml", "ArrayFeatureExtractor", 1, 1, [](const KernelBuildInfo&) -> std::unique_ptr<Kernel> {
    return std::make_unique<ArrayFeatureExtractorKernel>();
  });
}

}  // namespace onnxfn::ops::ml
