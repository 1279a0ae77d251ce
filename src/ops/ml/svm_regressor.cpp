// ai.onnx.ml SVMRegressor: sum of coefficient-weighted kernel values against the support vectors
// plus rho[0] (or, without support vectors, a linear model), optionally the sign for one-class SVMs.
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "ops/ml/float_rows.h"
#include "ops/ml/model_attributes.h"
#include "ops/ml/post_transform.h"
#include "ops/ml/register_ml.h"
#include "ops/ml/svm_kernel.h"

namespace onnxfn::ops::ml {
namespace {

class SvmRegressorKernel final : public Kernel {
 public:
  explicit SvmRegressorKernel(const KernelBuildInfo& info) : kernel_(info) {
    const Node& node = info.node();
    coefficients_ = required_floats(info, "coefficients");
    rho_ = required_floats(info, "rho");
    support_vectors_ = node.find_floats("support_vectors").value_or(std::vector<float>{});
    vectors_ = node.get_int("n_supports", 0);
    one_class_ = node.get_int("one_class", 0) != 0;
    // post_transform is validated but, as in ORT, not applied: the output is the raw value.
    (void)parse_post_transform(info);
    if (vectors_ < 0) info.fail("attribute 'n_supports' is negative");
    if (vectors_ > 0) {
      if (coefficients_.size() < static_cast<size_t>(vectors_))
        info.fail("coefficients size (" + std::to_string(coefficients_.size()) + ") is less than n_supports (" +
                  std::to_string(vectors_) + ")");
      if (support_vectors_.empty() || support_vectors_.size() % static_cast<size_t>(vectors_) != 0)
        info.fail("support_vectors size (" + std::to_string(support_vectors_.size()) +
                  ") is not a positive multiple of n_supports (" + std::to_string(vectors_) + ")");
      features_ = static_cast<int64_t>(support_vectors_.size()) / vectors_;
    } else {
      kernel_.force_linear();
      features_ = static_cast<int64_t>(coefficients_.size());
    }
  }

  void run(KernelContext& ctx) const override {
    const FloatRows x(ctx, ctx.input(0));
    if (x.cols() != features_)
      ctx.fail("input X has " + std::to_string(x.cols()) + " features, the model expects " + std::to_string(features_));
    const int64_t n = x.rows();
    float* out = ctx.output(0, DType::Float, {n, 1}).mutable_data<float>();
    ctx.threads().parallel_for(n, kRowGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        float value;
        if (vectors_ > 0) {
          double sum = 0;
          for (int64_t v = 0; v < vectors_; ++v)
            sum += static_cast<double>(coefficients_[v]) * kernel_(x.row(i), support_vectors_.data() + v * features_, features_);
          value = static_cast<float>(sum + rho_[0]);
        } else {
          value = kernel_(x.row(i), coefficients_.data(), features_) + rho_[0];
        }
        out[i] = one_class_ ? (value > 0 ? 1.0f : -1.0f) : value;
      }
    });
  }

  OutputType output_type(size_t i) const override {
    return i == 0 ? OutputType{TypeInfo::Kind::Tensor, DType::Float} : OutputType{};
  }

 private:
  SvmKernel kernel_;
  std::vector<float> coefficients_, rho_, support_vectors_;
  int64_t vectors_ = 0, features_ = 0;
  bool one_class_ = false;
};

}  // namespace

void register_svm_regressor(KernelRegistry& r) {
  r.add("ai.onnx.ml", "SVMRegressor", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<SvmRegressorKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
