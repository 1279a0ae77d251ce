// ai.onnx.ml Normalizer: scales each row of a 1-D or 2-D input by its maximum (MAX), sum of
// absolute values (L1) or Euclidean norm (L2); rows whose norm is zero pass through unchanged.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

enum class Norm { Max, L1, L2 };

// x * x in T; integer squares wrap instead of overflowing (undefined behaviour), which is what
// ORT's int64 arithmetic does in practice.
template <class T>
float square(T x) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<float>(static_cast<T>(static_cast<U>(x) * static_cast<U>(x)));
  } else {
    return static_cast<float>(x * x);
  }
}

template <class T>
void normalize_row(const T* in, float* out, int64_t n, Norm norm) {
  float divisor = 0;
  switch (norm) {
    case Norm::Max: {
      divisor = std::numeric_limits<float>::lowest();
      for (int64_t i = 0; i < n; ++i) divisor = std::max(divisor, static_cast<float>(in[i]));
      break;
    }
    case Norm::L1:
      for (int64_t i = 0; i < n; ++i) divisor += static_cast<float>(std::abs(in[i]));
      break;
    case Norm::L2:
      for (int64_t i = 0; i < n; ++i) divisor += square(in[i]);
      break;
  }
  if (divisor == 0) {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
  } else if (norm == Norm::L2) {
    // sqrt(x^2 / sum) with the sign of x, as ORT computes it.
    for (int64_t i = 0; i < n; ++i) {
      const float v = std::sqrt(square(in[i]) / divisor);
      out[i] = in[i] < 0 ? -v : v;
    }
  } else {
    // MAX divides by the (possibly negative) row maximum, as ORT does.
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]) / divisor;
  }
}

class NormalizerKernel final : public Kernel {
 public:
  explicit NormalizerKernel(const KernelBuildInfo& info) {
    const std::string norm = info.node().get_string("norm", "MAX");
    if (norm == "MAX") norm_ = Norm::Max;
    else if (norm == "L1") norm_ = Norm::L1;
    else if (norm == "L2") norm_ = Norm::L2;
    else info.fail("attribute 'norm' is '" + norm + "', expected MAX, L1 or L2");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    // ORT 1.32 rejects ranks above 2 (older versions normalised along axis 1).
    if (x.rank() == 0 || x.rank() > 2) ctx.fail("input X must be 1-D or 2-D, got shape " + shape_to_string(x.shape()));
    const int64_t width = x.rank() == 1 ? x.dim(0) : x.dim(1);
    const int64_t rows = x.rank() == 1 ? 1 : x.dim(0);
    float* out = ctx.output(0, DType::Float, x.shape()).mutable_data<float>();
    auto run_typed = [&](auto tag) {
      using T = decltype(tag);
      const T* in = x.data<T>();
      for (int64_t r = 0; r < rows; ++r) normalize_row(in + r * width, out + r * width, width, norm_);
    };
    switch (x.dtype()) {
      case DType::Float: run_typed(float{}); break;
      case DType::Double: run_typed(double{}); break;
      case DType::Int64: run_typed(int64_t{}); break;
      case DType::Int32: run_typed(int32_t{}); break;
      default: ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected float, double, int64 or int32");
    }
  }

  OutputType output_type(size_t i) const override {
    return i == 0 ? OutputType{TypeInfo::Kind::Tensor, DType::Float} : OutputType{};
  }

 private:
  Norm norm_ = Norm::Max;
};

}  // namespace

void register_normalizer(KernelRegistry& r) {
  r.add("ai.onnx.ml", "Normalizer", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<NormalizerKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
