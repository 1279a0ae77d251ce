// ai.onnx.ml LinearRegressor: Y = X * coefficients^T + intercepts for `targets` outputs, then the
// post transform (ORT applies it to rows of two or more targets; one target only takes PROBIT).
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "ops/ml/float_rows.h"
#include "ops/ml/model_attributes.h"
#include "ops/ml/post_transform.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class LinearRegressorKernel final : public Kernel {
 public:
  explicit LinearRegressorKernel(const KernelBuildInfo& info) : transform_(parse_post_transform(info)) {
    const Node& node = info.node();
    coefficients_ = required_floats(info, "coefficients");
    targets_ = node.get_int("targets", 1);
    if (targets_ < 1) info.fail("attribute 'targets' must be positive, got " + std::to_string(targets_));
    // ORT uses the intercepts only when there is one per target and silently ignores them
    // otherwise; we match that.
    std::vector<float> intercepts = node.find_floats("intercepts").value_or(std::vector<float>{});
    if (intercepts.size() == static_cast<size_t>(targets_)) intercepts_ = std::move(intercepts);
    else intercepts_.assign(static_cast<size_t>(targets_), 0.0f);
  }

  void run(KernelContext& ctx) const override {
    // ORT only accepts float X; double and integer inputs (allowed by the spec) are read as float.
    const FloatRows x(ctx, ctx.input(0));
    const int64_t n = x.rows(), features = x.cols();
    if (features > static_cast<int64_t>(coefficients_.size()) / targets_)
      ctx.fail("coefficients length (" + std::to_string(coefficients_.size()) + ") must be at least targets (" +
               std::to_string(targets_) + ") * features (" + std::to_string(features) + ")");
    float* out = ctx.output(0, DType::Float, {n, targets_}).mutable_data<float>();
    ctx.threads().parallel_for(n, kRowGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        float* row = out + i * targets_;
        for (int64_t t = 0; t < targets_; ++t)
          row[t] = dot(x.row(i), coefficients_.data() + t * features, features) + intercepts_[t];
        transform_row({row, static_cast<size_t>(targets_)}, transform_);
      }
    });
  }

  OutputType output_type(size_t i) const override {
    return i == 0 ? OutputType{TypeInfo::Kind::Tensor, DType::Float} : OutputType{};
  }

 private:
  PostTransform transform_;
  std::vector<float> coefficients_, intercepts_;
  int64_t targets_ = 1;
};

}  // namespace

void register_linear_regressor(KernelRegistry& r) {
  r.add("ai.onnx.ml", "LinearRegressor", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<LinearRegressorKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
