// ai.onnx.ml Imputer: replaces elements equal to replaced_value_* (NaN matching NaN) by the
// imputed value of their feature, or by the single imputed value.
#include <cmath>
#include <string>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class ImputerKernel final : public Kernel {
 public:
  explicit ImputerKernel(const KernelBuildInfo& info) {
    const Node& node = info.node();
    floats_ = node.find_floats("imputed_value_floats").value_or(std::vector<float>{});
    ints_ = node.find_ints("imputed_value_int64s").value_or(std::vector<int64_t>{});
    replaced_float_ = node.get_float("replaced_value_float", 0.0f);
    replaced_int_ = node.get_int("replaced_value_int64", 0);
    if (floats_.empty() == ints_.empty())
      info.fail("exactly one of 'imputed_value_floats' and 'imputed_value_int64s' must be given");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (x.rank() == 0) ctx.fail("input X must have at least one dimension");
    const int64_t stride = x.rank() == 1 ? x.dim(0) : x.dim(1);
    switch (x.dtype()) {
      case DType::Float: impute<float>(ctx, x, stride, floats_, replaced_float_); break;
      case DType::Double: impute<double>(ctx, x, stride, floats_, replaced_float_); break;
      case DType::Int64: impute<int64_t>(ctx, x, stride, ints_, replaced_int_); break;
      case DType::Int32: impute<int32_t>(ctx, x, stride, ints_, replaced_int_); break;
      default: ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected float, double, int64 or int32");
    }
  }

 private:
  // Float inputs use the *_floats/_float attributes and integer inputs the *_int64s/_int64 ones;
  // ORT fails at run time when the matching list is empty, and so do we.
  template <class T, class V, class R>
  static void impute(KernelContext& ctx, const Tensor& x, int64_t stride, const std::vector<V>& values, R replaced) {
    if (values.empty())
      ctx.fail(std::string("input X is ") + dtype_name(x.dtype()) + " but the model only has imputed values of the other kind");
    // Per-feature values when there is one per feature (dim 1, flat index modulo it as in ORT),
    // otherwise the first value for every element.
    const bool per_feature = static_cast<int64_t>(values.size()) == stride;
    const T* in = x.data<T>();
    T* out = ctx.output(0, x.dtype(), x.shape()).template mutable_data<T>();
    const T target = static_cast<T>(replaced);
    bool nan_target = false;
    if constexpr (std::is_floating_point_v<T>) nan_target = std::isnan(target);
    for (int64_t i = 0; i < x.numel(); ++i) {
      bool hit = in[i] == target;
      if constexpr (std::is_floating_point_v<T>) hit = hit || (nan_target && std::isnan(in[i]));
      out[i] = hit ? static_cast<T>(values[per_feature ? static_cast<size_t>(i % stride) : 0]) : in[i];
    }
  }

  std::vector<float> floats_;
  std::vector<int64_t> ints_;
  float replaced_float_ = 0;
  int64_t replaced_int_ = 0;
};

}  // namespace

void register_imputer(KernelRegistry& r) {
  r.add("ai.onnx.ml", "Imputer", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<ImputerKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
