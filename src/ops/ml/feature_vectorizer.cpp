// ai.onnx.ml FeatureVectorizer: concatenates its inputs' features into one float row per sample,
// each input truncated or zero-padded to its entry of inputdimensions.
#include <numeric>
#include <algorithm>
#include <string>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class FeatureVectorizerKernel final : public Kernel {
 public:
  explicit FeatureVectorizerKernel(const KernelBuildInfo& info) {
    dimensions_ = info.node().find_ints("inputdimensions").value_or(std::vector<int64_t>{});
    if (dimensions_.empty()) info.fail("attribute 'inputdimensions' must be provided");
    if (dimensions_.size() != info.input_count())
      info.fail("the node has " + std::to_string(info.input_count()) + " inputs but 'inputdimensions' has " +
                std::to_string(dimensions_.size()) + " values");
    for (int64_t d : dimensions_) {
      if (d < 0 || d > (int64_t{1} << 40)) info.fail("attribute 'inputdimensions' has an invalid value " + std::to_string(d));
      total_ += d;
    }
  }

  void run(KernelContext& ctx) const override {
    const Tensor& first = ctx.input(0);
    if (first.rank() == 0) ctx.fail("input 0 must have at least one dimension");
    const int64_t n = first.rank() == 1 ? 1 : first.dim(0);
    float* out = ctx.output(0, DType::Float, {n, total_}).mutable_data<float>();
    int64_t offset = 0;
    for (size_t k = 0; k < dimensions_.size(); ++k) {
      const Tensor& x = ctx.input(k);
      if (x.rank() == 0) ctx.fail("input " + std::to_string(k) + " must have at least one dimension");
      // ORT 1.32 requires equal batch sizes. Inputs may differ in element type here (the spec
      // binds them to one type T1; heterogeneous inputs are a convenience).
      const int64_t rows = x.rank() == 1 ? 1 : x.dim(0);
      if (rows != n)
        ctx.fail("all inputs must have the same batch size; input 0 has " + std::to_string(n) + ", input " +
                 std::to_string(k) + " has " + std::to_string(rows));
      const int64_t width = rows == 0 ? 0 : x.numel() / rows;
      const int64_t copy = std::min(width, dimensions_[k]);
      auto copy_rows = [&](auto tag) {
        using T = decltype(tag);
        const T* in = x.data<T>();
        for (int64_t r = 0; r < n; ++r)
          for (int64_t j = 0; j < copy; ++j) out[r * total_ + offset + j] = static_cast<float>(in[r * width + j]);
      };
      switch (x.dtype()) {
        case DType::Float: copy_rows(float{}); break;
        case DType::Double: copy_rows(double{}); break;
        case DType::Int64: copy_rows(int64_t{}); break;
        case DType::Int32: copy_rows(int32_t{}); break;
        default:
          ctx.fail("input " + std::to_string(k) + " has element type " + dtype_name(x.dtype()) +
                   ", expected float, double, int64 or int32");
      }
      offset += dimensions_[k];
    }
  }

  OutputType output_type(size_t i) const override {
    return i == 0 ? OutputType{TypeInfo::Kind::Tensor, DType::Float} : OutputType{};
  }

 private:
  std::vector<int64_t> dimensions_;
  int64_t total_ = 0;
};

}  // namespace

void register_feature_vectorizer(KernelRegistry& r) {
  r.add("ai.onnx.ml", "FeatureVectorizer", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<FeatureVectorizerKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
