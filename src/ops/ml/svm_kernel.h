// The kernel functions shared by SVMClassifier and SVMRegressor (kernel_type, kernel_params),
// evaluated in float as ORT 1.32 does: LINEAR x.v, POLY (gamma x.v + coef0)^degree,
// RBF exp(-gamma |x - v|^2), SIGMOID tanh(gamma x.v + coef0).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/float_rows.h"
#include "ops/ml/model_attributes.h"

namespace onnxfn::ops::ml {

class SvmKernel {
 public:
  enum class Type { Linear, Poly, Rbf, Sigmoid };

  // Reads kernel_type (default LINEAR) and kernel_params [gamma, coef0, degree] (empty: zeros).
  explicit SvmKernel(const KernelBuildInfo& info) {
    const std::string type = info.node().get_string("kernel_type", "LINEAR");
    if (type == "LINEAR") type_ = Type::Linear;
    else if (type == "POLY") type_ = Type::Poly;
    else if (type == "RBF") type_ = Type::Rbf;
    else if (type == "SIGMOID") type_ = Type::Sigmoid;
    else info.fail("attribute 'kernel_type' is '" + type + "', expected LINEAR, POLY, RBF or SIGMOID");
    // ORT requires the attribute to be present; the ONNX spec makes it optional, so a missing
    // one means zeros here. A present one must have all three values (ORT checks that too).
    const std::vector<float> params = info.node().find_floats("kernel_params").value_or(std::vector<float>{});
    if (!params.empty() && params.size() != 3)
      info.fail("attribute 'kernel_params' must be empty or have 3 values (gamma, coef0, degree), got " +
                std::to_string(params.size()));
    if (!params.empty()) {
      gamma_ = params[0];
      coef0_ = params[1];
      degree_ = params[2];
    }
  }

  // Models without support vectors are linear in their coefficients whatever kernel_type says
  // (ORT's "liblinear mode").
  void force_linear() { type_ = Type::Linear; }
  Type type() const { return type_; }

  // K(x, v) for feature vectors of length n.
  float operator()(const float* x, const float* v, int64_t n) const {
    switch (type_) {
      case Type::Linear: return dot(x, v, n);
      case Type::Rbf: {
        double sum = 0;
        for (int64_t i = 0; i < n; ++i) {
          const double d = static_cast<double>(x[i]) - v[i];
          sum += d * d;
        }
        return std::exp(-gamma_ * static_cast<float>(sum));
      }
      case Type::Poly: {
        const float base = gamma_ * dot(x, v, n) + coef0_;
        // ORT squares and cubes exactly and calls pow for other degrees (NaN for a negative base
        // with a fractional degree).
        if (degree_ == 2) return base * base;
        if (degree_ == 3) return base * base * base;
        return std::pow(base, degree_);
      }
      case Type::Sigmoid: return std::tanh(gamma_ * dot(x, v, n) + coef0_);
    }
    return 0;
  }

 private:
  Type type_ = Type::Linear;
  float gamma_ = 0;
  float coef0_ = 0;
  float degree_ = 0;
};

}  // namespace onnxfn::ops::ml
